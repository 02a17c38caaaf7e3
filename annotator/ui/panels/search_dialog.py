"""Search every document at once, read the hits in context, and code them.

A keyword-in-context list: document, the words before (right-aligned), the
match in bold, the words after. Double-click (or Enter) opens the passage in
the document view; "Code selected…" / "Code all…" apply one code to the hits
through ``CodingActions.code_spans`` (``app.operations``): a whole batch is one
undo step, and hits the coder has already coded with that code are skipped.

The search runs off the window's thread (``app.search``, on its own read-only
connection, through ``widgets.background.ReadRunner``): the window never
freezes, the hits fill the list as they are found with a count of the documents
searched, and a new search (or a changed option) cancels the one running.
Hits stay valid while the dialog is open because document texts never change;
deleted documents' hits are dropped and renamed ones relabelled, also after a
change made outside this window (``ProjectEvents.reloaded``) and for hits that
arrive after the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.app.background import Progress
from annotator.app.operations import widen_spans
from annotator.app.search import search_read
from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.core.search import Hit, HitList
from annotator.store import Project
from annotator.ui.panels import code_hits_dialog
from annotator.ui.widgets import messages
from annotator.ui.widgets.background import ReadRunner
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.messages import ERROR_COLOR
from annotator.ui.widgets.state import WorkbenchState
from annotator.ui.widgets.theme import error_text_color

DOC, BEFORE, MATCH, AFTER = range(4)

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
            return (
                f"{hit.title}, characters {hit.start}–{hit.end}\n{hit.before}{hit.match}{hit.after}"
            )
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def set_hits(self, hits: Sequence[Hit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def add_hits(self, hits: Sequence[Hit]) -> None:
        """More hits, after those listed (a search still running)."""
        if not hits:
            return
        first = len(self.hits)
        self.beginInsertRows(QModelIndex(), first, first + len(hits) - 1)
        self.hits.extend(hits)
        self.endInsertRows()

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


class SearchDialog(QDialog):
    """Non-modal search across all documents of ``project``."""

    #: A search ended: its hits are all listed, or its error is shown (not for a
    #: search cancelled by a newer one).
    searchFinished = Signal()

    def __init__(
        self,
        project: Project,
        events: ProjectEvents,
        state: WorkbenchState,
        actions: CodingActions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("searchDialog")
        self.setWindowTitle("Search documents")
        self.setModal(False)
        # ``coding_actions``, not ``actions``: QWidget.actions() already exists.
        self.project, self.events, self.state = project, events, state
        self.coding_actions = actions
        self.runner = ReadRunner(self)
        #: While a search runs: the documents that exist now, by id, with their titles
        #: (hits arriving for others are dropped; renamed ones are relabelled).
        self._titles: dict[str, str] = {}

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
        self.runner.progressed.connect(self._on_progress)
        self.runner.done.connect(self._on_done)
        self.runner.failed.connect(self._on_failed)
        events.changed.connect(self._on_changed)
        events.reloaded.connect(self.reload)
        self._update_buttons()

    # -- searching -------------------------------------------------------------------
    @property
    def searching(self) -> bool:
        """Whether a search is running (its hits are still arriving)."""
        return self.runner.running

    def run_search(self) -> None:
        """Search for the query with the options set, in the background (the one running
        is cancelled); ``searchFinished`` says when every hit is listed."""
        query = self.query_edit.text()
        self.feedback.clear()
        self.runner.cancel()
        self.model.set_hits([])
        if not query:
            self._set_count("")
            self._finished()
            return
        try:
            job = search_read(
                self.project.path,
                query,
                regex=self.regex_box.isChecked(),
                case_sensitive=self.case_box.isChecked(),
                whole_word=self.word_box.isChecked(),
            )
        except InvalidInput as err:
            self._set_count(str(err), error=True)
            self._finished()
            return
        self._titles = {d.id: d.title for d in self.project.documents()}
        self._set_count("Searching…")
        self.runner.start(job)
        self._update_buttons()

    def _listed(self, hits: Sequence[Hit]) -> list[Hit]:
        """``hits`` of documents that still exist, under their titles of now."""
        out = []
        for h in hits:
            title = self._titles.get(h.document_id)
            if title is None:
                continue
            out.append(
                h
                if title == h.title
                else Hit(h.document_id, title, h.start, h.end, h.before, h.match, h.after)
            )
        return out

    def _on_progress(self, progress: Progress) -> None:
        self.model.add_hits(self._listed(progress.data or ()))
        n = len(self.model.hits)
        self._set_count(
            f"Searching… {progress.done:,} of {progress.total:,} documents, "
            f"{n:,} match{'es' if n != 1 else ''} so far."
        )
        self._update_buttons()

    def _on_done(self, hits: HitList) -> None:
        if len(self.model.hits) != len(self._listed(hits)):  # not all reported (cannot happen)
            self.model.set_hits(self._listed(hits))
        n, docs = len(self.model.hits), len({h.document_id for h in self.model.hits})
        if not n:
            self._set_count("No matches.")
        else:
            text = (
                f"{n:,} match{'es' if n != 1 else ''} in {docs} document{'s' if docs != 1 else ''}."
            )
            self._set_count(f"{text} {hits.note}".strip())
        self._finished()

    def _on_failed(self, message: str) -> None:
        self.model.set_hits([])
        self._set_count(message, error=True)
        self._finished()

    def _finished(self) -> None:
        self._update_buttons()
        self.searchFinished.emit()

    def _options_changed(self) -> None:
        if self.query_edit.text():
            self.run_search()

    def _set_count(self, text: str, *, error: bool = False) -> None:
        self.count_label.setText(text)
        red = error_text_color(self.palette(), ERROR_COLOR).name().upper()
        self.count_label.setStyleSheet(f"color: {red};" if error else "")

    def _update_buttons(self) -> None:
        # "Code all" codes every hit: not before they are all in.
        self.code_all_button.setEnabled(bool(self.model.hits) and not self.searching)
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

    def _code(self, hits: list[Hit]) -> None:
        if not hits:
            messages.show_error(self, "There are no search hits to code.")
            return
        # Who is coding is asked (if nobody is yet) before the code: a code chosen for
        # nobody would be a wasted answer.
        if not self.coding_actions.ensure_coder():
            messages.show_error(self, "Choose who is coding first (the coder box in the toolbar).")
            return
        answer = code_hits_dialog.ask_code_and_unit(
            self,
            self.project,
            self.coding_actions.recent_codes,
            len(hits),
            self.state.current_code_id,
        )
        if answer is None:
            return
        choice, unit = answer
        spans = widen_spans(self.project, [(h.document_id, h.start, h.end) for h in hits], unit)
        try:
            if choice.code_id is not None:
                coded = self.coding_actions.code_spans(spans, code_id=choice.code_id)
            else:
                coded = self.coding_actions.code_spans(spans, new_name=choice.new_name)
        except AnnotatorError as err:
            messages.show_error(self, err)
            return
        name, n = coded.code.name, len(coded.codings)
        if not n:
            text = f"Nothing to do: every passage already has “{name}” from you."
        else:
            text = f"Coded {n} passage{'s' if n != 1 else ''} with “{name}”."
            if coded.skipped:
                text += f" {coded.skipped} already had it."
        self.feedback.setText(text)

    # -- store changes ---------------------------------------------------------------
    def reload(self) -> None:
        """Another program changed the file: the hits depend only on (immutable) texts,
        so only their documents' titles and existence are re-read. The search is not
        run again: documents added elsewhere join the hits at the next search."""
        if not self.model.hits and not self.searching:
            return
        titles = {d.id: d.title for d in self.project.documents()}
        if self.searching:
            self._titles = titles
        shown = {h.document_id: h.title for h in self.model.hits}
        for doc_id, title in shown.items():
            if doc_id not in titles:
                self.model.drop_document(doc_id)
            elif titles[doc_id] != title:
                self.model.retitle(doc_id, titles[doc_id])
        self._update_buttons()

    def _on_changed(self, changes: ChangeSet) -> None:
        if not changes.touches("documents") or not (self.model.hits or self.searching):
            return
        for rc in changes.of("documents"):
            if rc.kind == "delete":
                self._titles.pop(rc.key[0], None)
                self.model.drop_document(rc.key[0])
            elif rc.after is not None:  # added or renamed
                self._titles[rc.key[0]] = rc.after["title"]
                if rc.kind == "update":
                    self.model.retitle(rc.key[0], rc.after["title"])
        self._update_buttons()
