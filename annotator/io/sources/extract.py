"""One source file in, its readable text out: checks every file, then dispatches by format.

``extract(path)`` refuses what cannot be a source text (missing, unreadable,
empty, oversized, unsupported) with an ``InvalidInput`` naming the file, reads
the bytes once, and hands them to the extractor of the format:

- ``txt``: ``decode.decode_text`` (byte-order marks, UTF-8, reported fallbacks);
- ``md``, ``html``: ``extract_markup`` (the text a reader sees, no markup);
- ``docx``, ``odt``, ``rtf``: ``extract_office``;
- ``pdf``: ``extract_pdf`` (the text layer; scanned PDFs are refused).

A plain text file is stored exactly as it is, except that its line endings
become ``\\n``: offsets other tools computed on the same file still point at
the same words (once they too count a line end as one character). Text built
from a structured format has ``\\n`` line endings, no trailing white space on
a line and no blank lines at either end. The words themselves are never
changed. The title is the file's own metadata title when it has one, else its
first non-blank line.

File names reach messages through ``display_name``, which escapes control and
bidirectional-override characters so that a hostile name cannot break a
message into several lines or make ``txt.exe`` read as ``exe.txt``.
``read_file`` reads only regular files (a pipe or device would block or never
end) up to a size limit; the CSV importers use it too.

``extract`` reads in the calling process, with each extractor's own limits (file
size, ``MAX_TEXT_CHARS``, unpacked and per-part XML sizes, pages, seconds). The
import (``sources.extract_many``, ``sources.import_files``) runs it for the
structured formats in a worker process with a deadline and a memory cap
(``isolated``), for what those limits do not foresee.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.core.text import first_line_title, normalise_newlines
from annotator.io.files import display_name, read_file
from annotator.io.sources.decode import decode_text

#: Largest source file accepted (bytes). Bigger files are refused before reading.
MAX_BYTES = 50 * 1024 * 1024

#: Most characters of text one source may have. The longest sources in our field (a book,
#: a year of one outlet's articles in one file) hold a few million characters; 20 million is
#: several times that, yet small enough that building, tidying and storing it stays within a
#: few hundred MB of memory. Compressed formats (.docx, .odt, PDF streams) could otherwise
#: unpack a small file into gigabytes of honest-looking text; their extractors count as they
#: go and stop at this limit instead of building the text first.
MAX_TEXT_CHARS = 20_000_000

#: File suffix -> format name.
SUPPORTED_SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".odt": "odt",
    ".rtf": "rtf",
    ".pdf": "pdf",
}

#: The format names ``extract(format=...)`` accepts, and what each is called in messages.
FORMATS: dict[str, str] = {
    "txt": "plain text",
    "md": "Markdown",
    "html": "HTML",
    "docx": "Word (.docx)",
    "odt": "OpenDocument text (.odt)",
    "rtf": "Rich Text (.rtf)",
    "pdf": "PDF",
}

#: Formats people often try, with what to do instead.
_ADVICE = {
    ".doc": "it is an old Word 97-2003 file; save it as .docx and import that",
    ".pages": "export it from Pages as .docx or .pdf and import that",
    ".xlsx": "spreadsheets are not source texts; copy the text into a .txt or .docx file",
    ".pptx": "export the slides as .pdf and import that",
}


@dataclass
class ExtractedSource:
    """The readable text of one source file, ready for ``Project.add_document``."""

    title: str
    text: str
    format: str
    attributes: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


Extractor = Callable[[bytes, str], ExtractedSource]


def format_for(path: Path, format: str | None = None) -> str:
    """The format name for ``path``: ``format`` if given (a name or suffix), else from its suffix."""
    if format is not None:
        key = format.strip().lower()
        key = SUPPORTED_SUFFIXES.get(key if key.startswith(".") else "." + key, key)
        if key not in FORMATS:
            known = ", ".join(FORMATS)
            raise InvalidInput(
                f"'{display_name(format)}' is not an import format; use one of {known}."
            )
        return key
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return SUPPORTED_SUFFIXES[suffix]
    known = ", ".join(sorted(SUPPORTED_SUFFIXES))
    name = display_name(path.name or path)
    if suffix in _ADVICE:
        raise InvalidInput(f"{name} cannot be imported: {_ADVICE[suffix]}.")
    if not suffix:
        raise InvalidInput(f"{name} has no file extension; rename it to one of {known}.")
    raise InvalidInput(
        f"{name} cannot be imported: {display_name(suffix)} files are not supported ({known} are)."
    )


def read_source(path: Path) -> bytes:
    """The file's bytes, or an ``InvalidInput`` saying why it cannot be a source."""
    return read_file(path, MAX_BYTES)


def extract(path: Path, *, format: str | None = None) -> ExtractedSource:
    """Read ``path`` and return its readable text, title and metadata.

    ``format`` overrides the suffix (``"md"`` for a Markdown file named .txt).
    Every problem is an ``InvalidInput`` whose message names the file.
    """
    path = Path(path)
    name = display_name(path.name or path)
    fmt = format_for(path, format)
    data = read_source(path)
    try:
        source = _extractor(fmt)(data, name)
    except (AnnotatorError, MemoryError):
        raise
    except Exception as err:  # a library failure the extractor did not foresee: still one sentence
        raise InvalidInput(
            f"{name} cannot be read as {FORMATS[fmt]}: it is damaged or unusual "
            f"({type(err).__name__})."
        ) from err
    if len(source.text) > MAX_TEXT_CHARS:
        raise InvalidInput(too_much_text(name))
    text = normalise_newlines(source.text) if fmt == "txt" else tidy(source.text)
    if "\x00" in text:
        # NUL never occurs in text (an RTF \\u0 escape, a damaged file); stored, it
        # would cut strings short in SQLite functions and in the text view.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InvalidInput(
            f"{name} contains a NUL character (on line {line}); it is not plain text."
        )
    if not text.strip():
        raise InvalidInput(f"{name} has no text to import.")
    title = " ".join(source.title.split()) or first_line_title(text)
    return ExtractedSource(title, text, fmt, dict(source.attributes), list(source.notes))


def too_much_text(name: str) -> str:
    """The message for a source with more than ``MAX_TEXT_CHARS`` characters of text."""
    return (
        f"{name} holds more than {MAX_TEXT_CHARS / 1e6:.0f} million characters of text, more "
        "than any real source; it may be damaged or built to exhaust memory (split a genuine "
        "one into parts and import those)."
    )


def tidy(text: str) -> str:
    """``\\n`` line endings, no trailing white space per line, no blank lines at either end."""
    # split/rstrip/join: about twice as fast as a multi-line regex on a 500 KB text.
    text = "\n".join([line.rstrip() for line in normalise_newlines(text).split("\n")])
    return text.strip("\n")


def extract_txt(data: bytes, name: str) -> ExtractedSource:
    """A plain text file: decoded, otherwise untouched."""
    text, notes = decode_text(data, name)
    return ExtractedSource("", text, "txt", {}, notes)


def _extractor(fmt: str) -> Extractor:
    # Imported on demand: pypdf, python-docx and lxml take a noticeable time to
    # load, and the extractor modules import ExtractedSource from here.
    if fmt == "txt":
        return extract_txt
    if fmt in ("md", "html"):
        from annotator.io.sources import markup as extract_markup

        return extract_markup.extract_markdown if fmt == "md" else extract_markup.extract_html
    if fmt in ("docx", "odt", "rtf"):
        from annotator.io.sources import office as extract_office

        return {
            "docx": extract_office.extract_docx,
            "odt": extract_office.extract_odt,
            "rtf": extract_office.extract_rtf,
        }[fmt]
    from annotator.io.sources import pdf as extract_pdf

    return extract_pdf.extract_pdf
