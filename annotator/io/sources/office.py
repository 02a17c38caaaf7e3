"""Word (.docx), OpenDocument (.odt) and Rich Text (.rtf) sources as plain text.

Paragraphs and headings are separated by a blank line; consecutive list
paragraphs and table rows are one per line, table cells separated by a tab.
Only the body is read: headers, footers, comments and footnote bodies are not
part of the text a researcher codes (an ODT footnote keeps its mark, raised).

A .docx or .odt is a zip archive: ``io.files.check_archive`` checks it before the
library sees it, so a damaged file, a renamed file of another kind, a
password-protected document, an archive that would unpack to an absurd size (a zip bomb, also one whose
headers lie) or an XML part with a DTD (entity expansion, external entities)
gives a clear ``InvalidInput`` instead of a library traceback or a hang.

Memory is bounded, not only the unpacked size: a zip bomb need not lie, it can
be a small file of honest, tiny paragraphs that unpack to hundreds of MB of XML,
and a parser turns each tag into an object (odfpy took 12 GB for one such
1.2 MB file). So each XML part is limited in size and in tags before any parser
sees it, and the text is counted while it is built (``MAX_TEXT_CHARS``).

A .docx is read by python-docx (lxml, strict: a damaged part is an error). An
.odt is read here, as a stream of expat events over content.xml and meta.xml:
odfpy builds a heavy object per node, and on a damaged part prints "SAX FAILED
TO PARSE" and the whole XML to stdout, then carries on with what it had, which
imported documents silently cut short. Here any parse error refuses the file.
"""

from __future__ import annotations

import io
import re
import xml.parsers.expat
import zipfile
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from annotator.core.errors import InvalidInput
from annotator.io.files import check_archive
from annotator.io.sources import extract as extract_module
from annotator.io.sources.extract import ExtractedSource
from annotator.io.sources.markup import script_digits

#: Deepest element nesting read in an .odt (real documents nest a few dozen levels).
MAX_XML_DEPTH = 1_000

_BLANK_RUNS = re.compile(r"\n{3,}")
_CHUNK = 1 << 16


#: A block of text and the list or table it belongs to (None: a paragraph of its own).
Block = tuple[str, object | None]

#: The group of every Word list paragraph: Word marks items one by one, so consecutive
#: list paragraphs make one list.
_LIST = "list"


class _Joiner:
    """Blocks joined as they come: paragraphs separated by a blank line, consecutive lines
    of one list or table by a newline; the characters are counted as they are added, so a
    document of endless tiny paragraphs is refused at ``MAX_TEXT_CHARS``, not after."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parts: list[str] = []
        self.size = 0
        self.previous: object | None = None
        self.limit = extract_module.MAX_TEXT_CHARS

    def add(self, text: str, group: object | None) -> None:
        if not text.strip():
            self.previous = None  # an empty paragraph ends a run of list items
            return
        if self.parts:
            self.parts.append("\n" if group is not None and group is self.previous else "\n\n")
        self.parts.append(text)
        self.previous = group
        self.size += len(text) + 2
        if self.size > self.limit:
            raise InvalidInput(extract_module.too_much_text(self.name))

    def text(self) -> str:
        return "".join(self.parts)


def _join_blocks(blocks: Iterable[Block], name: str) -> str:
    """The blocks as one text (see ``_Joiner``)."""
    joiner = _Joiner(name)
    for text, group in blocks:
        joiner.add(text, group)
    return joiner.text()


def _date(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


# -- Word -------------------------------------------------------------------------


def extract_docx(data: bytes, name: str) -> ExtractedSource:
    """A Word document's body text; title, author and creation date from its properties."""
    check_archive(data, name, "a Word document (.docx)", "word/document.xml")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        text = _join_blocks(_docx_blocks(document), name)
        props = document.core_properties
        title = props.title or ""
        attributes = {"author": props.author or "", "created": _date(props.created)}
    except InvalidInput:
        raise
    except Exception as err:  # python-docx raises many kinds on damaged parts
        raise InvalidInput(
            f"{name} cannot be read as a Word document (.docx): "
            f"it is damaged ({type(err).__name__})."
        ) from err
    attributes = {k: " ".join(v.split()) for k, v in attributes.items() if v.strip()}
    return ExtractedSource(title, _BLANK_RUNS.sub("\n\n", text), "docx", attributes, [])


def _docx_blocks(document: Any) -> Iterable[Block]:
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document._body
    p_tag, tbl_tag, sdt_tag = qn("w:p"), qn("w:tbl"), qn("w:sdt")
    # Style name by style id. python-docx looks a paragraph's style up afresh each time, and
    # for a paragraph without one walks every style of the document to find the default:
    # about 2 ms a paragraph, minutes for a long document.
    style_names: dict[str | None, str] = {}

    def listed(element: Any) -> bool:
        ppr = element.pPr
        if ppr is not None and ppr.numPr is not None:
            return True
        style_id = element.style
        if style_id not in style_names:
            style = Paragraph(element, body).style
            style_names[style_id] = (style.name or "") if style is not None else ""
        return style_names[style_id].startswith("List")

    def walk(parent: Any) -> Iterable[Block]:
        for element in parent.iterchildren():
            if element.tag == p_tag:
                yield _docx_paragraph_text(element), _LIST if listed(element) else None
            elif element.tag == tbl_tag:
                yield from _docx_table(Table(element, body))
            elif element.tag == sdt_tag:  # a content control (cover page fields, boxes)
                for content in element.iterchildren(qn("w:sdtContent")):
                    yield from walk(content)

    return walk(document.element.body)


#: The pieces of a paragraph's text, in order: what python-docx's ``Run.text`` reads, in all
#: runs a reader sees: also inside tracked insertions, fields and inline controls (its
#: ``Paragraph.text`` sees only plain runs and hyperlinks); not deleted text, and not text
#: boxes anchored in the paragraph (Word stores those twice). Compiled once: an XPath
#: string given to ``xpath()`` is compiled again for every paragraph.
_DOCX_PIECES = (
    ".//w:r[not(ancestor::w:del) and not(ancestor::w:txbxContent)]"
    "/*[self::w:br or self::w:cr or self::w:noBreakHyphen or self::w:ptab or self::w:t or self::w:tab]"
)
_docx_pieces: Any = None


def _docx_paragraph_text(p: Any) -> str:
    """The text of a paragraph (see ``_DOCX_PIECES``); each piece as python-docx renders it."""
    global _docx_pieces
    if _docx_pieces is None:
        from docx.oxml.ns import nsmap
        from lxml import etree

        _docx_pieces = etree.XPath(_DOCX_PIECES, namespaces=nsmap)
    return "".join(str(piece) for piece in _docx_pieces(p))


def _docx_table(table: Any) -> Iterable[Block]:
    """One line per row; a merged cell (repeated by python-docx) counts once."""
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:
                continue
            previous = cell._tc
            texts = (_docx_paragraph_text(p._p) for p in cell.paragraphs)
            cells.append(" ".join(" ".join(texts).split()))
        yield "\t".join(cells), table


# -- OpenDocument -----------------------------------------------------------------

_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_META_NS = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_DRAW_NS = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_SVG_NS = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_ODF_SPACE = re.compile(r"[ \t\n\r]+")
#: Text elements that are not part of the running text.
_ODT_SKIP = {
    (_DRAW_NS, "image"),
    (_SVG_NS, "title"),
    (_SVG_NS, "desc"),
    (_OFFICE_NS, "annotation"),
    (_OFFICE_NS, "forms"),
    (_TEXT_NS, "note-body"),
    (_TEXT_NS, "tracked-changes"),
    (_TEXT_NS, "sequence-decls"),
    (_TEXT_NS, "variable-decls"),
}
#: The namespaces of the usual ODF prefixes, for parts that use a prefix without declaring
#: it: some writers do, and odfpy accepted them (it patched the declarations in).
_ODF_PREFIXES = {
    "office": _OFFICE_NS, "text": _TEXT_NS, "table": _TABLE_NS, "draw": _DRAW_NS,
    "svg": _SVG_NS, "dc": _DC_NS, "meta": _META_NS,
    **{p: f"urn:oasis:names:tc:opendocument:xmlns:{p}:1.0"
       for p in ("style", "fo", "number", "presentation", "chart", "form", "script", "config",
                 "dr3d", "anim", "smil", "manifest")},
}  # fmt: skip

# What an open element is to the reader of an .odt body: a container of blocks, a table row,
# or (from _PARAGRAPH on) an element whose text is read.
_BLOCKS, _ROW, _PARAGRAPH, _CELL, _INLINE, _CITATION, _INNER_P = range(7)


class _Frame:
    """One open element of the body: what it is, its list/table group, its text so far."""

    __slots__ = ("cells", "group", "kind", "parts")

    def __init__(self, kind: int, group: object | None = None) -> None:
        self.kind = kind
        self.group = group
        self.parts: list[str] = []
        self.cells: list[str] = []


class _OdtReader:
    """An .odt part read as a stream of expat events, never built as a tree.

    In content.xml, the ``office:text`` of ``office:body`` becomes blocks, by the same rules
    the earlier tree walk had: text:p/h are paragraphs, text:list and table:table group
    their lines, table rows are lines of tab-separated cells, everything else is a
    container; inside a paragraph, runs of white space collapse, ``<text:s text:c=n/>`` is n
    spaces, and a footnote keeps its raised mark. In meta.xml, each child of
    ``office:meta`` becomes a metadata value. The text is counted as it grows, nesting is
    limited, and any parse error is raised, never printed or skipped.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.joiner = _Joiner(name)
        self.meta: dict[tuple[str, str], str] = {}
        self.size = 0
        self.in_meta = False
        self.found = False  # an office:text body (content.xml) or office:meta (meta.xml)
        self.frames: list[_Frame] = []
        self.outer: list[tuple[str, str]] = []  # open elements around the body (or the meta)
        self.pending: list[str] = []  # character data not yet added to its frame
        self.skip = 0  # depth inside an element whose content is not read
        self.scopes: list[dict[str, str]] = [{}]  # namespace declarations in force
        self.declares: list[bool] = []  # per open element: whether it pushed a scope

    def feed(self, stream: IO[bytes], *, meta: bool) -> bool:
        """Read one part (content.xml, or meta.xml if ``meta``); whether it had what was sought."""
        self.in_meta, self.found, self.skip = meta, False, 0
        self.frames, self.outer, self.pending, self.scopes, self.declares = [], [], [], [{}], []
        parser = xml.parsers.expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = _CHUNK
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        # The prolog check refused any DTD already; these are the second line of defence.
        parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_dtd
        while chunk := stream.read(_CHUNK):  # read to the end: zipfile checks the CRC there
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
        return self.found

    def _refuse_dtd(self, *_: object) -> None:
        raise InvalidInput(
            f"{self.name} cannot be read as an OpenDocument text (.odt): it declares "
            "a document type, which can smuggle in XML entity attacks."
        )

    def _qname(self, name: str, scope: dict[str, str]) -> tuple[str, str]:
        prefix, _, local = name.rpartition(":")
        return scope.get(prefix) or _ODF_PREFIXES.get(prefix, prefix), local

    def _flush(self) -> None:
        if self.pending:
            text = _ODF_SPACE.sub(" ", "".join(self.pending))
            self.pending.clear()
            self._add(text, counted=True)

    def _add(self, text: str, *, counted: bool = False) -> None:
        self.frames[-1].parts.append(text)
        if not counted:
            self.size += len(text)
            if self.size > self.joiner.limit:
                raise InvalidInput(extract_module.too_much_text(self.name))

    def characters(self, data: str) -> None:
        if not self.skip and self.frames and self.frames[-1].kind >= _PARAGRAPH:
            self.pending.append(data)
            # Counted as it arrives (white space not yet collapsed): one endless paragraph
            # is refused as early as endless small ones.
            self.size += len(data)
            if self.size > self.joiner.limit:
                raise InvalidInput(extract_module.too_much_text(self.name))

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self._flush()
        scope = self.scopes[-1]
        declares = any(key.startswith("xmlns") for key in attrs)
        if declares:
            scope = dict(scope)
            for key, value in attrs.items():
                if key == "xmlns" or key.startswith("xmlns:"):
                    scope[key[6:]] = value
            self.scopes.append(scope)
        self.declares.append(declares)
        if len(self.declares) > MAX_XML_DEPTH:
            raise InvalidInput(
                f"{self.name} cannot be read as an OpenDocument text (.odt): its elements nest "
                f"more than {MAX_XML_DEPTH} deep, deeper than any real document."
            )
        if self.skip:
            self.skip += 1
            return
        qname = self._qname(name, scope)
        if not self.frames:
            self._start_outside(qname)
            return
        if qname in _ODT_SKIP:
            self.skip = 1
            return
        top = self.frames[-1]
        ns, local = qname
        if top.kind == _BLOCKS:
            if ns == _TEXT_NS and local in ("p", "h"):
                self.frames.append(_Frame(_PARAGRAPH, top.group))
            elif ns == _TEXT_NS and local == "list":
                self.frames.append(
                    _Frame(_BLOCKS, top.group if top.group is not None else object())
                )
            elif ns == _TABLE_NS and local == "table":
                self.frames.append(_Frame(_BLOCKS, object()))
            elif ns == _TABLE_NS and local == "table-row":
                self.frames.append(_Frame(_ROW, top.group))
            else:  # sections, list items, table bodies: containers of blocks
                self.frames.append(_Frame(_BLOCKS, top.group))
        elif top.kind == _ROW:
            if qname == (_TABLE_NS, "table-cell"):
                self.frames.append(_Frame(_CELL))
            else:
                self.skip = 1  # covered cells (the far side of a merged cell) and the like
        elif ns != _TEXT_NS:
            self.frames.append(_Frame(_INLINE))
        elif local in ("s", "tab", "line-break"):
            self._add(self._spacing(local, attrs, scope))
            self.skip = 1  # their content, if any, is not text
        elif local == "note-citation":
            self.frames.append(_Frame(_CITATION))
        elif local in ("p", "h"):  # a paragraph inside a frame or cell
            self.frames.append(_Frame(_INNER_P))
        else:
            self.frames.append(_Frame(_INLINE))

    def _spacing(self, local: str, attrs: dict[str, str], scope: dict[str, str]) -> str:
        if local == "tab":
            return "\t"
        if local == "line-break":
            return "\n"
        count = next((v for k, v in attrs.items() if self._qname(k, scope) == (_TEXT_NS, "c")), "1")
        try:
            spaces = int(count or 1)
        except ValueError:
            spaces = 1  # a space count that is not a number: still a space
        if spaces > self.joiner.limit:
            raise InvalidInput(extract_module.too_much_text(self.name))
        return " " * max(spaces, 0)

    def _start_outside(self, qname: tuple[str, str]) -> None:
        parent = self.outer[-1] if self.outer else None
        if (
            not self.found
            and not self.in_meta
            and qname == (_OFFICE_NS, "text")
            and parent == (_OFFICE_NS, "body")
        ):
            self.found = True
            self.frames.append(_Frame(_BLOCKS))
        elif self.in_meta and parent == (_OFFICE_NS, "meta"):
            self.frames.append(_Frame(_INLINE, qname))  # a meta field: its text is the value
        else:
            if self.in_meta and qname == (_OFFICE_NS, "meta"):
                self.found = True
            self.outer.append(qname)

    def end(self, name: str) -> None:
        self._flush()
        if self.declares.pop():
            self.scopes.pop()
        if self.skip:
            self.skip -= 1
            return
        if not self.frames:
            self.outer.pop()
            return
        frame = self.frames.pop()
        if self.in_meta and not self.frames:
            key = frame.group
            assert isinstance(key, tuple)
            self.meta[key] = "".join(frame.parts)
            return
        text = "".join(frame.parts)
        if frame.kind == _PARAGRAPH:
            self.joiner.add(text.strip(" "), frame.group)
        elif frame.kind == _ROW:
            self.joiner.add("\t".join(frame.cells), frame.group)
        elif frame.kind == _CELL:
            self.frames[-1].cells.append(" ".join(text.split()))
        elif frame.kind == _CITATION:
            self.frames[-1].parts.append(script_digits(text, superscript=True) or text)
        elif frame.kind == _INNER_P:
            self.frames[-1].parts.append(" " + text + " ")
        elif frame.kind == _INLINE:
            self.frames[-1].parts.append(text)
        # a closed block container adds nothing itself; the body's end leaves frames empty


def extract_odt(data: bytes, name: str) -> ExtractedSource:
    """An OpenDocument text's body; title, author and creation date from its meta.xml."""
    check_archive(data, name, "an OpenDocument text (.odt)", "content.xml")
    reader = _OdtReader(name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            with archive.open("content.xml") as stream:
                found = reader.feed(stream, meta=False)
            if not found:
                raise InvalidInput(
                    f"{name} cannot be read as an OpenDocument text (.odt): it has no text body "
                    "(it may be a spreadsheet, drawing or presentation renamed .odt)."
                )
            if "meta.xml" in archive.namelist():
                with archive.open("meta.xml") as stream:
                    reader.feed(stream, meta=True)
    except InvalidInput:
        raise
    except xml.parsers.expat.ExpatError as err:
        raise InvalidInput(
            f"{name} cannot be read as an OpenDocument text (.odt): it is damaged "
            f"(its XML breaks off or is malformed: {xml.parsers.expat.ErrorString(err.code)}, "
            f"line {err.lineno})."
        ) from err
    except Exception as err:  # a bad CRC, a broken stream: damage all the same
        raise InvalidInput(
            f"{name} cannot be read as an OpenDocument text (.odt): "
            f"it is damaged ({type(err).__name__})."
        ) from err
    meta = reader.meta
    title = meta.get((_DC_NS, "title"), "")
    attributes = {
        "author": meta.get((_DC_NS, "creator")) or meta.get((_META_NS, "initial-creator"), ""),
        "created": meta.get((_META_NS, "creation-date"), ""),
    }
    attributes = {k: v.strip() for k, v in attributes.items() if v.strip()}
    return ExtractedSource(
        title, _BLANK_RUNS.sub("\n\n", reader.joiner.text()), "odt", attributes, []
    )


# -- Rich Text --------------------------------------------------------------------

_ANSICPG = re.compile(rb"\\ansicpg(\d+)")
_INFO_FIELD = re.compile(r"\{\\(title|author)\s+((?:[^{}\\]|\\.)*)\}")
_CREATED = re.compile(r"\\creatim\\yr(\d+)\\mo(\d+)\\dy(\d+)")
_SURROGATE = re.compile("[\ud800-\udfff]")


def extract_rtf(data: bytes, name: str) -> ExtractedSource:
    """A Rich Text file's text (one line per paragraph); title and author from its info group."""
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        raise InvalidInput(f"{name} is not a Rich Text file: it does not start with {{\\rtf.")
    source = _decode_rtf(data)
    try:
        text = _join_surrogates(rtf_to_text(source, errors="replace"))
        fields = {
            m.group(1): _join_surrogates(
                rtf_to_text("{\\rtf1 " + m.group(2) + "}", errors="replace")
            )
            for m in _INFO_FIELD.finditer(source)
        }
    except Exception as err:  # striprtf is a hand-written parser; any failure is a bad file
        raise InvalidInput(
            f"{name} cannot be read as Rich Text: it is damaged ({type(err).__name__})."
        ) from err
    attributes = {"author": fields.get("author", "").strip()}
    created = _CREATED.search(source)
    if created:
        year, month, day = (int(g) for g in created.groups())
        attributes["created"] = f"{year:04d}-{month:02d}-{day:02d}"
    attributes = {k: v for k, v in attributes.items() if v}
    return ExtractedSource(fields.get("title", ""), text, "rtf", attributes, [])


def _decode_rtf(data: bytes) -> str:
    """RTF is 7-bit text with escapes (striprtf decodes those with the declared code page).
    Raw 8-bit bytes are rare: UTF-8 if they are valid UTF-8, else the declared code page;
    Latin-1 maps any other byte (an embedded \\bin picture) one to one, never failing."""
    codepage = _ANSICPG.search(data[:4096])
    for codec in ("utf-8", f"cp{int(codepage.group(1))}" if codepage else "cp1252"):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


def _join_surrogates(text: str) -> str:
    """RTF writes a character beyond U+FFFF (an emoji) as two \\u escapes: a UTF-16 pair."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
