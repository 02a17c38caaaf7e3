"""Codebook documents: what the shared model says (counts, order, fields), the writes,
and the empty codebook in every format. Also the coded project and the readers of each
format that the other ``test_codebook_docs_*`` files import.

The codebook has three levels, a code with every field filled in, one with none,
an unused branch, and codings arranged so that a parent's documents *with*
sub-codes are fewer than the sum of its sub-codes' (the same document coded
under two sub-codes counts once). Cy is a coder who has coded nothing.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from annotator.core.errors import InvalidInput
from annotator.core.models import Code, Coder
from annotator.io.codebook_docs.docx_doc import write_docx
from annotator.io.codebook_docs.html_doc import write_html
from annotator.io.codebook_docs.markdown_doc import render_markdown, write_markdown
from annotator.io.codebook_docs.model import (
    ALL_CODERS,
    EMPTY_CODEBOOK,
    Usage,
    clean_text,
    codebook_document,
    paragraphs,
)
from annotator.io.codebook_docs.writing import write_atomically
from annotator.store import Project

TEXT = "One two three four five six seven eight nine ten eleven twelve."


@dataclass
class Coded:
    project: Project
    ann: Coder
    ben: Coder
    emotion: Code
    anger: Code
    rage: Code
    joy: Code
    topic: Code


def build(project: Project) -> Coded:
    ann = project.add_coder("Ann")
    ben = project.add_coder("Ben")
    project.add_coder("Cy")
    d1, d2, d3 = (project.add_document(f"Doc {i}", f"{TEXT} {i}") for i in (1, 2, 3))
    emotion = project.add_code(
        "Emotion",
        color="#E6194B",
        definition="Feelings named or shown.\nAny feeling at all.",
        inclusion="The text names a feeling.",
        exclusion="Mere politeness.",
        example="“I was so angry.”\n\nA second paragraph.",
        memo="Check with Ben.",
    )
    anger = project.add_code("Anger", emotion.id, color="#3CB44B", definition="Anger or rage.")
    rage = project.add_code("Rage", anger.id, color="#4363D8", example="“Furious!”")
    joy = project.add_code("Joy", emotion.id, color="#FFE119")
    topic = project.add_code("Topic", color="#911EB4")  # nobody uses it
    project.add_code("Politics", topic.id)
    coded = Coded(project, ann, ben, emotion, anger, rage, joy, topic)
    # Ann: Emotion once in d1; Anger in d1 and d2; Joy in d1 (with Anger's d1: counted once).
    project.add_coding(d1.id, emotion.id, ann.id, 0, 3)
    project.add_coding(d1.id, anger.id, ann.id, 4, 7)
    project.add_coding(d2.id, anger.id, ann.id, 4, 7)
    project.add_coding(d1.id, joy.id, ann.id, 8, 13)
    # Ben: Rage twice in d3, Joy in d2.
    project.add_coding(d3.id, rage.id, ben.id, 0, 3)
    project.add_coding(d3.id, rage.id, ben.id, 14, 18)
    project.add_coding(d2.id, joy.id, ben.id, 8, 13)
    return coded


def markdown_soup(text: str) -> BeautifulSoup:
    """Markdown as CommonMark (with GitHub's tables) renders it."""
    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(text)
    return BeautifulSoup(html, "html.parser")


def html_soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def docx_blocks(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of the document's paragraphs, in order."""
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


def docx_tables(path: Path) -> list[list[list[str]]]:
    return [
        [[cell.text for cell in row.cells] for row in table.rows]
        for table in docx.Document(str(path)).tables
    ]


def docx_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


@pytest.fixture
def coded(project: Project) -> Coded:
    return build(project)


def by_name(doc, name):  # type: ignore[no-untyped-def]
    return next(e for e in doc.codes if e.name == name)


# -- the model -------------------------------------------------------------------------


def test_codes_come_in_tree_order_numbered_by_their_place(coded: Coded) -> None:
    doc = codebook_document(coded.project)
    assert [(e.number, e.name, e.level) for e in doc.codes] == [
        ("1", "Emotion", 1),
        ("1.1", "Anger", 2),
        ("1.1.1", "Rage", 3),
        ("1.2", "Joy", 2),
        ("2", "Topic", 1),
        ("2.1", "Politics", 2),
    ]
    assert by_name(doc, "Rage").parent_path == "Emotion/Anger"
    assert by_name(doc, "Emotion").parent_path == ""
    assert doc.project == "test" and doc.title == "test — Codebook"


def test_only_filled_fields_are_kept_with_their_labels(coded: Coded) -> None:
    doc = codebook_document(coded.project)
    assert [label for label, _ in by_name(doc, "Emotion").fields] == [
        "Definition",
        "Use when",
        "Do not use when",
        "Example",
        "Memo",
    ]
    assert by_name(doc, "Anger").fields == (("Definition", "Anger or rage."),)
    assert by_name(doc, "Joy").fields == ()


def test_usage_per_coder_matches_the_stores_counts(coded: Coded) -> None:
    """Own counts are ``code_counts`` per coder (the codebook tree's numbers); the
    all-coders row is ``code_counts`` of everyone."""
    p = coded.project
    doc = codebook_document(p)
    assert doc.coders == ("Ann", "Ben")  # Cy has coded nothing
    everyone = p.code_counts()
    per_coder = {c.name: p.code_counts(coder_ids=[c.id]) for c in (coded.ann, coded.ben)}
    for entry in doc.codes:
        assert [r.coder for r in entry.usage] == ["Ann", "Ben"]
        for row in entry.usage:
            assert row.own == Usage(*per_coder[row.coder].get(entry.id, (0, 0)))
        assert entry.total.coder == ALL_CODERS
        assert entry.total.own == Usage(*everyone.get(entry.id, (0, 0)))


def test_totals_with_sub_codes_count_each_document_once(coded: Coded) -> None:
    doc = codebook_document(coded.project)
    emotion = by_name(doc, "Emotion")
    ann, ben = emotion.usage
    assert ann.own == Usage(1, 1) and ann.with_subcodes == Usage(4, 2)  # d1 thrice, d2 once
    assert ben.own == Usage(0, 0) and ben.with_subcodes == Usage(3, 2)
    assert emotion.total.with_subcodes == Usage(7, 3)
    anger = by_name(doc, "Anger")
    assert anger.total.own == Usage(2, 2) and anger.total.with_subcodes == Usage(4, 3)
    assert emotion.has_subcodes and not by_name(doc, "Joy").has_subcodes
    # A code without sub-codes has nothing to add to its own counts.
    rage = by_name(doc, "Rage")
    assert all(r.own == r.with_subcodes for r in (*rage.usage, rage.total))


def test_unused_codes_are_marked_so(coded: Coded) -> None:
    doc = codebook_document(coded.project)
    assert not by_name(doc, "Topic").used and not by_name(doc, "Politics").used
    assert by_name(doc, "Anger").used  # its own codings
    assert by_name(doc, "Emotion").used


def test_summary_says_when_and_how_much(coded: Coded) -> None:
    import datetime

    doc = codebook_document(coded.project, today=datetime.date(2024, 3, 9))
    assert doc.summary() == (
        "Exported from Annotator on 2024-03-09 · 6 codes · 3 documents · "
        "2 coders (Ann, Ben) · 7 codings."
    )


def test_characters_no_document_can_hold_are_dropped_and_breaks_kept() -> None:
    assert clean_text("a\x00b\x0cc\r\nd\re\tf\ud800") == "abc\nd\ne\tf"
    assert paragraphs("  one\ntwo  \n \n\nthree\n") == [["one", "two"], ["three"]]
    assert paragraphs(" \n ") == []


# -- writing ---------------------------------------------------------------------------


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "codebook.md"
    target.write_text("the previous export")

    def fail(fh):  # type: ignore[no-untyped-def]
        fh.write(b"half a docu")
        raise OSError(28, "No space left on device")

    with pytest.raises(InvalidInput, match=r"Cannot write .*codebook\.md: No space left"):
        write_atomically(target, fail)
    assert target.read_text() == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codebook.md"]


def test_a_folder_that_does_not_exist_is_one_clear_error(coded: Coded, tmp_path: Path) -> None:
    doc = codebook_document(coded.project)
    for write in (write_markdown, write_html, write_docx):
        with pytest.raises(InvalidInput, match=r"Cannot write .*: No such file or directory"):
            write(doc, tmp_path / "missing" / "codebook.out")


# -- an empty codebook -----------------------------------------------------------------


def test_an_empty_codebook_gives_a_valid_document_saying_so(
    project: Project, tmp_path: Path
) -> None:
    doc = codebook_document(project)
    assert doc.codes == () and doc.coders == ()
    write_markdown(doc, tmp_path / "e.md")
    write_html(doc, tmp_path / "e.html")
    write_docx(doc, tmp_path / "e.docx")
    md = markdown_soup(render_markdown(doc))
    assert md.h1.get_text() == "test — Codebook"
    assert EMPTY_CODEBOOK in md.get_text() and "Contents" not in md.get_text()
    page = html_soup(tmp_path / "e.html")
    assert page.title.get_text() == "test — Codebook"
    assert EMPTY_CODEBOOK in page.body.get_text() and page.find("nav") is None
    blocks = docx_blocks(tmp_path / "e.docx")
    assert blocks[0] == ("Title", "test — Codebook")
    assert ("Normal", EMPTY_CODEBOOK) in blocks
    assert not [s for s, _ in blocks if s.startswith("Heading")]
