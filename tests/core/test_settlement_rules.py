"""The rules of settling a disagreement: what each resolution puts in the consensus, how
the consensus makes room for it, and the record that says a region is settled."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core import settlement as rules
from annotator.core.errors import InvalidInput
from annotator.core.settlement import How, Region, Settlement

#: Ann coded two passages of the region, Ben one longer passage across the first of them.
REGION = Region(10, 60, {"ann": [(10, 20), (40, 60)], "ben": [(15, 30)]})


def chars(spans: rules.Spans) -> set[int]:
    return {i for s, e in spans for i in range(s, e)}


def test_accepting_a_coder_takes_exactly_their_version() -> None:
    assert rules.accept(REGION, "ann") == rules.Resolution(How.ACCEPT, ((10, 20), (40, 60)), "ann")
    assert rules.accept(REGION, "ben").spans == ((15, 30),)
    # Someone who coded nothing in the region: accepting them leaves nothing there.
    assert rules.accept(REGION, "carl").spans == ()


def test_union_overlap_and_none() -> None:
    assert rules.union(REGION) == rules.Resolution(How.UNION, ((10, 30), (40, 60)))
    assert rules.overlap(REGION) == rules.Resolution(How.OVERLAP, ((15, 20),))
    assert rules.accept_none(REGION) == rules.Resolution(How.NONE, ())
    # Only one coder coded here: the other coded nothing, so nothing is common.
    assert rules.overlap(Region(0, 9, {"ann": [(0, 9)]})).spans == ()


def test_edited_spans_are_checked_against_the_document_and_merged() -> None:
    assert rules.edited(REGION, [(30, 45), (12, 20), (18, 25)], 100).spans == ((12, 25), (30, 45))
    assert rules.edited(REGION, [(5, 10), (10, 12)], 100).spans == ((5, 12),)  # touching: one
    for bad in ([(50, 101)], [(-1, 5)], [(20, 20)], [(30, 20)], [(True, 5)], [(1.0, 5)], [(1,)]):
        with pytest.raises(InvalidInput):
            rules.edited(REGION, bad, 100)  # type: ignore[arg-type]


def test_a_region_must_hold_its_coders_spans() -> None:
    assert rules.check_region(REGION, 100) == {"ann": ((10, 20), (40, 60)), "ben": ((15, 30),)}
    with pytest.raises(InvalidInput, match="outside the region"):
        rules.check_region(Region(10, 20, {"ann": [(5, 15)]}), 100)
    with pytest.raises(InvalidInput, match="impossible"):
        rules.check_region(Region(10, 120, {}), 100)


def test_edited_spans_beyond_the_region_widen_what_is_replaced() -> None:
    assert rules.area(REGION, rules.accept(REGION, "ben")) == (10, 60)
    assert rules.area(REGION, rules.edited(REGION, [(5, 12), (55, 70)], 100)) == (5, 70)


TEXT = "abcdefghij" * 10  # words everywhere, except where a test puts white space


def test_replacing_removes_consensus_inside_and_keeps_what_reaches_outside() -> None:
    existing = [("inside", 20, 30), ("left", 0, 15), ("right", 55, 80), ("far", 70, 90)]
    plan = rules.replacement(existing, (10, 60), ((12, 18),), TEXT)
    assert plan.remove == ("inside",)
    assert set(plan.resize) == {("left", 0, 10), ("right", 60, 80)}
    assert plan.add == ((12, 18),)


def test_a_consensus_coding_across_the_whole_area_is_split_around_it() -> None:
    plan = rules.replacement([("wide", 0, 90)], (10, 60), (), TEXT)
    assert plan == rules.Replacement((), (("wide", 0, 10),), ((60, 90),))


def test_pieces_of_only_white_space_or_already_held_are_not_coded() -> None:
    text = "word " + "x" * 95
    plan = rules.replacement([("edge", 4, 30), ("twin", 30, 40)], (5, 30), ((4, 5),), text)
    # The piece left of the area is a lone space: the coding goes instead of shrinking to it.
    assert plan.remove == ("edge",) and plan.add == ()
    plan = rules.replacement([("twin", 30, 40), ("over", 25, 40)], (10, 30), (), TEXT)
    # "over" cut back would be exactly "twin": removed, not doubled.
    assert plan.remove == ("over",) and plan.resize == ()


def settlement(**changes: object) -> Settlement:
    base = dict(
        document_id="doc",
        code_id="code",
        start=10,
        end=60,
        spans=rules.region_spans(REGION),
        how=How.NONE,
        result=(),
    )
    return Settlement(**{**base, **changes})  # type: ignore[arg-type]


class Disagreement:
    """The comparison's disagreement, as another part of the program makes them."""

    def __init__(self, document_id: str, code_id: str, region: Region) -> None:
        self.document_id, self.code_id = document_id, code_id
        self.start, self.end, self.spans = region.start, region.end, region.spans


def test_a_settlement_settles_its_disagreement_only_as_it_stood() -> None:
    done = settlement()
    assert done.settles(Disagreement("doc", "code", REGION))
    # Spans given unmerged, or a coder listed with nothing: the same disagreement.
    same = Region(10, 60, {"ann": [(40, 60), (10, 15), (15, 20)], "ben": [(15, 30)], "carl": []})
    assert rules.is_settled([done], Disagreement("doc", "code", same))
    changed = Region(10, 60, {"ann": [(10, 22), (40, 60)], "ben": [(15, 30)]})
    assert not done.settles(Disagreement("doc", "code", changed))
    assert not done.settles(Disagreement("doc", "other code", REGION))
    assert not done.settles(Disagreement("other doc", "code", REGION))
    assert not done.settles(Disagreement("doc", "code", Region(10, 61, REGION.spans)))


def test_settlement_records_round_trip_and_a_damaged_one_is_named() -> None:
    records = [
        settlement(how=How.ACCEPT, coder_id="ann", result=((10, 20), (40, 60)), at="2025-01-01"),
        settlement(start=70, end=80, spans={}, how=How.EDITED, result=((72, 79),)),
    ]
    assert rules.decode("doc", "code", rules.encode(records)) == records
    assert rules.decode("doc", "code", "") == []
    for damaged in ("{", "[1]", '[{"start": 1}]', '[{"how": "maybe"}]'):
        with pytest.raises(InvalidInput, match="settled disagreements of document doc"):
            rules.decode("doc", "code", damaged)
    with pytest.raises(InvalidInput, match="damaged"):
        rules.recorded("[1]", records[0], (10, 60))


def test_a_new_settlement_replaces_those_it_overlaps_in_the_record() -> None:
    old = [settlement(start=0, end=12), settlement(start=50, end=70), settlement(start=80, end=90)]
    new = settlement(start=10, end=60, how=How.UNION, result=((10, 60),))
    value = rules.recorded(rules.encode(old), new, (10, 60))
    assert rules.decode("doc", "code", value) == [old[2], new]
    assert rules.decode("doc", "code", rules.recorded("", new, (10, 60))) == [new]


def test_the_index_finds_a_settled_disagreement_by_its_place() -> None:
    index = rules.SettledIndex([settlement(), settlement(code_id="c2", start=0, end=5, spans={})])
    assert index.settled(Disagreement("doc", "code", REGION))
    assert index.settled(Disagreement("doc", "c2", Region(0, 5, {})))
    assert not index.settled(Disagreement("doc", "c2", Region(0, 5, {"ann": [(1, 2)]})))
    assert not index.settled(Disagreement("doc", "code", Region(0, 5, {})))


def test_agreed_stretches_are_those_both_coded_alike() -> None:
    a = [(0, 5), (10, 20), (30, 40)]
    b = [(0, 5), (12, 20), (30, 35), (35, 40), (50, 55)]
    assert rules.components(a, b) == [
        ((0, 5), ((0, 5),), ((0, 5),)),
        ((10, 20), ((10, 20),), ((12, 20),)),
        ((30, 40), ((30, 40),), ((30, 40),)),
        ((50, 55), (), ((50, 55),)),
    ]
    assert rules.agreed(a, b) == ((0, 5), (30, 40))


spans_strategy = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 20)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=8,
)


@given(spans_strategy, spans_strategy)
def test_union_and_overlap_are_the_characters_either_and_both_coded(
    a: list[tuple[int, int]], b: list[tuple[int, int]]
) -> None:
    region = Region(0, 80, {"a": a, "b": b})
    union, common = rules.union(region).spans, rules.overlap(region).spans
    assert chars(union) == chars(tuple(a)) | chars(tuple(b))
    assert chars(common) == chars(tuple(a)) & chars(tuple(b))
    for spans in (union, common):
        assert list(spans) == sorted(spans)
        assert all(s < e for s, e in spans)
        assert all(e1 < s2 for (_, e1), (s2, _) in pairwise(spans))
