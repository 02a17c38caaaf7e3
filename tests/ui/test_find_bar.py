"""The Ctrl+F bar on its own: matches while typing, next/previous, inline errors, refresh.

The bar searches a ``FakeTarget`` that records what it is asked. Its work on the real
document view in a window (selections after emoji, F3 from the text, Esc clearing the
highlights, Ctrl+F again) is in test_window_find.py.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.ui.document.find_bar import ERROR_COLOR, FindBar, FindTarget

Key = Qt.Key
Mod = Qt.KeyboardModifier
EMOJI = "Tech 🤖 rivalry 🇺🇸🇨🇳 heats up.\nRivalry 💪 building matters; rivalry.\n"


class FakeTarget:
    """Records what the bar asks of a view."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.matches: list[tuple[int, int]] = []
        self.current: int | None = None
        self.selected: tuple[int, int] | None = None

    def document_text(self) -> str | None:
        return self.text

    def set_find_matches(self, spans: list[tuple[int, int]], current: int | None) -> None:
        self.matches, self.current = spans, current

    def select_span(self, start: int, end: int) -> None:
        self.selected = (start, end)


def open_bar(qtbot: QtBot, target: FakeTarget) -> FindBar:
    bar = FindBar(target)
    qtbot.addWidget(bar)
    bar.activate()
    return bar


def test_fake_targets_satisfy_the_protocol() -> None:
    assert isinstance(FakeTarget("x"), FindTarget)


def test_typing_finds_and_selects_the_first_match(qtbot: QtBot) -> None:
    target = FakeTarget(EMOJI)
    bar = open_bar(qtbot, target)
    qtbot.keyClicks(bar.query_edit, "rivalry")
    spans = [(i, i + 7) for i in (7, EMOJI.index("Rivalry"), EMOJI.rindex("rivalry"))]
    assert target.matches == spans and target.current == 0
    assert target.selected == spans[0]
    assert bar.status.text() == "1 of 3"
    bar.case_box.click()  # "Rivalry" no longer matches
    assert len(target.matches) == 2 and bar.status.text() == "1 of 2"
    bar.query_edit.setText("nowhere")
    assert target.matches == [] and bar.status.text() == "No matches"
    assert not bar.next_button.isEnabled()


def test_next_and_previous_cycle_through_matches(qtbot: QtBot) -> None:
    target = FakeTarget(EMOJI)
    bar = open_bar(qtbot, target)
    qtbot.keyClicks(bar.query_edit, "rivalry")
    spans = target.matches
    qtbot.keyClick(bar.query_edit, Key.Key_Return)
    assert target.selected == spans[1] and bar.status.text() == "2 of 3"
    qtbot.mouseClick(bar.next_button, Qt.MouseButton.LeftButton)
    assert target.selected == spans[2] and target.current == 2
    qtbot.keyClick(bar.query_edit, Key.Key_Return)  # wraps to the first
    assert target.selected == spans[0] and bar.status.text() == "1 of 3"
    qtbot.keyClick(bar.query_edit, Key.Key_Return, Mod.ShiftModifier)  # back, wrapping to the last
    assert target.selected == spans[2]
    qtbot.mouseClick(bar.prev_button, Qt.MouseButton.LeftButton)
    assert target.selected == spans[1] and bar.status.text() == "2 of 3"


def test_typing_more_keeps_the_place_when_it_still_matches(qtbot: QtBot) -> None:
    target = FakeTarget("cat car cart cat")
    bar = open_bar(qtbot, target)
    qtbot.keyClicks(bar.query_edit, "ca")
    qtbot.keyClick(bar.query_edit, Key.Key_Return)
    qtbot.keyClick(bar.query_edit, Key.Key_Return)  # on "cart"
    assert target.selected == (8, 10)
    qtbot.keyClicks(bar.query_edit, "t")  # "cat" at 13 is the first at or after it
    assert target.selected == (13, 16) and bar.status.text() == "2 of 2"


def test_a_bad_regex_is_shown_inline_in_red_not_in_a_dialog(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("annotator.ui.widgets.messages.show_error", lambda *a, **k: pytest_fail())
    target = FakeTarget(EMOJI)
    bar = open_bar(qtbot, target)
    bar.regex_box.click()
    qtbot.keyClicks(bar.query_edit, "(riv")
    assert bar.status.text() == ("Invalid regex: missing ), unterminated subpattern at position 0")
    assert bar.status.toolTip().startswith("'(riv' is not a valid regular expression")
    assert ERROR_COLOR in bar.status.styleSheet()
    assert target.matches == [] and target.current is None
    qtbot.keyClicks(bar.query_edit, ")")
    assert bar.status.text() == "1 of 3" and bar.status.styleSheet() == ""


def pytest_fail() -> None:
    raise AssertionError("the find bar must not open a dialog")


def test_refresh_follows_a_document_change_without_moving_the_selection(qtbot: QtBot) -> None:
    target = FakeTarget("one rivalry")
    bar = open_bar(qtbot, target)
    bar.query_edit.setText("rivalry")
    target.text, target.selected = "rivalry and rivalry again", None
    bar.refresh()
    assert target.matches == [(0, 7), (12, 19)] and target.current is None
    assert target.selected is None and bar.status.text() == "2 matches"
    bar.find_next()
    assert target.selected == (0, 7)
    target.text = None  # the document was closed
    bar.refresh()
    assert target.matches == [] and bar.status.text() == "No document open"


def test_set_target_clears_the_old_views_highlights(qtbot: QtBot) -> None:
    first, second = FakeTarget("abc abc"), FakeTarget("abc")
    bar = open_bar(qtbot, first)
    bar.query_edit.setText("abc")
    bar.set_target(second)
    assert first.matches == [] and second.matches == [(0, 3)]


def test_long_documents_are_searched_once_typing_pauses(qtbot: QtBot) -> None:
    target = FakeTarget("word " * 50_000)  # 250,000 characters
    bar = open_bar(qtbot, target)
    qtbot.keyClicks(bar.query_edit, "word")
    assert target.matches == []  # not per keystroke
    qtbot.waitUntil(lambda: len(target.matches) == 10_000, timeout=2000)
    assert bar.status.text() == "1 of 10,000+"
    qtbot.keyClicks(bar.query_edit, "s")
    qtbot.keyClick(bar.query_edit, Key.Key_Return)  # Enter flushes a pending search at once
    assert target.matches == [] and bar.status.text() == "No matches"
