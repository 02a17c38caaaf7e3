"""The codebook as a Word document (python-docx), for a coding manual or an appendix.

Built from Word's own styles so the document behaves as Word users expect: the
title in *Title*, each code in *Heading n* for its level (top-level codes in
Heading 1, at most Heading 9), numbered ``1.2.3`` in the heading text. The
navigation pane then shows the hierarchy, and References -> Table of Contents
builds a contents list from it. Under each heading: the colour as a shaded swatch
with its hex value, the parent, each filled-in field (the label in bold; line
breaks and paragraphs kept), and a usage table (style *Table Grid*, header row
repeated across pages).

python-docx escapes text itself; ``clean_text`` (in the model) has already removed
the characters XML cannot hold, which python-docx would refuse.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from annotator.io.codebook_docs.model import (
    EMPTY_CODEBOOK,
    NOT_USED,
    CodebookDocument,
    CodeEntry,
    paragraphs,
)
from annotator.io.codebook_docs.writing import write_atomically

_GREY = RGBColor(0x59, 0x59, 0x59)
#: Widths of the usage table's columns (the coder's name, then each count): together the
#: 15.2 cm between the margins of the default page.
_CODER_WIDTH, _COUNT_WIDTH, _SUBCODES_WIDTH = Cm(3.8), Cm(2.5), Cm(3.2)
#: Two em spaces: wide enough to show the swatch's colour, in any font.
_SWATCH = "\u2003\u2003"


def _swatch(paragraph: Paragraph, color: str) -> None:
    """A run shaded in the code's colour, outlined so it shows on white paper too."""
    run = paragraph.add_run(_SWATCH)
    rpr = run._r.get_or_add_rPr()
    # CT_RPr orders its children: the border comes before the shading.
    border = OxmlElement("w:bdr")
    for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "808080")):
        border.set(qn(f"w:{key}"), value)
    shading = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", color.lstrip("#"))):
        shading.set(qn(f"w:{key}"), value)
    rpr.append(border)
    rpr.append(shading)
    paragraph.add_run(" ")


def _add_lines(paragraph: Paragraph, lines: list[str]) -> None:
    """Lines of one paragraph of a field, with Word line breaks between them."""
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        if i < len(lines) - 1:
            run.add_break()


def _field(doc: DocxDocument, label: str, value: str) -> Paragraph:
    """The field as paragraphs, the first led by its label in bold; returns the last."""
    paras = paragraphs(value)
    last = doc.add_paragraph()
    last.paragraph_format.space_after = Pt(3)
    last.add_run(f"{label}: ").bold = True
    _add_lines(last, paras[0])
    for para in paras[1:]:
        last = doc.add_paragraph()
        last.paragraph_format.space_after = Pt(3)
        _add_lines(last, para)
    return last


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
        shading.set(qn(f"w:{key}"), value)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(9)


def _cell_margins(table: Table) -> None:
    """A little air above and below the numbers (Table Grid has none)."""
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 30), ("bottom", 30), ("left", 100), ("right", 100)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    # CT_TblPr orders its children, and Word refuses a file that breaks the order: the
    # margins come just before the last one, tblLook, when it is there.
    props = table._tbl.tblPr
    look = props.find(qn("w:tblLook"))
    if look is None:
        props.append(margins)
    else:
        look.addprevious(margins)


def _usage(doc: DocxDocument, entry: CodeEntry, keep_above: Paragraph | None) -> None:
    if not entry.used:
        run = doc.add_paragraph().add_run(NOT_USED)
        run.italic = True
        run.font.color.rgb = _GREY
        return
    head = ["Coder", "Codings", "Documents"]
    if entry.has_subcodes:
        head += ["Codings with sub-codes", "Documents with sub-codes"]
    rows = (*entry.usage, entry.total)
    table = doc.add_table(rows=1 + len(rows), cols=len(head))
    table.style = "Table Grid"
    table.autofit = False
    _cell_margins(table)
    widths = [_CODER_WIDTH, _COUNT_WIDTH, _COUNT_WIDTH, _SUBCODES_WIDTH, _SUBCODES_WIDTH]
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width  # the grid, which LibreOffice reads
        for cell in column.cells:
            cell.width = width  # each cell's own width, which Word reads
    # The header row repeats when a long table continues on the next page.
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(header.cells, head, strict=True):
        _cell_text(cell, text, bold=True, right=text != "Coder")
        _shade(cell, "EEEEEE")
    for table_row, row in zip(table.rows[1:], rows, strict=True):
        numbers = [row.own.codings, row.own.documents]
        if entry.has_subcodes:
            numbers += [row.with_subcodes.codings, row.with_subcodes.documents]
        total = row is entry.total
        cells = table_row.cells
        _cell_text(cells[0], row.coder, bold=total)
        for cell, n in zip(cells[1:], numbers, strict=True):
            _cell_text(cell, str(n), bold=total, right=True)
    # Kept on one page, and with the text above it (Word keeps a row with the next one
    # when its paragraphs are "keep with next").
    for table_row in table.rows[:-1]:
        for cell in table_row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    if keep_above is not None:
        keep_above.paragraph_format.keep_with_next = True
    doc.add_paragraph().paragraph_format.space_after = Pt(0)  # air between table and heading


def _entry(doc: DocxDocument, entry: CodeEntry) -> None:
    doc.add_heading(f"{entry.number} {entry.name}", level=min(entry.level, 9))
    if entry.color or entry.parent_path:
        facts = doc.add_paragraph()
        facts.paragraph_format.space_after = Pt(4)
        if entry.color:
            _swatch(facts, entry.color)
        text = " · ".join(
            part
            for part in (
                f"Colour {entry.color}" if entry.color else "",
                f"sub-code of {entry.parent_path}" if entry.parent_path else "",
            )
            if part
        )
        run = facts.add_run(text)
        run.font.size = Pt(9)
        run.font.color.rgb = _GREY
    last = None
    for label, value in entry.fields:
        last = _field(doc, label, value)
    _usage(doc, entry, last)


def build_docx(doc: CodebookDocument) -> DocxDocument:
    """The whole codebook as a python-docx ``Document``."""
    out = Document()
    props = out.core_properties
    props.title = doc.title
    props.subject = "Codebook"
    props.author = ""  # the template says "python-docx"; the researcher's name is not known
    props.comments = "Exported from Annotator"
    props.created = props.modified = datetime.now(UTC).replace(tzinfo=None)
    out.add_heading(doc.title, level=0)
    summary = out.add_paragraph().add_run(doc.summary())
    summary.font.color.rgb = _GREY
    if not doc.codes:
        out.add_paragraph(EMPTY_CODEBOOK)
    for entry in doc.codes:
        _entry(out, entry)
    return out


def write_docx(doc: CodebookDocument, path: str | Path) -> None:
    document = build_docx(doc)
    write_atomically(path, document.save)
