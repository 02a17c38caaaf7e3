"""One pass over a reliability matrix: every count the statistics need.

The matrix is read in chunks of units so memory stays bounded (a few MB) whatever the
number of units. For each chunk, ``n[u, c]``, the number of coders who gave unit ``u``
value ``c``, comes from one ``bincount`` of ``u * K + code``; from it:

- the coincidence matrix (Krippendorff): o_ck = sum over units with m_u >= 2 of
  n_uc * n_uk / (m_u - 1), minus n_uc / (m_u - 1) on the diagonal (a value is not
  paired with itself), computed as one matrix product per chunk;
- Fleiss' sums: the numbers of values per unit that occur, and per category
  sum n_uc and sum n_uc^2;
- percent agreement: per pairable unit, agreeing pairs sum n_uc(n_uc - 1)/2 over all
  pairs m_u(m_u - 1)/2, summed as a mean of per-unit proportions and as totals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.matrix import MISSING, ReliabilityMatrix

#: Cells (units × values) of the per-chunk count table: 2**20 float64s is 8 MB.
_CHUNK_CELLS = 1 << 20


@dataclass(frozen=True)
class Tally:
    """Counts of a whole matrix (see the module docstring)."""

    n_units: int
    coincidences: npt.NDArray[np.float64]  # K × K
    pairable_units: int
    #: Distinct numbers of values per unit among units with at least one value.
    values_per_unit: frozenset[int]
    rated_units: int
    category_sums: npt.NDArray[np.int64]  # sum_u n_uc over rated units
    category_squares: npt.NDArray[np.int64]  # sum_u n_uc^2
    unit_agreement_sum: float  # sum over pairable units of their proportion of agreeing pairs
    pairs: int
    agreeing_pairs: int

    @property
    def pairable_counts(self) -> npt.NDArray[np.float64]:
        """n_c: the pairable values of each value (row sums of the coincidence matrix)."""
        return self.coincidences.sum(axis=1)


def tally(matrix: ReliabilityMatrix) -> Tally:
    codes = matrix.codes
    units, m = codes.shape
    k = max(matrix.n_values, 1)
    o = np.zeros((k, k), dtype=np.float64)
    cat_sums = np.zeros(k, dtype=np.int64)
    cat_squares = np.zeros(k, dtype=np.int64)
    per_unit: set[int] = set()
    pairable = rated = pairs = agreeing = 0
    agreement_sum = 0.0
    step = max(1, _CHUNK_CELLS // (k + 1))
    base: npt.NDArray[np.intp] | None = None
    for start in range(0, units, step):
        chunk = codes[start : start + step]
        rows = chunk.shape[0]
        if base is None or len(base) != rows * m:
            # Each cell's unit row, times the row width: one array per chunk size.
            base = np.repeat(np.arange(rows, dtype=np.intp) * (k + 1), m)
        # Missing values are counted in an extra column k, dropped after: no filtering pass.
        cell = chunk.reshape(-1).astype(np.intp)
        cell[cell == MISSING] = k
        counts = np.bincount(base + cell, minlength=rows * (k + 1)).reshape(rows, k + 1)[:, :k]
        m_u = counts.sum(axis=1)
        has_values = m_u > 0
        rated += int(has_values.sum())
        per_unit.update(np.flatnonzero(np.bincount(m_u[has_values], minlength=m + 1)).tolist())
        cat_sums += counts.sum(axis=0)
        squares = counts * counts
        cat_squares += squares.sum(axis=0)
        ok = m_u >= 2
        if not ok.any():
            continue
        c_ok = counts[ok].astype(np.float64)
        mu = m_u[ok].astype(np.float64)
        weighted = c_ok / (mu - 1.0)[:, None]
        o += weighted.T @ c_ok
        o[np.diag_indices(k)] -= weighted.sum(axis=0)
        pairable += int(ok.sum())
        unit_pairs = m_u[ok] * (m_u[ok] - 1) // 2
        unit_agreeing = (squares[ok].sum(axis=1) - m_u[ok]) // 2
        pairs += int(unit_pairs.sum())
        agreeing += int(unit_agreeing.sum())
        agreement_sum += float((unit_agreeing / unit_pairs).sum())
    if matrix.n_values == 0:
        o = np.zeros((0, 0))
        cat_sums = cat_sums[:0]
        cat_squares = cat_squares[:0]
    return Tally(
        n_units=units,
        coincidences=o,
        pairable_units=pairable,
        values_per_unit=frozenset(int(x) for x in per_unit),
        rated_units=rated,
        category_sums=cat_sums,
        category_squares=cat_squares,
        unit_agreement_sum=agreement_sum,
        pairs=pairs,
        agreeing_pairs=agreeing,
    )
