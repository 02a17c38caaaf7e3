"""Starting the desktop app: the QApplication, the first project, the first coder."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget

from annotator.core.errors import AnnotatorError, ProjectInUse
from annotator.io import locations
from annotator.ui.shell.main_window import MainWindow

_windows: list[MainWindow] = []


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    # A failed action shows a message, never a silent crash; details go to stderr.
    traceback.print_exception(kind, value, tb)
    text = str(value) if isinstance(value, AnnotatorError) else f"Something went wrong: {value}"
    QMessageBox.warning(QApplication.activeWindow(), "Annotator", text)


def ask_for_coder(window: MainWindow) -> None:
    """First launch on a project: ask who is coding (pick an existing coder or type a new name)."""
    names = [c.name for c in window.project.coders()]
    while window.needs_coder():
        name, ok = QInputDialog.getItem(
            window,
            "Who is coding?",
            "Your name (every coding you make is recorded under it):",
            names,
            0,
            True,
        )
        if not ok:
            return
        existing = next(
            (c for c in window.project.coders() if c.name.casefold() == name.strip().casefold()),
            None,
        )
        if existing is not None:
            window.state.set_active_coder(existing.id)
        elif name.strip():
            window.coder_bar.add_coder(name)


def ask_read_only(parent: QWidget | None, problem: ProjectInUse) -> bool:
    """The project is edited in another window: offer to open it read-only here (tests patch this)."""
    answer = QMessageBox.question(
        parent,
        "Project already open",
        f"{problem}\n\nOpen it read-only here? This window will show the other window's "
        "changes as they are saved, and change nothing itself.",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Open


def open_window(
    path: Path, settings: QSettings | None = None, parent: QWidget | None = None
) -> MainWindow | None:
    """Open ``path`` in a new window; None if the user declined (it is edited elsewhere)."""
    try:
        window = MainWindow(path, settings)
    except ProjectInUse as err:
        if not ask_read_only(parent, err):
            return None
        window = MainWindow(path, settings, read_only=True)
    _windows.append(window)
    window.destroyed.connect(lambda *_: _windows.remove(window) if window in _windows else None)
    window.show()
    if not window.project.read_only:
        ask_for_coder(window)
        # After the window is up: a large project's copy must not delay the first paint.
        QTimer.singleShot(0, window.backup_on_open)
    return window


def _first_project(arg: str | None, settings: QSettings) -> Path | None:
    """The project named, else the last one opened, else the bundled corpus
    project (built on first use)."""
    default = locations.default_project()
    if arg:
        path = Path(arg)
    else:
        last = settings.value("lastProject")
        path = Path(str(last)) if last and Path(str(last)).exists() else default
    if not path.exists() and path.resolve() == default.resolve():
        from annotator.io.demo import build_demo

        build_demo(default).close()
    elif arg and not path.exists():
        # `annotator gui NEW.sqlite`: offer to make it, rather than only saying it is not there.
        if not ask_create(path):
            return None
        from annotator.store import Project

        Project.create(path).close()
    return path


def ask_create(path: Path) -> bool:
    """The named project does not exist: create it? (tests patch this)"""
    answer = QMessageBox.question(
        None,
        "New project",
        f"There is no project at {path}.\n\nCreate a new, empty project there?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def run_app(project: str | None = None) -> int:
    from annotator.ui import platform_check

    if QApplication.instance() is None and platform_check.uses_xcb():
        missing = platform_check.missing_libraries()
        if missing:  # Qt would abort with a hint-less "could not load the Qt platform plugin"
            print(f"annotator: error: {platform_check.advice(missing)}", file=sys.stderr)
            return 1
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")
    sys.excepthook = _excepthook
    settings = QSettings()
    try:
        first = _first_project(project, settings)
        if first is None:
            return 0
        window = open_window(first, settings)
    except AnnotatorError as err:
        QMessageBox.critical(None, "Annotator", str(err))
        return 1
    except OSError as err:  # unreadable file or folder: one sentence, no traceback
        where = f" ({err.filename})" if err.filename else ""
        QMessageBox.critical(
            None, "Annotator", f"The project cannot be opened: {err.strerror or err}{where}."
        )
        return 1
    if window is None:
        return 0
    return app.exec()
