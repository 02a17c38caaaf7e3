"""The codebook as Markdown (CommonMark with GitHub's tables), for a repository or pandoc.

Layout: the title (``#``), a summary line, a table of contents linking to each
code, then one heading per code, one level deeper per level of the hierarchy
(``##`` for top-level codes, at most ``######``), numbered ``1.2.3``; under it
the colour, the parent, each filled-in field, and the usage table.

Every piece of the researcher's text is escaped so that it shows as typed:
characters that format inline (``* _ ` [ ] < > | ~ # $ ^ \\``, ``&`` before an
entity) get a backslash everywhere, and characters that start a block at the
beginning of a line (``-``, ``+``, ``=``, ``1.``, ``1)``) get one there; leading
blanks are dropped so a line never becomes an indented code block. Line breaks
inside a field are kept as hard breaks (a trailing backslash), blank lines as
paragraphs. The one piece of raw HTML, each code's anchor, is made of its number,
never of its name.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotator.io.codebook_docs.model import (
    EMPTY_CODEBOOK,
    NOT_USED,
    CodebookDocument,
    CodeEntry,
    paragraphs,
)
from annotator.io.codebook_docs.writing import write_text_atomically

#: Inline characters a backslash keeps from formatting (all are CommonMark-escapable).
_INLINE = re.compile(r"([\\`*_\[\]<>|~#$^])")
#: ``&`` that would start an entity (``&amp;``, ``&#38;``).
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
#: Deepest nesting of the contents list; deeper codes are listed at this depth (their
#: numbers still say where they are). Renderers limit nesting (markdown-it stops
#: rendering the rest of the document past about ten levels of lists).
_TOC_DEPTH = 6
#: A line start that opens a list, a setext underline or a thematic break.
_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def escape(text: str) -> str:
    """One line of the researcher's text as Markdown that shows exactly that text."""
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = text.lstrip(" \t")
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def _text(text: str) -> list[str]:
    """A field's text as Markdown lines: paragraphs apart, line breaks kept."""
    out: list[str] = []
    for para in paragraphs(text):
        if out:
            out.append("")
        lines = [escape(line) for line in para]
        out.extend(line + "\\" for line in lines[:-1])
        out.append(lines[-1])
    return out


def _heading(entry: CodeEntry) -> str:
    return "#" * min(entry.level + 1, 6) + f" {entry.number} {escape(entry.name)}"


def _usage(entry: CodeEntry) -> list[str]:
    if not entry.used:
        return [f"*{NOT_USED}*"]
    head = ["Coder", "Codings", "Documents"]
    if entry.has_subcodes:
        head += ["Codings with sub-codes", "Documents with sub-codes"]
    lines = ["| " + " | ".join(head) + " |", "|:--|" + "--:|" * (len(head) - 1)]
    for row in (*entry.usage, entry.total):
        cells = [escape(row.coder), str(row.own.codings), str(row.own.documents)]
        if entry.has_subcodes:
            cells += [str(row.with_subcodes.codings), str(row.with_subcodes.documents)]
        if row is entry.total:
            cells = [f"**{c}**" for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _entry(entry: CodeEntry) -> list[str]:
    # An HTML anchor of our own making (the number only): renderers number headings'
    # ids differently, so the contents link to this instead.
    out = [f'<a id="{entry.anchor}"></a>', "", _heading(entry), ""]
    facts = []
    if entry.color:
        facts.append(f"Colour `{entry.color}`")
    if entry.parent_path:
        facts.append(f"sub-code of {escape(entry.parent_path)}")
    if facts:
        out += [" · ".join(facts), ""]
    for label, value in entry.fields:
        body = _text(value)
        out += [f"**{label}:** {body[0]}", *body[1:], ""]
    out += [*_usage(entry), ""]
    return out


def render_markdown(doc: CodebookDocument) -> str:
    """The whole document as Markdown text."""
    out = [f"# {escape(doc.title)}", "", escape(doc.summary()), ""]
    if not doc.codes:
        out += [EMPTY_CODEBOOK, ""]
    else:
        out += ["## Contents", ""]
        out += [
            "  " * (min(e.level, _TOC_DEPTH) - 1) + f"- [{e.number} {escape(e.name)}](#{e.anchor})"
            for e in doc.codes
        ]
        out.append("")
        for entry in doc.codes:
            out += _entry(entry)
    return "\n".join(out).rstrip("\n") + "\n"


def write_markdown(doc: CodebookDocument, path: str | Path) -> None:
    write_text_atomically(path, render_markdown(doc))
