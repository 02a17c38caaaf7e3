"""Search across documents: hits in context, reveal, and coding hits as one undo step."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import EMOJI, SPEECH, Sample
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from annotator.ui.document.find_bar import ERROR_COLOR
from annotator.ui.panels.code_hits_dialog import CodeHitsDialog
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


def click_button(dialog: QWidget, starts: str) -> None:
    """Click the dialog's button whose text starts with ``starts``, with the mouse."""
    button = next(b for b in dialog.findChildren(QPushButton) if b.text().startswith(starts))
    assert button.isEnabled(), f"{button.text()} is disabled"
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def code_with(choose: str, unit: str = "hit") -> Callable[[QWidget], None]:
    """Steps for the "Code search hits" dialog: pick the unit, click ``choose`` (the
    current code's "Use …" button), then the Code button."""

    def steps(dialog: QWidget) -> None:
        assert isinstance(dialog, CodeHitsDialog)
        dialog.unit_buttons[unit].click()
        click_button(dialog, choose)
        click_button(dialog, "Code ")

    return steps


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
    when_modal(code_with("Use “Geopolitical rivalry”"))
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
    when_modal(code_with("Use"))
    h.dialog.code_all()
    when_modal(code_with("Use"))
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

    def choose(dialog: QWidget) -> None:
        when_modal(pick)  # the picker opens from the dialog's "Choose code…"
        click_button(dialog, "Choose code")
        click_button(dialog, "Code ")

    when_modal(choose)
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

    # Not the current code: one created in the picker.
    def choose(dialog: QWidget) -> None:
        when_modal(pick)
        click_button(dialog, "Choose code")
        click_button(dialog, "Code ")

    when_modal(choose)
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
    when_modal(lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape))
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
    h.dialog.code_all()  # nobody to ask who is coding (no window): no code is asked for
    assert errors == ["Choose who is coding first (the coder box in the toolbar)."]
    assert len(h.project.codings()) == before and h.stack.count() == 0


def test_code_all_with_nobody_coding_asks_who_first_then_codes(
    qtbot: QtBot, h: Harness, errors: list[str]
) -> None:
    """Issue 8, item 8, in the search too: "Who is coding?" at the moment it matters."""
    h.state.set_active_coder(None)
    asked: list[bool] = []

    def ask() -> None:
        asked.append(True)
        h.state.set_active_coder(h.sample.ben.id)

    h.actions.ask_coder = ask
    h.state.set_current_code(h.sample.norms.id)
    h.search(qtbot, "capacity")
    when_modal(code_with("Use “Norms”"))
    h.dialog.code_all()
    assert asked == [True] and errors == []
    bens = h.project.codings(code_ids=[h.sample.norms.id], coder_ids=[h.sample.ben.id])
    assert len(bens) == 2


def test_a_deleted_documents_hits_disappear(qtbot: QtBot, h: Harness) -> None:
    h.search(qtbot, "capacity")
    h.project.rename_document(h.sample.emoji.id, "Forum post")
    assert h.cell(1, DOC) == "Forum post"
    h.project.delete_document(h.sample.speech.id)
    assert h.dialog.model.rowCount() == 1 and h.cell(0, DOC) == "Forum post"


def test_enter_in_the_code_all_dialog_applies_nothing_until_a_code_is_chosen(
    qtbot: QtBot, h: Harness
) -> None:
    """Issue 8, item 4: the code selected in the codebook is offered, not preselected."""
    h.state.set_current_code(h.sample.norms.id)
    h.search(qtbot, "capacity")
    seen: list[bool] = []

    def steps(dialog: QWidget) -> None:
        assert isinstance(dialog, CodeHitsDialog)
        assert not dialog.code_button.isEnabled()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # nothing to apply yet
        seen.append(dialog.isVisible())
        click_button(dialog, "Use “Norms”")
        assert dialog.code_button.isEnabled() and "Norms" in dialog.code_label.text()
        qtbot.keyClick(dialog.code_button, Qt.Key.Key_Return)  # now Enter codes

    when_modal(steps)
    h.dialog.code_all()
    assert seen == [True]
    assert len(h.ann_codings(h.sample.norms.id)) == 2 and h.stack.count() == 1


def lines_of(*texts: str) -> list[str]:
    """The sample's sentences: each line of its texts is one sentence and one paragraph."""
    return [line for text in texts for line in text.split("\n") if line]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("sentence", {SPEECH.split("\n")[1], EMOJI.split("\n")[1]}),
        ("paragraph", {SPEECH.split("\n")[1], EMOJI.split("\n")[1]}),
        ("hit", {"capacity", "Capacity"}),
    ],
)
def test_code_all_widens_each_hit_to_its_sentence_or_paragraph(
    qtbot: QtBot, h: Harness, unit: str, expected: set[str]
) -> None:
    h.state.set_current_code(h.sample.norms.id)
    h.search(qtbot, "capacity")
    when_modal(code_with("Use “Norms”", unit))
    h.dialog.code_all()
    coded = {
        (SPEECH if d == h.sample.speech.id else EMOJI)[s:e]
        for d, s, e in h.ann_codings(h.sample.norms.id)
    }
    assert coded == expected and h.stack.count() == 1


def test_hits_sharing_a_sentence_code_it_once(qtbot: QtBot, h: Harness) -> None:
    h.state.set_current_code(h.sample.norms.id)
    h.dialog.word_box.setChecked(False)
    h.search(qtbot, "i")  # many hits, several in each sentence
    assert h.dialog.model.rowCount() > len(lines_of(SPEECH, EMOJI))
    when_modal(code_with("Use", "sentence"))
    h.dialog.code_all()
    stored = [
        (SPEECH if d == h.sample.speech.id else EMOJI)[s:e]
        for d, s, e in h.ann_codings(h.sample.norms.id)
    ]
    assert sorted(stored) == sorted(x for x in lines_of(SPEECH, EMOJI) if "i" in x.lower())
