"""Krippendorff's unitized alpha: do the coders cut the same units out of the text?

Krippendorff, K. (2004), "Measuring the reliability of qualitative text analysis
data", Quality & Quantity 38: 787-800, and Content Analysis, 2nd ed. (2004),
sect. 12.4: alpha for a continuum with gaps, for one value ``c`` at a time.

For value ``c`` (a code) each coder's continuum falls into *sections*: their
units of ``c`` (here: the stretches of text they coded with the code, touching
or overlapping codings merged) and the gaps between them. Within a document
(documents are stretches of one continuum of length ``L``, the sum of their
lengths; no section crosses a document's end), for coders ``i`` and ``j``:

* two overlapping units of ``c`` differ by ``(b_i - b_j)^2 + (e_i - e_j)^2``
  (squared differences of their beginnings and of their ends);
* a unit of ``c`` lying wholly inside the other coder's gap differs by its
  length squared;
* anything else (gap against gap, a unit partly over a gap) by 0.

Observed disagreement ``D_o = sum_{i != j} sum_{g,h} delta^2 / (m (m - 1) L^2)``
over ordered pairs of the ``m`` coders. Expected disagreement, over all the
ways the units could lie in the continuum:

``D_e = (2 / L) sum_u [ (N_c - 1) (2l^3 - 3l^2 + l) / 3 + l^2 sum_{gaps g >= l} (g - l + 1) ]
/ (m L (m L - 1) - sum_u l (l - 1))``

summing over every coder's units ``u`` of length ``l`` (``N_c`` of them) and every
coder's gaps. Then ``alpha_c = 1 - D_o / D_e`` and, across all values,
``alpha = 1 - sum_c D_o(c) / sum_c D_e(c)``. Everything is counted on the
sections (sorted sweeps and a sorted list of gaps), never per character; the
sums are whole numbers until the last division.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, combinations

from annotator.core.agreement.intervals import Span, overlaps
from annotator.core.agreement.text import Figure


def _pair_disagreement(
    a: Sequence[Span],
    b: Sequence[Span],
    shared: Sequence[tuple[int, int, int]],
    squares: tuple[Sequence[int], Sequence[int]],
) -> int:
    """Sum of ``delta^2`` over the sections of two coders in one document (one order);
    ``shared`` is ``intervals.overlaps(a, b)``, ``squares`` each unit's length squared."""
    out = 0
    for i, j, _ in shared:
        (s1, e1), (s2, e2) = a[i], b[j]
        out += (s1 - s2) * (s1 - s2) + (e1 - e2) * (e1 - e2)
    # A unit that overlaps none of the other coder's units lies wholly in one of their gaps:
    # all the units' squares, less those of the units that overlap one.
    sq_a, sq_b = squares
    out += sum(sq_a) - sum(sq_a[i] for i in {i for i, _, _ in shared})
    out += sum(sq_b) - sum(sq_b[j] for j in {j for _, j, _ in shared})
    return out


def _gaps(units: Sequence[Span], documents: Sequence[tuple[int, int]]) -> list[int]:
    """The lengths of the stretches between (and around) sorted units, cut at the ends of
    ``documents`` (``(offset, length)`` in order, holding every unit)."""
    out: list[int] = []
    k, n = 0, len(units)
    for offset, length in documents:
        end, at = offset + length, offset
        while k < n and units[k][0] < end:
            start, stop = units[k]
            if start > at:
                out.append(start - at)
            at = stop
            k += 1
        if end > at:
            out.append(end - at)
    return out


@dataclass
class UnitizedTally:
    """What alpha for one value needs, gathered document by document."""

    coders: int
    length: int = 0  # L: characters of the continuum (all documents)
    observed: int = 0  # sum over unordered coder pairs of sum delta^2 (doubled at the end)
    units: list[int] = field(default_factory=list)  # every coder's unit lengths
    gaps: list[int] = field(default_factory=list)  # every coder's gap lengths
    #: the last (D_o, D_e) and what it was computed from (alpha and the overall alpha ask)
    _found: tuple[tuple[int, ...], tuple[float, float] | None] | None = field(
        default=None, repr=False, compare=False
    )

    def add_document(
        self,
        length: int,
        coders: Sequence[Sequence[Span]],
        shared: Mapping[tuple[int, int], Sequence[tuple[int, int, int]]] | None = None,
    ) -> None:
        """One document of ``length`` characters: each coder's sorted, disjoint units in it
        (``shared``: ``intervals.overlaps`` of each pair of coders, if the caller has them)."""
        self.add_documents([(0, length)], coders, shared)

    def add_documents(
        self,
        documents: Sequence[tuple[int, int]],
        coders: Sequence[Sequence[Span]],
        shared: Mapping[tuple[int, int], Sequence[tuple[int, int, int]]] | None = None,
    ) -> None:
        """Several documents at once, laid end to end: ``(offset, length)`` of each, in order
        and not overlapping, and each coder's sorted, disjoint units at those offsets (no
        unit crossing a document's end). A comparison adds all its documents in one call."""
        if len(coders) != self.coders:
            raise ValueError("one list of units per coder")
        self.length += sum(length for _, length in documents)
        lengths = [[e - s for s, e in spans] for spans in coders]
        for spans, own in zip(coders, lengths, strict=True):
            self.units += own
            self.gaps += _gaps(spans, documents)
        squares = [[n * n for n in own] for own in lengths]
        for i, j in combinations(range(self.coders), 2):
            a, b = coders[i], coders[j]
            if a or b:
                both = shared[(i, j)] if shared is not None else overlaps(a, b)
                self.observed += _pair_disagreement(a, b, both, (squares[i], squares[j]))

    # -- the two disagreements -----------------------------------------------------------
    def disagreements(self) -> tuple[float, float] | None:
        """``(D_o, D_e)``, or None when there is no continuum or no unit."""
        key = (self.length, self.observed, len(self.units), len(self.gaps))
        if self._found is None or self._found[0] != key:
            self._found = (key, self._disagreements())
        return self._found[1]

    def _disagreements(self) -> tuple[float, float] | None:
        m, big_l = self.coders, self.length
        if big_l == 0 or not self.units:
            return None
        d_o = 2 * self.observed / (m * (m - 1) * big_l * big_l)
        gaps = sorted(self.gaps)
        # after[k]: the sum of gaps[k:], so sum_{g >= l} (g - l + 1) is one bisect away
        after = [*reversed(list(accumulate(reversed(gaps)))), 0]
        n_c = len(self.units)
        numerator = 0
        for n in self.units:
            k = bisect_left(gaps, n)
            numerator += (n_c - 1) * n * (n - 1) * (2 * n - 1) // 3
            numerator += n * n * (after[k] - (n - 1) * (len(gaps) - k))
        denominator = m * big_l * (m * big_l - 1) - sum(n * (n - 1) for n in self.units)
        d_e = 2 * numerator / (big_l * denominator)
        return d_o, d_e

    def alpha(self) -> Figure:
        counts: dict[str, float] = {"units": len(self.units), "characters": self.length}
        found = self.disagreements()
        if found is None:
            reason = "there is no text to compare" if self.length == 0 else "nobody coded a unit"
            return Figure.undefined(reason, **counts)
        d_o, d_e = found
        counts.update(observed_disagreement=d_o, expected_disagreement=d_e)
        if d_e <= 0:
            return Figure.undefined("no disagreement is to be expected", **counts)
        return Figure.of(1.0 - d_o / d_e, **counts)


def overall_alpha(tallies: Iterable[UnitizedTally]) -> Figure:
    """Alpha across all values: ``1 - sum D_o / sum D_e`` over the values with units."""
    d_o = d_e = 0.0
    values = 0
    for tally in tallies:
        found = tally.disagreements()
        if found is not None:
            d_o += found[0]
            d_e += found[1]
            values += 1
    counts = {"values": values, "observed_disagreement": d_o, "expected_disagreement": d_e}
    if values == 0:
        return Figure.undefined("nobody coded a unit", **counts)
    if d_e <= 0:
        return Figure.undefined("no disagreement is to be expected", **counts)
    return Figure.of(1.0 - d_o / d_e, **counts)
