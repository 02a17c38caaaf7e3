"""The Coding menu's "Code with new code…" and "Code in vivo" in the assembled window.

The researcher selects words with the mouse and picks the menu item (and, for a new
code, types its name into the dialog it asks with). The new code must be in the store
at the top level under the right name, coding exactly the selected words, and the
window must show it: highlighted in the text and listed in the codebook.
"""

from __future__ import annotations

import pytest
from conftest import SPEECH, Sample
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from window_env import LEFT, answering, highlighted, select, show_window

from annotator.core.models import Code
from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.widgets.name_dialog import NameDialog

Key = Qt.Key


@pytest.fixture
def window(qtbot, sample, settings) -> MainWindow:
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


def words(text: str, after: str = "") -> tuple[int, int]:
    """Code points of ``text`` in the speech (the first one after ``after``)."""
    start = SPEECH.index(text, SPEECH.index(after) if after else 0)
    return start, start + len(text)


def click_code(qtbot: QtBot, window: MainWindow, code_id: str) -> None:
    """Click a code's row in the codebook, as a researcher looking at it would."""
    tree = window.code_tree
    rect = tree.view.visualRect(tree.proxy.mapFromSource(tree.model.index_of(code_id)))
    qtbot.mouseClick(tree.view.viewport(), LEFT, pos=rect.center())
    assert window.state.current_code_id == code_id


def type_name(qtbot: QtBot, name: str) -> object:
    def steps(dialog: NameDialog) -> None:
        edit = dialog.findChild(QLineEdit)
        assert edit is not None and edit.text() == ""
        qtbot.keyClicks(edit, name)
        qtbot.keyClick(edit, Key.Key_Return)

    return steps


def the_new_code(project: Project, before: set[str]) -> Code:
    new = [c for c in project.codes() if c.id not in before]
    assert len(new) == 1, [c.name for c in new]
    return new[0]


def check_new_code(
    window: MainWindow, sample: Sample, before: set[str], name: str, span: tuple[int, int]
) -> None:
    """The store (another connection) and the window agree on the new code and its coding."""
    with Project.open(sample.project.path) as p:
        code = the_new_code(p, before)
        codings = p.codings(code_ids=[code.id])
    assert code.name == name and code.parent_id is None
    assert [(c.document_id, c.start, c.end, c.coder_id) for c in codings] == [
        (sample.speech.id, *span, sample.ann.id)
    ]
    assert SPEECH[codings[0].start : codings[0].end] == SPEECH[span[0] : span[1]]
    assert highlighted(window, codings[0].id) == span
    tree = window.code_tree
    index = tree.model.index_of(code.id)
    assert index.isValid() and not index.parent().isValid()  # a top-level row of the codebook
    assert tree.model.path(code.id) == name


def test_code_with_new_code_makes_a_top_level_code_coding_exactly_the_selection(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    before = {c.id for c in window.project.codes()}
    click_code(qtbot, window, sample.norms.id)  # a code selected in the tree is not the parent
    span = words("global governance")
    select(window, *span)
    with answering(NameDialog, type_name(qtbot, "Global governance")) as answered:
        window.menu_actions["actionCodeWithNewCode"].trigger()
    assert len(answered) == 1 and errors == []
    check_new_code(window, sample, before, "Global governance", span)
    assert window.menu_actions["actionUndo"].text() == "&Undo Code with new code Global governance"
    window.menu_actions["actionUndo"].trigger()  # one step: the code and its coding go together
    with Project.open(sample.project.path) as p:
        assert {c.id for c in p.codes()} == before and len(p.codings()) == 4


def test_the_undo_step_names_the_new_code_as_the_codebook_does(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    before = {c.id for c in window.project.codes()}
    span = words("global governance")
    select(window, *span)
    with answering(NameDialog, type_name(qtbot, "  Global   governance ")) as answered:
        window.menu_actions["actionCodeWithNewCode"].trigger()
    assert len(answered) == 1 and errors == []
    check_new_code(window, sample, before, "Global governance", span)  # stored tidied
    assert window.menu_actions["actionUndo"].text() == "&Undo Code with new code Global governance"


def test_cancelling_the_new_code_name_codes_nothing(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    def steps(dialog: NameDialog) -> None:
        edit = dialog.findChild(QLineEdit)
        assert edit is not None
        qtbot.keyClicks(edit, "Half typed")
        qtbot.keyClick(edit, Key.Key_Escape)

    select(window, *words("global governance"))
    with answering(NameDialog, steps) as answered:
        window.menu_actions["actionCodeWithNewCode"].trigger()
    assert len(answered) == 1 and errors == []
    with Project.open(sample.project.path) as p:
        assert len(p.codes()) == 3 and len(p.codings()) == 4


def test_code_with_new_code_without_a_selection_asks_for_none_and_says_so(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    window.document_view.text_edit.setFocus()
    qtbot.keyClick(window.document_view.text_edit, Key.Key_End)  # a caret, no selection
    with answering(NameDialog, lambda _dialog: None, timeout_ms=500) as asked:
        window.menu_actions["actionCodeWithNewCode"].trigger()
        qtbot.wait(100)
    assert asked == []
    assert len(errors) == 1 and "Select some text" in errors[0]
    with Project.open(sample.project.path) as p:
        assert len(p.codes()) == 3


def test_code_in_vivo_names_the_new_code_after_the_selected_words(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    before = {c.id for c in window.project.codes()}
    click_code(qtbot, window, sample.norm_shaper.id)
    span = words("developing countries")
    select(window, *span)
    window.menu_actions["actionCodeInVivo"].trigger()
    assert errors == []
    check_new_code(window, sample, before, "developing countries", span)


def test_code_in_vivo_across_a_line_break_joins_the_words_with_one_space(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    before = {c.id for c in window.project.codes()}
    start, _ = words("countries.")
    _, end = words("The US")
    select(window, start, end)
    window.menu_actions["actionCodeInVivo"].trigger()
    assert errors == []
    check_new_code(window, sample, before, "countries. The US", (start, end))


def test_code_in_vivo_of_words_that_name_a_code_already_is_refused_with_one_message(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    with Project.open(sample.project.path) as p:  # a top-level code named like the words
        p.add_code("rivalry")
    window.check_outside_changes()
    select(window, *words("rivalry"))
    window.menu_actions["actionCodeInVivo"].trigger()
    assert len(errors) == 1
    with Project.open(sample.project.path) as p:
        assert [c.name for c in p.codes()].count("rivalry") == 1
        assert len(p.codings()) == 4
