"""Disagreement regions: what a researcher steps through (F9) to settle two coders' coding."""

from __future__ import annotations

import dataclasses
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement.disagreements import Disagreement, find
from annotator.core.agreement.intervals import union


def test_a_shifted_boundary_is_one_region_with_both_versions():
    (d,) = find("doc", "code", ("ann", [(10, 20)]), ("ben", [(12, 25)]))
    assert (d.document_id, d.code_id, d.start, d.end) == ("doc", "code", 10, 25)
    assert dict(d.spans) == {"ann": ((10, 20),), "ben": ((12, 25),)}
    assert d.stretches() == ((10, 12, "ann"), (20, 25, "ben"))


def test_identical_coding_is_no_disagreement_and_regions_come_in_text_order():
    found = find(
        "doc", "code",
        ("ann", [(50, 60), (0, 5), (30, 40)]),
        ("ben", [(0, 5), (32, 40), (70, 80)]),
    )  # fmt: skip
    assert [(d.start, d.end) for d in found] == [(30, 40), (50, 60), (70, 80)]
    only_ann = found[1]
    assert dict(only_ann.spans) == {"ann": ((50, 60),), "ben": ()}


def test_a_region_joins_every_span_it_overlaps():
    # Ben's one long coding covers two of Ann's: one region, both of Ann's spans in it.
    (d,) = find("doc", "code", ("ann", [(0, 10), (20, 30)]), ("ben", [(5, 25)]))
    assert (d.start, d.end) == (0, 30)
    assert d.spans["ann"] == ((0, 10), (20, 30)) and d.spans["ben"] == ((5, 25),)
    assert d.stretches() == ((0, 5, "ann"), (10, 20, "ben"), (25, 30, "ann"))


def test_overlapping_codings_of_one_coder_count_as_their_union():
    assert find("doc", "code", ("ann", [(0, 10), (5, 15)]), ("ben", [(0, 15)])) == []


def test_spans_that_only_touch_are_separate_regions():
    found = find("doc", "code", ("ann", [(0, 10)]), ("ben", [(10, 20)]))
    assert [(d.start, d.end) for d in found] == [(0, 10), (10, 20)]


def test_a_disagreement_is_a_frozen_value():
    (d,) = find("doc", "code", ("ann", [(0, 10)]), ("ben", []))
    assert isinstance(d, Disagreement)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.start = 3  # type: ignore[misc]


spans = st.lists(
    st.integers(0, 50).flatmap(lambda s: st.tuples(st.just(s), st.integers(s + 1, 60))),
    max_size=5,
)


def chars(spans_: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> set[int]:
    return {k for s, e in spans_ for k in range(s, e)}


@settings(max_examples=300, deadline=None)
@given(spans, spans)
def test_the_stretches_are_exactly_the_characters_coded_by_one_coder_only(a, b):
    found = find("doc", "code", ("ann", a), ("ben", b))
    differing = chars(a) ^ chars(b)
    assert set().union(*(chars([(s, e) for s, e, _ in d.stretches()]) for d in found)) == differing
    for d in found:
        for s, e, coder in d.stretches():
            assert chars([(s, e)]) <= (chars(a) if coder == "ann" else chars(b))
        # each coder's spans in the region are their union, inside the region
        for coder, raw in (("ann", a), ("ben", b)):
            assert chars(d.spans[coder]) == chars(raw) & set(range(d.start, d.end))
            assert list(d.spans[coder]) == union(d.spans[coder])
    starts = [d.start for d in found]
    assert starts == sorted(starts)
    assert all(x.end <= y.start for x, y in pairwise(found))
    # swapping the coders finds the same regions
    swapped = find("doc", "code", ("ben", b), ("ann", a))
    assert [(d.start, d.end) for d in swapped] == [(d.start, d.end) for d in found]
