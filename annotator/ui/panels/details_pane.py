"""The details pane: the selected code's definition and the selected coding, both editable.

The upper section shows ``state.current_code_id``: name, colour, path, usage,
definition, inclusion and exclusion criteria, example and memo. The lower one
shows ``state.current_coding_id``: its code, coder, times, quoted text, offsets
and memo. A field is committed when it loses focus or on Ctrl+Enter (Enter in
the name), each edit one undo step; nothing is written per keystroke. The
coding's memo is written through ``CodingActions`` (``app.operations``): another
coder's memo only after the researcher says yes, else the field goes back to
what is stored. Before
the selection changes, pending edits are committed, so nothing typed is lost.
Store changes (undo, other panels) refresh every field the user is not
editing at that moment; so does a change made outside this window
(``ProjectEvents.reloaded``): a half-typed field is kept, not overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QColorDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError, InvalidInput, NotFound
from annotator.core.models import Code, Coding
from annotator.store import Project
from annotator.ui.widgets import commands, messages
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.code_picker import swatch_icon
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

#: How much of a coded passage the pane quotes.
QUOTE_LIMIT = 300

#: Code text fields, their labels in the pane and in undo steps, and placeholders.
TEXT_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("definition", "Definition", "definition", "What this code means"),
    ("inclusion", "Include when", "inclusion criteria", "Code a passage when…"),
    ("exclusion", "Exclude when", "exclusion criteria", "Do not code a passage when…"),
    ("example", "Example", "example", "A typical passage"),
    ("memo", "Memo", "memo", "Notes on this code"),
)


def local_time(stamp: str) -> str:
    """An ISO UTC time stamp as readable local time ("3 Mar 2025, 14:05")."""
    if not stamp:
        return "—"
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone()
    return f"{when.day} {when:%b %Y, %H:%M}"


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


class CommitLineEdit(QLineEdit):
    """A one-line field that asks to be committed on Enter or when it loses focus."""

    commitRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown = ""  # the stored value this field last displayed

    def value(self) -> str:
        return self.text()

    def is_dirty(self) -> bool:
        return self.text() != self.shown

    def load(self, value: str) -> None:
        self.shown = value
        if self.text() != value:
            self.setText(value)
            self.setCursorPosition(0)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # a context menu is not leaving
            self.commitRequested.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commitRequested.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.is_dirty():
            self.setText(self.shown)  # Escape abandons the edit
            return
        super().keyPressEvent(event)


#: A pause in typing this long (ms) commits a text field: a crash loses at most the
#: words typed since, and each burst of typing is one undo step.
TYPING_PAUSE_MS = 1500


class CommitTextEdit(QPlainTextEdit):
    """A multi-line field that asks to be committed on Ctrl+Enter, when it loses focus, and
    after a pause in typing."""

    commitRequested = Signal()

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown = ""
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self.commitRequested.emit)
        self.textChanged.connect(
            lambda: self._pause.start() if self.is_dirty() else self._pause.stop()
        )
        self.setTabChangesFocus(True)
        height = self.fontMetrics().lineSpacing() * lines + 2 * self.frameWidth() + 8
        self.setFixedHeight(height)

    def value(self) -> str:
        return self.toPlainText()

    def is_dirty(self) -> bool:
        return self.toPlainText() != self.shown

    def load(self, value: str) -> None:
        self.shown = value
        if self.toPlainText() != value:
            self.setPlainText(value)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self._pause.stop()
            self.commitRequested.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.commitRequested.emit()
            return
        super().keyPressEvent(event)


def _caption(text: str) -> QLabel:
    """A quiet label in the palette's placeholder colour. A foreground role (not a style
    sheet, which is resolved once) follows the palette when the theme changes."""
    label = QLabel(text)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class DetailsPane(QWidget):
    """Shows and edits the current code and the current coding."""

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
        self.setObjectName("codeDetails")
        self.project = project
        self.stack = stack
        # ``coding_actions``, not ``actions``: QWidget.actions() already exists.
        self.coding_actions = actions
        # Another action starting commits what is half-typed here first, as its own step.
        self._committing = False
        stack.aboutToAct.connect(self._before_other_action)
        self.state = state
        self._code_id: str | None = None
        self._code: Code | None = None
        self._coding_id: str | None = None
        self._coding: Coding | None = None

        self.hint = QLabel("Select a code to see and edit its definition.")
        self.hint.setWordWrap(True)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._build_code_section()
        self._build_coding_section()

        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.hint)
        # The selected coding first: clicking a highlight must show it without scrolling.
        column.addWidget(self.coding_box)
        column.addWidget(self.code_box)
        column.addStretch(1)
        self._scroll = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        state.currentCodeChanged.connect(self.show_code)
        state.currentCodingChanged.connect(self.show_coding)
        events.changed.connect(self._on_changed)
        events.reloaded.connect(self.reload)
        self.show_code(state.current_code_id)
        self.show_coding(state.current_coding_id)

    # -- building ------------------------------------------------------------------
    def _build_code_section(self) -> None:
        self.code_box = QGroupBox("Code")
        self.swatch = QToolButton()
        self.swatch.setToolTip("Change the code's colour")
        self.swatch.clicked.connect(self._choose_color)
        self.name_edit = CommitLineEdit()
        self.name_edit.setObjectName("codeName")
        self.name_edit.setPlaceholderText("Code name")
        self.name_edit.commitRequested.connect(lambda: self._commit_code_field("name"))
        self.path_label = QLabel()
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.usage_label = _caption("")

        top = QHBoxLayout()
        top.addWidget(self.swatch)
        top.addWidget(self.name_edit, 1)
        layout = QVBoxLayout(self.code_box)
        layout.addLayout(top)
        layout.addWidget(self.path_label)
        layout.addWidget(self.usage_label)
        self.code_fields: dict[str, CommitLineEdit | CommitTextEdit] = {"name": self.name_edit}
        for field, title, _, placeholder in TEXT_FIELDS:
            edit = CommitTextEdit(4 if field in ("definition", "memo") else 3)
            edit.setObjectName(f"code{field.capitalize()}")
            edit.setPlaceholderText(placeholder)
            edit.commitRequested.connect(lambda f=field: self._commit_code_field(f))
            layout.addWidget(_caption(title))
            layout.addWidget(edit)
            self.code_fields[field] = edit

    def _build_coding_section(self) -> None:
        self.coding_box = QGroupBox("Selected coding")
        self.coding_code = QLabel()
        self.coding_coder = QLabel()
        self.coding_document = QLabel()
        self.coding_times = QLabel()
        self.coding_offsets = QLabel()
        self.coding_quote = QLabel()
        self.coding_quote.setWordWrap(True)
        self.coding_quote.setTextFormat(Qt.TextFormat.PlainText)
        self.coding_quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.coding_quote.setStyleSheet(
            "QLabel { border-left: 3px solid palette(mid); padding-left: 6px; font-style: italic; }"
        )
        for label in (self.coding_code, self.coding_coder, self.coding_document):
            label.setWordWrap(True)
        self.coding_memo = CommitTextEdit(3)
        self.coding_memo.setObjectName("codingMemo")
        self.coding_memo.setPlaceholderText("Memo on this passage")
        self.coding_memo.commitRequested.connect(self._commit_coding_memo)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Code:", self.coding_code)
        form.addRow("Coder:", self.coding_coder)
        form.addRow("Document:", self.coding_document)
        form.addRow("Offsets:", self.coding_offsets)
        form.addRow("Time:", self.coding_times)
        layout = QVBoxLayout(self.coding_box)
        layout.addLayout(form)
        layout.addWidget(self.coding_quote)
        layout.addWidget(_caption("Memo"))
        layout.addWidget(self.coding_memo)

    # -- showing -------------------------------------------------------------------
    def commit_pending(self) -> None:
        """Write every field the user changed but has not committed yet."""
        if commands.is_replaying():
            # The window commits pending edits before it undoes or redoes; an edit
            # pushed in the middle of a replay would tangle the undo history.
            return
        for field in self.code_fields:
            self._commit_code_field(field)
        self._commit_coding_memo()

    def show_code(self, code_id: str | None) -> None:
        self.commit_pending()
        self._code_id = code_id
        self._load_code(force=True)

    def show_coding(self, coding_id: str | None) -> None:
        self.commit_pending()
        self._coding_id = coding_id
        self._load_coding(force=True)
        if coding_id is not None:
            self._scroll.verticalScrollBar().setValue(0)  # the coding section is at the top

    def _load_code(self, force: bool) -> None:
        code: Code | None = None
        if self._code_id is not None:
            try:
                code = self.project.code(self._code_id)
            except NotFound:
                code = None  # deleted (or undone) elsewhere
        self._code = code
        self.code_box.setVisible(code is not None)
        self.hint.setVisible(code is None)
        if code is None:
            return
        for field, edit in self.code_fields.items():
            if force or not edit.is_dirty():
                edit.load(str(getattr(code, field)))
        self.swatch.setIcon(swatch_icon(code.color, 16, self.palette()))
        self.swatch.setProperty("color", code.color)
        self.path_label.setText(f"Path: {self.project.code_tree().path(code.id)}")
        self._load_usage()

    def _load_usage(self) -> None:
        if self._code is None:
            return
        codings, documents = self.project.code_counts({self._code.id})[self._code.id]
        self.usage_label.setText(
            f"Used {codings} time{'s' if codings != 1 else ''} "
            f"in {documents} document{'s' if documents != 1 else ''}"
        )

    def _load_coding(self, force: bool) -> None:
        coding: Coding | None = None
        if self._coding_id is not None:
            try:
                coding = self.project.coding(self._coding_id)
            except NotFound:
                coding = None
        self._coding = coding
        self.coding_box.setVisible(coding is not None)
        if coding is None:
            return
        tree = self.project.code_tree()
        self.coding_code.setText(tree.path(coding.code_id) if coding.code_id in tree.codes else "?")
        self.coding_coder.setText(self.project.coder(coding.coder_id).name)
        doc = self.project.document(coding.document_id)
        self.coding_document.setText(doc.title)
        self.coding_offsets.setText(
            f"{coding.start}–{coding.end} ({coding.end - coding.start} characters)"
        )
        times = f"created {local_time(coding.created)}"
        if coding.updated:
            times += f"\nupdated {local_time(coding.updated)}"
            editor = {c.id: c.name for c in self.project.coders()}.get(coding.updated_by)
            if editor and coding.updated_by != coding.coder_id:
                times += f" by {editor}"
        self.coding_times.setText(times)
        self.coding_quote.setText(quote(doc.text[coding.start : coding.end]))
        if force or not self.coding_memo.is_dirty():
            self.coding_memo.load(coding.memo)

    # -- committing ----------------------------------------------------------------
    def _before_other_action(self) -> None:
        if not self._committing:  # not when the action starting is this pane's own commit
            self.commit_pending()

    def _execute(self, label: str, operation: Callable[[], object]) -> None:
        self._committing = True
        try:
            commands.execute(self.stack, self.project, label, operation)
        finally:
            self._committing = False

    def _commit_code_field(self, field: str) -> None:
        edit = self.code_fields[field]
        code = self._code
        if code is None or not edit.is_dirty():
            return
        try:
            self.project.code(code.id)
        except NotFound:
            return  # deleted elsewhere (another program) since it was shown
        value = edit.value()
        if field == "name":
            label = f"Rename code {code.name} to {' '.join(value.split())}"
        else:
            label = f"Edit {next(t[2] for t in TEXT_FIELDS if t[0] == field)} of {code.name}"
        try:
            if field == "name" and not value.strip():
                raise InvalidInput("A code needs a name.")
            self._execute(label, lambda: self.project.update_code(code.id, **{field: value}))
        except AnnotatorError as err:
            edit.load(str(getattr(code, field)))  # back to what is stored
            messages.show_error(self, err)
            return
        # The store may tidy the value (white space in names): show what it holds.
        if self._code is not None and self._code.id == code.id:
            self._code = self.project.code(code.id)
            edit.load(str(getattr(self._code, field)))

    def _commit_coding_memo(self) -> None:
        coding = self._coding
        if coding is None or not self.coding_memo.is_dirty() or self._committing:
            return  # (committing: the question about another coder's memo is open)
        try:
            self.project.coding(coding.id)
        except NotFound:
            return  # removed elsewhere since it was shown
        memo = self.coding_memo.value()
        self._committing = True
        try:
            # Another coder's memo is changed only after a yes (app.operations).
            done = self.coding_actions.set_memo(coding.id, memo)
        except AnnotatorError as err:
            self.coding_memo.load(coding.memo)
            messages.show_error(self, err)
            return
        finally:
            self._committing = False
        self.coding_memo.load(memo if done else self.project.coding(coding.id).memo)
        self._load_coding(force=False)

    def set_code_color(self, color: str) -> None:
        """Recolour the current code as one undo step."""
        code = self._code
        if code is None:
            return
        try:
            self._execute(
                f"Change colour of {code.name}",
                lambda: self.project.update_code(code.id, color=color),
            )
        except AnnotatorError as err:
            messages.show_error(self, err)

    def _choose_color(self) -> None:
        if self._code is None:
            return
        chosen = QColorDialog.getColor(
            QColor(self._code.color), self, f"Colour of {self._code.name}"
        )
        if chosen.isValid():
            self.set_code_color(chosen.name())

    # -- store changes -------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the shown code and coding (another program changed the file). Fields
        being edited keep what was typed; a code or coding that is gone is hidden."""
        self._load_code(force=False)
        self._load_coding(force=False)

    def _on_changed(self, changes: ChangeSet) -> None:
        codes = changes.ids("codes")
        if self._code_id is not None:
            if self._code_id in codes or (codes and self._code is not None):
                # A renamed or moved ancestor changes the path, so any code change reloads.
                self._load_code(force=False)
            elif self._code_id in changes.affected("codings", "code_id"):
                self._load_usage()
        if self._coding_id is not None and (
            self._coding_id in changes.ids("codings")
            or codes
            or (self._coding is not None and self._coding.coder_id in changes.ids("coders"))
            or (self._coding is not None and self._coding.document_id in changes.ids("documents"))
        ):
            self._load_coding(force=False)
