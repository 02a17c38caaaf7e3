"""Krippendorff's alpha at the nominal, ordinal, interval and ratio levels, and per value.

alpha = 1 - D_o / D_e over the coincidence matrix o_ck of pairable values (units with
two or more values; ``matrix_counts``), with n_c = sum_k o_ck and n = sum_c n_c:

- D_o = (1/n) sum_c sum_k o_ck delta2_ck, the observed disagreement;
- D_e = 1/(n(n-1)) sum_c sum_k n_c n_k delta2_ck, the disagreement expected by chance;
- delta2_ck: nominal 1 if c != k; ordinal (sum_{g=c..k} n_g - (n_c + n_k)/2)^2 over the
  values in rank order; interval (c - k)^2; ratio ((c - k)/(c + k))^2.

Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability (ASC working paper 43);
Krippendorff, K. (2004). Content Analysis, 2nd ed., ch. 11.

Per-value alpha (Krippendorff 2004, "alpha for each value"): the matrix recoded to
c / not-c, nominal. The recoding does not change which units are pairable, so it comes
from the same coincidence matrix: o'(c, not c) = sum_{k != c} o_ck.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.matrix import ReliabilityMatrix
from annotator.core.agreement.matrix_counts import Tally, tally
from annotator.core.agreement.results import AlphaResult
from annotator.core.errors import InvalidInput

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")

NO_PAIRS = "no unit has values from two or more coders, so nothing is pairable"
ONE_VALUE = "every pairable value is the same, so no disagreement is expected by chance"


def check_level(level: str) -> Level:
    if level not in LEVELS:
        raise InvalidInput(
            f"Unknown level of measurement {level!r}: use one of {', '.join(LEVELS)}."
        )
    return level


def distances(
    matrix: ReliabilityMatrix, level: Level, n_c: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """delta2_ck for the matrix's values at ``level``; ``n_c`` the pairable counts (ordinal)."""
    k = matrix.n_values
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        if not matrix.is_ordered():
            raise InvalidInput(
                "The ordinal level needs values that are numbers (ranks), so their order is known."
            )
        # sum_{g=c..k} n_g from a running sum: cum[k] - cum[c-1].
        cum = np.concatenate(([0.0], np.cumsum(n_c)))
        lo = np.minimum.outer(np.arange(k), np.arange(k))
        hi = np.maximum.outer(np.arange(k), np.arange(k))
        between = cum[hi + 1] - cum[lo]
        return np.asarray((between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2)
    numbers = matrix.numbers()
    diff = numbers[:, None] - numbers[None, :]
    if level == "interval":
        return np.asarray(diff**2)
    if (numbers < 0).any():
        raise InvalidInput("The ratio level needs numbers that are zero or more.")
    total = numbers[:, None] + numbers[None, :]
    ratio = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0)
    return np.asarray(ratio**2)


#: Why alpha of numbers near the float limit is undefined (their squared differences overflow).
TOO_LARGE = "the values are too large to compare (their squared differences overflow)"


def alpha_from_tally(matrix: ReliabilityMatrix, counts: Tally, level: Level) -> AlphaResult:
    o = counts.coincidences
    n_c = o.sum(axis=1) if o.size else np.zeros(0)
    n = float(n_c.sum())
    value_counts = {v: round(float(c)) for v, c in zip(matrix.values, n_c, strict=True) if c > 0}
    base: dict[str, Any] = {
        "level": level,
        "units": counts.pairable_units,
        "pairable_values": round(n),
        "values": matrix.values,
        "value_counts": value_counts,
        "coincidences": tuple(tuple(float(x) for x in row) for row in o),
    }
    if n < 2:
        return AlphaResult(
            value=None,
            reason=NO_PAIRS,
            observed_disagreement=None,
            expected_disagreement=None,
            **base,
        )
    # Numbers near the float limit (1e308) overflow when squared: the disagreements are
    # then not finite, and alpha is reported undefined below rather than warned about.
    with np.errstate(over="ignore", invalid="ignore"):
        delta2 = distances(matrix, level, n_c)
        d_o = float((o * delta2).sum() / n)
        d_e = float((np.outer(n_c, n_c) * delta2).sum() / (n * (n - 1.0)))
    if not (math.isfinite(d_o) and math.isfinite(d_e)):
        return AlphaResult(
            value=None,
            reason=TOO_LARGE,
            observed_disagreement=None,
            expected_disagreement=None,
            **base,
        )
    if d_e <= 0.0:
        return AlphaResult(
            value=None,
            reason=ONE_VALUE,
            observed_disagreement=d_o,
            expected_disagreement=d_e,
            **base,
        )
    return AlphaResult(
        value=1.0 - d_o / d_e, observed_disagreement=d_o, expected_disagreement=d_e, **base
    )


def krippendorff_alpha(matrix: ReliabilityMatrix, level: str = "nominal") -> AlphaResult:
    """Krippendorff's alpha of the whole matrix at ``level`` (any number of coders, missing data)."""
    return alpha_from_tally(matrix, tally(matrix), check_level(level))


def per_value_alpha_from_tally(
    matrix: ReliabilityMatrix, counts: Tally
) -> dict[Hashable, AlphaResult]:
    """For each value c, nominal alpha of the matrix recoded to c / not-c."""
    o = counts.coincidences
    n_c = o.sum(axis=1) if o.size else np.zeros(0)
    n = float(n_c.sum())
    out: dict[Hashable, AlphaResult] = {}
    for i, value in enumerate(matrix.values):
        off = float(n_c[i] - o[i, i])  # o'(c, not c): pairs of c with another value
        other = n - float(n_c[i])
        coincidences = ((float(o[i, i]), off), (off, n - float(o[i, i]) - 2 * off))
        base: dict[str, Any] = {
            "statistic": "krippendorff_alpha_per_value",
            "level": "nominal",
            "units": counts.pairable_units,
            "pairable_values": round(n),
            "values": (value, f"not {value}"),
            "value_counts": {value: round(float(n_c[i])), f"not {value}": round(other)},
            "coincidences": coincidences,
        }
        if n < 2:
            out[value] = AlphaResult(
                value=None,
                reason=NO_PAIRS,
                observed_disagreement=None,
                expected_disagreement=None,
                **base,
            )
            continue
        d_o = 2.0 * off / n
        d_e = 2.0 * float(n_c[i]) * other / (n * (n - 1.0))
        if d_e <= 0.0:
            reason = (
                f"every pairable value is {value}"
                if other == 0
                else f"no pairable value is {value}"
            )
            out[value] = AlphaResult(
                value=None,
                reason=reason,
                observed_disagreement=d_o,
                expected_disagreement=d_e,
                **base,
            )
        else:
            out[value] = AlphaResult(
                value=1.0 - d_o / d_e, observed_disagreement=d_o, expected_disagreement=d_e, **base
            )
    return out


def per_value_alpha(matrix: ReliabilityMatrix) -> dict[Hashable, AlphaResult]:
    return per_value_alpha_from_tally(matrix, tally(matrix))
