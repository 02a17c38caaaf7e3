"""The codebook in the store: unique siblings, no cycles, explicit fate of codings."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.codebook_plan import CodeSpec, plan_codebook
from annotator.core.errors import AnnotatorError, Conflict, InvalidInput
from annotator.store import Project


def test_sibling_names_are_unique_but_may_repeat_elsewhere(sample):
    p = sample.project
    with pytest.raises(Conflict, match="already exists"):
        p.add_code("norm-SHAPER", sample.norms.id)
    with pytest.raises(Conflict):
        p.add_code("geopolitical rivalry")
    p.add_code("Norm-shaper")  # top level: a different place
    with pytest.raises(Conflict):
        p.update_code(sample.rivalry.id, name="Norms")


def test_find_code_by_name_path_or_id(sample):
    p = sample.project
    assert p.find_code("Norms/Norm-shaper").id == sample.norm_shaper.id
    assert p.find_code("norm-shaper").id == sample.norm_shaper.id
    assert p.find_code(sample.rivalry.id).id == sample.rivalry.id
    p.add_code("Norm-shaper", sample.rivalry.id)
    with pytest.raises(InvalidInput, match="give the path"):
        p.find_code("Norm-shaper")


def test_moving_a_code_under_its_descendant_is_refused(sample):
    p = sample.project
    with pytest.raises(Conflict, match="inside itself"):
        p.move_code(sample.norms.id, sample.norm_shaper.id)
    assert p.code(sample.norms.id).parent_id is None


def test_move_reparents_and_reorders(sample):
    p = sample.project
    p.move_code(sample.rivalry.id, sample.norms.id, position=0)
    kids = p.code_tree().children(sample.norms.id)
    assert [k.id for k in kids] == [sample.rivalry.id, sample.norm_shaper.id]


def test_deleting_a_code_deletes_or_moves_its_codings_as_asked(sample):
    p = sample.project
    n = len(p.codings(code_ids=[sample.rivalry.id]))
    with pytest.raises(InvalidInput):
        p.delete_code(sample.rivalry.id, "move")  # where to?
    assert p.delete_code(sample.rivalry.id, "move", move_to=sample.norms.id) == n
    assert len(p.codings(code_ids=[sample.norms.id])) == n
    # Deleting a parent takes its sub-codes and, if asked, their codings.
    total = len(p.codings())
    p.delete_code(sample.norms.id, "delete")
    assert p.codes() == []
    assert len(p.codings()) == total - n - 1


def test_delete_code_is_one_undoable_action(sample):
    p = sample.project
    before_codes, before_codings = p.codes(), p.codings()
    p.delete_code(sample.norms.id, "delete")
    p.undo()
    assert p.codes() == before_codes
    assert p.codings() == before_codings


def test_merge_moves_codings_and_children_and_keeps_memos(sample):
    p = sample.project
    p.update_code(sample.norm_shaper.id, memo="shaper memo")
    child = p.add_code("Child", sample.norm_shaper.id)
    p.merge_codes(sample.norm_shaper.id, sample.rivalry.id)
    assert p.code(child.id).parent_id == sample.rivalry.id
    assert "shaper memo" in p.code(sample.rivalry.id).memo
    assert all(c.code_id != sample.norm_shaper.id for c in p.codings())


def test_moving_codings_folds_exact_duplicates_keeping_their_memos(sample):
    p = sample.project
    a = p.add_coding(sample.speech.id, sample.norms.id, sample.ann.id, 0, 10, memo="first")
    p.add_coding(sample.speech.id, sample.rivalry.id, sample.ann.id, 0, 10, memo="second")
    p.merge_codes(sample.norms.id, sample.rivalry.id)
    same_span = [c for c in p.codings() if (c.start, c.end, c.coder_id) == (0, 10, sample.ann.id)]
    assert len(same_span) == 1
    assert "first" in same_span[0].memo and "second" in same_span[0].memo
    assert a.id in {c.id for c in same_span} or same_span


def test_quick_keys_belong_to_one_code(sample):
    p = sample.project
    p.update_code(sample.norms.id, quick_key=3)
    p.update_code(sample.rivalry.id, quick_key=3)
    assert p.code(sample.norms.id).quick_key is None
    assert p.code(sample.rivalry.id).quick_key == 3
    with pytest.raises(InvalidInput, match="1 to 9"):
        p.update_code(sample.rivalry.id, quick_key=12)


def test_counts_per_code(sample):
    counts = sample.project.code_counts()
    assert counts[sample.rivalry.id] == (3, 2)
    assert sample.project.code_counts({sample.norms.id}) == {sample.norms.id: (0, 0)}
    # Counting only some coders' codings follows the coder view switch.
    assert sample.project.code_counts(coder_ids=[sample.ben.id])[sample.rivalry.id] == (2, 2)
    assert sample.project.code_counts(coder_ids=[sample.ann.id])[sample.rivalry.id] == (1, 1)


def test_bad_colour_is_refused(sample):
    with pytest.raises(InvalidInput, match="not a colour"):
        sample.project.update_code(sample.norms.id, color="reddish")


def test_merging_a_code_into_its_parent_lifts_a_same_named_child(project):
    emotion = project.add_code("Emotion")
    anger = project.add_code("Anger", emotion.id)
    inner = project.add_code("Anger", anger.id)
    project.merge_codes(anger.id, emotion.id)
    assert [c.id for c in project.code_tree().children(emotion.id)] == [inner.id]
    project.undo()
    assert project.code(anger.id).name == "Anger" and project.code(inner.id).parent_id == anger.id


def test_a_new_code_goes_after_its_last_sibling_even_after_moves(project):
    parent = project.add_code("P")
    a, b, c = (project.add_code(n, parent.id) for n in ("A", "B", "C"))
    project.move_code(a.id, None)  # leaves a gap in P's numbering
    d = project.add_code("D", parent.id)
    assert [k.id for k in project.code_tree().children(parent.id)] == [b.id, c.id, d.id]


def test_an_edit_that_changes_nothing_is_no_action(sample):
    p = sample.project
    coding = p.codings(document_id=sample.emoji.id)[0]
    p.update_coding(coding.id, memo="")
    p.update_coding(coding.id, start=coding.start, end=coding.end, code_id=coding.code_id)
    assert p.coding(coding.id) == coding  # not even "updated" changed


# -- a codebook plan, applied in one pass -----------------------------------------------------
def exported_specs(project: Project) -> list[CodeSpec]:
    tree = project.code_tree()
    return [
        CodeSpec(
            c.name,
            f"code {n}",
            id=c.id,
            color=c.color,
            definition=c.definition,
            inclusion=c.inclusion,
            exclusion=c.exclusion,
            example=c.example,
            parent_path=tuple(tree.names(c.parent_id)) if c.parent_id else (),
        )
        for n, c in enumerate(tree.walk())
    ]


def test_a_plan_is_one_action_and_undo_and_redo_restore_the_exact_codebooks(sample):
    """Swapped names, a move under a renamed parent and under a new one: one action, one
    history step, and undo/redo give back exactly the rows before and after."""
    p = sample.project
    trust = p.add_code("Trust", sample.rivalry.id, memo="my memo", quick_key=4)
    p.move_code(sample.norm_shaper.id, None)  # leaves numbering as edits do
    p.move_code(sample.norm_shaper.id, sample.norms.id)
    before = p.codes()
    plan = plan_codebook(p.code_tree(), [
        CodeSpec("Geopolitical rivalry", id=sample.norms.id, parent_path=()),   # the two top codes swap names
        CodeSpec("Norms", id=sample.rivalry.id, parent_path=()),
        CodeSpec("Attitudes", parent_path=()),                                  # new
        CodeSpec("Trust", id=trust.id, parent_path=("Attitudes",)),             # moved under the new code
        CodeSpec("Shaper", id=sample.norm_shaper.id, parent_path=("Norms",)),   # under the renamed one
    ])  # fmt: skip
    seen = []
    p.subscribe(seen.append)
    history = p.last_history_id()
    done = p.apply_codebook_plan(plan, "Import codebook")
    after = p.codes()
    assert len(seen) == 1 and len(p.history(since=history)) == 1
    assert (len(done.created), len(done.updated), len(done.unchanged)) == (1, 4, 0)
    tree = p.code_tree()
    assert (
        tree.path(trust.id) == "Attitudes/Trust"
        and tree.path(sample.norm_shaper.id) == "Norms/Shaper"
    )
    assert p.code(sample.norm_shaper.id).parent_id == sample.rivalry.id
    assert (p.code(trust.id).memo, p.code(trust.id).quick_key) == (
        "my memo",
        4,
    )  # not the plan's to touch
    assert all("(importing" not in str(rc.after) for rc in seen[0].rows)
    assert len(p.codings(code_ids=[sample.rivalry.id])) == 3  # codings stay with their codes
    p.undo()
    assert p.codes() == before
    p.redo()
    assert p.codes() == after


def test_a_plan_made_against_another_codebook_is_refused_and_writes_nothing(sample):
    p = sample.project
    plan = plan_codebook(p.code_tree(), [CodeSpec("Renamed", id=sample.norms.id, parent_path=())])
    p.update_code(sample.rivalry.id, definition="changed meanwhile")  # another window, say
    before = p.codes()
    with pytest.raises(Conflict, match="the codebook changed while it was being checked"):
        p.apply_codebook_plan(plan, "Import codebook")
    assert p.codes() == before


def test_a_large_plan_writes_each_row_once_or_twice(project):
    """No per-code rebuilds: renaming 300 codes whose names rotate is 300 stashes and
    300 updates (and creating 300 codes 300 inserts)."""
    names = [f"Code {i}" for i in range(300)]
    plan = plan_codebook([], [CodeSpec(n, parent_path=()) for n in names])
    project.apply_codebook_plan(plan, "Import codebook")
    assert len(project.last_changes.rows) == 300
    ids = [c.id for c in project.code_tree().walk()]
    rotated = [CodeSpec(names[(i + 1) % 300], id=cid, parent_path=()) for i, cid in enumerate(ids)]
    before = project.codes()
    project.apply_codebook_plan(plan_codebook(project.code_tree(), rotated), "Import codebook")
    assert len(project.last_changes.rows) == 600
    project.undo()
    assert project.codes() == before


shapes = st.lists(
    st.tuples(
        st.sampled_from(["A", "a", "B", "Ü", "x/y", "Anger"]),
        st.none() | st.integers(0, 12),
        st.none() | st.integers(0, 3),
        st.booleans(),
    ),
    max_size=10,
)


@settings(max_examples=30, deadline=None)
@given(shapes)
def test_applying_the_exported_codebook_changes_nothing_and_a_fresh_copy_round_trips(
    shape: list,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Project.create(Path(tmp) / "a.sqlite")
        fresh = Project.create(Path(tmp) / "b.sqlite")
        try:
            for (
                name,
                parent,
                position,
                move,
            ) in shape:  # edits that leave gaps and ties in the numbering
                ids = [c.id for c in source.codes()]
                parent_id = ids[parent % len(ids)] if ids and parent is not None else None
                with contextlib.suppress(AnnotatorError):
                    code = source.add_code(name, parent_id, position=position)
                    if move and ids:
                        source.move_code(code.id, None if parent_id else ids[0])
            before, history = source.codes(), source.last_history_id()
            done = source.apply_codebook_plan(
                plan_codebook(source.code_tree(), exported_specs(source)), "Again"
            )
            assert source.codes() == before and not done.changes.rows
            assert source.last_history_id() == history  # not even an empty undo step
            fresh.apply_codebook_plan(
                plan_codebook(fresh.code_tree(), exported_specs(source)), "Copy"
            )
            assert exported_specs(fresh) == exported_specs(source)
        finally:
            source.close()
            fresh.close()
