"""Ctrl+F in the assembled window: the find bar searching the real document view.

These run the window's own ``ViewFindTarget`` and ``DocumentView`` (test_find_bar.py
drives the bar alone against a recording target): the text the researcher types selects
the right characters in the view, emoji before them included, and the matches are drawn
in the text, the current one stronger.
"""

from __future__ import annotations

import pytest
from conftest import Sample
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot
from window_env import LEFT, show_window

from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.document.highlights import FIND_COLOR, FIND_CURRENT_COLOR

Key, Mod = Qt.Key, Qt.KeyboardModifier
POST = "Tech 🤖 rivalry 🇺🇸🇨🇳 heats up.\nRivalry 💪 building matters; rivalry.\n"
RIVALRY = [
    (i, i + 7) for i in (POST.index("rivalry"), POST.index("Rivalry"), POST.rindex("rivalry"))
]


@pytest.fixture
def post(sample: Sample) -> str:
    """A document with three "rivalry"s, each after emoji (astral code points and flags)."""
    return sample.project.add_document("Forum post", POST).id


@pytest.fixture
def window(qtbot, sample, settings, post) -> MainWindow:
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, post)


def ctrl_f(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+F pressed in the text."""
    text = window.document_view.text_edit
    text.setFocus()
    qtbot.keyClick(text, Key.Key_F, Mod.ControlModifier)


def selected(window: MainWindow) -> str:
    return window.document_view.text_edit.textCursor().selectedText()


def selected_span(window: MainWindow) -> tuple[int, int]:
    """The view's text selection in code points (not snapped to words)."""
    cursor = window.document_view.text_edit.textCursor()
    offsets = window.document_view.offsets
    return offsets.to_codepoint(cursor.selectionStart()), offsets.to_codepoint(
        cursor.selectionEnd()
    )


def find_highlights(window: MainWindow) -> list[tuple[int, int, str]]:
    """The find matches drawn in the text: (start, end) in code points, and which colour."""
    names = {QColor(FIND_COLOR).name(): "match", QColor(FIND_CURRENT_COLOR).name(): "current"}
    offsets = window.document_view.offsets
    out = []
    for sel in window.document_view.text_edit.extraSelections():
        kind = names.get(sel.format.background().color().name())
        if kind is not None:
            c = sel.cursor
            out.append(
                (
                    offsets.to_codepoint(c.selectionStart()),
                    offsets.to_codepoint(c.selectionEnd()),
                    kind,
                )
            )
    return sorted(out)


def drawn(
    current: int | None, spans: list[tuple[int, int]] = RIVALRY
) -> list[tuple[int, int, str]]:
    return [(s, e, "current" if i == current else "match") for i, (s, e) in enumerate(spans)]


def test_ctrl_f_then_typing_selects_the_first_match_and_draws_them_all(
    qtbot: QtBot, window: MainWindow, errors: list[str]
) -> None:
    bar = window.find_bar
    assert not bar.isVisible()
    ctrl_f(qtbot, window)
    assert bar.isVisible() and bar.query_edit.hasFocus()
    qtbot.keyClicks(bar.query_edit, "rivalry")
    assert selected(window) == "rivalry" and selected_span(window) == RIVALRY[0]
    assert find_highlights(window) == drawn(0)
    assert bar.status.text() == "1 of 3" and errors == []


def test_enter_f3_and_shift_f3_walk_the_selection_through_the_matches(
    qtbot: QtBot, window: MainWindow
) -> None:
    bar = window.find_bar
    ctrl_f(qtbot, window)
    qtbot.keyClicks(bar.query_edit, "rivalry")
    qtbot.keyClick(bar.query_edit, Key.Key_Return)
    assert selected(window) == "Rivalry" and selected_span(window) == RIVALRY[1]
    assert find_highlights(window) == drawn(1)
    text = window.document_view.text_edit
    text.setFocus()  # F3 works from the text as well
    qtbot.keyClick(text, Key.Key_F3)
    assert selected_span(window) == RIVALRY[2] and find_highlights(window) == drawn(2)
    qtbot.keyClick(text, Key.Key_F3)  # wraps to the first
    assert selected_span(window) == RIVALRY[0] and bar.status.text() == "1 of 3"
    qtbot.keyClick(text, Key.Key_F3, Mod.ShiftModifier)  # back, wrapping to the last
    assert selected_span(window) == RIVALRY[2] and find_highlights(window) == drawn(2)
    qtbot.mouseClick(bar.prev_button, LEFT)
    assert selected(window) == "Rivalry" and bar.status.text() == "2 of 3"


def test_typed_queries_select_the_right_characters_after_emoji(
    qtbot: QtBot, window: MainWindow
) -> None:
    bar = window.find_bar
    ctrl_f(qtbot, window)
    bar.query_edit.setText("💪")  # QTest cannot type astral characters; the rest is typed
    qtbot.keyClicks(bar.query_edit, " b")
    start = POST.index("💪")
    assert selected(window) == "💪 b" and selected_span(window) == (start, start + 3)
    qtbot.keyClick(bar.query_edit, Key.Key_A, Mod.ControlModifier)
    qtbot.keyClicks(bar.query_edit, "heats")  # replaces the query
    start = POST.index("heats")
    assert selected(window) == "heats"  # a UTF-16 slip would select "🇳 hea" or similar
    assert find_highlights(window) == [(start, start + 5, "current")]
    qtbot.mouseClick(bar.regex_box, LEFT)
    qtbot.keyClick(bar.query_edit, Key.Key_A, Mod.ControlModifier)
    qtbot.keyClicks(bar.query_edit, r"rivalry\.$")
    assert selected(window) == "rivalry." and find_highlights(window) == [
        (RIVALRY[2][0], RIVALRY[2][1] + 1, "current")
    ]


def test_a_found_match_is_the_selection_that_gets_coded(
    qtbot: QtBot, window: MainWindow, sample: Sample, post: str, errors: list[str]
) -> None:
    bar = window.find_bar
    ctrl_f(qtbot, window)
    qtbot.keyClicks(bar.query_edit, "rivalry")
    qtbot.keyClick(bar.query_edit, Key.Key_Return)  # on "Rivalry", after the flags and 🤖
    window.project.update_code(sample.norms.id, quick_key=2)
    text = window.document_view.text_edit
    text.setFocus()
    qtbot.keyClick(text, Key.Key_2)
    assert errors == []
    with Project.open(sample.project.path) as p:
        coding = p.codings(code_ids=[sample.norms.id])
        assert [(c.document_id, c.start, c.end) for c in coding] == [(post, *RIVALRY[1])]
        assert p.document_text(post)[coding[0].start : coding[0].end] == "Rivalry"


def test_escape_hides_the_bar_and_clears_the_highlights_keeping_the_found_text_selected(
    qtbot: QtBot, window: MainWindow
) -> None:
    bar = window.find_bar
    ctrl_f(qtbot, window)
    qtbot.keyClicks(bar.query_edit, "rivalry")
    assert len(find_highlights(window)) == 3
    with qtbot.waitSignal(bar.closed):
        qtbot.keyClick(bar.query_edit, Key.Key_Escape)
    assert not bar.isVisible() and find_highlights(window) == []
    text = window.document_view.text_edit
    text.setFocus()
    qtbot.keyClick(text, Key.Key_F3)  # a hidden bar's F3 does nothing
    assert selected_span(window) == RIVALRY[0] and find_highlights(window) == []


def test_ctrl_f_again_shows_the_previous_query_selected_and_its_matches(
    qtbot: QtBot, window: MainWindow
) -> None:
    bar = window.find_bar
    ctrl_f(qtbot, window)
    qtbot.keyClicks(bar.query_edit, "heats")
    qtbot.keyClick(bar.query_edit, Key.Key_Escape)
    assert find_highlights(window) == []
    ctrl_f(qtbot, window)
    assert bar.query_edit.selectedText() == "heats"
    start = POST.index("heats")
    assert (
        find_highlights(window) == [(start, start + 5, "current")] and selected(window) == "heats"
    )
    qtbot.keyClicks(bar.query_edit, "Tech")  # typing replaces the old query
    assert bar.query_edit.text() == "Tech" and selected_span(window) == (0, 4)


def test_opening_another_document_searches_it_without_selecting(
    qtbot: QtBot, window: MainWindow, sample: Sample
) -> None:
    bar = window.find_bar
    ctrl_f(qtbot, window)
    qtbot.keyClicks(bar.query_edit, "rivalry")
    documents = window.document_list
    row = documents.model.row_of(sample.speech.id)
    assert row is not None
    rect = documents.view.visualRect(documents.proxy.mapFromSource(documents.model.index(row, 0)))
    qtbot.mouseClick(documents.view.viewport(), LEFT, pos=rect.center())  # the speech opens
    assert window.document_view.document_id == sample.speech.id
    speech = window.project.document_text(sample.speech.id)
    start = speech.index("rivalry")
    assert find_highlights(window) == [(start, start + 7, "match")]  # no current match yet
    assert bar.status.text() == "1 match" and selected(window) == ""
    qtbot.keyClick(bar.query_edit, Key.Key_Return)
    assert selected_span(window) == (start, start + 7)
    assert find_highlights(window) == [(start, start + 7, "current")]
