"""The document's text area: what the mouse and the keyboard do on the text.

``DocumentText`` is the read-only, selectable ``QPlainTextEdit`` inside
``DocumentView``. It turns events into coding gestures:

- double-click selects a word, triple-click its paragraph, ready to code;
- click a highlight to select its coding (the shortest under the mouse); click
  plain text to clear the selection;
- with "snap to words" on, a selection made with the mouse (on release) or with
  Shift+arrows (when Shift is let go) is widened to whole words on screen too;
- Ctrl+drag the selected coding's first or last edge to resize it (the pointer shows
  the grip when Ctrl is held over an edge): the text selection previews the new span
  and the store changes once, on release. A plain press-and-drag always selects
  text, even from a coding's first letter: the edge is no trap;
- press inside a text selection and drag to carry the span out (the code tree
  accepts it as a drop);
- hover to see a tooltip naming the codes and coders under the mouse;
- a revealed passage stays centred, a restored reading position stays at the top,
  while the window settles (resizes), until the researcher scrolls, clicks or types;
- Delete/Backspace removes the selected coding, Escape deselects it,
  Alt+Shift+Left/Right moves its end by a word and Alt+Ctrl+Left/Right its start.

It draws nothing and owns no document state: it reads the shown codings, the
text and its offsets from its host view (``TextHost``) and codes through the
host's ``CodingActions`` (which asks before another coder's coding is removed or
resized). Positions reach the store in code points only, via the
host's ``OffsetMap``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QElapsedTimer, QEvent, QMimeData, QPoint, Qt
from PySide6.QtGui import (
    QContextMenuEvent,
    QCursor,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QMenu, QPlainTextEdit, QToolTip, QWidget

from annotator.core.passages import paragraph_span
from annotator.core.shown_codings import ShownCodings
from annotator.core.textpos import OffsetMap
from annotator.core.wordsnap import (
    next_word_end,
    next_word_start,
    prev_word_end,
    prev_word_start,
    word_end_at,
    word_start_at,
)
from annotator.ui.document.highlights import (
    caret_rect,
    cursor_at,
    position_at,
    scroll_to_top,
    span_cursor,
    top_line_start,
)
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.state import WorkbenchState

RESIZE_HELP = (
    "Selected coding: Delete removes it; Alt+Shift+←/→ moves its end by a word, "
    "Alt+Ctrl+←/→ moves its start; or Ctrl+drag its first or last letter's edge."
)
#: How close (pixels) to a coding's edge a press grabs the edge.
EDGE_GRAB = 4
_ALT = Qt.KeyboardModifier.AltModifier
_SHIFT = Qt.KeyboardModifier.ShiftModifier
_CTRL = Qt.KeyboardModifier.ControlModifier
_LEFT_RIGHT = (Qt.Key.Key_Left, Qt.Key.Key_Right)


class TextHost(Protocol):
    """What the text area needs from the view that owns it (``DocumentView``)."""

    shown: ShownCodings
    state: WorkbenchState
    coding_actions: CodingActions
    _text: str  # the document as the store holds it (Qt's plain text may differ)
    exact_selection: tuple[int, int] | None

    @property
    def offsets(self) -> OffsetMap: ...
    @property
    def snap_to_words(self) -> bool: ...
    def coding_at(self, pos: QPoint) -> str | None: ...
    def tooltip_at(self, pos: QPoint) -> str: ...
    def span_mime(self) -> QMimeData | None: ...
    def selection_span(self) -> tuple[int, int] | None: ...
    def context_menu(self, pos: QPoint) -> QMenu: ...
    def _current(self) -> str | None: ...
    def _place_margin(self) -> None: ...
    def _refresh(self, force: bool = False) -> None: ...
    def _exec_drag(self, data: QMimeData) -> None: ...
    def _run(self, operation: Callable[[], object]) -> None: ...


class DocumentText(QPlainTextEdit):
    """The text itself: mouse, keys and tooltips become coding gestures on the host's codings."""

    def __init__(self, host: TextHost, parent: QWidget) -> None:
        super().__init__(parent)
        self._host = host
        self.setObjectName("documentView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.viewport().setMouseTracking(True)
        self.setStatusTip(RESIZE_HELP)
        self.document().setDocumentMargin(8)
        self._press: QPoint | None = None
        self._mode = ""  # "", "start"/"end" (moving an edge), "drag" (may drag the selection out)
        # Where and when the last double-click was: a press soon after, on the same spot,
        # is the third click of a triple-click (Qt's own would be taken for a press inside
        # the word just selected, that is, the start of dragging it out).
        self._double_click: tuple[QPoint, QElapsedTimer] | None = None
        self._moved = False
        self._edge_edit: tuple[str, int, int] | None = None  # coding being resized, new span
        self._centred = False  # keep the caret's line centred (a revealed span)...
        self._pinned_top: int | None = None  # ...or this code point's line at the top

    def forget_edge_edit(self) -> None:
        """Drop an edge drag in progress without storing it (another document is shown)."""
        self._edge_edit = None

    # -- holding a passage in place while the window settles ----------------------------
    def hold_centred(self) -> None:
        """Centre the caret's line, and keep it centred on resizes until the user moves."""
        self.centerCursor()
        self._centred, self._pinned_top = True, None

    def hold_top(self, cp: int) -> None:
        """Scroll the line holding code point ``cp`` to the top and keep it there on
        resizes (another width wraps lines elsewhere) until the user moves."""
        scroll_to_top(self, self._host.offsets, cp)
        self._centred, self._pinned_top = False, cp

    def release_hold(self) -> None:
        """The researcher scrolled, clicked or typed (or another document is shown)."""
        self._centred, self._pinned_top = False, None

    def top_position(self) -> int:
        """The reading position: the code point starting the top line (the held one)."""
        return (
            self._pinned_top
            if self._pinned_top is not None
            else top_line_start(self, self._host.offsets)
        )

    def snap_selection(self) -> None:
        """With snapping on, make the selection on screen the snapped span, the one a code
        would be applied to, without scrolling."""
        host, cursor = self._host, self.textCursor()
        if not host.snap_to_words or not cursor.hasSelection():
            return
        span, to_cp = host.selection_span(), host.offsets.to_codepoint
        if span is None or span == (
            to_cp(cursor.selectionStart()),
            to_cp(cursor.selectionEnd(), round_up=True),
        ):
            return
        # Keep the selection's direction: Shift+arrows go on extending its moving end.
        anchor, caret = span if cursor.anchor() <= cursor.position() else (span[1], span[0])
        bars = (self.verticalScrollBar(), self.horizontalScrollBar())
        values = [bar.value() for bar in bars]
        self.setTextCursor(span_cursor(self.document(), host.offsets, anchor, caret))
        for bar, value in zip(bars, values, strict=True):  # setTextCursor scrolls to the caret
            bar.setValue(value)

    # -- events --------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._host._place_margin()
        if self._centred:  # a revealed or restored passage stays put while the window settles
            self.centerCursor()
        elif self._pinned_top is not None:
            scroll_to_top(self, self._host.offsets, self._pinned_top)
        self._host._refresh()

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.release_hold()
        super().wheelEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._host._refresh(force=True)  # dark/light: blend over the new Base colour

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self._host.tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def event(self, event: QEvent) -> bool:
        # Our keys win over window-wide shortcuts while a coding is selected.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._coding_key(event, dry_run=True)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.release_hold()
        if event.key() == Qt.Key.Key_Control:
            self._grip_at_pointer(event.modifiers())
        if self._coding_key(event, dry_run=False):
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        super().keyReleaseEvent(event)
        if event.key() == Qt.Key.Key_Control:
            self._grip_at_pointer(event.modifiers())
        # Shift+arrows extend the selection a character at a time; letting go of Shift
        # ends it, and then it snaps (snapping each step would jump word by word).
        if event.key() == Qt.Key.Key_Shift and not event.isAutoRepeat():
            self.snap_selection()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        super().mouseDoubleClickEvent(event)  # selects the word
        if event.button() == Qt.MouseButton.LeftButton:
            clock = QElapsedTimer()
            clock.start()
            self._double_click = (event.position().toPoint(), clock)

    def _is_third_click(self, event: QMouseEvent) -> bool:
        last, self._double_click = self._double_click, None
        if last is None or event.button() != Qt.MouseButton.LeftButton:
            return False
        where, clock = last
        near = (event.position().toPoint() - where).manhattanLength()
        return (
            clock.elapsed() <= QApplication.doubleClickInterval()
            and near <= QApplication.startDragDistance()
        )

    def select_paragraph_at(self, pos: QPoint) -> None:
        """Select the paragraph under ``pos`` (``core.passages``: blank line to blank line,
        or the line in a text without blank lines), ready to be coded."""
        host = self._host
        start, end = paragraph_span(host._text, position_at(self, host.offsets, pos))
        if start < end:
            host.exact_selection = (start, end)
            self.setTextCursor(span_cursor(self.document(), host.offsets, start, end))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        self._press, self._moved, self._mode = pos, False, ""
        self.release_hold()
        if self._is_third_click(event):
            self._mode = "paragraph"
            self.select_paragraph_at(pos)
            return
        if event.button() == Qt.MouseButton.LeftButton and not event.modifiers() & _SHIFT:
            # Only Ctrl makes an edge a handle: a researcher who presses on the first word of
            # the coding just made means to select part of it for a second code.
            edge = self._edge_at(pos) if event.modifiers() & _CTRL else ""
            if edge:
                self._mode = edge
                return
            if self._inside_selection(pos):
                self._mode = "drag"
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if (
            self._press is not None
            and (pos - self._press).manhattanLength() >= QApplication.startDragDistance()
        ):
            self._moved = True
        if self._mode in ("start", "end"):
            self._move_edge(self._mode, pos)
            return
        if self._mode == "paragraph":
            return
        if self._mode == "drag":
            if self._moved:
                self._mode, self._press = "", None
                self._drag_selection()
            return
        if not event.buttons():
            self._show_grip(pos, event.modifiers())
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        mode, press, moved = self._mode, self._press, self._moved
        self._mode, self._press = "", None
        if mode == "paragraph":  # the triple-click's selection stays
            return
        if mode in ("start", "end"):
            self._finish_edge()
            return
        if mode == "drag":  # pressed in the selection but never dragged: a plain click
            self.setTextCursor(self.cursorForPosition(pos))
            self._click(pos)
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and press is not None and not moved:
            self._click(pos)
        self.snap_selection()  # what is selected on screen is what would be coded

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self._host.context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def _grip_at_pointer(self, modifiers: Qt.KeyboardModifier) -> None:
        """Pressing or letting go of Ctrl over an edge shows or hides the grip at once."""
        self._show_grip(self.viewport().mapFromGlobal(QCursor.pos()), modifiers)

    # -- mouse gestures ------------------------------------------------------------------
    def _show_grip(self, pos: QPoint, modifiers: Qt.KeyboardModifier) -> None:
        edge = self._edge_at(pos) if modifiers & _CTRL else ""
        shape = Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.IBeamCursor
        self.viewport().setCursor(shape)

    def _edge_at(self, pos: QPoint) -> str:
        """ "start"/"end" if ``pos`` is on the selected coding's first or last edge, else ""."""
        host = self._host
        cid = host._current()
        if cid is None:
            return ""
        row = host.shown.rows[cid]
        for name, cp in (("start", row.start), ("end", row.end)):
            rect = caret_rect(self, host.offsets, cp)
            if abs(pos.x() - rect.x()) <= EDGE_GRAB and rect.top() <= pos.y() <= rect.bottom():
                return name
        return ""

    def _inside_selection(self, pos: QPoint) -> bool:
        cursor = self.textCursor()
        u = self.cursorForPosition(pos).position()
        return cursor.hasSelection() and cursor.selectionStart() < u < cursor.selectionEnd()

    def _click(self, pos: QPoint) -> None:
        self._host.state.set_current_coding(self._host.coding_at(pos))

    def _move_edge(self, edge: str, pos: QPoint) -> None:
        host = self._host
        cid = host._current()
        if cid is None:
            return
        row = host.shown.rows[cid]
        cp = position_at(self, host.offsets, pos)
        if edge == "start":
            start = word_start_at(host._text, cp) if host.snap_to_words else cp
            span = (min(start, row.end - 1), row.end)
        else:
            end = word_end_at(host._text, cp) if host.snap_to_words else cp
            span = (row.start, max(end, row.start + 1))
        self._edge_edit = (cid, *span)
        # The live preview is the text selection; the store changes once, on release.
        self.setTextCursor(span_cursor(self.document(), host.offsets, *span))

    def _finish_edge(self) -> None:
        edit, self._edge_edit = self._edge_edit, None
        if edit is None:
            return
        host = self._host
        cid, start, end = edit
        row = host.shown.rows.get(cid)
        self.setTextCursor(cursor_at(self.document(), host.offsets.to_utf16(start)))
        if row is not None and (row.start, row.end) != (start, end):
            host._run(lambda: host.coding_actions.resize(cid, start, end))

    def _drag_selection(self) -> None:
        data = self._host.span_mime()
        if data is not None:
            self._host._exec_drag(data)  # the view starts the QDrag (tests stand in for it)

    # -- keys ----------------------------------------------------------------------------
    def _coding_key(self, event: QKeyEvent, dry_run: bool) -> bool:
        """Delete/Backspace/Escape and the resize keys, for the selected coding."""
        host = self._host
        cid = host._current()
        if cid is None:
            return False
        row = host.shown.rows[cid]
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods & (_ALT | _CTRL):
            if not dry_run:
                host._run(lambda: host.coding_actions.remove(cid))
            return True
        if key == Qt.Key.Key_Escape:
            if not dry_run:
                host.state.set_current_coding(None)
            return True
        if key not in _LEFT_RIGHT or not mods & _ALT or not mods & (_SHIFT | _CTRL):
            return False
        if dry_run:
            return True
        right, text = key == Qt.Key.Key_Right, host._text
        start, end = row.start, row.end
        if mods & _SHIFT:
            end = next_word_end(text, end) if right else prev_word_end(text, end)
        else:
            start = next_word_start(text, start) if right else prev_word_start(text, start)
        if start < end and (start, end) != (row.start, row.end):
            host._run(lambda: host.coding_actions.resize(cid, start, end))
        return True
