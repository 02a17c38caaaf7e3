"""Asking for a name (a new code, a new coder) that the store may refuse.

A refused name (a sibling already has it, it is empty) does not close the dialog
and lose what was typed: the store's one-sentence reason appears beside the
field, the text stays selected for correcting, and OK tries again. Cancel or
Escape closes it having changed nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.widgets.messages import ERROR_COLOR

#: Tries the name: None if it was taken (the edit is made), else why not (one sentence).
Attempt = Callable[[str], str | None]


class NameDialog(QDialog):
    """A line edit, an inline message for a refusal, OK and Cancel."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        label: str,
        attempt: Attempt,
        text: str = "",
        placeholder: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("nameDialog")
        self.setWindowTitle(title)
        self._attempt = attempt
        layout = QVBoxLayout(self)
        prompt = QLabel(label)
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.field = QLineEdit(text)
        self.field.setObjectName("nameField")
        self.field.setPlaceholderText(placeholder)
        self.field.setMinimumWidth(self.fontMetrics().averageCharWidth() * 40)
        prompt.setBuddy(self.field)
        layout.addWidget(self.field)
        self.message = QLabel()
        self.message.setObjectName("nameMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOR};")
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.try_name)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        # Typing again after a refusal hides the old reason (it may no longer hold).
        self.field.textEdited.connect(lambda _t: self.message.hide())

    def try_name(self) -> None:
        """OK: make the edit; close only if it was made."""
        problem = self._attempt(self.field.text())
        if problem is None:
            self.accept()
            return
        self.message.setText(problem)
        self.message.show()
        self.adjustSize()  # room for the wrapped sentence
        self.field.setFocus()
        self.field.selectAll()


def ask_name(
    parent: QWidget | None,
    title: str,
    label: str,
    attempt: Attempt,
    text: str = "",
    placeholder: str = "",
) -> bool:
    """Ask until ``attempt`` takes a name or the researcher cancels; True if it took one."""
    dialog = NameDialog(parent, title, label, attempt, text, placeholder)
    return dialog.exec() == QDialog.DialogCode.Accepted
