"""Coding search hits: what to code (the matched words, their sentences or their
paragraphs) and with which code, chosen in this dialog.

Nothing is preselected as the code: the code highlighted in the codebook was chosen
for something else, so Enter must not apply it. It is offered as a button ("Use
“Pacing problem”"), beside "Choose code…" (the picker, which can also create a
code); the Code button stays disabled until a code is chosen.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from annotator.store import Project
from annotator.ui.widgets import code_picker
from annotator.ui.widgets.code_picker import PickResult

#: What each hit becomes, as ``app.operations.widen_spans`` names it, and the label.
UNITS = (
    ("hit", "The matched words"),
    ("sentence", "Their sentences"),
    ("paragraph", "Their paragraphs"),
)


def _passages(count: int) -> str:
    return f"{count} passage{'s' if count != 1 else ''}"


class CodeHitsDialog(QDialog):
    """Choose the unit and the code for ``count`` hits; ``choice()`` once accepted."""

    def __init__(
        self,
        parent: QWidget | None,
        project: Project,
        recent_codes: Sequence[str],
        count: int,
        current_code_id: str | None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("codeHitsDialog")
        self.setWindowTitle("Code search hits")
        self._project, self._recent = project, list(recent_codes)
        self._count = count
        self._picked: PickResult | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Code {_passages(count)} found by the search."))

        units = QGroupBox("What to code")
        unit_layout = QVBoxLayout(units)
        self.unit_group = QButtonGroup(self)
        self.unit_buttons: dict[str, QRadioButton] = {}
        for unit, label in UNITS:
            radio = QRadioButton(label)
            radio.setObjectName(f"unit_{unit}")
            self.unit_buttons[unit] = radio
            self.unit_group.addButton(radio)
            unit_layout.addWidget(radio)
        self.unit_buttons["hit"].setChecked(True)
        layout.addWidget(units)

        codes = QGroupBox("Code")
        code_layout = QVBoxLayout(codes)
        self.code_label = QLabel("No code chosen yet.")
        self.code_label.setObjectName("chosenCode")
        self.code_label.setWordWrap(True)
        self.code_label.setMinimumWidth(self.fontMetrics().averageCharWidth() * 44)
        # Two lines reserved: a long code path wraps without the dialog having to grow.
        self.code_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 4)
        code_layout.addWidget(self.code_label)
        row = QHBoxLayout()
        self.current_button: QPushButton | None = None
        tree = project.code_tree()
        if current_code_id is not None and current_code_id in tree.codes:
            name = tree.codes[current_code_id].name
            self.current_button = QPushButton(f"Use “{name}”")
            self.current_button.setToolTip(
                f"{tree.path(current_code_id)} (selected in the codebook)"
            )
            self.current_button.clicked.connect(
                lambda: self._set_code(PickResult(current_code_id, None))
            )
            row.addWidget(self.current_button)
        self.choose_button = QPushButton("Choose code…")
        self.choose_button.clicked.connect(self._choose)
        row.addWidget(self.choose_button)
        row.addStretch(1)
        code_layout.addLayout(row)
        layout.addWidget(codes)

        buttons = QDialogButtonBox()
        self.code_button = buttons.addButton(
            f"Code {_passages(count)}", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Only the Code button answers Enter, and it is disabled until a code is chosen:
        # Enter before that applies nothing.
        for push in (self.current_button, self.choose_button):
            if push is not None:
                push.setAutoDefault(False)
        self.code_button.setDefault(True)
        self.code_button.setEnabled(False)

    def _choose(self) -> None:
        picked = code_picker.pick_code(
            self, self._project, self._recent, f"Code {_passages(self._count)} with…"
        )
        if picked is not None and (picked.code_id is not None or picked.new_name):
            self._set_code(picked)

    def _set_code(self, picked: PickResult) -> None:
        self._picked = picked
        if picked.code_id is not None:
            tree = self._project.code_tree()
            self.code_label.setText(f"Code with “{tree.path(picked.code_id)}”.")
        else:
            self.code_label.setText(f"Code with a new code, “{picked.new_name}”.")
        self.code_button.setEnabled(True)
        self.code_button.setFocus()

    def unit(self) -> str:
        return next(u for u, b in self.unit_buttons.items() if b.isChecked())

    def choice(self) -> tuple[PickResult, str] | None:
        """The code and the unit, if a code was chosen."""
        return None if self._picked is None else (self._picked, self.unit())


def ask_code_and_unit(
    parent: QWidget | None,
    project: Project,
    recent_codes: Sequence[str],
    count: int,
    current_code_id: str | None,
) -> tuple[PickResult, str] | None:
    """The code and the unit to code ``count`` hits with; None if cancelled."""
    dialog = CodeHitsDialog(parent, project, recent_codes, count, current_code_id)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
    finally:
        dialog.deleteLater()
