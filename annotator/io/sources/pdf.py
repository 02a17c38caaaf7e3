"""PDF sources: the text layer, page by page, via pypdf.

A PDF only has words if something put a text layer in it. A scanned page is a
picture of words: there is nothing to extract, and the researcher needs OCR
first, which this module says in so many words rather than importing an empty
or near-empty document. Pages are separated by a blank line; the lines of a
page stay as the PDF lays them out (joining them would have to guess at
hyphenation, which could change words). A PDF locked with a password is
refused; one that is merely restricted (an empty user password, the common
"no printing/copying" flag) opens as usual, also with AES encryption (pypdf
uses the ``cryptography`` package for that).

pypdf reads a page's drawing instructions at a few MB a second, so a small
hostile PDF (one highly compressed content stream shared by many pages) could
keep it busy for hours. Reading is therefore bounded: at most ``MAX_PAGES``
pages; a page with more than ``MAX_PAGE_CONTENT_BYTES`` of instructions (real
text pages have kilobytes; only huge vector drawings come near) is skipped
with a note; a file still not read after ``MAX_SECONDS`` is refused, and so is one whose
text grows past ``extract.MAX_TEXT_CHARS`` (counted page by page). One page can still stall
pypdf for longer than that (the check runs between pages): the import runs this in a
worker process that is killed at its deadline (``annotator.io.sources.isolated``).
"""

from __future__ import annotations

import io
import logging
import time
from typing import Any

from annotator.core.errors import InvalidInput
from annotator.io.sources import extract as extract_module
from annotator.io.sources.extract import ExtractedSource

# pypdf logs a warning for every small defect it repairs; the researcher cannot
# act on those, so keep them off the console.
logging.getLogger("pypdf").setLevel(logging.ERROR)

#: Most pages read from one PDF (a long book has a few thousand).
MAX_PAGES = 10_000
#: Most drawing instructions (decoded content stream bytes) one page may have to be read.
MAX_PAGE_CONTENT_BYTES = 8 * 1024 * 1024
#: Reading time after which the file is refused (checked before each page). Seconds, not
#: minutes: a real PDF of a thousand pages reads in a few seconds, and the worker process
#: that runs this is killed at 20 s anyway.
MAX_SECONDS = 15.0

#: Producers that put their own name where the title belongs.
_TITLE_JUNK = ("Microsoft Word - ", "Microsoft PowerPoint - ")
#: Values that tools write when nobody filled a field in (ReportLab: "untitled", "anonymous").
_PLACEHOLDERS = {"untitled", "untitled document", "anonymous", "unknown", "unspecified", "none"}


def extract_pdf(data: bytes, name: str) -> ExtractedSource:
    """The text of every page; title, author and creation date from the PDF's metadata."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    if b"%PDF-" not in data[:1024]:
        raise InvalidInput(f"{name} is not a PDF file (it has no %PDF header).")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InvalidInput(
                f"{name} is protected by a password; remove the protection "
                "(for instance, print it to a new PDF) and import that."
            )
        pages, oversized = _read_pages(reader, name)
        title, attributes = _metadata(reader)
    except InvalidInput:
        raise
    except (FileNotDecryptedError, DependencyError) as err:
        # AES encryption needs the 'cryptography' package, even with an empty password.
        raise InvalidInput(
            f"{name} is encrypted in a way that cannot be opened here ({err})."
        ) from err
    except Exception as err:  # PdfReadError, but also plain KeyError/ValueError on damaged files
        raise InvalidInput(
            f"{name} cannot be read as a PDF: it is damaged ({type(err).__name__})."
        ) from err
    if not pages:
        raise InvalidInput(f"{name} has no pages.")
    blank = sum(1 for text in pages if not text.strip()) - len(oversized)
    if blank + len(oversized) == len(pages):
        if oversized:
            raise InvalidInput(
                f"{name} cannot be read: its pages hold more drawing instructions than can be "
                f"read (over {MAX_PAGE_CONTENT_BYTES / 1e6:.0f} MB a page)."
            )
        raise InvalidInput(
            f"{name} has no text layer (it is probably scanned images of pages); "
            "run OCR on it first, then import the result."
        )
    notes = []
    if blank:
        notes.append(
            f"{blank} of {len(pages)} pages have no text layer (scanned?) and were skipped"
        )
    if oversized:
        listed = ", ".join(str(n) for n in oversized[:10]) + (
            ", ..." if len(oversized) > 10 else ""
        )
        which = f"page {listed}" if len(oversized) == 1 else f"pages {listed}"
        notes.append(
            f"{len(oversized)} of {len(pages)} pages ({which}) hold more than "
            f"{MAX_PAGE_CONTENT_BYTES / 1e6:.0f} MB of drawing instructions and were skipped"
        )
    text = "\n\n".join(text.strip("\n") for text in pages if text.strip())
    return ExtractedSource(title, text, "pdf", attributes, notes)


def _read_pages(reader: Any, name: str) -> tuple[list[str], list[int]]:
    """Each page's text ("" for a skipped page) and the numbers of pages skipped as too large."""
    count = len(reader.pages)
    if count > MAX_PAGES:
        raise InvalidInput(
            f"{name} has {count} pages, more than the {MAX_PAGES} that can be imported; "
            "split it into smaller PDFs and import those."
        )
    deadline = time.monotonic() + MAX_SECONDS
    pages: list[str] = []
    oversized: list[int] = []
    size = 0
    for number, page in enumerate(reader.pages, start=1):
        if time.monotonic() > deadline:
            raise InvalidInput(
                f"{name} took too long to read (stopped at page {number} of {count} after "
                f"{MAX_SECONDS:.0f} seconds); split it into smaller PDFs and import those."
            )
        contents = page.get_contents()
        if contents is not None and len(contents.get_data()) > MAX_PAGE_CONTENT_BYTES:
            oversized.append(number)
            pages.append("")
            continue
        pages.append(_page_text(page))
        size += len(pages[-1])
        if size > extract_module.MAX_TEXT_CHARS:
            raise InvalidInput(extract_module.too_much_text(name))
    return pages, oversized


def _page_text(page: Any) -> str:
    text: str = page.extract_text() or ""
    return text.replace("\x00", "")


def _metadata(reader: Any) -> tuple[str, dict[str, str]]:
    """Title, author and creation date, each only if present and readable."""
    meta = reader.metadata
    if meta is None:
        return "", {}
    title = " ".join(str(meta.title or "").split())
    if title.startswith(_TITLE_JUNK) or title.lower() in _PLACEHOLDERS:
        title = ""  # "Microsoft Word - draft3.docx" names a file, not the text
    author = " ".join(str(meta.author or "").split())
    attributes = {"author": "" if author.lower() in _PLACEHOLDERS else author}
    try:
        created = meta.creation_date
    except Exception:  # a malformed date string: leave the attribute out
        created = None
    if created is not None:
        attributes["created"] = created.isoformat()
    return title, {k: v for k, v in attributes.items() if v}
