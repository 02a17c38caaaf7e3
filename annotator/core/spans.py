"""Fast lookups over many codings in one document.

``SpanIndex`` answers "which codings touch [lo, hi)" without scanning them all,
so the view highlights only what is visible and a change touches only itself.
It also gives each coding a stable *lane* (column in the margin) such that
overlapping codings never share one. Overlaps are found in one sorted sweep,
never by comparing every pair.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections.abc import Hashable, Iterable, Sequence
from itertools import pairwise

Key = Hashable


class SpanIndex:
    """Half-open spans ``[start, end)`` keyed by id; add/remove are O(log n + shift)."""

    #: Spans longer than this are kept apart and scanned linearly; they are few.
    LONG = 4096

    def __init__(self, spans: Iterable[tuple[Key, int, int]] = ()) -> None:
        self._spans: dict[Key, tuple[int, int]] = {}
        self._short: list[tuple[int, int, str, Key]] = []
        self._long: dict[Key, tuple[int, int]] = {}
        self.lanes: dict[Key, int] = {}
        items = list(spans)
        for key, start, end in items:
            self._put(key, start, end)
        self._short.sort()
        self.lanes = assign_lanes(items)

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, key: Key) -> bool:
        return key in self._spans

    def span(self, key: Key) -> tuple[int, int]:
        return self._spans[key]

    def _put(self, key: Key, start: int, end: int) -> None:
        if end <= start:
            raise ValueError(f"empty or inverted span {start}..{end}")
        self._spans[key] = (start, end)
        if end - start > self.LONG:
            self._long[key] = (start, end)
        else:
            self._short.append((start, end, repr(key), key))

    def add(self, key: Key, start: int, end: int) -> int:
        """Insert a span and return the lane it was given."""
        if end <= start:
            raise ValueError(f"empty or inverted span {start}..{end}")
        if key in self._spans:
            self.remove(key)
        busy = {self.lanes[k] for k in self.overlapping(start, end)}
        self._spans[key] = (start, end)
        if end - start > self.LONG:
            self._long[key] = (start, end)
        else:
            insort(self._short, (start, end, repr(key), key))
        lane = 0
        while lane in busy:
            lane += 1
        self.lanes[key] = lane
        return lane

    def remove(self, key: Key) -> None:
        start, end = self._spans.pop(key)
        self.lanes.pop(key, None)
        if key in self._long:
            del self._long[key]
            return
        item = (start, end, repr(key), key)
        i = bisect_left(self._short, item)
        if i < len(self._short) and self._short[i][3] == key:
            del self._short[i]
        else:  # pragma: no cover - guarded by _spans
            self._short.remove(item)

    def overlapping(self, lo: int, hi: int) -> list[Key]:
        """Keys of spans with ``start < hi`` and ``end > lo``, in start order."""
        out: list[tuple[int, Key]] = []
        i = bisect_left(self._short, (lo - self.LONG,))
        short = self._short
        n = len(short)
        while i < n:
            start, end, _, key = short[i]
            if start >= hi:
                break
            if end > lo:
                out.append((start, key))
            i += 1
        for key, (start, end) in self._long.items():
            if start < hi and end > lo:
                out.append((start, key))
        if self._long:
            out.sort(key=lambda t: t[0])
        return [k for _, k in out]

    def at(self, pos: int) -> list[Key]:
        """Spans that contain position ``pos``."""
        return self.overlapping(pos, pos + 1)

    @property
    def max_lane(self) -> int:
        return max(self.lanes.values(), default=-1)


def assign_lanes(spans: Sequence[tuple[Key, int, int]]) -> dict[Key, int]:
    """Greedy interval colouring in one sweep: overlapping spans get different lanes,
    and no more lanes are used than the deepest overlap."""
    order = sorted(spans, key=lambda s: (s[1], -s[2]))
    active: list[tuple[int, int]] = []  # (end, lane)
    free: list[int] = []
    next_lane = 0
    lanes: dict[Key, int] = {}
    for key, start, end in order:
        while active and active[0][0] <= start:
            _, lane = heapq.heappop(active)
            heapq.heappush(free, lane)
        if free:
            lane = heapq.heappop(free)
        else:
            lane = next_lane
            next_lane += 1
        lanes[key] = lane
        heapq.heappush(active, (end, lane))
    return lanes


def elementary_segments(
    spans: Sequence[tuple[Key, int, int]], lo: int, hi: int
) -> list[tuple[int, int, list[Key]]]:
    """Cut ``[lo, hi)`` at every span boundary; return the pieces covered by at
    least one span with the keys covering each, in the spans' given order."""
    points = {lo, hi}
    for _, s, e in spans:
        if lo < s < hi:
            points.add(s)
        if lo < e < hi:
            points.add(e)
    cuts = sorted(points)
    rank = {key: i for i, (key, _, _) in enumerate(spans)}
    starts = sorted(((max(s, lo), key) for key, s, e in spans if s < hi and e > lo))
    ends = {key: min(e, hi) for key, _, e in spans}
    out: list[tuple[int, int, list[Key]]] = []
    covering: set[Key] = set()
    j = 0
    for a, b in pairwise(cuts):
        while j < len(starts) and starts[j][0] <= a:
            covering.add(starts[j][1])
            j += 1
        covering = {k for k in covering if ends[k] > a}
        if covering:
            out.append((a, b, sorted(covering, key=rank.__getitem__)))
    return out
