"""Fleiss' kappa for many raters, with each category's kappa_j (Fleiss 1971).

Each of N units has the same number m >= 2 of values (who gave them does not matter);
n_uj is how many gave unit u category j. Then

- P_u = (sum_j n_uj^2 - m) / (m(m - 1)), the agreeing share of the unit's pairs, and
  P-bar their mean;
- p_j = sum_u n_uj / (N m), and P-bar-e = sum_j p_j^2;
- kappa = (P-bar - P-bar-e) / (1 - P-bar-e);
- kappa_j = 1 - sum_u n_uj (m - n_uj) / (N m (m - 1) p_j (1 - p_j)).

Units nobody rated are left out (they hold no ratings). With units of unequal numbers of
values, or one category only, kappa is undefined; kappa_j is undefined for a category
no unit, or every value, has.
"""

from __future__ import annotations

from typing import Any

from annotator.core.agreement.matrix import ReliabilityMatrix
from annotator.core.agreement.matrix_counts import Tally, tally
from annotator.core.agreement.results import Figure, FleissResult

UNEQUAL = "units have unequal numbers of values"


def fleiss_from_tally(matrix: ReliabilityMatrix, counts: Tally) -> FleissResult:
    n_units = counts.rated_units
    sizes = counts.values_per_unit
    if n_units == 0:
        return FleissResult(
            value=None, reason="no unit has any value", units=0, raters=None,
            observed_agreement=None, expected_agreement=None,
        )  # fmt: skip
    if len(sizes) != 1:
        return FleissResult(
            value=None, reason=UNEQUAL, units=n_units, raters=None,
            observed_agreement=None, expected_agreement=None,
        )  # fmt: skip
    m = next(iter(sizes))
    if m < 2:
        return FleissResult(
            value=None, reason="each unit has one value only, so nothing can agree",
            units=n_units, raters=m, observed_agreement=None, expected_agreement=None,
        )  # fmt: skip
    total = n_units * m
    sums = counts.category_sums.astype(float)
    squares = counts.category_squares.astype(float)
    p = sums / total
    p_bar = (float(squares.sum()) - total) / (n_units * m * (m - 1))
    p_e = float((p * p).sum())
    proportions = {v: float(x) for v, x in zip(matrix.values, p, strict=True)}
    per_category: dict[object, Figure] = {}
    for j, value in enumerate(matrix.values):
        pq = p[j] * (1.0 - p[j])
        if pq <= 0.0:
            reason = f"no unit has the value {value}" if p[j] == 0 else f"every value is {value}"
            per_category[value] = Figure(
                statistic="fleiss_kappa_per_category", value=None, reason=reason
            )
            continue
        # sum_u n_uj (m - n_uj) = m sum_u n_uj - sum_u n_uj^2
        disagreeing = m * sums[j] - squares[j]
        per_category[value] = Figure(
            statistic="fleiss_kappa_per_category",
            value=1.0 - disagreeing / (n_units * m * (m - 1) * pq),
        )
    common: dict[str, Any] = {
        "units": n_units,
        "raters": m,
        "observed_agreement": p_bar,
        "expected_agreement": p_e,
        "proportions": proportions,
        "per_category": per_category,
    }
    if p_e >= 1.0 - 1e-15:
        return FleissResult(
            value=None,
            reason="every value is the same category, so chance agreement is 1",
            **common,
        )
    return FleissResult(value=(p_bar - p_e) / (1.0 - p_e), **common)


def fleiss_kappa(matrix: ReliabilityMatrix) -> FleissResult:
    """Fleiss' kappa of the matrix (units with the same number of values each)."""
    return fleiss_from_tally(matrix, tally(matrix))
