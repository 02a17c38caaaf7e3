"""The window on the application layer: its session, the coders each view shows, and the
picker's new code given as a path."""

from __future__ import annotations

import pytest
from conftest import Sample
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from window_env import answering, highlighted, select, show_window

from annotator.app.session import SEGMENTS, TEXT
from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.widgets.code_picker import CodePicker

Key, Mod = Qt.Key, Qt.KeyboardModifier


@pytest.fixture
def window(qtbot, sample, settings) -> MainWindow:
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


def test_the_window_s_session_is_who_codes(window: MainWindow, sample: Sample) -> None:
    assert window.state.session is window.session is window.coding_actions.session
    assert window.session.active_coder_id == sample.ann.id and window.project.actor == "Ann"
    window.state.set_active_coder(sample.ben.id)
    assert window.session.active_coder_id == sample.ben.id and window.project.actor == "Ben"


def test_a_view_with_its_own_coders_keeps_them_when_the_show_filter_changes(
    window: MainWindow, sample: Sample
) -> None:
    speech = {c.id: c.coder_id for c in sample.project.codings(document_id=sample.speech.id)}
    shown = window.document_view.shown
    window.state.set_current_code(sample.rivalry.id)
    window.state.separate_view(SEGMENTS)  # a list comparing coders: its own set
    window.state.set_visible_coders(frozenset({sample.ben.id}), SEGMENTS)
    assert {s.coder_id for s in window.segments.model.segments} == {sample.ben.id}
    assert {speech[k] for k in shown.index.lanes} == {
        sample.ann.id,
        sample.ben.id,
    }  # the text: everyone
    window.coder_bar.set_view("mine")  # the Show filter: the shared set
    assert {speech[k] for k in shown.index.lanes} == {sample.ann.id}
    assert window.state.visible_coders(TEXT) == {sample.ann.id}
    assert {s.coder_id for s in window.segments.model.segments} == {sample.ben.id}  # unchanged
    window.state.rejoin_view(SEGMENTS)
    assert {s.coder_id for s in window.segments.model.segments} == {sample.ann.id}


def test_ctrl_k_with_a_new_path_creates_the_code_under_its_parent(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str]
) -> None:
    def steps(picker: CodePicker) -> None:
        qtbot.keyClicks(picker.filter_edit, "Norms/Global governance")
        assert picker.list.currentItem().text() == "Create code “Norms/Global governance”"
        qtbot.keyClick(picker.filter_edit, Key.Key_Return)

    select(window, 0, 5)
    with answering(CodePicker, steps) as answered:
        window.document_view.text_edit.setFocus()
        qtbot.keyClick(window.document_view.text_edit, Key.Key_K, Mod.ControlModifier)
    assert len(answered) == 1 and errors == []
    with Project.open(sample.project.path) as p:
        code = next(c for c in p.codes() if c.name == "Global governance")
        assert code.parent_id == sample.norms.id
        (coding,) = p.codings(code_ids=[code.id])
    assert (coding.start, coding.end, coding.coder_id) == (0, 5, sample.ann.id)
    assert highlighted(window, coding.id) == (0, 5)
    assert window.menu_actions["actionUndo"].text() == "&Undo Code with new code Global governance"
