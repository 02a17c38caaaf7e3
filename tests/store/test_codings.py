"""Codings: validated offsets, a coder on every coding, one action per change."""

from __future__ import annotations

import pytest

from annotator.core.errors import Conflict, InvalidInput, NotFound


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (3, 3), (5, 2), (0, 10_000)])
def test_impossible_offsets_are_refused_and_nothing_is_written(sample, start, end):
    p = sample.project
    before = len(p.codings())
    with pytest.raises(InvalidInput, match="impossible"):
        p.add_coding(sample.speech.id, sample.rivalry.id, sample.ann.id, start, end)
    assert len(p.codings()) == before


def test_a_coding_needs_an_existing_coder_code_and_document(sample):
    p = sample.project
    with pytest.raises(NotFound, match="every coding needs its coder"):
        p.add_coding(sample.speech.id, sample.rivalry.id, "ghost", 0, 4)
    with pytest.raises(NotFound, match="No code"):
        p.add_coding(sample.speech.id, "ghost", sample.ann.id, 0, 4)
    with pytest.raises(NotFound, match="No document"):
        p.add_coding("ghost", sample.rivalry.id, sample.ann.id, 0, 4)


def test_offsets_are_code_points_so_emoji_count_once(sample):
    p = sample.project
    text = p.document_text(sample.emoji.id)
    start = text.index("🤖")
    c = p.add_coding(sample.emoji.id, sample.rivalry.id, sample.ann.id, start, start + 1)
    assert text[c.start : c.end] == "🤖"


def test_crlf_is_normalised_at_import_so_offsets_are_stable(project):
    doc = project.add_document("Lines", "one\r\ntwo\rthree\n")
    assert project.document_text(doc.id) == "one\ntwo\nthree\n"


def test_filtering_codings(sample):
    p = sample.project
    assert {c.coder_id for c in p.codings(coder_ids=[sample.ben.id])} == {sample.ben.id}
    assert len(p.codings(document_id=sample.emoji.id)) == 1
    assert len(p.codings(code_ids=[sample.rivalry.id])) == 3


def test_update_coding_resizes_reassigns_and_annotates(sample):
    p = sample.project
    c = p.codings(document_id=sample.emoji.id)[0]
    updated = p.update_coding(c.id, start=1, end=5, code_id=sample.norms.id, memo="why")
    assert (updated.start, updated.end, updated.code_id, updated.memo) == (
        1,
        5,
        sample.norms.id,
        "why",
    )
    assert updated.updated
    with pytest.raises(InvalidInput):
        p.update_coding(c.id, end=10_000)
    assert p.coding(c.id).end == 5


def test_every_action_notifies_observers_once_with_what_changed(sample):
    p = sample.project
    seen = []
    p.subscribe(seen.append)
    c = p.add_coding(sample.speech.id, sample.norms.id, sample.ann.id, 0, 5)
    assert len(seen) == 1
    assert seen[0].ids("codings") == {c.id}
    assert seen[0].affected("codings", "code_id") == {sample.norms.id}


def test_undo_and_redo_replay_an_action_exactly(sample):
    p = sample.project
    before = p.codings()
    c = p.add_coding(sample.speech.id, sample.norms.id, sample.ann.id, 0, 5)
    after = p.codings()
    p.undo()
    assert c.id not in {x.id for x in p.codings()}
    assert p.codings() == before
    p.redo()
    assert p.coding(c.id) == c
    assert p.codings() == after


def test_undo_refuses_to_clobber_a_row_changed_since(sample):
    from annotator.store import Project

    p = sample.project
    p.actor = "Ann"  # Ann undoes her own step, not the other window's later one
    c = p.add_coding(sample.speech.id, sample.norms.id, sample.ann.id, 0, 5)
    with Project.open(p.path) as other:
        other.actor = "Ben"
        other.update_coding(c.id, memo="later edit")
    undo = p.undo_entry()
    assert undo is not None and undo.label == "Apply code"
    before = p.codings()
    with pytest.raises(Conflict, match="was changed since"):
        p.undo()
    assert p.coding(c.id).memo == "later edit"
    assert p.codings() == before
    assert p.undo_entry() == undo, "a refused undo changes nothing, the history included"


def test_document_text_cannot_change(sample):
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError, match="cannot change"):
        sample.project.conn.execute(
            "UPDATE documents SET text = 'x' WHERE id = ?", (sample.speech.id,)
        )


def test_bulk_add_is_all_or_nothing(sample):
    from annotator.core.models import Coding

    p = sample.project
    before = len(p.codings())
    good = Coding(
        document_id=sample.speech.id,
        code_id=sample.norms.id,
        coder_id=sample.ann.id,
        start=0,
        end=3,
    )
    bad = Coding(
        document_id=sample.speech.id,
        code_id=sample.norms.id,
        coder_id=sample.ann.id,
        start=0,
        end=99_999,
    )
    with pytest.raises(InvalidInput):
        p.add_codings([good, bad])
    assert len(p.codings()) == before


def test_the_same_code_on_the_same_passage_by_the_same_coder_is_refused(sample):
    p = sample.project
    p.add_coding(sample.speech.id, sample.norms.id, sample.ann.id, 0, 5)
    with pytest.raises(Conflict, match="Ann has already coded exactly this passage with Norms"):
        p.add_coding(sample.speech.id, sample.norms.id, sample.ann.id, 0, 5)
    # Another coder, or another code, may code it.
    p.add_coding(sample.speech.id, sample.norms.id, sample.ben.id, 0, 5)
    p.add_coding(sample.speech.id, sample.rivalry.id, sample.ann.id, 0, 5)
    # Resizing or re-assigning onto an identical coding is refused too.
    other = p.add_coding(sample.speech.id, sample.norms.id, sample.ann.id, 0, 6)
    with pytest.raises(Conflict):
        p.update_coding(other.id, end=5)


def test_white_space_alone_cannot_be_coded(project):
    coder = project.add_coder("Ann")
    code = project.add_code("Code")
    doc = project.add_document("Doc", "Words here.\n\n\n\u3000More words.")
    with pytest.raises(InvalidInput, match="only white space"):
        project.add_coding(doc.id, code.id, coder.id, 11, 15)
    c = project.add_coding(doc.id, code.id, coder.id, 10, 15)  # includes the full stop
    with pytest.raises(InvalidInput, match="only white space"):
        project.update_coding(c.id, start=11)
