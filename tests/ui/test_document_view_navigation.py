"""Moving around a document by keyboard, and coming back to where one was reading.

Keyboard-only researchers step through codings (next, previous, the one under
the caret) and every document keeps its reading position while others are
shown. Each test checks what the view shows (caret, scroll, highlights) and the
shared state (the selected coding).
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLineEdit
from test_document_view import Env, highlighted, long_project, make_env

from annotator.core.errors import InvalidInput, NotFound
from annotator.ui.document.highlights import caret_rect, top_line_start


@pytest.fixture
def env(qtbot, sample) -> Env:
    return make_env(qtbot, sample.project, sample.ann.id, sample.speech.id)


def caret(env: Env) -> int:
    view = env.view
    return view.offsets.to_codepoint(view.text_edit.textCursor().position())


def put_caret(env: Env, cp: int) -> None:
    cursor = env.view.text_edit.textCursor()
    cursor.setPosition(env.view.offsets.to_utf16(cp))
    env.view.text_edit.setTextCursor(cursor)


def speech_codings(sample):
    """The speech's codings in reading order: Ann's norm-shaper, Ann's and Ben's rivalry."""
    return sorted(
        sample.project.codings(document_id=sample.speech.id), key=lambda c: (c.start, c.end)
    )


# -- next / previous / at the caret ---------------------------------------------------------
def test_next_and_previous_step_through_codings_in_reading_order_and_wrap(env, sample):
    first, second, third = speech_codings(sample)
    view = env.view
    assert view.select_next_coding() == first.id  # the caret is at the top
    assert env.state.current_coding_id == first.id and caret(env) == first.start
    assert view.select_next_coding() == second.id
    assert (env.state.current_coding_id, caret(env)) == (second.id, second.start)
    assert view.select_next_coding() == third.id
    assert view.select_next_coding() == first.id  # wrapped to the first
    assert view.select_previous_coding() == third.id  # and back round to the last
    assert (env.state.current_coding_id, caret(env)) == (third.id, third.start)
    assert view.select_previous_coding() == second.id
    # No text selection: the selected coding shows in its own (emphasised) colours.
    assert not view.text_edit.textCursor().hasSelection()
    assert any(p.selection.format.fontUnderline() for p in view.pieces if second.id in p.keys)


def test_next_coding_starts_from_the_caret_when_no_coding_is_selected(env, sample):
    first, second, third = speech_codings(sample)
    text = sample.project.document_text(sample.speech.id)
    put_caret(env, text.index("We must"))  # after the first coding's start, before the others
    assert env.view.select_next_coding() == second.id
    env.state.set_current_coding(None)
    put_caret(env, text.index("We must"))
    assert env.view.select_previous_coding() == first.id
    # A selected coding the caret has left behind no longer counts: the caret does.
    put_caret(env, text.index("locked"))  # inside the second coding, before the third
    env.state.set_current_coding(first.id)
    assert env.view.select_next_coding() == third.id


def test_stepping_skips_the_codings_of_hidden_coders(env, sample):
    first, second, _ben = speech_codings(sample)
    env.state.set_visible_coders(frozenset({sample.ann.id}))
    assert [env.view.select_next_coding() for _ in range(3)] == [first.id, second.id, first.id]


def test_selecting_the_coding_at_the_caret_cycles_through_the_codings_there(env, sample):
    _first, second, third = speech_codings(sample)
    text = sample.project.document_text(sample.speech.id)
    at = text.index("technological") + 3  # Ann's longer and Ben's shorter rivalry coding
    put_caret(env, at)
    assert env.view.select_coding_at_cursor() == third.id  # the shortest first
    assert env.view.select_coding_at_cursor() == second.id
    assert env.view.select_coding_at_cursor() == third.id  # round again
    assert caret(env) == at  # the caret stays where the researcher put it
    # From a text selection: its start counts, and the selection gives way to the coding.
    cursor = env.view.text_edit.textCursor()
    cursor.setPosition(env.view.offsets.to_utf16(text.index("We must")))
    cursor.setPosition(
        env.view.offsets.to_utf16(text.index("capacity")), QTextCursor.MoveMode.KeepAnchor
    )
    env.view.text_edit.setTextCursor(cursor)
    env.state.set_current_coding(None)
    assert env.view.select_coding_at_cursor() is None  # no coding at "We must"
    assert env.state.current_coding_id is None
    put_caret(env, 5)
    assert env.view.select_coding_at_cursor() == _first.id


def test_navigation_without_codings_returns_none_and_changes_nothing(qtbot, sample):
    blank = sample.project.add_document("Blank", "Nothing is coded in this text.\n")
    env = make_env(qtbot, sample.project, sample.ann.id, blank.id)
    put_caret(env, 8)
    assert env.view.select_next_coding() is None
    assert env.view.select_previous_coding() is None
    assert env.view.select_coding_at_cursor() is None
    assert env.state.current_coding_id is None and caret(env) == 8
    env.view.show_document(None)
    assert env.view.select_next_coding() is None


def test_stepping_scrolls_the_coding_into_view_and_gives_the_text_the_keyboard(
    qtbot, project, monkeypatch
):
    coder, _code, doc, text = long_project(project, lines=2500)
    env = make_env(qtbot, project, coder.id, doc.id, size=(700, 400))
    view = env.view
    keyboard_elsewhere(view)
    last = max(project.codings(document_id=doc.id), key=lambda c: c.start)
    assert view.select_previous_coding() == last.id  # from the top: wraps to the very end
    lo, hi = view.visible_range()
    assert lo <= last.start < hi
    assert highlighted(view, last.id) == text[last.start : last.end]
    assert view.focusWidget() is view.text_edit  # Delete and the resize keys act on it
    # Each step asks the index about the caret's neighbourhood only, not all 2,500 codings.
    windows: list[tuple[int, int]] = []
    index = view.shown.index
    original = index.overlapping

    def recorded(lo: int, hi: int):
        windows.append((lo, hi))
        return original(lo, hi)

    monkeypatch.setattr(index, "overlapping", recorded)
    middle = text.index("Line 1200 ")
    put_caret(env, middle)
    expected = next(c for c in project.codings(document_id=doc.id) if c.start == middle)
    assert view.select_next_coding() == expected.id
    assert sum(hi - lo for lo, hi in windows) < 5000


def keyboard_elsewhere(view) -> QLineEdit:
    """Another widget in the window (as the code tree would be) that has the keyboard."""
    other = QLineEdit(view)
    view.layout().addWidget(other)
    other.show()
    other.setFocus()
    assert view.focusWidget() is other
    return other


def test_focus_text_gives_the_text_the_keyboard(env):
    keyboard_elsewhere(env.view)
    env.view.focus_text()
    assert env.view.focusWidget() is env.view.text_edit


# -- reading position -------------------------------------------------------------------------
def test_switching_documents_keeps_each_ones_scroll_and_caret(qtbot, project):
    coder, _code, doc, text = long_project(project, lines=1500)
    other = project.add_document("Other", "Another text.\n" * 300)
    env = make_env(qtbot, project, coder.id, doc.id, size=(700, 400))
    view, bar = env.view, env.view.text_edit.verticalScrollBar()
    put_caret(env, text.index("Line 20 "))
    for _ in range(30):
        bar.triggerAction(bar.SliderAction.SliderPageStepAdd)  # reading on, the caret left behind
    value, top = bar.value(), view.reading_position(doc.id)
    assert value > 0 and top == top_line_start(view.text_edit, view.offsets) > 0
    env.state.set_current_document(other.id)
    assert view.document_id == other.id and bar.value() == 0  # a new document opens at its top
    bar.setValue(40)
    env.state.set_current_document(doc.id)
    assert bar.value() == value and view.reading_position(doc.id) == top
    assert caret(env) == text.index("Line 20 ")
    lo, hi = view.built_range
    assert lo <= top < hi  # highlighted where the reader is
    env.state.set_current_document(other.id)
    assert bar.value() == 40
    assert view.reading_position(doc.id) == top


def test_a_reveal_wins_over_the_remembered_position(qtbot, project):
    coder, _code, doc, text = long_project(project, lines=1500)
    other = project.add_document("Other", "Another text.\n")
    env = make_env(qtbot, project, coder.id, doc.id, size=(700, 400))
    bar = env.view.text_edit.verticalScrollBar()
    bar.setValue(100)
    env.state.set_current_document(other.id)
    start = text.index("Line 1200 ")
    env.state.reveal(doc.id, start, start + 9)
    assert env.view.selection_span() == (start, start + 9)
    y = caret_rect(env.view.text_edit, env.view.offsets, start).center().y()
    height = env.view.text_edit.viewport().height()
    assert height * 0.3 < y < height * 0.7


def test_restore_reading_position_puts_that_line_at_the_top(qtbot, project):
    # Long paragraphs wrap: the position is a code point, not a scroll value.
    text = "".join(
        f"Part {i}. " + "Words that wrap over several lines of a narrow view. " * 10 + "\n"
        for i in range(300)
    )
    doc = project.add_document("Wrapped", text)
    other = project.add_document("Other", "Another text.\n")
    coder = project.add_coder("Dee")
    env = make_env(qtbot, project, coder.id, doc.id, size=(600, 400))
    view = env.view
    cp = text.index("Part 200.") + 130  # inside the paragraph, on a wrapped line
    view.restore_reading_position(doc.id, cp)
    top = top_line_start(view.text_edit, view.offsets)
    assert top <= cp < top + 130  # its line, not its paragraph, is at the top
    assert caret(env) == cp and view.reading_position(doc.id) == cp
    lo, hi = view.built_range
    assert lo <= cp < hi
    # While the window settles (another width, lines wrap elsewhere) it stays at the top.
    view.resize(900, 500)
    top = top_line_start(view.text_edit, view.offsets)
    assert top <= cp < top + 200
    # For a document not shown: remembered, and applied when it is shown.
    env.state.set_current_document(other.id)
    later = text.index("Part 250.")
    view.restore_reading_position(doc.id, later)
    assert view.reading_position(doc.id) == later
    env.state.set_current_document(doc.id)
    assert top_line_start(view.text_edit, view.offsets) == later


def test_bad_reading_positions_are_refused_and_change_nothing(qtbot, project):
    coder, _code, doc, text = long_project(project, lines=200)
    env = make_env(qtbot, project, coder.id, doc.id)
    bar = env.view.text_edit.verticalScrollBar()
    bar.setValue(30)
    top = env.view.reading_position(doc.id)
    for bad in (-1, len(text) + 1):
        with pytest.raises(InvalidInput, match="outside the document"):
            env.view.restore_reading_position(doc.id, bad)
    with pytest.raises(NotFound):
        env.view.restore_reading_position("no-such-document", 0)
    assert bar.value() == 30 and env.view.reading_position(doc.id) == top
    assert env.view.reading_position("no-such-document") is None


def test_a_deleted_document_forgets_its_reading_position(qtbot, sample):
    env = make_env(qtbot, sample.project, sample.ann.id, sample.speech.id)
    env.state.set_current_document(sample.emoji.id)
    assert env.view.reading_position(sample.speech.id) == 0
    sample.project.delete_document(sample.speech.id)
    assert env.view.reading_position(sample.speech.id) is None
