"""Telling the researcher: failures in one clear message (never a traceback), and yes/no questions."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.errors import AnnotatorError

#: Text colour of inline errors (a bad pattern in the find bar or search), readable on
#: light and dark bases alike.
ERROR_COLOR = "#C62828"


def show_error(
    parent: QWidget | None, problem: AnnotatorError | str, title: str = "Annotator"
) -> None:
    """A modal warning with the error's sentence (tests patch this to capture it)."""
    QMessageBox.warning(parent, title, str(problem))


def confirm(parent: QWidget | None, question: str, title: str = "Annotator") -> bool:
    """Ask a yes/no question, "No" being the default (tests patch this to answer it)."""
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
