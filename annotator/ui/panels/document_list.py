"""The document list: every text in the project, filterable, with its coding count.

A thin table model over ``project.documents()`` feeds a filter proxy and a
tree view. Selecting a row opens that document (``state.current_document_id``);
the row follows when another panel opens a document. Store changes update only
the rows a ``ChangeSet`` names: inserted, deleted or renamed documents, changed
attributes, and the coding counts of the documents whose codings changed. The
counts are those of the coders the window shows (the Show filter, as in the
codebook) and follow it when it changes. After
a change made outside this window (``ProjectEvents.reloaded``) every row is
re-read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError
from annotator.core.models import DocumentSummary
from annotator.core.text import plural
from annotator.store import Project
from annotator.ui.widgets import commands, messages
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

Index = QModelIndex | QPersistentModelIndex

#: Role holding the document id of a row (never parsed from the shown text).
DocumentIdRole = Qt.ItemDataRole.UserRole
#: Role holding the text the filter matches (title, file name, attribute values).
FilterTextRole = Qt.ItemDataRole.UserRole + 1

COLUMNS = ("Title", "Attributes", "Codings")
TITLE, ATTRIBUTES, CODINGS = range(3)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question (tests patch this instead of answering a modal box)."""
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


class DocumentTableModel(QAbstractTableModel):
    """One row per document, in import order; edits to the title are requested, not applied.

    The model never writes to the store: an edited title is emitted as
    ``renameRequested(document_id, title)`` and the row changes when the store
    reports the rename.
    """

    renameRequested = Signal(str, str)

    def __init__(
        self,
        project: Project,
        parent: QWidget | None = None,
        *,
        coder_ids: Iterable[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._project = project
        self._coders: frozenset[str] | None = None if coder_ids is None else frozenset(coder_ids)
        self._docs: list[DocumentSummary] = []
        self._rows: dict[str, int] = {}
        self._load()

    def _load(self) -> None:
        self._docs = self._project.documents()  # one query for rows and counts, one for attributes
        if self._coders is not None:  # the shown coders' counts: one more query
            counts = self._project.coding_counts(None, self._coders)
            self._docs = [d.model_copy(update={"codings": counts.get(d.id, 0)}) for d in self._docs]
        self._reindex()

    def _counts(self, document_ids: Iterable[str]) -> dict[str, int]:
        """Codings per document, of every coder or only the shown ones (one query)."""
        return self._project.coding_counts(document_ids, self._coders)

    def coder_filter(self) -> frozenset[str] | None:
        return self._coders

    def set_coder_filter(self, coder_ids: Iterable[str] | None) -> None:
        """Count only these coders' codings (None: everyone's), as the Show filter says;
        only the rows whose count changes are announced."""
        coders = None if coder_ids is None else frozenset(coder_ids)
        if coders == self._coders:
            return
        self._coders = coders
        fresh = self._project.coding_counts(None, coders)
        rows = set()
        for row, doc in enumerate(self._docs):
            count = fresh.get(doc.id, 0)
            if count != doc.codings:
                self._replace(row, codings=count)
                rows.add(row)
        self._changed_rows(rows, CODINGS, CODINGS)

    def reload(self) -> None:
        """Re-read every row (the file changed outside this window; no ChangeSet to follow)."""
        self.beginResetModel()
        self._load()
        self.endResetModel()

    # -- reading -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._docs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.TextAlignmentRole
            and section == CODINGS
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        doc = self._docs[index.row()]
        col = index.column()
        if role == DocumentIdRole:
            return doc.id
        if role == FilterTextRole:
            return " ".join([doc.title, doc.source_name, *doc.attributes.values()]).casefold()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == TITLE:
                return doc.title
            if col == ATTRIBUTES:
                return " · ".join(v for v in doc.attributes.values() if v)
            return doc.codings
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(doc, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == CODINGS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _tooltip(self, doc: DocumentSummary, col: int) -> str:
        if col == ATTRIBUTES:
            if not doc.attributes:
                return "No attributes"
            return "\n".join(f"{name}: {value}" for name, value in doc.attributes.items())
        if col == CODINGS:
            who = "" if self._coders is None else " (shown coders)"
            return plural(doc.codings, "coding") + who
        lines = [doc.title]
        if doc.source_name:
            lines.append(f"File: {doc.source_name}")
        lines.append(f"{doc.length:,} characters")
        return "\n".join(lines)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == TITLE:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != TITLE:
            return False
        doc = self._docs[index.row()]
        title = str(value)
        if " ".join(title.split()) != doc.title:
            self.renameRequested.emit(doc.id, title)
        # The row itself changes when the store reports the rename.
        return False

    def row_of(self, document_id: str) -> int | None:
        return self._rows.get(document_id)

    def document(self, row: int) -> DocumentSummary:
        return self._docs[row]

    # -- incremental updates ---------------------------------------------------------
    def _reindex(self) -> None:
        self._rows = {d.id: i for i, d in enumerate(self._docs)}

    def _replace(self, row: int, **fields: Any) -> None:
        self._docs[row] = self._docs[row].model_copy(update=fields)

    def _changed_rows(self, rows: set[int], first_col: int, last_col: int) -> None:
        for row in sorted(rows):
            self.dataChanged.emit(self.index(row, first_col), self.index(row, last_col))

    def apply(self, changes: ChangeSet) -> None:
        """Bring the rows a ChangeSet touches up to date, and only those."""
        renamed: set[int] = set()
        for rc in changes.of("documents"):
            doc_id = rc.key[0]
            row = self._rows.get(doc_id)
            if rc.after is None:
                if row is not None:
                    self.beginRemoveRows(QModelIndex(), row, row)
                    del self._docs[row]
                    self._reindex()
                    self.endRemoveRows()
            elif row is None:
                self._insert(rc.after)
            else:
                after = rc.after
                self._replace(
                    row,
                    title=after["title"],
                    source_name=after.get("source_name", ""),
                    format=after.get("format", "txt"),
                )
                renamed.add(row)
        self._changed_rows(renamed, TITLE, TITLE)

        attr_rows: set[int] = set()
        for doc_id in changes.affected("document_attributes", "document_id"):
            row = self._rows.get(doc_id)
            if row is not None:
                self._replace(row, attributes=self._project.document_attributes(doc_id))
                attr_rows.add(row)
        self._changed_rows(attr_rows, ATTRIBUTES, ATTRIBUTES)

        count_rows: set[int] = set()
        doc_ids = [d for d in changes.affected("codings", "document_id") if d in self._rows]
        if doc_ids:
            fresh = self._counts(doc_ids)  # one query for every affected document
            for doc_id in doc_ids:
                row = self._rows[doc_id]
                if fresh[doc_id] != self._docs[row].codings:
                    self._replace(row, codings=fresh[doc_id])
                    count_rows.add(row)
        self._changed_rows(count_rows, CODINGS, CODINGS)

    def _insert(self, after: dict[str, Any]) -> None:
        doc = DocumentSummary.model_construct(
            id=after["id"],
            title=after["title"],
            source_name=after.get("source_name", ""),
            format=after.get("format", "txt"),
            length=int(after.get("length") or 0),
            imported_at=after.get("imported_at", ""),
            codings=self._counts([after["id"]])[after["id"]],
            attributes=self._project.document_attributes(after["id"]),
        )
        # Keep import order, so an undone delete puts the document back where it was.
        keys = [d.imported_at for d in self._docs]
        row = bisect_right(keys, doc.imported_at)
        self.beginInsertRows(QModelIndex(), row, row)
        self._docs.insert(row, doc)
        self._reindex()
        self.endInsertRows()


class DocumentFilter(QSortFilterProxyModel):
    """Keeps the rows whose title, file name or attribute values contain every typed word."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        haystack = str(model.data(model.index(source_row, 0, source_parent), FilterTextRole))
        return all(word in haystack for word in self._words)


class DocumentListPanel(QWidget):
    """Filter box plus the document table; drives and follows ``state.current_document_id``."""

    def __init__(
        self,
        project: Project,
        events: ProjectEvents,
        stack: UndoHistory,
        state: WorkbenchState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.stack = stack
        self.state = state
        # While rows vanish (filtered out, deleted) Qt selects a neighbour; that
        # must not open another document, so selection changes are ignored then.
        self._syncing = False

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("documentFilter")
        self.filter_edit.setPlaceholderText("Filter documents")
        self.filter_edit.setClearButtonEnabled(True)

        self.model = DocumentTableModel(project, self, coder_ids=state.visible_coder_ids)
        self.proxy = DocumentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.EditRole)

        self.view = QTreeView(self)
        self.view.setObjectName("documentList")
        self.view.setModel(self.proxy)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Renaming starts from F2 or the context menu, never from a stray double-click.
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(
            -1, Qt.SortOrder.AscendingOrder
        )  # import order until a header is clicked
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ATTRIBUTES, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CODINGS, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(ATTRIBUTES, 120)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view)

        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._delete_current)

        self.filter_edit.textChanged.connect(self._on_filter)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.model.renameRequested.connect(self.rename_document)
        state.currentDocumentChanged.connect(self._select)
        state.visibleCodersChanged.connect(self.model.set_coder_filter)
        events.changed.connect(self._on_changed)
        events.reloaded.connect(self.reload)
        self._select(state.current_document_id)

    # -- selection -----------------------------------------------------------------
    def selected_document_id(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return str(rows[0].data(DocumentIdRole)) if rows else None

    def _on_selection(self) -> None:
        doc_id = self.selected_document_id()
        # An empty selection (row filtered out) does not close the open document.
        if doc_id is not None and not self._syncing:
            self.state.set_current_document(doc_id)

    def _proxy_index(self, document_id: str | None) -> QModelIndex:
        row = self.model.row_of(document_id) if document_id else None
        if row is None:
            return QModelIndex()
        return self.proxy.mapFromSource(self.model.index(row, 0))

    def _select(self, document_id: str | None) -> None:
        index = self._proxy_index(document_id)
        selection = self.view.selectionModel()
        if not index.isValid():
            selection.clearSelection()
            return
        if index.row() in {r.row() for r in selection.selectedRows()}:
            return
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        selection.setCurrentIndex(index, flags)
        self.view.scrollTo(index)

    def _on_filter(self, text: str) -> None:
        self._syncing = True
        try:
            self.proxy.set_text(text)
            self._select(self.state.current_document_id)
        finally:
            self._syncing = False

    # -- store changes -------------------------------------------------------------
    def _on_changed(self, changes: ChangeSet) -> None:
        self._syncing = True
        try:
            self.model.apply(changes)
            if changes.touches("documents") or changes.touches("document_attributes"):
                self._select(self.state.current_document_id)
        finally:
            self._syncing = False
        current = self.state.current_document_id
        if (
            current is not None
            and current in changes.ids("documents")
            and self.model.row_of(current) is None
        ):
            self.state.set_current_document(None)  # the open document was deleted

    def reload(self) -> None:
        """Re-read every document (an outside change), keeping the filter, the sort, the
        scroll position and the open document's row; a deleted open document is closed."""
        bar = self.view.verticalScrollBar()
        top = bar.value()
        self._syncing = True
        try:
            self.model.reload()
            self._select(self.state.current_document_id)
            bar.setValue(top)  # where the researcher was in the list, not where the row is
        finally:
            self._syncing = False
        current = self.state.current_document_id
        if current is not None and self.model.row_of(current) is None:
            self.state.set_current_document(None)  # the open document was deleted elsewhere

    # -- editing -------------------------------------------------------------------
    def rename_document(self, document_id: str, title: str) -> bool:
        """Rename as one undo step; shows the error and returns False on bad input."""
        try:
            old = self.project.document(document_id, with_text=False).title
            new = " ".join(title.split())
            commands.execute(
                self.stack,
                self.project,
                f"Rename document {old} to {new}",
                lambda: self.project.rename_document(document_id, title),
            )
        except AnnotatorError as err:
            messages.show_error(self, err)
            return False
        return True

    def delete_document(self, document_id: str) -> bool:
        """Delete after confirmation (naming what goes with it), as one undo step."""
        row = self.model.row_of(document_id)
        if row is None:
            return False
        doc = self.model.document(row)
        # Every coder's codings go with it, whichever coders the list counts.
        what = plural(self.project.coding_count(document_id), "coding")
        question = (
            f"Delete '{doc.title}' and its {what} from the project?\n"
            "You can undo this with Edit > Undo."
        )
        if not confirm(self, "Delete document", question):
            return False
        try:
            commands.execute(
                self.stack,
                self.project,
                f"Delete document {doc.title}",
                lambda: self.project.delete_document(document_id),
            )
        except AnnotatorError as err:
            messages.show_error(self, err)
            return False
        return True

    def _delete_current(self) -> None:
        doc_id = self.selected_document_id()
        if doc_id is not None:
            self.delete_document(doc_id)

    def start_rename(self, document_id: str) -> None:
        """Open the in-place title editor on the document's row."""
        index = self._proxy_index(document_id)
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.edit(index)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        doc_id = str(index.data(DocumentIdRole))
        menu = QMenu(self)
        menu.addAction("Rename…", lambda: self.start_rename(doc_id))
        menu.addAction("Delete…", lambda: self.delete_document(doc_id))
        menu.exec(self.view.viewport().mapToGlobal(pos))
