"""Segment-level agreement, as MAXQDA users know it: do the coders' segments match?

A coder's *segments* of a code in a document are the stretches of text they coded
with it (their codings of that code, overlapping or touching ones merged). Two
coders' segments match when they share at least ``overlap`` (default 90%) of the
*longer* of the two. Matching is one to one, greedy by the largest shared
stretch: all pairs of segments that qualify are taken in order of how many
characters they share (ties: the shared stretch earlier in the text first), a
pair is kept when neither segment is matched yet. (With ``overlap`` above one
half a segment can qualify with one other at most, so the greedy order only
matters below that.)

For two coders: ``matched`` pairs, segments ``only_first`` and ``only_second``
left unmatched; percent agreement is ``matched / (matched + only_first +
only_second)``. The chance-corrected coefficient is Brennan & Prediger's (1981)
kappa as MAXQDA reports it: ``(P_o - P_c) / (1 - P_c)`` with ``P_c = 1 / K``,
``K`` being the number of codes in the comparison (the rows of its results table),
since at segment level there is no count of text coded by neither coder from
which chance could be estimated by each coder's margins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from annotator.core.agreement.intervals import Span, overlaps
from annotator.core.agreement.text import Figure, chance_corrected, ratio
from annotator.core.errors import InvalidInput

DEFAULT_OVERLAP = 0.9


def check_overlap(overlap: float) -> float:
    """The overlap share, if it is one: more than 0, at most 1."""
    if not (isinstance(overlap, int | float) and 0 < overlap <= 1):
        raise InvalidInput(
            f"The overlap for matching segments must be more than 0 and at most 1, not {overlap}."
        )
    return float(overlap)


@dataclass(frozen=True)
class SegmentTally:
    """Matched and unmatched segments of two coders (add them up across documents and codes)."""

    matched: int = 0
    only_first: int = 0
    only_second: int = 0

    def __add__(self, other: SegmentTally) -> SegmentTally:
        return SegmentTally(
            self.matched + other.matched,
            self.only_first + other.only_first,
            self.only_second + other.only_second,
        )

    @property
    def total(self) -> int:
        return self.matched + self.only_first + self.only_second

    def counts(self) -> dict[str, float]:
        return {
            "matched": self.matched,
            "only_first": self.only_first,
            "only_second": self.only_second,
        }

    def agreement(self) -> Figure:
        """``matched / (matched + only_first + only_second)``."""
        return ratio(self.matched, self.total, "neither coder has a segment", **self.counts())

    def kappa(self, codes: int) -> Figure:
        """Brennan & Prediger's kappa with MAXQDA's chance model, ``P_c = 1 / codes``."""
        counts = {**self.counts(), "codes": codes}
        if self.total == 0:
            return Figure.undefined("neither coder has a segment", **counts)
        if codes < 1:
            return Figure.undefined("no codes in the comparison", **counts)
        return chance_corrected(
            self.matched / self.total,
            1.0 / codes,
            "one code only: chance agreement 1/K is 1 with K = 1 code in the comparison",
            **counts,
        )


@lru_cache(maxsize=8)
def _share(overlap: float) -> tuple[int, int]:
    """The overlap share as a fraction ``num / den``: segments are compared in whole
    numbers, since 0.9 * 10 is 9.000000000000002 in floating point and 9 of 10 shared
    characters must match at 90%."""
    share = Fraction(overlap).limit_denominator(1_000_000)
    return share.numerator, share.denominator


def match(
    first: Sequence[Span],
    second: Sequence[Span],
    overlap: float,
    shared: Sequence[tuple[int, int, int]] | None = None,
) -> list[tuple[int, int]]:
    """The matched pairs ``(i, j)`` of two coders' sorted, disjoint segments (``shared``:
    their ``intervals.overlaps``, if the caller has them already)."""
    num, den = _share(overlap)
    candidates = [
        # Ties go to the shared stretch that starts first: no two pairs share the same
        # stretch, so the order, and the matching, are the same whichever coder is first.
        (-n, max(first[i][0], second[j][0]), i, j)
        for i, j, n in (overlaps(first, second) if shared is None else shared)
        if n * den >= num * max(first[i][1] - first[i][0], second[j][1] - second[j][0])
    ]
    candidates.sort()
    used_first: set[int] = set()
    used_second: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, _, i, j in candidates:
        if i not in used_first and j not in used_second:
            used_first.add(i)
            used_second.add(j)
            pairs.append((i, j))
    return pairs


def tally(
    first: Sequence[Span],
    second: Sequence[Span],
    overlap: float,
    shared: Sequence[tuple[int, int, int]] | None = None,
) -> SegmentTally:
    """Matched and unmatched segments of two coders in one document, for one code."""
    if not first or not second:
        return SegmentTally(0, len(first), len(second))
    matched = len(match(first, second, overlap, shared))
    return SegmentTally(matched, len(first) - matched, len(second) - matched)
