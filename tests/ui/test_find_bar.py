"""Ctrl+F: matches while typing, next/previous selecting the right text (emoji too), inline errors."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from annotator.core.textpos import OffsetMap
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


class EditTarget(QWidget):
    """A QPlainTextEdit-backed view converting code points to Qt's UTF-16, as the real view does."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text, self._map = text, OffsetMap(text)
        self.current: int | None = None
        self.edit = QPlainTextEdit(self)
        self.edit.setPlainText(text)
        self.edit.setReadOnly(True)
        self.bar = FindBar(self, self)
        self.bar.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.bar)

    def document_text(self) -> str | None:
        return self._text

    def _cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.edit.document())
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def set_find_matches(self, spans: list[tuple[int, int]], current: int | None) -> None:
        self.current = current
        selections = []
        for i, (s, e) in enumerate(spans):
            sel = QTextEdit.ExtraSelection()
            sel.cursor = self._cursor(s, e)
            fmt = QTextCharFormat()
            fmt.setBackground(QColor("#FF9632" if i == current else "#FFFF00"))
            sel.format = fmt
            selections.append(sel)
        self.edit.setExtraSelections(selections)

    def select_span(self, start: int, end: int) -> None:
        self.edit.setTextCursor(self._cursor(start, end))

    def selected_text(self) -> str:
        return self.edit.textCursor().selectedText()


def show_view(qtbot: QtBot, text: str) -> EditTarget:
    """A shown, active window, so window shortcuts (F3, Esc) are live as for the researcher."""
    view = EditTarget(text)
    qtbot.addWidget(view)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    return view


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


def test_f3_and_shift_f3_work_from_the_document_too(qtbot: QtBot) -> None:
    view = show_view(qtbot, EMOJI)
    view.bar.activate("rivalry")
    view.edit.setFocus()
    qtbot.keyClick(view.edit, Key.Key_F3)
    assert view.selected_text() == "Rivalry" and view.bar.status.text() == "2 of 3"
    qtbot.keyClick(view.edit, Key.Key_F3, Mod.ShiftModifier)
    assert view.current == 0


def test_selection_lands_on_the_right_characters_after_emoji(qtbot: QtBot) -> None:
    view = show_view(qtbot, EMOJI)
    view.bar.activate()
    view.bar.query_edit.setText("💪")  # QTest cannot type astral characters; the rest is typed
    qtbot.keyClicks(view.bar.query_edit, " b")
    assert view.selected_text() == "💪 b"
    view.bar.query_edit.clear()
    qtbot.keyClicks(view.bar.query_edit, "heats")
    assert view.selected_text() == "heats"  # a UTF-16 slip would select "🇳 hea" or similar
    view.bar.regex_box.click()
    view.bar.query_edit.setText(r"rivalry\.$")
    assert view.selected_text() == "rivalry."
    assert len(view.edit.extraSelections()) == 1


def test_typing_more_keeps_the_place_when_it_still_matches(qtbot: QtBot) -> None:
    target = FakeTarget("cat car cart cat")
    bar = open_bar(qtbot, target)
    qtbot.keyClicks(bar.query_edit, "ca")
    qtbot.keyClick(bar.query_edit, Key.Key_Return)
    qtbot.keyClick(bar.query_edit, Key.Key_Return)  # on "cart"
    assert target.selected == (8, 10)
    qtbot.keyClicks(bar.query_edit, "t")  # "cat" at 13 is the first at or after it
    assert target.selected == (13, 16) and bar.status.text() == "2 of 2"


def test_a_bad_regex_is_shown_inline_in_red_not_in_a_dialog(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("annotator.ui.widgets.messages.show_error", lambda *a, **k: pytest_fail())
    target = FakeTarget(EMOJI)
    bar = open_bar(qtbot, target)
    bar.regex_box.click()
    qtbot.keyClicks(bar.query_edit, "(riv")
    assert bar.status.text() == (
        "Invalid regex: missing ), unterminated subpattern at position 0")
    assert bar.status.toolTip().startswith("'(riv' is not a valid regular expression")
    assert ERROR_COLOR in bar.status.styleSheet()
    assert target.matches == [] and target.current is None
    qtbot.keyClicks(bar.query_edit, ")")
    assert bar.status.text() == "1 of 3" and bar.status.styleSheet() == ""


def pytest_fail() -> None:
    raise AssertionError("the find bar must not open a dialog")


def test_escape_hides_the_bar_and_clears_highlights(qtbot: QtBot) -> None:
    view = show_view(qtbot, EMOJI)
    view.bar.activate("rivalry")
    assert len(view.edit.extraSelections()) == 3
    with qtbot.waitSignal(view.bar.closed):
        qtbot.keyClick(view.bar.query_edit, Key.Key_Escape)
    assert not view.bar.isVisible()
    assert view.edit.extraSelections() == []
    qtbot.keyClick(view.edit, Key.Key_F3)  # a hidden bar's F3 does nothing
    assert view.selected_text() == "rivalry"  # the last found match stays selected


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


def test_reopening_shows_the_previous_query_selected_and_its_matches(qtbot: QtBot) -> None:
    view = show_view(qtbot, EMOJI)
    view.bar.activate("heats")
    qtbot.keyClick(view.bar.query_edit, Qt.Key.Key_Escape)
    assert view.edit.extraSelections() == []
    view.bar.show()
    view.bar.focus_query()  # Ctrl+F again
    assert view.bar.query_edit.selectedText() == "heats"
    assert len(view.edit.extraSelections()) == 1 and view.selected_text() == "heats"
    qtbot.keyClicks(view.bar.query_edit, "Tech")  # typing replaces the old query
    assert view.bar.query_edit.text() == "Tech" and view.selected_text() == "Tech"
