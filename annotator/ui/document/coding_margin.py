"""The margin beside the document text: one bracket per coding in view.

Each bracket is a vertical line from the coding's first to its last line, with
short ticks pointing at the text where it starts and ends, in its code's
colour. Overlapping codings sit in different lanes (``SpanIndex.lanes``, stable
while codings come and go); lane 0 is nearest the text. Two codings that do not
overlap but share a line would share a lane and be drawn over each other, so
one of them moves to the nearest free lane.

The margin must not eat the text column: lanes are ``LANE_WIDTH`` (8 px) apart
and the margin grows with the lanes in use only up to ``MAX_WIDTH`` (90 px).
Beyond that the lanes move closer together instead (down to about 7 px at
``MAX_LANES``), so the text column keeps its width however dense the coding.
While a document is shown the margin does not narrow, so the text does not
reflow under the reader; the next document starts from its own lanes again.
Coders are told apart two ways, so neither colour vision nor a busy margin
hides who coded what: a small tag with the coder's initial at the bracket's
top (narrower than a lane, so tags side by side stay apart), and a line style
per coder (solid, dashed, dotted, dash-dot). The selected coding is drawn
thicker. Every bracket keeps its tag: where tags side by side would crowd
each other, the later one moves down along its own bracket.

In compare mode (``set_compare``) each compared coder has a band of lanes,
labelled with the coder's letter at the top, and a strip at the margin's outer
edge marks the lines where the two coders differ (``disagreement_lines``).

The margin draws what its owner (the document view) computes for the visible
range only (``core.brackets.place_brackets``, no Qt); it keeps no model of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from annotator.core.brackets import Bracket
from annotator.core.colors import ensure_contrast, readable_text_color
from annotator.ui.widgets.theme import NON_TEXT_CONTRAST

#: Pen styles that tell coders apart, in coder order (then repeating).
CODER_STYLES = (
    Qt.PenStyle.SolidLine,
    Qt.PenStyle.DashLine,
    Qt.PenStyle.DotLine,
    Qt.PenStyle.DashDotLine,
)


class CodingMargin(QWidget):
    """Draws ``brackets()`` (supplied by the view); click a bracket to select its coding."""

    #: A bracket was clicked: the coding's id.
    codingClicked = Signal(str)

    #: Distance between lanes while the margin is narrower than ``MAX_WIDTH``.
    LANE_WIDTH = 8
    #: The margin never gets wider than this; more lanes are packed closer instead.
    MAX_WIDTH = 90
    #: The deepest overlaps share the last lane (``place_brackets`` caps them).
    MAX_LANES = 12
    PAD = 2
    TICK = 4
    TAG = 7  # tag width: one initial; two tags closer than this plus TAG_GAP are moved apart
    TAG_HEIGHT = 9
    TAG_GAP = 3  # least space between two tags side by side
    TAG_TRIES = 8  # spots down a bracket tried for a crowded tag

    def __init__(
        self,
        brackets: Callable[[], list[Bracket]],
        describe: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._brackets = brackets
        self._describe = describe
        self._lanes = 1
        self._press: QPoint | None = None
        self.setMouseTracking(True)
        self.setAutoFillBackground(False)
        self._tag_font = QFont(self.font())
        self._tag_font.setPixelSize(self.TAG_HEIGHT - 1)
        self._tag_font.setBold(True)
        self._pen_cache: dict[tuple[str, int, bool], tuple[QPen, QPen]] = {}
        self._tag_cache: dict[tuple[str, str, bool], QPixmap] = {}
        self._tags_for: list[Bracket] | None = None  # the brackets ``_tags`` was placed for
        self._tags_key: tuple[int, int] = (0, 0)
        self._tags: dict[str, QRect] = {}
        #: Compare mode: (coder's letter, first lane, width) per band, else None.
        self._bands: list[tuple[str, int, int]] | None = None
        #: Compare mode: the viewport y ranges (top, bottom) of the lines where coders differ.
        self._marked: Callable[[], list[tuple[int, int]]] = list
        self.mark_color = QColor("#C0392B")

    # -- geometry ----------------------------------------------------------------
    def set_lanes(self, lanes: int) -> bool:
        """Use ``lanes`` lanes (capped); True if that changed the lanes (the width may
        stay: past ``MAX_WIDTH`` the lanes only move closer together)."""
        lanes = max(1, min(lanes, self.MAX_LANES))
        if lanes == self._lanes:
            return False
        self._lanes = lanes
        self.update()
        return True

    def set_compare(
        self,
        bands: list[tuple[str, int, int]] | None,
        marked: Callable[[], list[tuple[int, int]]] | None = None,
    ) -> bool:
        """Enter (``bands``: letter, first lane, width per coder) or leave (None) compare
        mode; ``marked`` gives the y ranges to mark. True if the width may have changed."""
        was = self._bands is not None
        self._bands = bands
        self._marked = marked if marked is not None and bands is not None else list
        self._tags_for = None
        self.update()
        return was != (bands is not None)

    @property
    def compare_bands(self) -> list[tuple[str, int, int]] | None:
        return self._bands

    def disagreement_lines(self) -> list[tuple[int, int]]:
        """The y ranges marked as disagreements (compare mode), in viewport pixels."""
        return self._marked()

    #: Compare mode: the disagreement strip's width, and the coder labels' height.
    MARK = 4
    HEADER = TAG_HEIGHT + 3

    @classmethod
    def spacing_for(cls, lanes: int) -> float:
        """Pixels between neighbouring lanes when ``lanes`` lanes are in use."""
        room = cls.MAX_WIDTH - 2 * cls.PAD - cls.TICK
        return min(float(cls.LANE_WIDTH), room / max(1, min(lanes, cls.MAX_LANES)))

    @property
    def lanes(self) -> int:
        return self._lanes

    @property
    def spacing(self) -> float:
        return self.spacing_for(self._lanes)

    def preferred_width(self) -> int:
        extra = self.MARK + 1 if self._bands is not None else 0
        return 2 * self.PAD + self.TICK + round(self._lanes * self.spacing) + extra

    def lane_x(self, lane: int) -> int:
        """x of a lane's vertical line; lane 0 nearest the text (the right edge)."""
        lane = min(lane, self.MAX_LANES - 1)  # the deepest overlaps share the last lane
        return self.width() - self.PAD - self.TICK - round((lane + 0.5) * self.spacing)

    def brackets_at(self, pos: QPoint) -> list[Bracket]:
        """Brackets under ``pos``, nearest lane first, shortest first within a lane."""
        half = max(3.0, self.spacing / 2)  # a click between two lines picks the nearer
        hits = [
            b
            for b in self._brackets()
            if abs(pos.x() - self.lane_x(b.lane)) <= half and b.top - 2 <= pos.y() <= b.bottom + 2
        ]
        hits.sort(key=lambda b: (abs(pos.x() - self.lane_x(b.lane)), b.bottom - b.top))
        return hits

    def tooltip_at(self, pos: QPoint) -> str:
        """Code and coder of each bracket under ``pos`` ("" if none)."""
        return "\n".join(self._describe(b.coding_id) for b in self.brackets_at(pos))

    # -- painting ----------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        pal = self.palette()
        painter.fillRect(event.rect(), pal.color(QPalette.ColorRole.Window))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        clip = event.rect()
        tags = self.tag_rects()
        selected = []
        for b in self._brackets():
            if b.bottom < clip.top() or b.top > clip.bottom():
                continue
            if b.selected:
                selected.append(b)  # drawn last, on top
            else:
                self._paint_bracket(painter, b, tags.get(b.coding_id))
        for b in selected:
            self._paint_bracket(painter, b, tags.get(b.coding_id))
        if self._bands is not None:
            self._paint_compare(painter)
        painter.end()

    def _paint_compare(self, painter: QPainter) -> None:
        """The disagreement strip at the outer edge, and each band's coder label on top."""
        for top, bottom in self._marked():
            painter.fillRect(QRect(0, top, self.MARK, bottom - top + 1), self.mark_color)
        pal = self.palette()
        painter.fillRect(
            QRect(0, 0, self.width(), self.HEADER), pal.color(QPalette.ColorRole.Window)
        )
        painter.setFont(self._tag_font)
        text = pal.color(QPalette.ColorRole.WindowText)
        for letter, first, width in self._bands or ():
            right = self.lane_x(first) + 3
            left = self.lane_x(first + width - 1) - 3
            rect = QRect(left, 0, max(right - left, self.TAG), self.TAG_HEIGHT)
            painter.setPen(text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, letter)
            painter.drawLine(left, self.HEADER - 2, right, self.HEADER - 2)

    def tag_rects(self) -> dict[str, QRect]:
        """Where coder tags are drawn, by coding id: at each bracket's visible top,
        moved down it, a tag's height at a time, while it would touch a tag already
        placed (lanes packed closer than a tag is wide, brackets starting on one
        line). The selected coding's tag is placed first, then lanes nearest the
        text. Every bracket has one; its line style and tooltip name the coder too.
        Cached until the brackets change."""
        brackets = self._brackets()
        key = (self.width(), self._lanes)
        if self._tags_for is brackets and self._tags_key == key:
            return self._tags
        w, h = self.TAG, self.TAG_HEIGHT
        # Placed tags' corners bucketed by (lane, row of tag height): a tag can only meet
        # tags in the neighbouring lanes and rows, so each check is a few dict lookups.
        grid: dict[tuple[int, int], list[tuple[int, int]]] = {}
        lefts = [self.lane_x(lane) - w // 2 for lane in range(self.MAX_LANES)]
        out: dict[str, QRect] = {}
        below = self.HEADER if self._bands is not None else 0  # under the coder labels
        for b in sorted(brackets, key=lambda b: (not b.selected, b.lane, b.top)):
            lane = min(b.lane, self.MAX_LANES - 1)
            x, y = lefts[lane], max(b.top, below)
            # Crowded: move down the bracket, a tag's height at a time, to a free spot;
            # a short bracket's tag may hang below it rather than be left out.
            for step in range(self.TAG_TRIES):
                at = y + step * (h + 1)
                if not self._tag_clash(grid, lane, at // h, x, at):
                    y = at
                    break
            grid.setdefault((lane, y // h), []).append((x, y))
            out[b.coding_id] = QRect(x, y, w, h)
        self._tags_for, self._tags_key, self._tags = brackets, key, out
        return out

    def _pens(self, color: str, style: int, selected: bool) -> tuple[QPen, QPen]:
        """The coder-styled pen for the line and a solid one for the ticks (cached)."""
        key = (color, style % len(CODER_STYLES), selected)
        pens = self._pen_cache.get(key)
        if pens is None:
            # A dark code's bracket on a dark margin is lightened just enough to be seen.
            window = self.palette().color(QPalette.ColorRole.Window).name()
            shown = QColor(ensure_contrast(color, [window], NON_TEXT_CONTRAST))
            line = QPen(shown, 3 if selected else 2)
            line.setStyle(CODER_STYLES[key[1]])
            line.setCapStyle(Qt.PenCapStyle.FlatCap)
            solid = QPen(shown, 3 if selected else 2)
            solid.setCapStyle(Qt.PenCapStyle.FlatCap)
            pens = self._pen_cache[key] = (line, solid)
        return pens

    def _tag(self, color: str, initial: str, selected: bool) -> QPixmap:
        """The coder's tag: their initial on the code's colour (cached; text is slow to draw)."""
        key = (color, initial, selected)
        pix = self._tag_cache.get(key)
        if pix is None:
            ratio = self.devicePixelRatioF()
            pix = QPixmap(round(self.TAG * ratio), round(self.TAG_HEIGHT * ratio))
            pix.setDevicePixelRatio(ratio)
            pix.fill(QColor(color))
            painter = QPainter(pix)
            rect = QRect(0, 0, self.TAG, self.TAG_HEIGHT)
            if selected:
                painter.setPen(QPen(self.palette().color(QPalette.ColorRole.WindowText), 1))
                painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.setFont(self._tag_font)
            painter.setPen(QColor(readable_text_color(color)))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, initial)
            painter.end()
            self._tag_cache[key] = pix
        return pix

    def _tag_clash(
        self,
        grid: dict[tuple[int, int], list[tuple[int, int]]],
        lane: int,
        row: int,
        x: int,
        y: int,
    ) -> bool:
        """Whether a tag at ``(x, y)`` would crowd one placed in a neighbouring cell:
        initials side by side with less than a few pixels between them read as one
        word ("BBAA"), so one of them moves."""
        w, h = self.TAG + self.TAG_GAP, self.TAG_HEIGHT
        for dl in (-1, 0, 1):
            for dr in (-1, 0, 1):
                for px, py in grid.get((lane + dl, row + dr), ()):
                    if abs(x - px) < w and abs(y - py) <= h:
                        return True
        return False

    def _paint_bracket(self, painter: QPainter, b: Bracket, tag: QRect | None) -> None:
        x = self.lane_x(b.lane)
        line, solid = self._pens(b.color, b.style, b.selected)
        top = max(b.top, -4)
        bottom = min(b.bottom, self.height() + 4)
        if bottom > top:  # the tag (opaque) is drawn over the line
            painter.setPen(line)
            painter.drawLine(x, top, x, bottom)
        painter.setPen(solid)
        reach = x + self.TICK + round(self.spacing / 2)
        if not b.open_top:
            painter.drawLine(x, b.top + 1, reach, b.top + 1)
        if not b.open_bottom:
            painter.drawLine(x, b.bottom - 1, reach, b.bottom - 1)
        if tag is not None:  # the coder's tag at the visible top of the bracket
            painter.drawPixmap(tag.topLeft(), self._tag(b.color, b.initial, b.selected))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._tag_cache.clear()
            self._pen_cache.clear()
        super().changeEvent(event)

    # -- interaction -------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, self._press = self._press, None
        pos = event.position().toPoint()
        if (
            event.button() == Qt.MouseButton.LeftButton
            and press is not None
            and (pos - press).manhattanLength() < QApplication.startDragDistance()
        ):
            hits = self.brackets_at(pos)
            if hits:
                # Clicking again where brackets share a spot cycles through them.
                chosen = next((i for i, b in enumerate(hits) if b.selected), -1)
                self.codingClicked.emit(hits[(chosen + 1) % len(hits)].coding_id)
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        over = bool(self.brackets_at(event.position().toPoint()))
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)
