"""Markdown and HTML sources stored as the text a reader sees, without markup.

Both formats follow the same rules, so a text reads the same whichever way it
arrived:

- headings, paragraphs, block quotes and code blocks are paragraphs separated
  by one blank line; markup (emphasis markers, tags, link syntax) is dropped,
  a link keeps its visible text, an image is dropped;
- list items are one per line with a bullet ``•`` or their number, nested
  items indented by two spaces; table rows are one per line, cells separated
  by a tab;
- a line wrapped inside a paragraph (a Markdown soft break, a newline inside
  HTML) is a space, as a rendered page shows it; ``<br>`` and a Markdown hard
  break are line breaks;
- ``<sup>``/``<sub>`` holding only digits (footnote marks, chemical formulas)
  become Unicode superscript/subscript digits, so "2017<sup>1</sup>" reads
  "2017¹" instead of the misleading "20171"; any other ``<sup>`` text is kept
  as plain text ("5<sup>th</sup>" reads "5th").

Markdown is parsed into markdown-it-py tokens (CommonMark plus tables and
strikethrough), HTML by lxml's HTML parser (libxml2, as browsers repair broken
pages); no regular expressions touch the markup itself.

HTML is laid out from the parser's events as they come, without building a
tree: BeautifulSoup, used before, built a Python object per tag (some 15
microseconds and a few hundred bytes each) and its recursive walk gave up on
deep nesting, so a page of 200,000 nested tags took seconds and came out as one
flow of text; now it takes a quarter of that and keeps its paragraphs. Files with
more than ``MAX_HTML_TAGS`` tags are still refused before parsing: real pages
have tens of thousands.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

from annotator.core.errors import InvalidInput
from annotator.core.text import normalise_newlines
from annotator.io.sources.decode import decode_text
from annotator.io.sources.extract import ExtractedSource

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

_SUPER = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")
_SUB = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SCRIPTABLE = re.compile(r"[0-9+\-=(), ]*[0-9][0-9+\-=(), ]*")
_WS = re.compile(r"[ \t\n\r\f\v]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def script_digits(text: str, *, superscript: bool) -> str | None:
    """Digits (with + - = ( ) and separating commas) as Unicode super/subscripts, else None."""
    core = " ".join(text.split())
    if not _SCRIPTABLE.fullmatch(core):
        return None
    return core.translate(_SUPER if superscript else _SUB)


# -- Markdown ---------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_LINE = re.compile(r"([A-Za-z][\w -]*):[ \t]*(.*)")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
#: Deepest block nesting parsed (a list level counts two); deeper files are kept unrendered.
_MAX_NESTING = 60


def extract_markdown(data: bytes, name: str) -> ExtractedSource:
    """A Markdown file as readable text; title from front matter or the first heading."""
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

    source, notes = decode_text(data, name)
    source = normalise_newlines(source)
    meta, source = _front_matter(source)
    parser = MarkdownIt("commonmark", {"maxNesting": _MAX_NESTING}).enable(
        ["table", "strikethrough"]
    )
    tokens = parser.parse(source)
    if any(token.level >= _MAX_NESTING - 1 for token in tokens):
        # markdown-it stops parsing (silently dropping the rest) at its nesting
        # limit; keep every word instead, unrendered.
        note = "nested too deeply to read as Markdown; imported as plain text"
        return ExtractedSource(meta.pop("title", ""), source, "md", meta, [*notes, note])
    tree = SyntaxTreeNode(tokens)
    text = "\n\n".join(_md_blocks(tree.children))
    title = meta.pop("title", "")
    if not title:
        heading = next((n for n in tree.walk() if n.type == "heading"), None)
        title = _md_inline(heading.children[0]) if heading is not None and heading.children else ""
    return ExtractedSource(title, _BLANK_RUNS.sub("\n\n", text), "md", meta, notes)


def _front_matter(source: str) -> tuple[dict[str, str], str]:
    """A leading YAML block of simple ``key: value`` lines becomes metadata; anything else is text."""
    match = _FRONT_MATTER.match(source)
    if match is None:
        return {}, source
    meta: dict[str, str] = {}
    for line in match.group(1).split("\n"):
        if not line.strip() or (meta and line.startswith((" ", "\t", "-"))):
            continue  # blank, or a nested value (YAML list/mapping): not kept, not text
        field = _FRONT_LINE.fullmatch(line.strip())
        if field is None:
            return {}, source  # not simple metadata: leave the block as text
        key = field.group(1).strip().lower()
        value = field.group(2).strip().strip("\"'").strip()
        if value:
            meta[{"date": "created", "authors": "author"}.get(key, key)] = value
    return meta, source[match.end() :]


def _md_blocks(nodes: list[SyntaxTreeNode]) -> list[str]:
    """Each block node as one string (a paragraph); empty blocks are left out."""
    blocks: list[str] = []
    for node in nodes:
        kind = node.type
        if kind in ("heading", "paragraph"):
            block = _md_inline(node.children[0]).strip() if node.children else ""
        elif kind in ("bullet_list", "ordered_list"):
            block = _md_list(node)
        elif kind in ("fence", "code_block"):
            block = node.content.rstrip("\n")
        elif kind == "html_block":
            block = html_fragment_text(node.content)
        elif kind == "table":
            block = "\n".join(
                "\t".join(
                    _md_inline(cell.children[0]).strip() if cell.children else ""
                    for cell in row.children
                )
                for row in node.walk()
                if row.type == "tr"
            )
        elif kind == "hr":
            block = ""  # a horizontal rule has no words
        else:  # blockquote and any container: its blocks, as paragraphs
            blocks.extend(_md_blocks(node.children))
            continue
        if block.strip():
            blocks.append(block)
    return blocks


def _md_list(node: SyntaxTreeNode) -> str:
    """One line per item; an item's further paragraphs and nested lists indented under it."""
    ordered = node.type == "ordered_list"
    number = int(node.attrs.get("start", 1) or 1) if ordered else 0
    lines: list[str] = []
    for item in node.children:
        marker = f"{number}." if ordered else "•"
        number += 1
        body = "\n".join(_md_blocks(item.children)).split("\n")
        lines.append(f"{marker} {body[0]}".rstrip())
        pad = " " * (len(marker) + 1)
        lines.extend(pad + line if line else "" for line in body[1:])
    return "\n".join(lines)


def _md_inline(node: SyntaxTreeNode) -> str:
    """The visible text of an inline token: markers and tags dropped, <sup> digits raised."""
    # A stack of open <sup>/<sub> tags, each with the text seen since it opened.
    stack: list[tuple[str, list[str]]] = [("", [])]

    def visit(n: SyntaxTreeNode) -> None:
        kind = n.type
        if kind in ("text", "code_inline"):
            stack[-1][1].append(n.content)
        elif kind == "softbreak":
            stack[-1][1].append(" ")
        elif kind == "hardbreak":
            stack[-1][1].append("\n")
        elif kind == "html_inline":
            tag = _TAG.match(n.content)
            if tag is None:
                return  # a comment or processing instruction: nothing visible
            closing, name = tag.group(1) == "/", tag.group(2).lower()
            if name == "br":
                stack[-1][1].append("\n")
            elif name in ("sup", "sub") and not closing:
                stack.append((name, []))
            elif name in ("sup", "sub") and len(stack) > 1 and stack[-1][0] == name:
                _, parts = stack.pop()
                shown = "".join(parts)
                stack[-1][1].append(script_digits(shown, superscript=name == "sup") or shown)
        elif kind != "image":  # strong, em, s, link: their children are the visible text
            for child in n.children:
                visit(child)

    for child in node.children:
        visit(child)
    while len(stack) > 1:  # an unclosed <sup>: keep its text as it is
        _, parts = stack.pop()
        stack[-1][1].extend(parts)
    return "".join(stack[0][1])


# -- HTML -------------------------------------------------------------------------

#: Most tags (counted as "<") an HTML file may have. Real pages have tens of thousands; each
#: open tag is a frame of the walk, so this also bounds its memory.
MAX_HTML_TAGS = 1_000_000
#: Elements whose content is never shown as text.
_SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "img",
        "input",
        "select",
        "textarea",
        "button",
    }
)
#: Block elements: a blank line before and after (a paragraph of their own).
_PARAGRAPH = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "dl",
        "hr",
        "figure",
        "figcaption",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "address",
        "div",
        "form",
        "fieldset",
        "details",
        "summary",
        "center",
        "caption",
        "body",
        "ul",
        "ol",
    }
)
#: Elements on a line of their own, without a blank line.
_LINE = frozenset({"li", "tr", "dt", "dd"})

#: Encodings HTML declares, read the way browsers read them (WHATWG encoding standard):
#: some labels mean a superset, and a UTF-16 label in a page readable as ASCII means UTF-8.
_WHATWG = {
    "iso8859_1": "cp1252", "ascii": "cp1252", "iso8859_9": "cp1254", "iso8859_11": "cp874",
    "gb2312": "gb18030", "gbk": "gb18030", "euc_kr": "cp949", "shift_jis": "cp932",
    "utf_16": "utf_8", "utf_16_le": "utf_8", "utf_16_be": "utf_8",
}  # fmt: skip
#: The encodings a declaration may choose (Python names of the WHATWG encodings). Any other
#: declared codec is ignored, as browsers ignore it: EBCDIC cannot have been declared in
#: ASCII, and codecs such as unicode_escape or punycode would rewrite the words.
_DECLARABLE = frozenset({
    "utf_8", "cp866", "koi8_r", "koi8_u", "mac_roman", "cp874", "gb18030", "big5", "euc_jp",
    "iso2022_jp", "cp932", "cp949",
    *(f"iso8859_{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
    *(f"cp125{n}" for n in range(9)),
})  # fmt: skip

_META_FIELDS = {
    "author": "author",
    "dc.creator": "author",
    "dcterms.creator": "author",
    "article:author": "author",
    "date": "created",
    "dc.date": "created",
    "dcterms.date": "created",
    "dcterms.created": "created",
    "article:published_time": "created",
}


class _Lines:
    """Text built from an HTML tree: spaces collapsed, block breaks applied lazily."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending = 0  # newlines owed before the next text (1: line, 2: paragraph)
        self.space = False  # a space owed before the next text
        self.hold = False  # just after a list marker: the item's first block starts here

    def add(self, text: str, *, raw: bool = False) -> None:
        trailing = False
        if not raw:
            text = _WS.sub(" ", text)
            if text.startswith(" "):
                self.space = True
            trailing = text.endswith(" ")
            text = text.strip(" ")
        if not text:
            return
        if self.parts:
            if self.pending:
                self.parts.append("\n" * self.pending)
            elif self.space:
                self.parts.append(" ")
        self.pending, self.space, self.hold = 0, False, False
        self.parts.append(text)
        self.space = trailing

    def brk(self, level: int) -> None:
        if self.hold:
            return
        if level == 0:
            self.space = True
        else:
            self.pending = max(self.pending, level)

    def line_break(self, cap: int) -> None:
        if cap == 0:
            self.space = True
        elif self.parts:
            self.parts.append("\n" * (self.pending + 1))
            self.pending, self.space = 0, False

    def text(self) -> str:
        return "".join(self.parts)


# -- the HTML reader: lxml parser events, walked as a stream ----------------------

# What an open element is to the walk.
_NORMAL, _BLOCK, _LIST, _ITEM, _ROW, _CELL = range(6)


class _Frame:
    """An open element: how its content is laid out (into ``out``, with at most ``cap``
    breaks: 2 a paragraph, 1 a line, 0 a space), and what its end does."""

    __slots__ = (
        "cap",
        "cells",
        "depth",
        "kind",
        "level",
        "nested",
        "number",
        "ordered",
        "out",
        "pre",
    )

    def __init__(self, kind: int, out: _Lines, cap: int, pre: bool, depth: int) -> None:
        self.kind = kind
        self.out = out
        self.cap = cap
        self.pre = pre
        self.depth = depth  # list nesting, for the indent of items
        self.level = 0  # _BLOCK: the break before and after it
        self.cells: list[str] = []  # _ROW: the text of its cells so far
        self.number = 1  # _LIST: the next item's number
        self.ordered = False  # _LIST: numbered (<ol>) or bulleted
        self.nested = False  # _LIST: directly inside an item (no blank lines around it)


#: Elements whose strings a page's title or heading does not include (they are code).
_UNSEEN = frozenset({"script", "style", "template"})
#: Characters a <sup>/<sub> may hold and still be raised or lowered (see ``script_digits``).
_SCRIPT_CHARS = re.compile(r"[0-9+\-=(),\s]*")
#: Most parser events held back while a <sup>/<sub> may still turn out to be digits only.
_MAX_HELD = 64


class _Held:
    """A <sup>/<sub> whose events are held back until it is known to be digits only
    (then it is one raised or lowered string) or not (then its events are replayed)."""

    def __init__(self, name: str, frame: _Frame) -> None:
        self.name = name
        self.frame = frame  # where it stands: its text goes there
        self.events: list[tuple[str, str, dict[str, str]]] = []
        self.text: list[str] = []
        self.open: list[bool] = []  # the elements open inside it: whether each is skipped


class _HtmlReader:
    """An lxml ``HTMLParser`` target that lays out the visible text as the events arrive.

    No tree is built: each start tag pushes a frame, each end tag pops it, so a page
    of 200,000 nested tags costs what 200,000 paragraphs cost, and nothing recurses.
    The rules are those of the module docstring. On the side it keeps the text of the
    first <title> and <h1> and the attributes of every <meta>.
    """

    def __init__(self) -> None:
        self.out = _Lines()
        self.frames = [_Frame(_NORMAL, self.out, 2, False, 0)]
        self.skip = 0  # depth inside an element whose content is not shown
        self.held: _Held | None = None
        self.metas: list[dict[str, str]] = []
        self.title: str | None = None
        self.h1: str | None = None
        # The <title> and first <h1> being read: its parts, depth, and skipped depth inside.
        self._side: list[tuple[str, list[str], list[int]]] = []

    # -- the parser target: side information, then the walk -----------------------

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = tag.lower() if isinstance(tag, str) else ""
        if name == "meta":
            self.metas.append(dict(attrib))
        for _, _, state in self._side:
            state[0] += 1
            state[1] += name in _UNSEEN or state[1] > 0
        wanted = (name == "title" and self.title is None) or (name == "h1" and self.h1 is None)
        if wanted and not any(which == name for which, _, _ in self._side):
            self._side.append((name, [], [0, 0]))
        self._start(name, dict(attrib))

    def end(self, tag: str) -> None:
        for index in range(len(self._side) - 1, -1, -1):
            which, parts, state = self._side[index]
            if state[0] == 0:
                del self._side[index]
                if which == "title":
                    self.title = "".join(parts)
                else:
                    self.h1 = "".join(parts)
            else:
                state[0] -= 1
                state[1] = max(state[1] - 1, 0) if state[1] else 0
        self._end()

    def data(self, text: str) -> None:
        for _, parts, state in self._side:
            if not state[1]:
                parts.append(text)
        self._data(text)

    def comment(self, text: str) -> None:
        pass  # not visible

    def close(self) -> None:
        while self.held is not None:  # a <sup> the page never closed: keep its text as it is
            self._release(closed=False)

    # -- the walk -------------------------------------------------------------------

    def _start(self, name: str, attrib: dict[str, str]) -> None:
        if self.skip:
            self.skip += 1
            return
        if self.held is not None:
            self.held.events.append(("start", name, attrib))
            self.held.open.append(name in _SKIP or any(self.held.open))
            if len(self.held.events) > _MAX_HELD:
                self._release(closed=False)
            return
        top = self.frames[-1]
        out, cap, pre, depth = top.out, top.cap, top.pre, top.depth
        if top.kind == _ROW:  # a row has cells; anything else in it is not shown
            if name in ("td", "th"):
                self.frames.append(_Frame(_CELL, _Lines(), 0, False, 0))
            else:
                self.skip = 1
            return
        if top.kind == _LIST and name == "li":
            out.hold = False
            out.brk(cap)
            if cap:
                out.add("  " * depth, raw=True)
            out.add(f"{top.number}. " if top.ordered else "• ")
            out.hold = True
            top.number += 1
            self.frames.append(_Frame(_ITEM, out, cap, pre, depth))
            return
        if top.kind == _ITEM and name in ("ul", "ol"):  # a list in an item: indented under it
            out.brk(cap)
            self._open_list(name, attrib, out, cap, pre, depth + 1, nested=True)
            return
        if name in _SKIP:
            self.skip = 1
        elif name == "br":
            out.line_break(cap)
            self.skip = 1  # a <br> has no content; whatever a broken page put in it is not shown
        elif name in ("sup", "sub"):
            self.held = _Held(name, top)
        elif name == "tr":
            self.frames.append(_Frame(_ROW, out, cap, pre, depth))
        elif name in ("ul", "ol"):
            out.brk(min(2, cap))
            self._open_list(name, attrib, out, cap, pre, depth, nested=False)
        elif name in _PARAGRAPH or name in _LINE:
            frame = _Frame(
                _BLOCK, out, min(cap, 1) if name in _LINE else cap, pre or name == "pre", depth
            )
            frame.level = min(2 if name in _PARAGRAPH else 1, cap)
            out.brk(frame.level)
            self.frames.append(frame)
        else:
            self.frames.append(_Frame(_NORMAL, out, cap, pre, depth))

    def _open_list(
        self,
        name: str,
        attrib: dict[str, str],
        out: _Lines,
        cap: int,
        pre: bool,
        depth: int,
        *,
        nested: bool,
    ) -> None:
        frame = _Frame(_LIST, out, min(cap, 1), pre, depth)
        frame.ordered = name == "ol"
        frame.nested = nested
        frame.level = min(2, cap)  # the break after it, unless nested
        try:
            frame.number = int(str(attrib.get("start") or 1))
        except ValueError:
            frame.number = 1
        self.frames.append(frame)

    def _end(self) -> None:
        if self.skip:
            self.skip -= 1
            return
        held = self.held
        if held is not None:
            if held.open:
                held.open.pop()
                held.events.append(("end", "", {}))
                return
            self.held = None
            shown = "".join(held.text)
            scripted = script_digits(shown, superscript=held.name == "sup")
            if scripted is not None:
                held.frame.out.add(scripted)
                return
            self.held = held
            self._release(closed=True)
            return
        if len(self.frames) == 1:
            return  # more end tags than start tags: nothing is open
        frame = self.frames.pop()
        if frame.kind == _BLOCK:
            frame.out.brk(frame.level)
        elif frame.kind == _ITEM:
            frame.out.hold = False
            frame.out.brk(frame.cap)
        elif frame.kind == _LIST and not frame.nested:
            frame.out.brk(frame.level)
        elif frame.kind == _ROW:
            cap = min(1, frame.cap)
            frame.out.brk(cap)
            frame.out.add(
                "\t".join(frame.cells) if frame.cap else " ".join(frame.cells), raw=bool(frame.cap)
            )
            frame.out.brk(cap)
        elif frame.kind == _CELL:
            self.frames[-1].cells.append(frame.out.text().replace("\t", " "))

    def _data(self, text: str) -> None:
        if self.skip:
            return
        held = self.held
        if held is not None:
            held.events.append(("data", text, {}))
            if not any(held.open):
                held.text.append(text)
                if not _SCRIPT_CHARS.fullmatch(text):  # not digits: lay it out as usual now
                    self._release(closed=False)
            return
        top = self.frames[-1]
        if top.kind != _ROW:  # text between a row's cells is not shown
            top.out.add(text, raw=top.pre)

    def _release(self, *, closed: bool) -> None:
        """A held <sup>/<sub> that is not digits only: an ordinary element after all."""
        held = self.held
        assert held is not None
        self.held = None
        self.frames.append(
            _Frame(_NORMAL, held.frame.out, held.frame.cap, held.frame.pre, held.frame.depth)
        )
        for kind, value, attrib in held.events:
            if kind == "start":
                self._start(value, attrib)
            elif kind == "end":
                self._end()
            else:
                self._data(value)
        if closed:
            self._end()


def _read_html(markup: str) -> _HtmlReader:
    """``markup`` parsed by lxml's HTML parser (what BeautifulSoup used), walked as it is read."""
    from lxml import etree

    reader = _HtmlReader()
    parser = etree.HTMLParser(target=reader, recover=True)
    try:
        for start in range(0, len(markup), 1 << 16):
            parser.feed(markup[start : start + (1 << 16)])
        parser.close()
    except etree.XMLSyntaxError:
        # Even when recovering, libxml2 reports a page without a single element (empty,
        # or a few stray characters); what it read has been laid out already.
        reader.close()
    return reader


def html_fragment_text(fragment: str) -> str:
    """The visible text of a piece of HTML (a Markdown HTML block)."""
    return _BLANK_RUNS.sub("\n\n", _read_html(fragment).out.text())


def _decode_html(data: bytes, name: str) -> tuple[str, list[str]]:
    """Honour a declared charset (``<meta charset>``) unless a byte-order mark says otherwise."""
    from bs4.dammit import EncodingDetector

    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, name)
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    if declared:
        try:
            codec = codecs.lookup(declared).name.replace("-", "_")
            codec = _WHATWG.get(codec, codec)
            text = data.decode(codec) if codec in _DECLARABLE else None
        except (LookupError, UnicodeError):
            text = None  # a wrong declaration: fall back to what the bytes are
        if text is not None and "\x00" not in text:
            return text, []
    return decode_text(data, name)


def extract_html(data: bytes, name: str) -> ExtractedSource:
    """An HTML page's visible text; title from <title> or the first <h1>; author/date from <meta>."""
    tags = data.count(b"<")
    if tags > MAX_HTML_TAGS:
        raise InvalidInput(
            f"{name} holds more than {MAX_HTML_TAGS / 1e6:.0f} million HTML tags ({tags / 1e6:.1f} "
            "million), far more than a real page; it may be damaged or built to stall readers."
        )
    markup, notes = _decode_html(data, name)
    reader = _read_html(markup)
    title = next((t for t in (reader.title, reader.h1) if t is not None and t.strip()), "")
    attributes: dict[str, str] = {}
    for meta in reader.metas:
        key = str(meta.get("name") or meta.get("property") or "").strip().lower()
        value = " ".join(str(meta.get("content") or "").split())
        if key in _META_FIELDS and value:
            attributes.setdefault(_META_FIELDS[key], value)
    return ExtractedSource(
        title, _BLANK_RUNS.sub("\n\n", reader.out.text()), "html", attributes, notes
    )
