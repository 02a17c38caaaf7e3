"""The codings of the document in view, and the questions a view asks about them.

``ShownCodings`` keeps the shown document's codings (id -> code, coder, span) and
an index (``SpanIndex``) of those whose coder is visible. It follows the store
row by row from each ChangeSet (``apply``), or from a fresh read of the
document's codings after another program changed the file (``sync``), so that
what did not change keeps its margin lane. It answers what a text view needs
without any drawing: the codings touching a range or a code point, the one to
select at the caret, the next or previous one in reading order, and each
coding's colour, code path and coder (and the letter that marks the coder in the
margin, ``coder_marks``). ``document_disagreements`` finds where two coders differ
in one document from its codings (compare mode redraws from it after each change,
without reading the project). Pure Python: the Qt view asks, then draws.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, cast

from annotator.core.agreement.disagreements import Disagreement, find
from annotator.core.changes import ChangeSet
from annotator.core.codebook import CodeTree
from annotator.core.colors import normalise_color
from annotator.core.errors import InvalidInput
from annotator.core.models import Code, Coder
from annotator.core.spans import SpanIndex

FALLBACK_COLOR = "#999999"
#: A ChangeSet naming more of the document's codings than this rebuilds the index in
#: one sweep (an import) instead of row by row.
BULK = 2000


def safe_color(value: str) -> str:
    """A code's colour as ``#RRGGBB``; a broken value falls back to grey instead of failing."""
    try:
        return normalise_color(value)
    except InvalidInput:
        return FALLBACK_COLOR


def coder_marks(coders: Sequence[tuple[str, str]]) -> dict[str, str]:
    """One letter per coder ``(id, name)`` that tells them apart on a margin tag.

    The name's first letter; where names share it ("Example coder A (Amira)",
    "Example coder B (Ben)") the first letter of the first word in which the name
    differs from the others sharing it ("A", "B"); where that still clashes, the
    coder's number (1-9, 0), so no two coders carry the same mark."""
    words = {cid: re.findall(r"\w+", name) or ["?"] for cid, name in coders}
    firsts = Counter(ws[0][0].upper() for ws in words.values())
    out: dict[str, str] = {}
    for cid, ws in words.items():
        letter = ws[0][0].upper()
        if firsts[letter] > 1:
            rivals = [w for o, w in words.items() if o != cid and w[0][0].upper() == letter]
            differing = (
                w[0].upper()
                for k, w in enumerate(ws)
                if all(k >= len(r) or r[k].casefold() != w.casefold() for r in rivals)
            )
            letter = next(differing, letter)
        out[cid] = letter
    taken = Counter(out.values())
    for number, cid in enumerate(out):
        if taken[out[cid]] > 1:
            out[cid] = str((number + 1) % 10)
    return out


def document_disagreements(
    document_id: str,
    spans: Iterable[tuple[str, str, int, int]],
    coder_a: str,
    coder_b: str,
    code_order: Mapping[str, int],
) -> list[Disagreement]:
    """Where two coders differ in one document, from its codings ``(code, coder, start,
    end)``: per code in ``code_order`` (others are left out), ordered by start, then
    code order, then end, as ``app.comparison.disagreements`` orders them."""
    grouped: dict[str, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
    for code, coder, start, end in spans:
        if code not in code_order or coder not in (coder_a, coder_b):
            continue
        grouped.setdefault(code, ([], []))[coder != coder_a].append((start, end))
    out: list[Disagreement] = []
    for code, (mine, theirs) in grouped.items():
        out.extend(find(document_id, code, (coder_a, mine), (coder_b, theirs)))
    out.sort(key=lambda d: (d.start, code_order[d.code_id], d.end))
    return out


class Row(NamedTuple):
    """A coding of the shown document."""

    code_id: str
    coder_id: str
    start: int
    end: int


class ShownCodings:
    """The shown document's codings; those of visible coders are in ``index``."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.index = SpanIndex()
        self.codes: dict[str, tuple[str, str]] = {}  # code id -> (path, colour)
        self.coders: dict[str, tuple[str, int]] = {}  # coder id -> (name, number)
        self.marks: dict[str, str] = {}  # coder id -> the letter on their margin tags
        #: The coders whose codings are shown (None: everyone's).
        self.visible: frozenset[str] | None = None
        self._lane_count: Counter[int] = Counter()  # lane -> codings in it (max lane in O(lanes))

    def set_codebook(self, codes: Sequence[Code], coders: Sequence[Coder]) -> None:
        tree = CodeTree.of(codes)
        self.codes = {c.id: (tree.path(c.id), safe_color(c.color)) for c in codes}
        self.coders = {c.id: (c.name, i) for i, c in enumerate(coders)}
        self.marks = coder_marks([(c.id, c.name) for c in coders])

    def load(self, spans: Iterable[tuple[str, str, str, int, int]]) -> None:
        """All codings of a newly shown document: (id, code, coder, start, end)."""
        self.rows = {cid: Row(code, coder, s, e) for cid, code, coder, s, e in spans}
        self.reindex()

    def reindex(self) -> None:
        """Index the visible coders' codings in one sweep (open, coder filter, bulk change)."""
        rows, visible = self.rows.items(), self.visible
        self.index = SpanIndex(
            (cid, r.start, r.end) for cid, r in rows if visible is None or r.coder_id in visible
        )
        self._lane_count = Counter(self.index.lanes.values())

    def apply(self, changes: ChangeSet, document_id: str) -> tuple[set[str], list[tuple[int, int]]]:
        """Follow the ChangeSet's codings rows for ``document_id``; return the ids touched
        and the code-point ranges whose highlighting may have changed."""
        mine = [rc for rc in changes.of("codings") if document_id in rc.values("document_id")]
        ranges = [
            (row["start"], row["end"])
            for rc in mine
            for row in (rc.before, rc.after)
            if row is not None
        ]
        for rc in mine:
            cid = rc.key[0]
            old = self.rows.pop(cid, None)
            new = None
            if rc.after is not None and rc.after.get("document_id") == document_id:
                a = rc.after
                new = self.rows[cid] = Row(a["code_id"], a["coder_id"], a["start"], a["end"])
            if len(mine) <= BULK:
                self._reindex_one(cid, old, new)
        if len(mine) > BULK:
            self.reindex()
        return {rc.key[0] for rc in mine}, ranges

    def sync(
        self, spans: Iterable[tuple[str, str, str, int, int]]
    ) -> tuple[set[str], list[tuple[int, int]]]:
        """Bring the rows to ``spans``, all the document's codings (id, code, coder, start,
        end) re-read after another program changed the file. Only the codings that differ
        are re-indexed (in one sweep past ``BULK``), so the others keep their lanes.
        Returns the ids touched and the code-point ranges whose highlighting may differ."""
        rows = self.rows
        seen: set[str] = set()
        changes: list[tuple[str, Row | None, Row | None]] = []
        for cid, code, coder, start, end in spans:
            seen.add(cid)
            old = rows.get(cid)
            if old != (code, coder, start, end):  # a Row is a tuple: no Row built for the unchanged
                changes.append((cid, old, Row(code, coder, start, end)))
        changes += [(cid, rows[cid], None) for cid in rows.keys() - seen]
        ranges = [(r.start, r.end) for _, old, new in changes for r in (old, new) if r is not None]
        for cid, _old, new in changes:
            if new is None:
                del rows[cid]
            else:
                rows[cid] = new
        if len(changes) > BULK:
            self.reindex()
        else:
            for cid, old, new in changes:
                self._reindex_one(cid, old, new)
        return {cid for cid, _, _ in changes}, ranges

    def _reindex_one(self, cid: str, old: Row | None, new: Row | None) -> None:
        # A coding whose span and coder stay keeps its lane (re-assign, memo edits).
        shown = new is not None and (self.visible is None or new.coder_id in self.visible)
        if (
            shown
            and old is not None
            and new is not None
            and cid in self.index
            and (old.start, old.end) == (new.start, new.end)
        ):
            return
        if cid in self.index:
            lane = self.index.lanes[cid]
            self.index.remove(cid)
            self._lane_count[lane] -= 1
            if not self._lane_count[lane]:
                del self._lane_count[lane]
        if shown and new is not None:
            self._lane_count[self.index.add(cid, new.start, new.end)] += 1

    def __contains__(self, coding_id: object) -> bool:
        """Whether the coding is shown (this document, a visible coder)."""
        return coding_id in self.index

    def overlapping(self, lo: int, hi: int) -> list[str]:
        return cast(list[str], self.index.overlapping(lo, hi))

    def at(self, cp: int) -> list[str]:
        return cast(list[str], self.index.at(cp))

    def shortest_at(self, cp: int) -> str | None:
        keys = self.containing(cp)
        return keys[0] if keys else None

    def containing(self, cp: int) -> list[str]:
        """The shown codings containing code point ``cp``, shortest first (ties by id)."""
        return sorted(self.at(cp), key=lambda k: (self.rows[k].end - self.rows[k].start, k))

    def cycle_at(self, cp: int, current: str | None) -> str | None:
        """The coding to select "at the caret" ``cp``: the shortest containing it, or the
        one after ``current`` if that is one of them (round). A caret just after a
        coding's last character counts as on it. None if no coding is there."""
        keys = self.containing(cp) or (self.containing(cp - 1) if cp > 0 else [])
        if not keys:
            return None
        return keys[(keys.index(current) + 1) % len(keys)] if current in keys else keys[0]

    def step(self, caret: int, current: str | None, forward: bool, length: int) -> str | None:
        """The coding after (before) the selected coding ``current``, if the caret is
        still on it, else after (before) the caret; see ``neighbour``."""
        ref: tuple[int, int, str] = (caret, -1, "")
        if current is not None and current in self.index:
            row = self.rows[current]
            if row.start <= caret <= row.end:
                ref = (row.start, row.end, current)
        return self.neighbour(ref, forward, length)

    def neighbour(self, ref: tuple[int, int, str], forward: bool, length: int) -> str | None:
        """The shown coding right after (``forward``) or right before ``ref`` in reading
        order ``(start, end, id)``, wrapping around the document's ``length``; None if
        nothing is shown. ``(cp, -1, "")`` as ``ref`` means "a caret at ``cp``": forward
        finds codings starting at or after it, backward those starting before it.

        The index is asked about windows that grow from ``ref`` outwards (up to
        ``NEIGHBOUR_WINDOW``), so a step costs the codings near the answer, not all."""
        if not len(self.index):
            return None
        found = self._step(ref, forward, length)
        if found is None:  # past the last (first) coding: wrap to the first (last)
            found = self._step((-1, -1, "") if forward else (length + 1, -1, ""), forward, length)
        return found

    #: The widest window one index query covers when looking for a neighbour.
    NEIGHBOUR_WINDOW = 8192

    def _step(self, ref: tuple[int, int, str], forward: bool, length: int) -> str | None:
        span, width = self.index.span, 256
        if forward:
            lo = max(ref[0], 0)
            while lo < length:
                hi = lo + width
                # Every coding starting in [lo, hi) touches the window; earlier ones were seen.
                keys = [
                    (s, e, k) for k in self.overlapping(lo, hi) for s, e in (span(k),) if s >= lo
                ]
                after = [t for t in keys if t > ref]
                if after:
                    return min(after)[2]
                lo, width = hi, min(width * 2, self.NEIGHBOUR_WINDOW)
            return None
        hi = min(ref[0], length) + 1
        while hi > 0:
            lo = max(hi - width, 0)
            keys = [(s, e, k) for k in self.overlapping(lo, hi) for s, e in (span(k),) if s >= lo]
            before = [t for t in keys if t < ref]
            if before:
                return max(before)[2]
            hi, width = lo, min(width * 2, self.NEIGHBOUR_WINDOW)
        return None

    def color(self, coding_id: str) -> str:
        return self.codes.get(self.rows[coding_id].code_id, ("?", FALLBACK_COLOR))[1]

    def path(self, coding_id: str) -> str:
        return self.codes.get(self.rows[coding_id].code_id, ("?", FALLBACK_COLOR))[0]

    def coder(self, coding_id: str) -> tuple[str, int]:
        return self.coders.get(self.rows[coding_id].coder_id, ("?", 0))

    def mark(self, coding_id: str) -> str:
        """The letter marking the coding's coder on the margin (see ``coder_marks``)."""
        return self.marks.get(self.rows[coding_id].coder_id, "?")

    def describe(self, coding_id: str) -> str:
        return f"{self.path(coding_id)} — {self.coder(coding_id)[0]}"

    def lanes_in_use(self) -> int:
        return max(self._lane_count, default=-1) + 1
