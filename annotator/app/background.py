"""Long reads away from the window's thread: a second, read-only connection, progress, cancel.

A ``BackgroundRead`` is one read of a project (search every document, count,
compare) that may take seconds. It opens its own read-only connection to the
project file (``Project.open(path, read_only=True)``: it sees everything
committed, and never writes or takes the write lock), runs ``work(project,
report)`` and closes the connection, all on the thread that calls ``run``. The
connection is SQLite's, so it must stay on that thread: open, use and close
happen inside ``run``.

``work`` calls ``report(done, total, data)`` as it goes: that delivers a
``Progress`` to whoever ran the job (``data`` may carry part of the result,
such as the hits found since the last report) and is also where a cancelled
job stops, by raising ``Cancelled``; ``report.check()`` only checks. ``cancel``
may be called from any thread. A job cancelled after its work finished still
raises ``Cancelled``: its result is not wanted any more.

Qt-free: the window runs these on a thread of its own (``ui.widgets.background``),
tests and scripts simply call ``run``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from annotator.store import Project

T = TypeVar("T")


class Cancelled(Exception):
    """The read was cancelled: it stopped, and its result (if any) is not wanted."""


@dataclass(frozen=True)
class Progress:
    """How far a read is: ``done`` of ``total`` steps, and what it found since the last
    report (``data``; None if it has nothing to hand over yet)."""

    done: int
    total: int
    data: Any = None


class Reporter:
    """What ``work`` reports progress to, and where it learns that it should stop."""

    def __init__(self, stop: threading.Event, sink: Callable[[Progress], None] | None) -> None:
        self._stop = stop
        self._sink = sink

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if the job was cancelled."""
        if self._stop.is_set():
            raise Cancelled()

    def __call__(self, done: int, total: int, data: Any = None) -> None:
        """Report progress (raises ``Cancelled`` instead, once the job was cancelled)."""
        self.check()
        if self._sink is not None:
            self._sink(Progress(done, total, data))


class BackgroundRead(Generic[T]):
    """``work(project, report)`` on a read-only connection of its own to ``path``."""

    def __init__(
        self, path: str | Path, work: Callable[[Project, Reporter], T], *, name: str = ""
    ) -> None:
        self.path = Path(path)
        self.work = work
        #: What the read is, for messages ("Search for 'AI'").
        self.name = name
        self._stop = threading.Event()

    def cancel(self) -> None:
        """Ask the read to stop (from any thread); it stops at its next report or check."""
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def run(self, progress: Callable[[Progress], None] | None = None) -> T:
        """Open the connection, do the work, close it; the work's result.

        Raises ``Cancelled`` if cancelled (before, during or right after the work),
        and whatever the work raises (an ``AnnotatorError`` says what went wrong)."""
        report = Reporter(self._stop, progress)
        report.check()
        project = Project.open(self.path, read_only=True)
        try:
            result = self.work(project, report)
        finally:
            project.close()
        report.check()
        return result
