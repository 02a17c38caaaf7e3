"""Coders → Manage coders…: renaming, merging and deleting coders in the window.

The researcher clicks a coder in the list and types or presses the buttons; each
action is one step that Edit → Undo reverses, and the window follows at once: the
coder box in the toolbar, the highlights in the text, the documents' counts.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Sample
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QTreeWidget
from pytestqt.qtbot import QtBot
from window_env import LEFT, answering, highlighted, show_window

from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.panels.coders_dialog import CodersDialog, MergeTargetDialog
from annotator.ui.panels.document_list import CODINGS
from annotator.ui.widgets import messages

Key = Qt.Key


@pytest.fixture
def window(qtbot: QtBot, sample: Sample, settings: Any) -> MainWindow:
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The questions asked (appended), answered with the next of the answers queued
    at the front of the list."""
    asked: list[Any] = []

    def confirm(_parent: object, question: str, title: str = "") -> bool:
        answer = asked.pop(0)
        asked.append(question)
        return bool(answer)

    monkeypatch.setattr(messages, "confirm", confirm)
    return asked


def snapshot(path: Any) -> dict[str, list[tuple[Any, ...]]]:
    with Project.open(path) as p:
        return {
            t: sorted(tuple(r) for r in p.conn.execute(f"SELECT * FROM {t}"))
            for t in ("coders", "codings", "memos")
        }


def open_dialog(qtbot: QtBot, window: MainWindow) -> CodersDialog:
    window.menu_actions["actionManageCoders"].trigger()
    dialog = window.findChild(CodersDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def rows(tree: QTreeWidget) -> list[tuple[str, str, str]]:
    out = []
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        assert item is not None
        out.append((item.text(0), item.text(1), item.text(2)))
    return out


def click_coder(qtbot: QtBot, dialog: CodersDialog, name: str) -> None:
    tree = dialog.coder_list
    item = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0) == name  # type: ignore[union-attr]
    )
    assert item is not None
    qtbot.mouseClick(tree.viewport(), LEFT, pos=tree.visualItemRect(item).center())
    assert dialog.name_edit.text() == name


def type_name(qtbot: QtBot, dialog: CodersDialog, name: str) -> None:
    dialog.name_edit.setFocus()
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, name)
    qtbot.keyClick(dialog.name_edit, Key.Key_Return)


def coder_box(window: MainWindow) -> list[str]:
    box = window.coder_bar.selector
    return [box.itemText(i) for i in range(box.count() - 1)]  # without "New coder…"


def undo(window: MainWindow) -> None:
    window.menu_actions["actionUndo"].trigger()


def test_the_list_shows_every_coder_with_codings_and_memos(qtbot, window, sample):
    sample.project.add_memo("Ben's notes", coder_id=sample.ben.id)
    dialog = open_dialog(qtbot, window)
    assert rows(dialog.coder_list) == [("Ann", "2", "0"), ("Ben", "2", "1")]
    assert dialog.name_edit.text() == "Ann"  # the active coder is selected first
    # Outside the dialog (another panel, the CLI) a coding is added: the counts follow.
    window.project.add_coding(sample.emoji.id, sample.norms.id, sample.ann.id, 0, 4)
    assert rows(dialog.coder_list)[0] == ("Ann", "3", "0")


def test_renaming_to_a_taken_name_is_refused_beside_the_field(qtbot, window, sample):
    dialog = open_dialog(qtbot, window)
    click_coder(qtbot, dialog, "Ben")
    type_name(qtbot, dialog, " ann ")
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "A coder named 'Ann' already exists" in dialog.error.text()
    assert dialog.name_edit.text() == " ann "  # what was typed stays, to correct it
    assert [c.name for c in window.project.coders()] == ["Ann", "Ben"]
    type_name(qtbot, dialog, "Benedict")
    assert not dialog.error.isVisible()
    assert [c.name for c in Project.open(sample.project.path).coders()] == ["Ann", "Benedict"]
    assert coder_box(window) == ["Ann", "Benedict"]
    assert window.menu_actions["actionUndo"].text() == "&Undo Rename coder Ben to Benedict"
    undo(window)
    assert [c.name for c in window.project.coders()] == ["Ann", "Ben"]
    assert coder_box(window) == ["Ann", "Ben"] and rows(dialog.coder_list)[1][0] == "Ben"


def choose_target(qtbot: QtBot, name: str) -> Any:
    def steps(chooser: MergeTargetDialog) -> None:
        targets = chooser.targets
        item = targets.findItems(name, Qt.MatchFlag.MatchExactly)[0]
        qtbot.mouseClick(targets.viewport(), LEFT, pos=targets.visualItemRect(item).center())
        ok = chooser.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled()
        qtbot.mouseClick(ok, LEFT)

    return steps


def test_merging_asks_which_coder_then_with_the_counts_and_is_one_undo_step(
    qtbot, window, sample, answers, errors
):
    p = sample.project
    ben_first = p.add_coding(sample.speech.id, sample.norm_shaper.id, sample.ben.id, 0, 59)
    chen = p.add_coder("Chen")
    ben_other = next(
        c for c in p.codings(sample.speech.id, coder_ids=[sample.ben.id]) if c.id != ben_first.id
    )
    before = snapshot(p.path)
    window.coder_bar.set_view("mine")  # Ann sees only her own codings
    assert highlighted(window, ben_first.id) is None and highlighted(window, ben_other.id) is None
    dialog = open_dialog(qtbot, window)
    click_coder(qtbot, dialog, "Ben")
    answers.append(True)
    with answering(MergeTargetDialog, choose_target(qtbot, "Ann")) as shown:
        qtbot.mouseClick(dialog.merge_button, LEFT)
    assert len(shown) == 1 and errors == []
    assert [shown[0].targets.item(i).text() for i in range(shown[0].targets.count())] == [
        "Ann",
        "Chen",
    ]
    question = answers[0]
    assert question.startswith("Merge Ben into Ann?")
    assert "Ben's 3 codings become Ann's (1 of them Ann coded exactly alike" in question
    with Project.open(p.path) as fresh:
        assert [c.name for c in fresh.coders()] == ["Ann", "Chen"]
        assert {c.coder_id for c in fresh.codings()} == {sample.ann.id}
        assert len(fresh.codings()) == 4  # Ben's twin of Ann's first coding was folded
    # The window follows: the coder box, Ann's view of the text, the dialog's list.
    assert coder_box(window) == ["Ann", "Chen"]
    assert highlighted(window, ben_other.id) is not None  # now Ann's: shown
    assert rows(dialog.coder_list) == [("Ann", "4", "0"), ("Chen", "0", "0")]
    assert window.menu_actions["actionUndo"].text() == "&Undo Merge coder Ben into Ann"
    undo(window)
    assert snapshot(p.path) == before
    assert coder_box(window) == ["Ann", "Ben", "Chen"]
    assert highlighted(window, ben_other.id) is None  # Ben's again: hidden again
    assert chen.id in {c.id for c in window.project.coders()}


def test_declining_the_merge_changes_nothing(qtbot, window, sample, answers):
    before = snapshot(sample.project.path)
    dialog = open_dialog(qtbot, window)
    click_coder(qtbot, dialog, "Ben")
    answers.append(False)
    with answering(MergeTargetDialog, choose_target(qtbot, "Ann")):
        qtbot.mouseClick(dialog.merge_button, LEFT)
    assert answers and answers[0].startswith("Merge Ben into Ann?")
    assert snapshot(sample.project.path) == before
    assert coder_box(window) == ["Ann", "Ben"]


def test_deleting_asks_with_the_count_and_takes_the_codings(qtbot, window, sample, answers, errors):
    before = snapshot(sample.project.path)
    documents = window.document_list.model
    row = documents.row_of(sample.emoji.id)
    assert row is not None and documents.index(row, CODINGS).data() == 1
    dialog = open_dialog(qtbot, window)
    click_coder(qtbot, dialog, "Ben")
    answers.extend([False, True])
    qtbot.mouseClick(dialog.delete_button, LEFT)  # "No": nothing goes
    assert snapshot(sample.project.path) == before
    qtbot.mouseClick(dialog.delete_button, LEFT)
    assert (
        answers
        == [
            "Delete Ben and Ben's 2 codings?\n\nEdit → Undo restores Ben and the codings.",
        ]
        * 2
    )
    with Project.open(sample.project.path) as fresh:
        assert [c.name for c in fresh.coders()] == ["Ann"]
        assert len(fresh.codings()) == 2
    assert coder_box(window) == ["Ann"] and rows(dialog.coder_list) == [("Ann", "2", "0")]
    assert documents.index(row, CODINGS).data() == 0  # the emoji post's count follows
    undo(window)
    assert snapshot(sample.project.path) == before and errors == []
    assert documents.index(row, CODINGS).data() == 1 and coder_box(window) == ["Ann", "Ben"]


def test_the_active_coder_cannot_be_merged_or_deleted(qtbot, window, sample):
    dialog = open_dialog(qtbot, window)
    click_coder(qtbot, dialog, "Ann")
    assert not dialog.merge_button.isEnabled() and not dialog.delete_button.isEnabled()
    assert "You are coding as Ann" in dialog.hint.text() and dialog.hint.isVisible()
    assert dialog.rename_button.isEnabled()  # renaming oneself is fine
    click_coder(qtbot, dialog, "Ben")
    assert dialog.merge_button.isEnabled() and dialog.delete_button.isEnabled()
    # Switching to Ben in the toolbar turns it round.
    window.state.set_active_coder(sample.ben.id)
    assert dialog.selected_coder_id() == sample.ben.id
    assert not dialog.delete_button.isEnabled()


def test_a_read_only_window_shows_the_coders_but_changes_nothing(qtbot, sample, settings):
    window = MainWindow(sample.project.path, settings, read_only=True)
    qtbot.addWidget(window)
    window.show()
    dialog = open_dialog(qtbot, window)
    assert rows(dialog.coder_list) == [("Ann", "2", "0"), ("Ben", "2", "0")]
    click_coder(qtbot, dialog, "Ben")
    assert not any(
        b.isEnabled() for b in (dialog.rename_button, dialog.merge_button, dialog.delete_button)
    )
    assert dialog.hint.text().startswith("Read-only:")
