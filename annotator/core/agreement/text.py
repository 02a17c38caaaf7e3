"""Agreement over coded text: present/absent per character (or per document), per code.

For one code, every unit (a character of the chosen documents, or a whole
document) is *present* for a coder who coded it with the code and *absent*
otherwise. A ``BinaryTally`` holds, for each set of coders, how many units
exactly that set marked present; every figure here is computed from it:

* percent agreement: the share of units on which *all* coders agree (with two
  coders the usual percent agreement; with more, stricter than the mean over pairs);
* Cohen's kappa (two coders only): ``(p_o - p_e) / (1 - p_e)`` with ``p_e`` from
  each coder's own share of present units;
* Krippendorff's alpha, nominal, for any number of coders, no value missing:
  ``1 - (n - 1) * sum_u k_u (m - k_u) / ((m - 1) * n_1 * n_0)`` where unit ``u``
  has ``k_u`` of ``m`` coders present, ``n = m * units``, ``n_1``/``n_0`` the
  present/absent values (Krippendorff 2011, the coincidence-matrix form);
* coded-only agreement: units all coders marked, over units any coder marked
  (intersection over union).

A ``Figure`` is a value with the counts it came from, or ``None`` and the reason it
is undefined (no units, one category only, no expected disagreement): never NaN.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # segments and unitized use Figure from here; the comparison uses them
    from annotator.core.agreement.segments import SegmentTally

_EMPTY: Mapping[str, float] = MappingProxyType({})


@dataclass(frozen=True)
class Figure:
    """One coefficient: its value, or ``None`` with ``reason`` saying why it is undefined,
    and the counts it was computed from."""

    value: float | None
    reason: str = ""
    counts: Mapping[str, float] = field(default_factory=lambda: _EMPTY)

    @classmethod
    def of(cls, value: float, **counts: float) -> Figure:
        return cls(float(value), "", MappingProxyType(dict(counts)))

    @classmethod
    def undefined(cls, reason: str, **counts: float) -> Figure:
        return cls(None, reason, MappingProxyType(dict(counts)))


def ratio(part: float, whole: float, reason: str, **counts: float) -> Figure:
    """``part / whole``, undefined (with ``reason``) when ``whole`` is 0."""
    if whole <= 0:
        return Figure.undefined(reason, **counts)
    return Figure.of(part / whole, **counts)


def chance_corrected(observed: float, chance: float, reason: str, **counts: float) -> Figure:
    """``(observed - chance) / (1 - chance)``; undefined when chance agreement is 1."""
    if chance >= 1.0:
        return Figure.undefined(reason, **counts)
    value = (observed - chance) / (1.0 - chance)
    return Figure.of(min(1.0, value), **counts)


class BinaryTally:
    """Units by the set of coders marking them present, for ``coders`` coders.

    ``counts[mask]`` is the number (or total length) of units that exactly the coders
    in bit mask ``mask`` marked; ``units`` is how many units there are in all,
    marked or not. Tallies add up (``merge``), so per-document tallies pool into a
    code's and per-code tallies into the overall one.
    """

    __slots__ = ("coders", "counts", "units")

    def __init__(self, coders: int) -> None:
        if coders < 2:
            raise ValueError("agreement needs at least two coders")
        self.coders = coders
        self.counts: dict[int, int] = {}
        self.units = 0

    def add(self, marked: Mapping[int, int], units: int) -> None:
        """Add ``units`` units, of which ``marked[mask]`` were marked by the coders in ``mask``."""
        counts = self.counts
        for mask, n in marked.items():
            if mask and n:
                counts[mask] = counts.get(mask, 0) + n
        self.units += units

    def merge(self, other: BinaryTally) -> None:
        self.add(other.counts, other.units)

    # -- counts ------------------------------------------------------------------------
    @property
    def full(self) -> int:
        return (1 << self.coders) - 1

    @property
    def by_all(self) -> int:
        """Units every coder marked."""
        return self.counts.get(self.full, 0)

    @property
    def by_any(self) -> int:
        """Units at least one coder marked."""
        return sum(self.counts.values())

    @property
    def by_none(self) -> int:
        return self.units - self.by_any

    def pair(self, a: int, b: int) -> BinaryTally:
        """The tally of coders ``a`` and ``b`` alone (bits 0 and 1)."""
        out = BinaryTally(2)
        bit_a, bit_b = 1 << a, 1 << b
        marked: dict[int, int] = {}
        for mask, n in self.counts.items():
            key = (1 if mask & bit_a else 0) | (2 if mask & bit_b else 0)
            if key:
                marked[key] = marked.get(key, 0) + n
        out.add(marked, self.units)
        return out

    # -- figures -----------------------------------------------------------------------
    def percent_agreement(self) -> Figure:
        """The share of units on which all coders agree (all marked or none did)."""
        agree = self.by_all + self.by_none
        return ratio(
            agree, self.units, "there are no units (no text) to compare",
            agreed=agree, units=self.units,
        )  # fmt: skip

    def cohen_kappa(self) -> Figure:
        """Cohen's kappa for two coders; undefined for more (use alpha)."""
        if self.coders != 2:
            return Figure.undefined("Cohen's kappa compares two coders; see alpha and the pairs")
        n = self.units
        both, only_a, only_b = self.counts.get(3, 0), self.counts.get(1, 0), self.counts.get(2, 0)
        neither = n - both - only_a - only_b
        counts = {"both": both, "only_first": only_a, "only_second": only_b, "neither": neither}
        if n == 0:
            return Figure.undefined("there are no units (no text) to compare", **counts)
        p_a, p_b = (both + only_a) / n, (both + only_b) / n
        observed = (both + neither) / n
        chance = p_a * p_b + (1 - p_a) * (1 - p_b)
        return chance_corrected(
            observed, chance, _one_category(both + only_a + only_b, neither), **counts
        )

    def krippendorff_alpha(self) -> Figure:
        """Krippendorff's alpha, nominal (present/absent), every coder rating every unit."""
        m = self.coders
        n = m * self.units
        present = sum(n_u * bin(mask).count("1") for mask, n_u in self.counts.items())
        absent = n - present
        # sum over units of k (m - k): the pairs of values within units that differ
        differing = sum(
            n_u * k * (m - k) for mask, n_u in self.counts.items() if (k := bin(mask).count("1"))
        )
        counts = {"values": n, "present": present, "absent": absent, "differing_pairs": differing}
        if n == 0:
            return Figure.undefined("there are no units (no text) to compare", **counts)
        if present == 0 or absent == 0:
            return Figure.undefined(_one_category(present, absent), **counts)
        value = 1.0 - (n - 1) * differing / ((m - 1) * present * absent)
        return Figure.of(value, **counts)

    def coded_only(self) -> Figure:
        """Units every coder marked over units any coder marked."""
        return ratio(
            self.by_all, self.by_any, "nobody coded any text with it",
            by_all=self.by_all, by_any=self.by_any,
        )  # fmt: skip


def _one_category(present: int, absent: int) -> str:
    if present == 0:
        return "one category only: no coder marked any unit, so there is no disagreement to expect"
    if absent == 0:
        return "one category only: every coder marked every unit"
    return "chance agreement is 1"


@dataclass(frozen=True)
class LevelFigures:
    """Percent agreement, kappa (two coders) and alpha over one kind of unit."""

    percent_agreement: Figure
    cohen_kappa: Figure
    krippendorff_alpha: Figure

    @classmethod
    def of(cls, tally: BinaryTally) -> LevelFigures:
        return cls(tally.percent_agreement(), tally.cohen_kappa(), tally.krippendorff_alpha())


# -- the comparison of coders over coded text ------------------------------------------
#: One coding as the comparison reads it: (document_id, code_id, coder_id, start, end).
CodedSpan = tuple[str, str, str, int, int]


@dataclass(frozen=True)
class PairFigures:
    """Two coders (indices into the comparison's coders): their kappa, alpha and
    percent agreement over characters and over documents, coded-only agreement and
    their segments."""

    first: int
    second: int
    characters: LevelFigures
    coded_only: Figure
    documents: LevelFigures
    segments: SegmentTally
    segment_agreement: Figure
    segment_kappa: Figure


@dataclass(frozen=True)
class CodeAgreement:
    """Every figure for one code (``code_id``), or pooled over all codes (``None``)."""

    code_id: str | None
    characters: LevelFigures  # every character of the chosen documents is a unit
    coded_only: Figure  # characters all coders coded / characters any coder coded
    documents: LevelFigures  # every chosen document is a unit: code present or absent
    segments: Mapping[str, int]  # coder_id -> their segments (merged codings)
    segment_tally: SegmentTally  # summed over pairs of coders
    segment_agreement: Figure
    segment_kappa: Figure  # Brennan & Prediger, P_c = 1 / number of codes compared
    unitized_alpha: Figure  # Krippendorff (2004)
    pairs: tuple[PairFigures, ...]  # every pair of coders (one pair for two coders)
    character_tally: BinaryTally = field(repr=False, compare=False)
    document_tally: BinaryTally = field(repr=False, compare=False)


@dataclass(frozen=True)
class ComparisonReport:
    """Agreement of ``coder_ids`` over ``document_ids``: per code (those someone coded,
    in the order asked) and overall."""

    coder_ids: tuple[str, ...]
    document_ids: tuple[str, ...]
    overlap: float
    codes: tuple[CodeAgreement, ...]
    overall: CodeAgreement


def _figures(
    code_id: str | None,
    coder_ids: Sequence[str],
    characters: BinaryTally,
    documents: BinaryTally,
    segments: Mapping[tuple[int, int], SegmentTally],
    counts: Sequence[int],
    unitized_alpha: Figure,
    codes: int,
) -> CodeAgreement:
    from annotator.core.agreement.segments import SegmentTally

    pair_figures = []
    for (a, b), seg in segments.items():
        chars = characters.pair(a, b)
        pair_figures.append(
            PairFigures(
                a, b, LevelFigures.of(chars), chars.coded_only(),
                LevelFigures.of(documents.pair(a, b)),
                seg, seg.agreement(), seg.kappa(codes),
            )
        )  # fmt: skip
    summed = sum(segments.values(), SegmentTally())
    return CodeAgreement(
        code_id=code_id,
        characters=LevelFigures.of(characters),
        coded_only=characters.coded_only(),
        documents=LevelFigures.of(documents),
        segments=MappingProxyType(dict(zip(coder_ids, counts, strict=True))),
        segment_tally=summed,
        segment_agreement=summed.agreement(),
        segment_kappa=summed.kappa(codes),
        unitized_alpha=unitized_alpha,
        pairs=tuple(pair_figures),
        character_tally=characters,
        document_tally=documents,
    )


def compare_text(
    coder_ids: Sequence[str],
    documents: Sequence[tuple[str, int]],
    code_ids: Sequence[str],
    codings: Iterable[CodedSpan],
    overlap: float = 0.9,
) -> ComparisonReport:
    """Every figure, per code and overall, for ``coder_ids`` over ``documents``
    (``(id, length)`` in order), for ``code_ids`` (in the order to report).

    ``codings`` of other coders, codes or documents are ignored. Codes nobody
    coded (in these documents) are left out; the number of codes left is ``K``
    in the segment kappa's chance agreement ``1 / K``. Overall figures pool the
    codes: every (character, code) and (document, code) is a unit, the segment
    counts are summed, and the unitized alpha is Krippendorff's across all values.
    """
    from annotator.core.agreement import segments as seg
    from annotator.core.agreement.intervals import coverage, overlaps, union
    from annotator.core.agreement.unitized import UnitizedTally, overall_alpha

    overlap = seg.check_overlap(overlap)
    m = len(coder_ids)
    if m < 2 or len(set(coder_ids)) != m:
        raise ValueError("a comparison needs two or more different coders")
    coder_at = {c: i for i, c in enumerate(coder_ids)}
    wanted = set(code_ids)
    # The documents laid end to end, one uncounted character apart (so no span of one
    # touches a span of the next): each code is then one sweep over one continuum rather
    # than one per document, and per-document figures come from where spans lie.
    offsets: dict[str, tuple[int, int]] = {}
    layout: list[tuple[int, int]] = []
    at = 0
    for doc, length in documents:
        offsets[doc] = (at, length)
        layout.append((at, length))
        at += length + 1
    starts = [offset for offset, _ in layout]
    total_length = sum(length for _, length in layout)
    by_key: dict[tuple[str, str], list[tuple[int, int]]] = {}  # (code, coder) -> spans
    for doc, code, coder, start, end in codings:
        place = offsets.get(doc)
        if place is None:
            continue
        if not 0 <= start < end <= place[1]:
            raise ValueError(f"a coding at {start}..{end} does not fit its document {doc}")
        found = by_key.get((code, coder))
        if found is None:
            by_key[(code, coder)] = [(start + place[0], end + place[0])]
        else:
            found.append((start + place[0], end + place[0]))
    grouped: dict[str, list[list[tuple[int, int]]]] = {}
    for (code, coder), found in by_key.items():
        i = coder_at.get(coder)
        if i is not None and code in wanted:
            grouped.setdefault(code, [[] for _ in coder_ids])[i] = found
    coded = [c for c in code_ids if c in grouped]
    k = len(coded)
    pair_keys = list(combinations(range(m), 2))
    results: list[CodeAgreement] = []
    unitized: list[UnitizedTally] = []
    all_segments = {p: seg.SegmentTally() for p in pair_keys}
    all_counts = [0] * m
    for code in coded:
        merged = [union(coder_spans) for coder_spans in grouped[code]]
        chars, docs = BinaryTally(m), BinaryTally(m)
        chars.add(coverage(merged), total_length)
        docs.add(_documents_marked(merged, starts), len(layout))
        counts = [len(coder_spans) for coder_spans in merged]
        # Each pair's overlapping segments, found once for the segments and the units.
        shared = {(a, b): overlaps(merged[a], merged[b]) for a, b in pair_keys}
        units = UnitizedTally(m)
        units.add_documents(layout, merged, shared)
        seg_tallies = {
            (a, b): seg.tally(merged[a], merged[b], overlap, shared[(a, b)]) for a, b in pair_keys
        }
        results.append(
            _figures(code, coder_ids, chars, docs, seg_tallies, counts, units.alpha(), k)
        )
        unitized.append(units)
        for p in pair_keys:
            all_segments[p] += seg_tallies[p]
        all_counts = [x + y for x, y in zip(all_counts, counts, strict=True)]
    overall_chars, overall_docs = BinaryTally(m), BinaryTally(m)
    for r in results:
        overall_chars.merge(r.character_tally)
        overall_docs.merge(r.document_tally)
    if not results:  # nothing coded: the text is still there, agreeing on "absent"
        overall_chars.add({}, total_length)
        overall_docs.add({}, len(layout))
    overall = _figures(
        None, coder_ids, overall_chars, overall_docs, all_segments, all_counts,
        overall_alpha(unitized), k,
    )  # fmt: skip
    return ComparisonReport(
        tuple(coder_ids), tuple(d for d, _ in documents), overlap, tuple(results), overall
    )


def _documents_marked(
    coders: Sequence[Sequence[tuple[int, int]]], starts: Sequence[int]
) -> dict[int, int]:
    """How many documents each set of coders (bit mask) coded at all, from their spans on
    the continuum whose documents begin at ``starts``."""
    masks: dict[int, int] = {}  # document -> coders who coded in it
    for i, spans in enumerate(coders):
        bit = 1 << i
        for start, _ in spans:
            doc = bisect_right(starts, start) - 1
            masks[doc] = masks.get(doc, 0) | bit
    marked: dict[int, int] = {}
    for mask in masks.values():
        marked[mask] = marked.get(mask, 0) + 1
    return marked
