"""Undefined figures are reported as undefined, with the reason, never as a crash or NaN;
the bootstrap is reproducible and follows Hayes & Krippendorff (2007)."""

from __future__ import annotations

import json

import pytest
from agreement_published import HK2007, K2011

from annotator.core.agreement import (
    EXPLANATIONS,
    ReliabilityMatrix,
    bootstrap_alpha,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    pairwise_table,
    reliability_report,
    scott_pi,
)
from annotator.core.agreement.results import Figure, Undefined
from annotator.core.errors import InvalidInput

N = None


def test_one_category_only_is_undefined_everywhere_with_a_reason():
    report = reliability_report(ReliabilityMatrix.from_rows([["a", "a"], ["a", "a"]]))
    for key in ("cohen_kappa", "scott_pi", "krippendorff_alpha", "fleiss_kappa", "bennett_s"):
        figure = report.figures()[key]
        assert figure.value is None and figure.reason, key
    assert report.percent_agreement.value == 1.0  # agreement itself is perfect and defined
    assert "no disagreement is expected" in report.krippendorff_alpha.reason


def test_no_pairable_values():
    matrix = ReliabilityMatrix.from_rows([[1, N], [N, 2], [N, N]])
    report = reliability_report(matrix, bootstrap=100)
    assert report.krippendorff_alpha.reason and "pairable" in report.krippendorff_alpha.reason
    assert report.percent_agreement.value is None
    assert cohen_kappa(matrix).reason == "no unit was coded by both coders"
    assert report.bootstrap is not None and report.bootstrap.value is None
    assert "krippendorff_alpha_ci" in report.undefined()


def test_two_coder_coefficients_need_exactly_two_coders():
    matrix = ReliabilityMatrix.from_rows(list(zip(*K2011, strict=True)))
    assert cohen_kappa(matrix).reason == "needs exactly two coders (the matrix has 4)"
    assert scott_pi(matrix).value is None


def test_fleiss_is_undefined_with_unequal_numbers_of_values():
    matrix = ReliabilityMatrix.from_rows(list(zip(*K2011, strict=True)))
    result = fleiss_kappa(matrix)
    assert result.value is None and result.reason == "units have unequal numbers of values"


def test_fleiss_kappa_j_of_an_unused_category_is_undefined():
    matrix = ReliabilityMatrix.from_rows([["a", "b"], ["a", "a"]], order=["a", "b", "c"])
    result = fleiss_kappa(matrix)
    assert result.per_category["c"].value is None
    assert result.per_category["c"].reason == "no unit has the value c"


def test_a_figure_never_stores_nan_or_infinity():
    assert Figure(statistic="x", value=float("nan")).value is None
    assert Figure(statistic="x", value=float("inf")).reason
    assert not Undefined("why") and str(Undefined("why")) == "undefined (why)"


def test_report_json_is_plain_and_strict():
    report = reliability_report(ReliabilityMatrix.from_rows([["a", "a"], ["b", N]]), bootstrap=20)
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["krippendorff_alpha"]["value"] is None
    assert data["krippendorff_alpha"]["reason"]


def test_levels_that_need_numbers_refuse_labels():
    matrix = ReliabilityMatrix.from_rows([["low", "high"], ["high", "high"]])
    with pytest.raises(InvalidInput, match="not a number"):
        krippendorff_alpha(matrix, "interval")
    with pytest.raises(InvalidInput, match="ordinal"):
        krippendorff_alpha(matrix, "ordinal")
    ranked = ReliabilityMatrix.from_rows(
        [["low", "high"], ["high", "high"], ["mid", "low"]], order=["low", "mid", "high"]
    )
    assert krippendorff_alpha(ranked, "ordinal").defined
    with pytest.raises(InvalidInput, match="zero or more"):
        krippendorff_alpha(ReliabilityMatrix.from_rows([[-1, 1], [1, 1]]), "ratio")


def test_every_statistic_has_an_explanation():
    report = reliability_report(ReliabilityMatrix.from_rows(HK2007), "ordinal", bootstrap=10)
    ids = {f.statistic for f in report.figures().values()}
    ids |= {a.statistic for a in report.per_value_alpha.values()}
    ids |= {f.statistic for f in report.fleiss_kappa.per_category.values()}
    assert report.bootstrap is not None
    ids |= {report.bootstrap.statistic, "pairwise"}
    assert ids <= set(EXPLANATIONS)
    for e in EXPLANATIONS.values():
        assert e.formula and e.meaning and e.undefined and e.citation


# -- bootstrap -------------------------------------------------------------------------------


def test_bootstrap_is_reproducible_with_a_seed_and_varies_without():
    matrix = ReliabilityMatrix.from_rows(HK2007)
    a = bootstrap_alpha(matrix, "ordinal", samples=2000, seed=7)
    b = bootstrap_alpha(matrix, "ordinal", samples=2000, seed=7)
    c = bootstrap_alpha(matrix, "ordinal", samples=2000, seed=8)
    assert (a.low, a.high, a.p_below) == (b.low, b.high, b.p_below)
    assert (a.low, a.high) != (c.low, c.high)


def test_bootstrap_resamples_as_many_pairs_as_hayes_and_krippendorff():
    """Hayes & Krippendorff (2007), p. 84: their example resamples 239 pairs of judgments."""
    result = bootstrap_alpha(ReliabilityMatrix.from_rows(HK2007), "ordinal", samples=5000, seed=1)
    assert result.draws == 239
    assert result.value == pytest.approx(0.7598, abs=0.00005)
    assert result.low is not None and result.high is not None
    assert result.low < result.value < result.high
    assert result.low > 0.6 and result.high < 0.9
    # alpha .76 is well above .667 and somewhat below .800.
    assert result.p_below[0.667] < 0.05 < 0.5 < result.p_below[0.8]


def test_bootstrap_sampling_paths_agree():
    """Few cells are drawn as counts per cell, many as single cells: same distribution."""
    import numpy as np

    import annotator.core.agreement.bootstrap as boot

    rng = np.random.default_rng(0)
    p = np.array([0.5, 0.3, 0.2])
    delta2 = np.array([0.0, 1.0, 4.0])
    diagonal = np.array([True, False, False])
    counts, _ = boot._resample(rng, p, delta2, diagonal, draws=50, samples=4000)
    cells, _ = boot._resample(rng, np.repeat(p / 20, 20), np.repeat(delta2, 20),
                              np.repeat(diagonal, 20), draws=10, samples=4000)  # fmt: skip
    assert counts.mean() / 50 == pytest.approx(1.1, abs=0.03)
    assert cells.mean() / 10 == pytest.approx(1.1, abs=0.05)


def test_bootstrap_single_value_resamples_count_as_zero():
    """A resample drawn wholly from one diagonal cell holds one value: alpha 0 (Krippendorff)."""
    # One unit of disagreement among many agreeing pairs of value 1: most resamples draw
    # only (1, 1) pairs.
    rows = [[1, 1]] * 30 + [[1, 2]]
    result = bootstrap_alpha(ReliabilityMatrix.from_rows(rows), samples=500, seed=3)
    assert result.undefined_resamples > 0
    assert result.low == 0.0 or result.low < 0


def test_bootstrap_of_perfect_agreement_is_undefined():
    result = bootstrap_alpha(ReliabilityMatrix.from_rows([[1, 1], [2, 2]]), samples=100)
    assert result.value is None and "never disagree" in (result.reason or "")


def test_pairwise_table_shows_the_coder_who_stands_apart():
    """Krippendorff (2011)'s data: observer C differs most (the pairs with C agree least)."""
    matrix = ReliabilityMatrix.from_rows(list(zip(*K2011, strict=True)), ["A", "B", "C", "D"])
    table = pairwise_table(matrix)
    assert len(table.pairs) == 6
    assert table.stands_apart == "C"
    without = {row.coder: row.alpha_without.value for row in table.coders}
    assert max(without, key=lambda c: without[c] or 0) == "C"
    ab = next(r for r in table.pairs if r.coders == ("A", "B"))
    assert ab.units == 9 and ab.cohen_kappa.defined


def test_a_coefficient_that_rounds_to_zero_is_printed_without_a_sign() -> None:
    from annotator.core.agreement.results import format_coefficient

    assert format_coefficient(-0.0000004) == "0.000"
    assert format_coefficient(-0.0012) == "-0.001"
    assert format_coefficient(None) == "n/a" and format_coefficient(None, "—") == "—"


def test_numbers_near_the_float_limit_give_an_undefined_alpha_not_a_warning() -> None:
    import warnings

    from annotator.core.agreement import ReliabilityMatrix, krippendorff_alpha
    from annotator.core.agreement.alpha import TOO_LARGE

    matrix = ReliabilityMatrix.from_rows([[1e308, -1e308], [2.0, 3.0], [4.0, 4.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would fail the test
        result = krippendorff_alpha(matrix, "interval")
    assert result.value is None and result.reason == TOO_LARGE
    assert result.observed_disagreement is None and result.expected_disagreement is None
