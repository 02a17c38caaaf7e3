"""Undo/redo in the window: a thin Qt adapter over the project's history in the file.

The history itself (``store.history``) is Qt-free and lives in the project file:
every action is one entry, named once, by whoever starts it; undo and redo replay
exactly what was written and work after reopening. ``UndoHistory`` only adds what
a window needs: a ``changed`` signal for the Edit menu's labels, failures reported
as messages, and the names a ``QUndoStack`` would give them, so that panels and
tests read naturally.

``runner(stack)`` is how a window's ``app.session.Session`` runs the operations
of ``app.operations``: each through ``execute``.

``execute(stack, project, label, operation)`` runs the operation once inside a
single store action named ``label`` (so a compound edit such as "code with new
code" is one transaction and one undo step). If it fails, the error propagates to
the caller (which shows it) and nothing is recorded.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from annotator.app.session import Runner
from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError
from annotator.store import Project

T = TypeVar("T")

_replaying = 0
#: Nesting of ``execute``: only the outermost asks panels to commit what is half-typed.
_acting = 0


def is_replaying() -> bool:
    """True while an undo or redo is being applied: views refreshing then must not
    start new edits (which would land in the middle of the replay)."""
    return _replaying > 0


#: Called with a message when an undo or redo cannot be applied.
ErrorReporter = Callable[[str], None]


def _print_report(message: str) -> None:
    print(f"Annotator: {message}", file=sys.stderr)


class UndoHistory(QObject):
    """Undo and redo of one project for one window, read from the project's history."""

    #: The history moved (an action, an undo, a redo): refresh labels and enabled states.
    changed = Signal()
    #: An action is about to start: a half-typed field is committed first, as its own
    #: step before it (the order the researcher made them in).
    aboutToAct = Signal()

    def __init__(
        self, project: Project, parent: QObject | None = None, report: ErrorReporter | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.report = report or _print_report
        #: The newest history entry when this window opened: ``count()`` and ``text()``
        #: speak of the steps taken since (undo itself reaches further back).
        self._opened_at = project.last_history_id()

    # -- what the Edit menu shows -----------------------------------------------------------
    def canUndo(self) -> bool:
        return self.project.undo_entry() is not None

    def canRedo(self) -> bool:
        return self.project.redo_entry() is not None

    def undoText(self) -> str:
        entry = self.project.undo_entry()
        return entry.label if entry is not None else ""

    def redoText(self) -> str:
        entry = self.project.redo_entry()
        return entry.label if entry is not None else ""

    def _session_actions(self) -> list[str]:
        return [
            e.label
            for e in self.project.history(since=self._opened_at, own=True)
            if e.kind == "action"
        ]

    def count(self) -> int:
        """How many actions this window took since it opened (undone ones included)."""
        return len(self._session_actions())

    def text(self, index: int) -> str:
        """The label of the ``index``-th action this window took since it opened."""
        return self._session_actions()[index]

    # -- doing --------------------------------------------------------------------------------
    def undo(self) -> ChangeSet | None:
        """Undo the newest step; what it wrote, or None (nothing to undo, or it failed:
        then the failure was reported and nothing changed)."""
        return self._replay(self.project.undo)

    def redo(self) -> ChangeSet | None:
        return self._replay(self.project.redo)

    def _replay(self, step: Callable[[], ChangeSet]) -> ChangeSet | None:
        global _replaying
        _replaying += 1
        try:
            return step()
        except AnnotatorError as err:
            self.report(str(err))
            return None
        finally:
            _replaying -= 1
            self.changed.emit()

    def notify(self) -> None:
        """An action was recorded (or another program changed the history)."""
        self.changed.emit()

    @contextmanager
    def batch(self, label: str) -> Iterator[None]:
        """Actions made inside undo as one step named ``label`` (a batch import)."""
        try:
            with self.project.batch(label):
                yield
        finally:
            self.changed.emit()


def execute(
    stack: UndoHistory,
    project: Project,
    label: str,
    operation: Callable[[], T],
) -> T:
    """Run ``operation`` as one undoable action named ``label`` and return its result.

    Raises whatever the operation raises (typically ``AnnotatorError``); then the
    store is unchanged and no step is recorded.
    """
    global _acting
    if is_replaying():
        raise RuntimeError(f"'{label}' started during an undo or redo")
    if not _acting:
        _acting += 1
        try:
            stack.aboutToAct.emit()
        finally:
            _acting -= 1
    _acting += 1
    try:
        with project.action(label):
            result = operation()
    finally:
        _acting -= 1
    stack.notify()
    return result


def runner(stack: UndoHistory) -> Runner:
    """How a window's ``Session`` runs its actions: through ``execute`` on ``stack``
    (half-typed fields committed first, the Edit menu told afterwards)."""

    def run(label: str, operation: Callable[[], T], /) -> T:
        return execute(stack, stack.project, label, operation)

    return run
