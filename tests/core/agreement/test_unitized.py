"""Krippendorff's unitized alpha: the published example, small cases, the plain definition."""

from __future__ import annotations

import json

import pytest
from conftest import AGREEMENT_EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from test_text_reference import marks, unitized

from annotator.core.agreement.intervals import union
from annotator.core.agreement.unitized import UnitizedTally, overall_alpha

EXAMPLES = AGREEMENT_EXAMPLES


def tally_of(documents: list[tuple[int, list[list[tuple[int, int]]]]]) -> UnitizedTally:
    tally = UnitizedTally(len(documents[0][1]))
    for length, coders in documents:
        tally.add_document(length, [union(c) for c in coders])
    return tally


@pytest.mark.skipif(not EXAMPLES.exists(), reason="shared reference examples not present")
def test_krippendorff_2004_unitizing_example():
    """Krippendorff (2004), Content Analysis 2nd ed., the unitizing example (p. 254 as DKPro
    Statistics cites it): observers i and j on the continuum [150, 450), values c and k.
    Published: c: D_o = .0144, D_e = .0532, alpha = .7286; k: D_o = 0, alpha = 1; across
    both values .8591 as DKPro's Krippendorff2004Test asserts (to within .0005)."""
    cases = json.loads(EXAMPLES.read_text(encoding="utf-8"))["cases"]
    case = next(c for c in cases if c["name"] == "K2004_unitizing_value_c")
    data = case["data"]
    begin, length = data["continuum_begin"], data["continuum_length"]
    tallies = {}
    for value in ("c", "k"):
        units = [
            [
                (u["begin"] - begin, u["begin"] - begin + u["length"])
                for u in coder
                if u["value"] == value
            ]
            for coder in data["coders"]
        ]
        tallies[value] = tally_of([(length, units)])
    c = tallies["c"].alpha()
    assert c.value == pytest.approx(case["expected"], abs=case["tolerance"])
    assert c.counts["observed_disagreement"] == pytest.approx(0.014444, abs=1e-6)
    assert c.counts["expected_disagreement"] == pytest.approx(0.053222, abs=1e-6)
    k = tallies["k"].alpha()
    assert k.value == 1.0 and k.counts["observed_disagreement"] == 0
    assert k.counts["expected_disagreement"] == pytest.approx(0.0490, abs=1e-4)
    assert overall_alpha(tallies.values()).value == pytest.approx(0.8591, abs=0.0005)


def test_distances_of_the_2004_example_by_hand():
    # Units 225+70 vs 220+80: 5^2 + 5^2 = 50 (each order: the sum is doubled, over m(m-1)L^2).
    one = tally_of([(300, [[(75, 145)], [(70, 150)]])])
    assert one.observed == 50
    # A unit 400+20 inside the other's gap 400+50: 20^2.
    gap = tally_of([(300, [[], [(250, 270)]])])
    assert gap.observed == 400
    # A unit partly over the other's gap and partly over their unit: only the unit pair counts.
    part = tally_of([(100, [[(10, 30)], [(20, 40)]])])
    assert part.observed == 10**2 + 10**2


def test_identical_units_agree_perfectly_and_nobody_coding_is_undefined():
    same = tally_of([(100, [[(10, 30), (50, 60)], [(10, 30), (50, 60)], [(10, 30), (50, 60)]])])
    assert same.alpha().value == 1.0
    nobody = tally_of([(100, [[], []])])
    assert nobody.alpha().value is None and "nobody" in nobody.alpha().reason
    assert overall_alpha([nobody]).value is None


def test_no_section_crosses_a_documents_end():
    # Two documents of 50: coder 2 codes the first one's end and the second one's start; as
    # one continuum those would be one unit of 20, here they are two units of 10.
    split = tally_of([(50, [[], [(40, 50)]]), (50, [[], [(0, 10)]])])
    assert sorted(split.units) == [10, 10]
    assert sorted(split.gaps) == [40, 40, 50, 50]


# -- the sweep equals the definition, pair of sections by pair of sections ----------------
@st.composite
def documents(draw: st.DrawFn) -> list[tuple[int, list[list[tuple[int, int]]]]]:
    m = draw(st.integers(2, 3))
    out = []
    for _ in range(draw(st.integers(1, 3))):
        length = draw(st.integers(1, 30))
        span = st.integers(0, length - 1).flatmap(
            lambda s, n=length: st.tuples(st.just(s), st.integers(s + 1, n))
        )
        out.append((length, [draw(st.lists(span, max_size=4)) for _ in range(m)]))
    return out


@settings(max_examples=250, deadline=None)
@given(documents())
def test_unitized_alpha_equals_the_definition_on_characters(docs):
    found = tally_of(docs).disagreements()
    plain = unitized([[marks(c, length) for c in coders] for length, coders in docs])
    if plain is None:
        assert found is None
    else:
        assert found is not None
        assert found[0] == pytest.approx(plain[0], abs=1e-12)
        assert found[1] == pytest.approx(plain[1], rel=1e-9)


@settings(max_examples=150, deadline=None)
@given(documents())
def test_unitized_alpha_does_not_depend_on_the_order_of_coders(docs):
    forward = tally_of(docs).alpha()
    backward = tally_of([(n, list(reversed(c))) for n, c in docs]).alpha()
    assert (forward.value is None) == (backward.value is None)
    if forward.value is not None:
        assert forward.value == pytest.approx(backward.value)


@settings(max_examples=100, deadline=None)
@given(documents())
def test_coders_who_unitize_alike_agree_perfectly(docs):
    alike = tally_of([(n, [coders[0]] * len(coders)) for n, coders in docs])
    figure = alike.alpha()
    if not any(c[0] for _, c in docs):
        assert figure.value is None and "nobody" in figure.reason
    elif figure.counts["expected_disagreement"] == 0:  # e.g. everyone coded every character
        assert figure.value is None and "expected" in figure.reason
    else:
        assert figure.value == 1.0
