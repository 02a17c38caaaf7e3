"""Running a background read on a thread of its own; hearing from it on the GUI thread.

``ReadRunner`` runs one ``app.background.BackgroundRead`` at a time: ``start``
cancels the one running (its late reports and result are dropped) and starts
the next on a new ``QThread``. What the job reports arrives as signals on the
GUI thread: ``progressed(Progress)`` while it runs, then ``done(result)`` or
``failed(message)``; ``cancelled()`` when ``cancel`` (or a newer ``start``)
stopped it. The job itself is Qt-free and opens its own read-only connection,
so nothing of the window's project crosses threads.

Threads outlive their runner if they must: each is kept (``_alive``) until it has
finished, so closing a dialog never destroys a running thread; ``wait_all``
cancels and joins them (the window calls it when it closes, and at exit).
"""

from __future__ import annotations

import atexit
import itertools
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from annotator.app.background import BackgroundRead, Cancelled, Progress
from annotator.core.errors import AnnotatorError

_tickets = itertools.count(1)


class _ReadThread(QThread):
    """One job on one thread; every signal carries the job's ticket."""

    progressed = Signal(int, object)
    succeeded = Signal(int, object)
    failed = Signal(int, str)
    ended = Signal(int)

    def __init__(self, ticket: int, job: BackgroundRead[Any]) -> None:
        super().__init__()  # no parent: it lives in ``_alive`` until it has finished
        self.ticket, self.job = ticket, job

    def run(self) -> None:
        try:
            result = self.job.run(lambda p: self.progressed.emit(self.ticket, p))
        except Cancelled:
            pass
        except AnnotatorError as err:
            self.failed.emit(self.ticket, str(err))
        except Exception as err:  # a failing file or a bug: said, not lost in a thread
            what = self.job.name or "The read"
            self.failed.emit(self.ticket, f"{what} failed: {err}")
        else:
            self.succeeded.emit(self.ticket, result)
        finally:
            self.ended.emit(self.ticket)


class _Reaper(QObject):
    """Lets go of a thread once it has finished (on the GUI thread)."""

    @Slot(int)
    def reap(self, ticket: int) -> None:
        thread = _alive.pop(ticket, None)
        if thread is not None:
            thread.wait()  # it has left run(): this returns at once


_alive: dict[int, _ReadThread] = {}
_reaper: _Reaper | None = None


def wait_all(timeout_ms: int = 3000) -> bool:
    """Cancel every background read and wait for their threads; False if one is still
    running after ``timeout_ms``."""
    for thread in list(_alive.values()):
        thread.job.cancel()
    finished = True
    for ticket, thread in list(_alive.items()):
        if thread.wait(timeout_ms):
            _alive.pop(ticket, None)
        else:
            finished = False
    return finished


atexit.register(wait_all)


class ReadRunner(QObject):
    """Runs one background read at a time and reports it on the GUI thread."""

    #: The running job's ``Progress``.
    progressed = Signal(object)
    #: The job's result.
    done = Signal(object)
    #: The job failed: one sentence.
    failed = Signal(str)
    #: The running job was cancelled (by ``cancel`` or a newer ``start``).
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current: _ReadThread | None = None
        self._last: _ReadThread | None = None

    @property
    def running(self) -> bool:
        """Whether a job was started and has neither finished nor been cancelled."""
        return self._current is not None

    def start(self, job: BackgroundRead[Any]) -> None:
        """Run ``job``, cancelling the one running."""
        global _reaper
        self.cancel()
        if _reaper is None:
            _reaper = _Reaper()
        thread = _ReadThread(next(_tickets), job)
        thread.progressed.connect(self._on_progress)
        thread.succeeded.connect(self._on_success)
        thread.failed.connect(self._on_failure)
        thread.ended.connect(_reaper.reap)
        _alive[thread.ticket] = thread
        self._current = self._last = thread
        thread.start()

    def cancel(self) -> bool:
        """Stop the running job (its reports and result are dropped); False if none runs."""
        thread, self._current = self._current, None
        if thread is None:
            return False
        thread.job.cancel()
        self.cancelled.emit()
        return True

    def wait(self, timeout_ms: int = 3000) -> bool:
        """Block until the thread of the job started last has finished (tests, closing);
        a result still arrives as a signal, once the event loop runs. False on timeout."""
        thread = self._last
        return thread is None or thread.ticket not in _alive or thread.wait(timeout_ms)

    def stop(self, timeout_ms: int = 3000) -> bool:
        """Cancel the running job and wait for its thread (a window closing its project)."""
        self.cancel()
        return self.wait(timeout_ms)

    def _mine(self, ticket: int) -> bool:
        return self._current is not None and self._current.ticket == ticket

    @Slot(int, object)
    def _on_progress(self, ticket: int, progress: Progress) -> None:
        if self._mine(ticket):
            self.progressed.emit(progress)

    @Slot(int, object)
    def _on_success(self, ticket: int, result: object) -> None:
        if self._mine(ticket):
            self._current = None
            self.done.emit(result)

    @Slot(int, str)
    def _on_failure(self, ticket: int, message: str) -> None:
        if self._mine(ticket):
            self._current = None
            self.failed.emit(message)
