"""The project's history (Edit -> History…): who did what and when, newest first.

It reads the trail the store keeps in the project file, so it shows the work of
every session and every program (the command line too), including what was undone.
"Export…" writes it as the audit-trail CSV that methods reviewers ask for.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.store import Project
from annotator.ui.widgets import file_dialogs, messages

HEADERS = ("When", "Who", "Step", "What it did", "State")
_STATES = {"done": "", "undone": "undone", "dropped": "undone, then replaced", "": ""}
#: Rows shown at most (the export has them all).
SHOWN = 2000


def _local(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return stamp


class HistoryDialog(QDialog):
    """A read-only table of the history with an export button."""

    def __init__(
        self, project: Project, settings: QSettings | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(f"History of {project.path.stem}")
        self.project = project
        self.settings = settings
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("historyTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        export = QPushButton("Export…", self)
        export.setObjectName("exportHistory")
        buttons.addButton(export, QDialogButtonBox.ButtonRole.ActionRole)
        export.clicked.connect(self.ask_export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(900, 520)
        self.refresh()

    def refresh(self) -> None:
        entries = list(reversed(self.project.history(limit=SHOWN)))
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            state = _STATES.get(e.state, e.state)
            if e.kind == "action" and not e.replayable:
                state = (state + "; " if state else "") + "no longer undoable"
            for col, value in enumerate((_local(e.at), e.actor or "—", e.label, e.summary, state)):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                self.table.setItem(row, col, item)
        total = self.project.last_history_id()
        limit = self.project.history_limit
        self.note.setText(
            f"{len(entries)} of the project's steps, newest first. Undo reaches back over the last "
            f"{limit:,} actions; older ones keep this line only."
            + (" Export writes them all." if total > SHOWN else "")
        )

    def ask_export(self) -> None:
        from annotator.io.tables.audit import export_audit

        path = file_dialogs.save_file(
            self,
            self.settings,
            "export",
            "Export history",
            f"{self.project.path.stem}-history.csv",
            "CSV (*.csv)",
            self.project.path.parent,
        )
        if path is None:
            return
        if not path.suffix:
            path = path.with_suffix(".csv")
        try:
            n = export_audit(self.project, path)
        except AnnotatorError as err:
            messages.show_error(self, err)
            return
        self.note.setText(f"Wrote {n} steps to {path}.")
