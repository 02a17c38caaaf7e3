"""The codebook as one self-contained HTML file: to read in a browser, print, or attach.

No scripts, no external fonts, images or style sheets: the style is inline in
the head, so the file shows the same anywhere and offline. Every piece of the
researcher's text goes through ``html.escape`` (names, fields, coder names, the
project name), so a definition holding ``<script>`` shows those characters and
runs nothing; attribute values written here are either escaped or made by this
module (anchors from code numbers, colours checked to be ``#RRGGBB``).

Printing: a page break after the contents, headings kept with what follows,
usage tables and fields not split across pages, links in the text colour, and
the colour swatches printed (``print-color-adjust: exact``) with an outline
that shows even where a printer drops backgrounds.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from annotator.io.codebook_docs.model import (
    EMPTY_CODEBOOK,
    NOT_USED,
    CodebookDocument,
    CodeEntry,
    paragraphs,
)
from annotator.io.codebook_docs.writing import write_text_atomically

_STYLE = """
:root { color-scheme: light; }
body { font: 16px/1.5 Georgia, "Times New Roman", serif; color: #1a1a1a; background: #fff;
  max-width: 46rem; margin: 2rem auto; padding: 0 1.25rem; }
h1, h2, h3, h4, h5, h6, nav, .facts, table, .summary { font-family: "Helvetica Neue", Arial,
  "Liberation Sans", sans-serif; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; }
.summary { color: #555; font-size: .9rem; margin: 0 0 1.5rem; }
h2 { font-size: 1.45rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1.2rem; margin-top: 1.8rem; }
h4, h5, h6 { font-size: 1.05rem; margin-top: 1.5rem; }
h2, h3, h4, h5, h6 { margin-bottom: .3rem; }
.number { color: #666; font-weight: normal; margin-right: .1em; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px;
  outline: 1px solid rgba(0,0,0,.35); margin-right: .45em; vertical-align: baseline;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.facts { color: #666; font-size: .85rem; margin: 0 0 .6rem; }
.facts code { font-size: .95em; }
dl.fields { margin: .4rem 0 .8rem; }
dl.fields dt { font-weight: bold; margin-top: .45rem; font-size: .95rem; }
dl.fields dd { margin: 0 0 0 1.2rem; }
dl.fields dd p { margin: .1rem 0 .4rem; }
table.usage { border-collapse: collapse; font-size: .85rem; margin: .4rem 0 1rem; }
table.usage th, table.usage td { border: 1px solid #ccc; padding: .2rem .6rem; }
table.usage th { background: #f3f3f3; text-align: left; font-weight: 600; }
table.usage td.n, table.usage th.n { text-align: right; }
table.usage tr.total td { font-weight: bold; border-top: 2px solid #999; }
.unused { color: #777; font-style: italic; font-size: .9rem; }
nav.toc { font-size: .92rem; }
nav.toc ul { list-style: none; padding-left: 1.2rem; margin: .1rem 0; }
nav.toc > ul { padding-left: 0; }
nav.toc a { color: #1f4f8a; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
@page { margin: 2cm 1.8cm; }
@media print {
  body { font-size: 10.5pt; max-width: none; margin: 0; padding: 0; }
  nav.toc { break-after: page; }
  nav.toc a, a { color: inherit; }
  h2, h3, h4, h5, h6 { break-after: avoid; page-break-after: avoid; }
  table.usage, dl.fields > div, .facts { break-inside: avoid; page-break-inside: avoid; }
  /* A usage table stays with the field above it rather than open the next page alone. */
  dl.fields { break-after: avoid; page-break-after: avoid; }
  table.usage th { background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _text(text: str) -> str:
    """A field's text as paragraphs, its line breaks kept."""
    return "".join(
        "<p>" + "<br>\n".join(escape(line) for line in para) + "</p>" for para in paragraphs(text)
    )


def _usage(entry: CodeEntry) -> str:
    if not entry.used:
        return f'<p class="unused">{escape(NOT_USED)}</p>'
    head = ["Coder", "Codings", "Documents"]
    if entry.has_subcodes:
        head += ["Codings with sub-codes", "Documents with sub-codes"]
    out = ['<table class="usage"><thead><tr>']
    out += [
        f'<th scope="col">{h}</th>' if i == 0 else f'<th class="n" scope="col">{h}</th>'
        for i, h in enumerate(head)
    ]
    out.append("</tr></thead><tbody>")
    for row in (*entry.usage, entry.total):
        numbers = [row.own.codings, row.own.documents]
        if entry.has_subcodes:
            numbers += [row.with_subcodes.codings, row.with_subcodes.documents]
        cls = ' class="total"' if row is entry.total else ""
        out.append(f"<tr{cls}><td>{escape(row.coder)}</td>")
        out += [f'<td class="n">{n}</td>' for n in numbers]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _entry(entry: CodeEntry) -> str:
    h = min(entry.level + 1, 6)
    swatch = (
        f'<span class="swatch" style="background-color:{entry.color}" title="{entry.color}"></span>'
        if entry.color
        else ""
    )
    out = [
        f'<section class="code level-{entry.level}" aria-labelledby="{entry.anchor}">',
        f'<h{h} id="{entry.anchor}">{swatch}<span class="number">{entry.number}</span> '
        f'<span class="name">{escape(entry.name)}</span></h{h}>',
    ]
    facts = []
    if entry.color:
        facts.append(f"Colour <code>{entry.color}</code>")
    if entry.parent_path:
        facts.append(f"sub-code of {escape(entry.parent_path)}")
    if facts:
        out.append(f'<p class="facts">{" · ".join(facts)}</p>')
    if entry.fields:
        out.append('<dl class="fields">')
        out += [
            f"<div><dt>{escape(label)}</dt><dd>{_text(value)}</dd></div>"
            for label, value in entry.fields
        ]
        out.append("</dl>")
    out += [_usage(entry), "</section>"]
    return "\n".join(out)


def _contents(doc: CodebookDocument) -> str:
    """Nested lists following the levels; each entry links to its code."""
    out = ['<nav class="toc" aria-label="Contents"><h2>Contents</h2>']
    depth = 0
    for entry in doc.codes:
        if entry.level > depth:
            out.append("<ul><li>" * (entry.level - depth))
        else:
            out.append("</li></ul>" * (depth - entry.level) + "</li><li>")
        depth = entry.level
        out.append(f'<a href="#{entry.anchor}">{entry.number} {escape(entry.name)}</a>')
    out.append("</li></ul>" * depth + "</nav>")
    return "\n".join(out)


def render_html(doc: CodebookDocument) -> str:
    """The whole document as one HTML page."""
    body = [f"<h1>{escape(doc.title)}</h1>", f'<p class="summary">{escape(doc.summary())}</p>']
    if doc.codes:
        body.append(_contents(doc))
        body += [_entry(e) for e in doc.codes]
    else:
        body.append(f"<p>{escape(EMPTY_CODEBOOK)}</p>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="Annotator">\n'
        f"<title>{escape(doc.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def write_html(doc: CodebookDocument, path: str | Path) -> None:
    write_text_atomically(path, render_html(doc))
