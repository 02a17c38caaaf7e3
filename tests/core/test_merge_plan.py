"""Planning a merge of a coder's copy into the project: what is added, what is already
there, and every conflict, decided without a file (``core.merge_plan``)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import pytest

from annotator.core.merge_plan import (
    CodingTuple,
    DocumentInfo,
    MergePlan,
    Side,
    derived_id,
    merged_side,
    plan_merge,
    plan_merges,
)
from annotator.core.models import Code, Coder, Memo

ANN = Coder(id="coder-ann", name="Ann", color="#111111")
SPEECH = DocumentInfo("doc-speech", "Speech", "hash-speech", 200, "speech.txt")
NORMS = Code(id="code-norms", name="Norms", color="#4363D8", definition="Rules.", sort_order=0)
SHAPER = Code(id="code-shaper", name="Norm-shaper", parent_id="code-norms", color="#3CB44B")
RIVALRY = Code(id="code-rivalry", name="Rivalry", color="#E6194B", sort_order=1, quick_key=1)
NOTE = Memo(id="memo-1", title="First impressions", text="Strong framing.", coder_id="coder-ann")


def coding(cid: str, start: int, end: int, **kw: Any) -> CodingTuple:
    v = {"doc": "doc-speech", "code": "code-shaper", "coder": "coder-ann", "memo": "", **kw}
    return (cid, v["doc"], v["code"], v["coder"], start, end, v["memo"], "2024-01-01T00:00:00Z", "")


def side(name: str = "project.sqlite", **changes: Any) -> Side:
    base = Side(
        name,
        coders={ANN.id: ANN},
        documents={SPEECH.id: SPEECH},
        attributes={SPEECH.id: {"genre": "speech"}},
        codes={c.id: c for c in (NORMS, SHAPER, RIVALRY)},
        codings={"coding-1": coding("coding-1", 0, 10)},
        memos={NOTE.id: NOTE},
    )
    return replace(base, **changes)


TARGET = side()


def source(**changes: Any) -> Side:
    return side("coder-b.sqlite", **changes)


def kinds(plan: MergePlan) -> list[str]:
    return [c.kind for c in plan.conflicts]


def with_(mapping: Any, *items: Any) -> dict[str, Any]:
    """``mapping`` plus ``items`` (entities or coding tuples, keyed by their id)."""
    out = dict(mapping)
    for item in items:
        out[item[0] if isinstance(item, tuple) else item.id] = item
    return out


# -- nothing new --------------------------------------------------------------------------------
def test_a_copy_without_new_work_adds_nothing_and_conflicts_nowhere():
    plan = plan_merge(TARGET, source())
    assert plan.writes_nothing
    assert plan.conflicts == () and plan.matches == ()
    assert plan.present == {"documents": 1, "codes": 3, "coders": 1, "codings": 1, "memos": 1}


# -- additions ------------------------------------------------------------------------------------
def test_a_new_coder_document_code_coding_memo_and_attribute_are_added_with_their_ids():
    ben = Coder(id="coder-ben", name="Ben")
    op_ed = DocumentInfo("doc-oped", "Op-ed", "hash-oped", 80, "oped.txt", "md", "2024-02-01")
    trust = Code(id="code-trust", name="Trust", parent_id="code-norms", color="#000075")
    memo = Memo(id="memo-2", text="About the op-ed.", document_id="doc-oped", coder_id="coder-ben")
    src = source(
        coders=with_(TARGET.coders, ben),
        documents=with_(TARGET.documents, op_ed),
        attributes={SPEECH.id: {"genre": "speech", "year": "2023"}, op_ed.id: {"genre": "op-ed"}},
        codes=with_(TARGET.codes, trust),
        codings=with_(
            TARGET.codings,
            coding("coding-2", 5, 40, doc="doc-oped", code="code-trust", coder="coder-ben"),
        ),
        memos=with_(TARGET.memos, memo),
    )
    plan = plan_merge(TARGET, src)
    assert plan.added() == {
        "documents": 1, "codes": 1, "coders": 1, "codings": 1, "memos": 1, "attributes": 2,
        "code texts": 0, "coding memos": 0,
    }  # fmt: skip
    assert [r["id"] for r in plan.coders] == ["coder-ben"]
    assert plan.documents[0].source_id == "doc-oped"
    assert plan.documents[0].row["id"] == "doc-oped" and plan.documents[0].row["format"] == "md"
    assert {(a["document_id"], a["name"], a["value"]) for a in plan.attributes} == {
        ("doc-speech", "year", "2023"),
        ("doc-oped", "genre", "op-ed"),
    }
    assert plan.codings[0][:6] == ("coding-2", "doc-oped", "code-trust", "coder-ben", 5, 40)
    assert plan.memos[0]["document_id"] == "doc-oped" and plan.memos[0]["coder_id"] == "coder-ben"
    assert plan.conflicts == ()


def test_new_codes_come_after_the_targets_siblings_parents_first_without_quick_keys():
    theme = Code(id="code-theme", name="Theme", sort_order=5, quick_key=2)
    sub = Code(id="code-sub", name="Sub-theme", parent_id="code-theme")
    plan = plan_merge(TARGET, source(codes=with_(TARGET.codes, sub, theme)))
    assert [r["id"] for r in plan.codes] == ["code-theme", "code-sub"]
    top = plan.codes[0]
    assert top["parent_id"] is None and top["sort_order"] == 2  # after Norms (0) and Rivalry (1)
    assert top["quick_key"] is None  # a quick key is one researcher's keyboard, and may be taken
    assert plan.codes[1]["parent_id"] == "code-theme" and plan.codes[1]["sort_order"] == 0


def test_texts_the_target_left_empty_are_filled_in_from_the_source():
    shaper = SHAPER.model_copy(
        update={"definition": "Sets the rules others follow.", "memo": "Ask B."}
    )
    codings = {"coding-1": coding("coding-1", 0, 10, memo="Clear case.")}
    plan = plan_merge(TARGET, source(codes=with_(TARGET.codes, shaper), codings=codings))
    assert plan.code_fills == (
        ("code-shaper", {"definition": "Sets the rules others follow.", "memo": "Ask B."}),
    )
    assert plan.coding_memos == (("coding-1", "Clear case."),)
    assert plan.conflicts == ()


# -- matching by something other than the id ------------------------------------------------------
def test_a_coder_of_the_same_name_with_another_id_is_the_same_person():
    ann_b = Coder(id="coder-ann-on-b", name="ann")
    src = source(
        coders={ann_b.id: ann_b},
        codings={"c2": coding("c2", 20, 30, coder=ann_b.id)},
    )
    plan = plan_merge(TARGET, src)
    assert plan.coders == ()
    assert plan.codings[0][3] == "coder-ann"
    assert [(m.kind, m.subject) for m in plan.matches] == [("coder by name", "coder 'Ann'")]


def test_a_document_with_the_same_text_under_another_id_is_the_same_document():
    same = replace(SPEECH, id="doc-speech-on-b")
    src = source(
        documents={same.id: same},
        attributes={},
        codings={"c2": coding("c2", 20, 30, doc=same.id)},
    )
    plan = plan_merge(TARGET, src)
    assert plan.documents == ()
    assert plan.codings[0][1] == "doc-speech"
    assert plan.matches[0].kind == "document by text"


def test_a_code_at_the_same_place_under_another_id_is_the_same_code():
    other = Code(id="code-shaper-on-b", name="norm-shaper", parent_id="code-norms", color="#3cb44b")
    codes = {c.id: c for c in (NORMS, RIVALRY, other)}
    src = source(codes=codes, codings={"c2": coding("c2", 20, 30, code=other.id)})
    plan = plan_merge(TARGET, src)
    assert plan.codes == ()
    assert plan.codings[0][2] == "code-shaper"
    assert plan.matches[0].kind == "code by place"
    assert kinds(plan) == ["code renamed"]  # "norm-shaper" is spelled differently: reported


def test_a_coding_of_the_same_passage_under_another_id_is_already_there():
    plan = plan_merge(TARGET, source(codings={"other-id": coding("other-id", 0, 10)}))
    assert plan.codings == () and plan.present["codings"] == 1


# -- conflicts: the target keeps its own ----------------------------------------------------------
def test_a_code_renamed_moved_and_edited_differently_keeps_the_targets_and_says_so():
    shaper = SHAPER.model_copy(
        update={"name": "Rule-maker", "parent_id": "code-rivalry", "color": "#FFE119", "memo": "B."}
    )
    norms = NORMS.model_copy(update={"definition": "Norms and rules, broadly."})
    target = replace(TARGET, codes=with_(TARGET.codes, SHAPER.model_copy(update={"memo": "A."})))
    plan = plan_merge(target, source(codes=with_(TARGET.codes, shaper, norms)))
    assert plan.writes_nothing
    assert sorted(kinds(plan)) == [
        "code edited", "code edited", "code edited", "code moved", "code renamed",
    ]  # fmt: skip
    by_kind = {c.kind: c for c in plan.conflicts}
    renamed, moved = by_kind["code renamed"], by_kind["code moved"]
    assert renamed.subject == "code 'Norms/Norm-shaper'"
    assert (renamed.target, renamed.source) == ("'Norm-shaper'", "'Rule-maker'")
    assert (moved.target, moved.source) == ("under 'Norms'", "at 'Rivalry/Rule-maker'")
    by_subject = {c.subject: c for c in plan.conflicts}
    assert "code 'Norms': definition" in by_subject
    assert "code 'Norms/Norm-shaper': colour" in by_subject
    assert "code 'Norms/Norm-shaper': memo" in by_subject


def test_a_coder_renamed_on_one_side_keeps_the_targets_name():
    plan = plan_merge(TARGET, source(coders={ANN.id: ANN.model_copy(update={"name": "Annie"})}))
    assert plan.writes_nothing and kinds(plan) == ["coder renamed"]


def test_a_name_taken_by_another_entity_gets_the_sources_name_in_brackets():
    # Ann's id renamed on the copy, and a new "Ann" there; Norms renamed, and a new "Norms".
    annie = ANN.model_copy(update={"name": "Annie"})
    new_ann = Coder(id="coder-ann-2", name="Ann")
    norms = NORMS.model_copy(update={"name": "Standards"})
    new_norms = Code(id="code-norms-2", name="Norms")
    src = source(coders=with_({}, annie, new_ann), codes=with_(TARGET.codes, norms, new_norms))
    plan = plan_merge(TARGET, src)
    assert [r["name"] for r in plan.coders] == ["Ann (coder-b)"]
    assert [r["name"] for r in plan.codes] == ["Norms (coder-b)"]
    assert kinds(plan).count("name taken") == 2


def test_a_document_with_the_same_id_and_another_text_is_added_separately_with_its_codings():
    other = replace(SPEECH, sha256="hash-other", length=150)
    plan = plan_merge(TARGET, source(documents={other.id: other}))
    assert kinds(plan) == ["document text"]
    new_id = plan.documents[0].row["id"]
    assert new_id != SPEECH.id and plan.documents[0].source_id == SPEECH.id
    assert plan.codings[0][1] == new_id
    assert plan.codings[0][0] != "coding-1"  # the target's coding keeps its id
    assert plan.attributes[0]["document_id"] == new_id


def test_a_document_renamed_and_an_attribute_edited_keep_the_targets():
    src = source(
        documents={SPEECH.id: replace(SPEECH, title="Keynote")},
        attributes={SPEECH.id: {"genre": "keynote"}},
    )
    plan = plan_merge(TARGET, src)
    assert plan.writes_nothing
    assert kinds(plan) == ["document renamed", "attribute"]


def test_a_coding_moved_on_one_side_keeps_the_targets_passage():
    plan = plan_merge(TARGET, source(codings={"coding-1": coding("coding-1", 0, 12)}))
    assert plan.writes_nothing and kinds(plan) == ["coding edited"]


def test_coding_memos_written_on_both_sides_are_joined_target_first():
    target = replace(TARGET, codings={"coding-1": coding("coding-1", 0, 10, memo="Mine.")})
    plan = plan_merge(
        target, source(codings={"coding-1": coding("coding-1", 0, 10, memo="Yours.")})
    )
    assert plan.coding_memos == (("coding-1", "Mine.\n\nYours."),)
    assert kinds(plan) == ["coding memo"]


def test_a_memo_edited_on_both_sides_keeps_the_targets():
    edited = NOTE.model_copy(update={"text": "Weak framing, on second reading."})
    plan = plan_merge(TARGET, source(memos={NOTE.id: edited}))
    assert plan.writes_nothing and kinds(plan) == ["memo edited"]


# -- deleted in the target ----------------------------------------------------------------------
def test_a_code_the_target_deleted_stays_deleted_with_its_sub_codes_and_codings():
    target = replace(
        TARGET,
        codes={RIVALRY.id: RIVALRY},
        codings={},
        deleted={"codes": frozenset({NORMS.id, SHAPER.id}), "codings": frozenset({"coding-1"})},
    )
    sub = Code(id="code-sub", name="New under Norm-shaper", parent_id=SHAPER.id)
    src = source(
        codes=with_(TARGET.codes, sub),
        codings=with_(TARGET.codings, coding("c2", 20, 30, code="code-sub")),
    )
    plan = plan_merge(target, src)
    assert plan.codes == () and plan.codings == ()
    deleted = [c for c in plan.conflicts if c.kind == "deleted in target"]
    assert [c.subject for c in deleted] == ["code 'Norms'"]
    assert "with 2 codings" in deleted[0].source  # its own sub-codes' codings are counted
    restored = plan_merge(target, src, restore_deleted=True)
    assert [r["id"] for r in restored.codes] == [NORMS.id, SHAPER.id, "code-sub"]
    assert len(restored.codings) == 2


def test_a_code_the_target_moved_out_before_deleting_its_parent_keeps_its_codings():
    moved = SHAPER.model_copy(update={"parent_id": None, "sort_order": 2})
    target = replace(
        TARGET,
        codes={RIVALRY.id: RIVALRY, moved.id: moved},
        deleted={"codes": frozenset({NORMS.id})},
    )
    plan = plan_merge(target, source(codings=with_(TARGET.codings, coding("c2", 20, 30))))
    assert [c[0] for c in plan.codings] == ["c2"]
    assert kinds(plan) == ["deleted in target"]  # Norms only: no "moved" for its sub-code


def test_a_document_coding_or_memo_the_target_deleted_is_not_brought_back():
    target = replace(
        TARGET,
        documents={},
        attributes={},
        codings={},
        memos={},
        deleted={"documents": frozenset({SPEECH.id}), "memos": frozenset({NOTE.id})},
    )
    plan = plan_merge(target, source())
    assert plan.writes_nothing
    assert [c.subject for c in plan.conflicts] == ["document 'Speech'", "memo 'First impressions'"]
    assert "with 1 coding" in plan.conflicts[0].source
    gone = replace(TARGET, codings={}, deleted={"codings": frozenset({"coding-1"})})
    plan = plan_merge(gone, source())
    assert plan.codings == () and plan.conflicts[0].subject == "1 coding"


def test_an_id_the_history_does_not_know_is_new_work():
    target = replace(TARGET, codes={}, codings={})
    plan = plan_merge(target, source())
    assert len(plan.codes) == 3 and len(plan.codings) == 1


# -- idempotence and several sources -----------------------------------------------------------
def test_planning_again_against_the_merged_target_adds_nothing():
    src = source(
        coders=with_(TARGET.coders, Coder(id="coder-ben", name="Ben")),
        documents=with_(TARGET.documents, replace(SPEECH, id="doc-2", sha256="h2")),
        codes=with_(
            TARGET.codes, NORMS.model_copy(update={"name": "Standards"}), Code(id="x", name="Norms")
        ),
        codings=with_(TARGET.codings, coding("c2", 1, 5, doc="doc-2", code="x", coder="coder-ben")),
    )
    first = plan_merge(TARGET, src)
    assert not first.writes_nothing
    again = plan_merge(merged_side(TARGET, first), src)
    assert again.writes_nothing


def test_several_sources_are_planned_each_against_the_target_the_earlier_ones_leave():
    cy_b, cy_c = Coder(id="cy-on-b", name="Cy"), Coder(id="cy-on-c", name="Cy")
    b = source(coders={cy_b.id: cy_b}, codings={"b1": coding("b1", 3, 9, coder=cy_b.id)})
    c = side(
        "coder-c.sqlite", coders={cy_c.id: cy_c}, codings={"c1": coding("c1", 3, 9, coder=cy_c.id)}
    )
    first, second = plan_merges(TARGET, [b, c])
    assert [r["id"] for r in first.coders] == ["cy-on-b"] and len(first.codings) == 1
    assert second.coders == () and second.codings == ()  # Cy is there now, and so is the passage
    assert second.matches[0].kind == "coder by name"


@pytest.mark.parametrize("parts", [("document", "a", "h"), ("coding", "c", "d")])
def test_derived_ids_are_uuid4_and_the_same_every_time(parts):
    made = derived_id(*parts)
    assert uuid.UUID(made).version == 4
    assert derived_id(*parts) == made and derived_id(*parts, "x") != made
