"""Search across documents: hits in context, reveal, and coding hits as one undo step."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import EMOJI, SPEECH, Sample
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from annotator.ui.document.find_bar import ERROR_COLOR
from annotator.ui.panels.search_dialog import BEFORE, DOC, MATCH, SearchDialog
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.code_picker import CodePicker
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState


class Harness:
    def __init__(self, qtbot: QtBot, sample: Sample) -> None:
        self.sample, self.project = sample, sample.project
        self.events = ProjectEvents(sample.project)
        self.stack = UndoHistory(sample.project)
        self.state = WorkbenchState()
        self.state.set_active_coder(sample.ann.id)
        self.actions = CodingActions(sample.project, self.stack, self.state)
        self.dialog = SearchDialog(sample.project, self.events, self.state, self.actions)
        qtbot.addWidget(self.dialog)
        self.dialog.show()

    def search(self, qtbot: QtBot, query: str) -> None:
        """Type the query and press Enter; return once every hit is listed (the search
        runs off the GUI thread)."""
        self.dialog.query_edit.clear()
        qtbot.keyClicks(self.dialog.query_edit, query)
        with qtbot.waitSignal(self.dialog.searchFinished):
            qtbot.keyClick(self.dialog.query_edit, Qt.Key.Key_Return)

    def click_option(self, qtbot: QtBot, box: QCheckBox) -> None:
        """Tick or untick an option: the search runs again; return once it has finished."""
        with qtbot.waitSignal(self.dialog.searchFinished):
            box.click()

    def cell(self, row: int, col: int) -> str:
        return str(self.dialog.model.index(row, col).data())

    def ann_codings(self, code_id: str) -> list[tuple[str, int, int]]:
        return [
            (c.document_id, c.start, c.end)
            for c in self.project.codings(code_ids=[code_id], coder_ids=[self.sample.ann.id])
        ]


@pytest.fixture
def h(qtbot: QtBot, sample: Sample) -> Harness:
    return Harness(qtbot, sample)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        "annotator.ui.widgets.messages.show_error",
        lambda parent, problem, title="Annotator": shown.append(str(problem)),
    )
    return shown


def when_modal(steps: Callable[[QWidget], None]) -> None:
    """Act on the next modal dialog (message box or picker) once it is showing."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None, "no dialog opened"
        steps(dialog)

    QTimer.singleShot(0, run)


def click_button(box: QWidget, starts: str) -> None:
    assert isinstance(box, QMessageBox)
    button = next(b for b in box.buttons() if b.text().startswith(starts))
    button.click()


def test_hits_are_listed_in_context_across_documents(qtbot: QtBot, h: Harness) -> None:
    assert h.dialog.objectName() == "searchDialog" and not h.dialog.isModal()
    h.search(qtbot, "capacity")
    assert h.dialog.model.rowCount() == 2
    assert [h.cell(r, DOC) for r in range(2)] == ["Speech", "Emoji post"]
    assert [h.cell(r, MATCH) for r in range(2)] == ["capacity", "Capacity"]
    assert h.cell(0, BEFORE).endswith("We must build ")
    assert h.dialog.model.index(0, MATCH).data(Qt.ItemDataRole.FontRole).bold()
    assert h.dialog.count_label.text() == "2 matches in 2 documents."
    h.click_option(qtbot, h.dialog.word_box)  # options re-run the search
    h.click_option(qtbot, h.dialog.case_box)
    assert h.dialog.model.rowCount() == 1 and h.cell(0, DOC) == "Speech"  # "Capacity" left out
    h.search(qtbot, "unicorns")
    assert h.dialog.count_label.text() == "No matches." and not h.dialog.code_all_button.isEnabled()


def test_code_all_with_the_current_code_is_one_undo_step(qtbot: QtBot, h: Harness) -> None:
    rivalry = h.sample.rivalry.id
    h.state.set_current_code(rivalry)
    h.search(qtbot, "capacity")
    before = len(h.project.codings())
    when_modal(lambda box: click_button(box, "Use “Geopolitical rivalry”"))
    qtbot.mouseClick(h.dialog.code_all_button, Qt.MouseButton.LeftButton)
    speech, emoji = h.sample.speech.id, h.sample.emoji.id
    s1, s2 = SPEECH.index("capacity"), EMOJI.index("Capacity")
    assert set(h.ann_codings(rivalry)) >= {(speech, s1, s1 + 8), (emoji, s2, s2 + 8)}
    assert len(h.project.codings()) == before + 2
    assert h.stack.count() == 1
    assert h.dialog.feedback.text() == "Coded 2 passages with “Geopolitical rivalry”."
    h.stack.undo()
    assert len(h.project.codings()) == before
    assert h.actions.recent_codes[0] == rivalry


def test_code_all_again_adds_no_duplicates(qtbot: QtBot, h: Harness) -> None:
    h.state.set_current_code(h.sample.norms.id)
    h.search(qtbot, "capacity")
    when_modal(lambda box: click_button(box, "Use"))
    h.dialog.code_all()
    when_modal(lambda box: click_button(box, "Use"))
    h.dialog.code_all()
    assert len(h.ann_codings(h.sample.norms.id)) == 2 and h.stack.count() == 1
    assert h.dialog.feedback.text().startswith("Nothing to do")


def test_code_selected_with_a_code_from_the_picker(qtbot: QtBot, h: Harness) -> None:
    already = h.ann_codings(h.sample.norm_shaper.id)
    h.search(qtbot, "rivalry")
    assert h.dialog.model.rowCount() == 2 and not h.dialog.code_selected_button.isEnabled()
    rect = h.dialog.table.visualRect(h.dialog.model.index(1, MATCH))
    qtbot.mouseClick(h.dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert h.dialog.code_selected_button.isEnabled()

    def pick(picker: QWidget) -> None:
        assert isinstance(picker, CodePicker)
        qtbot.keyClicks(picker.filter_edit, "shaper")
        qtbot.keyClick(picker.filter_edit, Qt.Key.Key_Return)

    when_modal(pick)
    qtbot.mouseClick(h.dialog.code_selected_button, Qt.MouseButton.LeftButton)
    start = EMOJI.index("rivalry")
    added = set(h.ann_codings(h.sample.norm_shaper.id)) - set(already)
    assert added == {(h.sample.emoji.id, start, start + 7)}  # the selected hit only
    assert h.stack.count() == 1


def test_code_all_with_a_new_code_creates_and_codes_in_one_undo_step(
    qtbot: QtBot, h: Harness
) -> None:
    h.state.set_current_code(h.sample.norms.id)
    h.search(qtbot, "China")

    def pick(picker: QWidget) -> None:
        assert isinstance(picker, CodePicker)
        qtbot.keyClicks(picker.filter_edit, "China mentions")
        qtbot.keyClick(picker.filter_edit, Qt.Key.Key_Return)

    # Decline the current code, then create one in the picker.
    def decline(box: QWidget) -> None:
        when_modal(pick)  # the picker opens once the question is answered
        click_button(box, "Choose another")

    when_modal(decline)
    h.dialog.code_all()
    code = h.project.find_code("China mentions")
    assert [s for _, s, _ in h.ann_codings(code.id)] == [0, SPEECH.index("China are")]
    assert h.stack.count() == 1
    h.stack.undo()
    assert [c.name for c in h.project.codes()].count("China mentions") == 0
    assert not [c for c in h.project.codings() if c.code_id == code.id]
    h.stack.redo()
    assert len(h.ann_codings(code.id)) == 2


def test_cancelling_changes_nothing(qtbot: QtBot, h: Harness) -> None:
    h.search(qtbot, "China")
    when_modal(lambda picker: qtbot.keyClick(picker, Qt.Key.Key_Escape))
    h.dialog.code_all()
    assert h.stack.count() == 0 and h.dialog.feedback.text() == ""


def test_double_click_reveals_the_hit(qtbot: QtBot, h: Harness) -> None:
    h.search(qtbot, "heats")
    rect = h.dialog.table.visualRect(h.dialog.model.index(0, MATCH))
    viewport = h.dialog.table.viewport()
    with qtbot.waitSignal(h.state.revealRequested) as signal:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    start = EMOJI.index("heats")
    assert signal.args == [h.sample.emoji.id, start, start + 5]
    assert h.state.current_document_id == h.sample.emoji.id


def test_bad_regex_is_reported_inline(qtbot: QtBot, h: Harness, errors: list[str]) -> None:
    h.dialog.regex_box.click()  # no query yet: nothing is searched
    h.search(qtbot, "(China")
    assert "not a valid regular expression" in h.dialog.count_label.text()
    assert ERROR_COLOR in h.dialog.count_label.styleSheet()
    assert h.dialog.model.rowCount() == 0 and errors == []
    h.search(qtbot, r"Chin\w")
    assert h.dialog.count_label.text() == "2 matches in 1 document."
    assert h.dialog.count_label.styleSheet() == ""


def test_without_a_coder_nothing_is_coded(qtbot: QtBot, h: Harness, errors: list[str]) -> None:
    h.state.set_active_coder(None)
    h.state.set_current_code(h.sample.norms.id)
    h.search(qtbot, "China")
    before = len(h.project.codings())
    h.dialog.code_all()  # no picker or question opens: the error comes first
    assert errors == ["Choose who is coding first (the coder box in the toolbar)."]
    assert len(h.project.codings()) == before and h.stack.count() == 0


def test_a_deleted_documents_hits_disappear(qtbot: QtBot, h: Harness) -> None:
    h.search(qtbot, "capacity")
    h.project.rename_document(h.sample.emoji.id, "Forum post")
    assert h.cell(1, DOC) == "Forum post"
    h.project.delete_document(h.sample.speech.id)
    assert h.dialog.model.rowCount() == 1 and h.cell(0, DOC) == "Forum post"
