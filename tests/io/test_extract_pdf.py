"""PDF sources: the text layer is imported; scanned, locked or broken PDFs are refused clearly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from annotator.core.errors import InvalidInput
from annotator.io.sources.extract import extract


def make_pdf(path: Path, pages: list[list[str]], *, title: str | None = None) -> Path:
    """One list of lines per page; an empty list draws a filled rectangle (a 'scanned' page)."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=True)
    if title is not None:
        pdf.setTitle(title)
        pdf.setAuthor("Ambassador Zhang Jun")
    for lines in pages:
        if not lines:
            pdf.rect(72, 400, 300, 300, fill=1)
        for i, line in enumerate(lines):
            pdf.drawString(72, 770 - 18 * i, line)
        pdf.showPage()
    pdf.save()
    return path


def test_pdf_text_layer_page_by_page_with_metadata(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "remarks.pdf",
        [
            ["Remarks at the Arria-Formula meeting", "on emerging technologies, café."],
            ["Page two."],
        ],
        title="Remarks by Ambassador Zhang Jun",
    )
    source = extract(path)
    assert source.format == "pdf"
    assert source.title == "Remarks by Ambassador Zhang Jun"
    assert source.attributes["author"] == "Ambassador Zhang Jun"
    assert dt.datetime.fromisoformat(source.attributes["created"]).year >= 2000
    assert source.text == (
        "Remarks at the Arria-Formula meeting\non emerging technologies, café.\n\nPage two."
    )
    assert source.notes == []


def test_pdf_placeholder_title_is_ignored_for_first_line(tmp_path: Path) -> None:
    # ReportLab, like many tools, writes "untitled" / "anonymous" when nobody set them.
    source = extract(make_pdf(tmp_path / "a.pdf", [["Real first line", "more"]]))
    assert source.title == "Real first line"
    assert "author" not in source.attributes


def test_scanned_pdf_says_there_is_no_text_layer_and_ocr_is_needed(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "scan.pdf", [[], []])
    with pytest.raises(InvalidInput, match=r"scan\.pdf has no text layer.*OCR"):
        extract(path)


def test_partly_scanned_pdf_imports_the_text_and_notes_the_rest(tmp_path: Path) -> None:
    source = extract(make_pdf(tmp_path / "mixed.pdf", [["Typed page."], []]))
    assert source.text == "Typed page."
    assert source.notes == ["1 of 2 pages have no text layer (scanned?) and were skipped"]


def encrypt(src: Path, dst: Path, user_password: str) -> Path:
    writer = pypdf.PdfWriter(clone_from=str(src))
    writer.encrypt(user_password, owner_password="owner", algorithm="RC4-128")
    writer.write(str(dst))
    return dst


def test_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "plain.pdf", [["Secret text."]])
    locked = encrypt(plain, tmp_path / "locked.pdf", "secret")
    with pytest.raises(InvalidInput, match=r"locked\.pdf is protected by a password"):
        extract(locked)


def test_restricted_pdf_with_empty_password_opens(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "plain.pdf", [["Restricted but readable."]])
    restricted = encrypt(plain, tmp_path / "restricted.pdf", "")
    assert extract(restricted).text == "Restricted but readable."


def test_random_bytes_named_pdf_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "noise.pdf"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InvalidInput, match=r"noise\.pdf is not a PDF file"):
        extract(path)


def test_truncated_pdf_is_refused_as_damaged(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", [["Some text."]])
    path = tmp_path / "truncated.pdf"
    path.write_bytes(good.read_bytes()[:400])
    with pytest.raises(InvalidInput, match=r"truncated\.pdf cannot be read as a PDF"):
        extract(path)
