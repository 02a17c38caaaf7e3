"""The retrieval pane: the passages of the selected code, sub-codes, coder view and reveal."""

from __future__ import annotations

import pytest
from conftest import EMOJI, SPEECH, Sample
from panel_env import PanelEnv, show_panel
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.ui.panels.segment_list import (
    CODE,
    CODER,
    DOCUMENT,
    TEXT,
    CodingIdRole,
    SegmentListPanel,
)

Env = PanelEnv[SegmentListPanel]


@pytest.fixture
def env(qtbot: QtBot, sample: Sample) -> Env:
    e: Env = show_panel(qtbot, sample, SegmentListPanel, (640, 260))
    return e


def column(
    panel: SegmentListPanel, col: int, role: int = Qt.ItemDataRole.DisplayRole
) -> list[object]:
    model = panel.view.model()
    return [model.index(r, col).data(role) for r in range(model.rowCount())]


def test_lists_every_segment_of_the_selected_code(env: Env) -> None:
    s = env.sample
    assert env.panel.objectName() == "segmentList"
    assert env.panel.header.text() == "Select a code to see the passages coded with it."
    env.state.set_current_code(s.rivalry.id)
    assert env.panel.header.text() == "3 segments in 2 documents for Geopolitical rivalry"
    # Documents by title, passages in text order; every row's id is the store's coding.
    assert column(env.panel, DOCUMENT) == ["Emoji post", "Speech", "Speech"]
    assert column(env.panel, CODER) == ["Ben", "Ann", "Ben"]
    ids = column(env.panel, DOCUMENT, CodingIdRole)
    texts = {"Emoji post": EMOJI, "Speech": SPEECH}
    for coding_id, quoted, title in zip(
        ids, column(env.panel, TEXT), column(env.panel, DOCUMENT), strict=True
    ):
        coding = env.project.coding(str(coding_id))
        assert coding.code_id == s.rivalry.id
        assert quoted == " ".join(texts[str(title)][coding.start : coding.end].split())
    tip = env.panel.view.model().index(0, TEXT).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith(EMOJI[: EMOJI.index(" heats")])


def test_include_sub_codes(env: Env, qtbot: QtBot) -> None:
    s = env.sample
    env.state.set_current_code(s.norms.id)
    assert column(env.panel, TEXT) == []
    assert env.panel.header.text() == "0 segments in 0 documents for Norms"
    assert env.panel.view.isColumnHidden(CODE)
    qtbot.mouseClick(env.panel.subcodes, Qt.MouseButton.LeftButton)
    assert env.panel.subcodes.isChecked()
    assert column(env.panel, TEXT) == [SPEECH[0:59]]
    # The code's own name tells the rows apart; its path is the tooltip (issue 8, item 15).
    assert column(env.panel, CODE) == ["Norm-shaper"]
    model = env.panel.view.model()
    assert model.index(0, CODE).data(Qt.ItemDataRole.ToolTipRole) == "Norms/Norm-shaper"
    assert not env.panel.view.isColumnHidden(CODE)
    assert env.panel.header.text() == "1 segment in 1 document for Norms and its sub-codes"


def test_respects_the_coders_shown(env: Env) -> None:
    s = env.sample
    env.state.set_current_code(s.rivalry.id)
    env.state.set_visible_coders(frozenset({s.ann.id}))
    assert column(env.panel, CODER) == ["Ann"]
    assert env.panel.header.text().startswith("1 segment in 1 document")
    env.state.set_visible_coders(frozenset())
    assert column(env.panel, CODER) == []
    env.state.set_visible_coders(None)
    assert len(column(env.panel, CODER)) == 3


def test_double_click_reveals_the_passage(env: Env, qtbot: QtBot) -> None:
    s = env.sample
    env.state.set_current_code(s.rivalry.id)
    view = env.panel.view
    index = view.model().index(1, TEXT)
    coding = env.project.coding(str(index.data(CodingIdRole)))
    rect = view.visualRect(index)
    # A real double-click starts with a press: the view only opens the row it was pressed on.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(env.state.revealRequested, timeout=1000) as blocker:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [s.speech.id, coding.start, coding.end]
    assert env.state.current_document_id == s.speech.id
    assert env.state.current_coding_id == coding.id


def test_enter_reveals_the_current_row(env: Env, qtbot: QtBot) -> None:
    s = env.sample
    env.state.set_current_code(s.rivalry.id)
    view = env.panel.view
    view.setCurrentIndex(view.model().index(0, 0))
    with qtbot.waitSignal(env.state.revealRequested, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == [s.emoji.id, 0, EMOJI.index(" heats")]


def test_clicking_a_row_selects_the_coding_and_state_selects_the_row(
    env: Env, qtbot: QtBot
) -> None:
    s = env.sample
    env.state.set_current_code(s.rivalry.id)
    view = env.panel.view
    rect = view.visualRect(view.model().index(2, DOCUMENT))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    third = str(column(env.panel, DOCUMENT, CodingIdRole)[2])
    assert env.state.current_coding_id == third
    first = str(column(env.panel, DOCUMENT, CodingIdRole)[0])
    env.state.set_current_coding(first)  # e.g. clicked in the document view
    assert env.panel.selected_coding_id() == first


def test_refreshes_only_for_changes_to_the_shown_code(env: Env) -> None:
    s = env.sample
    env.state.set_current_code(s.rivalry.id)
    resets: list[int] = []
    env.panel.model.modelReset.connect(lambda: resets.append(1))
    env.project.add_coding(s.emoji.id, s.norms.id, s.ann.id, 0, 4)  # another code
    env.project.update_code(s.norms.id, definition="Unrelated.")
    assert resets == []
    inserted: list[int] = []
    env.panel.model.rowsInserted.connect(lambda *_: inserted.append(1))
    added = env.project.add_coding(s.emoji.id, s.rivalry.id, s.ann.id, 0, 4)
    # A new coding of the shown code is one inserted row, in order: no re-read of the list.
    assert resets == [] and inserted == [1]
    assert added.id in column(env.panel, DOCUMENT, CodingIdRole)
    assert env.panel.header.text() == "4 segments in 2 documents for Geopolitical rivalry"
    env.project.rename_document(s.emoji.id, "Forum post")
    assert column(env.panel, DOCUMENT)[0] == "Forum post"
    env.project.rename_coder(s.ben.id, "Benedikt")
    assert "Benedikt" in column(env.panel, CODER)
    env.project.remove_coding(added.id)
    assert added.id not in column(env.panel, DOCUMENT, CodingIdRole)


def test_renamed_or_deleted_code(env: Env) -> None:
    s = env.sample
    env.state.set_current_code(s.norm_shaper.id)
    env.project.update_code(s.norms.id, name="Rules")
    assert env.panel.header.text() == "1 segment in 1 document for Rules/Norm-shaper"
    env.project.delete_code(s.norm_shaper.id, codings="delete")
    assert column(env.panel, TEXT) == []
    assert env.panel.header.text() == "Select a code to see the passages coded with it."
