"""Importing documents without freezing the window: files are read on a worker thread,
each document is stored on the GUI thread.

Reading is the slow part (a PDF's text layer, a large DOCX) and the untrusted one:
``io.sources.extract_many`` reads each file in a separate process with a time and
memory limit, and can be cancelled mid-file. Storing is quick, and stays on the
GUI thread with the window's own connection, one transaction per document, so a
broken file costs only itself and the history records each. The whole import is
one undo step (``UndoHistory.batch``).

``ImportRun.run()`` returns when every file was tried or the researcher cancelled;
meanwhile the event loop runs: the progress dialog repaints, Cancel works, the
window redraws. The dialog is window-modal, so no other edit can slip into the
middle of the import's undo step.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.io.files import display_name
from annotator.io.sources.batch import ImportReport, extract_many, store_extracted
from annotator.io.sources.extract import ExtractedSource
from annotator.store import Project
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.progress_run import progress_dialog


class _Reader(QThread):
    """Reads the files in order and hands each result to the GUI thread."""

    extracted = Signal(object, object)  # path, ExtractedSource | message

    def __init__(
        self, paths: Sequence[Path], formats: Mapping[str, str] | None, parent: QObject
    ) -> None:
        super().__init__(parent)
        self._paths = list(paths)
        self._formats = formats
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        # extract_many polls the flag while a file is read and kills its worker if set.
        for path, result in extract_many(
            self._paths, formats=self._formats, cancelled=lambda: self._cancel
        ):
            if self._cancel:
                return
            self.extracted.emit(path, result)


class ImportRun(QObject):
    """One import of ``paths`` into ``project``, with a progress dialog that can cancel."""

    def __init__(
        self,
        parent: QWidget,
        project: Project,
        stack: UndoHistory,
        paths: Sequence[Path],
        formats: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.stack = stack
        self.paths = list(paths)
        self.report = ImportReport()
        self._done = 0
        self._reader = _Reader(self.paths, formats, self)
        # Queued: results arrive on the GUI thread, where the project's connection lives.
        self._reader.extracted.connect(self._store, Qt.ConnectionType.QueuedConnection)
        self.dialog: QProgressDialog = progress_dialog(
            parent, "Reading documents…", len(self.paths), "importProgress"
        )
        self.dialog.canceled.connect(self.cancel)
        self._label(0)

    def _label(self, done: int) -> None:
        if done < len(self.paths):
            name = display_name(self.paths[done].name)
            self.dialog.setLabelText(f"Reading {name} ({done + 1} of {len(self.paths)})…")

    def _store(self, path: Path, result: ExtractedSource | str) -> None:
        if self.dialog.wasCanceled():
            self.cancel()
        if self.report.cancelled:
            return
        store_extracted(self.project, path, result, self.report)
        self._done += 1
        self.dialog.setValue(self._done)
        self._label(self._done)

    def cancel(self) -> None:
        """Stop after the file being read (its reader is killed at once); what was stored stays."""
        if self._done < len(self.paths):
            self.report.cancelled = True
        self._reader.cancel()

    def run(self) -> ImportReport:
        """Import every file (or until cancelled) while the event loop runs; the report."""
        label = f"Import {len(self.paths)} documents"
        loop = QEventLoop(self)
        self._reader.finished.connect(loop.quit)
        with self.stack.batch(label) if len(self.paths) > 1 else contextlib.nullcontext():
            self._reader.start()
            if not self._reader.isFinished():
                loop.exec()
            self._reader.wait()
            # Results queued before the thread ended are still on their way: deliver them.
            from PySide6.QtCore import QCoreApplication

            QCoreApplication.sendPostedEvents(self, 0)
            QCoreApplication.processEvents()
        self.dialog.close()
        return self.report
