"""SpanIndex and lanes: the view's lookups must agree with a brute-force scan."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.spans import SpanIndex, assign_lanes, elementary_segments

spans_strategy = st.lists(
    st.tuples(st.integers(0, 300), st.integers(1, 6000)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=60,
)


def brute(spans: dict[int, tuple[int, int]], lo: int, hi: int) -> set[int]:
    return {k for k, (s, e) in spans.items() if s < hi and e > lo}


@settings(max_examples=80, deadline=None)
@given(spans_strategy, st.integers(0, 7000), st.integers(1, 500), st.data())
def test_overlapping_matches_brute_force_after_adds_and_removes(spans, lo, width, data):
    index = SpanIndex()
    live: dict[int, tuple[int, int]] = {}
    for i, (s, e) in enumerate(spans):
        index.add(i, s, e)
        live[i] = (s, e)
    for key in data.draw(
        st.lists(st.sampled_from(sorted(live)) if live else st.nothing(), unique=True)
    ):
        index.remove(key)
        del live[key]
    assert set(index.overlapping(lo, lo + width)) == brute(live, lo, lo + width)
    # Overlapping spans never share a lane, whether lanes came from add() or a bulk build.
    for lanes in (index.lanes, SpanIndex((k, s, e) for k, (s, e) in live.items()).lanes):
        for a, (sa, ea) in live.items():
            for b, (sb, eb) in live.items():
                if a < b and sa < eb and sb < ea:
                    assert lanes[a] != lanes[b]


def test_lanes_use_no_more_than_the_deepest_overlap():
    spans = [("a", 0, 10), ("b", 2, 5), ("c", 6, 9), ("d", 10, 12)]
    lanes = assign_lanes(spans)
    assert max(lanes.values()) == 1
    assert lanes["a"] == lanes["d"] == 0


def test_long_spans_are_found_from_anywhere_inside():
    index = SpanIndex([("whole", 0, 1_000_000), ("short", 500_000, 500_010)])
    assert index.overlapping(700_000, 700_100) == ["whole"]
    assert index.at(500_005) == ["whole", "short"]


def test_empty_or_inverted_span_is_refused():
    index = SpanIndex()
    for s, e in ((5, 5), (6, 2)):
        try:
            index.add("x", s, e)
        except ValueError:
            pass
        else:  # pragma: no cover
            raise AssertionError("accepted an empty span")
    assert len(index) == 0


def test_elementary_segments_cover_each_piece_with_its_codes():
    spans = [("a", 0, 10), ("b", 5, 15)]
    assert elementary_segments(spans, 0, 20) == [
        (0, 5, ["a"]),
        (5, 10, ["a", "b"]),
        (10, 15, ["b"]),
    ]
    # Clipped to the window asked for.
    assert elementary_segments(spans, 7, 12) == [(7, 10, ["a", "b"]), (10, 12, ["b"])]


@settings(max_examples=60, deadline=None)
@given(spans_strategy, st.integers(0, 400), st.integers(1, 400))
def test_elementary_segments_agree_with_pointwise_coverage(spans, lo, width):
    keyed = [(i, s, e) for i, (s, e) in enumerate(spans)]
    hi = lo + width
    covered = {}
    for a, b, keys in elementary_segments(keyed, lo, hi):
        assert lo <= a < b <= hi
        for p in range(a, b):
            covered[p] = set(keys)
    for p in range(lo, hi):
        expect = {i for i, s, e in keyed if s <= p < e}
        assert covered.get(p, set()) == expect
