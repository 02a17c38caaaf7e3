"""The small dialogs the code tree asks through: delete, merge, colour, quick key, name.

Each dialog is a plain class tests can drive widget by widget, plus an ``ask_*``
function that runs it modally and returns the researcher's answer (``None`` when
they cancel). The panel calls the ``ask_*`` functions through this module, so a
test can also replace one to answer without a modal window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.widgets import name_dialog
from annotator.ui.widgets.name_dialog import Attempt

#: (code id, path shown to the researcher), in codebook order.
Choice = tuple[str, str]


class CodeChooser(QComboBox):
    """A combo box of codes by path; typing narrows it (matching anywhere, any case)."""

    def __init__(self, choices: Sequence[Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codeChooser")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code_id, path in choices:
            self.addItem(path, code_id)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setMinimumContentsLength(24)

    def code_id(self) -> str | None:
        """The chosen code, or None when the typed text names none of them."""
        i = self.currentIndex()
        if i < 0 or self.itemText(i) != self.currentText():
            i = self.findText(self.currentText(), Qt.MatchFlag.MatchFixedString)
        if i < 0:
            return None
        value = self.itemData(i)
        return str(value) if value is not None else None

    def select(self, code_id: str) -> None:
        i = self.findData(code_id)
        if i >= 0:
            self.setCurrentIndex(i)


@dataclass(frozen=True)
class DeleteChoice:
    codings: Literal["delete", "move"]
    move_to: str | None = None


class DeleteCodeDialog(QDialog):
    """What happens to the codings of a code about to be deleted: deleted, or moved."""

    def __init__(
        self,
        name: str,
        codings: int,
        sub_codes: int,
        choices: Sequence[Choice],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deleteCodeDialog")
        self.setWindowTitle("Delete code")
        self._codings = codings
        layout = QVBoxLayout(self)
        subs = f" and its {sub_codes} sub-code{'s' * (sub_codes != 1)}" if sub_codes else ""
        head = QLabel(f"Delete the code <b>{_esc(name)}</b>{subs}?")
        layout.addWidget(head)
        self.delete_button = QRadioButton(
            f"Delete the {codings} coding{'s' * (codings != 1)}"
            if codings != 1
            else "Delete the coding"
        )
        self.delete_button.setObjectName("deleteCodings")
        self.move_button = QRadioButton("Move them to:")
        self.move_button.setObjectName("moveCodings")
        self.target = CodeChooser(choices, self)
        group = QButtonGroup(self)
        group.addButton(self.delete_button)
        group.addButton(self.move_button)
        self.delete_button.setChecked(True)
        if codings:
            owner = "It and its sub-codes have" if sub_codes else "It has"
            layout.addWidget(
                QLabel(
                    f"{owner} {codings} coding{'s' * (codings != 1)}. What should happen to "
                    f"{'them' if codings != 1 else 'it'}?"
                )
            )
            layout.addWidget(self.delete_button)
            layout.addWidget(self.move_button)
            layout.addWidget(self.target)
            self.target.setEnabled(False)
            self.move_button.toggled.connect(self.target.setEnabled)
            self.move_button.setEnabled(bool(choices))
        else:
            layout.addWidget(QLabel("It has no codings."))
            for w in (self.delete_button, self.move_button, self.target):
                w.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Delete", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("confirmDelete")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.error = QLabel("")
        self.error.setObjectName("dialogError")
        self.error.hide()
        layout.addWidget(self.error)

    def _accept(self) -> None:
        if self.move_button.isChecked() and self.target.code_id() is None:
            self.error.setText("Choose the code the codings should move to.")
            self.error.show()
            return
        self.accept()

    def choice(self) -> DeleteChoice:
        if self._codings and self.move_button.isChecked():
            return DeleteChoice("move", self.target.code_id())
        return DeleteChoice("delete")


class MergeCodeDialog(QDialog):
    """Which code the source code is merged into."""

    def __init__(self, name: str, choices: Sequence[Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeCodeDialog")
        self.setWindowTitle("Merge code")
        layout = QVBoxLayout(self)
        note = QLabel(
            f"Merge <b>{_esc(name)}</b> into:<br><small>Its codings and sub-codes move to the chosen "
            "code, its memo is added to that code's memo, and it is removed.</small>"
        )
        note.setWordWrap(True)
        note.setMinimumWidth(340)
        layout.addWidget(note)
        self.target = CodeChooser(choices, self)
        layout.addWidget(self.target)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.error = QLabel("")
        self.error.setObjectName("dialogError")
        self.error.hide()
        layout.addWidget(self.error)

    def _accept(self) -> None:
        if self.target.code_id() is None:
            self.error.setText("Choose one of the listed codes.")
            self.error.show()
            return
        self.accept()

    def choice(self) -> str | None:
        return self.target.code_id()


class QuickKeyDialog(QDialog):
    """A digit 1-9 (or none) that codes the selection with this code."""

    def __init__(
        self, name: str, current: int | None, holders: dict[int, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("quickKeyDialog")
        self.setWindowTitle("Quick key")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Quick key for <b>{_esc(name)}</b>:"))
        self.keys = QComboBox(self)
        self.keys.setObjectName("quickKeyChoice")
        self.keys.addItem("None", None)
        for key in range(1, 10):
            holder = holders.get(key)
            label = str(key) if holder is None or key == current else f"{key}  (now {holder})"
            self.keys.addItem(label, key)
        self.keys.setCurrentIndex(current or 0)
        layout.addWidget(self.keys)
        note = QLabel("<small>A key taken from another code is removed from it.</small>")
        layout.addWidget(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choice(self) -> int | None:
        value = self.keys.currentData()
        return int(value) if value is not None else None


# -- modal helpers the panel calls (tests may replace them) -----------------------------
def ask_delete(
    parent: QWidget | None, name: str, codings: int, sub_codes: int, choices: Sequence[Choice]
) -> DeleteChoice | None:
    dialog = DeleteCodeDialog(name, codings, sub_codes, choices, parent)
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_merge_target(parent: QWidget | None, name: str, choices: Sequence[Choice]) -> str | None:
    dialog = MergeCodeDialog(name, choices, parent)
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_quick_key(
    parent: QWidget | None, name: str, current: int | None, holders: dict[int, str]
) -> tuple[bool, int | None]:
    """(accepted, key or None)."""
    dialog = QuickKeyDialog(name, current, holders, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False, None
    return True, dialog.choice()


def ask_color(parent: QWidget | None, name: str, current: str) -> str | None:
    color = QColorDialog.getColor(QColor(current), parent, f"Colour of {name}")
    return color.name().upper() if color.isValid() else None


def ask_name(parent: QWidget | None, title: str, label: str, attempt: Attempt) -> bool:
    """Ask for a name until ``attempt`` takes it (a refusal shows beside the field, the
    dialog staying open) or the researcher cancels; True if a name was taken."""
    return name_dialog.ask_name(parent, title, label, attempt)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
