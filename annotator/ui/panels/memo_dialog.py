"""Memos on a document, and the project journal (the memos on no document).

A list of the memos (title, author, when last changed) beside an editor of the
selected one: its title, who wrote it and when, and its text. As in the details
pane, a field is written when it loses focus, on Enter in the title or Ctrl+Enter
in the text, and after a pause in typing: each burst of typing is one undo step
(``app.people``: "Edit memo Fieldwork"), and a crash loses at most the words
typed since the last pause. "New memo" opens an empty page; the memo exists once
something is written on it, by the active coder. The dialog follows the store:
an undo, another panel or another program changes what it shows, except a field
being typed in.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QCloseEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.app import people
from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError, NotFound
from annotator.core.models import Memo
from annotator.store import Project
from annotator.ui.panels.coders_dialog import error_label, session_for, show_inline, tree_items
from annotator.ui.panels.details_pane import CommitLineEdit, CommitTextEdit, local_time
from annotator.ui.widgets import messages
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

IdRole = Qt.ItemDataRole.UserRole
TITLE, AUTHOR, UPDATED = range(3)


def memo_heading(memo: Memo) -> str:
    """What the list shows for a memo: its title, else its first line."""
    if memo.title:
        return memo.title
    first = memo.text.strip().split("\n", 1)[0]
    return (first[:60] + "…" if len(first) > 60 else first) or "(empty memo)"


class MemoDialog(QDialog):
    """The memos of ``document_id``, or the project journal when it is None."""

    def __init__(
        self,
        project: Project,
        events: ProjectEvents,
        stack: UndoHistory,
        state: WorkbenchState,
        document_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("memoDialog" if document_id is not None else "journalDialog")
        self.project = project
        self.document_id = document_id
        self.session = session_for(project, stack, state)
        self._memo_id: str | None = None  # the memo in the editor (None: a new page, or none)
        self._draft = False  # a new page is open: writing on it makes the memo
        self._committing = False
        stack.aboutToAct.connect(self._before_other_action)

        self.heading = QLabel()
        self.heading.setObjectName("memoHeading")
        self.heading.setWordWrap(True)
        self.memo_list = QTreeWidget()
        self.memo_list.setObjectName("memoList")
        self.memo_list.setHeaderLabels(["Title", "Author", "Changed"])
        self.memo_list.setRootIsDecorated(False)
        self.memo_list.setUniformRowHeights(True)
        header = self.memo_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (AUTHOR, UPDATED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        entry = "entry" if document_id is None else "memo"
        self.new_button = QPushButton(f"&New {entry}")
        self.new_button.setObjectName("newMemo")
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setObjectName("deleteMemo")

        self.title_edit = CommitLineEdit()
        self.title_edit.setObjectName("memoTitle")
        self.title_edit.setPlaceholderText("Title")
        self.info = QLabel()
        self.info.setObjectName("memoInfo")
        self.info.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.text_edit = CommitTextEdit(12)
        self.text_edit.setObjectName("memoText")
        self.text_edit.setPlaceholderText("Write here; it is saved as you type.")
        # A page to write on, not a fixed-height field: it grows with the dialog.
        self.text_edit.setMinimumHeight(self.text_edit.height())
        self.text_edit.setMaximumHeight(16_777_215)
        self.error = error_label("memoError")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.memo_list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        left_layout.addLayout(buttons)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.title_edit)
        right_layout.addWidget(self.info)
        right_layout.addWidget(self.text_edit, 1)
        right_layout.addWidget(self.error)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([380, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)
        self.resize(820, 460)

        self.memo_list.currentItemChanged.connect(lambda item, _old: self._on_selected(item))
        self.new_button.clicked.connect(self.new_memo)
        self.delete_button.clicked.connect(self.delete_current)
        self.title_edit.commitRequested.connect(self.commit_pending)
        self.text_edit.commitRequested.connect(self.commit_pending)
        events.changed.connect(self._on_changed)
        events.reloaded.connect(self.reload)
        self.reload()
        memos = self._memos()
        if memos:
            self.select(memos[-1].id)  # the newest: where one usually goes on writing
        elif not project.read_only:
            self.new_memo()  # nothing yet: a page to write on at once

    # -- reading -------------------------------------------------------------------------
    def _memos(self) -> list[Memo]:
        return self.project.memos(self.document_id)

    def _document_title(self) -> str | None:
        if self.document_id is None:
            return None
        try:
            return self.project.document(self.document_id, with_text=False).title
        except NotFound:
            return None

    def current_memo_id(self) -> str | None:
        return self._memo_id

    def _author(self, memo: Memo) -> str:
        if memo.coder_id is None:
            return "—"
        try:
            return self.project.coder(memo.coder_id).name
        except NotFound:
            return "—"

    def reload(self) -> None:
        """Re-read the list, and the editor's fields that are not being typed in."""
        title = self._document_title()
        gone = self.document_id is not None and title is None
        if self.document_id is None:
            self.setWindowTitle("Project journal")
            self.heading.setText("Notes on the whole project, by anyone coding it.")
        else:
            self.setWindowTitle(f"Memos — {title or 'deleted document'}")
            self.heading.setText(
                "This document was deleted (Edit → Undo brings it back)."
                if gone
                else f"Notes on “{title}”."
            )
        memos = [] if gone else self._memos()
        self.memo_list.blockSignals(True)
        self.memo_list.clear()
        current = None
        for memo in memos:
            item = QTreeWidgetItem(
                [memo_heading(memo), self._author(memo), local_time(memo.updated or memo.created)]
            )
            item.setData(TITLE, IdRole, memo.id)
            item.setToolTip(TITLE, memo.text[:500] or memo.title)
            self.memo_list.addTopLevelItem(item)
            if memo.id == self._memo_id:
                current = item
        if current is not None:
            self.memo_list.setCurrentItem(current)
        else:
            self.memo_list.setCurrentIndex(QModelIndex())
        self.memo_list.blockSignals(False)
        if self._memo_id is not None and current is None:
            self._memo_id = None  # deleted (or undone) elsewhere
            self._draft = False
            self._load(None, force=True)
        else:
            self._load(self._memo_id, force=False)
        writable = not (self.project.read_only or gone)
        self.new_button.setEnabled(writable)
        self.delete_button.setEnabled(writable and self._memo_id is not None)

    def _load(self, memo_id: str | None, *, force: bool) -> None:
        memo: Memo | None = None
        if memo_id is not None:
            try:
                memo = self.project.memo(memo_id)
            except NotFound:
                memo = None
        for edit, value in (
            (self.title_edit, memo.title if memo else ""),
            (self.text_edit, memo.text if memo else ""),
        ):
            if force or not edit.is_dirty():
                edit.load(value)
        open_page = memo is not None or self._draft
        writable = open_page and not self.project.read_only
        self.title_edit.setEnabled(open_page)
        self.text_edit.setEnabled(open_page)
        self.title_edit.setReadOnly(not writable)
        self.text_edit.setReadOnly(not writable)
        if memo is None:
            self.info.setText("A new memo, by you." if self._draft else "No memo selected.")
            return
        times = f"created {local_time(memo.created)}"
        if memo.updated:
            times += f", changed {local_time(memo.updated)}"
        self.info.setText(f"By {self._author(memo)} · {times}")

    def select(self, memo_id: str | None) -> None:
        for item in tree_items(self.memo_list):
            if item.data(TITLE, IdRole) == memo_id:
                self.memo_list.setCurrentItem(item)
                return

    def _on_selected(self, item: QTreeWidgetItem | None) -> None:
        self.commit_pending()
        self._memo_id = None if item is None else str(item.data(TITLE, IdRole))
        self._draft = False
        show_inline(self.error, "")
        self._load(self._memo_id, force=True)
        self.delete_button.setEnabled(self._memo_id is not None and not self.project.read_only)

    # -- writing -------------------------------------------------------------------------
    def new_memo(self) -> None:
        """An empty page; it becomes a memo once something is written on it."""
        self.commit_pending()
        self.memo_list.blockSignals(True)
        self.memo_list.setCurrentIndex(QModelIndex())
        self.memo_list.clearSelection()
        self.memo_list.blockSignals(False)
        self._memo_id = None
        self._draft = True
        self._load(None, force=True)
        self.delete_button.setEnabled(False)
        self.title_edit.setFocus()

    def _before_other_action(self) -> None:
        if not self._committing:  # another action starts: what is typed here goes first
            self.commit_pending()

    def commit_pending(self) -> None:
        """Write what was typed in the title and text since they were last written, as
        one step (the new memo, or the edit of the one shown)."""
        if self._committing or not (self.title_edit.is_dirty() or self.text_edit.is_dirty()):
            return
        title, text = self.title_edit.value(), self.text_edit.value()
        self._committing = True
        try:
            if self._memo_id is None:
                if not self._draft or not (title.strip() or text.strip()):
                    return
                memo = people.add_memo(self.session, self.document_id, title, text)
                self._memo_id, self._draft = memo.id, False
            else:
                memo = people.edit_memo(
                    self.session,
                    self._memo_id,
                    title=title if self.title_edit.is_dirty() else None,
                    text=text if self.text_edit.is_dirty() else None,
                )
        except AnnotatorError as err:
            show_inline(self.error, str(err))
            return
        finally:
            self._committing = False
        show_inline(self.error, "")
        # The fields show what is stored now (the store tidies a title's white space).
        self.title_edit.load(memo.title)
        self.text_edit.load(memo.text)
        self.reload()

    def delete_current(self) -> bool:
        memo_id = self._memo_id
        if memo_id is None:
            return False
        memo = self.project.memo(memo_id)
        if not messages.confirm(self, f"Delete the memo “{memo_heading(memo)}”?", "Delete memo"):
            return False
        try:
            people.delete_memo(self.session, memo_id)
        except AnnotatorError as err:
            show_inline(self.error, str(err))
            return False
        return True

    # -- store changes ---------------------------------------------------------------------
    def _on_changed(self, changes: ChangeSet) -> None:
        if self._committing:
            return  # this dialog's own step: it reloads once the step is done
        if (
            changes.touches("memos")
            or changes.touches("coders")
            or (self.document_id is not None and self.document_id in changes.ids("documents"))
        ):
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._draft:  # a new page: the cursor is on it, ready to write
            self.title_edit.setFocus()

    def done(self, result: int) -> None:
        self.commit_pending()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.commit_pending()
        super().closeEvent(event)
