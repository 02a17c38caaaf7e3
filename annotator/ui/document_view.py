"""The document view: read a text, see its codings, code it.

``DocumentView`` shows the current document in a read-only, selectable text
area with a margin of coding brackets (``coding_margin``). Codings are drawn as
highlights in their code's colour (``highlights``), only for the coders shown.

Speed is designed in: the document's codings live in a ``SpanIndex``
(``ShownCodings``); on open, scroll, resize or change, only the codings that
touch the visible range become ExtraSelections and brackets. A store change
updates the index for just the rows it names, then re-highlights the visible
range: the text is never reloaded.

Qt counts positions in UTF-16 units and the store in code points. Every
conversion goes through the document's ``OffsetMap``, here and in
``highlights`` (the view boundary), nowhere else.

Interaction: click a highlight to select its coding (the shortest under the
mouse), click plain text to clear; Delete/Backspace removes the selected coding;
Alt+Shift+Left/Right moves its end by a word, Alt+Ctrl+Left/Right its start;
dragging the selected coding's first or last edge resizes it; dragging a text
selection carries a span the code tree accepts; the context menu codes,
removes, re-assigns and edits memos. Event routing is in ``_TextArea``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDrag,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPalette,
    QResizeEvent,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QMenu,
    QPlainTextEdit,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.core.textpos import OffsetMap
from annotator.core.wordsnap import (
    next_word_end,
    next_word_start,
    prev_word_end,
    prev_word_start,
    snap_to_words,
    word_end_at,
    word_start_at,
)
from annotator.store import Project
from annotator.ui import messages
from annotator.ui.bridge import ProjectEvents
from annotator.ui.code_picker import choose_code, pick_code
from annotator.ui.coding_actions import CodingActions
from annotator.ui.coding_margin import Bracket, CodingMargin, place_brackets
from annotator.ui.highlights import (
    HighlightBuilder,
    Piece,
    ShownCodings,
    caret_rect,
    char_at,
    cursor_at,
    position_at,
    span_cursor,
    visible_range,
)
from annotator.ui.state import WorkbenchState, span_mime

RESIZE_HELP = (
    "Selected coding: Delete removes it; Alt+Shift+←/→ moves its end by a word, "
    "Alt+Ctrl+←/→ moves its start; or drag its first or last letter's edge."
)
#: How close (pixels) to a coding's edge a press grabs the edge.
EDGE_GRAB = 4
_ALT = Qt.KeyboardModifier.AltModifier
_SHIFT = Qt.KeyboardModifier.ShiftModifier
_CTRL = Qt.KeyboardModifier.ControlModifier
_LEFT_RIGHT = (Qt.Key.Key_Left, Qt.Key.Key_Right)


class _TextArea(QPlainTextEdit):
    """The text itself: routes mouse, keys, tooltips and the context menu to the view."""

    def __init__(self, view: DocumentView) -> None:
        super().__init__(view)
        self._view = view
        self.setObjectName("documentView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.viewport().setMouseTracking(True)
        self.setStatusTip(RESIZE_HELP)
        self.document().setDocumentMargin(8)
        self._press: QPoint | None = None
        self._mode = ""  # "", "start"/"end" (moving an edge), "drag" (may drag the selection out)
        self._moved = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._view._place_margin()
        if self._view._keep_centred:  # a revealed passage stays centred while the window settles
            self.centerCursor()
        self._view._refresh()

    def wheelEvent(self, event: QWheelEvent) -> None:
        self._view._keep_centred = False
        super().wheelEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._view._refresh(force=True)  # dark/light: blend over the new Base colour

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self._view.tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def event(self, event: QEvent) -> bool:
        # Our keys win over window-wide shortcuts while a coding is selected.
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and self._view._coding_key(event, dry_run=True)):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._view._keep_centred = False
        if self._view._coding_key(event, dry_run=False):
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        self._press, self._moved, self._mode = pos, False, ""
        self._view._keep_centred = False
        if event.button() == Qt.MouseButton.LeftButton and not event.modifiers() & _SHIFT:
            edge = self._view._edge_at(pos)
            if edge:
                self._mode = edge
                return
            if self._view._inside_selection(pos):
                self._mode = "drag"
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._press is not None and (pos - self._press).manhattanLength() >= QApplication.startDragDistance():
            self._moved = True
        if self._mode in ("start", "end"):
            self._view._move_edge(self._mode, pos)
            return
        if self._mode == "drag":
            if self._moved:
                self._mode, self._press = "", None
                self._view._drag_selection()
            return
        if not event.buttons():
            edge = self._view._edge_at(pos)
            shape = Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.IBeamCursor
            self.viewport().setCursor(shape)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        mode, press, moved = self._mode, self._press, self._moved
        self._mode, self._press = "", None
        if mode in ("start", "end"):
            self._view._finish_edge()
            return
        if mode == "drag":  # pressed in the selection but never dragged: a plain click
            self.setTextCursor(self.cursorForPosition(pos))
            self._view._click(pos)
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and press is not None and not moved:
            self._view._click(pos)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self._view.context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()


class DocumentView(QWidget):
    """The current document with its codings, coded by mouse, keyboard and menu."""

    #: The selection changed: ``(start, end)`` in code points (snapped if on), or None.
    selectionSpanChanged = Signal(object)

    def __init__(self, project: Project, events: ProjectEvents, stack: QUndoStack,
                 state: WorkbenchState, actions: CodingActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project, self.events, self.stack, self.state = project, events, stack, state
        self.coding_actions = actions  # not ``self.actions``: QWidget.actions() is taken
        self.shown = ShownCodings()
        self.shown.visible = state.visible_coder_ids
        self._builder = HighlightBuilder()
        self._doc_id: str | None = None
        self._text = ""
        self._offsets = OffsetMap("")
        self._pieces: list[Piece] = []
        self._find: list[tuple[int, int, int]] = []
        self._find_current: int | None = None
        self._built: tuple[int, int] | None = None
        self._bracket_cache: tuple[tuple[Any, ...], list[Bracket]] | None = None
        self._carets: dict[int, QRect] = {}
        self._caret_key: tuple[Any, ...] | None = None
        self._find_sels: list[QTextEdit.ExtraSelection] = []
        self._emphasised: str | None = state.current_coding_id
        self._version = 0  # bumped whenever what is drawn may differ
        self._edge_edit: tuple[str, int, int] | None = None  # coding being resized, new span
        self._snap = False
        self._keep_centred = False  # re-centre the revealed span on resize until the user scrolls
        self._last_span: tuple[int, int] | None = None
        #: How many times highlights were built (tests and the bench read it).
        self.builds = 0

        self._edit = _TextArea(self)
        self._edit.setPlaceholderText("Open a document from the list to read and code it.")
        self.margin = CodingMargin(self.brackets, self.shown.describe, self._edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._edit)

        self.shown.set_codebook(project.codes(), project.coders())
        self._edit.verticalScrollBar().valueChanged.connect(self._on_scroll)
        self._edit.verticalScrollBar().actionTriggered.connect(self._on_user_scroll)
        self._edit.horizontalScrollBar().valueChanged.connect(self._on_scroll)
        self._edit.updateRequest.connect(self._on_update_request)
        self._edit.selectionChanged.connect(self._on_selection_changed)
        self.margin.codingClicked.connect(self.state.set_current_coding)
        events.changed.connect(self._on_changed)
        state.currentDocumentChanged.connect(self._on_current_document)
        state.revealRequested.connect(self._on_reveal)
        state.visibleCodersChanged.connect(self._on_visible_coders)
        state.currentCodingChanged.connect(self._on_current_coding)
        self._place_margin()
        if state.current_document_id is not None:
            self.show_document(state.current_document_id)

    # -- public API --------------------------------------------------------------------
    @property
    def text_edit(self) -> QPlainTextEdit:
        return self._edit

    @property
    def offsets(self) -> OffsetMap:
        """Code points <-> UTF-16 positions of the shown document."""
        return self._offsets

    @property
    def document_id(self) -> str | None:
        return self._doc_id

    @property
    def snap_to_words(self) -> bool:
        return self._snap

    @snap_to_words.setter
    def snap_to_words(self, on: bool) -> None:
        self._snap = bool(on)
        self._on_selection_changed()

    @property
    def pieces(self) -> list[Piece]:
        """The highlight pieces currently on the text (the visible range only)."""
        return list(self._pieces)

    @property
    def built_range(self) -> tuple[int, int] | None:
        """The code-point range the current highlights were built for."""
        return self._built

    def show_document(self, document_id: str | None) -> None:
        """Show a document (None: nothing). Reads its text and codings, once."""
        if document_id is not None:
            text = self.project.document_text(document_id)
            spans = self.project.coding_spans(document_id)
        else:
            text, spans = "", []
        # Qt fires scroll and resize signals while the text changes: until the OffsetMap
        # matches Qt's text again, nothing is shown (visible_range is empty).
        self._doc_id = None
        self._keep_centred = False
        self._built = self._edge_edit = self._find_current = None
        self._find, self._find_sels, self._pieces = [], [], []
        self._edit.setExtraSelections([])
        self.shown.load(spans)
        # Size the margin before the text is laid out, so it is laid out once.
        self.margin.set_lanes(self.shown.lanes_in_use())
        self._place_margin()
        self._edit.setPlainText(text)
        self._text, self._offsets = text, OffsetMap(text)
        self._doc_id = document_id
        self._changed()
        self.state.set_current_document(document_id)

    def selection_span(self) -> tuple[int, int] | None:
        """The selected text as code points ``(start, end)``, or None if nothing is selected."""
        cursor = self._edit.textCursor()
        if self._doc_id is None or not cursor.hasSelection():
            return None
        start = self._offsets.to_codepoint(cursor.selectionStart())
        end = self._offsets.to_codepoint(cursor.selectionEnd(), round_up=True)
        if self._snap:
            start, end = snap_to_words(self._text, start, end)
        return (start, end) if end > start else None

    def select_span(self, start: int, end: int) -> None:
        """Select code points ``[start, end)`` and scroll so that the start is centred."""
        if self._doc_id is None or not 0 <= start <= end <= len(self._text):
            raise InvalidInput(f"Offsets {start}..{end} are outside this document (0..{len(self._text)}).")
        self._edit.setTextCursor(span_cursor(self._edit.document(), self._offsets, end, start))
        self._edit.centerCursor()
        self._keep_centred = True
        self._refresh()

    def set_find_matches(self, spans: list[tuple[int, int]], current: int | None) -> None:
        """Draw find matches (code points) over the codings; ``current`` indexes ``spans``."""
        n = len(self._text)
        bad = next(((s, e) for s, e in spans if not 0 <= s < e <= n), None)
        if bad is not None:
            raise InvalidInput(f"Find match {bad[0]}..{bad[1]} is outside this document (0..{n}).")
        self._find = sorted((s, e, i) for i, (s, e) in enumerate(spans))
        self._find_current = current
        self._refresh(force=True)

    def coding_at(self, pos: QPoint) -> str | None:
        """The shortest shown coding under viewport point ``pos``."""
        cp = self._char_at(pos)
        return None if cp is None else self.shown.shortest_at(cp)

    def tooltip_at(self, pos: QPoint) -> str:
        """Codes and coders of the codings under viewport point ``pos`` ("" if none)."""
        cp = self._char_at(pos)
        keys = [] if cp is None else self.shown.at(cp)
        lines = [self.shown.describe(k) for k in keys]
        if self.state.current_coding_id in keys:
            lines.append(RESIZE_HELP)
        return "\n".join(lines)

    def span_mime(self) -> QMimeData | None:
        """The drag payload for the current selection (None without one)."""
        span = self.selection_span()
        if span is None or self._doc_id is None:
            return None
        return span_mime(self._doc_id, *span)

    # -- store changes -------------------------------------------------------------------
    def _on_changed(self, changes: ChangeSet) -> None:
        codebook = changes.touches("codes") or changes.touches("coders")
        if codebook:
            # Names, paths and colours: the codebook is small; the document is not re-read.
            self.shown.set_codebook(self.project.codes(), self.project.coders())
        doc = self._doc_id
        if doc is not None and any(rc.key[0] == doc and rc.after is None for rc in changes.of("documents")):
            self.show_document(None)
            return
        touched: set[str] = set()
        ranges: list[tuple[int, int]] = []
        if doc is not None:
            touched, ranges = self.shown.apply(changes, doc)
            current = self.state.current_coding_id
            if current in touched and current not in self.shown.rows:
                self.state.set_current_coding(None)
        if codebook or len(ranges) > 64:  # a recolour, or an import: rebuild what is in view
            self._changed()
        elif touched:
            self._version += 1
            self._patch(ranges)

    def _changed(self) -> None:
        self._version += 1
        self._refresh(force=True)

    def _fit_margin(self, lanes: int) -> bool:
        """Widen the margin to ``lanes`` lanes if it is narrower. It does not narrow
        while a document is shown, so the text does not reflow as one scrolls."""
        if lanes <= self.margin.lanes or not self.margin.set_lanes(lanes):
            return False
        self._place_margin()
        return True

    # -- drawing the visible range -----------------------------------------------------------
    def visible_range(self) -> tuple[int, int]:
        """Code points ``[lo, hi)`` from the first to the last (partly) visible line."""
        return visible_range(self._edit, self._offsets) if self._doc_id is not None else (0, 0)

    def _refresh(self, force: bool = False) -> None:
        """Rebuild the highlights if the visible range moved (or ``force``)."""
        lo, hi = self.visible_range()
        if not force and self._built == (lo, hi):
            return
        pal = self._edit.palette()
        self._builder.set_palette(pal.color(QPalette.ColorRole.Base).name(), pal.color(QPalette.ColorRole.Text).name())
        doc = self._edit.document()
        self._pieces = self._build(lo, hi)
        self._find_sels = self._builder.find_selections(doc, self._offsets, self._find, self._find_current, lo, hi)
        self._built = (lo, hi)
        self._show_selections()

    def _build(self, lo: int, hi: int) -> list[Piece]:
        shown = self.shown
        spans = [(k, *shown.index.span(k)) for k in shown.overlapping(lo, hi)] if hi > lo else []
        colors = {k: shown.color(k) for k, _, _ in spans}
        current = self.state.current_coding_id if self.state.current_coding_id in colors else None
        return self._builder.coding_pieces(self._edit.document(), self._offsets, spans, colors, lo, hi, current)

    def _patch(self, ranges: list[tuple[int, int]]) -> None:
        """Rebuild only the pieces within ``ranges`` (a change, a newly selected coding):
        the cost follows the change, not the number of codings on screen."""
        if self._built is None:
            return
        lo, hi = self._built
        patched = False
        for a, b in ranges:
            a, b = max(a, lo), min(b, hi)
            if a >= b:
                continue
            patched = True
            starts = [p.start for p in self._pieces]
            # Widen to whole pieces so that none is left half-built.
            i = max(bisect_right(starts, a) - 1, 0)
            if i < len(self._pieces) and self._pieces[i].end <= a:
                i += 1
            j = bisect_left(starts, b)
            if i < j:
                a, b = min(a, self._pieces[i].start), max(b, self._pieces[j - 1].end)
            self._pieces[i:j] = self._build(a, b)
        if patched:
            self._show_selections()
        elif self._fit_margin(self.shown.lanes_in_use()):  # out of view: only the margin may widen
            self._refresh(force=True)

    def _show_selections(self) -> None:
        self._edit.setExtraSelections([p.selection for p in self._pieces] + self._find_sels)
        self.builds += 1
        # Lanes in use in the document, and more if brackets side by side on a line need them.
        needed = max([self.shown.lanes_in_use()] + [b.lane + 1 for b in self.brackets()])
        if self._fit_margin(needed):
            self._refresh(force=True)  # the text reflowed; lanes only grow, so this ends
            return
        self.margin.update()

    def _on_update_request(self, rect: Any, dy: int) -> None:
        if dy:
            self.margin.update()
        else:
            self.margin.update(0, rect.y(), self.margin.width(), rect.height())

    def _place_margin(self) -> None:
        width = self.margin.preferred_width()
        self._edit.setViewportMargins(width, 0, 0, 0)
        cr = self._edit.contentsRect()
        self.margin.setGeometry(cr.left(), cr.top(), width, cr.height())

    def _layout_key(self) -> tuple[Any, ...]:
        edit = self._edit
        return (edit.verticalScrollBar().value(), edit.horizontalScrollBar().value(),
                edit.viewport().size().toTuple(), self._doc_id, self.margin.lanes)

    def _caret(self, cp: int) -> QRect:
        """Viewport rectangle of the caret at ``cp``; remembered until the layout or
        scroll position changes (``brackets`` clears it), so a change costs only its own."""
        rect = self._carets.get(cp)
        if rect is None:
            rect = self._carets[cp] = caret_rect(self._edit, self._offsets, cp)
        return rect

    def brackets(self) -> list[Bracket]:
        """Brackets for the codings in view (the margin draws these); cached until
        scroll, resize or change."""
        layout = self._layout_key()
        if layout != self._caret_key:
            self._caret_key, self._carets = layout, {}
        key = (self._version, self._built, self.state.current_coding_id, layout)
        if self._bracket_cache is None or self._bracket_cache[0] != key:
            out = [] if self._built is None or self._doc_id is None else place_brackets(
                self.shown, *self._built, self._caret, self._edit.viewport().height(),
                self.state.current_coding_id, CodingMargin.MAX_LANES)
            self._bracket_cache = (key, out)
        return self._bracket_cache[1]

    # -- mouse ---------------------------------------------------------------------------------
    def _char_at(self, pos: QPoint) -> int | None:
        return char_at(self._edit, self._offsets, pos) if self._doc_id is not None else None

    def _current(self) -> str | None:
        """The selected coding, if it is in this document and shown."""
        cid = self.state.current_coding_id
        return cid if cid is not None and cid in self.shown else None

    def _edge_at(self, pos: QPoint) -> str:
        """"start"/"end" if ``pos`` is on the selected coding's first or last edge, else ""."""
        cid = self._current()
        if cid is None:
            return ""
        row = self.shown.rows[cid]
        for name, cp in (("start", row.start), ("end", row.end)):
            rect = caret_rect(self._edit, self._offsets, cp)
            if abs(pos.x() - rect.x()) <= EDGE_GRAB and rect.top() <= pos.y() <= rect.bottom():
                return name
        return ""

    def _inside_selection(self, pos: QPoint) -> bool:
        cursor = self._edit.textCursor()
        u = self._edit.cursorForPosition(pos).position()
        return cursor.hasSelection() and cursor.selectionStart() < u < cursor.selectionEnd()

    def _click(self, pos: QPoint) -> None:
        self.state.set_current_coding(self.coding_at(pos))

    def _move_edge(self, edge: str, pos: QPoint) -> None:
        cid = self._current()
        if cid is None:
            return
        row = self.shown.rows[cid]
        cp = position_at(self._edit, self._offsets, pos)
        if edge == "start":
            start = word_start_at(self._text, cp) if self._snap else cp
            span = (min(start, row.end - 1), row.end)
        else:
            end = word_end_at(self._text, cp) if self._snap else cp
            span = (row.start, max(end, row.start + 1))
        self._edge_edit = (cid, *span)
        # The live preview is the text selection; the store changes once, on release.
        self._edit.setTextCursor(span_cursor(self._edit.document(), self._offsets, *span))

    def _finish_edge(self) -> None:
        edit, self._edge_edit = self._edge_edit, None
        if edit is None:
            return
        cid, start, end = edit
        row = self.shown.rows.get(cid)
        self._edit.setTextCursor(cursor_at(self._edit.document(), self._offsets.to_utf16(start)))
        if row is not None and (row.start, row.end) != (start, end):
            self._run(lambda: self.coding_actions.resize(cid, start, end))

    def _drag_selection(self) -> None:
        data = self.span_mime()
        if data is not None:
            self._exec_drag(data)

    def _exec_drag(self, data: QMimeData) -> None:
        drag = QDrag(self._edit)
        drag.setMimeData(data)
        drag.exec(Qt.DropAction.CopyAction | Qt.DropAction.LinkAction, Qt.DropAction.CopyAction)

    # -- keys ----------------------------------------------------------------------------------
    def _coding_key(self, event: QKeyEvent, dry_run: bool) -> bool:
        """Delete/Backspace/Escape and the resize keys, for the selected coding."""
        cid = self._current()
        if cid is None:
            return False
        row = self.shown.rows[cid]
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods & (_ALT | _CTRL):
            if not dry_run:
                self._run(lambda: self.coding_actions.remove(cid))
            return True
        if key == Qt.Key.Key_Escape:
            if not dry_run:
                self.state.set_current_coding(None)
            return True
        if key not in _LEFT_RIGHT or not mods & _ALT or not mods & (_SHIFT | _CTRL):
            return False
        if dry_run:
            return True
        right, text = key == Qt.Key.Key_Right, self._text
        start, end = row.start, row.end
        if mods & _SHIFT:
            end = next_word_end(text, end) if right else prev_word_end(text, end)
        else:
            start = next_word_start(text, start) if right else prev_word_start(text, start)
        if start < end and (start, end) != (row.start, row.end):
            self._run(lambda: self.coding_actions.resize(cid, start, end))
        return True

    # -- context menu -----------------------------------------------------------------------------
    def context_menu(self, pos: QPoint) -> QMenu:
        """The right-click menu at viewport point ``pos``."""
        menu = QMenu(self)
        doc, span, acts = self._doc_id, self.selection_span(), self.coding_actions
        if doc is not None and span is not None:
            start, end = span
            for code_id in acts.recent_codes:
                if code_id in self.shown.codes:
                    act = menu.addAction(f"Code with {self.shown.codes[code_id][0]}")
                    act.triggered.connect(lambda _c=False, c=code_id: self._code(lambda: acts.apply(c, doc, start, end)))
            menu.addAction("Code with…").triggered.connect(lambda: self._code_with_picker(doc, start, end))
            menu.addAction("Code with new code…").triggered.connect(lambda: self._code_new(doc, start, end))
            menu.addAction("Code in vivo").triggered.connect(
                lambda: self._code(lambda: acts.code_in_vivo(doc, start, end)[1]))
        # The selected coding if the click is on it, else the shortest one under the mouse.
        current, cp = self._current(), self._char_at(pos)
        on_current = current is not None and cp is not None and current in self.shown.at(cp)
        target = current if on_current else self.coding_at(pos)
        if target is not None:
            if not menu.isEmpty():
                menu.addSeparator()
            menu.addAction(f"Remove coding “{self.shown.path(target)}”").triggered.connect(
                lambda: self._run(lambda: acts.remove(target)))
            menu.addAction("Re-assign to…").triggered.connect(lambda: self._reassign(target))
            menu.addAction("Edit memo…").triggered.connect(lambda: self._edit_memo(target))
        if not menu.isEmpty():
            menu.addSeparator()
        copy = menu.addAction("Copy")
        copy.setEnabled(span is not None)
        copy.triggered.connect(self._edit.copy)
        return menu

    def _code(self, operation: Callable[[], Any]) -> None:
        """Run a coding operation; the new coding becomes the selected one."""
        try:
            result = operation()
        except AnnotatorError as err:
            messages.show_error(self, err)
            return
        self.state.set_current_coding(result.id)

    def _code_new(self, doc: str, start: int, end: int) -> None:
        name, ok = QInputDialog.getText(self, "Code with new code", "Name of the new code:")
        if not ok:
            return
        if not name.strip():
            messages.show_error(self, InvalidInput("A code needs a name."))
            return
        self._code(lambda: self.coding_actions.code_with_new_code(name, None, doc, start, end)[1])

    def _code_with_picker(self, doc: str, start: int, end: int) -> None:
        acts = self.coding_actions
        result = pick_code(self, self.project, list(acts.recent_codes), "Code with")
        if result is not None and result.code_id is not None:
            code_id = result.code_id
            self._code(lambda: acts.apply(code_id, doc, start, end))
        elif result is not None and result.new_name:
            name = result.new_name
            self._code(lambda: acts.code_with_new_code(name, None, doc, start, end)[1])

    def _reassign(self, coding_id: str) -> None:
        row = self.shown.rows.get(coding_id)
        code_id = choose_code(self, self.project, "Re-assign coding to",
                              exclude={row.code_id} if row is not None else set())
        if code_id is not None:
            self._run(lambda: self.coding_actions.reassign(coding_id, code_id))

    def _edit_memo(self, coding_id: str) -> None:
        try:
            memo = self.project.coding(coding_id).memo
        except AnnotatorError as err:
            messages.show_error(self, err)
            return
        text, ok = QInputDialog.getMultiLineText(self, "Coding memo", self.shown.describe(coding_id), memo)
        if ok and text != memo:
            self._run(lambda: self.coding_actions.set_memo(coding_id, text))

    def _run(self, operation: Callable[[], object]) -> None:
        try:
            operation()
        except AnnotatorError as err:
            messages.show_error(self, err)

    # -- state -----------------------------------------------------------------------------------
    def _on_current_document(self, document_id: object) -> None:
        if document_id != self._doc_id:
            self._run(lambda: self.show_document(document_id if isinstance(document_id, str) else None))

    def _on_reveal(self, document_id: str, start: int, end: int) -> None:
        if document_id != self._doc_id:
            self._run(lambda: self.show_document(document_id))
        if document_id == self._doc_id:
            self._run(lambda: self.select_span(start, end))

    def _on_scroll(self, _value: int) -> None:
        self._refresh()

    def _on_user_scroll(self, _action: int) -> None:
        self._keep_centred = False

    def _on_visible_coders(self, _ids: object) -> None:
        self.shown.visible = self.state.visible_coder_ids
        self.shown.reindex()
        self._changed()

    def _on_current_coding(self, coding_id: object) -> None:
        # Re-draw only the old and the new selected coding.
        ranges = [self.shown.rows[c][2:] for c in (self._emphasised, coding_id) if c in self.shown.rows]
        self._emphasised = coding_id if isinstance(coding_id, str) else None
        self._patch(ranges)

    def _on_selection_changed(self) -> None:
        span = self.selection_span()
        if span != self._last_span:
            self._last_span = span
            self.selectionSpanChanged.emit(span)
