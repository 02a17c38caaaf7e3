"""Character- and document-level agreement: the figures NVivo users and methods texts quote."""

from __future__ import annotations

import json

import pytest
from conftest import AGREEMENT_EXAMPLES
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_text_reference import alpha, coded_only, kappa, marks, percent

from annotator.core.agreement.intervals import coverage, union
from annotator.core.agreement.text import BinaryTally, compare_text

EXAMPLES = AGREEMENT_EXAMPLES


def _case(name: str) -> dict:
    cases = json.loads(EXAMPLES.read_text(encoding="utf-8"))["cases"]
    return next(c for c in cases if c["name"] == name)


def tally_of(length: int, *coders: list[tuple[int, int]]) -> BinaryTally:
    tally = BinaryTally(len(coders))
    tally.add(coverage([union(c) for c in coders]), length)
    return tally


# -- published examples -----------------------------------------------------------------
@pytest.mark.skipif(not EXAMPLES.exists(), reason="shared reference examples not present")
def test_nvivo_help_example_percent_agreement_is_85_percent():
    """NVivo help, 'How is the percentage agreement calculated?': 1000 characters, 50
    coded by both users, 150 by one only, 800 by neither: (800 + 50) / 1000 = 85%."""
    case = _case("NVivo_help_percent_agreement_1000chars")
    data = case["data"]
    tally = tally_of(
        data["length"],
        [tuple(s) for s in data["coder_A_spans"]],
        [tuple(s) for s in data["coder_B_spans"]],
    )
    figure = tally.percent_agreement()
    assert figure.value == pytest.approx(case["expected"], abs=case["tolerance"])
    assert figure.counts == {"agreed": 850, "units": 1000}
    # Kappa for that split, as the example's cross-check gives it (NVivo's formula).
    kappa_ = tally.cohen_kappa()
    assert kappa_.value == pytest.approx(
        case["crosscheck"]["nvivo_style_kappa_for_this_split"], abs=1e-6
    )
    assert dict(kappa_.counts) == {"both": 50, "only_first": 75, "only_second": 75, "neither": 800}


@pytest.mark.skipif(not EXAMPLES.exists(), reason="shared reference examples not present")
def test_cohen_kappa_of_the_wikipedia_grant_proposals_is_0_4():
    """Wikipedia 'Cohen's kappa': Yes/Yes 20, Yes/No 5, No/Yes 10, No/No 15 -> 0.40."""
    case = _case("Wikipedia_Cohen_2x2_n50")
    (yy, yn), (ny, nn) = case["data"]["table"]
    tally = BinaryTally(2)
    tally.add({3: yy, 1: yn, 2: ny}, yy + yn + ny + nn)
    assert tally.cohen_kappa().value == pytest.approx(case["expected"], abs=1e-9)
    assert tally.percent_agreement().value == pytest.approx(0.70)


# -- small cases by hand ------------------------------------------------------------------
def test_two_coders_by_hand():
    # A codes [0, 10), B codes [5, 15) of 20 characters: both 5, A only 5, B only 5, neither 5.
    tally = tally_of(20, [(0, 10)], [(5, 15)])
    assert tally.percent_agreement().value == pytest.approx(0.5)
    # p_e = 0.5 * 0.5 + 0.5 * 0.5 = 0.5: kappa 0
    assert tally.cohen_kappa().value == pytest.approx(0.0)
    # alpha = 1 - (n - 1) * sum k(m-k) / ((m-1) n1 n0) = 1 - 39 * 10 / (20 * 20)
    assert tally.krippendorff_alpha().value == pytest.approx(1 - 39 * 10 / 400)
    assert tally.coded_only().value == pytest.approx(5 / 15)


def test_a_coders_overlapping_codings_count_once():
    tally = tally_of(10, [(0, 4), (2, 6), (6, 8)], [(0, 8)])
    assert tally.percent_agreement().value == 1.0
    assert tally.coded_only().counts == {"by_all": 8, "by_any": 8}


def test_three_coders_percent_agreement_is_the_share_where_all_agree():
    # 10 characters; [0, 4) all three, [4, 6) only the first two, [6, 10) nobody
    tally = tally_of(10, [(0, 6)], [(0, 6)], [(0, 4)])
    assert tally.percent_agreement().value == pytest.approx(0.8)
    assert tally.cohen_kappa().value is None
    assert "two coders" in tally.cohen_kappa().reason
    pair = tally.pair(0, 1)
    assert pair.percent_agreement().value == 1.0 and pair.cohen_kappa().value == 1.0
    assert tally.coded_only().value == pytest.approx(4 / 6)


@pytest.mark.parametrize(
    ("coders", "reason"),
    [
        (([], []), "no coder marked"),
        (([(0, 10)], [(0, 10)]), "every coder marked every unit"),
    ],
)
def test_one_category_only_is_undefined_not_nan(coders, reason):
    tally = tally_of(10, *coders)
    for figure in (tally.cohen_kappa(), tally.krippendorff_alpha()):
        assert figure.value is None and reason in figure.reason
    assert tally.percent_agreement().value == 1.0


def test_no_text_at_all_is_undefined():
    tally = BinaryTally(2)
    for figure in (tally.percent_agreement(), tally.cohen_kappa(), tally.krippendorff_alpha()):
        assert figure.value is None and figure.reason


def test_comparison_reports_each_code_and_pools_them_overall():
    docs = [("d1", 100), ("d2", 50)]
    codings = [
        ("d1", "x", "A", 0, 10), ("d1", "x", "B", 0, 10),
        ("d2", "y", "A", 0, 20), ("d2", "y", "B", 10, 20),
        ("d1", "z", "C", 0, 5),  # a coder not compared
    ]  # fmt: skip
    report = compare_text(["A", "B"], docs, ["x", "y", "z", "w"], codings)
    assert [c.code_id for c in report.codes] == ["x", "y"]  # nobody (compared) coded z or w
    x, y = report.codes
    assert x.characters.percent_agreement.value == 1.0 and x.unitized_alpha.value == 1.0
    assert x.documents.percent_agreement.value == 1.0  # both coded it in d1, neither in d2
    assert y.characters.percent_agreement.value == pytest.approx(140 / 150)
    assert y.coded_only.value == pytest.approx(0.5)
    assert dict(y.segments) == {"A": 1, "B": 1}
    assert y.segment_tally.matched == 0  # 10 of 20 shared: under 90%
    overall = report.overall
    # every (character, code) is a unit: 150 characters x 2 codes, 10 disagreeing
    assert overall.characters.percent_agreement.value == pytest.approx(290 / 300)
    assert overall.segment_tally.matched == 1 and overall.segment_tally.total == 3
    assert overall.segment_kappa.counts["codes"] == 2


def test_comparison_refuses_a_bad_overlap():
    from annotator.core.errors import InvalidInput

    for bad in (0, -0.5, 1.5, float("nan")):
        with pytest.raises(InvalidInput, match="overlap"):
            compare_text(["A", "B"], [("d", 10)], ["x"], [], overlap=bad)


# -- the interval arithmetic equals the plain per-character count ---------------------------
def span_lists(length: int) -> st.SearchStrategy[list[tuple[int, int]]]:
    span = st.integers(0, length - 1).flatmap(
        lambda start: st.tuples(st.just(start), st.integers(start + 1, length))
    )
    return st.lists(span, max_size=5)


@st.composite
def coded_text(
    draw: st.DrawFn, min_coders: int = 2, max_coders: int = 3
) -> tuple[int, list[list[tuple[int, int]]]]:
    length = draw(st.integers(1, 40))
    m = draw(st.integers(min_coders, max_coders))
    return length, [draw(span_lists(length)) for _ in range(m)]


def same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)


@settings(max_examples=300, deadline=None)
@given(coded_text())
def test_every_character_figure_equals_the_per_character_count(case):
    length, coders = case
    tally = tally_of(length, *coders)
    arrays = [marks(c, length) for c in coders]
    assert same(tally.percent_agreement().value, percent(arrays))
    assert same(tally.krippendorff_alpha().value, alpha(arrays))
    assert same(tally.coded_only().value, coded_only(arrays))
    if len(coders) == 2:
        assert same(tally.cohen_kappa().value, kappa(*arrays))
    for i in range(len(coders)):
        for j in range(i + 1, len(coders)):
            assert same(tally.pair(i, j).krippendorff_alpha().value, alpha([arrays[i], arrays[j]]))


@settings(max_examples=200, deadline=None)
@given(coded_text())
def test_coverage_counts_the_characters_of_each_set_of_coders(case):
    length, coders = case
    arrays = [marks(c, length) for c in coders]
    expected: dict[int, int] = {}
    for k in range(length):
        mask = sum(1 << i for i, row in enumerate(arrays) if row[k])
        if mask:
            expected[mask] = expected.get(mask, 0) + 1
    assert coverage([union(c) for c in coders]) == expected


@settings(max_examples=200, deadline=None)
@given(coded_text())
def test_figures_do_not_depend_on_the_order_of_coders(case):
    length, coders = case
    forward, backward = tally_of(length, *coders), tally_of(length, *reversed(coders))
    for name in ("percent_agreement", "cohen_kappa", "krippendorff_alpha", "coded_only"):
        assert same(getattr(forward, name)().value, getattr(backward, name)().value), name


@settings(max_examples=100, deadline=None)
@given(coded_text(min_coders=1, max_coders=1))
def test_coders_who_code_alike_agree_perfectly(case):
    length, (spans,) = case
    assume(union(spans) not in ([], [(0, length)]))  # else one category only: undefined
    tally = tally_of(length, spans, list(spans), list(reversed(spans)))
    assert tally.percent_agreement().value == 1.0
    assert tally.krippendorff_alpha().value == pytest.approx(1.0)
    assert tally.coded_only().value == 1.0
    assert tally.pair(0, 1).cohen_kappa().value == pytest.approx(1.0)


@st.composite
def projects(draw: st.DrawFn) -> tuple[list[tuple[str, int]], list[tuple[str, str, str, int, int]]]:
    """A few documents and codings of two codes by three coders, touching documents' ends."""
    docs = [(f"d{k}", draw(st.integers(1, 25))) for k in range(draw(st.integers(1, 3)))]
    codings = []
    for doc, length in docs:
        for code in ("x", "y"):
            for coder in ("A", "B", "C"):
                for start, end in draw(span_lists(length)):
                    codings.append((doc, code, coder, start, end))
    return docs, codings


@settings(max_examples=150, deadline=None)
@given(projects())
def test_a_comparison_of_several_documents_equals_the_plain_count_document_by_document(case):
    from test_text_reference import unitized

    from annotator.core.agreement.segments import SegmentTally, tally

    docs, codings = case
    coders = ["A", "B", "C"]
    report = compare_text(coders, docs, ["x", "y"], codings, overlap=0.5)
    for entry in report.codes:
        code = entry.code_id
        spans = {
            (doc, c): [(s, e) for d, k, who, s, e in codings if (d, k, who) == (doc, code, c)]
            for doc, _ in docs
            for c in coders
        }
        arrays = [[mark for doc, n in docs for mark in marks(spans[(doc, c)], n)] for c in coders]
        assert same(entry.characters.percent_agreement.value, percent(arrays))
        assert same(entry.characters.krippendorff_alpha.value, alpha(arrays))
        assert same(entry.coded_only.value, coded_only(arrays))
        present = [[int(bool(spans[(doc, c)])) for doc, _ in docs] for c in coders]
        assert same(entry.documents.krippendorff_alpha.value, alpha(present))
        assert same(entry.documents.percent_agreement.value, percent(present))
        plain = unitized([[marks(spans[(doc, c)], n) for c in coders] for doc, n in docs])
        found = entry.unitized_alpha
        if plain is None:
            assert found.value is None
        elif plain[1] > 0:
            assert found.value == pytest.approx(1 - plain[0] / plain[1])
        first_pair = sum(
            (tally(union(spans[(doc, "A")]), union(spans[(doc, "B")]), 0.5) for doc, _ in docs),
            SegmentTally(),
        )
        assert entry.pairs[0].segments == first_pair
        assert dict(entry.segments) == {
            c: sum(len(union(spans[(doc, c)])) for doc, _ in docs) for c in coders
        }
