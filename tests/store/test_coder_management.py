"""Managing coders: merging one into another and deleting one, each one undoable action.

A merge never breaks "one coder, one code, one passage": a coding the source made
exactly as the target did is folded into the target's, memos joined. Deleting a
coder takes their codings but keeps their memos, without an author.
"""

from __future__ import annotations

from typing import Any

import pytest

from annotator.app import people
from annotator.app.session import Session
from annotator.core.errors import Conflict, InvalidInput, NotFound
from annotator.store import Project


def snapshot(p: Project) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: sorted(tuple(r) for r in p.conn.execute(f"SELECT * FROM {table}"))
        for table in ("coders", "codings", "memos")
    }


@pytest.fixture
def twins(sample):
    """Ben coded the first sentence with Norm-shaper exactly as Ann did, with a memo."""
    p = sample.project
    ann_first = next(c for c in p.codings(coder_ids=[sample.ann.id]) if c.start == 0)
    p.update_coding(ann_first.id, memo="Ann: a claim to lead.")
    ben_first = p.add_coding(
        sample.speech.id, sample.norm_shaper.id, sample.ben.id, 0, 59, memo="Ben: agenda setting."
    )
    return ann_first, ben_first


def test_merging_moves_codings_and_memos_and_removes_the_source(sample, twins):
    p = sample.project
    ann_first, ben_first = twins
    note = p.add_memo("Ben's reading notes", coder_id=sample.ben.id)
    ben_codings = {c.id for c in p.codings(coder_ids=[sample.ben.id])}
    preview = p.coder_merge_preview(sample.ben.id, sample.ann.id)
    done = p.merge_coders(sample.ben.id, sample.ann.id)
    assert done == preview
    assert (done.moved, done.folded, done.memos_joined, done.memos) == (2, 1, 1, 1)
    assert [c.name for c in p.coders()] == ["Ann"]
    assert p.codings(coder_ids=[sample.ben.id]) == []
    # The twin was folded into Ann's coding: one coding there, both memos kept.
    kept = p.coding(ann_first.id)
    assert kept.memo == "Ann: a claim to lead.\n\nBen: agenda setting." and kept.updated
    with pytest.raises(NotFound):
        p.coding(ben_first.id)
    assert {c.id for c in p.codings(coder_ids=[sample.ann.id])} >= ben_codings - {ben_first.id}
    assert p.memo(note.id).coder_id == sample.ann.id
    assert p.last_changes.label == "Merge coder Ben into Ann"


def test_merge_is_one_undo_step_and_redo_replays_it(sample, twins):
    p = sample.project
    p.add_memo("Ben's reading notes", coder_id=sample.ben.id)
    before = snapshot(p)
    p.merge_coders(sample.ben.id, sample.ann.id)
    after = snapshot(p)
    p.undo()
    assert snapshot(p) == before
    p.redo()
    assert snapshot(p) == after


def test_merging_twin_memos_twice_does_not_repeat_them(sample, twins):
    """A memo the target's coding already says is not added again."""
    p = sample.project
    ann_first, ben_first = twins
    p.update_coding(ben_first.id, memo="Ann: a claim to lead.")
    done = p.merge_coders(sample.ben.id, sample.ann.id)
    assert done.folded == 1 and done.memos_joined == 0
    assert p.coding(ann_first.id).memo == "Ann: a claim to lead."


def test_merge_refuses_itself_and_unknown_coders(sample):
    p = sample.project
    before = snapshot(p)
    with pytest.raises(InvalidInput):
        p.merge_coders(sample.ann.id, sample.ann.id)
    with pytest.raises(NotFound):
        p.merge_coders("ghost", sample.ann.id)
    with pytest.raises(NotFound):
        p.merge_coders(sample.ann.id, "ghost")
    assert snapshot(p) == before


def test_deleting_a_coder_takes_their_codings_and_keeps_their_memos(sample):
    p = sample.project
    note = p.add_memo("Ben on the emoji post", document_id=sample.emoji.id, coder_id=sample.ben.id)
    before = snapshot(p)
    assert p.coder_removal_preview(sample.ben.id).codings == 2
    done = p.delete_coder(sample.ben.id)
    assert (done.codings, done.memos) == (2, 1)
    assert [c.name for c in p.coders()] == ["Ann"]
    assert {c.coder_id for c in p.codings()} == {sample.ann.id}
    assert p.memo(note.id).coder_id is None and p.memo(note.id).text == "Ben on the emoji post"
    assert p.coder_usage() == {sample.ann.id: p.coder_usage()[sample.ann.id]}
    p.undo()
    assert snapshot(p) == before


def test_coder_usage_counts_codings_and_memos(sample):
    p = sample.project
    p.add_memo("journal", coder_id=sample.ann.id)
    chen = p.add_coder("Chen")
    usage = p.coder_usage()
    assert (usage[sample.ann.id].codings, usage[sample.ann.id].memos) == (2, 1)
    assert (usage[sample.ben.id].codings, usage[sample.ben.id].memos) == (2, 0)
    assert (usage[chen.id].codings, usage[chen.id].memos) == (0, 0)


def test_the_active_coder_cannot_be_merged_away_or_deleted(sample):
    """Undo takes the active coder's own steps: removing them would orphan the step."""
    p = sample.project
    session = Session(p)
    session.set_active_coder(sample.ben.id)
    before = snapshot(p)
    with pytest.raises(InvalidInput, match="coding as Ben"):
        people.merge_coders(session, sample.ben.id, sample.ann.id)
    with pytest.raises(InvalidInput, match="coding as Ben"):
        people.delete_coder(session, sample.ben.id)
    assert snapshot(p) == before
    # Merging someone else into the active coder is fine, and Ben can undo it.
    people.merge_coders(session, sample.ann.id, sample.ben.id)
    assert [c.name for c in p.coders()] == ["Ben"]
    p.undo()
    assert snapshot(p) == before


def test_renaming_to_another_coders_name_is_refused(sample):
    session = Session(sample.project)
    with pytest.raises(Conflict, match="already exists"):
        people.rename_coder(session, sample.ben.id, " ann ")
    renamed = people.rename_coder(session, sample.ben.id, "Benedict")
    assert renamed.name == "Benedict"
    assert sample.project.last_changes.label == "Rename coder Ben to Benedict"


def test_questions_name_the_counts(sample, twins):
    session = Session(sample.project)
    session.set_active_coder(sample.ann.id)
    sample.project.add_memo("notes", coder_id=sample.ben.id)
    merge = people.merge_question(session, sample.ben.id, sample.ann.id)
    assert "Ben's 3 codings become Ann's" in merge
    assert "1 of them Ann coded exactly alike" in merge
    assert "Ben's 1 memo becomes Ann's and the coder Ben is removed" in merge
    delete = people.delete_question(session, sample.ben.id)
    assert delete.startswith("Delete Ben and Ben's 3 codings?")
    assert "1 memo is kept, without an author" in delete
    chen = sample.project.add_coder("Chen")
    assert "Chen has no codings" in people.delete_question(session, chen.id)


def test_document_attributes_are_renamed_and_removed_one_step_each(sample):
    p = sample.project
    doc = sample.speech.id
    p.set_document_attribute(doc, "year", "2024")
    p.rename_document_attribute(doc, "genre", "kind")
    assert p.document_attributes(doc) == {"kind": "speech", "year": "2024"}
    with pytest.raises(Conflict, match="already has an attribute named 'year'"):
        p.rename_document_attribute(doc, "kind", "YEAR")
    with pytest.raises(NotFound):
        p.remove_document_attribute(doc, "ghost")
    p.remove_document_attribute(doc, "year")
    assert p.document_attributes(doc) == {"kind": "speech"}
    p.undo()
    p.undo()
    assert p.document_attributes(doc) == {"genre": "speech", "year": "2024"}


def test_a_new_attribute_cannot_overwrite_one_the_document_has(sample):
    session = Session(sample.project)
    with pytest.raises(Conflict, match="already has an attribute named 'genre'"):
        people.add_attribute(session, sample.speech.id, "Genre", "op-ed")
    assert sample.project.document_attributes(sample.speech.id) == {"genre": "speech"}
    assert people.add_attribute(session, sample.speech.id, "  outlet  ", "Xinhua") == "outlet"
    assert sample.project.document_attributes(sample.speech.id)["outlet"] == "Xinhua"


def test_memo_edits_that_change_nothing_are_no_step(sample):
    p = sample.project
    memo = p.add_memo("text", title="Title")
    last = p.last_history_id()
    p.update_memo(memo.id, title=" Title ", text="text")
    assert p.last_history_id() == last and p.memo(memo.id).updated == ""


def test_who_last_changed_a_coding_follows_a_merge_and_goes_with_a_deletion(tmp_path) -> None:
    """A coding Ben changed names Ann once Ben is merged into Ann; once Ben is deleted it
    names nobody (not a coder who is gone). Undo puts Ben back as its editor."""
    p = Project.create(tmp_path / "p.sqlite")
    doc = p.add_document("Doc", "Some words to code here")
    code = p.add_code("K")
    ann, ben, cat = p.add_coder("Ann"), p.add_coder("Ben"), p.add_coder("Cat")
    cats = p.add_coding(doc.id, code.id, cat.id, 0, 4)
    p.update_coding(cats.id, memo="Ben's note", by=ben.id)
    p.merge_coders(ben.id, ann.id)
    assert p.coding(cats.id).updated_by == ann.id
    p.undo()
    assert p.coding(cats.id).updated_by == ben.id
    p.delete_coder(ben.id)
    assert p.coding(cats.id).updated_by == ""
    p.undo()
    assert p.coding(cats.id).updated_by == ben.id
    p.update_coding(cats.id, end=10)  # a change nobody is named for: not Ben's
    assert p.coding(cats.id).updated_by == ""
    p.close()
