"""Who is coding, and whose codings are shown: the toolbar's coder controls."""

from __future__ import annotations

import pytest
from name_dialogs import TypeNames
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog
from window_env import answering

from annotator.ui import MainWindow
from annotator.ui.panels import coder_bar
from annotator.ui.panels.coder_bar import CoderBar
from annotator.ui.shell.app import ask_for_coder
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.name_dialog import NameDialog
from annotator.ui.widgets.state import WorkbenchState


@pytest.fixture
def bar(qtbot, sample):
    state = WorkbenchState()
    state.set_active_coder(sample.ann.id)
    widget = CoderBar(sample.project, ProjectEvents(sample.project), state)
    qtbot.addWidget(widget)
    return widget


def choose(bar: CoderBar, combo_name: str, data: object) -> None:
    combo = bar.selector if combo_name == "selector" else bar.view_switch
    index = combo.findData(data)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_selector_lists_coders_and_shows_the_active_one(bar, sample):
    names = [bar.selector.itemText(i) for i in range(bar.selector.count())]
    assert names == ["Ann", "Ben", "New coder…"]
    assert bar.selector.currentData() == sample.ann.id
    choose(bar, "selector", sample.ben.id)
    assert bar.state.active_coder_id == sample.ben.id


def test_my_codings_only_follows_the_active_coder(bar, sample):
    choose(bar, "view", "mine")
    assert bar.state.visible_coder_ids == {sample.ann.id}
    bar.state.set_active_coder(sample.ben.id)
    assert bar.state.visible_coder_ids == {sample.ben.id}
    choose(bar, "view", "all")
    assert bar.state.visible_coder_ids is None


def test_chosen_coders(bar, sample, monkeypatch):
    monkeypatch.setattr(coder_bar, "choose_coders", lambda *_a: frozenset([sample.ben.id]))
    choose(bar, "view", "chosen")
    assert bar.state.visible_coder_ids == {sample.ben.id}


def test_new_coder_from_the_selector_becomes_active(bar, sample):
    typed = TypeNames("Chen")
    with answering(NameDialog, typed) as asked:
        choose(bar, "selector", coder_bar.NEW_CODER)
    chen = sample.project.find_coder("Chen")
    assert [d.windowTitle() for d in asked] == ["New coder"] and typed.refusals == []
    assert bar.state.active_coder_id == chen.id
    assert bar.selector.currentText() == "Chen"


def test_a_duplicate_coder_name_is_refused_beside_the_field_and_the_dialog_stays(bar, sample):
    typed = TypeNames("ann", "Chen")
    with answering(NameDialog, typed):
        choose(bar, "selector", coder_bar.NEW_CODER)
    [(message, field)] = typed.refusals
    assert "already" in message and field == "ann"  # what was typed is still there
    assert [c.name for c in sample.project.coders()] == ["Ann", "Ben", "Chen"]
    assert bar.state.active_coder_id == sample.project.find_coder("Chen").id


def test_cancelling_the_new_coder_dialog_adds_no_one(bar, sample):
    with answering(NameDialog, TypeNames("ann")):  # refused, then Escape
        choose(bar, "selector", coder_bar.NEW_CODER)
    assert len(sample.project.coders()) == 2
    assert bar.state.active_coder_id == sample.ann.id
    assert bar.selector.currentData() == sample.ann.id


def test_first_launch_asks_who_is_coding(qtbot, sample, tmp_path, monkeypatch):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(sample.project.path, settings)
    qtbot.addWidget(window)
    assert window.needs_coder() and "no coder chosen" in window.windowTitle()
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: ("Chen", True))
    ask_for_coder(window)
    assert not window.needs_coder()
    assert "coding as Chen" in window.windowTitle()
    assert window.coder_bar.selector.currentText() == "Chen"


def test_first_launch_accepts_an_existing_name_in_any_case(qtbot, sample, tmp_path, monkeypatch):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(sample.project.path, settings)
    qtbot.addWidget(window)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: ("BEN", True))
    ask_for_coder(window)
    assert window.state.active_coder_id == sample.ben.id
    assert len(sample.project.coders()) == 2
