"""Segment-level agreement as MAXQDA users expect it: matched segments and B&P kappa."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement.intervals import union
from annotator.core.agreement.segments import SegmentTally, check_overlap, match, tally
from annotator.core.errors import InvalidInput


def test_segments_match_when_they_share_90_percent_of_the_longer_one():
    # 9 of 10 characters shared: exactly 90%, a match (no floating-point slip at 0.9 * 10)
    assert match([(0, 10)], [(1, 10)], 0.9) == [(0, 0)]
    # 9 shared, the longer is 11: under 90%
    assert match([(0, 11)], [(1, 10)], 0.9) == []
    assert tally([(0, 11)], [(1, 10)], 0.9) == SegmentTally(0, 1, 1)
    # a lower threshold matches them
    assert tally([(0, 11)], [(1, 10)], 0.8) == SegmentTally(1, 0, 0)


def test_matching_is_one_to_one_greedy_by_largest_overlap():
    # At 40%, A's [0, 10) qualifies with both of B's; B's [4, 10) shares more (6 > 4),
    # so A's segment goes to it and B's [0, 4) stays unmatched.
    first, second = [(0, 10)], [(0, 4), (4, 10)]
    assert match(first, second, 0.4) == [(0, 1)]
    assert tally(first, second, 0.4) == SegmentTally(1, 0, 1)


def test_percent_agreement_and_brennan_prediger_kappa():
    seg = SegmentTally(matched=6, only_first=2, only_second=2)
    assert seg.agreement().value == pytest.approx(0.6)
    # P_o = 0.6, P_c = 1/4 with 4 codes: (0.6 - 0.25) / 0.75
    figure = seg.kappa(4)
    assert figure.value == pytest.approx(0.35 / 0.75)
    assert figure.counts == {"matched": 6, "only_first": 2, "only_second": 2, "codes": 4}


def test_kappa_with_one_code_or_no_segments_is_undefined():
    one_code = SegmentTally(3, 1, 0).kappa(1)
    assert one_code.value is None and "one code" in one_code.reason
    empty = SegmentTally().kappa(3)
    assert empty.value is None and empty.reason == "neither coder has a segment"
    assert SegmentTally().agreement().value is None


def test_tallies_add_up_across_documents():
    assert SegmentTally(1, 2, 3) + SegmentTally(4, 5, 6) == SegmentTally(5, 7, 9)


@pytest.mark.parametrize("bad", [0, -1, 1.01, float("nan"), "0.9"])
def test_an_impossible_overlap_is_refused(bad):
    with pytest.raises(InvalidInput, match="overlap"):
        check_overlap(bad)


spans = st.lists(
    st.integers(0, 60).flatmap(lambda s: st.tuples(st.just(s), st.integers(s + 1, 70))),
    max_size=6,
).map(union)


@settings(max_examples=200, deadline=None)
@given(spans, spans, st.sampled_from([0.3, 0.5, 0.9, 1.0]))
def test_matched_segments_qualify_each_segment_once_and_do_not_depend_on_coder_order(a, b, overlap):
    pairs = match(a, b, overlap)
    assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
    for i, j in pairs:
        shared = min(a[i][1], b[j][1]) - max(a[i][0], b[j][0])
        assert shared >= overlap * max(a[i][1] - a[i][0], b[j][1] - b[j][0]) - 1e-9
    assert sorted((i, j) for j, i in match(b, a, overlap)) == sorted(pairs)
    forward, backward = tally(a, b, overlap), tally(b, a, overlap)
    assert forward.matched == backward.matched
    assert (forward.only_first, forward.only_second) == (backward.only_second, backward.only_first)
    assert tally(a, list(a), overlap) == SegmentTally(len(a), 0, 0)
