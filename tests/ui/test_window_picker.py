"""Ctrl+K in the text of the assembled window: the code picker codes the mouse selection.

Each test selects words with the mouse, presses Ctrl+K in the text and types into the
picker the window opens; the store (reopened) and the view must agree afterwards.
"""

from __future__ import annotations

import pytest
from conftest import SPEECH, Sample
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from window_env import answering, highlighted, select, show_window

from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.widgets import messages
from annotator.ui.widgets.code_picker import CodePicker

Key, Mod = Qt.Key, Qt.KeyboardModifier
CHINA = (0, 5)  # "China", the first word of the speech


@pytest.fixture
def window(qtbot, sample, settings) -> MainWindow:
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


def highlighted_row(picker: CodePicker) -> str:
    item = picker.list.currentItem()
    return item.text() if item is not None else ""


def spans(project: Project, code_id: str, coder_id: str) -> set[tuple[int, int]]:
    return {(c.start, c.end) for c in project.codings(code_ids=[code_id], coder_ids=[coder_id])}


def press_ctrl_k(qtbot: QtBot, window: MainWindow) -> None:
    text = window.document_view.text_edit
    text.setFocus()
    qtbot.keyClick(text, Key.Key_K, Mod.ControlModifier)


def test_ctrl_k_enter_applies_the_code_highlighted_after_typing_part_of_its_name(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    shown: list[str] = []

    def steps(picker: CodePicker) -> None:
        qtbot.keyClicks(picker.filter_edit, "norm")
        shown.append(highlighted_row(picker))
        qtbot.keyClick(picker.filter_edit, Key.Key_Down)
        shown.append(highlighted_row(picker))
        qtbot.keyClick(picker.filter_edit, Key.Key_Return)

    select(window, *CHINA)
    with answering(CodePicker, steps) as answered:
        press_ctrl_k(qtbot, window)
    assert len(answered) == 1, "Ctrl+K in the text opened the picker, once"
    assert shown == ["Norms", "Norms/Norm-shaper"]
    assert errors == []
    with Project.open(sample.project.path) as p:
        assert spans(p, sample.norm_shaper.id, sample.ann.id) == {(0, 59), CHINA}
        assert p.codings(code_ids=[sample.norms.id]) == []  # not the first row, the highlighted one
        coding = next(
            c for c in p.codings(code_ids=[sample.norm_shaper.id]) if (c.start, c.end) == CHINA
        )
    assert window.state.current_coding_id == coding.id
    assert highlighted(window, coding.id) == CHINA
    assert window.menu_actions["actionUndo"].text() == "&Undo Code with Norm-shaper"


def test_escape_in_the_ctrl_k_picker_applies_nothing(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    with Project.open(sample.project.path) as p:
        before = sorted((c.id, c.code_id, c.start, c.end) for c in p.codings())
    steps_before = window.stack.count()

    def steps(picker: CodePicker) -> None:
        qtbot.keyClicks(picker.filter_edit, "riv")
        assert highlighted_row(picker) == "Geopolitical rivalry"  # Enter would apply it
        qtbot.keyClick(picker.filter_edit, Key.Key_Escape)

    select(window, *CHINA)
    with answering(CodePicker, steps) as answered:
        press_ctrl_k(qtbot, window)
    assert len(answered) == 1 and not answered[0].isVisible()
    with Project.open(sample.project.path) as p:
        assert sorted((c.id, c.code_id, c.start, c.end) for c in p.codings()) == before
        assert len(p.codes()) == 3
    assert window.stack.count() == steps_before
    over_china = {
        k for piece in window.document_view.pieces if piece.start < CHINA[1] for k in piece.keys
    }
    assert over_china <= {c[0] for c in before}  # no new highlight either
    assert window.document_view.selection_span() == CHINA  # the selection is still there
    assert errors == []


def test_typing_a_new_name_in_the_ctrl_k_picker_creates_the_code_and_applies_it(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    start = SPEECH.index("capacity")
    words = (start, start + len("capacity"))

    def steps(picker: CodePicker) -> None:
        qtbot.keyClicks(picker.filter_edit, "Capacity  building")
        assert highlighted_row(picker) == "Create code “Capacity building”"
        qtbot.keyClick(picker.filter_edit, Key.Key_Return)

    select(window, *words)
    with answering(CodePicker, steps) as answered:
        press_ctrl_k(qtbot, window)
    assert len(answered) == 1 and errors == []
    with Project.open(sample.project.path) as p:
        code = p.find_code("Capacity building")
        assert code is not None and code.name == "Capacity building" and code.parent_id is None
        assert [(c.start, c.end, c.coder_id) for c in p.codings(code_ids=[code.id])] == [
            (*words, sample.ann.id)
        ]
        assert len(p.codes()) == 4
    assert highlighted(window, window.state.current_coding_id or "") == words
    assert window.code_tree.model.index_of(code.id).isValid()  # in the codebook panel too
    window.menu_actions["actionUndo"].trigger()  # one step: the code and its coding go together
    with Project.open(sample.project.path) as p:
        assert "Capacity building" not in {c.name for c in p.codes()}
        assert len(p.codings()) == 4
    assert not window.code_tree.model.index_of(code.id).isValid()


def test_ctrl_k_without_a_selection_says_so_and_opens_no_picker(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    window.document_view.text_edit.setFocus()
    qtbot.keyClick(
        window.document_view.text_edit, Key.Key_Home, Mod.ControlModifier
    )  # a caret, no selection
    with answering(CodePicker, lambda _picker: None, timeout_ms=500) as opened:
        press_ctrl_k(qtbot, window)
        qtbot.wait(100)
    assert opened == []
    assert len(errors) == 1 and "Select some text" in errors[0]
    with Project.open(sample.project.path) as p:
        assert len(p.codings()) == 4


def test_ctrl_k_ranks_a_codes_own_name_above_a_recent_code_whose_parent_matches(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    """Issue 8, item 1: "secur" must offer Security risks first, not the recent code
    Competition and security/Geopolitical rivalry."""
    p = window.project
    category = p.add_code("Competition and security")
    p.move_code(sample.rivalry.id, category.id, 0)
    risks = p.add_code("Security risks", category.id)
    window.coding_actions.apply(sample.rivalry.id, sample.speech.id, 6, 10)  # now the recent code
    shown: list[str] = []

    def steps(picker: CodePicker) -> None:
        qtbot.keyClicks(picker.filter_edit, "secur")
        shown.append(highlighted_row(picker))
        qtbot.keyClick(picker.filter_edit, Key.Key_Return)

    select(window, *CHINA)
    with answering(CodePicker, steps):
        press_ctrl_k(qtbot, window)
    assert shown == ["Competition and security/Security risks"]
    with Project.open(sample.project.path) as fresh:
        assert spans(fresh, risks.id, sample.ann.id) == {CHINA}
    assert errors == []


def test_a_typed_path_with_a_missing_parent_asks_then_makes_it_and_codes(
    qtbot: QtBot,
    window: MainWindow,
    sample: Sample,
    errors: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 8, item 13: the placeholder invites "Parent/Child"; a parent that does not
    exist yet is made after a yes, in the same undo step."""
    asked: list[str] = []
    monkeypatch.setattr(
        messages, "confirm", lambda _p, question, title="": asked.append(question) or True
    )

    def steps(picker: CodePicker) -> None:
        qtbot.keyClicks(picker.filter_edit, "Competition and security/Anti-hegemony")
        qtbot.keyClick(picker.filter_edit, Key.Key_Return)

    select(window, *CHINA)
    with answering(CodePicker, steps):
        press_ctrl_k(qtbot, window)
    assert errors == [] and asked == [
        "There is no code 'Competition and security' at the top level yet. "
        "Create it, with 'Anti-hegemony' under it?"
    ]
    with Project.open(sample.project.path) as p:
        code = p.find_code("Competition and security/Anti-hegemony")
        assert [(c.start, c.end) for c in p.codings(code_ids=[code.id])] == [CHINA]
    assert window.code_tree.model.index_of(code.id).isValid()
    window.menu_actions["actionUndo"].trigger()  # parent, code and coding go together
    with Project.open(sample.project.path) as p:
        assert len(p.codes()) == 3 and len(p.codings()) == 4
