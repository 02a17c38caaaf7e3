"""File-menu exchange: REFI-QDA projects and codebooks, codebook documents, coders' copies.

- Export project as REFI-QDA (.qdpx): written on a worker thread from a read-only
  connection of its own, with progress and Cancel (a cancelled export leaves no file).
- Import REFI-QDA project (.qdpx): a new project file, made on a worker thread
  (Cancel leaves no file); then what came in, what was skipped and why, and the
  offer to open it the way File → Open does.
- Import codebook (.qdc, .csv) and Export codebook as (.csv, .qdc, .md, .html,
  .docx): the format follows the file's extension (``io.codebook_docs.formats``);
  an import is one undo step.
- Merge a coder's copy: the copies are read and the merge planned on a worker
  thread (its own read-only connection); the preview says what will be added and
  what conflicts; "Merge" writes on the GUI thread, through the window's session,
  so that it is one step of the window's own history (Edit → Undo takes it back)
  and the views follow its ChangeSet like any edit.

Summaries are the io and app modules' own words (a report's ``str``,
``app.merge.summary_lines``), the same as the command line prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

from annotator.core.errors import AnnotatorError
from annotator.io.files import display_name
from annotator.store import Project
from annotator.ui.panels.merge_preview import REPLAN, MergePreviewDialog, SummaryDialog
from annotator.ui.widgets import commands, file_dialogs, messages
from annotator.ui.widgets.progress_run import CancelFn, ProgressFn, ProgressRun, run_with_progress

if TYPE_CHECKING:
    from annotator.app.merge import MergePreview
    from annotator.io.refi import QdpxExportReport, QdpxImportReport
    from annotator.ui.shell.main_window import MainWindow

QDPX_FILTER = "REFI-QDA projects (*.qdpx)"
PROJECT_FILTER = "Annotator projects (*.sqlite)"
CODEBOOK_IMPORT_FILTER = "Codebooks (*.qdc *.csv);;REFI-QDA codebook (*.qdc);;Codebook CSV (*.csv)"


def _refuse_own_file(window: MainWindow, path: Path, what: str) -> bool:
    """True (after saying so) if ``path`` is the open project's own file."""
    if file_dialogs.is_open_project_file(path) or _same(path, window.project.path):
        messages.show_error(window, f"{display_name(path.name)} is this project's own file; {what}")
        return True
    return False


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


# -- REFI-QDA projects ------------------------------------------------------------------------
def ask_export_qdpx(window: MainWindow) -> Path | None:
    """File → Export project as REFI-QDA: the file written, or None."""
    chosen = file_dialogs.save_file(
        window,
        window.settings,
        "exportQdpx",
        "Export project as REFI-QDA",
        f"{window.project.path.stem}.qdpx",
        QDPX_FILTER,
        window.project.path.parent,
    )
    if chosen is None:
        return None
    target = chosen if chosen.suffix else chosen.with_suffix(".qdpx")
    if _refuse_own_file(window, target, "choose another name."):
        return None
    window.details.commit_pending()  # a half-typed name is part of what is exported
    source = window.project.path

    def work(progress: ProgressFn, cancel: CancelFn) -> QdpxExportReport:
        from annotator.io.refi import export_qdpx

        # Its own read-only connection: the window's belongs to the GUI thread.
        with Project.open(source, read_only=True) as project:
            return export_qdpx(project, target, progress, cancel)

    from annotator.io.refi import ExchangeCancelled

    try:
        report = run_with_progress(window, f"Exporting {target.name}…", work, "qdpxProgress")
    except ExchangeCancelled:
        window.statusBar().showMessage("Export cancelled; no file was written.", 8000)
        return None
    except (AnnotatorError, OSError) as err:
        messages.show_error(window, str(err))
        return None
    text = str(report)
    if "\n" in text:  # warnings: worth a dialog, not only a passing status line
        SummaryDialog("Export", f"Exported {target.name}.", text.splitlines(), window).exec()
    window.statusBar().showMessage(f"Exported {target}: {text.splitlines()[0]}", 8000)
    return target


def _free_project_name(folder: Path, stem: str) -> Path:
    """``stem.sqlite`` in ``folder``, or ``stem 2.sqlite``... if that exists."""
    path, n = folder / f"{stem}.sqlite", 1
    while path.exists():
        n += 1
        path = folder / f"{stem} {n}.sqlite"
    return path


def ask_import_qdpx(window: MainWindow) -> Path | None:
    """File → Import REFI-QDA project: the new project file made, or None."""
    source = file_dialogs.open_file(
        window, window.settings, "importQdpx", "Import REFI-QDA project", QDPX_FILTER
    )
    if source is None:
        return None
    default = _free_project_name(source.parent, source.stem)
    # A full path: the dialog opens beside the .qdpx with the name filled in.
    chosen = file_dialogs.save_file(
        window,
        window.settings,
        "importQdpxTarget",
        "Save the new project as",
        str(default),
        PROJECT_FILTER,
        source.parent,
    )
    if chosen is None:
        return None
    target = chosen if chosen.suffix == ".sqlite" else chosen.with_suffix(".sqlite")

    def work(progress: ProgressFn, cancel: CancelFn) -> QdpxImportReport:
        from annotator.io.refi import import_qdpx

        return import_qdpx(source, target, progress, cancel)

    from annotator.io.refi import ExchangeCancelled

    try:
        report = run_with_progress(
            window, f"Importing {display_name(source.name)}…", work, "qdpxProgress"
        )
    except ExchangeCancelled:
        window.statusBar().showMessage("Import cancelled; no project was created.", 8000)
        return None
    except (AnnotatorError, OSError) as err:
        messages.show_error(window, str(err))
        return None
    summary = SummaryDialog(
        "Import REFI-QDA project",
        f"Created {target.name} from {display_name(source.name)}.",
        str(report).splitlines(),
        window,
        accept_text="Open the new project",
        reject_text="Not now",
    )
    if summary.exec() == QDialog.DialogCode.Accepted:
        from annotator.ui.shell.menus import _switch

        _switch(window, target)  # as File → Open: a new window, this one closes
    else:
        window.statusBar().showMessage(f"Created {target}", 8000)
    return target


# -- codebooks ---------------------------------------------------------------------------------
def ask_import_codebook(window: MainWindow) -> bool:
    """File → Import codebook: a .qdc or a codebook CSV, one undo step."""
    path = file_dialogs.open_file(
        window, window.settings, "importCodebook", "Import codebook", CODEBOOK_IMPORT_FILTER
    )
    return path is not None and import_codebook(window, path)


def import_codebook(window: MainWindow, path: Path) -> bool:
    """Bring the codes of ``path`` in (format by extension) as one undo step."""
    from annotator.io.codebook_docs.formats import import_codebook_file

    if _refuse_own_file(window, path, "it is not a codebook."):
        return False
    try:
        report = commands.execute(
            window.stack,
            window.project,
            f"Import codebook {display_name(path.name)}",
            lambda: import_codebook_file(window.project, path),
        )
    except AnnotatorError as err:
        messages.show_error(window, err)
        return False
    lines = str(report).splitlines()
    if len(lines) > 1:  # what in the file was not as it should be: said, not hidden
        SummaryDialog(
            "Import codebook", f"Imported {display_name(path.name)}.", lines, window
        ).exec()
    window.statusBar().showMessage(f"Codebook imported: {lines[0]}", 8000)
    return True


def codebook_export_filters() -> str:
    """One file filter per codebook format, the CSV table first."""
    from annotator.io.codebook_docs.formats import CODEBOOK_FORMATS

    return ";;".join(
        f"{fmt.label} ({' '.join('*' + e for e in fmt.extensions)})"
        for fmt in CODEBOOK_FORMATS.values()
    )


def ask_export_codebook(window: MainWindow) -> Path | None:
    """File → Export codebook as: the format by the file's extension (which the chosen
    filter gives a name typed without one)."""
    from annotator.io.codebook_docs.formats import CODEBOOK_FORMATS, export_codebook_as

    chosen = file_dialogs.save_file(
        window,
        window.settings,
        "export",
        "Export codebook",
        f"{window.project.path.stem}-codebook.csv",
        codebook_export_filters(),
        window.project.path.parent,
    )
    if chosen is None:
        return None
    path = chosen if chosen.suffix else chosen.with_suffix(".csv")
    if _refuse_own_file(window, path, "choose another name."):
        return None
    window.details.commit_pending()
    try:
        key = export_codebook_as(window.project, path)
    except (AnnotatorError, OSError) as err:
        messages.show_error(window, str(err))
        return None
    window.statusBar().showMessage(f"Wrote {path} ({CODEBOOK_FORMATS[key].label})", 8000)
    return path


def _plan_merge(window: MainWindow, paths: list[Path], restore: bool) -> MergePreview | None:
    """The preview, read and planned on a worker thread; None if refused or cancelled."""
    from annotator.app.merge import preview_merge

    target = window.project.path

    def plan(_progress: ProgressFn, _cancel: CancelFn) -> MergePreview:
        # Its own read-only connection: the window's belongs to the GUI thread.
        with Project.open(target, read_only=True) as project:
            return preview_merge(project, paths, restore_deleted=restore)

    run: ProgressRun[MergePreview] = ProgressRun(
        window, "Reading the copies…", plan, "mergeProgress"
    )
    try:
        preview = run.run()
    except (AnnotatorError, OSError) as err:
        messages.show_error(window, str(err))
        return None
    if run.cancelled:  # planning cannot stop midway; its result is simply not used
        window.statusBar().showMessage("Merge cancelled; nothing was written.", 8000)
        return None
    return preview


# -- merging coders' copies ------------------------------------------------------------------
def ask_merge(window: MainWindow) -> MergePreview | None:
    """File → Merge a coder's copy: choose, preview, then merge (or not); what was merged."""
    paths = file_dialogs.open_files(
        window,
        window.settings,
        "mergeCopies",
        "Merge a coder's copy",
        PROJECT_FILTER,
        window.project.path.parent,
    )
    return merge_copies(window, paths) if paths else None


def merge_copies(window: MainWindow, paths: list[Path]) -> MergePreview | None:
    from annotator.app.merge import merge, summary_lines

    window.details.commit_pending()  # the preview must see what the merge will meet
    restore = False
    while True:
        preview = _plan_merge(window, paths, restore)
        if preview is None:
            return None
        dialog = MergePreviewDialog(preview, window, restore_deleted=restore)
        answer = dialog.exec()
        if answer != REPLAN:
            break
        restore = dialog.restore_deleted  # plan again, with or without what was deleted
        dialog.deleteLater()
    if answer != QDialog.DialogCode.Accepted:
        window.statusBar().showMessage("Merge cancelled; nothing was written.", 8000)
        return None
    # On the GUI thread, through the window's session: one step of its own history.
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    window.statusBar().showMessage("Merging…")
    window.statusBar().repaint()  # painted now; no other event may run before the write
    try:
        done = merge(window.session, paths, restore_deleted=restore, expected=preview)
    except AnnotatorError as err:
        QGuiApplication.restoreOverrideCursor()
        messages.show_error(window, err)
        return None
    QGuiApplication.restoreOverrideCursor()
    names = ", ".join(plan.source for plan in done.plans)
    headline = f"Merged {names} into {done.target}."
    SummaryDialog("Merge", headline, summary_lines(done, done=True), window).exec()
    window.statusBar().showMessage(
        "Merged; Edit → Undo takes the whole merge back."
        if not done.writes_nothing
        else "Nothing to merge.",
        8000,
    )
    return done
