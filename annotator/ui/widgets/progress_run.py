"""Long work off the GUI thread, with a progress dialog whose Cancel stops it.

``run_with_progress(parent, label, work)`` runs ``work(progress, cancel)`` on a
thread of its own and returns its result (or raises what it raised) once it is
done; meanwhile the event loop runs, so the window repaints and Cancel works.
``work`` reports with ``progress(done, total)`` and asks ``cancel()`` now and
then (the REFI-QDA import and export take exactly these two callables): True
means the researcher pressed Cancel, and the work then stops and leaves nothing
behind (``ExchangeCancelled``).

The work must not touch the window's project: SQLite connections belong to the
thread that opened them. It opens what it needs itself (a read-only connection
to the project file, a new project file) and closes it before returning.

The dialog is window-modal, so no edit can slip in while the work runs; it
appears only if the work takes longer than ``SHOW_AFTER_MS``.
``progress_dialog`` makes that dialog; ``import_run.ImportRun`` uses it too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")

#: Milliseconds before the progress dialog appears (quick work shows none).
SHOW_AFTER_MS = 400

#: ``progress(done, total)``, called from the worker thread.
ProgressFn = Callable[[int, int], None]
#: ``cancel()``: whether the researcher pressed Cancel (asked from the worker thread).
CancelFn = Callable[[], bool]


def progress_dialog(parent: QWidget, label: str, maximum: int, name: str) -> QProgressDialog:
    """A window-modal progress dialog with Cancel, shown after ``SHOW_AFTER_MS``; it stays
    until closed (no auto reset), so late progress cannot reopen it."""
    dialog = QProgressDialog(label, "Cancel", 0, maximum, parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle("Annotator")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    # Starts the clock: otherwise Qt shows the dialog after its own 4 s unless progress is
    # reported again, and work that reports once and then takes long would show none.
    dialog.setValue(0)
    return dialog


class _Worker(QThread, Generic[T]):
    """Runs the work once; keeps its result or the exception it raised."""

    progressed = Signal(int, int)

    def __init__(self, work: Callable[[ProgressFn, CancelFn], T], parent: QObject) -> None:
        super().__init__(parent)
        self._work = work
        self.stop = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._work(
                lambda done, total: self.progressed.emit(done, total), self.stop.is_set
            )
        except BaseException as err:  # re-raised on the GUI thread, where it is shown
            self.error = err


class ProgressRun(QObject, Generic[T]):
    """One run of ``work`` with its dialog (``run_with_progress`` is the usual way in)."""

    def __init__(
        self,
        parent: QWidget,
        label: str,
        work: Callable[[ProgressFn, CancelFn], T],
        name: str = "workProgress",
    ) -> None:
        super().__init__(parent)
        self.dialog = progress_dialog(parent, label, 0, name)  # 0..0: busy until told a total
        self._worker: _Worker[T] = _Worker(work, self)
        # Queued: progress is shown on the GUI thread.
        self._worker.progressed.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.dialog.canceled.connect(self.cancel)

    @property
    def cancelled(self) -> bool:
        return self._worker.stop.is_set()

    def cancel(self) -> None:
        """Ask the work to stop (it does at its next ``cancel()`` question)."""
        self._worker.stop.set()
        self.dialog.setLabelText("Stopping…")

    def _show(self, done: int, total: int) -> None:
        if self.dialog.maximum() != total:
            self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total))

    def run(self) -> T:
        """Run the work while the event loop runs; its result, or what it raised."""
        loop = QEventLoop(self)
        self._worker.finished.connect(loop.quit)
        self._worker.start()
        if not self._worker.isFinished():
            loop.exec()
        self._worker.wait()
        QCoreApplication.sendPostedEvents(self, 0)  # progress queued before the end
        # Closing a progress dialog emits ``canceled``: the work is over, that is no Cancel.
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()
        if self._worker.error is not None:
            raise self._worker.error
        return self._worker.result  # type: ignore[return-value]  # set when no error


def run_with_progress(
    parent: QWidget,
    label: str,
    work: Callable[[ProgressFn, CancelFn], T],
    name: str = "workProgress",
) -> T:
    """``work(progress, cancel)`` on a worker thread behind a progress dialog; its result."""
    return ProgressRun(parent, label, work, name).run()
