"""The reliability matrix: units × coders, each cell a value or missing.

Values are any hashable labels (nominal data) or numbers (ordinal, interval, ratio).
They are encoded once to small integers: ``codes[u, i]`` is the index in ``values``
of the value coder ``i`` gave unit ``u``, or ``MISSING`` (-1). Every statistic works on
those codes with numpy, so a million units cost milliseconds, not a Python loop.

``values`` are in a meaningful order: numbers ascending (what the ordinal, interval
and ratio levels need), other labels as first seen (nominal data has no order; first
seen is how a researcher reads the table), or the order the caller gives.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import numpy.typing as npt

from annotator.core.errors import InvalidInput

MISSING = -1
#: Most distinct values a matrix may hold: the coincidence matrix is values × values.
MAX_VALUES = 3000


def is_number(value: object) -> bool:
    """A real, finite number (bools are labels here, not 0 and 1)."""
    return (
        isinstance(value, Real | np.number)
        and not isinstance(value, bool | np.bool_)
        and math.isfinite(float(value))
    )


def _code_dtype(n_values: int) -> type[np.signedinteger]:
    return np.int8 if n_values < 127 else np.int16


@dataclass(frozen=True, eq=False)
class ReliabilityMatrix:
    """Units × coders; ``codes`` index ``values``, ``MISSING`` where a coder gave none."""

    codes: npt.NDArray[np.signedinteger]
    values: tuple[Hashable, ...]
    coders: tuple[str, ...]
    #: ``values`` are in rank order even though they are not numbers (an explicit order).
    ordered: bool = False

    def __post_init__(self) -> None:
        codes = np.asarray(self.codes)
        if codes.ndim != 2:
            raise InvalidInput(
                "A reliability matrix has one row per unit and one column per coder."
            )
        if codes.shape[1] != len(self.coders):
            raise InvalidInput(
                f"The matrix has {codes.shape[1]} columns but {len(self.coders)} coders are named."
            )
        if len(set(self.coders)) != len(self.coders):
            raise InvalidInput("Two coders have the same name.")
        if len(set(self.values)) != len(self.values):
            raise InvalidInput("A value is listed twice.")
        if len(self.values) > MAX_VALUES:
            raise InvalidInput(
                f"The data has {len(self.values):,} distinct values; at most {MAX_VALUES:,} are supported."
            )
        if codes.size and (codes.min() < MISSING or codes.max() >= len(self.values)):
            raise InvalidInput("A code does not name one of the values.")
        object.__setattr__(self, "codes", codes.astype(_code_dtype(len(self.values)), copy=False))

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Sequence[Hashable | None]],
        coders: Sequence[str] | None = None,
        *,
        order: Sequence[Hashable] | None = None,
    ) -> ReliabilityMatrix:
        """One row per unit, one cell per coder; None (or NaN) is a missing value.

        ``order`` lists the values in their order (for ordinal labels that are not numbers),
        and may name values nobody used (they count as categories for Bennett's S).
        """
        table = [list(r) for r in rows]
        width = len(coders) if coders is not None else (len(table[0]) if table else 0)
        for number, row in enumerate(table, 1):
            if len(row) != width:
                raise InvalidInput(
                    f"Unit {number} has {len(row)} values but there are {width} coders."
                )
        names = (
            tuple(coders) if coders is not None else tuple(f"Coder {i + 1}" for i in range(width))
        )
        seen: dict[Hashable, None] = dict.fromkeys(order) if order is not None else {}
        for row in table:
            for value in row:
                if not _missing(value) and value not in seen:
                    if order is not None:
                        raise InvalidInput(f"The value {value!r} is not in the given order.")
                    seen[value] = None
        values = list(seen)
        if order is None and values and all(is_number(v) for v in values):
            values.sort(key=float)  # type: ignore[arg-type]
        index = {v: i for i, v in enumerate(values)}
        codes = np.full((len(table), width), MISSING, dtype=np.int32)
        for u, row in enumerate(table):
            for c, value in enumerate(row):
                if not _missing(value):
                    codes[u, c] = index[value]
        return cls(codes, tuple(values), names, ordered=order is not None)

    @classmethod
    def from_array(
        cls, data: npt.ArrayLike, coders: Sequence[str] | None = None
    ) -> ReliabilityMatrix:
        """Numbers, units × coders, NaN where a value is missing (a float array, as numpy and
        pandas hold such data)."""
        array = np.asarray(data, dtype=np.float64)
        if array.ndim != 2:
            raise InvalidInput(
                "A reliability matrix has one row per unit and one column per coder."
            )
        if np.isinf(array).any():
            raise InvalidInput("The data holds an infinite number.")
        present = ~np.isnan(array)
        values, inverse = _encode(array[present])
        codes = np.full(array.shape, MISSING, dtype=_code_dtype(len(values)))
        codes[present] = inverse
        names = (
            tuple(coders)
            if coders is not None
            else tuple(f"Coder {i + 1}" for i in range(array.shape[1]))
        )
        as_python = [int(v) if float(v).is_integer() else float(v) for v in values.tolist()]
        return cls(codes, tuple(as_python), names)

    # -- shape ------------------------------------------------------------------------------

    @property
    def n_units(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_coders(self) -> int:
        return int(self.codes.shape[1])

    @property
    def n_values(self) -> int:
        return len(self.values)

    def numbers(self) -> npt.NDArray[np.float64]:
        """The values as floats, in order; refused when one is not a number."""
        bad = [v for v in self.values if not is_number(v)]
        if bad:
            raise InvalidInput(
                f"The value {bad[0]!r} is not a number; this level of measurement needs numbers."
            )
        return np.array([float(v) for v in self.values], dtype=np.float64)  # type: ignore[arg-type]

    def is_ordered(self) -> bool:
        """Whether ``values`` are in rank order: given so, or numbers ascending."""
        if self.ordered:
            return True
        try:
            numbers = self.numbers()
        except InvalidInput:
            return False
        return bool(np.all(np.diff(numbers) > 0))

    # -- derived matrices -------------------------------------------------------------------

    def select_coders(self, which: Sequence[int]) -> ReliabilityMatrix:
        """The same units and values, only the coders at the given column indices."""
        return ReliabilityMatrix(
            self.codes[:, list(which)],
            self.values,
            tuple(self.coders[i] for i in which),
            ordered=self.ordered,
        )

    def binary(self, value: Hashable) -> ReliabilityMatrix:
        """The matrix recoded to ``value`` / not ``value`` (missing stays missing)."""
        target = self.values.index(value)
        codes = np.where(self.codes == MISSING, MISSING, (self.codes != target).astype(np.int8))
        return ReliabilityMatrix(codes, (value, _Other(value)), self.coders)


@dataclass(frozen=True)
class _Other:
    """The 'anything but c' value of a recoded matrix."""

    of: Hashable

    def __str__(self) -> str:
        return f"not {self.of}"


def _encode(
    numbers: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    """The distinct numbers ascending, and each number's index among them.

    Category codes and ratings are mostly whole numbers in a small range: those are
    counted into a table by value (one pass, no sort), several times faster than
    ``np.unique``'s sort of millions of values; other numbers go through ``np.unique``.
    """
    if numbers.size:
        low, high = float(numbers.min()), float(numbers.max())
        if high - low < _SPAN and np.array_equal(numbers, np.floor(numbers)):
            offsets = (numbers - low).astype(np.intp)
            seen = np.bincount(offsets, minlength=int(high - low) + 1) > 0
            position = np.cumsum(seen) - 1
            distinct = (np.flatnonzero(seen) + low).astype(np.float64)
            return distinct, position[offsets].astype(np.intp)
    values, inverse = np.unique(numbers, return_inverse=True)
    return values, inverse.reshape(-1)


#: Widest range of whole numbers encoded by counting rather than sorting.
_SPAN = 1 << 16


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))
