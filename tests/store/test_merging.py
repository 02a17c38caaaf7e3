"""Writing a merge into the project file: one action (one undo step) that undo takes back
exactly, which respects what the project's history deleted, refuses a stale preview or a
damaged source, and changes nothing when the same copy is merged again, whatever the two
coders did to their copies (a hypothesis property)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core import merge_plan
from annotator.core.errors import AnnotatorError, Conflict, ProjectFileError
from annotator.store import Project
from annotator.store.backups import save_copy
from annotator.store.codings import join_memos
from annotator.store.merging import MergeSource

TABLES = ("coders", "documents", "document_attributes", "codes", "codings", "memos")


def dump(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Every entity row of the project, in a stable order."""
    return {t: sorted(tuple(r) for r in project.conn.execute(f"SELECT * FROM {t}")) for t in TABLES}


def merge(target: Project, *sources: Project, **kw: Any) -> tuple[merge_plan.MergePlan, ...]:
    return target.merge_sources(
        [MergeSource(s.merge_side(), s.document_text) for s in sources], "Merge", **kw
    )


@pytest.fixture
def copy(sample, tmp_path):
    """The sample project (the target) and a coder's copy of it (the source)."""
    source = Project.open(save_copy(sample.project, tmp_path / "coder-b.sqlite"))
    yield source
    source.close()


def test_a_merge_is_one_step_and_undo_takes_it_back_exactly(sample, copy):
    p = sample.project
    cy = copy.add_coder("Cy")
    op_ed = copy.add_document("Op-ed", "An op-ed about chips.\n", attributes={"genre": "op-ed"})
    trust = copy.add_code("Trust", sample.norms.id, definition="Trust between states.")
    copy.add_coding(op_ed.id, trust.id, cy.id, 3, 9, memo="Chips.")
    copy.add_coding(sample.speech.id, sample.rivalry.id, cy.id, 0, 5)
    copy.add_memo("Read again.", title="Op-ed memo", document_id=op_ed.id, coder_id=cy.id)
    copy.update_code(sample.norm_shaper.id, definition="Shapes norms.")
    before, steps = dump(p), p.last_history_id()
    (plan,) = merge(p, copy)
    assert p.last_history_id() == steps + 1  # one entry in the history: one undo step
    assert plan.added()["codings"] == 2 and plan.added()["code texts"] == 1
    assert p.find_coder("Cy").id == cy.id
    assert p.document_text(op_ed.id) == "An op-ed about chips.\n"
    assert p.document_attributes(op_ed.id) == {"genre": "op-ed"}
    assert p.code(sample.norm_shaper.id).definition == "Shapes norms."
    assert [m.title for m in p.memos(op_ed.id)] == ["Op-ed memo"]
    assert p.coding_count(op_ed.id) == 1
    after = dump(p)
    p.undo()
    assert dump(p) == before
    p.redo()
    assert dump(p) == after


def test_merging_the_same_copy_again_writes_nothing(sample, copy):
    copy.add_coding(sample.emoji.id, sample.norms.id, sample.ann.id, 0, 4, memo="Tech.")
    merge(sample.project, copy)
    once, steps = dump(sample.project), sample.project.last_history_id()
    (again,) = merge(sample.project, copy)
    assert again.writes_nothing
    assert dump(sample.project) == once and sample.project.last_history_id() == steps


def test_the_history_tells_what_the_project_deleted_but_not_what_an_undo_took_back(sample):
    p = sample.project
    coding_id = p.codings(sample.speech.id)[0].id
    p.remove_coding(coding_id)
    p.delete_code(sample.rivalry.id, "delete")
    trial = p.add_code("Trial")
    p.undo()  # the undo of an addition is no decision to delete
    doc = p.add_document("Short", "A short text.\n")
    p.delete_document(doc.id)
    p.undo()  # the deletion undone: the document is back
    deleted = p.merge_side().deleted
    assert sample.rivalry.id in deleted["codes"] and trial.id not in deleted["codes"]
    assert coding_id in deleted["codings"]
    assert doc.id not in deleted["documents"]


def test_a_coding_the_target_deleted_is_not_brought_back_unless_asked(sample, copy):
    p = sample.project
    coding_id = p.codings(sample.speech.id)[0].id
    p.remove_coding(coding_id)
    (plan,) = merge(p, copy)
    assert plan.writes_nothing and plan.conflicts[0].kind == "deleted in target"
    merge(p, copy, restore_deleted=True)
    assert p.coding(coding_id).document_id == sample.speech.id


def test_a_preview_the_project_no_longer_matches_is_refused_and_nothing_written(sample, copy):
    p = sample.project
    copy.add_code("Trust")
    preview = merge_plan.plan_merges(p.merge_side(), [copy.merge_side()])
    p.add_code("Trust")  # someone else added it meanwhile: the merge would now add nothing
    before, steps = dump(p), p.last_history_id()
    with pytest.raises(Conflict, match="changed since the merge was previewed"):
        merge(p, copy, expected=preview)
    assert dump(p) == before and p.last_history_id() == steps


def test_a_source_text_that_does_not_match_its_fingerprint_is_refused(sample, copy):
    doc = copy.add_document("Op-ed", "An op-ed about chips.\n")
    copy.add_coding(doc.id, sample.norms.id, sample.ann.id, 0, 2)
    before = dump(sample.project)
    damaged = MergeSource(copy.merge_side(), lambda _id: "Another text entirely.\n")
    with pytest.raises(ProjectFileError, match=r"coder-b\.sqlite is damaged"):
        sample.project.merge_sources([damaged], "Merge")
    assert dump(sample.project) == before


@pytest.mark.parametrize(
    ("kept", "other"),
    [("", ""), ("", "B"), ("A", ""), ("A", "A"), ("A", "B"), ("A\n\nB", "B"), ("AB", "B")],
)
def test_the_plan_joins_coding_memos_by_the_stores_rule(kept, other):
    assert merge_plan.join_memos(kept, other) == join_memos(kept, other)


# -- the property: two coders edit their copies at random -------------------------------------
WORDS = ["Trust", "Rivalry", "Norms", "Fear", "Hope"]
TEXTS = ["Chips and trust.\n", "Talks stall again.\n", "Hope for a deal.\n"]

edit = st.one_of(
    st.tuples(st.just("code"), st.integers(0, 20), st.integers(0, 20), st.integers(0, 60)),
    st.tuples(st.just("uncode"), st.integers(0, 40)),
    st.tuples(st.just("add code"), st.sampled_from(WORDS), st.integers(0, 9)),
    st.tuples(st.just("rename"), st.integers(0, 9), st.sampled_from(WORDS)),
    st.tuples(st.just("delete code"), st.integers(0, 9)),
    st.tuples(st.just("memo"), st.integers(0, 40), st.sampled_from(["", "Yes.", "No."])),
    st.tuples(st.just("document"), st.sampled_from(TEXTS)),
    st.tuples(st.just("coder"), st.sampled_from(["Ann", "Ben", "Dee"])),
)


def apply_edit(p: Project, e: tuple[Any, ...]) -> None:
    """One researcher's edit; a refused one (a name taken, a coded passage) changes nothing."""
    docs, codes = p.documents(), p.codes()
    codings, coders = p.codings(), p.coders()
    try:
        if e[0] == "code" and codes:
            doc = docs[e[1] % len(docs)]
            start = e[3] % (doc.length - 1)
            p.add_coding(doc.id, codes[e[2] % len(codes)].id, coders[e[1] % len(coders)].id,
                         start, min(doc.length, start + 1 + e[2]))  # fmt: skip
        elif e[0] == "uncode" and codings:
            p.remove_coding(codings[e[1] % len(codings)].id)
        elif e[0] == "add code":
            parent = codes[e[2] % len(codes)].id if codes and e[2] % 2 else None
            p.add_code(e[1], parent)
        elif e[0] == "rename" and codes:
            p.update_code(codes[e[1] % len(codes)].id, name=e[2])
        elif e[0] == "delete code" and codes:
            p.delete_code(codes[e[1] % len(codes)].id, "delete")
        elif e[0] == "memo" and codings:
            p.update_coding(codings[e[1] % len(codings)].id, memo=e[2])
        elif e[0] == "document":
            p.add_document(e[1][:12], e[1])
        elif e[0] == "coder":
            p.add_coder(e[1])
    except AnnotatorError:
        pass


def build_base(path: Path) -> Project:
    p = Project.create(path)
    ann, ben = p.add_coder("Ann"), p.add_coder("Ben")
    doc = p.add_document("Speech", "China and the US compete over chips and rules.\n")
    norms = p.add_code("Norms")
    p.add_code("Shaper", norms.id)
    p.add_coding(doc.id, norms.id, ann.id, 0, 5)
    p.add_coding(doc.id, norms.id, ben.id, 10, 20)
    return p


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit, max_size=8), st.lists(edit, max_size=8))
def test_merging_twice_is_merging_once_and_keeps_all_the_targets_work(edits_a, edits_b):
    with tempfile.TemporaryDirectory() as folder:
        a = build_base(Path(folder) / "a.sqlite")
        b = Project.open(save_copy(a, Path(folder) / "b.sqlite"))
        try:
            for e in edits_a:
                apply_edit(a, e)
            for e in edits_b:
                apply_edit(b, e)
            before = dump(a)
            (first,) = merge(a, b)
            once = dump(a)
            # Nothing of the target's is lost: rows stay, only empty texts filled, memos joined.
            for table in ("coders", "documents", "document_attributes", "memos"):
                assert set(before[table]) <= set(once[table])
            kept = {r[0]: r for r in once["codings"]}
            for row in before["codings"]:
                assert kept[row[0]][:6] == row[:6] and kept[row[0]][6].startswith(row[6])
            (again,) = merge(a, b)
            assert again.writes_nothing and dump(a) == once
            if not first.writes_nothing:
                a.undo()
            assert dump(a) == before
        finally:
            b.close()
            a.close()
