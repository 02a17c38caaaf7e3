"""A document's attributes (genre = op-ed, year = 2024): add, rename, change, remove.

A table of name = value, edited in place: a changed value, a new name for an
attribute, a new attribute and a removal are each one undoable step
(``app.people``). A name the document already has is refused with the message
below the table and the cell goes back to what is stored. "Add attribute" opens
an empty row; it becomes an attribute once it has a name. Each row knows its
attribute by the name stored in its data (the cell's text is what is being
typed). The table follows the store (an undo, another program), re-read once the
edit in progress has been committed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.app import people
from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError, NotFound
from annotator.store import Project
from annotator.ui.panels.coders_dialog import error_label, session_for, show_inline
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

#: The attribute's name as stored, kept on the row's name cell (None: a new row).
StoredRole = Qt.ItemDataRole.UserRole
NAME, VALUE = 0, 1


class AttributesDialog(QDialog):
    """Edits the attributes of one document."""

    def __init__(
        self,
        project: Project,
        events: ProjectEvents,
        stack: UndoHistory,
        state: WorkbenchState,
        document_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("attributesDialog")
        self.project = project
        self.document_id = document_id
        self.session = session_for(project, stack, state)
        self._loading = False
        self._reload_due = False

        self.heading = QLabel()
        self.heading.setObjectName("attributesHeading")
        self.heading.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("attributeTable")
        self.table.setHorizontalHeaderLabels(["Attribute", "Value"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(NAME, 160)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.error = error_label("attributeError")
        self.add_button = QPushButton("&Add attribute")
        self.add_button.setObjectName("addAttribute")
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setObjectName("removeAttribute")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.resize(460, 340)

        self.table.itemChanged.connect(self._on_item_changed)
        # A change that came while a cell was being edited is shown once it is done.
        self.table.itemDelegate().closeEditor.connect(
            lambda *_a: self._later(self.reload) if self._reload_due else None
        )
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)
        events.changed.connect(self._on_changed)
        events.reloaded.connect(self.reload)
        self.reload()

    # -- showing -------------------------------------------------------------------------
    def _title(self) -> str | None:
        try:
            return self.project.document(self.document_id, with_text=False).title
        except NotFound:
            return None

    def reload(self) -> None:
        """Re-read the document's attributes (new rows not yet named are kept)."""
        if self.table.state() == QAbstractItemView.State.EditingState:
            self._reload_due = True  # not under the researcher's cursor: after the edit
            return
        self._reload_due = False
        title = self._title()
        self.setWindowTitle(f"Attributes — {title or 'deleted document'}")
        self.heading.setText(
            f"Attributes of “{title}”: double-click a name or a value to change it."
            if title is not None
            else "This document was deleted (Edit → Undo brings it back)."
        )
        attributes = self.project.document_attributes(self.document_id) if title else {}
        drafts = [
            self._text(r, VALUE) for r in range(self.table.rowCount()) if self._stored(r) is None
        ]
        selected = self._stored(self.table.currentRow()) if self.table.currentRow() >= 0 else None
        self._loading = True
        try:
            self.table.setRowCount(0)
            for name, value in attributes.items():
                self._append(name, value, name)
            for value in drafts:
                self._append("", value, None)
        finally:
            self._loading = False
        for r in range(self.table.rowCount()):
            if selected is not None and self._stored(r) == selected:
                self.table.selectRow(r)
        writable = title is not None and not self.project.read_only
        self.table.setEnabled(writable)
        self.add_button.setEnabled(writable)
        self._update_buttons()

    def _append(self, name: str, value: str, stored: str | None) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        name_item = QTableWidgetItem(name)
        name_item.setData(StoredRole, stored)
        self.table.setItem(r, NAME, name_item)
        self.table.setItem(r, VALUE, QTableWidgetItem(value))

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _stored(self, row: int) -> str | None:
        item = self.table.item(row, NAME)
        stored = item.data(StoredRole) if item is not None else None
        return None if stored is None else str(stored)

    def attributes_shown(self) -> dict[str, str]:
        """Name -> value as the table shows them (stored rows only)."""
        out: dict[str, str] = {}
        for r in range(self.table.rowCount()):
            name, value = self.table.item(r, NAME), self.table.item(r, VALUE)
            if self._stored(r) is not None and name is not None and value is not None:
                out[name.text()] = value.text()
        return out

    def _update_buttons(self) -> None:
        row = self.table.currentRow()
        self.remove_button.setEnabled(
            self.table.isEnabled() and row >= 0 and bool(self.table.selectedItems())
        )

    # -- editing -------------------------------------------------------------------------
    def add_row(self) -> None:
        """An empty row with its name being edited; named, it becomes an attribute."""
        show_inline(self.error, "")
        self._loading = True
        try:
            self._append("", "", None)
        finally:
            self._loading = False
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, NAME)
        self.table.edit(self.table.model().index(row, NAME))

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        row = item.row()
        stored = self._stored(row)
        name_item, value_item = self.table.item(row, NAME), self.table.item(row, VALUE)
        if name_item is None or value_item is None:
            return
        try:
            if stored is None:
                if item.column() == NAME and item.text().strip():
                    self._now_stored(
                        name_item,
                        people.add_attribute(
                            self.session, self.document_id, item.text(), value_item.text()
                        ),
                    )
                elif item.column() == NAME:
                    self._later(self._drop_empty_drafts)  # a new row left without a name
                    return
                else:
                    return  # a value on a row without a name yet: kept until it has one
            elif item.column() == NAME:
                self._now_stored(
                    name_item,
                    people.rename_attribute(self.session, self.document_id, stored, item.text()),
                )
            else:
                current = self.project.document_attributes(self.document_id).get(stored)
                if current != item.text():
                    people.set_attribute(self.session, self.document_id, stored, item.text())
        except AnnotatorError as err:
            show_inline(self.error, str(err))
            if stored is not None:  # back to what is stored
                self._later(self.reload)
            return
        show_inline(self.error, "")
        self._later(self.reload)

    def _now_stored(self, name_item: QTableWidgetItem, name: str) -> None:
        """The row is the attribute ``name`` from now on (at once: the next edit of the row
        may come before the table is re-read)."""
        self._loading = True  # (setting an item's data is itself an itemChanged)
        try:
            name_item.setData(StoredRole, name)
        finally:
            self._loading = False

    def _later(self, work: Callable[[], None]) -> None:
        # Not inside itemChanged: the view is still finishing the edit of that very cell.
        QTimer.singleShot(0, work)

    def _drop_empty_drafts(self) -> None:
        for r in reversed(range(self.table.rowCount())):
            item = self.table.item(r, NAME)
            if self._stored(r) is None and (item is None or not item.text().strip()):
                self.table.removeRow(r)
        self._update_buttons()

    def remove_selected(self) -> bool:
        row = self.table.currentRow()
        if row < 0:
            return False
        stored = self._stored(row)
        if stored is None:
            self.table.removeRow(row)
            return True
        try:
            people.remove_attribute(self.session, self.document_id, stored)
        except AnnotatorError as err:
            show_inline(self.error, str(err))
            return False
        return True

    # -- store changes ---------------------------------------------------------------------
    def _on_changed(self, changes: ChangeSet) -> None:
        if self.document_id in changes.affected(
            "document_attributes", "document_id"
        ) or self.document_id in changes.ids("documents"):
            self.reload()
