"""The codebook as a Word document (python-docx), for a coding manual or an appendix.

Built from Word's own styles so the document behaves as Word users expect: the
title in *Title*, each code in *Heading n* for its level (top-level codes in
Heading 1, at most Heading 9), numbered ``1.2.3`` in the heading text. The
navigation pane then shows the hierarchy, and References -> Table of Contents
builds a contents list from it. Under each heading: the colour as a shaded swatch
with its hex value, the parent, each filled-in field (the label in bold; line
breaks and paragraphs kept), and a usage table (style *Table Grid*, header row
repeated across pages, kept on one page with the text above it).

The look of the smaller parts (facts line, fields, table cells) is a handful of
paragraph styles added to the document once ("Codebook Facts", ...), so a reader
can restyle them all in Word, and so each paragraph only names its style id
(python-docx looks a style up by name through every style of the document, and
adds formatting one XML element at a time: for a 1,000-code codebook that took
15 s).

python-docx escapes text itself; ``clean_text`` (in the model) has already removed
the characters XML cannot hold, which python-docx would refuse.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Pt, RGBColor
from docx.styles.style import ParagraphStyle
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

# Style ids (what paragraphs name) of the styles added by ``_add_styles``.
_FACTS, _FIELD, _UNUSED, _CELL, _NUMBER = (
    "CodebookFacts", "CodebookField", "CodebookUnused", "UsageTableText", "UsageTableNumber",
)  # fmt: skip


def _add_styles(out: DocxDocument) -> None:
    """The paragraph styles of this document's own parts, based on Normal."""
    styles = out.styles
    normal = cast(ParagraphStyle, styles["Normal"])

    def add(style_id: str, name: str, base: ParagraphStyle = normal) -> ParagraphStyle:
        style = cast(ParagraphStyle, styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH))
        style.element.styleId = style_id
        style.base_style = base
        style.quick_style = False
        return style

    facts = add(_FACTS, "Codebook Facts")
    facts.font.size = Pt(9)
    facts.font.color.rgb = _GREY
    facts.paragraph_format.space_after = Pt(4)
    facts.paragraph_format.keep_with_next = True
    field = add(_FIELD, "Codebook Field")
    field.paragraph_format.space_after = Pt(3)
    unused = add(_UNUSED, "Codebook Not Used")
    unused.font.italic = True
    unused.font.color.rgb = _GREY
    cell = add(_CELL, "Usage Table Text")
    cell.font.size = Pt(9)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.space_before = Pt(0)
    number = add(_NUMBER, "Usage Table Number", cell)
    number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _paragraph(out: DocxDocument, style_id: str, text: str = "") -> Paragraph:
    """A new paragraph at the end, in the style with this id (see the module docstring)."""
    paragraph = out.add_paragraph(text)
    paragraph._p.style = style_id
    return paragraph


def _element(tag: str, **attributes: str) -> BaseOxmlElement:
    """A WordprocessingML element ``w:tag`` with ``w:`` attributes."""
    element = OxmlElement(f"w:{tag}")
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _swatch(paragraph: Paragraph, color: str) -> None:
    """A run shaded in the code's colour, outlined so it shows on white paper too."""
    run = paragraph.add_run(_SWATCH)
    rpr = run._r.get_or_add_rPr()
    # CT_RPr orders its children: the border comes before the shading.
    rpr.append(_element("bdr", val="single", sz="4", space="0", color="808080"))
    rpr.append(_element("shd", val="clear", color="auto", fill=color.lstrip("#")))
    paragraph.add_run(" ")


def _add_lines(paragraph: Paragraph, lines: list[str]) -> None:
    """Lines of one paragraph of a field, with Word line breaks between them."""
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        if i < len(lines) - 1:
            run.add_break()


def _field(out: DocxDocument, label: str, value: str) -> Paragraph:
    """The field as paragraphs, the first led by its label in bold; returns the last."""
    paras = paragraphs(value)
    last = _paragraph(out, _FIELD)
    last.add_run(f"{label}: ").bold = True
    _add_lines(last, paras[0])
    for para in paras[1:]:
        last = _paragraph(out, _FIELD)
        _add_lines(last, para)
    return last


def _usage(out: DocxDocument, entry: CodeEntry, keep_above: Paragraph | None) -> None:
    if not entry.used:
        _paragraph(out, _UNUSED, NOT_USED)
        return
    head = ["Coder", "Codings", "Documents"]
    widths: list[Length] = [_CODER_WIDTH, _COUNT_WIDTH, _COUNT_WIDTH]
    if entry.has_subcodes:
        head += ["Codings with sub-codes", "Documents with sub-codes"]
        widths += [_SUBCODES_WIDTH, _SUBCODES_WIDTH]
    body: list[list[str]] = []
    for row in (*entry.usage, entry.total):
        numbers = [row.own.codings, row.own.documents]
        if entry.has_subcodes:
            numbers += [row.with_subcodes.codings, row.with_subcodes.documents]
        body.append([row.coder, *map(str, numbers)])
    section = out.element.body.find(qn("w:sectPr"))
    section.addprevious(parse_xml(_table_xml(head, body, [w.twips for w in widths])))
    if keep_above is not None:  # the table stays on the page of the text above it
        keep_above.paragraph_format.keep_with_next = True
    out.add_paragraph().paragraph_format.space_after = Pt(0)  # air before the next heading


def _table_xml(head: list[str], body: list[list[str]], widths: list[int]) -> str:
    """A usage table as WordprocessingML, written out whole (widths in twips).

    One parse per table instead of python-docx's element-by-element building, which
    took most of the time of a large codebook. Children appear in the order the
    schema gives (Word refuses a file that breaks it). Every row is kept with the next
    (``keepNext`` on its paragraphs) and whole (``cantSplit``) so the table stays on one
    page; the header row repeats if it cannot; the header and the all-coders row are
    bold; the only text not written here, the coder names, is escaped.
    """
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    rows: list[str] = []
    last = len(body)
    for r, cells in enumerate([head, *body]):
        tr = ["<w:tr><w:trPr><w:cantSplit/>", "<w:tblHeader/>" if r == 0 else "", "</w:trPr>"]
        for c, (text, width) in enumerate(zip(cells, widths, strict=True)):
            shade = '<w:shd w:val="clear" w:color="auto" w:fill="EEEEEE"/>' if r == 0 else ""
            style = _CELL if c == 0 else _NUMBER
            keep = "<w:keepNext/>" if r < last else ""
            bold = "<w:rPr><w:b/></w:rPr>" if r in (0, last) else ""
            tr.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}</w:pPr>'
                f'<w:r>{bold}<w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r></w:p></w:tc>'
            )
        tr.append("</w:tr>")
        rows.append("".join(tr))
    # A little air above and below the numbers (Table Grid has none).
    margins = "".join(
        f'<w:{side} w:w="{twips}" w:type="dxa"/>'
        for side, twips in (("top", 30), ("bottom", 30), ("left", 100), ("right", 100))
    )
    return (
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        '<w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        f'<w:tblLayout w:type="fixed"/><w:tblCellMar>{margins}</w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _entry(out: DocxDocument, entry: CodeEntry) -> None:
    _paragraph(out, f"Heading{min(entry.level, 9)}", f"{entry.number} {entry.name}")
    if entry.color or entry.parent_path:
        facts = _paragraph(out, _FACTS)
        if entry.color:
            _swatch(facts, entry.color)
        parts = [f"Colour {entry.color}" if entry.color else "", entry.parent_path]
        if entry.parent_path:
            parts[1] = f"sub-code of {entry.parent_path}"
        facts.add_run(" · ".join(p for p in parts if p))
    last = None
    for label, value in entry.fields:
        last = _field(out, label, value)
    _usage(out, entry, last)


def build_docx(doc: CodebookDocument) -> DocxDocument:
    """The whole codebook as a python-docx ``Document``."""
    out = Document()
    _add_styles(out)
    props = out.core_properties
    props.title = doc.title
    props.subject = "Codebook"
    props.author = ""  # the template says "python-docx"; the researcher's name is not known
    props.comments = "Exported from Annotator"
    props.created = props.modified = datetime.now(UTC).replace(tzinfo=None)
    _paragraph(out, "Title", doc.title)
    _paragraph(out, _FACTS, doc.summary()).runs[0].font.size = Pt(10.5)
    if not doc.codes:
        out.add_paragraph(EMPTY_CODEBOOK)
    # python-docx adds each paragraph or table before the body's closing section
    # properties, which it finds by walking the body from the start: a long document
    # takes time quadratic in its length (11 s for 1,000 codes). So each entry is built in
    # a scratch body that stays short, and its elements are moved over in one step each.
    scratch = Document()
    section = out.element.body.find(qn("w:sectPr"))
    for entry in doc.codes:
        _entry(scratch, entry)
        for element in list(scratch.element.body):
            if element.tag != qn("w:sectPr"):
                section.addprevious(element)
    return out


def write_docx(doc: CodebookDocument, path: str | Path) -> None:
    document = build_docx(doc)
    write_atomically(path, document.save)
