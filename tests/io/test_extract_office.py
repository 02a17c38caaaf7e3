"""Word, OpenDocument and Rich Text sources, made with each format's own library or by hand."""

from __future__ import annotations

import copy
import datetime as dt
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from odf import dc, meta
from odf.opendocument import OpenDocumentText
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, LineBreak, List, ListItem, Note, NoteBody, NoteCitation, P, S, Tab

from annotator.core.errors import InvalidInput
from annotator.io import files
from annotator.io.sources.extract import extract

# -- Word -------------------------------------------------------------------------


def make_docx(path: Path, *, title: str = "") -> Path:
    document = docx.Document()
    props = document.core_properties
    props.title = title
    props.author = "Wang Huiyao"
    props.created = dt.datetime(2024, 5, 22, 9, 30, tzinfo=dt.UTC)
    document.add_heading("Stakes have never been higher", 1)
    paragraph = document.add_paragraph("Recent talks on ")
    paragraph.add_run("climate change").bold = True
    paragraph.add_run(" highlight cooperation 🤝.")
    document.add_paragraph("Climate", style="List Bullet")
    document.add_paragraph("Trade", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "Year", "Place", "Topic"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "2023 San Francisco"
    table.cell(1, 2).text = "AI"
    document.add_paragraph("Closing line.")
    document.save(str(path))
    return path


def test_docx_paragraphs_lists_tables_and_properties(tmp_path: Path) -> None:
    source = extract(make_docx(tmp_path / "op-ed.docx", title="US-China cooperation"))
    assert source.format == "docx"
    assert source.title == "US-China cooperation"
    assert source.attributes == {"author": "Wang Huiyao", "created": "2024-05-22T09:30:00+00:00"}
    assert source.text == (
        "Stakes have never been higher\n\n"
        "Recent talks on climate change highlight cooperation 🤝.\n\n"
        "Climate\nTrade\n\n"
        "Year\tPlace\tTopic\n"
        "2023 San Francisco\tAI\n\n"
        "Closing line."
    )


def test_docx_without_title_property_uses_first_line(tmp_path: Path) -> None:
    assert extract(make_docx(tmp_path / "a.docx")).title == "Stakes have never been higher"


def test_docx_tracked_insertions_count_and_deletions_do_not(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Kept ")
    inserted = paragraph.add_run("inserted")
    deleted = paragraph.add_run("deleted")
    for run, tag in ((inserted, "w:ins"), (deleted, "w:del")):
        wrapper = paragraph._p.makeelement(qn(tag), {qn("w:id"): "1", qn("w:author"): "A"})
        run._r.addprevious(wrapper)
        wrapper.append(run._r)
    path = tmp_path / "tracked.docx"
    document.save(str(path))
    assert extract(path).text == "Kept inserted"


def test_random_bytes_named_docx_are_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InvalidInput, match=r"broken\.docx cannot be read as a Word document"):
        extract(path)


def test_zip_without_word_part_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    with pytest.raises(InvalidInput, match=r"without word/document\.xml"):
        extract(path)


def test_docx_with_damaged_xml_is_refused(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx")
    path = tmp_path / "damaged.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(
                item, data[: len(data) // 2] if item.filename == "word/document.xml" else data
            )
    with pytest.raises(InvalidInput, match=r"damaged\.docx cannot be read as a Word document"):
        extract(path)


def test_old_binary_word_file_renamed_docx_gets_advice(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(InvalidInput, match=r"old\.docx is an old binary Office file"):
        extract(path)


def test_docx_unpacking_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(InvalidInput, match=r"a\.docx would unpack to"):
        extract(make_docx(tmp_path / "a.docx"))


# -- OpenDocument -----------------------------------------------------------------


def make_odt(path: Path) -> Path:
    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Arria-Formula remarks"))
    document.meta.addElement(dc.Creator(text="Zhang Jun"))
    document.meta.addElement(meta.CreationDate(text="2021-05-17T04:11:00"))
    document.text.addElement(H(outlinelevel=1, text="Remarks"))
    paragraph = P(text="Emerging  technologies")
    paragraph.addElement(S(c=2))
    paragraph.addText("matter")
    paragraph.addElement(Tab())
    paragraph.addText("now")
    paragraph.addElement(LineBreak())
    paragraph.addText("for all 🌍")
    note = Note(id="ftn1", noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="Footnote text, not running text."))
    note.addElement(body)
    paragraph.addElement(note)
    paragraph.addText(".")
    document.text.addElement(paragraph)
    items = List()
    for word in ("Dialogue", "Capacity"):
        item = ListItem()
        item.addElement(P(text=word))
        items.addElement(item)
    document.text.addElement(items)
    table = Table(name="Votes")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for row in (("For", "12"), ("Against", "3")):
        table_row = TableRow()
        for value in row:
            cell = TableCell()
            cell.addElement(P(text=value))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.text.addElement(table)
    document.save(str(path))
    return path


def test_odt_text_whitespace_rules_lists_tables_and_meta(tmp_path: Path) -> None:
    source = extract(make_odt(tmp_path / "remarks.odt"))
    assert source.format == "odt"
    assert source.title == "Arria-Formula remarks"
    assert source.attributes == {"author": "Zhang Jun", "created": "2021-05-17T04:11:00"}
    assert source.text == (
        "Remarks\n\n"
        "Emerging technologies  matter\tnow\nfor all 🌍¹.\n\n"
        "Dialogue\nCapacity\n\n"
        "For\t12\nAgainst\t3"
    )


def test_random_bytes_named_odt_are_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "broken.odt"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    with pytest.raises(InvalidInput, match=r"broken\.odt cannot be read as an OpenDocument text"):
        extract(path)


def test_odt_with_damaged_content_is_refused(tmp_path: Path) -> None:
    good = make_odt(tmp_path / "good.odt")
    path = tmp_path / "damaged.odt"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(copy.copy(item), data[:100] if item.filename == "content.xml" else data)
    with pytest.raises(InvalidInput, match=r"damaged\.odt cannot be read as an OpenDocument text"):
        extract(path)


# -- Rich Text --------------------------------------------------------------------

RTF = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}"
    r"{\info{\title Caf\'e9 diplomacy}{\author Rita Ruiz}{\creatim\yr2021\mo3\dy4\hr5\min6}}"
    "\r\n"
    r"\f0\fs24 First paragraph about caf\'e9s and \u8220?norms\u8221?.\par"
    "\r\n"
    r"Emoji \u-10179?\u-8704? and \b bold\b0  text.\par"
    "\r\n"
    r"\par Last line.\par}"
)


def test_rtf_text_escapes_emoji_and_info(tmp_path: Path) -> None:
    path = tmp_path / "memo.rtf"
    path.write_bytes(RTF.encode("ascii"))
    source = extract(path)
    assert source.format == "rtf"
    assert source.title == "Café diplomacy"
    assert source.attributes == {"author": "Rita Ruiz", "created": "2021-03-04"}
    assert source.text == (
        "First paragraph about cafés and “norms”.\nEmoji 😀 and bold text.\n\nLast line."
    )


def test_file_named_rtf_that_is_not_rtf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.rtf"
    path.write_bytes(b"Just some plain words.")
    with pytest.raises(InvalidInput, match=r"fake\.rtf is not a Rich Text file"):
        extract(path)
