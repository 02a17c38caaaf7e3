"""Settling a disagreement between two coders: the rules, without a project.

A disagreement is a region ``[start, end)`` of one document where two coders'
spans of one code differ (``Region``: the region and, per coder, that coder's
unioned spans inside it; the comparison's own disagreement objects fit the
same ``RegionLike`` shape). Settling it decides what the consensus holds there:

- ``accept(region, coder_id)``: one coder's version;
- ``union(region)``: every character either coder coded;
- ``overlap(region)``: only what every coder coded (a coder absent from the
  region's spans coded nothing there);
- ``accept_none(region)``: nothing;
- ``edited(region, spans, length)``: spans the researcher drew, checked to lie
  inside the document and merged where they overlap or touch.

Each gives a ``Resolution``: how it was decided and the consensus spans.
``replacement`` plans how the consensus coder's existing codings of the code
make room for it, and ``Settlement`` is the record that a region was settled
(kept so that "accept none", which writes no coding, still counts).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from annotator.core.errors import InvalidInput

#: A half-open span ``[start, end)`` in code points.
Span = tuple[int, int]
Spans = tuple[Span, ...]


class RegionLike(Protocol):
    """What settling needs to know of a disagreement region."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def spans(self) -> Mapping[str, Sequence[Span]]: ...


class DisagreementLike(RegionLike, Protocol):
    """A region of one document and one code (the comparison's disagreements)."""

    @property
    def document_id(self) -> str: ...

    @property
    def code_id(self) -> str: ...


@dataclass(frozen=True)
class Region:
    """A disagreement region: ``[start, end)`` and, per coder id, that coder's spans in it."""

    start: int
    end: int
    spans: Mapping[str, Sequence[Span]] = field(default_factory=dict)


class How(StrEnum):
    ACCEPT = "accept"
    UNION = "union"
    OVERLAP = "overlap"
    NONE = "none"
    EDITED = "edited"


@dataclass(frozen=True)
class Resolution:
    """A decision for one region: how it was reached and the consensus spans it gives
    (normalised: sorted, merged). ``coder_id`` is whose version was accepted."""

    how: How
    spans: Spans
    coder_id: str | None = None


# -- spans ---------------------------------------------------------------------------------
def normalise(spans: Iterable[Span]) -> Spans:
    """Sorted, with overlapping or touching spans merged into one (the same characters)."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((s, e) for s, e in out)


def span_union(*lists: Iterable[Span]) -> Spans:
    return normalise(s for spans in lists for s in spans)


def span_intersection(a: Iterable[Span], b: Iterable[Span]) -> Spans:
    """The characters both ``a`` and ``b`` cover (one merge walk over the sorted spans)."""
    xs, ys = normalise(a), normalise(b)
    out: list[Span] = []
    i = j = 0
    while i < len(xs) and j < len(ys):
        start, end = max(xs[i][0], ys[j][0]), min(xs[i][1], ys[j][1])
        if start < end:
            out.append((start, end))
        if xs[i][1] < ys[j][1]:
            i += 1
        else:
            j += 1
    return normalise(out)


def check_spans(spans: Iterable[Span], length: int) -> Spans:
    """``spans`` as consensus spans of a document of ``length`` code points: each a pair of
    whole numbers with ``0 <= start < end <= length``; merged where they overlap."""
    checked: list[Span] = []
    for span in spans:
        try:
            start, end = span
        except (TypeError, ValueError):
            raise InvalidInput(f"A span is a pair (start, end), not {span!r}.") from None
        if not (
            type(start) is int and type(end) is int and 0 <= start < end <= length
        ):  # bool is no offset
            raise InvalidInput(
                f"The span {start}..{end} is impossible here (need 0 <= start < end <= {length})."
            )
        checked.append((start, end))
    return normalise(checked)


def region_spans(region: RegionLike) -> dict[str, Spans]:
    """Each coder's spans in ``region``, normalised; coders with none left out."""
    out = {coder: normalise(spans) for coder, spans in region.spans.items()}
    return {coder: spans for coder, spans in sorted(out.items()) if spans}


def check_region(region: RegionLike, length: int) -> dict[str, Spans]:
    """The region's spans per coder (``region_spans``), after checking the region lies in
    a document of ``length`` code points and every coder's spans lie inside the region."""
    start, end = region.start, region.end
    if not (type(start) is int and type(end) is int and 0 <= start < end <= length):
        raise InvalidInput(
            f"The region {start}..{end} is impossible here (need 0 <= start < end <= {length})."
        )
    spans = {coder: check_spans(s, length) for coder, s in region.spans.items()}
    for coder, coded in spans.items():
        if coded and (coded[0][0] < start or coded[-1][1] > end):
            raise InvalidInput(
                f"A span of coder {coder} reaches outside the region {start}..{end}."
            )
    return {coder: s for coder, s in sorted(spans.items()) if s}


# -- the resolutions ---------------------------------------------------------------------------
def accept(region: RegionLike, coder_id: str) -> Resolution:
    """The consensus is ``coder_id``'s version (nothing, if they coded nothing here)."""
    return Resolution(How.ACCEPT, normalise(region.spans.get(coder_id, ())), coder_id)


def union(region: RegionLike) -> Resolution:
    """Everything either coder coded in the region."""
    return Resolution(How.UNION, span_union(*region.spans.values()))


def overlap(region: RegionLike) -> Resolution:
    """Only what every coder coded; with fewer than two coders listed, the other coded
    nothing here, so nothing."""
    lists = list(region.spans.values())
    if len(lists) < 2:
        return Resolution(How.OVERLAP, ())
    common = normalise(lists[0])
    for spans in lists[1:]:
        common = span_intersection(common, spans)
    return Resolution(How.OVERLAP, common)


def accept_none(region: RegionLike) -> Resolution:
    """The passage does not get the code: the consensus holds nothing in the region."""
    del region  # every region resolves to nothing alike; the argument keeps the calls uniform
    return Resolution(How.NONE, ())


def edited(region: RegionLike, spans: Iterable[Span], length: int) -> Resolution:
    """Spans the researcher drew (they may reach beyond the region, never beyond the
    document of ``length`` code points); overlapping ones are merged."""
    del region
    return Resolution(How.EDITED, check_spans(spans, length))


def area(region: RegionLike, resolution: Resolution) -> Span:
    """Where settling replaces the consensus: the region, widened to cover edited spans
    that reach beyond it."""
    start, end = region.start, region.end
    if resolution.spans:
        start = min(start, resolution.spans[0][0])
        end = max(end, resolution.spans[-1][1])
    return start, end


# -- making room in the consensus ---------------------------------------------------------------
@dataclass(frozen=True)
class Replacement:
    """How the consensus coder's codings of one code change when an area is settled:
    codings to remove, codings to cut back to their part outside the area
    ``(id, start, end)``, and spans to add (the resolution, and the far part of a
    coding the area splits)."""

    remove: tuple[str, ...] = ()
    resize: tuple[tuple[str, int, int], ...] = ()
    add: Spans = ()


def replacement(
    existing: Iterable[tuple[str, int, int]], where: Span, result: Spans, text: str
) -> Replacement:
    """Plan the change from the consensus codings ``existing`` ``(id, start, end)`` to one
    whose coding inside ``where`` is exactly ``result``. Codings wholly inside go; a
    coding reaching out of the area keeps its part outside (the researcher's earlier
    consensus there is not touched). A piece of only white space in ``text`` is no
    coding, and a piece the consensus already holds is not added twice."""
    lo, hi = where
    stored = list(existing)
    held = {(s, e) for _, s, e in stored if e <= lo or s >= hi}
    remove: list[str] = []
    resize: list[tuple[str, int, int]] = []
    add: list[Span] = []

    def wanted(span: Span) -> bool:
        if span in held or not text[span[0] : span[1]].strip():
            return False
        held.add(span)
        return True

    for coding_id, start, end in stored:
        if end <= lo or start >= hi:
            continue
        pieces = [p for p in ((start, lo), (hi, end)) if p[0] < p[1] and wanted(p)]
        if not pieces:
            remove.append(coding_id)
            continue
        resize.append((coding_id, *pieces[0]))
        add.extend(pieces[1:])
    add.extend(span for span in result if wanted(span))
    return Replacement(tuple(remove), tuple(resize), tuple(sorted(add)))


# -- the record of what was settled ---------------------------------------------------------------
@dataclass(frozen=True)
class Settlement:
    """That a region of one document and code was settled: the region, the coders' spans
    it settled (``region_spans``), how, and the consensus spans written."""

    document_id: str
    code_id: str
    start: int
    end: int
    spans: Mapping[str, Spans]
    how: How
    result: Spans
    coder_id: str | None = None
    at: str = ""

    def settles(self, disagreement: DisagreementLike) -> bool:
        """Whether this settled ``disagreement`` as it stands: the same document, code and
        region, and the coders' spans unchanged since (a coder who has since changed their
        coding there makes it a new disagreement, to be looked at again)."""
        return (
            self.document_id == disagreement.document_id
            and self.code_id == disagreement.code_id
            and (self.start, self.end) == (disagreement.start, disagreement.end)
            and dict(self.spans) == region_spans(disagreement)
        )


def is_settled(settlements: Iterable[Settlement], disagreement: DisagreementLike) -> bool:
    return any(s.settles(disagreement) for s in settlements)


class SettledIndex:
    """Settlements by place (document, code, region): "is this one settled?" is one
    lookup, so counting thousands of disagreements stays quick."""

    def __init__(self, settlements: Iterable[Settlement]) -> None:
        self._by_place = {(s.document_id, s.code_id, s.start, s.end): s for s in settlements}

    def settled(self, disagreement: DisagreementLike) -> bool:
        d = disagreement
        found = self._by_place.get((d.document_id, d.code_id, d.start, d.end))
        return found is not None and found.settles(d)


def _as_json(s: Settlement) -> dict[str, object]:
    return {
        "start": s.start,
        "end": s.end,
        "spans": {c: [list(p) for p in spans] for c, spans in s.spans.items()},
        "how": s.how.value,
        "coder": s.coder_id,
        "result": [list(p) for p in s.result],
        "at": s.at,
    }


def _dumps(records: list[object]) -> str:
    return json.dumps(records, separators=(",", ":"), ensure_ascii=False)


def _damaged(document_id: str, err: Exception) -> InvalidInput:
    return InvalidInput(
        f"The record of settled disagreements of document {document_id} is damaged ({err})."
    )


def encode(settlements: Iterable[Settlement]) -> str:
    """The settlements of one document and code (by one consensus coder) as compact JSON."""
    return _dumps([_as_json(s) for s in settlements])


def decode(document_id: str, code_id: str, value: str) -> list[Settlement]:
    """The settlements ``encode`` wrote for a document and code; InvalidInput if the record
    is damaged."""
    if not value:
        return []
    try:
        return [
            Settlement(
                document_id=document_id,
                code_id=code_id,
                start=int(r["start"]),
                end=int(r["end"]),
                spans={
                    str(c): normalise((int(a), int(b)) for a, b in p) for c, p in r["spans"].items()
                },
                how=How(r["how"]),
                result=normalise((int(a), int(b)) for a, b in r["result"]),
                coder_id=None if r.get("coder") is None else str(r["coder"]),
                at=str(r.get("at", "")),
            )
            for r in json.loads(value)
        ]
    except (ValueError, TypeError, KeyError, AttributeError) as err:
        raise _damaged(document_id, err) from err


def recorded(value: str, made: Settlement, where: Span) -> str:
    """The record ``value`` (of ``made``'s document and code) with ``made`` in place of the
    settlements it supersedes (those overlapping ``where``). The other entries are
    passed through as they are, not rebuilt: settling stays quick with thousands."""
    try:
        records = json.loads(value) if value else []
        kept = [r for r in records if not (int(r["start"]) < where[1] and where[0] < int(r["end"]))]
    except (ValueError, TypeError, KeyError) as err:
        raise _damaged(made.document_id, err) from err
    return _dumps([*kept, _as_json(made)])


# -- what needs no settling -----------------------------------------------------------------------
def components(a: Iterable[Span], b: Iterable[Span]) -> list[tuple[Span, Spans, Spans]]:
    """The connected stretches of what either of two coders coded, each with the part of
    each coder's spans inside it, in text order (one sweep over the sorted spans)."""
    xs, ys = normalise(a), normalise(b)
    out: list[tuple[Span, Spans, Spans]] = []
    i = j = 0  # each coder's spans are disjoint and sorted: each lies in one stretch
    for start, end in span_union(xs, ys):
        first_x, first_y = i, j
        while i < len(xs) and xs[i][1] <= end:
            i += 1
        while j < len(ys) and ys[j][1] <= end:
            j += 1
        out.append(((start, end), xs[first_x:i], ys[first_y:j]))
    return out


def agreed(a: Iterable[Span], b: Iterable[Span]) -> Spans:
    """The stretches both coders coded exactly alike: no disagreement there to settle."""
    return tuple(where for where, xs, ys in components(a, b) if xs == ys)
