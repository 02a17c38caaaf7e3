"""Showing failures to the researcher: one clear message, never a traceback."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.errors import AnnotatorError

#: Text colour of inline errors (a bad pattern in the find bar or search), readable on
#: light and dark bases alike.
ERROR_COLOR = "#C62828"


def show_error(parent: QWidget | None, problem: AnnotatorError | str, title: str = "Annotator") -> None:
    """A modal warning with the error's sentence (tests patch this to capture it)."""
    QMessageBox.warning(parent, title, str(problem))
