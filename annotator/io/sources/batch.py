"""Import source files into a project, one document per file, one action per document.

Reading and storing are separate steps, so that a GUI can read in a worker
thread and store on its own thread:

- ``extract_many(paths)`` reads each file and yields ``(path, ExtractedSource)``
  or ``(path, message)`` for a file that was refused. Structured formats are
  read in a worker process with a deadline and a memory cap
  (``annotator.io.sources.isolated``), plain text in this process. It touches no
  project, and stops promptly when its ``cancelled`` check says so, killing
  the worker if it is in the middle of a file.
- ``store_extracted(project, path, result, report)`` stores one result with
  ``Project.add_document``, which is its own transaction, and records in the
  report what became of the file: imported, already in the project (same
  text), or failed with the reason.

``import_files`` does both for a list of files: a broken file in a batch costs
only that file, and a failed file writes nothing. The report says what became
of every file, so the GUI and the CLI can show it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import AnnotatorError, Conflict
from annotator.core.models import Document
from annotator.io.sources.extract import ExtractedSource, extract, format_for
from annotator.io.sources.isolated import IN_PROCESS_FORMATS, Cancelled, IsolatedReader
from annotator.store import Project

#: What ``extract_many`` yields for each file: its text, or why it was refused.
Extraction = tuple[Path, ExtractedSource | str]


@dataclass
class ImportReport:
    """What became of each file of one import."""

    imported: list[Document] = field(default_factory=list)
    duplicates: list[tuple[Path, str]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    notes: list[tuple[Path, str]] = field(default_factory=list)
    #: True when ``progress`` (or ``cancelled``) asked to stop before every file was tried.
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        """Every file was tried and none failed (a duplicate is not a failure: its text is there)."""
        return not self.failed and not self.cancelled


def _lookup(table: Mapping[str, object] | None, path: Path) -> object | None:
    """A per-file entry, keyed by the path as given or by the file name."""
    if not table:
        return None
    for key in (str(path), path.name):
        if key in table:
            return table[key]
    return None


def extract_many(
    paths: Sequence[Path],
    *,
    formats: Mapping[str, str] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Generator[Extraction, None, None]:
    """Read each of ``paths`` in order; yield ``(path, ExtractedSource)`` or ``(path, message)``.

    ``formats`` maps a path or file name to a format override (``"md"`` for Markdown
    in a .txt). ``cancelled()`` is checked before each file and, while a file is read
    in the worker process, every few hundredths of a second; once it returns True the
    iteration ends (the worker is killed if it is mid-file), without a result for that
    file. Safe to run in a thread other than the one that stores: it touches no project.
    Closing the iterator early (``close()``, or leaving a ``for`` loop) ends the worker.
    """
    with IsolatedReader(cancelled=cancelled) as reader:
        for path in (Path(p) for p in paths):
            if cancelled is not None and cancelled():
                return
            override = _lookup(formats, path)
            try:
                fmt = format_for(path, str(override) if override is not None else None)
                if fmt in IN_PROCESS_FORMATS:
                    source = extract(path, format=fmt)
                else:
                    source = reader.extract(path, fmt)
            except Cancelled:
                return
            except AnnotatorError as err:
                yield path, str(err)
            else:
                yield path, source


def store_extracted(
    project: Project,
    path: Path,
    result: ExtractedSource | str,
    report: ImportReport,
    *,
    attributes: Mapping[str, str] | None = None,
) -> Document | None:
    """Store one result of ``extract_many`` as a document (its own transaction) and record
    in ``report`` what became of it; the new document, or None.

    ``attributes`` are extra document attributes; they win over the file's own metadata.
    A refusal (``result`` is a message), a text already in the project, or attributes
    the store refuses leave the project unchanged.
    """
    path = Path(path)
    if isinstance(result, str):
        report.failed.append((path, result))
        return None
    merged = {**result.attributes, **(dict(attributes) if attributes else {})}
    try:
        document = project.add_document(
            result.title,
            result.text,
            source_name=path.name,
            format=result.format,
            attributes=merged,
        )
    except Conflict as err:  # the store found the same text already imported
        report.duplicates.append((path, str(err)))
        return None
    except AnnotatorError as err:
        report.failed.append((path, str(err)))
        return None
    report.imported.append(document)
    report.notes.extend((path, note) for note in result.notes)
    return document


def import_files(
    project: Project,
    paths: Sequence[Path],
    *,
    progress: Callable[[int, int, Path], bool | None] | None = None,
    attributes: Mapping[str, Mapping[str, str]] | None = None,
    formats: Mapping[str, str] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import each of ``paths`` as a new document of ``project``.

    ``progress(done, total, path)`` is called before each file and once at the
    end (``done == total``); if it returns ``False`` the import stops there and
    the files already imported stay. ``cancelled()``, if given, is also polled
    while a file is being read (every few hundredths of a second), so a stop
    request is honoured mid-file. ``attributes`` maps a file name to extra
    document attributes (they win over the file's own metadata); ``formats``
    maps a file name to a format override (e.g. ``"md"`` for Markdown in a .txt).
    """
    report = ImportReport()
    paths = [Path(p) for p in paths]
    total = len(paths)
    results = extract_many(paths, formats=formats, cancelled=cancelled)
    try:
        for done, path in enumerate(paths):
            if progress is not None and progress(done, total, path) is False:
                report.cancelled = True
                return report
            extracted = next(results, None)
            if extracted is None:  # ``cancelled`` said stop
                report.cancelled = True
                return report
            extra = _lookup(attributes, path)
            store_extracted(
                project,
                path,
                extracted[1],
                report,
                attributes=extra if isinstance(extra, Mapping) else None,
            )
    finally:
        results.close()
    if progress is not None:
        progress(total, total, paths[-1] if paths else Path())
    return report
