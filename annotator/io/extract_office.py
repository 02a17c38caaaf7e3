"""Word (.docx), OpenDocument (.odt) and Rich Text (.rtf) sources as plain text.

Paragraphs and headings are separated by a blank line; consecutive list
paragraphs and table rows are one per line, table cells separated by a tab.
Only the body is read: headers, footers, comments and footnote bodies are not
part of the text a researcher codes (an ODT footnote keeps its mark, raised).

A .docx or .odt is a zip archive: it is checked before the library sees it, so
a damaged file, a renamed file of another kind, a password-protected document,
an archive that would unpack to an absurd size (a zip bomb, also one whose
headers lie) or an XML part with a DTD (entity expansion, external entities)
gives a clear ``InvalidInput`` instead of a library traceback or a hang.
"""

from __future__ import annotations

import io
import re
import struct
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from annotator.core.errors import InvalidInput
from annotator.io.extract import ExtractedSource, display_name
from annotator.io.extract_markup import script_digits

#: Largest total size a .docx/.odt may unpack to (its parts, uncompressed).
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
#: Most members an archive may have (Word writes a few dozen, plus one per picture).
MAX_MEMBERS = 10_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the header of old binary Office files
#: The stream in which Office keeps a password-protected .docx (inside an OLE2 file).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_BLANK_RUNS = re.compile(r"\n{3,}")
#: A zip local file header: signature, versions, flags, method, time, date, CRC,
#: sizes, then the lengths of the name and the extra field that precede the data.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CHUNK = 1 << 16


def _check_zip(data: bytes, name: str, kind: str, required: str) -> None:
    """Refuse what is not a sound zip archive holding ``required``, before any library reads it.

    Besides damage, this stops the attacks a zip archive can carry: a zip bomb
    (checked on the sizes the archive declares *and* on what its members really
    unpack to, since headers can lie and Python's zipfile then inflates up to
    2 GB in one go before cutting the result to the declared size), encrypted
    members, and XML parts with a document type declaration (entity expansion,
    "billion laughs", or external entities that read local files). Nothing is
    ever unpacked to disk, so member names such as ``../x`` or symbolic-link
    entries cannot write anywhere.
    """
    if data.startswith(_OLE2):
        if _ENCRYPTED_PACKAGE in data:
            raise InvalidInput(
                f"{name} is protected by a password; open it in Word, remove the "
                "password (File > Info > Protect Document) and import the saved copy."
            )
        raise InvalidInput(
            f"{name} is an old binary Office file, not {kind}; "
            "save it in the current format (.docx or .odt) and import that."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise InvalidInput(
                    f"{name} cannot be read as {kind}: it holds {len(infos)} files, "
                    f"more than the {MAX_MEMBERS} a document ever has."
                )
            if required not in {info.filename for info in infos}:
                raise InvalidInput(
                    f"{name} cannot be read as {kind}: it is a zip archive without {required}."
                )
            _check_sizes(data, infos, name, kind)
            _check_encryption(archive, infos, name)
            for info in infos:
                _check_prolog(archive, info, name, kind)
    except InvalidInput:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error, zlib.error) as err:
        raise InvalidInput(
            f"{name} cannot be read as {kind}: the file is damaged or of another kind."
        ) from err


def _check_sizes(data: bytes, infos: list[zipfile.ZipInfo], name: str, kind: str) -> None:
    """The declared sizes within the limit, and every member unpacking to exactly its declared size."""
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNPACKED_BYTES:
        raise InvalidInput(
            f"{name} would unpack to {declared / 1e6:.0f} MB; "
            f"the limit is {MAX_UNPACKED_BYTES / 1e6:.0f} MB."
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise InvalidInput(
                f"{name} cannot be read as {kind}: its parts are encrypted with a password; "
                "save an unprotected copy and import that."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InvalidInput(
                f"{name} cannot be read as {kind}: it uses a zip compression method "
                "that office programs never write."
            )
        actual = _unpacked_size(data, info)
        if actual != info.file_size:
            part = display_name(info.filename)
            raise InvalidInput(
                f"{name} cannot be read as {kind}: its part {part} unpacks to "
                f"{'more' if actual > info.file_size else 'less'} than the archive says "
                "(a damaged file or a zip bomb)."
            )


def _unpacked_size(data: bytes, info: zipfile.ZipInfo) -> int:
    """What the member really inflates to, counted in small steps (never held in memory),
    stopping one chunk past the declared size: enough to prove a header lies."""
    header = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    if header[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {info.filename!r}")
    begin = info.header_offset + _LOCAL_HEADER.size + header[10] + header[11]
    compressed = memoryview(data)[begin : begin + info.compress_size]
    if len(compressed) < info.compress_size:
        raise zipfile.BadZipFile(f"{info.filename!r} is cut short")
    if info.compress_type == zipfile.ZIP_STORED:
        return len(compressed)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total, position, pending = 0, 0, b""
    while not inflater.eof and total <= info.file_size:
        if not pending and position < len(compressed):
            pending = bytes(compressed[position : position + _CHUNK])
            position += _CHUNK
        out = inflater.decompress(pending, _CHUNK)
        pending = inflater.unconsumed_tail
        total += len(out)
        if not out and not pending and position >= len(compressed):
            break  # the input is used up: a stream cut short
    return total


def _check_encryption(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> None:
    """LibreOffice keeps a password-protected .odt as a zip whose parts are encrypted
    inside; only its manifest says so."""
    manifest = "META-INF/manifest.xml"
    if any(info.filename == manifest for info in infos):
        with archive.open(manifest) as fh:
            if b"encryption-data" in fh.read(MAX_UNPACKED_BYTES):
                raise InvalidInput(
                    f"{name} is protected by a password; open it in LibreOffice, save a copy "
                    "without the password and import that."
                )


class _Prolog(Exception):
    """Raised from expat handlers to stop at the end of an XML part's prolog."""

    def __init__(self, doctype: bool) -> None:
        super().__init__()
        self.doctype = doctype


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, kind: str) -> None:
    """Refuse an XML part whose prolog has a document type declaration.

    Office programs never write one (the OPC standard behind .docx forbids
    it), and a DTD is what entity attacks need: expanding "billion laughs"
    until memory runs out, or external entities that pull /etc/passwd into
    the text. Only the prolog is read, in small chunks, stopping at the first
    element; what is not XML at all (pictures) stops at once, and a part that
    is not well-formed is left to the library to refuse (python-docx parses
    with entities off, odfpy through defusedxml: neither expands any).
    """

    def on_doctype(*_: object) -> None:
        raise _Prolog(doctype=True)

    def on_element(*_: object) -> None:
        raise _Prolog(doctype=False)

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = on_doctype
    parser.StartElementHandler = on_element
    doctype = False
    with archive.open(info) as fh:
        chunk = b""
        try:
            while chunk := fh.read(_CHUNK):
                parser.Parse(chunk, False)
        except _Prolog as stop:
            doctype = stop.doctype
        except (xml.parsers.expat.ExpatError, ValueError):
            # Not XML, or an encoding expat cannot read (it refuses multi-byte ones such
            # as Shift_JIS, which keep ASCII as it is): look for the declaration itself.
            doctype = b"<!DOCTYPE" in chunk
    if doctype:
        raise InvalidInput(
            f"{name} cannot be read as {kind}: its part {display_name(info.filename)} "
            "declares a document type (<!DOCTYPE>), which office programs never write "
            "and which can smuggle in XML entity attacks; it was refused for safety."
        )


#: A block of text and the list or table it belongs to (None: a paragraph of its own).
Block = tuple[str, object | None]

#: The group of every Word list paragraph: Word marks items one by one, so consecutive
#: list paragraphs make one list.
_LIST = "list"


def _join_blocks(blocks: Iterable[Block]) -> str:
    """Paragraphs separated by a blank line; consecutive lines of one list or table by a newline."""
    parts: list[str] = []
    previous: object | None = None
    for text, group in blocks:
        if not text.strip():
            previous = None  # an empty paragraph ends a run of list items
            continue
        if parts:
            parts.append("\n" if group is not None and group is previous else "\n\n")
        parts.append(text)
        previous = group
    return "".join(parts)


def _date(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


# -- Word -------------------------------------------------------------------------

def extract_docx(data: bytes, name: str) -> ExtractedSource:
    """A Word document's body text; title, author and creation date from its properties."""
    _check_zip(data, name, "a Word document (.docx)", "word/document.xml")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        text = _join_blocks(_docx_blocks(document))
        props = document.core_properties
        title = props.title or ""
        attributes = {"author": props.author or "", "created": _date(props.created)}
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

    def walk(parent: Any) -> Iterable[Block]:
        for element in parent.iterchildren():
            if element.tag == p_tag:
                paragraph = Paragraph(element, body)
                style = paragraph.style.name if paragraph.style is not None else ""
                ppr = element.pPr
                listed = style.startswith("List") or (ppr is not None and ppr.numPr is not None)
                yield _docx_paragraph_text(element), _LIST if listed else None
            elif element.tag == tbl_tag:
                yield from _docx_table(Table(element, body))
            elif element.tag == sdt_tag:  # a content control (cover page fields, boxes)
                for content in element.iterchildren(qn("w:sdtContent")):
                    yield from walk(content)

    return walk(document.element.body)


def _docx_paragraph_text(p: Any) -> str:
    """All runs a reader sees: also inside tracked insertions, fields and inline controls
    (python-docx's ``Paragraph.text`` sees only plain runs and hyperlinks); not deleted
    text, and not text boxes anchored in the paragraph (Word stores those twice)."""
    runs = p.xpath(".//w:r[not(ancestor::w:del) and not(ancestor::w:txbxContent)]")
    return "".join(run.text for run in runs)


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
    (_DRAW_NS, "image"), (_SVG_NS, "title"), (_SVG_NS, "desc"),
    (_OFFICE_NS, "annotation"), (_OFFICE_NS, "forms"),
    (_TEXT_NS, "note-body"), (_TEXT_NS, "tracked-changes"),
    (_TEXT_NS, "sequence-decls"), (_TEXT_NS, "variable-decls"),
}


def extract_odt(data: bytes, name: str) -> ExtractedSource:
    """An OpenDocument text's body; title, author and creation date from its meta.xml."""
    _check_zip(data, name, "an OpenDocument text (.odt)", "content.xml")
    try:
        from odf.opendocument import load

        document = load(io.BytesIO(data))
        text = _join_blocks(_odt_blocks(document.text))
        meta = {
            node.qname: _odt_inline(node) for node in document.meta.childNodes if node.nodeType == 1
        }
    except Exception as err:  # odfpy raises parser and KeyError alike on damaged parts
        raise InvalidInput(
            f"{name} cannot be read as an OpenDocument text (.odt): "
            f"it is damaged ({type(err).__name__})."
        ) from err
    title = meta.get((_DC_NS, "title"), "")
    attributes = {
        "author": meta.get((_DC_NS, "creator")) or meta.get((_META_NS, "initial-creator"), ""),
        "created": meta.get((_META_NS, "creation-date"), ""),
    }
    attributes = {k: v.strip() for k, v in attributes.items() if v.strip()}
    return ExtractedSource(title, _BLANK_RUNS.sub("\n\n", text), "odt", attributes, [])


def _odt_blocks(node: Any, group: object | None = None) -> Iterable[Block]:
    for child in node.childNodes:
        if child.nodeType != 1 or child.qname in _ODT_SKIP:
            continue
        ns, local = child.qname
        if ns == _TEXT_NS and local in ("p", "h"):
            yield _odt_inline(child).strip(" "), group
        elif ns == _TEXT_NS and local == "list":
            yield from _odt_blocks(child, group if group is not None else child)
        elif ns == _TABLE_NS and local == "table":
            yield from _odt_blocks(child, child)
        elif ns == _TABLE_NS and local == "table-row":
            cells = [
                " ".join(_odt_inline(cell).split())
                for cell in child.childNodes
                if cell.nodeType == 1 and cell.qname == (_TABLE_NS, "table-cell")
            ]
            yield "\t".join(cells), group
        else:  # sections, list items, table bodies: containers of blocks
            yield from _odt_blocks(child, group)


def _odt_inline(node: Any) -> str:
    """A paragraph's text with ODF's white-space rules: runs collapse, <text:s c=n/> is n spaces."""
    parts: list[str] = []
    for child in node.childNodes:
        if child.nodeType == 3:
            parts.append(_ODF_SPACE.sub(" ", child.data))
            continue
        if child.nodeType != 1 or child.qname in _ODT_SKIP:
            continue
        ns, local = child.qname
        if ns != _TEXT_NS:
            parts.append(_odt_inline(child))
        elif local == "s":
            parts.append(" " * int(child.attributes.get((_TEXT_NS, "c"), "1") or 1))
        elif local == "tab":
            parts.append("\t")
        elif local == "line-break":
            parts.append("\n")
        elif local == "note-citation":
            mark = _odt_inline(child)
            parts.append(script_digits(mark, superscript=True) or mark)
        elif local in ("p", "h"):  # a paragraph inside a frame or cell
            parts.append(" " + _odt_inline(child) + " ")
        else:
            parts.append(_odt_inline(child))
    return "".join(parts)


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
            m.group(1): _join_surrogates(rtf_to_text("{\\rtf1 " + m.group(2) + "}", errors="replace"))
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
