"""Where the margin's brackets go: one per shown coding in view, in lanes that do not collide.

A bracket runs from a coding's first line to its last. Overlapping codings sit
in different lanes (``SpanIndex.lanes``, stable while codings come and go); two
codings that do not overlap but share a line would share a lane and be drawn
over each other, so one of them moves to the nearest free lane. This module
only computes: the text view supplies where the caret would be at a code point
(``caret(cp) -> (top, bottom)`` in viewport pixels) and the margin draws.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from annotator.core.shown_codings import ShownCodings

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
) -> list[Bracket]:
    """Brackets for the shown codings touching code points ``[lo, hi)`` (the visible lines).

    ``caret(cp)`` is the vertical extent of the caret at a code point, ``height``
    the viewport's. Each bracket keeps its stable lane from the index unless that
    would draw it over another bracket on the same line (two codings side by side
    on one line may share a lane in the index); then it moves to the nearest free
    lane below ``lanes``.
    """
    rows, index_lanes = shown.rows, shown.index.lanes
    spots = []
    for cid in shown.overlapping(lo, hi):
        row = rows[cid]
        top = -8 if row.start < lo else caret(row.start)[0]
        # The caret before the last character sits on the coding's last line.
        bottom = height + 8 if row.end > hi else caret(row.end - 1)[1]
        spots.append((min(index_lanes.get(cid, 0), lanes - 1), top, bottom, cid))
    spots.sort()
    # Each lane's occupied pixel rows: checking and marking a span is one C-level call.
    pad = 10
    busy = [bytearray(height + 2 * pad) for _ in range(lanes)]
    full = b"\x01" * (height + 2 * pad)
    # For each preferred lane, the others nearest first.
    order = [
        sorted(range(lanes), key=lambda ln: abs(ln - pref) * 2 + (ln < pref))
        for pref in range(lanes)
    ]
    out: list[Bracket] = []
    for lane, top, bottom, cid in spots:
        a, b = max(top + pad, 0), min(bottom + pad + 1, height + 2 * pad)
        if busy[lane].find(1, a, b) >= 0:
            lane = next((ln for ln in order[lane] if busy[ln].find(1, a, b) < 0), lane)
        busy[lane][a:b] = full[: max(b - a, 0)]
        row = rows[cid]
        name, number = shown.coder(cid)
        out.append(
            Bracket(
                cid,
                lane,
                top,
                bottom,
                row.start < lo,
                row.end > hi,
                shown.color(cid),
                name[:1].upper(),
                number,
                cid == current,
            )
        )
    return out
