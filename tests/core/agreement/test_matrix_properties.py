"""Properties a researcher relies on: relabelling, coder order and unit order change nothing;
perfect agreement is 1; no NaN ever; alpha equals a plain pairs-counting implementation
(and the krippendorff package when it is installed)."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement import (
    ReliabilityMatrix,
    krippendorff_alpha,
    per_value_alpha,
    reliability_report,
)
from annotator.core.agreement.matrix_counts import tally


@st.composite
def matrices(draw, min_coders=2, max_coders=4, values=4, missing=True):
    coders = draw(st.integers(min_coders, max_coders))
    units = draw(st.integers(1, 12))
    cell = st.one_of(st.none(), st.integers(1, values)) if missing else st.integers(1, values)
    return [draw(st.lists(cell, min_size=coders, max_size=coders)) for _ in range(units)]


def reference_alpha(rows, level):
    """Krippendorff's alpha by counting pairs of values unit by unit (his definition,
    written plainly): each ordered pair within a unit weighs 1/(m_u - 1)."""
    units = [[v for v in row if v is not None] for row in rows]
    units = [u for u in units if len(u) >= 2]
    pairable = [v for u in units for v in u]
    n = len(pairable)
    if n == 0:
        return None
    ranks = sorted(set(pairable))
    count = {v: pairable.count(v) for v in ranks}

    def delta(c, k):
        if level == "nominal":
            return float(c != k)
        if level == "interval":
            return float(c - k) ** 2
        if level == "ratio":
            return ((c - k) / (c + k)) ** 2 if c + k else 0.0
        lo, hi = sorted((ranks.index(c), ranks.index(k)))
        between = sum(count[ranks[g]] for g in range(lo, hi + 1))
        return (between - (count[c] + count[k]) / 2.0) ** 2

    d_o = (
        sum(
            delta(u[i], u[j]) / (len(u) - 1)
            for u in units
            for i, j in itertools.permutations(range(len(u)), 2)
        )
        / n
    )
    d_e = sum(delta(c, k) for c, k in itertools.permutations(pairable, 2)) / (n * (n - 1))
    return None if d_e == 0 else 1 - d_o / d_e


LEVELS = ["nominal", "ordinal", "interval", "ratio"]


@settings(max_examples=150, deadline=None)
@given(matrices(), st.sampled_from(LEVELS))
def test_alpha_equals_a_plain_pairs_counting_implementation(rows, level):
    expected = reference_alpha(rows, level)
    result = krippendorff_alpha(ReliabilityMatrix.from_rows(rows), level)
    if expected is None:
        assert result.value is None and result.reason
    else:
        assert result.value == pytest.approx(expected, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(matrices(min_coders=2, max_coders=5), st.permutations(range(5)), st.randoms())
def test_renaming_values_swapping_coders_and_reordering_units_change_nothing(rows, perm, rnd):
    """Nominal statistics: a relabelling of values, another coder order, another unit order."""
    base = reliability_report(ReliabilityMatrix.from_rows(rows))
    names = {v: f"code-{perm[v - 1]}" for v in range(1, 5)}
    renamed = [[None if v is None else names[v] for v in row] for row in rows]
    order = list(range(len(rows[0])))
    rnd.shuffle(order)
    swapped = [[row[i] for i in order] for row in renamed]
    rnd.shuffle(swapped)
    other = reliability_report(ReliabilityMatrix.from_rows(swapped))
    for key, figure in base.figures().items():
        assert other.figures()[key].value == pytest.approx(figure.value, abs=1e-12), key
        assert (other.figures()[key].reason is None) == (figure.reason is None), key
    for value, result in base.per_value_alpha.items():
        assert other.per_value_alpha[names[value]].value == pytest.approx(result.value, abs=1e-12)


@settings(max_examples=80, deadline=None)
@given(matrices(), st.sampled_from(LEVELS))
def test_results_never_hold_nan_or_infinity(rows, level):
    report = reliability_report(ReliabilityMatrix.from_rows(rows), level, bootstrap=50)
    text = json.dumps(report.to_dict(), allow_nan=False)  # raises on NaN/inf
    assert "NaN" not in text
    for figure in report.figures().values():
        assert (figure.value is None) != (figure.reason is None)
        assert figure.value is None or math.isfinite(figure.value)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=15).filter(lambda u: len(set(u)) >= 2),
       st.integers(2, 5))  # fmt: skip
def test_perfect_agreement_is_one(truth, coders):
    matrix = ReliabilityMatrix.from_rows([[v] * coders for v in truth])
    report = reliability_report(matrix, "interval")
    assert report.krippendorff_alpha.value == pytest.approx(1.0)
    assert report.percent_agreement.value == pytest.approx(1.0)
    assert report.fleiss_kappa.value == pytest.approx(1.0)
    if coders == 2:
        for figure in (report.cohen_kappa, report.scott_pi, report.bennett_s):
            assert figure.value == pytest.approx(1.0)
    assert all(a.value == pytest.approx(1.0) for a in report.per_value_alpha.values() if a.defined)


@settings(max_examples=60, deadline=None)
@given(matrices(missing=True, max_coders=3))
def test_per_value_alpha_is_alpha_of_the_recoded_matrix(rows):
    matrix = ReliabilityMatrix.from_rows(rows)
    for value, result in per_value_alpha(matrix).items():
        recoded = krippendorff_alpha(matrix.binary(value), "nominal")
        assert result.value == pytest.approx(recoded.value, abs=1e-12)


def test_tally_is_the_same_whatever_the_chunk_size(monkeypatch):
    """Counts are summed chunk by chunk: chunk edges must not change them."""
    import annotator.core.agreement.matrix_counts as counts

    rng = np.random.default_rng(5)
    data = rng.integers(0, 4, size=(500, 3)).astype(float)
    data[rng.random((500, 3)) < 0.2] = np.nan
    matrix = ReliabilityMatrix.from_array(data)
    whole = tally(matrix)
    monkeypatch.setattr(counts, "_CHUNK_CELLS", 37)
    chunked = tally(matrix)
    assert np.allclose(whole.coincidences, chunked.coincidences)
    assert (whole.pairs, whole.agreeing_pairs, whole.pairable_units) == (
        chunked.pairs, chunked.agreeing_pairs, chunked.pairable_units,
    )  # fmt: skip
    assert whole.unit_agreement_sum == pytest.approx(chunked.unit_agreement_sum)


@settings(max_examples=60, deadline=None)
@given(matrices(), st.sampled_from(LEVELS))
def test_alpha_equals_the_krippendorff_package(rows, level):
    krippendorff = pytest.importorskip(
        "krippendorff", reason="the krippendorff package is not installed"
    )
    matrix = ReliabilityMatrix.from_rows(rows)
    ours = krippendorff_alpha(matrix, level)
    data = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float).T
    if ours.value is None:
        return  # the package gives NaN or raises for these; ours says why
    theirs = float(krippendorff.alpha(data, level_of_measurement=level))
    assert ours.value == pytest.approx(theirs, abs=1e-9)


def test_from_array_matches_from_rows_for_whole_and_fractional_numbers():
    rows = [[1.5, 2.0, None], [3.0, 3.0, 1.5], [None, 2.0, 2.0]]
    data = np.array([[np.nan if v is None else v for v in r] for r in rows])
    a, b = ReliabilityMatrix.from_array(data), ReliabilityMatrix.from_rows(rows)
    assert a.values == b.values == (1.5, 2, 3)
    assert (a.codes == b.codes).all()
    whole = ReliabilityMatrix.from_array(np.array([[7.0, 9.0], [9.0, np.nan]]))
    assert whole.values == (7, 9) and whole.codes.tolist() == [[0, 1], [1, -1]]
