"""Manage coders: rename one, merge one into another, delete one with their codings.

Each is one step of the project's history (``app.people``), so Edit → Undo in the
window reverses it. A name another coder has is refused with the message beside
the field, and the dialog stays open for another try. Merging asks which coder
to merge into, then asks with the counts (how many codings, how many folded into
identical ones); deleting asks with the number of codings that go. The coder one
is coding as cannot be merged away or deleted (the buttons say why). The list
follows the store's changes (counts, an undo, another program), keeping the
selected coder; coders are identified by their id in each item's data, never by
the text shown.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.app import people
from annotator.app.session import Session
from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError
from annotator.core.models import Coder
from annotator.store import Project
from annotator.store.coders import CoderUsage
from annotator.ui.widgets import commands, messages
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

IdRole = Qt.ItemDataRole.UserRole
NAME, CODINGS, MEMOS = range(3)


def session_for(project: Project, stack: UndoHistory, state: WorkbenchState) -> Session:
    """The window's session (its actions run through the window's undo history), or one
    bound to ``state`` now if it has none (a dialog shown on its own, in a test)."""
    session = state.session
    if session is None or session.project is not project:
        session = Session(project, run=commands.runner(stack))
        state.bind(session)
    return session


def tree_items(tree: QTreeWidget) -> Iterator[QTreeWidgetItem]:
    """The top-level items of a flat list, in order."""
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        if item is not None:
            yield item


def swatch(color: str) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(QColor(color) if QColor(color).isValid() else QColor("#999999"))
    return QIcon(pix)


def error_label(name: str) -> QLabel:
    """An inline error line (hidden while empty), in the colour every inline error has."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {messages.ERROR_COLOR};")
    label.hide()
    return label


def show_inline(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class MergeTargetDialog(QDialog):
    """Which coder to merge ``source`` into: a list of the others."""

    def __init__(self, source: Coder, others: list[Coder], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeTargetDialog")
        self.setWindowTitle(f"Merge {source.name} into…")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Merge {source.name} into which coder?"))
        self.targets = QListWidget()
        self.targets.setObjectName("mergeTargets")
        for coder in others:
            item = QListWidgetItem(swatch(coder.color), coder.name)
            item.setData(IdRole, coder.id)
            self.targets.addItem(item)
        layout.addWidget(self.targets)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Merge…")
        ok.setEnabled(False)
        self.targets.currentItemChanged.connect(lambda item, _old: ok.setEnabled(item is not None))
        self.targets.itemDoubleClicked.connect(lambda _item: self.accept())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def chosen(self) -> str | None:
        item = self.targets.currentItem()
        return None if item is None else str(item.data(IdRole))


class CodersDialog(QDialog):
    """The project's coders with their codings and memos, and what can be done to them."""

    def __init__(
        self,
        project: Project,
        events: ProjectEvents,
        stack: UndoHistory,
        state: WorkbenchState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("codersDialog")
        self.setWindowTitle("Manage coders")
        self.project = project
        self.state = state
        self.session = session_for(project, stack, state)

        self.coder_list = QTreeWidget()
        self.coder_list.setObjectName("coderList")
        self.coder_list.setHeaderLabels(["Coder", "Codings", "Memos"])
        self.coder_list.setRootIsDecorated(False)
        self.coder_list.setUniformRowHeights(True)
        header = self.coder_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (CODINGS, MEMOS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("coderName")
        self.name_edit.setPlaceholderText("Name of the selected coder")
        self.rename_button = QPushButton("&Rename")
        self.rename_button.setObjectName("renameCoder")
        self.error = error_label("coderError")
        self.hint = QLabel()
        self.hint.setObjectName("coderHint")
        self.hint.setWordWrap(True)
        self.merge_button = QPushButton("&Merge into…")
        self.merge_button.setObjectName("mergeCoder")
        self.merge_button.setToolTip("The same person under two names: one coder from now on")
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setObjectName("deleteCoder")
        self.delete_button.setToolTip("Remove the coder and every coding of theirs")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        rename_row = QHBoxLayout()
        rename_row.addWidget(QLabel("Name:"))
        rename_row.addWidget(self.name_edit, 1)
        rename_row.addWidget(self.rename_button)
        actions_row = QHBoxLayout()
        actions_row.addWidget(self.merge_button)
        actions_row.addWidget(self.delete_button)
        actions_row.addStretch(1)
        actions_row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.coder_list, 1)
        layout.addLayout(rename_row)
        layout.addWidget(self.error)
        layout.addWidget(self.hint)
        layout.addLayout(actions_row)
        self.resize(480, 380)

        self.coder_list.currentItemChanged.connect(lambda _item, _old: self._on_selected())
        self.name_edit.returnPressed.connect(self.rename_selected)
        self.name_edit.textEdited.connect(lambda _t: show_inline(self.error, ""))
        self.rename_button.clicked.connect(self.rename_selected)
        self.merge_button.clicked.connect(self.merge_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        events.changed.connect(self._on_changed)
        events.reloaded.connect(self.reload)
        state.activeCoderChanged.connect(lambda _c: self.reload())
        self.reload()
        self.select(state.active_coder_id)

    # -- showing -------------------------------------------------------------------------
    def selected_coder_id(self) -> str | None:
        item = self.coder_list.currentItem()
        return None if item is None else str(item.data(NAME, IdRole))

    def select(self, coder_id: str | None) -> None:
        """Select ``coder_id`` (the first coder if it is not listed)."""
        items = list(tree_items(self.coder_list))
        found = next((i for i in items if i.data(NAME, IdRole) == coder_id), None)
        if found is None and items:
            found = items[0]
        if found is not None:
            self.coder_list.setCurrentItem(found)

    def reload(self) -> None:
        """Re-read the coders and their counts, keeping the selected coder if still there."""
        keep = self.selected_coder_id()
        usage = self.project.coder_usage()
        active = self.state.active_coder_id
        self.coder_list.blockSignals(True)
        self.coder_list.clear()
        for coder in self.project.coders():
            used = usage.get(coder.id, CoderUsage())
            item = QTreeWidgetItem([coder.name, str(used.codings), str(used.memos)])
            item.setData(NAME, IdRole, coder.id)
            item.setIcon(NAME, swatch(coder.color))
            for col in (CODINGS, MEMOS):
                item.setTextAlignment(
                    col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
            if coder.id == active:
                font = item.font(NAME)
                font.setBold(True)
                item.setFont(NAME, font)
                item.setToolTip(NAME, f"You are coding as {coder.name}")
            self.coder_list.addTopLevelItem(item)
        self.coder_list.blockSignals(False)
        self.select(keep if keep is not None else active)
        self._on_selected()

    def _on_selected(self) -> None:
        coder_id = self.selected_coder_id()
        name = self.project.coder(coder_id).name if coder_id is not None else ""
        self.name_edit.setText(name)
        show_inline(self.error, "")
        editable = coder_id is not None and not self.project.read_only
        mine = coder_id is not None and coder_id == self.state.active_coder_id
        others = self.coder_list.topLevelItemCount() > 1
        self.name_edit.setEnabled(editable)
        self.rename_button.setEnabled(editable)
        self.merge_button.setEnabled(editable and others and not mine)
        self.delete_button.setEnabled(editable and not mine)
        if self.project.read_only:
            self.hint.setText(f"Read-only: {self.project.read_only_reason}.")
        elif mine:
            self.hint.setText(
                f"You are coding as {name}. To merge or delete {name}, first choose "
                "another coder in the toolbar."
            )
        else:
            self.hint.setText("")
        self.hint.setVisible(bool(self.hint.text()))

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.touches("coders") or changes.touches("codings") or changes.touches("memos"):
            self.reload()

    # -- acting ----------------------------------------------------------------------------
    def rename_selected(self) -> bool:
        """Rename the selected coder to what the field says; a refusal stays beside it."""
        coder_id = self.selected_coder_id()
        if coder_id is None:
            return False
        try:
            coder = people.rename_coder(self.session, coder_id, self.name_edit.text())
        except AnnotatorError as err:
            show_inline(self.error, str(err))
            self.name_edit.setFocus()
            self.name_edit.selectAll()
            return False
        self.name_edit.setText(coder.name)
        return True

    def merge_selected(self) -> bool:
        """Ask which coder to merge the selected one into, then ask with the counts."""
        source_id = self.selected_coder_id()
        if source_id is None:
            return False
        source = self.project.coder(source_id)
        others = [c for c in self.project.coders() if c.id != source_id]
        chooser = MergeTargetDialog(source, others, self)
        if chooser.exec() != QDialog.DialogCode.Accepted or chooser.chosen() is None:
            return False
        target_id = chooser.chosen()
        assert target_id is not None
        try:
            question = people.merge_question(self.session, source_id, target_id)
            if not messages.confirm(self, question, "Merge coders"):
                return False
            people.merge_coders(self.session, source_id, target_id)
        except AnnotatorError as err:
            show_inline(self.error, str(err))
            return False
        self.select(target_id)
        return True

    def delete_selected(self) -> bool:
        """Delete the selected coder with their codings, once the researcher has said yes."""
        coder_id = self.selected_coder_id()
        if coder_id is None:
            return False
        try:
            if not messages.confirm(
                self, people.delete_question(self.session, coder_id), "Delete coder"
            ):
                return False
            people.delete_coder(self.session, coder_id)
        except AnnotatorError as err:
            show_inline(self.error, str(err))
            return False
        return True
