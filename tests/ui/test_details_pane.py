"""The details pane: code definitions and coding memos, committed on focus-out or Ctrl+Enter."""

from __future__ import annotations

import pytest
from conftest import SPEECH, Sample
from panel_env import PanelEnv, show_panel
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from annotator.ui.panels.details_pane import CommitTextEdit, DetailsPane, local_time
from annotator.ui.widgets import messages

Env = PanelEnv[DetailsPane]


@pytest.fixture
def env(qtbot: QtBot, sample: Sample) -> Env:
    e: Env = show_panel(qtbot, sample, DetailsPane, (360, 900))
    e.panel.activateWindow()
    qtbot.waitUntil(e.panel.isActiveWindow)
    return e


def type_into(qtbot: QtBot, edit: QWidget, text: str) -> None:
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, text)


def leave(qtbot: QtBot, pane: DetailsPane, edit: QWidget) -> None:
    """Move the keyboard focus to another field, as a click or Tab would."""
    other = (
        pane.code_fields["example"] if edit is not pane.code_fields["example"] else pane.name_edit
    )
    other.setFocus()
    qtbot.waitUntil(lambda: not edit.hasFocus())


def test_shows_the_selected_code(env: Env) -> None:
    assert env.panel.objectName() == "codeDetails"
    assert not env.panel.code_box.isVisibleTo(env.panel)  # nothing selected yet
    env.state.set_current_code(env.sample.norm_shaper.id)
    assert env.panel.code_box.isVisibleTo(env.panel)
    assert env.panel.name_edit.text() == "Norm-shaper"
    assert env.panel.path_label.text() == "Path: Norms/Norm-shaper"
    assert env.panel.usage_label.text() == "Used 1 time in 1 document"
    assert env.panel.swatch.property("color") == "#3CB44B"
    env.state.set_current_code(env.sample.norms.id)
    assert env.panel.code_fields["definition"].value() == "Talk about rules and norms."


def test_definition_is_committed_on_focus_out_as_one_undo_step(env: Env, qtbot: QtBot) -> None:
    s = env.sample
    env.state.set_current_code(s.norms.id)
    definition = env.panel.code_fields["definition"]
    assert isinstance(definition, CommitTextEdit)
    definition.moveCursor(QTextCursor.MoveOperation.End)
    type_into(qtbot, definition, " Also soft law.")
    # Typing alone writes nothing.
    assert env.project.code(s.norms.id).definition == "Talk about rules and norms."
    assert env.stack.count() == 0
    leave(qtbot, env.panel, definition)
    assert env.project.code(s.norms.id).definition == "Talk about rules and norms. Also soft law."
    assert env.stack.count() == 1
    assert env.stack.undoText() == "Edit definition of Norms"
    env.stack.undo()
    assert env.project.code(s.norms.id).definition == "Talk about rules and norms."
    assert definition.value() == "Talk about rules and norms."
    env.stack.redo()
    assert definition.value() == "Talk about rules and norms. Also soft law."


def test_ctrl_enter_commits_and_plain_enter_is_a_new_line(env: Env, qtbot: QtBot) -> None:
    env.state.set_current_code(env.sample.rivalry.id)
    example = env.panel.code_fields["example"]
    type_into(qtbot, example, "The US and China")
    qtbot.keyClick(example, Qt.Key.Key_Return)
    qtbot.keyClicks(example, "compete.")
    assert env.stack.count() == 0
    qtbot.keyClick(example, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert env.project.code(env.sample.rivalry.id).example == "The US and China\ncompete."
    assert example.hasFocus()  # Ctrl+Enter commits without leaving the field
    assert env.stack.undoText() == "Edit example of Geopolitical rivalry"


def test_rename_on_enter_and_duplicate_name_is_refused(
    env: Env, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    errors: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, err, *a: errors.append(str(err)))
    s = env.sample
    env.state.set_current_code(s.rivalry.id)
    name = env.panel.name_edit
    name.selectAll()
    type_into(qtbot, name, "Rivalry")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert env.project.code(s.rivalry.id).name == "Rivalry"
    name.selectAll()
    qtbot.keyClicks(name, "norms")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert errors == ["A code named 'Norms' already exists at the top level."]
    assert env.project.code(s.rivalry.id).name == "Rivalry"
    assert name.text() == "Rivalry"  # back to what is stored
    name.selectAll()
    qtbot.keyClick(name, Qt.Key.Key_Delete)
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert errors[-1] == "A code needs a name."
    assert env.stack.count() == 1


def test_switching_code_while_editing_commits_the_edit(env: Env, qtbot: QtBot) -> None:
    s = env.sample
    env.state.set_current_code(s.norms.id)
    memo = env.panel.code_fields["memo"]
    type_into(qtbot, memo, "Check with Ben.")
    env.state.set_current_code(s.rivalry.id)  # e.g. a click in the code tree
    assert env.project.code(s.norms.id).memo == "Check with Ben."
    assert env.project.code(s.rivalry.id).memo == ""
    assert memo.value() == ""
    assert env.panel.name_edit.text() == "Geopolitical rivalry"
    assert env.stack.undoText() == "Edit memo of Norms"


def test_external_change_refreshes_fields_not_being_edited(env: Env, qtbot: QtBot) -> None:
    s = env.sample
    env.state.set_current_code(s.norms.id)
    definition = env.panel.code_fields["definition"]
    definition.selectAll()
    type_into(qtbot, definition, "Half-typed")
    env.project.update_code(
        s.norms.id, example="Rules of the road.", definition="Changed elsewhere."
    )
    assert env.panel.code_fields["example"].value() == "Rules of the road."
    assert definition.value() == "Half-typed"  # the researcher's typing is kept
    leave(qtbot, env.panel, definition)
    assert env.project.code(s.norms.id).definition == "Half-typed"


def test_renaming_a_parent_updates_the_path(env: Env) -> None:
    s = env.sample
    env.state.set_current_code(s.norm_shaper.id)
    env.project.update_code(s.norms.id, name="Norms and rules")
    assert env.panel.path_label.text() == "Path: Norms and rules/Norm-shaper"
    env.project.add_coding(s.emoji.id, s.norm_shaper.id, s.ben.id, 0, 4)
    assert env.panel.usage_label.text() == "Used 2 times in 2 documents"


def test_deleted_code_clears_the_section(env: Env) -> None:
    s = env.sample
    env.state.set_current_code(s.rivalry.id)
    env.project.delete_code(s.rivalry.id, codings="delete")
    assert not env.panel.code_box.isVisibleTo(env.panel)
    assert env.panel.hint.isVisibleTo(env.panel)


def test_coding_section_shows_the_coding_and_commits_its_memo(env: Env, qtbot: QtBot) -> None:
    s = env.sample
    coding = env.project.codings(code_ids=[s.rivalry.id], coder_ids=[s.ann.id])[0]
    assert not env.panel.coding_box.isVisibleTo(env.panel)
    env.state.set_current_coding(coding.id)
    assert env.panel.coding_box.isVisibleTo(env.panel)
    assert env.panel.coding_code.text() == "Geopolitical rivalry"
    assert env.panel.coding_coder.text() == "Ann"
    assert env.panel.coding_document.text() == "Speech"
    assert env.panel.coding_quote.text() == SPEECH[coding.start : coding.end]
    assert (
        env.panel.coding_offsets.text()
        == f"{coding.start}–{coding.end} ({coding.end - coding.start} characters)"
    )
    assert env.panel.coding_times.text() == f"created {local_time(coding.created)}"
    memo = env.panel.coding_memo
    type_into(qtbot, memo, "Classic rivalry framing.")
    assert env.project.coding(coding.id).memo == ""
    qtbot.keyClick(memo, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    assert env.project.coding(coding.id).memo == "Classic rivalry framing."
    assert env.stack.count() == 1
    assert "updated" in env.panel.coding_times.text()
    env.stack.undo()
    assert memo.value() == ""
    assert env.project.coding(coding.id).memo == ""


def test_switching_coding_commits_the_memo_and_removal_hides_the_section(
    env: Env, qtbot: QtBot
) -> None:
    s = env.sample
    first, second = env.project.codings(code_ids=[s.rivalry.id], document_id=s.speech.id)
    env.state.set_current_coding(first.id)
    type_into(qtbot, env.panel.coding_memo, "Keep.")
    env.state.set_current_coding(second.id)
    assert env.project.coding(first.id).memo == "Keep."
    assert env.panel.coding_memo.value() == ""
    env.project.remove_coding(second.id)
    assert not env.panel.coding_box.isVisibleTo(env.panel)


def test_long_quotes_are_cut_and_times_are_readable(env: Env) -> None:
    s = env.sample
    text = "word " * 200
    doc = env.project.add_document("Long", text)
    coding = env.project.add_coding(doc.id, s.norms.id, s.ann.id, 0, len(text))
    env.state.set_current_coding(coding.id)
    shown = env.panel.coding_quote.text()
    assert shown.endswith("…") and len(shown) <= 301
    assert local_time("2024-03-05T14:07:00.000000Z").count(" ") == 3  # "5 Mar 2024, HH:MM"
    assert local_time("") == "—"


def test_colour_change_is_one_undo_step(env: Env) -> None:
    s = env.sample
    env.state.set_current_code(s.norms.id)
    env.panel.set_code_color("#000075")
    assert env.project.code(s.norms.id).color == "#000075"
    assert env.panel.swatch.property("color") == "#000075"
    env.stack.undo()
    assert env.panel.swatch.property("color") == "#4363D8"


def test_commit_text_edit_knows_when_it_is_dirty(qtbot: QtBot) -> None:
    edit = CommitTextEdit(3)
    qtbot.addWidget(edit)
    edit.load("stored")
    assert not edit.is_dirty()
    edit.setPlainText("typed")
    assert edit.is_dirty()
    edit.load("typed")
    assert not edit.is_dirty()


def test_a_pause_in_typing_commits_the_text_so_a_crash_loses_nothing(
    env: Env, qtbot: QtBot
) -> None:
    """Issue 8, item 11: each burst of typing is stored after a short pause, one undo step each."""
    s = env.sample
    env.state.set_current_code(s.norms.id)
    memo = env.panel.code_fields["memo"]
    type_into(qtbot, memo, "First thought.")
    assert env.project.code(s.norms.id).memo == ""  # not at once: a burst is one step
    qtbot.waitUntil(lambda: env.project.code(s.norms.id).memo == "First thought.", timeout=5000)
    assert memo.hasFocus(), "the field keeps the focus; the researcher goes on typing"
    qtbot.keyClicks(memo, " Second.")
    qtbot.waitUntil(
        lambda: env.project.code(s.norms.id).memo == "First thought. Second.", timeout=5000
    )
    assert env.stack.count() == 2
    env.stack.undo()
    assert env.project.code(s.norms.id).memo == "First thought."
