"""Documents and coders in the store."""

from __future__ import annotations

import pytest

from annotator.core.errors import Conflict, InvalidInput, NotFound


def test_duplicate_text_is_detected_not_stored_twice(sample):
    p = sample.project
    text = p.document_text(sample.speech.id)
    with pytest.raises(Conflict, match="same text as 'Speech'"):
        p.add_document("Copy", text.replace("\n", "\r\n"), source_name="copy.txt")
    assert len(p.documents()) == 2


def test_empty_text_is_refused(project):
    with pytest.raises(InvalidInput, match="no text"):
        project.add_document("Blank", " \n\t ", source_name="blank.txt")


def test_summaries_carry_counts_and_attributes(sample):
    docs = {d.title: d for d in sample.project.documents()}
    assert docs["Speech"].codings == 3
    assert docs["Speech"].attributes == {"genre": "speech"}
    assert docs["Emoji post"].length == len(sample.project.document_text(sample.emoji.id))


def test_find_document_by_title_file_name_or_id(sample):
    p = sample.project
    assert p.find_document("speech.txt").id == sample.speech.id
    assert p.find_document("SPEECH").id == sample.speech.id
    assert p.find_document(sample.emoji.id).id == sample.emoji.id
    with pytest.raises(NotFound):
        p.find_document("nothing")


def test_deleting_a_document_takes_its_codings_and_can_be_undone(sample):
    p = sample.project
    total = len(p.codings())
    p.delete_document(sample.speech.id)
    assert len(p.codings()) == total - 3
    p.undo()
    assert len(p.codings()) == total
    assert p.document_attributes(sample.speech.id) == {"genre": "speech"}


def test_coder_names_are_unique(project):
    project.add_coder("Ann")
    with pytest.raises(Conflict):
        project.add_coder(" ann ")
    assert project.ensure_coder("ANN").name == "Ann"
    with pytest.raises(NotFound, match="coders: Ann"):
        project.find_coder("Zed")


def test_nul_characters_are_refused_in_texts_and_names(project):
    with pytest.raises(InvalidInput, match="NUL"):
        project.add_document("Bad", "some\x00text")
    with pytest.raises(InvalidInput, match="NUL"):
        project.add_coder("A\x00nn")
    assert project.documents() == [] and project.coders() == []
