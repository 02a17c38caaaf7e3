"""Turning the shown codings into ``QTextEdit.ExtraSelection``s, and the text's geometry.

The document's codings live in ``core.shown_codings.ShownCodings`` (no Qt). The
document view asks it for the codings that touch the visible range and hands
them to ``HighlightBuilder``, which cuts the range into elementary pieces
(wherever a coding starts or ends) so overlapping codings show as a blend of
their codes' colours instead of one hiding another. Text coded more than once
is striped as well (the blend crossed by diagonal bands of a deeper shade):
two coders who applied the same code still show as two, not as one colour.
Colours are blended over the palette's Base colour (a dark theme gets dark
highlights) and the text colour is picked for contrast with every stripe. Find
matches are drawn last, on top.

The geometry helpers at the bottom answer "which code points are visible" and
"which character is under the mouse". Together with the view, this module is
the boundary where Qt's UTF-16 positions and the store's code points meet:
every conversion goes through the document's ``OffsetMap``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPixmap,
    QPolygon,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from annotator.core.colors import contrast_ratio, highlight_color, readable_text_color
from annotator.core.spans import elementary_segments
from annotator.core.textpos import OffsetMap

#: Find matches: all of them, and the current one (strong, unlike the pastel code blends).
FIND_COLOR = "#FFE14D"
FIND_CURRENT_COLOR = "#FF8A00"
#: How strongly the selected coding's own colour is laid over the blend.
EMPHASIS_ALPHA = 0.6
#: Text on a highlight keeps the theme's colour while it contrasts at least this much.
MIN_CONTRAST = 4.5
#: Overlaps: how far the darker (in dark themes lighter) stripes move toward the text
#: colour, and the stripes' period in pixels.
STRIPE_SHADE = 0.2
STRIPE = 8


def stripes(light: str, deep: str) -> QBrush:
    """A brush of diagonal bands, ``light`` and ``deep`` (half the period each)."""
    pix = QPixmap(STRIPE, STRIPE)
    pix.fill(QColor(light))
    painter = QPainter(pix)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(deep))
    n, h = STRIPE, STRIPE // 2
    # One band from the bottom-left to the top-right corner, wrapping at the tile's edges.
    painter.drawPolygon(QPolygon([QPoint(0, n - h), QPoint(n - h, 0), QPoint(n, 0), QPoint(0, n)]))
    painter.drawPolygon(QPolygon([QPoint(n, n - h), QPoint(n - h, n), QPoint(n, n)]))
    painter.end()
    return QBrush(pix)


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
        self._formats: dict[tuple[tuple[str, ...], str | None, bool], QTextCharFormat] = {}

    def set_palette(self, base: str, text: str) -> None:
        """The colour highlights are blended over (the text area's Base) and its text colour."""
        if (base, text) != (self.base, self.text):
            self.base, self.text = base, text
            self._formats.clear()

    def _format(
        self, colors: tuple[str, ...], emphasis: str | None, overlap: bool = False
    ) -> QTextCharFormat:
        # The same codes blend the same, in any order; ``overlap``: coded more than once.
        key = (tuple(sorted(colors)), emphasis, overlap)
        fmt = self._formats.get(key)
        if fmt is None:
            background = highlight_color(key[0], self.base)
            if emphasis is not None:
                background = highlight_color([emphasis], background, alpha=EMPHASIS_ALPHA)
            fmt = QTextCharFormat()
            stripe = background
            if overlap and emphasis is None:
                # A shade of the blend itself: cheap, and it reads the same over any codes.
                stripe = highlight_color([self.text], background, alpha=STRIPE_SHADE)
                fmt.setBackground(stripes(background, stripe))
            else:
                fmt.setBackground(QColor(background))
            # A foreground costs Qt a second pass over the glyphs: set one only where the
            # theme's text colour would not stay legible (WCAG AA contrast) on every stripe.
            worst = min(contrast_ratio(c, self.text) for c in (background, stripe))
            if emphasis is not None or worst < MIN_CONTRAST:
                fmt.setForeground(QColor(readable_text_color(stripe)))
            if emphasis is not None:
                # A second cue besides colour: the selected coding is underlined.
                fmt.setFontUnderline(True)
                fmt.setUnderlineColor(QColor(readable_text_color(background)))
            self._formats[key] = fmt
        return fmt

    def coding_pieces(
        self,
        document: QTextDocument,
        offsets: OffsetMap,
        spans: Sequence[tuple[str, int, int]],
        colors: Mapping[str, str],
        lo: int,
        hi: int,
        current: str | None = None,
    ) -> list[Piece]:
        """Pieces for ``spans`` (id, start, end) clipped to ``[lo, hi)``; ``colors`` maps
        ids to code colours; ``current`` (the selected coding) is drawn stronger, underlined."""
        out: list[Piece] = []
        for a, b, found in elementary_segments(spans, lo, hi):
            keys = cast(list[str], found)
            piece_colors = tuple(colors[k] for k in keys if k != current)
            emphasis = colors[current] if current is not None and current in keys else None
            sel = QTextEdit.ExtraSelection()
            sel.cursor = span_cursor(document, offsets, a, b)
            sel.format = self._format(piece_colors, emphasis, len(keys) > 1)
            out.append(Piece(a, b, tuple(keys), sel))
        return out

    def find_selections(
        self,
        document: QTextDocument,
        offsets: OffsetMap,
        matches: Sequence[tuple[int, int, int]],
        current: int | None,
        lo: int,
        hi: int,
    ) -> list[QTextEdit.ExtraSelection]:
        """Selections for the find matches (start, end, number), sorted by start, that
        touch ``[lo, hi)``; match number ``current`` is drawn stronger."""
        if not matches:
            return []
        longest = max(e - s for s, e, _ in matches)
        out: list[QTextEdit.ExtraSelection] = []
        for s, e, number in matches[bisect_left(matches, (lo - longest,)) :]:
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
    return offsets.to_codepoint(lo), min(
        offsets.to_codepoint(hi, round_up=True) + 1, offsets.length
    )


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


def line_rects(edit: QPlainTextEdit, offsets: OffsetMap, start: int, end: int) -> list[QRect]:
    """Viewport rectangles, one per laid-out line, covering code points ``[start, end)``
    (left to right; for drawing marks under a stretch of text)."""
    doc = edit.document()
    u_start, u_end = offsets.to_utf16(start), offsets.to_utf16(end)
    block = doc.findBlock(u_start)
    out: list[QRect] = []
    while block.isValid() and block.position() < u_end:
        layout, bp = block.layout(), block.position()
        for i in range(layout.lineCount() if layout is not None else 0):
            line = layout.lineAt(i)
            a = max(u_start, bp + line.textStart())
            b = min(u_end, bp + line.textStart() + line.textLength())
            if a >= b:
                continue
            # The layout's x for a position, moved to the viewport by where the caret is.
            rect = edit.cursorRect(cursor_at(doc, a))
            x_a = cast(tuple[float, int], line.cursorToX(a - bp))[0]
            x_b = cast(tuple[float, int], line.cursorToX(b - bp))[0]
            left = rect.left() + round(min(x_a, x_b) - x_a)  # right to left: b is left of a
            out.append(QRect(left, rect.top(), max(round(abs(x_b - x_a)), 1), rect.height()))
        block = block.next()
    return out
