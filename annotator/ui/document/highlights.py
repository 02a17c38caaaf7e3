"""Which codings are in view, and turning them into ``QTextEdit.ExtraSelection``s.

``ShownCodings`` keeps the shown document's codings in a ``SpanIndex`` (only
the coders being shown), updated row by row from each ChangeSet, or from a
fresh read of the document's codings after another program changed the file
(``sync``). The document
view asks it for the codings that touch the visible range and hands them to
``HighlightBuilder``, which cuts the range into elementary pieces (wherever a
coding starts or ends) so overlapping codings show as a blend of their codes'
colours instead of one hiding another. Colours are blended over the palette's
Base colour (a dark theme gets dark highlights) and the text colour is picked
for contrast. Find matches are drawn last, on top.

The geometry helpers at the bottom answer "which code points are visible" and
"which character is under the mouse". Together with the view, this module is
the boundary where Qt's UTF-16 positions and the store's code points meet:
every conversion goes through the document's ``OffsetMap``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, cast

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from annotator.core.changes import ChangeSet
from annotator.core.codebook import CodeTree
from annotator.core.colors import (
    contrast_ratio,
    highlight_color,
    normalise_color,
    readable_text_color,
)
from annotator.core.errors import InvalidInput
from annotator.core.models import Code, Coder
from annotator.core.spans import SpanIndex, elementary_segments
from annotator.core.textpos import OffsetMap

#: Find matches: all of them, and the current one (strong, unlike the pastel code blends).
FIND_COLOR = "#FFE14D"
FIND_CURRENT_COLOR = "#FF8A00"
#: How strongly the selected coding's own colour is laid over the blend.
EMPHASIS_ALPHA = 0.6
FALLBACK_COLOR = "#999999"
#: Text on a highlight keeps the theme's colour while it contrasts at least this much.
MIN_CONTRAST = 4.5
#: A ChangeSet naming more of the document's codings than this rebuilds the index in
#: one sweep (an import) instead of row by row.
BULK = 2000


def safe_color(value: str) -> str:
    """A code's colour as ``#RRGGBB``; a broken value falls back to grey instead of failing."""
    try:
        return normalise_color(value)
    except InvalidInput:
        return FALLBACK_COLOR


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
        #: The coders whose codings are shown (None: everyone's).
        self.visible: frozenset[str] | None = None
        self._lane_count: Counter[int] = Counter()  # lane -> codings in it (max lane in O(lanes))

    def set_codebook(self, codes: Sequence[Code], coders: Sequence[Coder]) -> None:
        tree = CodeTree.of(codes)
        self.codes = {c.id: (tree.path(c.id), safe_color(c.color)) for c in codes}
        self.coders = {c.id: (c.name, i) for i, c in enumerate(coders)}

    def load(self, spans: Iterable[tuple[str, str, str, int, int]]) -> None:
        """All codings of a newly shown document: (id, code, coder, start, end)."""
        self.rows = {cid: Row(code, coder, s, e) for cid, code, coder, s, e in spans}
        self.reindex()

    def reindex(self) -> None:
        """Index the visible coders' codings in one sweep (open, coder filter, bulk change)."""
        rows, visible = self.rows.items(), self.visible
        self.index = SpanIndex((cid, r.start, r.end) for cid, r in rows if visible is None or r.coder_id in visible)
        self._lane_count = Counter(self.index.lanes.values())

    def apply(self, changes: ChangeSet, document_id: str) -> tuple[set[str], list[tuple[int, int]]]:
        """Follow the ChangeSet's codings rows for ``document_id``; return the ids touched
        and the code-point ranges whose highlighting may have changed."""
        mine = [rc for rc in changes.of("codings") if document_id in rc.values("document_id")]
        ranges = [(row["start"], row["end"]) for rc in mine for row in (rc.before, rc.after) if row is not None]
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

    def sync(self, spans: Iterable[tuple[str, str, str, int, int]]) -> tuple[set[str], list[tuple[int, int]]]:
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
        if shown and old is not None and new is not None and cid in self.index \
                and (old.start, old.end) == (new.start, new.end):
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
                keys = [(s, e, k) for k in self.overlapping(lo, hi) for s, e in (span(k),) if s >= lo]
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

    def describe(self, coding_id: str) -> str:
        return f"{self.path(coding_id)} — {self.coder(coding_id)[0]}"

    def lanes_in_use(self) -> int:
        return max(self._lane_count, default=-1) + 1


@dataclass(slots=True)
class Piece:
    """One highlighted stretch ``[start, end)`` (code points) and the codings covering it."""

    start: int
    end: int
    keys: tuple[str, ...]
    selection: QTextEdit.ExtraSelection


def cursor_at(document: QTextDocument, u16: int) -> QTextCursor:
    cursor = QTextCursor(document)
    cursor.setPosition(u16)
    return cursor


def span_cursor(document: QTextDocument, offsets: OffsetMap, start: int, end: int) -> QTextCursor:
    """A cursor with its anchor at code point ``start`` and its position at ``end``."""
    cursor = QTextCursor(document)
    cursor.setPosition(offsets.to_utf16(start))
    cursor.setPosition(offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
    return cursor


class HighlightBuilder:
    """Builds selections for a range; caches colour blends and formats between builds."""

    def __init__(self) -> None:
        self.base, self.text = "#FFFFFF", "#000000"
        self._formats: dict[tuple[tuple[str, ...], str | None], QTextCharFormat] = {}

    def set_palette(self, base: str, text: str) -> None:
        """The colour highlights are blended over (the text area's Base) and its text colour."""
        if (base, text) != (self.base, self.text):
            self.base, self.text = base, text
            self._formats.clear()

    def _format(self, colors: tuple[str, ...], emphasis: str | None) -> QTextCharFormat:
        key = (tuple(sorted(colors)), emphasis)  # the same codes blend the same, in any order
        fmt = self._formats.get(key)
        if fmt is None:
            background = highlight_color(key[0], self.base)
            if emphasis is not None:
                background = highlight_color([emphasis], background, alpha=EMPHASIS_ALPHA)
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(background))
            # A foreground costs Qt a second pass over the glyphs: set one only where the
            # theme's text colour would not stay legible (WCAG AA contrast).
            if emphasis is not None or contrast_ratio(background, self.text) < MIN_CONTRAST:
                fmt.setForeground(QColor(readable_text_color(background)))
            if emphasis is not None:
                # A second cue besides colour: the selected coding is underlined.
                fmt.setFontUnderline(True)
                fmt.setUnderlineColor(QColor(readable_text_color(background)))
            self._formats[key] = fmt
        return fmt

    def coding_pieces(self, document: QTextDocument, offsets: OffsetMap, spans: Sequence[tuple[str, int, int]],
                      colors: Mapping[str, str], lo: int, hi: int, current: str | None = None) -> list[Piece]:
        """Pieces for ``spans`` (id, start, end) clipped to ``[lo, hi)``; ``colors`` maps
        ids to code colours; ``current`` (the selected coding) is drawn stronger, underlined."""
        out: list[Piece] = []
        for a, b, found in elementary_segments(spans, lo, hi):
            keys = cast(list[str], found)
            piece_colors = tuple(colors[k] for k in keys if k != current)
            emphasis = colors[current] if current is not None and current in keys else None
            sel = QTextEdit.ExtraSelection()
            sel.cursor = span_cursor(document, offsets, a, b)
            sel.format = self._format(piece_colors, emphasis)
            out.append(Piece(a, b, tuple(keys), sel))
        return out

    def find_selections(self, document: QTextDocument, offsets: OffsetMap, matches: Sequence[tuple[int, int, int]],
                        current: int | None, lo: int, hi: int) -> list[QTextEdit.ExtraSelection]:
        """Selections for the find matches (start, end, number), sorted by start, that
        touch ``[lo, hi)``; match number ``current`` is drawn stronger."""
        if not matches:
            return []
        longest = max(e - s for s, e, _ in matches)
        out: list[QTextEdit.ExtraSelection] = []
        for s, e, number in matches[bisect_left(matches, (lo - longest,)):]:
            if s >= hi:
                break
            if e <= lo:
                continue
            color = FIND_CURRENT_COLOR if number == current else FIND_COLOR
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(color))
            fmt.setForeground(QColor(readable_text_color(color)))
            sel = QTextEdit.ExtraSelection()
            sel.cursor = span_cursor(document, offsets, s, e)
            sel.format = fmt
            out.append(sel)
        return out


# -- geometry of the text area, in code points ------------------------------------------------
def line_bounds(cursor: QTextCursor) -> tuple[int, int]:
    """UTF-16 start and end of the laid-out line the cursor is on (right-to-left safe)."""
    block = cursor.block()
    layout = block.layout()
    if layout is not None and layout.lineCount():
        line = layout.lineForTextPosition(cursor.positionInBlock())
        if line.isValid():
            start = block.position() + line.textStart()
            return start, start + line.textLength()
    return block.position(), block.position() + max(block.length() - 1, 0)


def visible_range(edit: QPlainTextEdit, offsets: OffsetMap) -> tuple[int, int]:
    """Code points ``[lo, hi)`` from the first to the last (partly) visible line.

    Lines, not blocks: one paragraph may be far longer than the view.
    """
    lo = line_bounds(edit.cursorForPosition(QPoint(0, 0)))[0]
    hi = line_bounds(edit.cursorForPosition(QPoint(0, edit.viewport().height() - 1)))[1]
    # +1 takes in the line's separator, so a coding that ends with it is drawn whole.
    return offsets.to_codepoint(lo), min(offsets.to_codepoint(hi, round_up=True) + 1, offsets.length)


def top_line_start(edit: QPlainTextEdit, offsets: OffsetMap) -> int:
    """Code point starting the first line wholly in view (the reading position).

    A scrolled view shows a sliver of the line above its top line; that sliver is
    not where the reader is."""
    cursor = edit.cursorForPosition(QPoint(0, 0))
    rect = edit.cursorRect(cursor)
    if rect.top() < 0 and rect.bottom() + 1 < edit.viewport().height():
        cursor = edit.cursorForPosition(QPoint(0, rect.bottom() + 1))
    return offsets.to_codepoint(line_bounds(cursor)[0])


def scroll_to_top(edit: QPlainTextEdit, offsets: OffsetMap, cp: int) -> None:
    """Scroll so that the line holding code point ``cp`` is the first one wholly in
    view (as far as the scroll range allows)."""
    u16 = offsets.to_utf16(cp)
    doc = edit.document()
    block = doc.findBlock(u16)
    if not block.isValid():
        return
    # The vertical scroll bar counts laid-out lines; asking for the block's rectangle
    # lays it out, so its line count (and the line holding cp) is known.
    doc.documentLayout().blockBoundingRect(block)
    line = 0
    layout = block.layout()
    if layout is not None and layout.lineCount():
        found = layout.lineForTextPosition(u16 - block.position())
        line = found.lineNumber() if found.isValid() else 0
    edit.verticalScrollBar().setValue(block.firstLineNumber() + line)


def caret_rect(edit: QPlainTextEdit, offsets: OffsetMap, cp: int) -> QRect:
    """Viewport rectangle of the caret at code point ``cp``."""
    return edit.cursorRect(cursor_at(edit.document(), offsets.to_utf16(cp)))


def position_at(edit: QPlainTextEdit, offsets: OffsetMap, pos: QPoint) -> int:
    """The code-point boundary nearest viewport point ``pos``."""
    return offsets.to_codepoint(edit.cursorForPosition(pos).position())


def char_at(edit: QPlainTextEdit, offsets: OffsetMap, pos: QPoint) -> int | None:
    """Code point of the character under viewport point ``pos``; None off the text
    (beyond a line's end, below the last line)."""
    cursor = edit.cursorForPosition(pos)
    rect = edit.cursorRect(cursor)
    if not rect.top() <= pos.y() <= rect.bottom():
        return None
    block = cursor.block()
    first, last = block.position(), block.position() + block.length() - 1  # last: the separator
    doc = edit.document()
    here = offsets.to_codepoint(cursor.position())
    for cp in (here, here - 1):  # the nearest boundary has the character on one side or the other
        if not 0 <= cp < offsets.length:
            continue
        u_start, u_end = offsets.to_utf16(cp), offsets.to_utf16(cp + 1)
        if first <= u_start and u_end <= last:
            a = edit.cursorRect(cursor_at(doc, u_start)).x()
            b = edit.cursorRect(cursor_at(doc, u_end)).x()
            # a == b: a mark inside a cluster; the cluster's last code point answers.
            if a != b and min(a, b) <= pos.x() <= max(a, b):
                return cp
    return None
