"""Where the margin's brackets go: one per shown coding in view, in lanes that do not collide.

A bracket runs from a coding's first line to its last. Overlapping codings sit
in different lanes (``SpanIndex.lanes``, stable while codings come and go); two
codings that do not overlap but share a line would share a lane and be drawn
over each other, so one of them moves to the nearest free lane. This module
only computes: the text view supplies where the caret would be at a code point
(``caret(cp) -> (top, bottom)`` in viewport pixels) and the margin draws.

In compare mode (``CoderLanes``) each compared coder has a band of lanes of
their own: a coding's bracket stays inside its coder's band, overlapping
codings of one coder take the band's lanes in turn (stable, like the index's),
and each band reserves one lane more than the coder's deepest overlap in the
document, so coding another overlap does not widen the margin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from annotator.core.shown_codings import Row, ShownCodings
from annotator.core.spans import SpanIndex

#: ``caret(cp)``: the top and bottom (viewport y, inclusive) of the caret at code point ``cp``.
CaretSpan = Callable[[int], tuple[int, int]]


class Bracket(NamedTuple):
    """A coding as the margin draws it; ``top``/``bottom`` are viewport y coordinates."""

    coding_id: str
    lane: int
    top: int
    bottom: int
    open_top: bool  # the coding starts above the view: no top tick
    open_bottom: bool  # ... ends below it: no bottom tick
    color: str
    initial: str
    #: The coder's number (the margin picks a line style for it).
    style: int
    selected: bool


def place_brackets(
    shown: ShownCodings,
    lo: int,
    hi: int,
    caret: CaretSpan,
    height: int,
    current: str | None,
    lanes: int,
    bands: CoderLanes | None = None,
) -> list[Bracket]:
    """Brackets for the shown codings touching code points ``[lo, hi)`` (the visible lines).

    ``caret(cp)`` is the vertical extent of the caret at a code point, ``height``
    the viewport's. Each bracket keeps its stable lane from the index unless that
    would draw it over another bracket on the same line (two codings side by side
    on one line may share a lane in the index); then it moves to the nearest free
    lane below ``lanes``. With ``bands`` (compare mode) lanes come from the coder's
    band and a bracket only moves within it.
    """
    rows, index_lanes = shown.rows, shown.index.lanes
    spots = []
    # Each spot: (preferred lane, top, bottom, id, first and last lane it may take).
    for cid in shown.overlapping(lo, hi):
        row = rows[cid]
        top = -8 if row.start < lo else caret(row.start)[0]
        # The caret before the last character sits on the coding's last line.
        bottom = height + 8 if row.end > hi else caret(row.end - 1)[1]
        if bands is None:
            first, last, pref = 0, lanes - 1, index_lanes.get(cid, 0)
        else:
            first, width, sub = bands.place(cid)
            last, pref = min(first + width, lanes) - 1, first + sub
        spots.append((min(pref, last), top, bottom, cid, min(first, last), last))
    spots.sort()
    # Each lane's occupied pixel rows: checking and marking a span is one C-level call.
    pad = 10
    busy = [bytearray(height + 2 * pad) for _ in range(lanes)]
    full = b"\x01" * (height + 2 * pad)
    # For each preferred lane (and the lanes allowed), the others nearest first.
    orders: dict[tuple[int, int, int], list[int]] = {}

    def order(pref: int, first: int, last: int) -> list[int]:
        key = (pref, first, last)
        found = orders.get(key)
        if found is None:
            allowed = range(first, last + 1)
            found = orders[key] = sorted(allowed, key=lambda ln: abs(ln - pref) * 2 + (ln < pref))
        return found

    out: list[Bracket] = []
    for lane, top, bottom, cid, first, last in spots:
        a, b = max(top + pad, 0), min(bottom + pad + 1, height + 2 * pad)
        if busy[lane].find(1, a, b) >= 0:
            free = (ln for ln in order(lane, first, last) if busy[ln].find(1, a, b) < 0)
            lane = next(free, lane)
        busy[lane][a:b] = full[: max(b - a, 0)]
        row = rows[cid]
        number = shown.coder(cid)[1]
        out.append(
            Bracket(
                cid,
                lane,
                top,
                bottom,
                row.start < lo,
                row.end > hi,
                shown.color(cid),
                shown.mark(cid),
                number,
                cid == current,
            )
        )
    return out


class CoderLanes:
    """Compare mode's lanes: one band per compared coder, farthest from the text first.

    Each coder's codings in the document are indexed apart (``SpanIndex``: a coding
    keeps its lane while others come and go). A band is as wide as the coder's
    deepest overlap plus one spare lane, fixed when the document is loaded; it
    widens (again with a spare) only when coding goes deeper than the reserve."""

    def __init__(self, coders: Sequence[str]) -> None:
        if len(set(coders)) != len(coders) or not coders:
            raise ValueError("compare lanes need distinct coders")
        self.coders = tuple(coders)
        self._index: dict[str, SpanIndex] = {c: SpanIndex() for c in self.coders}
        self._coder_of: dict[str, str] = {}
        self.widths: dict[str, int] = dict.fromkeys(self.coders, 1)
        self._first: dict[str, int] = {}
        self._lay_out()

    def load(self, rows: Mapping[str, Row]) -> None:
        """A newly shown document's codings: index them, reserve each band afresh."""
        self._coder_of = {cid: r.coder_id for cid, r in rows.items() if r.coder_id in self._index}
        self._index = {
            c: SpanIndex((cid, r.start, r.end) for cid, r in rows.items() if r.coder_id == c)
            for c in self.coders
        }
        self.widths = {c: self.depth(c) + 1 for c in self.coders}
        self._lay_out()

    def update(self, coding_id: str, row: Row | None) -> None:
        """Follow one coding (None: it is gone); an unchanged span keeps its lane."""
        old = self._coder_of.get(coding_id)
        if old is not None:
            index = self._index[old]
            if (
                row is not None
                and row.coder_id == old
                and index.span(coding_id)
                == (
                    row.start,
                    row.end,
                )
            ):
                return
            index.remove(coding_id)
            del self._coder_of[coding_id]
        if row is not None and row.coder_id in self._index:
            self._index[row.coder_id].add(coding_id, row.start, row.end)
            self._coder_of[coding_id] = row.coder_id

    def depth(self, coder: str) -> int:
        """Lanes the coder's codings in the document use (their deepest overlap)."""
        return self._index[coder].max_lane + 1

    def fit(self) -> bool:
        """Widen every band the coder's codings outgrew (to their depth plus a spare);
        True if any band changed. Bands never narrow while the document is shown."""
        changed = False
        for c in self.coders:
            if self.depth(c) > self.widths[c]:
                self.widths[c] = self.depth(c) + 1
                changed = True
        if changed:
            self._lay_out()
        return changed

    def _lay_out(self) -> None:
        first = 0
        for c in reversed(self.coders):  # the last coder nearest the text (lane 0)
            self._first[c] = first
            first += self.widths[c]

    @property
    def lanes(self) -> int:
        return sum(self.widths.values())

    def bands(self) -> list[tuple[str, int, int]]:
        """(coder, first lane, width) per coder, in the order the coders were given."""
        return [(c, self._first[c], self.widths[c]) for c in self.coders]

    def place(self, coding_id: str) -> tuple[int, int, int]:
        """(first lane of the coding's band, band width, lane within the band)."""
        coder = self._coder_of.get(coding_id)
        if coder is None:  # not a compared coder's: the nearest lane (never drawn then)
            return 0, 1, 0
        sub = self._index[coder].lanes.get(coding_id, 0)
        return self._first[coder], self.widths[coder], min(sub, self.widths[coder] - 1)
