"""The retrieval pane: every passage coded with the selected code, across documents.

For ``state.current_code_id`` (optionally with its sub-codes) the pane lists
each coding of the coders it shows (``state.visible_coders("segments")``): document, code,
coder, the quoted passage on one line and its offsets. Double-click or Enter
asks the document view to show the passage in context (``state.reveal``);
selecting a row makes it the current coding. The list is re-read only when a
``ChangeSet`` touches the shown codes, their codings, or the documents and
coders on screen; it is bounded by one code's codings. After a change made
outside this window (``ProjectEvents.reloaded``) it is re-read whole.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from annotator.app.session import SEGMENTS, Visible
from annotator.core.changes import ChangeSet
from annotator.core.codebook import CodeTree, split_path
from annotator.core.errors import NotFound
from annotator.core.text import plural
from annotator.store import Project
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.state import WorkbenchState

Index = QModelIndex | QPersistentModelIndex

#: Role holding the coding id of a row.
CodingIdRole = Qt.ItemDataRole.UserRole
#: Role holding (document_id, start, end) of a row.
SpanRole = Qt.ItemDataRole.UserRole + 1
#: Role the proxy sorts by (numbers sort as numbers).
SortRole = Qt.ItemDataRole.UserRole + 2

COLUMNS = ("Document", "Code", "Coder", "Text", "Offsets")
DOCUMENT, CODE, CODER, TEXT, OFFSETS = range(5)
#: A tooltip quotes at most this much of a long passage.
TOOLTIP_LIMIT = 2000


@dataclass(frozen=True)
class Segment:
    coding_id: str
    document_id: str
    document_title: str
    code_path: str
    coder_id: str
    coder_name: str
    start: int
    end: int
    text: str


def _order(seg: Segment) -> tuple[str, str, int, int, str]:
    """Documents by title, passages in text order."""
    return (seg.document_title.casefold(), seg.document_id, seg.start, seg.end, seg.coding_id)


class SegmentTableModel(QAbstractTableModel):
    """The rows of the pane: replaced when another code is shown, patched row by row
    when codings of the shown code are added, removed or changed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.segments: list[Segment] = []

    def set_segments(self, segments: list[Segment]) -> None:
        self.beginResetModel()
        self.segments = sorted(segments, key=_order)
        self.endResetModel()

    def row_of(self, coding_id: str) -> int | None:
        return next((i for i, s in enumerate(self.segments) if s.coding_id == coding_id), None)

    def remove(self, coding_id: str) -> None:
        row = self.row_of(coding_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.segments[row]
            self.endRemoveRows()

    def put(self, seg: Segment) -> None:
        """Insert ``seg`` in order, or update it in place if it keeps its place."""
        row = self.row_of(seg.coding_id)
        if row is not None and _order(self.segments[row]) == _order(seg):
            self.segments[row] = seg
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            return
        if row is not None:
            self.remove(seg.coding_id)
        at = bisect_left([_order(s) for s in self.segments], _order(seg))
        self.beginInsertRows(QModelIndex(), at, at)
        self.segments.insert(at, seg)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.segments)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        seg = self.segments[index.row()]
        col = index.column()
        if role == CodingIdRole:
            return seg.coding_id
        if role == SpanRole:
            return (seg.document_id, seg.start, seg.end)
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                seg.document_title,
                # The code's own name tells the rows apart ("Cooperation and…" did not);
                # its path is in the tooltip.
                split_path(seg.code_path)[-1] if seg.code_path else "",
                seg.coder_name,
                " ".join(seg.text.split()),
                f"{seg.start}–{seg.end}",
            )[col]
        if role == SortRole:
            if col == OFFSETS:
                return seg.start
            if col == DOCUMENT:
                return seg.document_title.casefold()
            return self.data(index).casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == CODE:
                return seg.code_path
            text = seg.text if len(seg.text) <= TOOLTIP_LIMIT else seg.text[:TOOLTIP_LIMIT] + "…"
            return f"{seg.document_title}, characters {seg.start}–{seg.end} ({seg.coder_name})\n\n{text}"
        return None


class SegmentListPanel(QWidget):
    """Lists the coded segments of the current code; double-click reveals one in its document."""

    def __init__(
        self,
        project: Project,
        events: ProjectEvents,
        state: WorkbenchState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("segmentList")
        self.project = project
        self.state = state
        self._code_ids: set[str] = set()  # the codes whose codings are listed
        self._ancestors: set[str] = set()  # their paths change when these are renamed
        self._coders: Visible = state.visible_coders(SEGMENTS)  # the coders listed

        self.header = QLabel()
        self.header.setObjectName("segmentHeader")
        self.header.setWordWrap(True)
        self.subcodes = QCheckBox("Include sub-codes")
        self.subcodes.setObjectName("includeSubcodes")

        self.model = SegmentTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.view = QTreeView(self)
        self.view.setObjectName("segmentView")
        self.view.setModel(self.proxy)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # document, then text order
        header = self.view.header()
        header.setStretchLastSection(False)
        # Fixed widths, not ResizeToContents: that measures every row on each change and
        # scroll (hundreds of ms with a thousand segments).
        for col, mode in (
            (DOCUMENT, QHeaderView.ResizeMode.Interactive),
            (CODE, QHeaderView.ResizeMode.Interactive),
            (CODER, QHeaderView.ResizeMode.Interactive),
            (TEXT, QHeaderView.ResizeMode.Stretch),
            (OFFSETS, QHeaderView.ResizeMode.Interactive),
        ):
            header.setSectionResizeMode(col, mode)
        header.resizeSection(DOCUMENT, 110)
        metrics = self.view.fontMetrics()
        header.resizeSection(CODER, metrics.horizontalAdvance("Coder") + 28)
        header.resizeSection(OFFSETS, metrics.horizontalAdvance("000000–000000") + 16)
        # The quoted text matters most in a narrow dock; offsets are in each row's tooltip.
        self.view.setColumnHidden(OFFSETS, True)
        header.resizeSection(CODE, 120)
        self.view.setColumnHidden(CODE, True)  # only useful with sub-codes

        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.subcodes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.view)

        self.view.doubleClicked.connect(self._reveal)
        self.view.installEventFilter(self)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.subcodes.toggled.connect(self._on_subcodes)
        state.currentCodeChanged.connect(lambda _code: self.refresh())
        state.viewCodersChanged.connect(self._on_visible_coders)
        state.currentCodingChanged.connect(self._follow_coding)
        events.changed.connect(self._on_changed)
        events.reloaded.connect(self.reload)
        self.refresh()

    def _on_visible_coders(self, _view: object) -> None:
        if self.state.visible_coders(SEGMENTS) != self._coders:
            self.refresh()

    # -- reading the store ---------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the current code's codings (one query) and keep the selected row."""
        selected = self.selected_coding_id()
        self._coders = coders = self.state.visible_coders(SEGMENTS)
        code_id = self.state.current_code_id
        tree = self.project.code_tree()
        if code_id is None or code_id not in tree.codes:
            self._code_ids = set()
            self._ancestors = set()
            self.model.set_segments([])
            self.header.setText("Select a code to see the passages coded with it.")
            return
        ids = tree.subtree(code_id) if self.subcodes.isChecked() else [code_id]
        self._code_ids = set(ids)
        self._ancestors = {c.id for c in tree.ancestors(code_id)}
        codings = (
            []
            if coders is not None and not coders
            else self.project.codings(
                code_ids=ids, coder_ids=sorted(coders) if coders is not None else None
            )
        )
        self.model.set_segments(self._segments(tree, codings))
        self._update_header(tree)
        keep = selected or self.state.current_coding_id
        if keep is not None:
            self.select_coding(keep)

    def reload(self) -> None:
        """Re-read the listing (another program changed the file), keeping the sub-code
        switch, the sort, the selected row (if it still exists) and the scroll position."""
        bar = self.view.verticalScrollBar()
        top = bar.value()
        self.refresh()
        bar.setValue(top)

    def _segments(self, tree: CodeTree, codings: list[Any]) -> list[Segment]:
        names = {c.id: c.name for c in self.project.coders()}
        texts: dict[str, str] = {}
        titles: dict[str, str] = {}
        for doc_id in {c.document_id for c in codings}:
            # Texts come from the store's cache: a change must not re-read 1 MB texts.
            texts[doc_id] = self.project.document_text(doc_id)
            titles[doc_id] = self.project.document(doc_id, with_text=False).title
        paths = {cid: tree.path(cid) for cid in self._code_ids}
        return [
            Segment(
                c.id,
                c.document_id,
                titles[c.document_id],
                paths.get(c.code_id, "?"),
                c.coder_id,
                names.get(c.coder_id, "?"),
                c.start,
                c.end,
                texts[c.document_id][c.start : c.end],
            )
            for c in codings
        ]

    def _update_header(self, tree: CodeTree | None = None) -> None:
        code_id = self.state.current_code_id
        if code_id is None:
            return
        tree = tree or self.project.code_tree()
        docs = len({s.document_id for s in self.model.segments})
        suffix = (
            " and its sub-codes" if self.subcodes.isChecked() and len(self._code_ids) > 1 else ""
        )
        self.header.setText(
            f"{plural(len(self.model.segments), 'segment')} in {plural(docs, 'document')} "
            f"for {tree.path(code_id)}{suffix}"
        )
        coders = self.state.visible_coders(SEGMENTS)
        self.header.setToolTip(
            "" if coders is None else "Only the codings of the coders shown are listed."
        )

    def _on_subcodes(self, checked: bool) -> None:
        self.view.setColumnHidden(CODE, not checked)
        self.refresh()

    def _on_changed(self, changes: ChangeSet) -> None:
        if self.state.current_code_id is None:
            return
        shown = self._code_ids | {self.state.current_code_id}
        codes_touched = changes.ids("codes") | changes.affected("codes", "parent_id")
        relevant = (
            bool(changes.affected("codings", "code_id") & shown)
            or bool(codes_touched & (shown | self._ancestors))
            or bool(changes.ids("documents") & {s.document_id for s in self.model.segments})
            or bool(changes.ids("coders") & {s.coder_id for s in self.model.segments})
        )
        if not relevant:
            return
        if (
            codes_touched & (shown | self._ancestors)
            or changes.touches("documents")
            or changes.touches("coders")
        ):
            self.refresh()  # paths, titles or names changed: re-read the listing
            return
        self._patch_codings(changes)

    def _patch_codings(self, changes: ChangeSet) -> None:
        """Only codings changed: add, remove or update just those rows (no re-query of
        the code's codings, no re-sort of the list)."""
        codings = []
        for rc in changes.of("codings"):
            row = rc.after
            wanted = (
                row is not None
                and row["code_id"] in self._code_ids
                and self.state.coder_visible(row["coder_id"], SEGMENTS)
            )
            if wanted:
                assert row is not None
                codings.append(self.project.coding(row["id"]))
            else:
                self.model.remove(rc.key[0])
        if codings:
            for seg in self._segments(self.project.code_tree(), codings):
                self.model.put(seg)
        self._update_header()
        if self.state.current_coding_id is not None:
            self.select_coding(self.state.current_coding_id)

    # -- selection and reveal ------------------------------------------------------
    def selected_coding_id(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return str(rows[0].data(CodingIdRole)) if rows else None

    def select_coding(self, coding_id: str) -> bool:
        """Select the row of ``coding_id``; False if it is not listed."""
        row = self.model.row_of(coding_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        if self.selected_coding_id() != coding_id:
            self.view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.view.scrollTo(index)
        return True

    def _follow_coding(self, coding_id: str | None) -> None:
        """Highlight the coding selected elsewhere (e.g. in the document view) if listed."""
        if coding_id is None or not self.select_coding(coding_id):
            self.view.selectionModel().clearSelection()

    def _on_selection(self) -> None:
        coding_id = self.selected_coding_id()
        if coding_id is not None:
            self.state.set_current_coding(coding_id)

    def _reveal(self, index: QModelIndex) -> None:
        span = index.data(SpanRole)
        if span is None:
            return
        doc_id, start, end = span
        try:
            self.project.document_length(doc_id)
        except NotFound:
            return  # deleted since the list was read; the change will refresh it
        self.state.set_current_coding(str(index.data(CodingIdRole)))
        self.state.reveal(doc_id, start, end)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter reveals the current row; not through ``activated``, which some platforms
        # also emit on a single click or alongside ``doubleClicked``.
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            index = self.view.currentIndex()
            if index.isValid():
                self._reveal(index)
                return True
        return super().eventFilter(watched, event)
