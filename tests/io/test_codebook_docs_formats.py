"""Each codebook document, read back the way its readers read it: Markdown rendered by a
CommonMark parser, HTML parsed by BeautifulSoup, DOCX opened with python-docx. Every
code must be there with every field and its counts per coder, and the researcher's text
must show as typed, whatever characters it holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_codebook_docs import (
    Coded,
    build,
    docx_blocks,
    docx_tables,
    docx_xml,
    html_soup,
    markdown_soup,
)

from annotator.io.codebook_docs.docx_doc import build_docx, write_docx
from annotator.io.codebook_docs.html_doc import render_html, write_html
from annotator.io.codebook_docs.markdown_doc import render_markdown
from annotator.io.codebook_docs.model import (
    NOT_USED,
    CodebookDocument,
    CodeEntry,
    Usage,
    UsageRow,
    codebook_document,
    paragraphs,
)
from annotator.store import Project

HOSTILE_NAME = '<script>alert("name")</script> *bold* _x_ | # [a](b)'
HOSTILE_DEFINITION = (
    '<script>alert("definition")</script>\n"><img src=x onerror=alert(1)>\n'
    "</style><b>not bold</b> &amp; &copy;\n# not a heading\n1. not a list\n- nor this\n"
    "    not code\n===\n| a | b |\n`tick` ~~strike~~ $x$ \\ end\\"
)


@pytest.fixture
def coded(project: Project) -> Coded:
    return build(project)


def expected_paragraphs(text: str) -> list[str]:
    """A field's paragraphs as a reader sees them: lines kept, each without the blanks
    around it (which Markdown and HTML both drop)."""
    return ["\n".join(line.strip() for line in para) for para in paragraphs(text)]


def counts_rows(entry: CodeEntry) -> list[list[str]]:
    """The usage table a document should show for ``entry``, as text cells."""
    rows = []
    for row in (*entry.usage, entry.total):
        cells = [row.coder, str(row.own.codings), str(row.own.documents)]
        if entry.has_subcodes:
            cells += [str(row.with_subcodes.codings), str(row.with_subcodes.documents)]
        rows.append(cells)
    return rows


def one_code_document(name: str, definition: str) -> CodebookDocument:
    """A document of one used code, made directly (no project), for generated texts."""
    usage = UsageRow("Ann", Usage(1, 1), Usage(1, 1))
    entry = CodeEntry(
        id="c1", name=name, path=name, level=1, number="1", color="#112233",
        fields=(("Definition", definition),), parent_path="", has_subcodes=False,
        usage=(usage,), total=UsageRow("All coders", Usage(1, 1), Usage(1, 1)),
    )  # fmt: skip
    return CodebookDocument("p", "2024-01-01", (entry,), ("Ann",), 1, 1)


# Text of any script, dense with what Markdown and HTML give meaning to: the pieces that
# open emphasis, code, links, headings, lists, quotes, breaks, tables, entities and tags.
TRICKY = (
    "*", "_", "**", "__", "`", "```", "~~", "#", "##", "1.", "1)", "12.", "-", "+", "=", "===",
    "---", "***", ">", "<", "<div>", "<b>", "</p>", "<script>", "&amp;", "&#38;", "&copy",
    "[a]", "(b)", "[x](y)", "![i](j)", "|", "$", "$x$", "^", "\\", "\\*", "!", "{", "}",
    "    ", "\t", "\n", "\n\n", "\n    ", " ", "word", "x", "é", "中文", "\u00a0",
)  # fmt: skip
texts = (
    st.lists(
        st.one_of(st.sampled_from(TRICKY), st.characters(blacklist_categories=("Cc", "Cs"))),
        max_size=24,
    )
    .map("".join)
    .filter(lambda t: bool(paragraphs(t)))
)


# -- Markdown ----------------------------------------------------------------------------


def test_markdown_has_every_code_field_and_count(coded: Coded) -> None:
    doc = codebook_document(coded.project)
    soup = markdown_soup(render_markdown(doc))
    assert soup.h1.get_text() == "test — Codebook"
    headings = {h.get_text(): h for h in soup.find_all(["h2", "h3", "h4"])}
    tables = soup.find_all("table")
    unused = [p for p in soup.find_all("p") if p.get_text() == NOT_USED]
    for entry in doc.codes:
        heading = headings[f"{entry.number} {entry.name}"]
        assert heading.name == f"h{entry.level + 1}"
        # The contents link to an anchor just before the heading.
        assert soup.find("a", href=f"#{entry.anchor}") is not None
        assert heading.find_previous("a")["id"] == entry.anchor
        for label, value in entry.fields:
            para = heading.find_next(
                lambda t, label=label: t.name == "p" and t.get_text().startswith(f"{label}: ")
            )
            shown = [para.get_text()[len(label) + 2 :]]
            while len(shown) < len(paragraphs(value)):
                para = para.find_next_sibling("p")
                shown.append(para.get_text())
            assert shown == expected_paragraphs(value)
    used = [e for e in doc.codes if e.used]
    assert len(tables) == len(used) and len(unused) == len(doc.codes) - len(used)
    for table, entry in zip(tables, used, strict=True):
        cells = [[td.get_text() for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]
        assert cells == counts_rows(entry)
    rage = next(e for e in doc.codes if e.name == "Rage")
    facts = headings["1.1.1 Rage"].find_next("p").get_text()
    assert facts == f"Colour {rage.color} · sub-code of Emotion/Anger"


#: Texts each of which some Markdown construct would otherwise take over.
KNOWN_TRAPS = (
    "_word_ and *word*", "**strong** __strong__", "`code` and ``more``", "~~struck~~",
    "# heading", "#tag at the start", "1. a list", "12) another", "- item\n+ item\n* item",
    "> quoted", "a\n===", "a\n---", "***", "___", "first\n\n    indented code",
    "<b>bold</b> <!-- comment --> <http://example.org>", "&amp; &#38; &copy;", "[link](x)",
    "![image](x.png)", "| a | b |\n|---|---|", "$x^2$", "ends with a backslash\\",
    "\\*escaped\\*", "line\\\nbreak",
)  # fmt: skip


def with_known_traps(test):  # type: ignore[no-untyped-def]
    for trap in KNOWN_TRAPS:
        test = example(name=" ".join(trap.split()), definition=trap)(test)
    return test


@settings(max_examples=150, deadline=None)
@with_known_traps
@given(name=texts.map(lambda t: " ".join(t.split())).filter(bool), definition=texts)
def test_markdown_shows_any_text_exactly_as_typed(name: str, definition: str) -> None:
    soup = markdown_soup(render_markdown(one_code_document(name, definition)))
    assert soup.h2 is not None and [h.get_text() for h in soup.find_all("h2")][-1] == f"1 {name}"
    para = next(p for p in soup.find_all("p") if p.get_text().startswith("Definition: "))
    shown = [para.get_text()[len("Definition: ") :]]
    while len(shown) < len(paragraphs(definition)):
        para = para.find_next_sibling("p")
        shown.append(para.get_text())
    assert shown == expected_paragraphs(definition)
    assert soup.find("a", href="#code-1").get_text() == f"1 {name}"
    # No markup from the text: only the document's own elements.
    own = {"h1", "h2", "p", "ul", "li", "a", "strong", "code", "br", "table", "thead", "tbody"}
    assert {t.name for t in soup.find_all(True)} <= own | {"tr", "th", "td"}


def test_markdown_escapes_a_hostile_code(project: Project) -> None:
    project.add_code(HOSTILE_NAME, definition=HOSTILE_DEFINITION)
    soup = markdown_soup(render_markdown(codebook_document(project)))
    assert soup.h2.find_next("h2").get_text() == f"1 {HOSTILE_NAME}"
    assert len(soup.find_all("h1")) == 1 and len(soup.find_all("h2")) == 2
    assert not soup.find_all(["script", "img", "style", "b", "del", "pre", "ol", "hr"])
    assert [em.get_text() for em in soup.find_all("em")] == [NOT_USED]  # the document's own
    text = soup.get_text()
    assert '<script>alert("definition")</script>' in text and "# not a heading" in text


# -- HTML --------------------------------------------------------------------------------


def test_html_has_every_code_field_and_count(coded: Coded, tmp_path: Path) -> None:
    doc = codebook_document(coded.project)
    write_html(doc, tmp_path / "c.html")
    soup = html_soup(tmp_path / "c.html")
    assert soup.title.get_text() == soup.h1.get_text() == "test — Codebook"
    links = [a["href"] for a in soup.nav.find_all("a")]
    assert links == [f"#{e.anchor}" for e in doc.codes]
    for entry in doc.codes:
        heading = soup.find(id=entry.anchor)
        assert heading.name == f"h{entry.level + 1}"
        assert heading.find(class_="name").get_text() == entry.name
        assert heading.find(class_="number").get_text() == entry.number
        swatch = heading.find(class_="swatch")
        assert swatch["style"] == f"background-color:{entry.color}"
        section = heading.parent
        fields = [
            (dt.get_text(), [p.get_text() for p in dt.find_next_sibling("dd").find_all("p")])
            for dt in section.find_all("dt")
        ]
        assert fields == [(label, expected_paragraphs(v)) for label, v in entry.fields]
        table = section.find("table")
        if entry.used:
            cells = [[td.get_text() for td in tr.find_all("td")] for tr in table.tbody("tr")]
            assert cells == counts_rows(entry)
            assert table.tbody("tr")[-1]["class"] == ["total"]
        else:
            assert table is None and section.find(class_="unused").get_text() == NOT_USED
    # Line breaks inside a field are kept.
    emotion = soup.find(id="code-1").parent
    assert len(emotion.dd.p.find_all("br")) == 1


def test_html_is_one_self_contained_file_that_prints(coded: Coded, tmp_path: Path) -> None:
    write_html(codebook_document(coded.project), tmp_path / "c.html")
    soup = html_soup(tmp_path / "c.html")
    assert not soup.find_all(["script", "link", "img", "iframe", "object"])
    assert all(a["href"].startswith("#") for a in soup.find_all("a", href=True))
    style = soup.style.get_text()
    assert "@media print" in style and "print-color-adjust: exact" in style
    assert soup.find("meta", charset="utf-8") is not None


def test_html_escapes_a_hostile_code(project: Project, tmp_path: Path) -> None:
    ann = project.add_coder('Ann <img src=x onerror="alert(2)">')
    code = project.add_code(HOSTILE_NAME, definition=HOSTILE_DEFINITION)
    d = project.add_document("Doc", "Some words here.")
    project.add_coding(d.id, code.id, ann.id, 0, 4)
    write_html(codebook_document(project), tmp_path / "c.html")
    soup = html_soup(tmp_path / "c.html")
    assert not soup.find_all(["script", "img", "b"]) and len(soup.find_all("style")) == 1
    assert soup.find(class_="name").get_text() == HOSTILE_NAME
    assert soup.dd.get_text("\n").split("\n")[0] == '<script>alert("definition")</script>'
    assert soup.table.tbody.td.get_text() == 'Ann <img src=x onerror="alert(2)">'


@settings(max_examples=100, deadline=None)
@with_known_traps
@given(name=texts.map(lambda t: " ".join(t.split())).filter(bool), definition=texts)
def test_html_shows_any_text_exactly_as_typed(name: str, definition: str) -> None:
    soup = html_soup_of(render_html(one_code_document(name, definition)))
    assert soup.find(class_="name").get_text() == name
    # As a browser shows it: the blanks around each line collapse.
    shown = ["\n".join(s.strip() for s in p.get_text().split("\n")) for p in soup.dd("p")]
    assert shown == expected_paragraphs(definition)


def html_soup_of(text: str):  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    return BeautifulSoup(text, "html.parser")


# -- DOCX --------------------------------------------------------------------------------


def test_docx_has_every_code_in_heading_styles_with_fields_and_counts(
    coded: Coded, tmp_path: Path
) -> None:
    doc = codebook_document(coded.project)
    write_docx(doc, tmp_path / "c.docx")
    blocks = docx_blocks(tmp_path / "c.docx")
    assert blocks[0] == ("Title", "test — Codebook")
    headings = [(s, t) for s, t in blocks if s.startswith("Heading")]
    assert headings == [(f"Heading {e.level}", f"{e.number} {e.name}") for e in doc.codes]
    texts = [t for _, t in blocks]
    for entry in doc.codes:
        for label, value in entry.fields:
            first, *rest = expected_paragraphs(value)
            at = texts.index(f"{label}: {first}")
            assert texts[at + 1 : at + 1 + len(rest)] == rest
    tables = docx_tables(tmp_path / "c.docx")
    used = [e for e in doc.codes if e.used]
    assert len(tables) == len(used)
    for table, entry in zip(tables, used, strict=True):
        assert table[0][:3] == ["Coder", "Codings", "Documents"]
        assert table[1:] == counts_rows(entry)
    assert texts.count(NOT_USED) == len(doc.codes) - len(used)
    xml = docx_xml(tmp_path / "c.docx")
    for entry in doc.codes:  # the swatch: a run shaded in the code's colour
        assert f'w:fill="{entry.color[1:]}"' in xml
    assert build_docx(doc).core_properties.title == "test — Codebook"


def test_docx_labels_are_bold_and_line_breaks_kept(coded: Coded, tmp_path: Path) -> None:
    import docx

    write_docx(codebook_document(coded.project), tmp_path / "c.docx")
    para = next(
        p for p in docx.Document(str(tmp_path / "c.docx")).paragraphs if p.text.startswith("Def")
    )
    assert para.runs[0].text == "Definition: " and para.runs[0].bold
    assert para.text == "Definition: Feelings named or shown.\nAny feeling at all."


def test_docx_holds_hostile_and_unshowable_text(project: Project, tmp_path: Path) -> None:
    code = project.add_code(HOSTILE_NAME, definition=HOSTILE_DEFINITION + "\x0b\x01 form\x0cfeed")
    coder = project.add_coder("Ann <b>&amp;</b>\x01")
    d = project.add_document("Doc", "Some words here.")
    project.add_coding(d.id, code.id, coder.id, 0, 4)
    write_docx(codebook_document(project), tmp_path / "c.docx")
    assert docx_tables(tmp_path / "c.docx")[0][1][0] == "Ann <b>&amp;</b>"
    blocks = docx_blocks(tmp_path / "c.docx")
    assert ("Heading 1", f"1 {HOSTILE_NAME}") in blocks
    definition = next(t for _, t in blocks if t.startswith("Definition: "))
    lines = definition.split("\n")
    assert lines[0] == 'Definition: <script>alert("definition")</script>'
    assert lines[-1] == "`tick` ~~strike~~ $x$ \\ end\\ formfeed"


def test_deep_codebooks_stay_within_each_formats_heading_levels(
    project: Project, tmp_path: Path
) -> None:
    parent: str | None = None
    for depth in range(1, 12):
        parent = project.add_code(f"Level {depth}", parent).id
    doc = codebook_document(project)
    write_docx(doc, tmp_path / "c.docx")
    styles = [s for s, _ in docx_blocks(tmp_path / "c.docx") if s.startswith("Heading")]
    assert styles == [f"Heading {min(d, 9)}" for d in range(1, 12)]
    page = html_soup_of(render_html(doc))
    assert [page.find(id=e.anchor).name for e in doc.codes][-3:] == ["h6", "h6", "h6"]
    md = markdown_soup(render_markdown(doc))
    assert md.find("h6", string="1.1.1.1.1.1.1.1.1.1.1 Level 11") is not None
