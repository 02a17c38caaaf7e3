"""The Ctrl+F bar: find text in the open document while typing.

The bar searches whatever implements ``FindTarget`` (the document view):
it reads the text, hands back all match spans for highlighting plus the
current one, and asks the target to select a match. Offsets are code points,
as everywhere above the view. A bad regular expression is reported inline in
red, never in a dialog, because the researcher is still typing it.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPainter, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

from annotator.core.errors import InvalidInput
from annotator.core.search import find_all
from annotator.ui.widgets.messages import ERROR_COLOR
from annotator.ui.widgets.theme import error_text_color


@runtime_checkable
class FindTarget(Protocol):
    """What the find bar needs from a document view (offsets in code points)."""

    def document_text(self) -> str | None:
        """The open document's text, or None when no document is open."""
        ...

    def set_find_matches(self, spans: list[tuple[int, int]], current: int | None) -> None:
        """Highlight all ``spans``; ``current`` indexes the one to emphasise."""
        ...

    def select_span(self, start: int, end: int) -> None:
        """Select ``[start, end)`` and scroll it into view."""
        ...


class _ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" instead of widening the bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(60)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), text
        )


class FindBar(QWidget):
    """Query box, Regex / Match case, previous / next, status; Esc closes it."""

    #: The bar was closed (Esc or ✕): the view may take the focus back.
    closed = Signal()

    #: Wait this long after a keystroke before searching a long document.
    DEBOUNCE_MS = 150
    #: Documents shorter than this (code points) are searched on every keystroke.
    IMMEDIATE_LIMIT = 200_000

    def __init__(self, target: FindTarget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self._target = target
        self._spans: list[tuple[int, int]] = []
        self._current: int | None = None
        self._truncated = False
        self._error = ""
        self._has_document = target is not None and target.document_text() is not None

        self.query_edit = QLineEdit(self)
        self.query_edit.setObjectName("findQuery")
        self.query_edit.setPlaceholderText("Find in document")
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.setMinimumWidth(220)
        self.regex_box = QCheckBox("Regex", self)
        self.regex_box.setToolTip("Treat the text as a regular expression")
        self.case_box = QCheckBox("Match case", self)
        self.prev_button = QToolButton(self)
        self.prev_button.setArrowType(Qt.ArrowType.UpArrow)
        self.prev_button.setToolTip("Previous match (Shift+Enter, Shift+F3)")
        self.next_button = QToolButton(self)
        self.next_button.setArrowType(Qt.ArrowType.DownArrow)
        self.next_button.setToolTip("Next match (Enter, F3)")
        self.status = _ElidedLabel(self)
        self.status.setObjectName("findStatus")
        self.close_button = QToolButton(self)
        self.close_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton)
        )
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Close (Esc)")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.addWidget(self.query_edit)
        layout.addWidget(self.regex_box)
        layout.addWidget(self.case_box)
        layout.addWidget(self.prev_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.close_button)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(lambda: self._recompute(select=True))

        self.query_edit.textChanged.connect(self._query_changed)
        self.regex_box.toggled.connect(self._query_changed)
        self.case_box.toggled.connect(self._query_changed)
        self.query_edit.installEventFilter(self)
        self.next_button.clicked.connect(self.find_next)
        self.prev_button.clicked.connect(self.find_previous)
        self.close_button.clicked.connect(self.close_bar)
        # F3 works anywhere in the window while the bar is shown (hidden widgets'
        # shortcuts do not fire); Esc only while the focus is in the bar.
        for keys, slot, context in (
            ("F3", self.find_next, Qt.ShortcutContext.WindowShortcut),
            ("Shift+F3", self.find_previous, Qt.ShortcutContext.WindowShortcut),
            ("Esc", self.close_bar, Qt.ShortcutContext.WidgetWithChildrenShortcut),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)
        self._show_status()

    # -- public ----------------------------------------------------------------------
    @property
    def matches(self) -> list[tuple[int, int]]:
        return list(self._spans)

    @property
    def current_index(self) -> int | None:
        return self._current

    def set_target(self, target: FindTarget | None) -> None:
        """Search another view (or none); its matches are computed at once if the bar is open."""
        if self._target is not None and self._target is not target:
            self._target.set_find_matches([], None)
        self._target = target
        self.refresh()

    def activate(self, text: str | None = None) -> None:
        """Show the bar with the focus in the query box (Ctrl+F), optionally pre-filled."""
        self.show()
        if text is not None and text != self.query_edit.text():
            self.query_edit.setText(text)  # searches, as typing would
            self._focus()
        else:
            self.focus_query()

    def focus_query(self) -> None:
        """Focus the query box with its text selected, and show the matches for it again."""
        # The document may have changed while the bar was hidden.
        self._recompute(select=True)
        self._focus()

    def _focus(self) -> None:
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()

    def refresh(self) -> None:
        """The target's document changed: recompute the matches without moving the selection."""
        self._timer.stop()
        if self.isVisible():
            self._current = None
            self._recompute(select=False)

    def close_bar(self) -> None:
        self._timer.stop()
        self.hide()
        if self._target is not None:
            self._target.set_find_matches([], None)
        self.closed.emit()

    def find_next(self) -> None:
        self._step(+1)

    def find_previous(self) -> None:
        self._step(-1)

    # -- searching -------------------------------------------------------------------
    def _query_changed(self) -> None:
        text = self._target.document_text() if self._target is not None else None
        if text is not None and len(text) >= self.IMMEDIATE_LIMIT and self.query_edit.text():
            self._timer.start()  # restarts: search once typing pauses
        else:
            self._timer.stop()
            self._search(text, select=True)

    def _recompute(self, *, select: bool) -> None:
        self._search(
            self._target.document_text() if self._target is not None else None, select=select
        )

    def _search(self, text: str | None, *, select: bool) -> None:
        """Search ``text`` again; with ``select``, move to the first match at or after the current one."""
        # The text is read once per search: a view may fetch it from the store.
        anchor = self._spans[self._current][0] if self._current is not None else 0
        self._spans, self._current, self._truncated, self._error = [], None, False, ""
        self._has_document = text is not None
        if text is not None:
            try:
                spans = find_all(
                    text,
                    self.query_edit.text(),
                    regex=self.regex_box.isChecked(),
                    case_sensitive=self.case_box.isChecked(),
                )
            except InvalidInput as err:
                self._error = str(err)
            else:
                self._spans, self._truncated = list(spans), spans.truncated
                if select and self._spans:
                    # Incremental search: typing more letters keeps the place if it still matches.
                    self._current = next(
                        (i for i, (s, _) in enumerate(self._spans) if s >= anchor), 0
                    )
        self._publish(select)

    def _step(self, step: int) -> None:
        if not self.isVisible():
            return
        if self._timer.isActive():  # results for the latest keystroke first
            self._timer.stop()
            self._recompute(select=True)
            return
        if not self._spans:
            return
        if self._current is None:
            self._current = 0 if step > 0 else len(self._spans) - 1
        else:
            self._current = (self._current + step) % len(self._spans)  # wrap around
        self._publish(True)

    def _publish(self, select: bool) -> None:
        if self._target is not None:
            self._target.set_find_matches(list(self._spans), self._current)
            if select and self._current is not None:
                self._target.select_span(*self._spans[self._current])
        self._show_status()

    def _show_status(self) -> None:
        more = "+" if self._truncated else ""
        n = len(self._spans)
        if self._error:
            # The query is right there in the box and space is short: lead with the
            # reason (the whole sentence is the tooltip).
            echo = f"'{self.query_edit.text()}' is not a valid regular expression: "
            text = self._error
            if text.startswith(echo):
                text = "Invalid regex: " + text[len(echo) :]
        elif not self._has_document:
            text = "No document open"
        elif not self.query_edit.text():
            text = ""
        elif not n:
            text = "No matches"
        elif self._current is None:
            text = f"{n:,}{more} match{'es' if n != 1 or more else ''}"
        else:
            text = f"{self._current + 1:,} of {n:,}{more}"
        self.status.setText(text)
        self.status.setToolTip(self._error)
        # The dark red of light themes is lightened on a dark bar, to stay readable.
        red = error_text_color(self.palette(), ERROR_COLOR).name().upper()
        self.status.setStyleSheet(f"color: {red};" if self._error else "")
        self.prev_button.setEnabled(n > 0)
        self.next_button.setEnabled(n > 0)

    # -- keys ------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "status", None) is not None:
            self._show_status()  # the theme changed: the error red follows it

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.find_previous()
                else:
                    self.find_next()
                return True
        return super().eventFilter(watched, event)
