"""Every format the codebook exports to, by name: the one list the CLI (and a menu) reads.

A format is a name (``--format NAME``), the file extensions that choose it when
no name is given, and a function writing the project's codebook to a path. A new
format is one more entry in ``CODEBOOK_FORMATS``; the command line's choices and
its guess from the extension follow from the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import InvalidInput
from annotator.io.codebook_docs.model import codebook_document
from annotator.io.files import refuse_project_file
from annotator.io.tables.codebook_csv import export_codebook
from annotator.store import Project


@dataclass(frozen=True)
class CodebookFormat:
    """One way of writing the codebook to a file."""

    #: What messages call it ("Word document").
    label: str
    #: Lower-case, with the dot; the first is the usual one.
    extensions: tuple[str, ...]
    #: Writes the project's codebook to the path (whole or not at all).
    export: Callable[[Project, Path], object]


# The writers are imported when used: the command line reads this table for its choices
# on every start, and python-docx alone takes longer to import than most commands run.
def _export_markdown(project: Project, path: Path) -> None:
    from annotator.io.codebook_docs.markdown_doc import write_markdown

    write_markdown(codebook_document(project), path)


def _export_html(project: Project, path: Path) -> None:
    from annotator.io.codebook_docs.html_doc import write_html

    write_html(codebook_document(project), path)


def _export_docx(project: Project, path: Path) -> None:
    from annotator.io.codebook_docs.docx_doc import write_docx

    write_docx(codebook_document(project), path)


def _export_qdc(project: Project, path: Path) -> None:
    from annotator.io.refi import export_qdc

    export_qdc(project, path)


#: Format name -> how to write it. ``csv`` is the table that imports back, ``qdc`` the
#: REFI-QDA codebook other tools (NVivo, ATLAS.ti, MAXQDA) read; the others are documents
#: for people.
CODEBOOK_FORMATS: dict[str, CodebookFormat] = {
    "csv": CodebookFormat("CSV table", (".csv",), export_codebook),
    "qdc": CodebookFormat("REFI-QDA codebook", (".qdc",), _export_qdc),
    "md": CodebookFormat("Markdown", (".md", ".markdown"), _export_markdown),
    "html": CodebookFormat("HTML page", (".html", ".htm"), _export_html),
    "docx": CodebookFormat("Word document", (".docx",), _export_docx),
}
#: The format of a file whose extension names none.
DEFAULT_FORMAT = "csv"


def format_for(path: str | Path, name: str | None = None) -> str:
    """The format to write ``path`` in: ``name`` if given, else the one its extension
    names, else ``DEFAULT_FORMAT``."""
    if name is not None:
        key = name.strip().lower().lstrip(".")
        if key not in CODEBOOK_FORMATS:
            known = ", ".join(CODEBOOK_FORMATS)
            raise InvalidInput(f"'{name}' is not a codebook format (known: {known}).")
        return key
    suffix = Path(path).suffix.lower()
    for key, fmt in CODEBOOK_FORMATS.items():
        if suffix in fmt.extensions:
            return key
    return DEFAULT_FORMAT


def export_codebook_as(project: Project, path: str | Path, name: str | None = None) -> str:
    """Write the codebook to ``path`` in the format ``format_for`` chooses; returns its name.

    A path that is the project's own file (or its ``-wal``/``-shm``) is refused: the
    export would be moved over the database while it is open (``annotator codebook
    export p.sqlite -o p.sqlite`` is an easy slip), and the project would be lost.
    """
    key = format_for(path, name)
    target = Path(path)
    refuse_project_file(project.path, target, "the codebook")
    CODEBOOK_FORMATS[key].export(project, target)
    return key


#: What a codebook imports from, by extension: the CSV table, and REFI-QDA's ``.qdc``.
IMPORT_FORMATS: dict[str, str] = {".csv": "CSV table", ".qdc": "REFI-QDA codebook"}


def import_codebook_file(project: Project, path: str | Path) -> object:
    """Bring the codes of ``path`` into ``project`` in one action (one undo step), read as
    a REFI-QDA codebook if it ends in ``.qdc``, else as the codebook CSV; the report (its
    ``str`` is the summary the CLI prints and the window shows)."""
    source = Path(path)
    if source.suffix.lower() == ".qdc":
        from annotator.io.refi import import_qdc

        return import_qdc(project, source)
    from annotator.io.tables.codebook_csv import import_codebook

    return import_codebook(project, source)
