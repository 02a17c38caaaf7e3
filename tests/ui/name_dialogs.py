"""Answering the name dialog (``ui.widgets.name_dialog``) the way a researcher does, with
``window_env.answering``: type a name, press OK; if it is refused, the dialog is still
there showing why, and the next name is typed over the old one. With no names left, the
researcher presses Escape."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.ui.widgets.name_dialog import NameDialog


class TypeNames:
    """Steps for ``answering(NameDialog, ...)``: each of ``names`` in turn."""

    def __init__(self, *names: str) -> None:
        self.names = list(names)
        #: Each refusal the dialog showed beside the field, and what the field held then.
        self.refusals: list[tuple[str, str]] = []

    def __call__(self, dialog: NameDialog) -> None:
        for name in self.names:
            QTest.keySequence(dialog.field, "Ctrl+A")
            QTest.keyClicks(dialog.field, name)
            QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
            if not dialog.isVisible():
                return
            assert dialog.message.isVisible()  # refused, and it says why
            self.refusals.append((dialog.message.text(), dialog.field.text()))
        QTest.keyClick(dialog.field, Qt.Key.Key_Escape)
