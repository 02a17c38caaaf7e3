"""Document → Memos… and Project journal…: writing memos in the window.

The researcher types; a pause in typing writes what was typed, each burst one step
that Edit → Undo reverses. A memo is by the coder at work, and the dialog follows
the store (an undo, another program) except in a field being typed in.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Sample
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from window_env import LEFT, show_window

from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.panels import details_pane
from annotator.ui.panels.memo_dialog import MemoDialog
from annotator.ui.widgets import messages

Key = Qt.Key
#: The typing pause in these tests (ms): short, so that a test need not wait 1.5 s.
PAUSE = 150


@pytest.fixture(autouse=True)
def short_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(details_pane, "TYPING_PAUSE_MS", PAUSE)


@pytest.fixture
def window(qtbot: QtBot, sample: Sample, settings: Any) -> MainWindow:
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


def open_dialog(qtbot: QtBot, window: MainWindow, action: str) -> MemoDialog:
    window.menu_actions[action].trigger()
    name = "journalDialog" if action == "actionProjectJournal" else "memoDialog"
    dialog = window.findChild(MemoDialog, name)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def listed(dialog: MemoDialog) -> list[tuple[str, str]]:
    tree = dialog.memo_list
    out = []
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        assert item is not None
        out.append((item.text(0), item.text(1)))
    return out


def stored(path: Any, document_id: str | None = None) -> list[tuple[str, str, str | None]]:
    with Project.open(path) as p:
        return [(m.title, m.text, m.coder_id) for m in p.memos(document_id)]


def type_text(qtbot: QtBot, dialog: MemoDialog, text: str) -> None:
    """Type into the memo's text, then pause until it is written."""
    edit = dialog.text_edit
    qtbot.mouseClick(edit.viewport(), LEFT)
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, text)
    qtbot.waitUntil(lambda: not edit.is_dirty(), timeout=3000)


def undo(window: MainWindow) -> None:
    window.menu_actions["actionUndo"].trigger()


def test_writing_a_journal_entry_one_step_per_burst_of_typing(qtbot, window, sample):
    path = sample.project.path
    dialog = open_dialog(qtbot, window, "actionProjectJournal")
    assert dialog.windowTitle() == "Project journal" and listed(dialog) == []
    # An empty journal opens on a page to write on, the cursor in its title.
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.title_edit, timeout=2000)
    qtbot.keyClicks(dialog.title_edit, "Round 2")
    qtbot.keyClick(dialog.title_edit, Key.Key_Return)  # Enter writes the title: the entry exists
    assert stored(path) == [("Round 2", "", sample.ann.id)]
    assert window.menu_actions["actionUndo"].text() == "&Undo Add journal entry Round 2"
    type_text(qtbot, dialog, "Code whole sentences.")
    assert stored(path) == [("Round 2", "Code whole sentences.", sample.ann.id)]
    assert listed(dialog) == [("Round 2", "Ann")]
    assert dialog.info.text().startswith("By Ann · created")
    type_text(qtbot, dialog, " Not half ones.")
    assert stored(path)[0][1] == "Code whole sentences. Not half ones."
    assert window.menu_actions["actionUndo"].text() == "&Undo Edit memo Round 2"
    undo(window)  # the second burst
    assert stored(path)[0][1] == "Code whole sentences."
    assert dialog.text_edit.toPlainText() == "Code whole sentences."
    undo(window)  # the first burst
    assert stored(path)[0][1] == "" and dialog.text_edit.toPlainText() == ""
    undo(window)  # the entry itself
    assert stored(path) == [] and listed(dialog) == []
    assert not dialog.title_edit.isEnabled()  # no memo left to edit


def test_document_memos_are_the_open_documents_and_the_journal_is_apart(qtbot, window, sample):
    p = sample.project
    p.add_memo("The speaker hedges.", title="Hedging", document_id=sample.speech.id,
               coder_id=sample.ben.id)  # fmt: skip
    p.add_memo("Project-wide", title="Journal", coder_id=sample.ann.id)
    dialog = open_dialog(qtbot, window, "actionDocumentMemos")
    assert dialog.windowTitle() == "Memos — Speech"
    assert listed(dialog) == [("Hedging", "Ben")]
    assert dialog.title_edit.text() == "Hedging"
    assert dialog.text_edit.toPlainText() == "The speaker hedges."
    qtbot.mouseClick(dialog.new_button, LEFT)
    assert dialog.title_edit.text() == "" and dialog.current_memo_id() is None
    type_text(qtbot, dialog, "Sovereignty framing throughout.")
    with Project.open(p.path) as fresh:
        memos = fresh.memos(sample.speech.id)
        assert [(m.title, m.text, m.coder_id) for m in memos][1] == (
            "",
            "Sovereignty framing throughout.",
            sample.ann.id,
        )
        assert [m.title for m in fresh.memos()] == ["Journal"]
    assert listed(dialog) == [("Hedging", "Ben"), ("Sovereignty framing throughout.", "Ann")]
    assert window.menu_actions["actionUndo"].text() == "&Undo Add memo"


def test_the_dialog_follows_changes_made_elsewhere_but_keeps_what_is_being_typed(
    qtbot, window, sample
):
    memo = window.project.add_memo("first", title="Notes", document_id=sample.speech.id)
    dialog = open_dialog(qtbot, window, "actionDocumentMemos")
    assert dialog.current_memo_id() == memo.id
    window.project.update_memo(memo.id, title="Field notes")  # another panel, say
    assert listed(dialog) == [("Field notes", "—")] and dialog.title_edit.text() == "Field notes"
    dialog.text_edit.setFocus()
    qtbot.keyClicks(dialog.text_edit, "X")  # typing, not yet paused
    window.project.update_memo(memo.id, title="Field notes 2")
    assert (
        dialog.text_edit.toPlainText() == "Xfirst" and dialog.title_edit.text() == "Field notes 2"
    )
    qtbot.waitUntil(lambda: not dialog.text_edit.is_dirty(), timeout=3000)
    assert window.project.memo(memo.id).text == "Xfirst"


def test_deleting_a_memo_asks_and_is_undoable(qtbot, window, sample, monkeypatch):
    memo = window.project.add_memo("text", title="Doomed", document_id=sample.speech.id)
    asked: list[str] = []
    monkeypatch.setattr(
        messages, "confirm", lambda _p, question, title="": asked.append(question) or True
    )
    dialog = open_dialog(qtbot, window, "actionDocumentMemos")
    qtbot.mouseClick(dialog.delete_button, LEFT)
    assert asked == ["Delete the memo “Doomed”?"]
    assert stored(sample.project.path, sample.speech.id) == [] and listed(dialog) == []
    assert window.menu_actions["actionUndo"].text() == "&Undo Delete memo Doomed"
    undo(window)
    assert listed(dialog) == [("Doomed", "—")]
    assert window.project.memo(memo.id).title == "Doomed"


def test_closing_the_dialog_writes_what_was_typed(qtbot, window, sample):
    dialog = open_dialog(qtbot, window, "actionProjectJournal")
    qtbot.keyClicks(dialog.title_edit, "Quick thought")
    qtbot.keyClick(dialog, Key.Key_Escape)
    assert stored(sample.project.path) == [("Quick thought", "", sample.ann.id)]


def test_memos_need_an_open_document(qtbot, window, errors):
    window.state.set_current_document(None)
    window.menu_actions["actionDocumentMemos"].trigger()
    assert errors == ["Open a document first (click it in the list of documents)."]
    assert window.findChild(MemoDialog) is None
