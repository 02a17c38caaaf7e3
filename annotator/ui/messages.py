"""Showing failures to the researcher: one clear message, never a traceback."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.errors import AnnotatorError


def show_error(parent: QWidget | None, problem: AnnotatorError | str, title: str = "Annotator") -> None:
    """A modal warning with the error's sentence (tests patch this to capture it)."""
    QMessageBox.warning(parent, title, str(problem))
