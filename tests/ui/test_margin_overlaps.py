"""Overlapping codings stay visibly distinct, and coding one does not make the text jump.

Coding is done as the researcher does it: a mouse selection in the window's text,
Ctrl+K, the code's name, Enter.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from window_env import answering, select, show_window

from annotator.core.colors import contrast_ratio
from annotator.core.models import Coding
from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.document.highlights import caret_rect, line_rects
from annotator.ui.widgets.code_picker import CodePicker

Key, Mod = Qt.Key, Qt.KeyboardModifier
TEXT = "".join(
    f"Paragraph {i} talks about governance and rivalry at some length.\n" for i in range(60)
)


def line(i: int) -> int:
    return TEXT.index(f"Paragraph {i} ")


@pytest.fixture
def coded(project: Project):
    amira = project.add_coder("Example coder A (Amira)")
    ben = project.add_coder("Example coder B (Ben)")
    code = project.add_code("Governance", color="#4363D8")
    doc = project.add_document("Doc", TEXT)
    return project, doc, code, amira, ben


def code_selection(qtbot: QtBot, w: MainWindow, start: int, end: int, name: str) -> None:
    """Select words with the mouse, Ctrl+K, type the code's name, Enter."""
    view = w.document_view
    # A click on plain text first: a press inside the last selection would drag it.
    away = caret_rect(view.text_edit, view.offsets, line(45)).center()
    QTest.mouseClick(view.text_edit.viewport(), Qt.MouseButton.LeftButton, Mod.NoModifier, away)
    select(w, start, end)

    def steps(picker: CodePicker) -> None:
        qtbot.keyClicks(picker.filter_edit, name)
        qtbot.keyClick(picker.filter_edit, Key.Key_Return)

    with answering(CodePicker, steps) as answered:
        qtbot.keyClick(w.document_view.text_edit, Key.Key_K, Mod.ControlModifier)
    assert len(answered) == 1
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)


def layout(w: MainWindow, cp: int) -> tuple[object, int, int]:
    """What moves when the text reflows: the document's size, a character's y, the margin."""
    view = w.document_view
    size = view.text_edit.document().size().toTuple()
    return size, caret_rect(view.text_edit, view.offsets, cp).y(), view.margin.width()


def test_coding_an_overlapping_passage_does_not_move_the_text(
    qtbot: QtBot, coded, settings
) -> None:
    project, doc, code, amira, _ben = coded
    project.add_codings(
        [Coding(document_id=doc.id, code_id=code.id, coder_id=amira.id,
                start=line(2), end=line(8))]
    )  # fmt: skip
    w = show_window(qtbot, project.path, settings, amira.id, doc.id)
    view = w.document_view
    assert view.margin.lanes == 2  # one lane in use, one to spare
    far = line(30) + 4
    before = layout(w, far)
    # Overlapping the first coding: a second lane, already reserved.
    code_selection(qtbot, w, line(4), line(6) + 9, "Governance")
    assert len(project.codings(document_id=doc.id)) == 2
    assert layout(w, far) == before
    # Deeper than the reserve: the margin widens once, with a spare again...
    code_selection(qtbot, w, line(5), line(5) + 9, "Governance")
    assert len(project.codings(document_id=doc.id)) == 3
    widened = layout(w, far)
    assert view.margin.lanes == 4
    # ... so the next overlap leaves the text where it is.
    code_selection(qtbot, w, line(5) + 10, line(5) + 20, "Governance")
    assert len(project.codings(document_id=doc.id)) == 4
    depth = max(b.lane for b in view.brackets()) + 1
    assert depth <= view.margin.lanes
    assert layout(w, far) == widened


def test_text_coded_twice_is_striped_and_text_coded_once_is_plain(
    qtbot: QtBot, coded, settings
) -> None:
    project, doc, code, amira, ben = coded
    # Both coders applied the same code to one passage: one colour, but two codings.
    project.add_codings(
        [
            Coding(document_id=doc.id, code_id=code.id, coder_id=who.id, start=s, end=e)
            for who, s, e in ((amira, line(1), line(2)), (ben, line(1) + 10, line(3)))
        ]
    )
    w = show_window(qtbot, project.path, settings, amira.id, doc.id)
    view = w.document_view
    pieces = {len(p.keys): p for p in view.pieces}
    twice, once = pieces[2], pieces[1]
    assert twice.selection.format.background().style() == Qt.BrushStyle.TexturePattern
    assert once.selection.format.background().style() == Qt.BrushStyle.SolidPattern
    image = view.text_edit.viewport().grab().toImage()

    def shares(start: int, end: int) -> list[tuple[str, float]]:
        """The colours of the stretch's first line and the share each covers, most first."""
        rect = line_rects(view.text_edit, view.offsets, start, end)[0]
        counts = Counter(
            image.pixelColor(QPoint(x, y)).name()
            for x in range(rect.left() + 2, rect.right() - 2)
            for y in range(rect.top(), rect.bottom() + 1)
        )
        total = sum(counts.values())
        return [(c, n / total) for c, n in counts.most_common()]

    striped, plain = shares(twice.start, twice.end), shares(once.start, once.end)
    assert striped[0][1] >= 0.25 and striped[1][1] >= 0.25  # two shades in bands, and glyphs
    assert plain[1][1] < 0.1  # one colour, besides the glyphs' edges
    # The text stays readable on both stripes (WCAG AA).
    fg = twice.selection.format.foreground()
    theme_text = view.text_edit.palette().color(QPalette.ColorRole.Text)
    text = fg.color() if fg.style() != Qt.BrushStyle.NoBrush else theme_text
    for colour, _share in striped[:2]:
        assert contrast_ratio(text.name(), colour) >= 4.5


def test_every_stacked_bracket_keeps_its_coders_mark(qtbot: QtBot, coded, settings) -> None:
    project, doc, code, amira, ben = coded
    # Six codings starting on the same line, the two coders taking turns.
    project.add_codings(
        [
            Coding(document_id=doc.id, code_id=code.id, coder_id=who.id,
                   start=line(3) + i, end=line(9) - i)
            for i, who in enumerate([amira, ben] * 3)
        ]
    )  # fmt: skip
    w = show_window(qtbot, project.path, settings, amira.id, doc.id)
    view, margin = w.document_view, w.document_view.margin
    brackets = view.brackets()
    assert len(brackets) == 6
    tags = margin.tag_rects()
    assert set(tags) == {b.coding_id for b in brackets}  # not one left out
    for a, b in combinations(tags.values(), 2):
        assert not a.intersects(b)
    # "Example coder A" and "Example coder B" share a first letter: A and B tell them apart.
    marks = {view.shown.rows[b.coding_id].coder_id: b.initial for b in brackets}
    assert marks == {amira.id: "A", ben.id: "B"}
