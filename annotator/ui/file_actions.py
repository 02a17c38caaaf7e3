"""File operations started from the window: open/new project, import, export.

Each shows one clear message on failure and leaves the project unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog

from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError
from annotator.io.extract import SUPPORTED_SUFFIXES, display_name
from annotator.ui import commands, messages

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

#: Above this many files, a progress dialog with Cancel is shown.
PROGRESS_THRESHOLD = 3


def import_paths(window: MainWindow, paths: Sequence[Path]) -> None:
    """Import source files (each its own transaction) and say what happened."""
    from annotator.io.sources import import_files

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(path)
    if not files:
        messages.show_error(window, "There are no importable files there.")
        return
    dialog: QProgressDialog | None = None
    if len(files) > PROGRESS_THRESHOLD:
        dialog = QProgressDialog("Importing documents…", "Cancel", 0, len(files), window)
        dialog.setObjectName("importProgress")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)

    def progress(done: int, total: int, path: Path) -> bool:
        if dialog is None:
            return True
        dialog.setValue(done)
        dialog.setLabelText(f"Importing {display_name(path.name)} ({done + 1} of {total})…" if done < total else "Done")
        QApplication.processEvents()
        return not dialog.wasCanceled()

    parts: list[ChangeSet] = []
    unsubscribe = window.project.subscribe(parts.append)
    try:
        report = import_files(window.project, files, progress=progress)
    finally:
        unsubscribe()
    n = len(report.imported)
    commands.push_done(window.stack, window.project, parts,
                       f"Import {report.imported[0].title}" if n == 1 else f"Import {n} documents")
    if dialog is not None:
        dialog.close()
    lines = [f"Imported {len(report.imported)} of {len(files)} file(s)."]
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
    names, _ = QFileDialog.getOpenFileNames(window, "Import documents", "", f"Documents ({patterns})")
    if names:
        import_paths(window, [Path(n) for n in names])


def import_codebook_csv(window: MainWindow, path: Path) -> bool:
    from annotator.io.codebook_csv import import_codebook

    try:
        report = commands.execute(window.stack, window.project, f"Import codebook {display_name(path.name)}",
                                  lambda: import_codebook(window.project, path))
    except AnnotatorError as err:
        messages.show_error(window, err)
        return False
    window.statusBar().showMessage(f"Codebook imported: {report}", 6000)
    return True


def ask_import_codebook(window: MainWindow) -> None:
    name, _ = QFileDialog.getOpenFileName(window, "Import codebook", "", "Codebook CSV (*.csv)")
    if name:
        import_codebook_csv(window, Path(name))


def ask_export(window: MainWindow, what: str) -> None:
    from annotator.io.codebook_csv import export_codebook
    from annotator.io.segments_csv import export_segments

    default = f"{window.project.path.stem}-{what}.csv"
    name, _ = QFileDialog.getSaveFileName(window, f"Export {what}", default, "CSV (*.csv)")
    if not name:
        return
    if not Path(name).suffix:
        name += ".csv"
    try:
        if what == "codebook":
            export_codebook(window.project, Path(name))
        else:
            export_segments(window.project, Path(name))
    except (AnnotatorError, OSError) as err:
        messages.show_error(window, str(err))
        return
    window.statusBar().showMessage(f"Wrote {name}", 6000)


def ask_open_project(window: MainWindow) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(window, "Open project", "", "Annotator projects (*.sqlite)")
    return Path(name) if name else None


def ask_new_project(window: MainWindow) -> Path | None:
    from annotator.store import Project

    name, _ = QFileDialog.getSaveFileName(window, "New project", "project.sqlite", "Annotator projects (*.sqlite)")
    if not name:
        return None
    path = Path(name)
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
