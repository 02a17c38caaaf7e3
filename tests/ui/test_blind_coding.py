"""Blind coding in the window: Coders -> Blind coding hides every other coder's codings
from the text, the counts and the retrieved segments, whatever the Show box says; it is
one undo step; and comparing coders asks first."""

from __future__ import annotations

import pytest
from conftest import Sample
from pytestqt.qtbot import QtBot
from window_env import highlighted, show_window

from annotator.app import blind
from annotator.ui import MainWindow
from annotator.ui.codebook.code_tree_model import CODINGS as CODE_CODINGS
from annotator.ui.panels.disagreement_list import DisagreementWindow
from annotator.ui.panels.document_list import CODINGS as DOC_CODINGS
from annotator.ui.shell.menus import open_disagreements
from annotator.ui.widgets import messages


@pytest.fixture
def window(qtbot: QtBot, sample: Sample, settings: object) -> MainWindow:
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)  # type: ignore[arg-type]


def codings_of(sample: Sample, coder_id: str, document_id: str) -> list[str]:
    return [c.id for c in sample.project.codings(document_id=document_id, coder_ids=[coder_id])]


def doc_counts(w: MainWindow) -> list[object]:
    model = w.document_list.view.model()
    return [model.index(r, DOC_CODINGS).data() for r in range(model.rowCount())]


def rivalry_count(w: MainWindow, sample: Sample) -> object:
    """The codebook's count of Geopolitical rivalry codings (as shown)."""
    return w.code_tree.model.index_of(sample.rivalry.id, CODE_CODINGS).data()


def turn_blind(w: MainWindow) -> None:
    w.menu_actions["actionBlindCoding"].trigger()


def test_blind_coding_shows_each_coder_only_their_own_codings(
    window: MainWindow, sample: Sample
) -> None:
    ann, ben = sample.ann.id, sample.ben.id
    bens = codings_of(sample, ben, sample.speech.id)
    anns = codings_of(sample, ann, sample.speech.id)
    window.state.set_current_code(sample.rivalry.id)
    assert all(highlighted(window, c) for c in bens + anns)  # Show: all coders
    assert doc_counts(window) == [3, 1] and rivalry_count(window, sample) == "3"
    assert {s.coder_id for s in window.segments.model.segments} == {ann, ben}

    turn_blind(window)
    assert blind.is_on(window.project)  # a project setting, in the file
    assert window.menu_actions["actionBlindCoding"].isChecked()
    assert all(highlighted(window, c) is None for c in bens)  # no highlight, no bracket
    assert all(highlighted(window, c) for c in anns)
    assert not set(bens) & set(window.document_view.shown.index.lanes)
    assert doc_counts(window) == [2, 0] and rivalry_count(window, sample) == "1"
    assert {s.coder_id for s in window.segments.model.segments} == {ann}
    switch = window.coder_bar.view_switch
    assert switch.currentText() == "Blind coding: only your codings"
    assert not switch.isEnabled()

    # Whatever the Show filter asks for, blind coding wins until it is turned off.
    window.coder_bar.set_view("chosen", frozenset({ben}))
    assert all(highlighted(window, c) is None for c in bens)

    # Ben takes over the keyboard: now only his codings are shown.
    window.state.set_active_coder(ben)
    assert all(highlighted(window, c) for c in bens)
    assert all(highlighted(window, c) is None for c in anns)
    assert doc_counts(window) == [1, 1]
    # Nobody chosen: nobody's codings.
    window.state.set_active_coder(None)
    assert not window.document_view.shown.index.lanes
    assert doc_counts(window) == [0, 0]


def test_turning_it_on_is_one_step_that_undo_takes_back(window: MainWindow, sample: Sample) -> None:
    bens = codings_of(sample, sample.ben.id, sample.speech.id)
    turn_blind(window)
    assert window.stack.undoText() == "Turn blind coding on"
    window.menu_actions["actionUndo"].trigger()
    assert not blind.is_on(window.project)
    assert not window.menu_actions["actionBlindCoding"].isChecked()
    assert all(highlighted(window, c) for c in bens)
    assert window.coder_bar.view_switch.isEnabled()
    assert window.coder_bar.view_switch.currentText() == "All coders"
    window.menu_actions["actionRedo"].trigger()
    assert window.menu_actions["actionBlindCoding"].isChecked()
    assert all(highlighted(window, c) is None for c in bens)


def test_comparing_asks_first_and_no_keeps_it_blind(
    qtbot: QtBot, window: MainWindow, sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    turn_blind(window)
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(messages, "confirm", lambda _p, q, title="": asked.append(q) or answer[0])
    assert open_disagreements(window) is None
    assert asked == [
        "Blind coding is on: comparing shows everyone's codings. Turn blind coding off and compare?"
    ]
    assert blind.is_on(window.project)
    assert getattr(window, "_disagreements", None) is None

    answer[0] = True
    opened = open_disagreements(window)
    assert isinstance(opened, DisagreementWindow)
    assert not blind.is_on(window.project)
    assert all(highlighted(window, c) for c in codings_of(sample, sample.ben.id, sample.speech.id))
    assert len(asked) == 2
    assert open_disagreements(window) is opened  # blind coding off: no question now
    assert len(asked) == 2
