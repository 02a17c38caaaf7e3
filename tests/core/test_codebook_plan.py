"""The codebook plan (pure Python): matching, checks, sibling order and the writes' order."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.codebook import CodeTree, name_key
from annotator.core.codebook_plan import (
    CodebookPlan,
    CodebookPlanError,
    CodeSpec,
    Wording,
    plan_codebook,
)
from annotator.core.colors import PALETTE
from annotator.core.models import Code


def codebook(*rows: tuple[str, str, str | None]) -> list[Code]:
    """Codes from (id, name, parent id), numbered in the order given."""
    return [
        Code(id=cid, name=name, parent_id=parent, sort_order=n)
        for n, (cid, name, parent) in enumerate(rows)
    ]


def spec(name: str, *parents: str, source: str = "", **fields: Any) -> CodeSpec:
    return CodeSpec(
        name=name, source=source or f"spec {name}", parent_path=tuple(parents), **fields
    )


def apply(base: list[Code] | dict[str, Code], plan: CodebookPlan) -> dict[str, Code]:
    """The plan's steps, one by one, as the store's unique sibling-name index and its
    parent reference see them: every state in between must be a valid codebook."""
    rows = {c.id: c.model_dump() for c in (base.values() if isinstance(base, dict) else base)}
    for step in plan.steps:
        if step.kind == "create":
            assert step.code_id not in rows
            rows[step.code_id] = dict(step.values)
        else:
            rows[step.code_id] = {**rows[step.code_id], **step.values}
        row = rows[step.code_id]
        assert row["parent_id"] is None or row["parent_id"] in rows, step
        slots = [(r["parent_id"], name_key(r["name"])) for r in rows.values()]
        assert len(slots) == len(set(slots)), f"two siblings share a name after {step}"
    return {cid: Code.model_construct(**row) for cid, row in rows.items()}


def paths(codes: dict[str, Code] | list[Code]) -> list[str]:
    tree = CodeTree.of(codes.values() if isinstance(codes, dict) else codes)
    return [tree.path(c.id) for c in tree.walk()]


BASE = codebook(("n", "Norms", None), ("s", "Norm-shaper", "n"), ("r", "Rivalry", None))


# -- matching ---------------------------------------------------------------------------
def test_specs_match_by_id_then_by_path_else_are_new() -> None:
    wanted = str(uuid.uuid4())
    plan = plan_codebook(BASE, [
        CodeSpec("Rules", id="s", parent_path=("Norms",)),  # by id: renamed
        spec("RIVALRY"),  # by path, ignoring case
        CodeSpec("Kept", id=wanted.upper(), parent_path=()),  # new, keeping its UUID (lower-cased)
        CodeSpec("Fresh", id="not-a-uuid", parent_path=("Rivalry",)),  # new, with a new id
    ])  # fmt: skip
    by = [(m.code_id, m.by) for m in plan.matches]
    assert by[:3] == [("s", "id"), ("r", "path"), (wanted, "new")]
    assert by[3][1] == "new" and str(uuid.UUID(by[3][0])) == by[3][0] and by[3][0] != "not-a-uuid"
    assert plan.outcomes == ("updated", "updated", "created", "created")
    assert plan.final.codes["r"].name == "RIVALRY"  # the spec's spelling wins
    assert plan.final.codes["n"].name == "Norms"  # a parent is only looked up


def test_a_code_claimed_by_id_is_not_matched_again_by_path() -> None:
    plan = plan_codebook(BASE, [CodeSpec("Rules", id="n", parent_path=()), spec("Norms")])
    assert (
        plan.matches[0].by == "id" and plan.matches[1].by == "new"
    )  # "Norms" is taken by the first
    assert paths(apply(BASE, plan)) == [
        "Rules",
        "Rules/Norm-shaper",
        "Rivalry",
        "Norms",
    ]  # new: last


def test_specs_may_name_their_parent_by_id_or_not_at_all() -> None:
    """REFI-QDA and project merges give parents by id; a spec without a parent keeps its own."""
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    plan = plan_codebook(BASE, [
        CodeSpec("Leaf", id=b, parent_id=a),  # parent: a spec that comes later
        CodeSpec("Attitudes", id=a),  # no parent: a new code goes to the top level
        CodeSpec("Shaper", id="s"),  # no parent: stays under Norms
        CodeSpec("Norm-shaper", parent_id="r"),  # under an existing code, by its id
    ])  # fmt: skip
    final = plan.final
    assert final.path(b) == "Attitudes/Leaf" and final.path("s") == "Norms/Shaper"
    assert plan.matches[3].by == "new" and final.codes[plan.matches[3].code_id].parent_id == "r"
    assert [c.id for c in plan.creates][:1] == [a]  # parents before children
    apply(BASE, plan)


def test_a_spec_by_parent_id_matches_that_parents_child_of_the_same_name() -> None:
    plan = plan_codebook(BASE, [CodeSpec("NORM-SHAPER", parent_id="n", definition="d")])
    assert (plan.matches[0].code_id, plan.matches[0].by) == ("s", "path")
    assert plan.updates[0].values == {"name": "NORM-SHAPER", "definition": "d"}


# -- refusals -----------------------------------------------------------------------------
@pytest.mark.parametrize(("specs", "message"), [
    ([spec("A"), spec("a", source="row 3")], r"^f\.csv, row 3: the path 'a' is already in spec A \(paths are"),
    ([CodeSpec("A", "r1", id="x"), CodeSpec("B", "r2", id="x")], r"^f\.csv, r2: the id x is already in r1\.$"),
    ([spec("X", "Nowhere")], r"the parent 'Nowhere' is neither in this file nor in the codebook\.$"),
    ([CodeSpec("X", "r1", parent_id="ghost")], r"r1: the parent ghost is neither in this file nor in the codebook"),
    ([CodeSpec("Rules", "r1", id="n", parent_path=()), spec("Other", "Norms", source="r2")],
     r"r2: the parent 'Norms' is moved to 'Rules' by r1\.$"),
    ([CodeSpec("Norms", "r1", id="n", parent_path=("Norms", "Norm-shaper"))],
     r"r1: placing 'Norms/Norm-shaper/Norms' would make a code its own ancestor\.$"),
    ([CodeSpec("norms", "r1", id="r", parent_path=())], r"r1: 'norms' would be the name of two codes after the import"),
    ([CodeSpec("A", "r1", id="a1", parent_id="b1"), CodeSpec("B", "r2", id="b1", parent_id="a1")],
     r"would make a code its own ancestor"),
    ([CodeSpec("X", "r1", parent_path=(), parent_id="n")], r"r1: the parent is given both by path and by id"),
    ([CodeSpec("  ", "r1")], r"^f\.csv, r1: A name cannot be empty\.$"),
    ([CodeSpec("X", "r1", color="reddish")], r"r1: 'reddish' is not a colour"),
])  # fmt: skip
def test_bad_specs_are_refused_naming_the_spec(specs: list[CodeSpec], message: str) -> None:
    with pytest.raises(CodebookPlanError, match=message) as caught:
        plan_codebook(BASE, specs, origin="f.csv")
    assert caught.value.spec is not None and specs[caught.value.spec].source in str(caught.value)


def test_a_code_above_a_spec_moved_by_another_spec_is_refused() -> None:
    base = codebook(("a", "A", None), ("b", "B", "a"))
    with pytest.raises(
        CodebookPlanError,
        match=r"r2: 'A/B/C' cannot be placed: a code above it is moved by another",
    ):
        plan_codebook(
            base, [CodeSpec("Z", "r1", id="a", parent_path=()), spec("C", "A", "B", source="r2")]
        )


def test_the_wording_follows_the_caller() -> None:
    words = Wording(incoming="the other project", after="after the merge", another="another code")
    with pytest.raises(CodebookPlanError, match=r"would be the name of two codes after the merge"):
        plan_codebook(
            BASE, [CodeSpec("norms", "code 'Rivalry'", id="r", parent_path=())], wording=words
        )


# -- the writes -------------------------------------------------------------------------------
def test_swapped_names_step_aside_first_and_never_clash() -> None:
    base = codebook(("a", "Alpha", None), ("b", "Beta", None))
    plan = plan_codebook(
        base, [CodeSpec("Beta", id="a", parent_path=()), CodeSpec("Alpha", id="b", parent_path=())]
    )
    assert [(s.kind, s.code_id) for s in plan.steps] == [
        ("stash", "a"),
        ("stash", "b"),
        ("update", "a"),
        ("update", "b"),
    ]
    assert plan.steps[0].values == {"name": "(importing a)"}
    final = apply(base, plan)
    assert (final["a"].name, final["b"].name) == ("Beta", "Alpha")


def test_a_rename_into_a_freed_name_and_a_new_code_in_the_old_one() -> None:
    base = codebook(("a", "Alpha", None))
    plan = plan_codebook(base, [CodeSpec("Beta", id="a", parent_path=()), spec("Alpha")])
    assert [s.kind for s in plan.steps] == ["stash", "create", "update"]
    assert sorted(paths(apply(base, plan))) == ["Alpha", "Beta"]


def test_moves_under_a_renamed_parent_and_under_a_new_one() -> None:
    base = codebook(
        ("p", "Parent", None), ("c", "Child", None), ("d", "Deep", "c"), ("t", "Trust", None)
    )
    plan = plan_codebook(base, [
        CodeSpec("Renamed", id="p", parent_path=()),
        CodeSpec("Child", id="c", parent_path=("Renamed",)),
        spec("Attitudes"),
        CodeSpec("Trust", id="t", parent_path=("Attitudes",)),
    ])  # fmt: skip
    new = plan.matches[2].code_id
    assert {s.code_id: s.values.get("parent_id") for s in plan.moves} == {"c": "p", "t": new}
    assert [c.name for c in plan.creates] == ["Attitudes"]
    final = apply(base, plan)
    assert paths(final) == [
        "Renamed",
        "Renamed/Child",
        "Renamed/Child/Deep",
        "Attitudes",
        "Attitudes/Trust",
    ]


def test_only_changed_fields_are_updated_and_missing_ones_kept() -> None:
    base = [
        Code(
            id="a",
            name="A",
            color="#111111",
            definition="old",
            example="kept",
            memo="mine",
            quick_key=3,
        )
    ]
    plan = plan_codebook(base, [spec("A", color="#222", definition="new")])
    (step,) = plan.steps
    assert step.kind == "update" and step.values == {"color": "#222222", "definition": "new"}
    final = apply(base, plan)["a"]
    assert (final.example, final.memo, final.quick_key) == ("kept", "mine", 3)


def test_new_codes_get_palette_colours_in_creation_order() -> None:
    base = [Code(id="a", name="A", color=PALETTE[0])]
    plan = plan_codebook(base, [spec("X", "Y"), spec("Y"), spec("Z", color=PALETTE[2])])
    colours = {c.name: c.color for c in plan.creates}
    # Y is created first (a parent), takes the first unused colour; X then the next unused one.
    assert colours == {"Y": PALETTE[1], "Z": PALETTE[2], "X": PALETTE[3]}


# -- sibling order --------------------------------------------------------------------------------
def test_listed_codes_take_the_places_of_the_present_ones_and_others_stay() -> None:
    base = codebook(("a", "A", None), ("b", "B", None), ("c", "C", None), ("d", "D", None))
    plan = plan_codebook(base, [spec("C"), spec("B")])
    assert paths(apply(base, plan)) == ["A", "C", "B", "D"]
    assert plan.orders[None] == ["a", "c", "b", "d"]
    assert plan.outcomes == ("updated", "updated")


def test_a_new_code_goes_before_the_next_present_one_or_last() -> None:
    base = codebook(("a", "A", None), ("b", "B", None), ("c", "C", None))
    plan = plan_codebook(base, [spec("New1"), spec("C"), spec("A"), spec("New2")])
    assert paths(apply(base, plan)) == ["New1", "C", "B", "A", "New2"]


def test_codes_already_in_order_keep_their_numbers() -> None:
    base = [Code(id="a", name="A", sort_order=2), Code(id="b", name="B", sort_order=7)]
    plan = plan_codebook(base, [spec("A", definition="x"), spec("B")])
    assert [s.values for s in plan.steps] == [{"definition": "x"}]
    # Tied numbers are renumbered: a rename could otherwise reorder them.
    tied = [Code(id="a", name="A", sort_order=0), Code(id="b", name="B", sort_order=0)]
    plan = plan_codebook(tied, [spec("Z", id="a"), spec("B")])
    assert paths(apply(tied, plan)) == ["Z", "B"]


# -- properties ---------------------------------------------------------------------------------
names = st.sampled_from(["A", "a", "B", "Ü", "ü", "x/y", "x\\/y", "Anger", "anger ", "🤖", "=1"])
shapes = st.lists(
    st.tuples(names, st.none() | st.integers(0, 20), st.integers(0, 4), st.sampled_from(PALETTE[:4]),
              st.sampled_from(["", "def", "multi\nline"])),
    max_size=16,
)  # fmt: skip


def build(shape: list[tuple[str, int | None, int, str, str]]) -> list[Code]:
    """A valid codebook: sibling names unique, numbering with gaps and ties as edits leave it."""
    codes: list[Code] = []
    slots: set[tuple[str | None, str]] = set()
    for name, parent, order, color, definition in shape:
        parent_id = codes[parent % len(codes)].id if codes and parent is not None else None
        slot = (parent_id, name_key(name))
        if slot in slots:
            continue
        slots.add(slot)
        codes.append(
            Code(
                id=str(uuid.uuid4()),
                name=" ".join(name.split()),
                parent_id=parent_id,
                sort_order=order,
                color=color,
                definition=definition,
            )
        )
    return codes


def exported(codes: list[Code] | dict[str, Code], *, by_id: bool) -> list[CodeSpec]:
    """The codebook as an export gives it: every code, parents first, in display order."""
    tree = CodeTree.of(codes.values() if isinstance(codes, dict) else codes)
    out = []
    for n, c in enumerate(tree.walk()):
        place: dict[str, Any] = (
            {"parent_id": c.parent_id}
            if by_id
            else {"parent_path": tuple(tree.names(c.parent_id)) if c.parent_id else ()}
        )
        out.append(
            CodeSpec(
                c.name,
                f"row {n + 2}",
                id=c.id,
                color=c.color,
                definition=c.definition,
                inclusion=c.inclusion,
                exclusion=c.exclusion,
                example=c.example,
                **place,
            )
        )
    return out


def view(codes: list[Code] | dict[str, Code]) -> list[tuple[str, str, str, str]]:
    tree = CodeTree.of(codes.values() if isinstance(codes, dict) else codes)
    return [(c.id, tree.path(c.id), c.color, c.definition) for c in tree.walk()]


@settings(max_examples=150, deadline=None)
@given(shapes, st.booleans())
def test_a_plan_of_the_exported_codebook_changes_nothing(shape: list, by_id: bool) -> None:
    codes = build(shape)
    plan = plan_codebook(codes, exported(codes, by_id=by_id))
    assert plan.steps == ()
    assert set(plan.outcomes) <= {"unchanged"}
    assert plan.final.codes == {c.id: c for c in codes}


@settings(max_examples=150, deadline=None)
@given(shapes, st.booleans())
def test_importing_the_export_into_an_empty_codebook_round_trips(shape: list, by_id: bool) -> None:
    codes = build(shape)
    plan = plan_codebook([], exported(codes, by_id=by_id))
    assert set(plan.outcomes) <= {"created"} and len(plan.creates) == len(codes)
    imported = apply({}, plan)
    assert view(imported) == view(codes)
    # ... and the copy's own export plans nothing either.
    assert plan_codebook(imported.values(), exported(imported, by_id=not by_id)).steps == ()


@settings(max_examples=150, deadline=None)
@given(shapes, shapes)
def test_importing_one_codebook_over_another_gives_a_valid_tree_or_a_clear_refusal(
    old: list, new: list
) -> None:
    """Whatever is in the codebook, the writes never break the rules half way, and the
    result holds every spec at its path."""
    base = build(old)
    specs = exported(build(new), by_id=False)
    try:
        plan = plan_codebook(base, specs)
    except CodebookPlanError as err:
        assert err.spec is None or specs[err.spec].source in str(err)
        return
    final = apply(base, plan)
    assert final == plan.final.codes
    tree = CodeTree(final)
    for s, m in zip(specs, plan.matches, strict=True):
        assert (
            tree.names(m.code_id)[-1] == s.name
            and tuple(tree.names(m.code_id)[:-1]) == s.parent_path
        )
