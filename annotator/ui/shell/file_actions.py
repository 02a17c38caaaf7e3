"""File operations started from the window: open/new project, import, export.

Each shows one clear message on failure and leaves the project unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from annotator.core.errors import AnnotatorError
from annotator.io.files import display_name
from annotator.io.sources.extract import SUPPORTED_SUFFIXES
from annotator.ui.widgets import file_dialogs, messages

if TYPE_CHECKING:
    from annotator.ui.shell.main_window import MainWindow


def import_paths(window: MainWindow, paths: Sequence[Path]) -> None:
    """Import source files (each its own transaction) and say what happened."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        else:
            files.append(path)
    own = [f for f in files if file_dialogs.is_open_project_file(f)]
    files = [f for f in files if f not in own]
    if own:
        # Reading it would open and close the project file beside SQLite (see store.guard).
        messages.show_error(
            window, f"{display_name(own[0].name)} is this project's own file; it is not a document."
        )
        if not files:
            return
    if not files:
        messages.show_error(window, "There are no importable files there.")
        return
    from annotator.ui.shell.import_run import ImportRun

    # Read off the GUI thread, each file in a guarded worker process; stored here, one
    # transaction per file (a broken file costs only itself), one undo step for all.
    report = ImportRun(window, window.project, window.stack, files).run()
    lines = [
        f"Imported {len(report.imported)} of {len(files)} file(s)."
        + (" Stopped: the rest were not read." if report.cancelled else "")
    ]
    lines += [f"Already in the project: {display_name(p.name)}" for p, _ in report.duplicates]
    lines += [m for _, m in report.failed]
    lines += [f"{display_name(p.name)}: {n}" for p, n in report.notes]
    if report.failed or report.duplicates:
        messages.show_error(window, "\n".join(lines), title="Import")
    else:
        window.statusBar().showMessage(lines[0], 6000)
    if report.imported:
        window.state.set_current_document(report.imported[-1].id)


def ask_import(window: MainWindow) -> None:
    patterns = " ".join(f"*{s}" for s in sorted(SUPPORTED_SUFFIXES))
    paths = file_dialogs.open_files(
        window, window.settings, "importDocuments", "Import documents", f"Documents ({patterns})"
    )
    if paths:
        import_paths(window, paths)


def ask_export_segments(window: MainWindow) -> None:
    """Export the coded segments as CSV (the codebook's exports: ``exchange_actions``)."""
    from annotator.io.tables.segments_csv import export_segments

    default = f"{window.project.path.stem}-segments.csv"
    chosen = file_dialogs.save_file(
        window,
        window.settings,
        "export",
        "Export segments",
        default,
        "CSV (*.csv)",
        window.project.path.parent,
    )
    if chosen is None:
        return
    name = str(chosen if chosen.suffix else chosen.with_suffix(".csv"))
    if file_dialogs.is_open_project_file(Path(name)):
        messages.show_error(
            window, f"{Path(name).name} is this project's own file; choose another name."
        )
        return
    try:
        export_segments(window.project, Path(name))
    except (AnnotatorError, OSError) as err:
        messages.show_error(window, str(err))
        return
    window.statusBar().showMessage(f"Wrote {name}", 6000)


def ask_open_project(window: MainWindow) -> Path | None:
    return file_dialogs.open_file(
        window,
        window.settings,
        "projects",
        "Open project",
        "Annotator projects (*.sqlite)",
        window.project.path.parent,
    )


def ask_new_project(window: MainWindow) -> Path | None:
    from annotator.store import Project

    chosen = file_dialogs.save_file(
        window,
        window.settings,
        "projects",
        "New project",
        "project.sqlite",
        "Annotator projects (*.sqlite)",
        window.project.path.parent,
    )
    if chosen is None:
        return None
    path = chosen
    if path.suffix != ".sqlite":
        path = path.with_suffix(".sqlite")
    try:
        Project.create(path).close()
    except AnnotatorError as err:
        messages.show_error(window, err)
        return None
    return path


def confirm(window: MainWindow, title: str, text: str) -> bool:
    answer = QMessageBox.question(window, title, text)
    return answer == QMessageBox.StandardButton.Yes


def ask_save_copy(window: MainWindow) -> None:
    """File -> Save a copy: the project as it is now, in a file of its own (the open one
    stays open and keeps every change)."""
    from annotator.store.backups import save_copy

    stem = window.project.path.stem
    chosen = file_dialogs.save_file(
        window,
        window.settings,
        "saveCopy",
        "Save a copy",
        f"{stem} copy.sqlite",
        "Annotator projects (*.sqlite)",
        window.project.path.parent,
    )
    if chosen is None:
        return
    path = chosen if chosen.suffix == ".sqlite" else chosen.with_suffix(".sqlite")
    try:
        save_copy(window.project, path)
    except AnnotatorError as err:
        messages.show_error(window, err)
        return
    window.statusBar().showMessage(f"Saved a copy as {path}", 8000)


def ask_backups(window: MainWindow) -> None:
    """File -> Automatic backups: how many to keep (0 turns them off), and where they are."""
    from PySide6.QtWidgets import QInputDialog

    from annotator.store.backups import backup_folder

    keep = backups_kept(window.settings)
    folder = backup_folder(window.project.path)
    value, ok = QInputDialog.getInt(
        window,
        "Automatic backups",
        f"Each time a project opens, a backup is made in\n{folder}\n\n"
        "How many backups to keep per project (0 = none):",
        keep,
        0,
        100,
    )
    if ok:
        window.settings.setValue("backups/keep", value)
        window.statusBar().showMessage(
            f"Keeping {value} automatic backup(s) per project."
            if value
            else "Automatic backups are off.",
            6000,
        )


def backups_kept(settings: QSettings) -> int:
    """How many automatic backups to keep (File -> Automatic backups; 0 = off)."""
    from annotator.store.backups import DEFAULT_KEEP

    try:
        return max(0, int(str(settings.value("backups/keep", DEFAULT_KEEP))))
    except ValueError:
        return DEFAULT_KEEP
