"""Memos on the project and on documents."""

from __future__ import annotations

import pytest

from annotator.core.errors import InvalidInput, NotFound


def test_project_and_document_memos_are_kept_apart(sample):
    p = sample.project
    general = p.add_memo("Coding rules for round 2", title="Round 2", coder_id=sample.ann.id)
    on_doc = p.add_memo("The speaker hedges here.", document_id=sample.speech.id)
    assert p.memos() == [general]
    assert p.memos(sample.speech.id) == [on_doc]
    edited = p.update_memo(on_doc.id, text="The speaker hedges twice.")
    assert edited.text == "The speaker hedges twice." and edited.updated


def test_memo_edits_are_undoable_and_deleting_a_document_takes_its_memos(sample):
    p = sample.project
    memo = p.add_memo("note", document_id=sample.speech.id)
    p.update_memo(memo.id, text="changed")
    p.undo()
    assert p.memo(memo.id).text == "note"
    p.delete_document(sample.speech.id)
    with pytest.raises(NotFound):
        p.memo(memo.id)


def test_empty_memo_and_unknown_document_are_refused(sample):
    with pytest.raises(InvalidInput):
        sample.project.add_memo("  ")
    with pytest.raises(NotFound):
        sample.project.add_memo("x", document_id="ghost")
