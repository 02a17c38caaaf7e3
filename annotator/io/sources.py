"""Import source files into a project, one document per file, one action per document.

Each file is extracted (``extract.extract``) and stored with
``Project.add_document``, which is its own transaction: a broken file in a
batch costs only that file, and a failed file writes nothing. The report says
what became of every file — imported, already in the project (same text), or
failed with the reason — so the GUI and the CLI can show it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import AnnotatorError, Conflict
from annotator.core.models import Document
from annotator.io.extract import extract
from annotator.store import Project


@dataclass
class ImportReport:
    """What became of each file of one import."""

    imported: list[Document] = field(default_factory=list)
    duplicates: list[tuple[Path, str]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    notes: list[tuple[Path, str]] = field(default_factory=list)
    #: True when ``progress`` asked to stop before every file was tried.
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


def import_files(
    project: Project,
    paths: Sequence[Path],
    *,
    progress: Callable[[int, int, Path], bool | None] | None = None,
    attributes: Mapping[str, Mapping[str, str]] | None = None,
    formats: Mapping[str, str] | None = None,
) -> ImportReport:
    """Import each of ``paths`` as a new document of ``project``.

    ``progress(done, total, path)`` is called before each file and once at the
    end (``done == total``); if it returns ``False`` the import stops there and
    the files already imported stay. ``attributes`` maps a file name to extra
    document attributes (they win over the file's own metadata); ``formats``
    maps a file name to a format override (e.g. ``"md"`` for Markdown in a .txt).
    """
    report = ImportReport()
    paths = [Path(p) for p in paths]
    total = len(paths)
    for done, path in enumerate(paths):
        if progress is not None and progress(done, total, path) is False:
            report.cancelled = True
            return report
        try:
            fmt = _lookup(formats, path)
            source = extract(path, format=str(fmt) if fmt is not None else None)
            extra = _lookup(attributes, path)
            merged = {**source.attributes, **(dict(extra) if isinstance(extra, Mapping) else {})}
            document = project.add_document(
                source.title, source.text, source_name=path.name, format=source.format,
                attributes=merged,
            )
        except Conflict as err:  # the store found the same text already imported
            report.duplicates.append((path, str(err)))
        except AnnotatorError as err:
            report.failed.append((path, str(err)))
        else:
            report.imported.append(document)
            report.notes.extend((path, note) for note in source.notes)
    if progress is not None:
        progress(total, total, paths[-1] if paths else Path())
    return report
