"""Search every document at once, read the hits in context, and code them.

A keyword-in-context list: document, the words before (right-aligned), the
match in bold, the words after. Double-click (or Enter) opens the passage in
the document view; "Code selected…" / "Code all…" apply one code to the hits
through ``CodingActions.apply_many``, so a whole batch is one undo step.
Hits stay valid while the dialog is open because document texts never change;
deleted documents' hits are dropped and renamed ones relabelled, also after a
change made outside this window (``ProjectEvents.reloaded``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.core.search import Hit, HitList, search_documents
from annotator.store import Project
from annotator.ui.widgets import messages
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.code_picker import PickResult, pick_code
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.messages import ERROR_COLOR
from annotator.ui.widgets.state import WorkbenchState

DOC, BEFORE, MATCH, AFTER = range(4)
#: A runaway pattern stops starting new documents after this many seconds.
TIME_BUDGET = 10.0

Index = QModelIndex | QPersistentModelIndex


class HitModel(QAbstractTableModel):
    """The hits as a table; no per-row objects, so 10,000 hits stay quick."""

    HEADERS = ("Document", "Before", "Match", "After")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit, col = self.hits[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (hit.title, hit.before, hit.match, hit.after)[col]
        if role == Qt.ItemDataRole.FontRole and col == MATCH:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = Qt.AlignmentFlag.AlignRight if col == BEFORE else Qt.AlignmentFlag.AlignLeft
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.title}, characters {hit.start}–{hit.end}\n{hit.before}{hit.match}{hit.after}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def drop_document(self, document_id: str) -> None:
        # Remove contiguous runs from the end so earlier row numbers stay valid.
        rows = [i for i, h in enumerate(self.hits) if h.document_id == document_id]
        while rows:
            last = rows.pop()
            first = last
            while rows and rows[-1] == first - 1:
                first = rows.pop()
            self.beginRemoveRows(QModelIndex(), first, last)
            del self.hits[first : last + 1]
            self.endRemoveRows()

    def retitle(self, document_id: str, title: str) -> None:
        for i, h in enumerate(self.hits):
            if h.document_id == document_id:
                self.hits[i] = Hit(h.document_id, title, h.start, h.end, h.before, h.match, h.after)
                self.dataChanged.emit(self.index(i, DOC), self.index(i, DOC))


class _ContextDelegate(QStyledItemDelegate):
    """Elide the text before a match on the left, so the words next to it stay visible."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if index.column() == BEFORE:
            option.textElideMode = Qt.TextElideMode.ElideLeft


def confirm_current_code(parent: QWidget | None, code_name: str, count: int) -> str | None:
    """"use" the current code, "choose" another, or None (cancel)."""
    box = QMessageBox(parent)
    box.setWindowTitle("Code search hits")
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(f"Code {count} passage{'s' if count != 1 else ''} with “{code_name}”?")
    use = box.addButton(f"Use “{code_name}”", QMessageBox.ButtonRole.AcceptRole)
    other = box.addButton("Choose another code…", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(use)
    box.exec()
    clicked = box.clickedButton()
    return "use" if clicked is use else "choose" if clicked is other else None


class SearchDialog(QDialog):
    """Non-modal search across all documents of ``project``."""

    def __init__(self, project: Project, events: ProjectEvents, stack: UndoHistory,
                 state: WorkbenchState, actions: CodingActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchDialog")
        self.setWindowTitle("Search documents")
        self.setModal(False)
        # ``coding_actions``, not ``actions``: QWidget.actions() already exists.
        self.project, self.events, self.stack, self.state = project, events, stack, state
        self.coding_actions = actions

        self.query_edit = QLineEdit(self)
        self.query_edit.setObjectName("searchQuery")
        self.query_edit.setPlaceholderText("Words or a pattern to find in every document")
        self.query_edit.setClearButtonEnabled(True)
        self.search_button = QPushButton("Search", self)
        self.regex_box = QCheckBox("Regex", self)
        self.case_box = QCheckBox("Match case", self)
        self.word_box = QCheckBox("Whole word", self)
        self.word_box.setChecked(True)  # "AI" should not find "maintain"
        self.count_label = QLabel(self)
        self.count_label.setObjectName("searchCount")
        self.count_label.setWordWrap(True)

        self.model = HitModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("searchResults")
        self.table.setModel(self.model)
        self.table.setItemDelegate(_ContextDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DOC, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(BEFORE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MATCH, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AFTER, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(DOC, 140)

        self.code_selected_button = QPushButton("Code selected…", self)
        self.code_all_button = QPushButton("Code all…", self)
        self.feedback = QLabel(self)
        self.feedback.setObjectName("searchFeedback")
        close = QPushButton("Close", self)
        for button in (self.search_button, self.code_selected_button, self.code_all_button, close):
            button.setAutoDefault(False)  # Enter in the query box searches, nothing else

        top = QHBoxLayout()
        top.addWidget(self.query_edit, 1)
        top.addWidget(self.search_button)
        options = QHBoxLayout()
        for box in (self.regex_box, self.case_box, self.word_box):
            options.addWidget(box)
        options.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.code_selected_button)
        bottom.addWidget(self.code_all_button)
        bottom.addWidget(self.feedback, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(options)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.resize(820, 480)

        self.query_edit.returnPressed.connect(self.run_search)
        self.search_button.clicked.connect(self.run_search)
        for box in (self.regex_box, self.case_box, self.word_box):
            box.toggled.connect(self._options_changed)
        self.table.activated.connect(self._reveal)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.code_selected_button.clicked.connect(self.code_selected)
        self.code_all_button.clicked.connect(self.code_all)
        close.clicked.connect(self.close)
        events.changed.connect(self._on_changed)
        events.reloaded.connect(self.reload)
        self._update_buttons()

    # -- searching -------------------------------------------------------------------
    def _texts(self) -> Iterator[tuple[str, str, str]]:
        # Lazily, one document's text in memory at a time.
        for doc in self.project.documents():
            yield doc.id, doc.title, self.project.document_text(doc.id)

    def run_search(self) -> None:
        query = self.query_edit.text()
        self.feedback.clear()
        hits = HitList()
        error = ""
        if query:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                hits = search_documents(self._texts(), query, regex=self.regex_box.isChecked(),
                                        case_sensitive=self.case_box.isChecked(),
                                        whole_word=self.word_box.isChecked(), time_budget=TIME_BUDGET)
            except InvalidInput as err:
                error = str(err)
            finally:
                QApplication.restoreOverrideCursor()
        self.model.set_hits(hits)
        if error:
            self._set_count(error, error=True)
        elif not query:
            self._set_count("")
        elif not hits:
            self._set_count("No matches.")
        else:
            n, docs = len(hits), hits.document_count
            text = f"{n:,} match{'es' if n != 1 else ''} in {docs} document{'s' if docs != 1 else ''}."
            self._set_count(f"{text} {hits.note}".strip())
        self._update_buttons()

    def _options_changed(self) -> None:
        if self.query_edit.text():
            self.run_search()

    def _set_count(self, text: str, *, error: bool = False) -> None:
        self.count_label.setText(text)
        self.count_label.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")

    def _update_buttons(self) -> None:
        self.code_all_button.setEnabled(bool(self.model.hits))
        self.code_selected_button.setEnabled(self.table.selectionModel().hasSelection())

    def selected_hits(self) -> list[Hit]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.hits[r] for r in rows]

    def _reveal(self, index: QModelIndex) -> None:
        hit = self.model.hits[index.row()]
        self.state.reveal(hit.document_id, hit.start, hit.end)

    # -- coding ----------------------------------------------------------------------
    def code_selected(self) -> None:
        self._code(self.selected_hits())

    def code_all(self) -> None:
        self._code(list(self.model.hits))

    def _choose(self, count: int) -> PickResult | None:
        current = self.state.current_code_id
        if current is not None and current in self.project.code_tree().codes:
            answer = confirm_current_code(self, self.project.code(current).name, count)
            if answer is None:
                return None
            if answer == "use":
                return PickResult(current, None)
        s = "s" if count != 1 else ""
        return pick_code(self, self.project, self.coding_actions.recent_codes, f"Code {count} passage{s} with…")

    def _code(self, hits: list[Hit]) -> None:
        if not hits:
            messages.show_error(self, "There are no search hits to code.")
            return
        if self.state.active_coder_id is None:
            # Before asking for a code, not after: the answer would be wasted.
            messages.show_error(self, "Choose who is coding first (the coder box in the toolbar).")
            return
        choice = self._choose(len(hits))
        if choice is None:
            return
        try:
            if choice.code_id is not None:
                code_id = choice.code_id
                spans = self._uncoded(code_id, hits)
                if spans:
                    self.coding_actions.apply_many(code_id, spans)
            else:
                assert choice.new_name is not None
                spans = [(h.document_id, h.start, h.end) for h in hits]
                code_id = self._apply_new_code(choice.new_name, spans)
        except AnnotatorError as err:
            messages.show_error(self, err)
            return
        name = self.project.code(code_id).name
        skipped = len(hits) - len(spans)
        if not spans:
            text = f"Nothing to do: every passage already has “{name}” from you."
        else:
            text = f"Coded {len(spans)} passage{'s' if len(spans) != 1 else ''} with “{name}”."
            if skipped:
                text += f" {skipped} already had it."
        self.feedback.setText(text)

    def _uncoded(self, code_id: str, hits: list[Hit]) -> list[tuple[str, int, int]]:
        """The hits not yet coded with ``code_id`` by the active coder (pressing twice adds nothing)."""
        assert self.state.active_coder_id is not None
        done = {(c.document_id, c.start, c.end) for c in self.project.codings(
            code_ids=[code_id], coder_ids=[self.state.active_coder_id])}
        spans = [(h.document_id, h.start, h.end) for h in hits]
        return [s for s in spans if s not in done]

    def _apply_new_code(self, name: str, spans: list[tuple[str, int, int]]) -> str:
        """Create a top-level code and apply it to ``spans``: one transaction, one undo step."""
        code, _ = self.coding_actions.code_many_with_new_code(name, None, spans)
        return code.id

    # -- store changes ---------------------------------------------------------------
    def reload(self) -> None:
        """Another program changed the file: the hits depend only on (immutable) texts,
        so only their documents' titles and existence are re-read. The search is not
        run again: documents added elsewhere join the hits at the next search."""
        if not self.model.hits:
            return
        titles = {d.id: d.title for d in self.project.documents()}
        shown = {h.document_id: h.title for h in self.model.hits}
        for doc_id, title in shown.items():
            if doc_id not in titles:
                self.model.drop_document(doc_id)
            elif titles[doc_id] != title:
                self.model.retitle(doc_id, titles[doc_id])
        self._update_buttons()

    def _on_changed(self, changes: ChangeSet) -> None:
        if not self.model.hits or not changes.touches("documents"):
            return
        for rc in changes.of("documents"):
            if rc.kind == "delete":
                self.model.drop_document(rc.key[0])
            elif rc.kind == "update" and rc.after is not None:
                self.model.retitle(rc.key[0], rc.after["title"])
        self._update_buttons()
