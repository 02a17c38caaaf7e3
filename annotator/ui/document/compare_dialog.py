"""View → "Compare coders in the text…": which two coders, then compare mode on or off.

``CompareCodersDialog`` asks for two different coders (OK stays off while the same
coder is chosen twice). ``toggle_compare`` is what the menu's check item does: on,
it asks and enters the view's compare mode; off, it restores the normal view.
Coders are told apart by their ids in the combo boxes' item data, never by names.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.models import Coder
from annotator.ui.document.document_view import DocumentView
from annotator.ui.widgets import messages


class CompareCodersDialog(QDialog):
    """Choose the two coders to compare side by side in the text."""

    def __init__(
        self, coders: list[Coder], preferred: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare coders in the text")
        form = QFormLayout(self)
        self.first, self.second = QComboBox(self), QComboBox(self)
        for combo in (self.first, self.second):
            for coder in coders:
                combo.addItem(coder.name, coder.id)
        ids = [c.id for c in coders]
        first = ids.index(preferred) if preferred in ids else 0
        self.first.setCurrentIndex(first)
        self.second.setCurrentIndex(next(i for i in range(len(ids)) if i != first))
        form.addRow(QLabel("Each coder gets a lane of the margin; F9 / Shift+F9 step "
                           "through the stretches where they differ."))  # fmt: skip
        form.addRow("&First coder:", self.first)
        form.addRow("&Second coder:", self.second)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.first.currentIndexChanged.connect(self._check)
        self.second.currentIndexChanged.connect(self._check)
        self._check()

    def chosen(self) -> tuple[str, str]:
        return str(self.first.currentData()), str(self.second.currentData())

    def _check(self) -> None:
        a, b = self.chosen()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(a != b)
        ok.setToolTip("" if a != b else "Choose two different coders.")


def toggle_compare(view: DocumentView, on: bool) -> bool:
    """Turn the view's compare mode on (asking which two coders) or off; returns whether
    it is on afterwards (the menu's check mark follows it)."""
    if not on:
        view.set_compare(None)
        return False
    coders = view.project.coders()
    if len(coders) < 2:
        messages.show_error(
            view, f"Comparing coders needs two coders; this project has {len(coders)}."
        )
        return view.compare.active
    dialog = CompareCodersDialog(coders, view.state.active_coder_id, view)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return view.compare.active
    try:
        view.set_compare(*dialog.chosen())
    except AnnotatorError as err:
        messages.show_error(view, err)
    return view.compare.active
