"""What the whole-window tests share: a shown window, a real mouse selection, what the
view highlights, and answering a modal dialog the way the researcher would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QDeadlineTimer, QPoint, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from annotator.ui import MainWindow
from annotator.ui.document.highlights import caret_rect

LEFT, NOMOD = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
D = TypeVar("D", bound=QDialog)


def show_window(
    qtbot: QtBot,
    path: Path,
    settings: QSettings,
    coder: str | None = None,
    document: str | None = None,
) -> MainWindow:
    """A window on ``path``, shown and active (window shortcuts such as Ctrl+K are live)."""
    w = MainWindow(path, settings)
    qtbot.addWidget(w)
    if coder is not None:
        w.state.set_active_coder(coder)
    if document is not None:
        w.state.set_current_document(document)
    w.resize(1300, 850)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    return w


def select(w: MainWindow, start: int, end: int) -> None:
    """A real mouse drag over the text, from code point ``start`` to ``end``."""
    view = w.document_view
    vp = view.text_edit.viewport()

    def at(cp: int) -> QPoint:
        rect = caret_rect(view.text_edit, view.offsets, cp)
        return QPoint(rect.x(), rect.center().y())

    QTest.mousePress(vp, LEFT, NOMOD, at(start))
    QTest.mouseMove(vp, at(end))
    QTest.mouseRelease(vp, LEFT, NOMOD, at(end))


def highlighted(w: MainWindow, coding_id: str) -> tuple[int, int] | None:
    """The stretch of text (code points) the document view highlights for ``coding_id``."""
    pieces = [p for p in w.document_view.pieces if coding_id in p.keys]
    if not pieces:
        return None
    return min(p.start for p in pieces), max(p.end for p in pieces)


@contextmanager
def answering(
    kind: type[D], steps: Callable[[D], None], timeout_ms: int = 5000
) -> Iterator[list[D]]:
    """Answer the modal ``kind`` dialog that the gesture made inside the block opens.

    ``steps`` types into the first such dialog as the researcher would (and must close
    it). The yielded list holds every ``kind`` dialog shown during the block: any after
    the first is rejected unanswered, and so is a dialog ``steps`` left open (a failed
    assertion), so a broken test fails instead of hanging. Polling stops when the block
    ends, so no later test is answered.
    """
    shown: list[D] = []
    stopped: list[bool] = []
    deadline = QDeadlineTimer(timeout_ms)

    def poll() -> None:
        if stopped:
            return
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            shown.append(dialog)
            try:
                if len(shown) == 1:
                    steps(dialog)
            finally:
                if dialog.isVisible():
                    dialog.reject()
        if not deadline.hasExpired():
            QTimer.singleShot(20, poll)
        elif isinstance(dialog, QDialog):  # some other dialog nobody answers: fail, not hang
            dialog.reject()

    QTimer.singleShot(0, poll)
    try:
        yield shown
    finally:
        stopped.append(True)
