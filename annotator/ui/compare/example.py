"""Help -> "Open the two-coder example": the example project, built once, reopened after.

The example (``io.example_coders``: the bundled corpus with two invented
coders' codings) lives in the projects folder (``io.locations.projects_dir``:
the user's data folder when installed, ``projects/`` in a checkout). If it is
there already the researcher chooses to reopen it or to rebuild it afresh
(their own changes to it are then lost, so it asks); a rebuild is refused while
any window has it open. The shell opens the returned path and then Compare
coders on ``example_coder_ids``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator.core.errors import AnnotatorError, ProjectInUse
from annotator.io import locations
from annotator.io.example_coders import build_example_project, read_example_coders
from annotator.store import Project
from annotator.ui.widgets import file_dialogs, messages

EXAMPLE_NAME = "two-coder-example.sqlite"

Answer = Literal["reopen", "rebuild"]


def example_path() -> Path:
    """Where the example project lives (tests patch this)."""
    return locations.projects_dir() / EXAMPLE_NAME


def example_coder_ids(project: Project) -> list[str]:
    """The example's coders in ``project`` (those of them that are still there)."""
    wanted = {c.coder.casefold() for c in read_example_coders()}
    return [c.id for c in project.coders() if c.name.casefold() in wanted]


def ask_reopen(parent: QWidget | None, path: Path) -> Answer | None:
    """The example exists: reopen it as it is, rebuild it, or cancel (tests patch this)."""
    box = QMessageBox(parent)
    box.setWindowTitle("Two-coder example")
    box.setIcon(QMessageBox.Icon.Question)
    box.setText("The two-coder example was opened before.")
    box.setInformativeText(
        f"Reopen it as you left it, or rebuild it afresh? Rebuilding replaces {path.name} "
        "and loses any changes made to it."
    )
    reopen = box.addButton("Reopen", QMessageBox.ButtonRole.AcceptRole)
    rebuild = box.addButton("Rebuild", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(reopen)
    box.exec()
    clicked = box.clickedButton()
    return "reopen" if clicked is reopen else "rebuild" if clicked is rebuild else None


def _check_free(path: Path) -> None:
    """Raise ``ProjectInUse`` if a window (here or in another program) has ``path`` open."""
    if file_dialogs.is_open_project_file(path):
        raise ProjectInUse(
            f"{path.name} is open in a window; open another project there to rebuild the example."
        )
    project = Project.open(path, read_only=True)
    try:
        holder = project.editor_elsewhere()
    finally:
        project.close()
    if holder:
        raise ProjectInUse(f"{path.name} is open in {holder}; close it there to rebuild it.")


def prepare_example(parent: QWidget | None) -> Path | None:
    """The example project's path, built (or rebuilt) if need be; None if the researcher
    cancelled or it could not be built (said in a message)."""
    path = example_path()
    try:
        if path.exists():
            answer = ask_reopen(parent, path)
            if answer is None:
                return None
            if answer == "reopen":
                return path
            _check_free(path)
            for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)  # of the old file: never to meet the new one
        path.parent.mkdir(parents=True, exist_ok=True)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            build_example_project(path).close()
        finally:
            QApplication.restoreOverrideCursor()
    except (AnnotatorError, OSError) as err:
        messages.show_error(parent, f"The two-coder example could not be made: {err}")
        return None
    return path
