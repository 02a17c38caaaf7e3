"""A bootstrap distribution of Krippendorff's alpha: confidence interval and risk of falling short.

What is implemented is Krippendorff's algorithm for bootstrapping alpha ("Algorithm for
bootstrapping a distribution of alpha", 2006, revised 2011), the one Hayes & Krippendorff
(2007, Communication Methods and Measures 1(1):77-89) describe for their KALPHA macro:
it resamples the *pairable values* summarised in the coincidence matrix, not units.

1. Given the coincidence matrix o_ck (n.. pairable values), the expected disagreement
   D_e and the metric delta2_ck of the level, every cell c <= k of the matrix's upper
   triangle gets the probability p_cc = o_cc / n.. on the diagonal and
   p_ck = 2 o_ck / n.. off it (o_ck and o_kc together).
2. Each resample draws M cells with replacement by those probabilities, M being the
   number of pairs of values within units, sum_u m_u (m_u - 1) / 2: Hayes & Krippendorff
   (2007, p. 84) resample "239 pairs of judgments" for their 40 units coded by up to
   five observers (159 pairable values), which is that count (a test checks it).
   Krippendorff's revised note caps M at 25 times the number of non-zero cells, to bound
   the cost of drawing one pair at a time; drawing the counts per cell at once (step 4)
   costs the same for any M, so no cap is applied.
3. Its alpha is 1 - (sum of delta2 of the M cells drawn) / (M D_e): the observed
   disagreement resampled, the expected one kept.
4. Corrections: a resample alpha below -1 becomes -1. A resample whose M draws all come
   from one diagonal cell holds one value only, so its alpha is undefined; Krippendorff's
   algorithm counts those as 0. KALPHA estimates how many there are (X sum_c p_cc^M);
   here they are known exactly, because each resample's cell counts are drawn (one
   multinomial draw of M over the cells per resample, which is the same distribution as M
   single draws), so exactly those resamples are set to 0.

From the X resamples, sorted: the confidence interval is the percentile interval
(KALPHA's: the max(floor(X t), 1)-th and the (floor(X (1 - t)) + 1)-th smallest, t the
tail (1 - confidence) / 2), and q(alpha < alpha_min) is the share of resamples with alpha
below the minimum (strictly). The random numbers come from numpy's PCG64 generator seeded
with ``seed``, so the same data, level, X and seed always give the same figures.

When alpha is undefined, so is its distribution; when the coders never disagree
(D_o = 0) every resample agrees perfectly and there is nothing to bootstrap (KALPHA then
says bootstrapping does not apply).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.alpha import alpha_from_tally, check_level, distances
from annotator.core.agreement.matrix import ReliabilityMatrix
from annotator.core.agreement.matrix_counts import Tally, tally
from annotator.core.agreement.results import BootstrapResult
from annotator.core.errors import InvalidInput

DEFAULT_SAMPLES = 20_000
DEFAULT_SEED = 1
MINIMUMS = (0.667, 0.800)
#: Resample × cell counts held at once (int64): 2**21 is 16 MB.
_BATCH_CELLS = 1 << 21


def bootstrap_alpha(
    matrix: ReliabilityMatrix,
    level: str = "nominal",
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
    minimums: Sequence[float] = MINIMUMS,
    counts: Tally | None = None,
) -> BootstrapResult:
    """Alpha's bootstrap distribution (see the module docstring)."""
    lvl = check_level(level)
    if samples < 2:
        raise InvalidInput("The bootstrap needs at least 2 resamples.")
    if not 0.0 < confidence < 1.0:
        raise InvalidInput("The confidence level must be between 0 and 1, e.g. 0.95.")
    counts = counts if counts is not None else tally(matrix)
    alpha = alpha_from_tally(matrix, counts, lvl)
    common: dict[str, Any] = {
        "samples": samples,
        "seed": seed,
        "confidence": confidence,
        "p_below": {},
    }
    if alpha.value is None:
        return BootstrapResult(value=None, reason=alpha.reason, draws=0, **common)
    if not alpha.observed_disagreement:
        return BootstrapResult(
            value=None,
            reason="the coders never disagree, so every resample would agree perfectly",
            draws=0,
            **common,
        )
    o = counts.coincidences
    d_e = float(alpha.expected_disagreement or 0.0)
    delta2 = distances(matrix, lvl, o.sum(axis=1))
    upper = np.triu(np.ones_like(o, dtype=bool))
    cell = upper & (o > 0)
    rows, cols = np.nonzero(cell)
    weight = np.where(rows == cols, o[rows, cols], 2.0 * o[rows, cols])
    p = weight / weight.sum()
    draws = counts.pairs
    rng = np.random.default_rng(seed)
    resampled, single = _resample(rng, p, delta2[rows, cols], rows == cols, draws, samples)
    values = 1.0 - resampled / (draws * d_e)
    values = np.maximum(values, -1.0)
    values[single] = 0.0
    values.sort()
    tail = (1.0 - confidence) / 2.0
    low = values[max(int(np.floor(samples * tail)), 1) - 1]
    high = values[min(int(np.floor(samples * (1.0 - tail))) + 1, samples) - 1]
    below = {float(m): float(np.count_nonzero(values < m)) / samples for m in minimums}
    return BootstrapResult(
        value=alpha.value,
        draws=draws,
        low=float(low),
        high=float(high),
        undefined_resamples=int(single.sum()),
        **{**common, "p_below": below},
    )


def _resample(
    rng: np.random.Generator,
    p: npt.NDArray[np.float64],
    delta2: npt.NDArray[np.float64],
    diagonal: npt.NDArray[np.bool_],
    draws: int,
    samples: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Per resample: the sum of delta2 over ``draws`` cells drawn by ``p``, and whether all
    of them came from one diagonal cell."""
    cells = len(p)
    sums = np.empty(samples, dtype=np.float64)
    single = np.zeros(samples, dtype=bool)
    if cells <= draws:
        # Cell counts per resample: one multinomial draw each, cost O(cells).
        batch = max(1, _BATCH_CELLS // cells)
        for start in range(0, samples, batch):
            size = min(batch, samples - start)
            drawn = rng.multinomial(draws, p, size=size)
            sums[start : start + size] = drawn @ delta2
            full = drawn == draws  # every draw in one cell
            single[start : start + size] = (full & diagonal).any(axis=1)
    else:
        # More cells than draws (many distinct values): draw the cells themselves, O(draws).
        cumulative = np.cumsum(p)
        cumulative[-1] = 1.0
        batch = max(1, _BATCH_CELLS // draws)
        for start in range(0, samples, batch):
            size = min(batch, samples - start)
            picked = np.searchsorted(cumulative, rng.random((size, draws)), side="right")
            picked = np.minimum(picked, cells - 1)
            sums[start : start + size] = delta2[picked].sum(axis=1)
            first = picked[:, 0]
            same = (picked == first[:, None]).all(axis=1)
            single[start : start + size] = same & diagonal[first]
    return sums, single
