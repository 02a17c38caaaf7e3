"""PDF sources: the text layer, page by page, via pypdf.

A PDF only has words if something put a text layer in it. A scanned page is a
picture of words: there is nothing to extract, and the researcher needs OCR
first, which this module says in so many words rather than importing an empty
or near-empty document. Pages are separated by a blank line; the lines of a
page stay as the PDF lays them out (joining them would have to guess at
hyphenation, which could change words). A PDF locked with a password is
refused; one that is merely restricted (an empty user password, the common
"no printing/copying" flag) opens as usual.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from annotator.core.errors import InvalidInput
from annotator.io.extract import ExtractedSource

# pypdf logs a warning for every small defect it repairs; the researcher cannot
# act on those, so keep them off the console.
logging.getLogger("pypdf").setLevel(logging.ERROR)

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
        pages = [_page_text(page) for page in reader.pages]
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
    blank = sum(1 for text in pages if not text.strip())
    if blank == len(pages):
        raise InvalidInput(
            f"{name} has no text layer (it is probably scanned images of pages); "
            "run OCR on it first, then import the result."
        )
    notes = []
    if blank:
        notes.append(f"{blank} of {len(pages)} pages have no text layer (scanned?) and were skipped")
    text = "\n\n".join(text.strip("\n") for text in pages if text.strip())
    return ExtractedSource(title, text, "pdf", attributes, notes)


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
