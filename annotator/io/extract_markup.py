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
strikethrough), HTML by BeautifulSoup with lxml; no regular expressions touch
the markup itself.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from annotator.core.text import normalise_newlines
from annotator.io.decode import decode_text
from annotator.io.extract import ExtractedSource

if TYPE_CHECKING:
    from bs4 import PageElement, Tag
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
    parser = MarkdownIt("commonmark", {"maxNesting": _MAX_NESTING}).enable(["table", "strikethrough"])
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
    return meta, source[match.end():]


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
                "\t".join(_md_inline(cell.children[0]).strip() if cell.children else ""
                          for cell in row.children)
                for row in node.walk() if row.type == "tr"
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

#: Elements whose content is never shown as text.
_SKIP = frozenset({
    "script", "style", "noscript", "template", "head", "title", "iframe", "object",
    "embed", "svg", "math", "canvas", "img", "input", "select", "textarea", "button",
})
#: Block elements: a blank line before and after (a paragraph of their own).
_PARAGRAPH = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "dl", "hr",
    "figure", "figcaption", "section", "article", "header", "footer", "main", "aside",
    "nav", "address", "div", "form", "fieldset", "details", "summary", "center",
    "caption", "body", "ul", "ol",
})
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
    "author": "author", "dc.creator": "author", "dcterms.creator": "author",
    "article:author": "author", "date": "created", "dc.date": "created",
    "dcterms.date": "created", "dcterms.created": "created",
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


def _walk(node: Tag, out: _Lines, cap: int = 2, pre: bool = False, depth: int = 0) -> None:
    """Append the visible text under ``node``; ``cap`` limits breaks inside lists (1) and cells (0)."""
    _walk_nodes(node.children, out, cap, pre, depth)


def _walk_nodes(
    nodes: Iterable[PageElement], out: _Lines, cap: int, pre: bool, depth: int
) -> None:
    from bs4 import CData, NavigableString, Tag

    for child in nodes:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString or isinstance(child, CData):
                out.add(str(child), raw=pre)
            continue  # comments, doctype, processing instructions
        if not isinstance(child, Tag):
            continue
        name = (child.name or "").lower()
        if name in _SKIP:
            continue
        if name == "br":
            out.line_break(cap)
        elif name in ("sup", "sub"):
            scripted = script_digits(child.get_text(), superscript=name == "sup")
            if scripted is not None:
                out.add(scripted)
            else:
                _walk(child, out, cap, pre, depth)
        elif name == "tr":
            cells = [_cell_text(c) for c in child.find_all(["td", "th"], recursive=False)]
            out.brk(min(1, cap))
            out.add("\t".join(cells) if cap else " ".join(cells), raw=bool(cap))
            out.brk(min(1, cap))
        elif name in ("ul", "ol"):
            out.brk(min(2, cap))
            _walk_list(child, out, cap, pre, depth)
            out.brk(min(2, cap))
        elif name in _PARAGRAPH or name in _LINE:
            level = min(2 if name in _PARAGRAPH else 1, cap)
            out.brk(level)
            _walk(child, out, min(cap, 1) if name in _LINE else cap, pre or name == "pre", depth)
            out.brk(level)
        else:
            _walk(child, out, cap, pre, depth)


def _walk_list(node: Tag, out: _Lines, cap: int, pre: bool, depth: int) -> None:
    """List items one per line with a bullet or number, nested lists indented."""
    from bs4 import Tag

    ordered = (node.name or "").lower() == "ol"
    try:
        number = int(str(node.get("start") or 1))
    except ValueError:
        number = 1
    cap = min(cap, 1)
    for item in node.children:
        if not (isinstance(item, Tag) and (item.name or "").lower() == "li"):
            _walk_nodes([item], out, cap, pre, depth)  # stray text or tags between items
            continue
        out.hold = False
        out.brk(cap)
        if cap:
            out.add("  " * depth, raw=True)
        out.add(f"{number}. " if ordered else "• ")
        out.hold = True
        number += 1
        for child in item.children:
            if isinstance(child, Tag) and (child.name or "").lower() in ("ul", "ol"):
                out.brk(cap)
                _walk_list(child, out, cap, pre, depth + 1)
            else:
                _walk_nodes([child], out, cap, pre, depth)
        out.hold = False
        out.brk(cap)


def _cell_text(cell: Tag) -> str:
    inner = _Lines()
    _walk(cell, inner, cap=0)
    return inner.text().replace("\t", " ")


def html_fragment_text(fragment: str) -> str:
    """The visible text of a piece of HTML (a Markdown HTML block)."""
    from bs4 import BeautifulSoup

    text, _ = _visible_text(BeautifulSoup(fragment, "lxml"))
    return _BLANK_RUNS.sub("\n\n", text)


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
    from bs4 import BeautifulSoup

    markup, notes = _decode_html(data, name)
    soup = BeautifulSoup(markup, "lxml")
    text, more_notes = _visible_text(soup)
    notes.extend(more_notes)
    title = ""
    for tag in (soup.title, soup.find("h1")):
        if tag is not None and tag.get_text().strip():
            title = tag.get_text()
            break
    attributes: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = str(meta.get("name") or meta.get("property") or "").strip().lower()
        value = " ".join(str(meta.get("content") or "").split())
        if key in _META_FIELDS and value:
            attributes.setdefault(_META_FIELDS[key], value)
    return ExtractedSource(title, _BLANK_RUNS.sub("\n\n", text), "html", attributes, notes)


def _visible_text(soup: Tag) -> tuple[str, list[str]]:
    """The laid-out text of a parsed page, and a note if the layout had to be given up."""
    try:
        out = _Lines()
        _walk(soup, out)
        return out.text(), []
    except RecursionError:
        # Hundreds of unclosed tags (old pages repeat <font> without closing it)
        # nest deeper than the walk can follow: keep the words, lose the layout.
        note = "nested too deeply to keep its paragraphs; read as one flow of text"
        return _flat_text(soup), [note]


def _flat_text(soup: Tag) -> str:
    """All visible strings in document order, spaces collapsed (an explicit stack, no layout)."""
    from bs4 import CData, NavigableString, Tag

    parts: list[str] = []
    # Each frame: the children still to visit, and whether a block element owns them.
    stack: list[tuple[Iterator[PageElement], bool]] = [(iter(soup.children), False)]
    while stack:
        children, block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if block:
                parts.append(" ")  # the end of a block separates words too
        elif isinstance(child, NavigableString):
            if type(child) is NavigableString or isinstance(child, CData):
                parts.append(str(child))
        elif isinstance(child, Tag) and (child.name or "").lower() not in _SKIP:
            name = (child.name or "").lower()
            block = name in _PARAGRAPH or name in _LINE or name in ("br", "td", "th")
            if block:
                parts.append(" ")  # blocks separate words (<p>a</p><p>b</p>); inline tags do not
            stack.append((iter(child.children), block))
    return " ".join("".join(parts).split())
