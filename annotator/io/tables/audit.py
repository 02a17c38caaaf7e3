"""The project's history as an audit trail for methods reviewers: one CSV row per step.

Columns: ``step, time, who, action, kind, what, state, undoable``. ``kind`` is
``action``, ``undo`` or ``redo``; ``state`` says whether an action still stands
(``done``), was undone (``undone``) or was undone and then superseded by a new
action (``dropped``); ``undoable`` says whether the file still holds what undo
needs (older steps keep only this line). Times are UTC, ISO 8601. The file is
written like every other CSV export (UTF-8 with BOM, formula-safe cells).
"""

from __future__ import annotations

from pathlib import Path

from annotator.io.tables.csv_files import write_csv
from annotator.store import Project

COLUMNS = ("step", "time", "who", "action", "kind", "what", "state", "undoable")


def audit_rows(project: Project) -> list[list[str | int]]:
    """The trail, oldest first, as the CSV's rows."""
    return [
        [
            e.id,
            e.at,
            e.actor,
            e.label,
            e.kind,
            e.summary,
            e.state,
            "yes" if e.replayable and e.kind == "action" else "no",
        ]
        for e in project.history()
    ]


def export_audit(project: Project, path: str | Path) -> int:
    """Write the whole history to ``path``; returns the number of steps written."""
    return write_csv(path, COLUMNS, audit_rows(project))
