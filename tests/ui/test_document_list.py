"""The document list: filter, selection <-> state, incremental counts, rename and delete."""

from __future__ import annotations

import pytest
from conftest import Sample
from panel_env import PanelEnv, show_panel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from annotator.ui.panels import document_list
from annotator.ui.panels.document_list import CODINGS, TITLE, DocumentListPanel
from annotator.ui.widgets import messages

Env = PanelEnv[DocumentListPanel]


@pytest.fixture
def env(qtbot: QtBot, sample: Sample) -> Env:
    e: Env = show_panel(qtbot, sample, DocumentListPanel, (420, 240))
    return e


def shown(panel: DocumentListPanel, column: int = TITLE) -> list[object]:
    model = panel.view.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def click_row(qtbot: QtBot, panel: DocumentListPanel, row: int) -> None:
    rect = panel.view.visualRect(panel.view.model().index(row, TITLE))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_lists_titles_attributes_and_coding_counts(env: Env) -> None:
    assert env.panel.view.objectName() == "documentList"
    assert shown(env.panel) == ["Speech", "Emoji post"]
    assert shown(env.panel, 1) == ["speech", "forum"]
    assert shown(env.panel, CODINGS) == [3, 1]
    tip = env.panel.view.model().index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "genre: speech"


def test_filter_matches_title_file_name_and_attributes(env: Env, qtbot: QtBot) -> None:
    box = env.panel.filter_edit
    assert box.objectName() == "documentFilter" and box.placeholderText() == "Filter documents"
    qtbot.keyClicks(box, "FORUM")  # an attribute value, any case
    assert shown(env.panel) == ["Emoji post"]
    box.clear()
    qtbot.keyClicks(box, "speech.txt")  # the source file name
    assert shown(env.panel) == ["Speech"]
    box.clear()
    qtbot.keyClicks(box, "emoji")
    assert shown(env.panel) == ["Emoji post"]
    box.clear()
    qtbot.keyClicks(box, "nothing like this")
    assert shown(env.panel) == []
    box.clear()
    assert shown(env.panel) == ["Speech", "Emoji post"]


def test_clicking_a_row_opens_the_document_and_state_selects_the_row(
    env: Env, qtbot: QtBot
) -> None:
    click_row(qtbot, env.panel, 1)
    assert env.state.current_document_id == env.sample.emoji.id
    env.state.set_current_document(env.sample.speech.id)
    assert env.panel.selected_document_id() == env.sample.speech.id
    # Filtering the open document away does not close it; clearing the filter selects it again.
    qtbot.keyClicks(env.panel.filter_edit, "forum")
    assert env.state.current_document_id == env.sample.speech.id
    env.panel.filter_edit.clear()
    assert env.panel.selected_document_id() == env.sample.speech.id


def test_coding_counts_update_only_the_affected_row_without_a_reset(env: Env) -> None:
    model = env.panel.model
    resets: list[int] = []
    changed_rows: list[tuple[int, int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(
        lambda a, b, _roles=(): changed_rows.append((a.row(), a.column(), b.column()))
    )
    s = env.sample
    env.project.add_coding(s.emoji.id, s.norms.id, s.ann.id, 0, 4)
    assert shown(env.panel, CODINGS) == [3, 2]
    assert resets == []
    assert changed_rows == [(1, CODINGS, CODINGS)]
    env.project.remove_coding(env.project.codings(document_id=s.speech.id)[0].id)
    assert shown(env.panel, CODINGS) == [2, 2]
    assert env.project.documents()[0].codings == 2
    assert resets == []


def test_coding_counts_follow_the_shown_coders_as_the_codebook_does(env: Env) -> None:
    """The Show filter (my codings only, chosen coders) counts the same codings here."""
    model, s = env.panel.model, env.sample
    changed_rows: list[int] = []
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda a, _b, _roles=(): changed_rows.append(a.row()))
    env.state.set_visible_coders(frozenset({s.ben.id}))  # what the coder bar does
    assert shown(env.panel, CODINGS) == [1, 1]
    assert changed_rows == [0]  # the emoji post's one coding is Ben's already
    tip = env.panel.view.model().index(0, CODINGS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "1 coding (shown coders)"
    # A hidden coder's new coding leaves the shown count alone; a shown one's adds to it.
    env.project.add_coding(s.emoji.id, s.norms.id, s.ann.id, 0, 4)
    assert shown(env.panel, CODINGS) == [1, 1]
    env.project.add_coding(s.emoji.id, s.norms.id, s.ben.id, 0, 4)
    assert shown(env.panel, CODINGS) == [1, 2]
    env.state.set_visible_coders(frozenset({s.ann.id}))
    assert shown(env.panel, CODINGS) == [2, 1]
    env.state.set_visible_coders(None)  # everyone again
    assert shown(env.panel, CODINGS) == [3, 3]
    assert resets == []
    # A document's count in the list agrees with the codebook's count for the same coders.
    assert env.project.coding_counts([s.speech.id], [s.ben.id]) == {s.speech.id: 1}
    assert env.project.coding_counts(["no such id"]) == {"no such id": 0}


def test_imported_document_appears_as_a_new_row(env: Env) -> None:
    inserted: list[int] = []
    env.panel.model.rowsInserted.connect(lambda _p, first, _last: inserted.append(first))
    env.project.add_document("Op-ed", "A new text about norms.", attributes={"genre": "op-ed"})
    assert shown(env.panel) == ["Speech", "Emoji post", "Op-ed"]
    assert shown(env.panel, 1)[2] == "op-ed"
    assert inserted == [2]


def test_rename_in_place_is_one_undo_step(env: Env, qtbot: QtBot) -> None:
    env.panel.start_rename(env.sample.speech.id)
    editor = env.panel.view.findChild(QLineEdit)
    assert editor is not None and editor.text() == "Speech"
    editor.selectAll()
    qtbot.keyClicks(editor, "Keynote  speech")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits the editor from the event loop, just after the key press.
    qtbot.waitUntil(lambda: env.project.document(env.sample.speech.id).title == "Keynote speech")
    assert shown(env.panel)[0] == "Keynote speech"
    assert env.stack.count() == 1
    env.stack.undo()
    assert env.project.document(env.sample.speech.id).title == "Speech"
    assert shown(env.panel)[0] == "Speech"


def test_empty_title_is_refused_with_one_message(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda _parent, err, *a: errors.append(str(err)))
    assert env.panel.rename_document(env.sample.speech.id, "   ") is False
    assert errors == ["A document needs a title."]
    assert env.project.document(env.sample.speech.id).title == "Speech"
    assert env.stack.count() == 0


def test_delete_names_its_codings_and_undo_restores_the_row(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions: list[str] = []

    def confirm(_parent: object, _title: str, text: str) -> bool:
        questions.append(text)
        return True

    monkeypatch.setattr(document_list, "confirm", confirm)
    env.state.set_current_document(env.sample.speech.id)
    assert env.panel.delete_document(env.sample.speech.id) is True
    assert "3 codings" in questions[0] and "'Speech'" in questions[0]
    assert shown(env.panel) == ["Emoji post"]
    assert [d.title for d in env.project.documents()] == ["Emoji post"]
    assert env.state.current_document_id is None  # the open document is gone
    env.stack.undo()
    assert shown(env.panel) == ["Speech", "Emoji post"]
    assert shown(env.panel, CODINGS) == [3, 1]
    assert len(env.project.codings(document_id=env.sample.speech.id)) == 3


def test_cancelled_delete_changes_nothing(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_list, "confirm", lambda *_a: False)
    assert env.panel.delete_document(env.sample.emoji.id) is False
    assert len(env.project.documents()) == 2 and env.stack.count() == 0


def test_delete_key_deletes_the_selected_document(
    env: Env, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(document_list, "confirm", lambda *_a: True)
    click_row(qtbot, env.panel, 1)
    env.panel.view.setFocus()
    qtbot.keyClick(env.panel.view, Qt.Key.Key_Delete)
    assert [d.title for d in env.project.documents()] == ["Speech"]
    assert shown(env.panel) == ["Speech"]
