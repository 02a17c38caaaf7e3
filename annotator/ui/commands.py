"""Undo/redo: every edit is a ``StoreCommand`` on one ``QUndoStack`` per project.

``execute(stack, project, label, operation)`` runs the operation once, inside a
single store action (so a compound edit such as "code with new code" is one
transaction and one undo step). If it fails, the error propagates to the caller
(which shows it) and nothing is pushed. If it succeeds, the resulting
``ChangeSet`` is pushed; undo applies its inverse and redo applies it again,
each committed to the store at once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError
from annotator.store import Project

T = TypeVar("T")

_replaying = 0


def is_replaying() -> bool:
    """True while an undo or redo is being applied: views refreshing then must not
    start new edits (which would be pushed into the middle of the replay)."""
    return _replaying > 0

#: Called with a message when an undo or redo cannot be applied.
ErrorReporter = Callable[[str], None]


def _print_report(message: str) -> None:
    print(f"Annotator: {message}", file=sys.stderr)


#: Where a failed undo/redo is reported when the caller gave no reporter; the main
#: window replaces it with its message box, so no failure passes unseen.
default_reporter: ErrorReporter = _print_report


class StoreCommand(QUndoCommand):
    """An already-performed store action that can be undone and redone."""

    def __init__(self, project: Project, changes: ChangeSet, report: ErrorReporter | None = None) -> None:
        super().__init__(changes.label)
        self._project = project
        self._changes = changes
        self._report = report
        self._first = True

    @property
    def changes(self) -> ChangeSet:
        return self._changes

    def redo(self) -> None:
        if self._first:  # the action already ran in execute()
            self._first = False
            return
        self._replay(self._changes, "redo")

    def undo(self) -> None:
        self._replay(self._changes.inverse(), "undo")

    def _replay(self, changes: ChangeSet, verb: str) -> None:
        global _replaying
        _replaying += 1
        try:
            self._project.apply_changes(changes, label=verb)
        except AnnotatorError as err:
            # Qt cannot carry an exception out of undo()/redo(): report it and
            # mark the step obsolete so the stack does not try it again.
            self.setObsolete(True)
            (self._report or default_reporter)(str(err))
        finally:
            _replaying -= 1


#: Every pushed command, by the id of its stack, until that stack is destroyed. The stack
#: owns its commands in C++; if Python's garbage collector tore down a command's
#: wrapper in the same sweep that frees the stack, ``QUndoStack::clear()`` would delete
#: a half-freed Python object and crash. Held here (a module global, never garbage),
#: each wrapper outlives its C++ command.
_alive: dict[int, list[StoreCommand]] = {}


def _push(stack: QUndoStack, command: StoreCommand) -> None:
    key = id(stack)
    if key not in _alive:
        _alive[key] = []
        stack.destroyed.connect(lambda *_args, key=key: _alive.pop(key, None))
    _alive[key].append(command)
    stack.push(command)


def push_done(stack: QUndoStack, project: Project, parts: list[ChangeSet], label: str,
              report: ErrorReporter | None = None) -> None:
    """Make several already-committed actions (a batch import: one transaction per
    file, so a broken file never loses the others) into ONE undo step."""
    rows = [rc for part in parts for rc in part.rows]
    if rows:
        _push(stack, StoreCommand(project, ChangeSet(label, rows), report))


def execute(
    stack: QUndoStack,
    project: Project,
    label: str,
    operation: Callable[[], T],
    report: ErrorReporter | None = None,
) -> T:
    """Run ``operation`` as one undoable action named ``label`` and return its result.

    Raises whatever the operation raises (typically ``AnnotatorError``); then the
    store is unchanged and nothing is pushed.
    """
    if is_replaying():
        raise RuntimeError(f"'{label}' started during an undo or redo")
    # The action's own ChangeSet, not ``project.last_changes``: observers run after the
    # commit and may start another action (a pane committing a half-typed field).
    with project.action(label) as changes:
        result = operation()
    if changes:  # every recorded row is a real write (no-op updates are never recorded)
        changes.label = label
        _push(stack, StoreCommand(project, changes, report))
    return result
