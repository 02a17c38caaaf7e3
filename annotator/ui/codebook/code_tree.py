"""The codebook panel: a filterable tree of codes that the researcher edits and codes with.

``CodeTreePanel`` shows the codebook (colour, name, quick key, codings and
documents counted) above nothing but a filter box. Double-click or Enter on a
code applies it to the current text selection (``codeActivated``); dropping a
text selection on a code applies it too. Every edit of the codebook (add,
rename, recolour, quick key, move by drag and drop, merge, delete) is one named
undo step through ``commands.execute``; a refused edit shows its one sentence
and changes nothing. The tree follows the store's ChangeSets row by row; after a
change made outside this window it re-reads everything (``reload``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QStyle,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.core.models import Code
from annotator.store import Project
from annotator.ui.codebook import code_dialogs
from annotator.ui.codebook.code_tree_model import (
    CODINGS,
    DOCS,
    HEADERS,
    KEY,
    NAME,
    CodeTreeModel,
    NameRole,
)
from annotator.ui.widgets import commands, messages
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import SPAN_MIME, WorkbenchState, read_span_mime

#: Up to this many codes the tree opens fully; a larger codebook opens at the top level.
EXPAND_ALL_LIMIT = 200


class CodeTreeView(QTreeView):
    """The tree itself: Enter applies a code, and a dragged text selection can land on one."""

    activatedCode = Signal(QModelIndex)
    #: A text span was dropped on an item: (index, document id, start, end).
    spanDropped = Signal(QModelIndex, str, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._span_target = QPersistentModelIndex()
        self.doubleClicked.connect(self.activatedCode)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter applies the code. (Qt's own ``activated`` also fires on a single
        # click on some desktops, which must not code text.)
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if (
            enter
            and self.state() != QAbstractItemView.State.EditingState
            and self.currentIndex().isValid()
        ):
            self.activatedCode.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    # -- text spans dragged from the document view --------------------------------------
    def _span_index(self, event: QDropEvent | QDragMoveEvent) -> QModelIndex:
        return self.indexAt(event.position().toPoint())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(SPAN_MIME):
            event.acceptProposedAction()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not event.mimeData().hasFormat(SPAN_MIME):
            super().dragMoveEvent(event)
            return
        index = self._span_index(event)
        self._set_span_target(index)
        if index.isValid():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_span_target(QModelIndex())
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if not event.mimeData().hasFormat(SPAN_MIME):
            super().dropEvent(event)
            return
        self._set_span_target(QModelIndex())
        index = self._span_index(event)
        span = read_span_mime(event.mimeData())
        if not index.isValid() or span is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.spanDropped.emit(index.siblingAtColumn(NAME), *span)

    def _set_span_target(self, index: QModelIndex) -> None:
        index = index.siblingAtColumn(NAME) if index.isValid() else index
        if self._span_target != index:
            self._span_target = QPersistentModelIndex(index)
            self.viewport().update()

    def drawRow(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().drawRow(painter, option, index)
        if self._span_target.isValid() and self._span_target == index.sibling(index.row(), NAME):
            # Show which code a dragged text selection would receive.
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2)
            painter.save()
            painter.setPen(pen)
            painter.drawRoundedRect(option.rect.adjusted(1, 1, -1, -1), 3, 3)
            painter.restore()


class CodeTreePanel(QWidget):
    """Filter box above the codebook tree; edits go through the undo stack."""

    #: Apply this code to the current text selection (double-click, Enter).
    codeActivated = Signal(str)

    def __init__(
        self,
        project: Project,
        events: ProjectEvents,
        stack: UndoHistory,
        state: WorkbenchState,
        actions: CodingActions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.events = events
        self.stack = stack
        self.state = state
        self.coding = actions
        self.model = CodeTreeModel(project, self, coder_ids=state.visible_coder_ids)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)  # ancestors of a match stay visible
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterRole(NameRole)
        self.proxy.setFilterKeyColumn(NAME)

        self.filter = QLineEdit(self)
        self.filter.setObjectName("codeFilter")
        self.filter.setPlaceholderText("Filter codes")
        self.filter.setClearButtonEnabled(True)
        self.view = CodeTreeView(self)
        self.view.setObjectName("codeTree")
        self._setup_view()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)

        self.actions_by_name: dict[str, QAction] = {}
        self._make_actions()

        self.filter.textChanged.connect(self._on_filter)
        self.filter.returnPressed.connect(self._focus_first_match)
        self.view.activatedCode.connect(self._on_activated)
        self.view.spanDropped.connect(self._on_span_dropped)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.model.renameRequested.connect(self.rename)
        self.model.codesDropped.connect(self._on_codes_dropped)
        events.changed.connect(self._on_store_changed)
        events.reloaded.connect(self.reload)
        state.currentCodeChanged.connect(self._on_state_code)
        state.visibleCodersChanged.connect(self.model.set_coder_filter)
        self._expand_default()
        self._update_actions()

    def _setup_view(self) -> None:
        v = self.view
        v.setModel(self.proxy)
        v.setUniformRowHeights(True)
        v.setAllColumnsShowFocus(True)
        v.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        v.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Double-click codes text, so renaming is F2 or the context menu only.
        v.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        v.setExpandsOnDoubleClick(False)
        v.setDragEnabled(True)
        v.setAcceptDrops(True)
        v.setDropIndicatorShown(True)
        v.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        v.setDefaultDropAction(Qt.DropAction.MoveAction)
        v.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = v.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        # Widths fitted to the header and the widest number, not ResizeToContents: that
        # re-measures every row of the column on each count change (~45 ms per coding
        # with 1,000 codes). ``_fit_counts`` widens a column when a count outgrows it.
        for col in (KEY, CODINGS, DOCS):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        self._fit_count_columns(shrink=True)
        self.model.dataChanged.connect(self._fit_counts)

    def _fit_count_columns(self, *, shrink: bool) -> None:
        """Size the key and count columns for the widest number (only wider unless ``shrink``)."""
        header = self.view.header()
        ids = self.model.code_ids()
        for col in (KEY, CODINGS, DOCS):
            # The shown text: a code with sub-codes shows "own / with sub-codes".
            widest = (
                max((str(self.model.index_of(c, col).data()) for c in ids), key=len, default="0")
                if col != KEY
                else "9"
            )
            width = self._column_width(col, widest)
            if shrink or width > header.sectionSize(col):
                header.resizeSection(col, width)

    def _column_width(self, col: int, text: str) -> int:
        header = self.view.header()
        margin = (
            2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header) + 6
        )
        title = header.fontMetrics().horizontalAdvance(HEADERS[col]) + margin
        digits = self.view.fontMetrics().horizontalAdvance("0" * max(3, len(text))) + 12
        return max(title, digits)

    def _fit_counts(
        self, top_left: QModelIndex, bottom_right: QModelIndex, _roles: object = None
    ) -> None:
        header = self.view.header()
        for col in range(max(top_left.column(), CODINGS), bottom_right.column() + 1):
            text = str(top_left.siblingAtColumn(col).data())
            if self._column_width(col, text) > header.sectionSize(col):
                header.resizeSection(col, self._column_width(col, text))

    def _make_actions(self) -> None:
        specs: list[tuple[str, str, Callable[[], None], str | None]] = [
            ("actionAddCode", "New &code…", self._ask_add_code, None),
            ("actionAddChildCode", "New c&hild code…", self._ask_add_child_code, None),
            ("actionRenameCode", "&Rename", self._start_rename, "F2"),
            ("actionRecolourCode", "C&olour…", self._ask_recolour, None),
            ("actionSetQuickKey", "&Quick key…", self._ask_quick_key, None),
            ("actionMergeCode", "&Merge into…", self._ask_merge, None),
            ("actionDeleteCode", "&Delete…", self._ask_delete, "Del"),
        ]
        for name, text, slot, shortcut in specs:
            action = QAction(text, self)
            action.setObjectName(name)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
                # Only while the tree has focus: F2 and Delete mean other things elsewhere.
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.view.addAction(action)
            action.triggered.connect(slot)
            self.actions_by_name[name] = action

    # -- reading the tree -----------------------------------------------------------------
    def current_code_id(self) -> str | None:
        return self.model.code_id(self.proxy.mapToSource(self.view.currentIndex()))

    def select_code(self, code_id: str | None) -> bool:
        """Make ``code_id`` the current item (expanding its parents); False if it is filtered out."""
        if code_id is None:
            self.view.setCurrentIndex(QModelIndex())
            return True
        index = self.proxy.mapFromSource(self.model.index_of(code_id))
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def _code_choices(self, exclude: set[str]) -> list[tuple[str, str]]:
        return [(cid, self.model.path(cid)) for cid in self.model.code_ids() if cid not in exclude]

    # -- edits (the main window and tests call these; no dialogs) -----------------------
    def _run(self, label: str, operation: Callable[[], object]) -> bool:
        """One undo step named ``label``; a refusal is shown and changes nothing."""
        problem = self._try(label, operation)
        if problem is not None:
            messages.show_error(self, problem)
        return problem is None

    def _try(self, label: str, operation: Callable[[], object]) -> str | None:
        """``_run`` without showing a refusal: its sentence is returned (None: done)."""
        try:
            commands.execute(self.stack, self.project, label, operation)
        except AnnotatorError as err:
            return str(err)
        return None

    def _name(self, code_id: str) -> str:
        """For undo labels; an unknown id is left for the store to refuse with NotFound."""
        return self.model.code(code_id).name if self.model.index_of(code_id).isValid() else code_id

    def add_code(self, name: str, parent_id: str | None = None) -> Code | None:
        """A new code at the top level or under ``parent_id``; it becomes the current code."""
        code, problem = self._add_code(name, parent_id)
        if problem is not None:
            messages.show_error(self, problem)
        return code

    def _add_code(self, name: str, parent_id: str | None) -> tuple[Code | None, str | None]:
        """``add_code``, returning the refusal's sentence rather than showing it."""
        clean = " ".join(name.split())
        label = f"Add child code {clean}" if parent_id else f"Add code {clean}"

        def run() -> Code:
            if not clean:
                raise InvalidInput("A code needs a name.")
            return self.project.add_code(clean, parent_id)

        made: list[Code] = []
        problem = self._try(label, lambda: made.append(run()))
        if problem is not None:
            return None, problem
        code = made[0]
        if not self.proxy.mapFromSource(self.model.index_of(code.id)).isValid():
            self.filter.clear()  # a filter must not hide the code just made
        self.select_code(code.id)
        return code, None

    def rename(self, code_id: str, name: str) -> bool:
        clean = " ".join(name.split())

        def run() -> Code:
            if not clean:
                raise InvalidInput("A code needs a name; the name cannot be empty.")
            return self.project.update_code(code_id, name=clean)

        return self._run(f"Rename code {self._name(code_id)} to {clean}", run)

    def recolour(self, code_id: str, color: str | QColor) -> bool:
        value = color.name() if isinstance(color, QColor) else color
        return self._run(
            f"Change colour of {self._name(code_id)}",
            lambda: self.project.update_code(code_id, color=value),
        )

    def set_quick_key(self, code_id: str, key: int | None) -> bool:
        name = self._name(code_id)
        label = (
            f"Set quick key {key} for {name}" if key is not None else f"Remove quick key of {name}"
        )
        return self._run(label, lambda: self.project.update_code(code_id, quick_key=key))

    def merge(self, source_id: str, target_id: str) -> bool:
        label = f"Merge {self._name(source_id)} into {self._name(target_id)}"
        done = self._run(label, lambda: self.project.merge_codes(source_id, target_id))
        if done:
            self.select_code(target_id)
        return done

    def delete(
        self, code_id: str, codings: Literal["delete", "move"], move_to: str | None = None
    ) -> bool:
        """Delete the code and its sub-codes; their codings are deleted or moved to ``move_to``."""
        choice = codings
        return self._run(
            f"Delete code {self._name(code_id)}",
            lambda: self.project.delete_code(code_id, choice, move_to),
        )

    # Named as the main window asks for it; it shadows QWidget.move(QPoint) for Python
    # callers only (Qt's layouts and docks position widgets with setGeometry).
    def move(self, code_id: str, parent_id: str | None, position: int | None = None) -> bool:  # type: ignore[override]
        """Re-parent and/or reorder (``position`` among the new siblings; None: last)."""
        done = self._run(
            f"Move code {self._name(code_id)}",
            lambda: self.project.move_code(code_id, parent_id, position),
        )
        if done:
            self.select_code(code_id)
        return done

    # -- the same edits, asked through dialogs (menus, context menu) --------------------
    def _ask_add_code(self) -> None:
        code_dialogs.ask_name(
            self, "New code", "Name of the new code:", lambda name: self._add_code(name, None)[1]
        )

    def _ask_add_child_code(self) -> None:
        parent = self.current_code_id()
        if parent is None:
            return
        if code_dialogs.ask_name(
            self,
            "New child code",
            f"Name of the new code under {self._name(parent)}:",
            lambda name: self._add_code(name, parent)[1],
        ):
            self.view.expand(self.proxy.mapFromSource(self.model.index_of(parent)))

    def _start_rename(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.view.edit(index.siblingAtColumn(NAME))

    def _ask_recolour(self) -> None:
        code_id = self.current_code_id()
        if code_id is None:
            return
        code = self.model.code(code_id)
        color = code_dialogs.ask_color(self, code.name, code.color)
        if color is not None and color != code.color:
            self.recolour(code_id, color)

    def _ask_quick_key(self) -> None:
        code_id = self.current_code_id()
        if code_id is None:
            return
        code = self.model.code(code_id)
        holders: dict[int, str] = {}
        for cid in self.model.code_ids():
            other = self.model.code(cid)
            if other.quick_key is not None:
                holders[other.quick_key] = other.name
        ok, key = code_dialogs.ask_quick_key(self, code.name, code.quick_key, holders)
        if ok and key != code.quick_key:
            self.set_quick_key(code_id, key)

    def _ask_merge(self) -> None:
        code_id = self.current_code_id()
        if code_id is None:
            return
        choices = self._code_choices(set(self.model.subtree(code_id)))
        target = code_dialogs.ask_merge_target(self, self._name(code_id), choices)
        if target is not None:
            self.merge(code_id, target)

    def _ask_delete(self) -> None:
        code_id = self.current_code_id()
        if code_id is None:
            return
        doomed = self.model.subtree(code_id)
        # Everyone's codings, whatever coders the tree is counting: all of them go.
        total = sum(n for n, _ in self.project.code_counts(set(doomed)).values())
        choice = code_dialogs.ask_delete(
            self, self._name(code_id), total, len(doomed) - 1, self._code_choices(set(doomed))
        )
        if choice is not None:
            self.delete(code_id, choice.codings, choice.move_to)

    # -- reacting -----------------------------------------------------------------------
    def _on_store_changed(self, cs: ChangeSet) -> None:
        if cs.touches("codes") or cs.touches("codings"):
            self.model.apply_changes(cs)

    def reload(self) -> None:
        """Re-read the whole codebook and its counts (another program changed the file),
        keeping the filter, the coder filter, the branches the researcher opened or
        closed, the current code and the scroll position. New codes open as on launch;
        a current code that is gone leaves no code current."""
        opened, closed = self._branch_states()
        current = self.state.current_code_id
        bar = self.view.verticalScrollBar()
        top = bar.value()
        self.model.reload()
        if self.filter.text().strip():
            self.view.expandAll()  # as while typing in the filter: every match shows
        else:
            self._expand_default()
            for cid in self.model.code_ids():
                if cid in opened or cid in closed:
                    index = self.proxy.mapFromSource(self.model.index_of(cid))
                    self.view.setExpanded(index, cid in opened)
        index = self.proxy.mapFromSource(self.model.index_of(current))
        # setCurrentIndex, not select_code: the row is current again without scrolling to it.
        self.view.setCurrentIndex(index)
        bar.setValue(top)
        self._fit_count_columns(shrink=False)
        self.state.set_current_code(self.current_code_id())  # None if it was deleted
        self._update_actions()

    def _branch_states(self) -> tuple[set[str], set[str]]:
        """The codes with sub-codes shown in the tree, open and closed (codes the filter
        hides are in neither: they open as on launch)."""
        opened: set[str] = set()
        closed: set[str] = set()
        for cid in self.model.code_ids():
            index = self.proxy.mapFromSource(self.model.index_of(cid))
            if index.isValid() and self.proxy.hasChildren(index):
                (opened if self.view.isExpanded(index) else closed).add(cid)
        return opened, closed

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.state.set_current_code(self.model.code_id(self.proxy.mapToSource(current)))
        self._update_actions()

    def _on_state_code(self, code_id: str | None) -> None:
        if code_id != self.current_code_id():
            self.select_code(code_id)

    def _update_actions(self) -> None:
        has = self.current_code_id() is not None
        for name in (
            "actionAddChildCode",
            "actionRenameCode",
            "actionRecolourCode",
            "actionSetQuickKey",
            "actionMergeCode",
            "actionDeleteCode",
        ):
            self.actions_by_name[name].setEnabled(has)
        self.actions_by_name["actionMergeCode"].setEnabled(has and len(self.model.code_ids()) > 1)

    def _on_activated(self, index: QModelIndex) -> None:
        code_id = self.model.code_id(self.proxy.mapToSource(index))
        if code_id is not None:
            self.codeActivated.emit(code_id)

    def _on_span_dropped(self, index: QModelIndex, document_id: str, start: int, end: int) -> None:
        code_id = self.model.code_id(self.proxy.mapToSource(index))
        if code_id is None:
            return
        try:
            self.coding.apply(code_id, document_id, start, end)
        except AnnotatorError as err:
            messages.show_error(self, err)

    def _on_codes_dropped(self, ids: list[str], parent_id: str | None, row: int) -> None:
        # Run after the drop has finished, so no message box opens inside the drag loop.
        QTimer.singleShot(0, lambda: self._move_dropped(ids, parent_id, row))

    def _move_dropped(self, ids: list[str], parent_id: str | None, row: int) -> None:
        """Move the dropped codes under ``parent_id``: before pre-drop ``row``, or last."""
        known = [cid for cid in ids if self.model.index_of(cid).isValid()]
        if not known:
            return
        position: int | None = None
        if row >= 0:
            # ``row`` counts the dragged codes themselves where they still are.
            position = row - sum(
                1
                for cid in known
                if self.model.code(cid).parent_id == parent_id
                and self.model.index_of(cid).row() < row
            )

        def run() -> None:
            for i, cid in enumerate(known):
                self.project.move_code(cid, parent_id, None if position is None else position + i)

        label = (
            f"Move code {self._name(known[0])}" if len(known) == 1 else f"Move {len(known)} codes"
        )
        if self._run(label, run) and parent_id is not None:
            self.view.expand(self.proxy.mapFromSource(self.model.index_of(parent_id)))
        self.select_code(known[0])

    def _on_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.view.expandAll()  # show every match, not just its collapsed ancestor
        else:
            self._expand_default()
            current = self.view.currentIndex()
            if current.isValid():
                self.view.scrollTo(current)

    def _focus_first_match(self) -> None:
        """Enter in the filter box: go to the first code whose name matches."""
        wanted = self.filter.text().strip().casefold()
        pending = [self.proxy.index(r, NAME) for r in range(self.proxy.rowCount())]
        while pending:
            index = pending.pop(0)
            if wanted in str(index.data(NameRole)).casefold():
                self.view.setCurrentIndex(index)
                break
            pending[:0] = [
                self.proxy.index(r, NAME, index) for r in range(self.proxy.rowCount(index))
            ]
        self.view.setFocus()

    def _expand_default(self) -> None:
        if len(self.model.code_ids()) <= EXPAND_ALL_LIMIT:
            self.view.expandAll()
        else:
            self.view.expandToDepth(0)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self.view.setCurrentIndex(index)
        else:
            self.view.setCurrentIndex(QModelIndex())
        self._update_actions()
        menu = self.context_menu()
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def context_menu(self) -> QMenu:
        """The tree's context menu for the current code (built fresh each time)."""
        menu = QMenu(self)
        a = self.actions_by_name
        for name in (
            "actionAddCode",
            "actionAddChildCode",
            None,
            "actionRenameCode",
            "actionRecolourCode",
            "actionSetQuickKey",
            None,
            "actionMergeCode",
            "actionDeleteCode",
        ):
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(a[name])
        return menu
