"""Percent agreement (any number of coders), the two-coder coefficients, and the pairwise table.

Percent agreement: for each unit with two or more values, the share of its pairs of
values that agree, sum_c n_uc(n_uc - 1) / (m_u(m_u - 1)); averaged over those units.
With two coders and no missing data it is the share of units on which they agree.

Two coders, over the units both coded (a unit one of them left out is not counted),
po = the share of those units they agree on, and kappa-like = (po - pe) / (1 - pe) with:

- Cohen's kappa: pe = sum_c pA(c) pB(c), each coder's own proportions (Cohen 1960);
- Scott's pi: pe = sum_c ((pA(c) + pB(c)) / 2)^2, the coders' pooled proportions (Scott 1955);
- Bennett, Alpert & Goldstein's S: pe = 1/q, q the number of categories of the matrix
  (its values, including any declared but unused) (Bennett et al. 1954).

The pairwise table (three or more coders) gives each pair's Cohen kappa, alpha and
percent agreement, and for each coder the mean alpha of their pairs and the alpha of
everyone else: a coder whose pairs agree least, and without whom alpha rises most,
stands apart.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.alpha import Level, check_level, krippendorff_alpha
from annotator.core.agreement.matrix import MISSING, ReliabilityMatrix
from annotator.core.agreement.matrix_counts import Tally, tally
from annotator.core.agreement.results import AlphaResult, PercentAgreement, TwoCoderResult

NOT_TWO = "needs exactly two coders (the matrix has {n})"
NONE_BOTH = "no unit was coded by both coders"


def percent_agreement_from_tally(counts: Tally) -> PercentAgreement:
    if counts.pairable_units == 0:
        return PercentAgreement(
            value=None,
            reason="no unit has values from two or more coders",
            units=0,
            pairs=0,
            agreeing_pairs=0,
        )
    return PercentAgreement(
        value=counts.unit_agreement_sum / counts.pairable_units,
        units=counts.pairable_units,
        pairs=counts.pairs,
        agreeing_pairs=counts.agreeing_pairs,
    )


def percent_agreement(matrix: ReliabilityMatrix) -> PercentAgreement:
    return percent_agreement_from_tally(tally(matrix))


def _contingency(matrix: ReliabilityMatrix) -> npt.NDArray[np.int64]:
    """K × K counts of (coder 1's value, coder 2's value) over units both coded."""
    a, b = matrix.codes[:, 0], matrix.codes[:, 1]
    both = (a != MISSING) & (b != MISSING)
    k = matrix.n_values
    keys = a[both].astype(np.int64) * k + b[both]
    return np.bincount(keys, minlength=k * k).reshape(k, k)


def _two_coder(matrix: ReliabilityMatrix, statistic: str) -> TwoCoderResult:
    k = matrix.n_values
    coders = matrix.coders
    if matrix.n_coders != 2:
        return TwoCoderResult(
            statistic=statistic,
            value=None,
            reason=NOT_TWO.format(n=matrix.n_coders),
            coders=coders,
            units=0,
            observed_agreement=None,
            expected_agreement=None,
            categories=k,
        )
    table = _contingency(matrix)
    n = int(table.sum())
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    counts = {
        coders[0]: {v: int(c) for v, c in zip(matrix.values, rows, strict=True) if c},
        coders[1]: {v: int(c) for v, c in zip(matrix.values, cols, strict=True) if c},
    }
    common: dict[str, Any] = {
        "statistic": statistic,
        "coders": coders,
        "units": n,
        "categories": k,
        "counts": counts,
    }
    if n == 0:
        return TwoCoderResult(
            value=None, reason=NONE_BOTH, observed_agreement=None, expected_agreement=None, **common
        )
    po = float(np.trace(table)) / n
    pa, pb = rows / n, cols / n
    if statistic == "cohen_kappa":
        pe = float((pa * pb).sum())
        one = "both coders used one and the same value for every unit, so chance agreement is 1"
    elif statistic == "scott_pi":
        pe = float((((pa + pb) / 2.0) ** 2).sum())
        one = "the coders used one value only, so chance agreement is 1"
    else:
        if k < 2:
            return TwoCoderResult(
                value=None,
                reason="there is only one category, so chance agreement is 1",
                observed_agreement=po,
                expected_agreement=1.0 if k == 1 else None,
                **common,
            )
        pe = 1.0 / k
        one = ""
    if pe >= 1.0 - 1e-15:
        return TwoCoderResult(
            value=None, reason=one, observed_agreement=po, expected_agreement=pe, **common
        )
    return TwoCoderResult(
        value=(po - pe) / (1.0 - pe), observed_agreement=po, expected_agreement=pe, **common
    )


def cohen_kappa(matrix: ReliabilityMatrix) -> TwoCoderResult:
    return _two_coder(matrix, "cohen_kappa")


def scott_pi(matrix: ReliabilityMatrix) -> TwoCoderResult:
    return _two_coder(matrix, "scott_pi")


def bennett_s(matrix: ReliabilityMatrix) -> TwoCoderResult:
    return _two_coder(matrix, "bennett_s")


@dataclass(frozen=True)
class PairRow:
    """One pair of coders."""

    coders: tuple[str, str]
    units: int  # units both coded
    percent_agreement: PercentAgreement
    cohen_kappa: TwoCoderResult
    krippendorff_alpha: AlphaResult


@dataclass(frozen=True)
class CoderRow:
    """One coder against the others: the mean alpha of their pairs (over the defined ones)
    and alpha of all the other coders without them."""

    coder: str
    mean_pair_alpha: float | None
    alpha_without: AlphaResult


@dataclass(frozen=True)
class PairwiseTable:
    pairs: tuple[PairRow, ...]
    coders: tuple[CoderRow, ...]
    #: The coder with the lowest mean pairwise alpha, if it is lower than every other's.
    stands_apart: str | None


def pairwise_table(matrix: ReliabilityMatrix, level: str = "nominal") -> PairwiseTable:
    lvl: Level = check_level(level)
    rows: list[PairRow] = []
    for i, j in combinations(range(matrix.n_coders), 2):
        pair = matrix.select_coders([i, j])
        rows.append(
            PairRow(
                coders=(matrix.coders[i], matrix.coders[j]),
                units=int(((pair.codes != MISSING).sum(axis=1) == 2).sum()),
                percent_agreement=percent_agreement(pair),
                cohen_kappa=cohen_kappa(pair),
                krippendorff_alpha=krippendorff_alpha(pair, lvl),
            )
        )
    coder_rows: list[CoderRow] = []
    for i, name in enumerate(matrix.coders):
        alphas = [
            r.krippendorff_alpha.value
            for r in rows
            if name in r.coders and r.krippendorff_alpha.value is not None
        ]
        others = [c for c in range(matrix.n_coders) if c != i]
        coder_rows.append(
            CoderRow(
                coder=name,
                mean_pair_alpha=sum(alphas) / len(alphas) if alphas else None,
                alpha_without=krippendorff_alpha(matrix.select_coders(others), lvl),
            )
        )
    return PairwiseTable(tuple(rows), tuple(coder_rows), _apart(coder_rows))


def _apart(rows: list[CoderRow]) -> str | None:
    scored = [(r.mean_pair_alpha, r.coder) for r in rows if r.mean_pair_alpha is not None]
    if len(rows) < 3 or len(scored) < len(rows):
        return None
    scored.sort()
    return scored[0][1] if scored[0][0] < scored[1][0] else None


def value_counts(matrix: ReliabilityMatrix) -> dict[Hashable, int]:
    """How often each value was given, over all units and coders."""
    codes = matrix.codes[matrix.codes != MISSING].astype(np.int64)
    counts = np.bincount(codes, minlength=matrix.n_values)
    return {v: int(c) for v, c in zip(matrix.values, counts, strict=True)}
