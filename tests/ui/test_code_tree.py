"""CodeTreePanel driven like a researcher would: clicks, keys, drops, dialogs, undo."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from name_dialogs import TypeNames
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QRadioButton
from window_env import answering

from annotator.store import Project
from annotator.ui.codebook import code_dialogs
from annotator.ui.codebook.code_tree import CodeTreePanel
from annotator.ui.codebook.code_tree_model import CODINGS, KEY, NAME
from annotator.ui.widgets import messages
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.name_dialog import NameDialog
from annotator.ui.widgets.state import WorkbenchState, span_mime

pytestmark = pytest.mark.gui


@dataclass
class UI:
    sample: Any  # conftest.Sample
    panel: CodeTreePanel
    stack: UndoHistory
    state: WorkbenchState
    actions: CodingActions
    errors: list[str] = field(default_factory=list)
    resets: list[int] = field(default_factory=list)

    @property
    def project(self) -> Project:
        return self.sample.project

    def index(self, code_id: str, column: int = NAME) -> QModelIndex:
        return self.panel.proxy.mapFromSource(self.panel.model.index_of(code_id, column))

    def point(self, code_id: str) -> QPoint:
        return self.panel.view.visualRect(self.index(code_id)).center()

    def shown(self, parent: QModelIndex | None = None) -> list:
        """What the tree shows: nested [name, [children...]] through the filter."""
        proxy = self.panel.proxy
        parent = parent or QModelIndex()
        return [
            [proxy.index(r, NAME, parent).data(), self.shown(proxy.index(r, NAME, parent))]
            for r in range(proxy.rowCount(parent))
        ]

    def stored(self, parent_id: str | None = None) -> list:
        tree = self.project.code_tree()
        return [[c.name, self.stored(c.id)] for c in tree.children(parent_id)]


@pytest.fixture(autouse=True)
def no_model_test_failures(qtlog) -> Iterator[None]:
    yield
    failures = [r.message for r in qtlog.records if "FAIL!" in r.message]
    assert failures == [], "QAbstractItemModelTester: " + "; ".join(failures)


@pytest.fixture
def ui(sample, qtbot, monkeypatch) -> Iterator[UI]:
    errors: list[str] = []
    monkeypatch.setattr(
        messages, "show_error", lambda parent, err, title="": errors.append(str(err))
    )
    events = ProjectEvents(sample.project)
    stack = UndoHistory(sample.project)
    state = WorkbenchState()
    state.set_active_coder(sample.ann.id)
    actions = CodingActions(sample.project, stack, state)
    panel = CodeTreePanel(sample.project, events, stack, state, actions)
    # Qt's model checker, parented so it lives (and checks every signal) with the model.
    QAbstractItemModelTester(
        panel.model, QAbstractItemModelTester.FailureReportingMode.Warning, panel.model
    )
    qtbot.addWidget(panel)
    panel.resize(420, 360)
    panel.show()
    qtbot.waitExposed(panel)
    u = UI(sample, panel, stack, state, actions, errors)
    panel.model.modelReset.connect(lambda: u.resets.append(1))
    yield u
    assert u.resets == [], "an ordinary change must not reset the tree"
    events.detach()


def click(qtbot, u: UI, code_id: str) -> None:
    qtbot.mouseClick(u.panel.view.viewport(), Qt.MouseButton.LeftButton, pos=u.point(code_id))


def type_new_name(qtbot, u: UI, code_id: str, text: str) -> None:
    """Select the code, press F2, type over the name in the editor and press Enter."""
    view = u.panel.view
    click(qtbot, u, code_id)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == u.panel.model.code(code_id).name
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits Enter through a queued call, after the editor saw the key.
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)


def check(qtbot, button: QRadioButton) -> None:
    """Click a radio button on its indicator, where a researcher clicks."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))


def drop(u: UI, data: QMimeData, pos: QPoint, action=Qt.DropAction.MoveAction) -> None:
    """Deliver enter, move and drop events at ``pos`` on the tree's viewport."""
    vp = u.panel.view.viewport()
    actions = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(vp, QDragEnterEvent(pos, actions, data, buttons, mods))
    QApplication.sendEvent(vp, QDragMoveEvent(pos, actions, data, buttons, mods))
    dropped = QDropEvent(QPointF(pos), actions, data, buttons, mods)
    dropped.setDropAction(action)
    QApplication.sendEvent(vp, dropped)


def drag_code(qtbot, u: UI, code_id: str, pos: QPoint) -> None:
    """Press on the code and move past the drag distance (the view starts its drag), then drop.

    The offscreen platform's QDrag.exec returns at once without a drag loop, so the
    drop is delivered as real drag events carrying what the view puts on its QDrag
    (the model's mime data for the selected row).
    """
    vp = u.panel.view.viewport()
    start = u.point(code_id)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(vp, start + QPoint(0, QApplication.startDragDistance() + 8))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=start)
    assert u.panel.current_code_id() == code_id
    data = u.panel.proxy.mimeData(u.panel.view.selectionModel().selectedIndexes())
    drop(u, data, pos)


def test_tree_shows_the_codebook_with_counts_and_quick_keys(ui):
    s = ui.sample
    ui.panel.set_quick_key(s.rivalry.id, 3)
    assert ui.shown() == ui.stored()
    assert ui.shown() == [["Norms", [["Norm-shaper", []]]], ["Geopolitical rivalry", []]]
    assert ui.index(s.rivalry.id, CODINGS).data() == "3"
    assert ui.index(s.rivalry.id, KEY).data() == "3"
    assert ui.panel.filter.placeholderText() == "Filter codes"
    assert ui.panel.findChild(QLineEdit, "codeFilter") is ui.panel.filter
    assert ui.panel.view.objectName() == "codeTree"
    assert set(ui.panel.actions_by_name) == {
        "actionAddCode",
        "actionAddChildCode",
        "actionRenameCode",
        "actionRecolourCode",
        "actionMergeCode",
        "actionDeleteCode",
        "actionSetQuickKey",
    }
    assert all(a.objectName() == n for n, a in ui.panel.actions_by_name.items())
    menu_names = {a.objectName() for a in ui.panel.context_menu().actions() if not a.isSeparator()}
    assert menu_names == set(ui.panel.actions_by_name)


def test_add_code_and_child_code_then_undo_and_redo(ui):
    s, panel = ui.sample, ui.panel
    code = panel.add_code("  Soft   power ")
    assert code is not None and code.name == "Soft power"
    child = panel.add_code("Culture", code.id)
    assert child is not None
    assert ui.stored() == ui.shown()
    assert ui.shown()[-1] == ["Soft power", [["Culture", []]]]
    assert panel.current_code_id() == child.id == ui.state.current_code_id
    assert ui.stack.undoText() == "Add child code Culture"
    ui.stack.undo()
    ui.stack.undo()
    assert {c.name for c in ui.project.codes()} == {"Norms", "Geopolitical rivalry", "Norm-shaper"}
    assert ui.shown() == ui.stored()
    ui.stack.redo()
    ui.stack.redo()
    assert ui.project.code(child.id).parent_id == code.id and ui.shown() == ui.stored()
    assert ui.errors == []
    assert s.norms.id in panel.model.code_ids()


def test_add_code_refuses_an_empty_or_duplicate_name(ui):
    assert ui.panel.add_code("   ") is None
    assert ui.panel.add_code("norms") is None
    assert len(ui.errors) == 2 and "name" in ui.errors[0] and "Norms" in ui.errors[1]
    assert len(ui.project.codes()) == 3 and ui.stack.count() == 0


def test_rename_in_place_with_f2_typing_and_enter(qtbot, ui):
    s = ui.sample
    type_new_name(qtbot, ui, s.rivalry.id, "Great-power rivalry")
    assert ui.project.code(s.rivalry.id).name == "Great-power rivalry"
    assert ui.index(s.rivalry.id).data() == "Great-power rivalry"
    assert ui.stack.undoText() == "Rename code Geopolitical rivalry to Great-power rivalry"
    ui.stack.undo()
    assert ui.project.code(s.rivalry.id).name == "Geopolitical rivalry"
    assert ui.index(s.rivalry.id).data() == "Geopolitical rivalry"
    ui.stack.redo()
    assert ui.index(s.rivalry.id).data() == "Great-power rivalry"


def test_rename_to_a_sibling_name_is_refused_with_a_message(qtbot, ui):
    s = ui.sample
    type_new_name(qtbot, ui, s.rivalry.id, "NORMS")
    assert ui.errors == ["A code named 'Norms' already exists at the top level."]
    assert ui.project.code(s.rivalry.id).name == "Geopolitical rivalry"
    assert ui.index(s.rivalry.id).data() == "Geopolitical rivalry"
    assert ui.stack.count() == 0


def test_edits_of_an_unknown_code_are_refused_with_a_message(ui):
    assert not ui.panel.recolour("gone", "#FF0000")
    assert not ui.panel.move("gone", None, 0)
    assert not ui.panel.delete("gone", "delete")
    assert ui.errors == ["No code with id gone."] * 3 and ui.stack.count() == 0


def test_recolour_updates_the_swatch_and_undoes(ui):
    s = ui.sample
    assert ui.panel.recolour(s.norms.id, "#00aa00")

    def swatch() -> str:
        icon = ui.index(s.norms.id).data(Qt.ItemDataRole.DecorationRole)
        return icon.pixmap(14, 14).toImage().pixelColor(7, 7).name().upper()

    assert ui.project.code(s.norms.id).color == "#00AA00" and swatch() == "#00AA00"
    ui.stack.undo()
    assert ui.project.code(s.norms.id).color == "#4363D8" and swatch() == "#4363D8"
    assert not ui.panel.recolour(s.norms.id, "greenish")
    assert ui.errors == ["'greenish' is not a colour (expected #RRGGBB)."]


def test_quick_key_moves_from_the_code_that_had_it_and_undoes(ui):
    s = ui.sample
    ui.panel.set_quick_key(s.norms.id, 2)
    ui.panel.set_quick_key(s.rivalry.id, 2)
    assert (
        ui.project.code(s.rivalry.id).quick_key == 2
        and ui.project.code(s.norms.id).quick_key is None
    )
    assert ui.index(s.rivalry.id, KEY).data() == "2" and ui.index(s.norms.id, KEY).data() == ""
    ui.stack.undo()
    assert ui.index(s.norms.id, KEY).data() == "2" and ui.index(s.rivalry.id, KEY).data() == ""
    assert not ui.panel.set_quick_key(s.norms.id, 12)
    assert ui.errors == ["A quick key is a digit from 1 to 9."]


def test_quick_key_action_asks_and_sets(ui, monkeypatch):
    s = ui.sample
    ui.panel.select_code(s.rivalry.id)
    asked: dict[str, object] = {}

    def answer(parent: object, name: str, current: int | None, holders: object) -> tuple[bool, int]:
        asked.update(name=name, current=current)
        return True, 5

    monkeypatch.setattr(code_dialogs, "ask_quick_key", answer)
    ui.panel.actions_by_name["actionSetQuickKey"].trigger()
    assert asked == {"name": "Geopolitical rivalry", "current": None}
    assert ui.project.code(s.rivalry.id).quick_key == 5


def test_drag_a_code_onto_another_makes_it_a_child(qtbot, ui):
    s = ui.sample
    drag_code(qtbot, ui, s.rivalry.id, ui.point(s.norms.id))
    qtbot.waitUntil(lambda: ui.project.code(s.rivalry.id).parent_id == s.norms.id)
    assert ui.shown() == [["Norms", [["Norm-shaper", []], ["Geopolitical rivalry", []]]]]
    assert ui.stack.undoText() == "Move code Geopolitical rivalry"
    ui.stack.undo()
    assert ui.project.code(s.rivalry.id).parent_id is None and ui.shown() == ui.stored()
    ui.stack.redo()
    assert ui.shown() == ui.stored() and ui.errors == []


def test_drag_between_codes_reorders_and_reparents(qtbot, ui):
    s = ui.sample
    # Just above the top edge of "Norms": before it, at the top level.
    top = ui.panel.view.visualRect(ui.index(s.norms.id)).top()
    drag_code(qtbot, ui, s.rivalry.id, QPoint(ui.point(s.norms.id).x(), top + 1))
    qtbot.waitUntil(lambda: ui.shown()[0][0] == "Geopolitical rivalry")
    assert ui.shown() == ui.stored()
    # A child dropped just above its parent's sibling leaves the parent: top level, first.
    top = ui.panel.view.visualRect(ui.index(s.rivalry.id)).top()
    drag_code(qtbot, ui, s.norm_shaper.id, QPoint(ui.point(s.rivalry.id).x(), top + 1))
    qtbot.waitUntil(lambda: ui.project.code(s.norm_shaper.id).parent_id is None)
    assert ui.shown() == [["Norm-shaper", []], ["Geopolitical rivalry", []], ["Norms", []]]
    # Dropped on the empty space below the codes: last at the top level.
    drag_code(qtbot, ui, s.rivalry.id, QPoint(20, ui.panel.view.viewport().height() - 5))
    qtbot.waitUntil(lambda: ui.shown()[-1][0] == "Geopolitical rivalry")
    assert (
        ui.shown()
        == [["Norm-shaper", []], ["Norms", []], ["Geopolitical rivalry", []]]
        == ui.stored()
    )
    for _ in range(3):
        ui.stack.undo()
    assert (
        ui.shown()
        == [["Norms", [["Norm-shaper", []]]], ["Geopolitical rivalry", []]]
        == ui.stored()
    )


def test_dropping_a_code_into_its_own_child_is_refused(qtbot, ui):
    s = ui.sample
    drag_code(qtbot, ui, s.norms.id, ui.point(s.norm_shaper.id))
    qtbot.waitUntil(lambda: ui.errors != [])
    assert ui.errors == ["Cannot move 'Norms' inside itself or one of its own sub-codes."]
    assert ui.project.code(s.norm_shaper.id).parent_id == s.norms.id
    assert ui.shown() == ui.stored() and ui.stack.count() == 0


def test_move_next_to_a_code_with_the_same_name_is_refused(qtbot, ui):
    s = ui.sample
    twin = ui.panel.add_code("norm-shaper")
    assert twin is not None
    drag_code(qtbot, ui, twin.id, ui.point(s.norms.id))
    qtbot.waitUntil(lambda: ui.errors != [])
    assert ui.errors == ["A code named 'Norm-shaper' already exists under 'Norms'."]
    assert ui.project.code(twin.id).parent_id is None and ui.shown() == ui.stored()
    assert ui.stack.count() == 1  # only the add


def test_merge_moves_codings_and_undoes(ui, monkeypatch):
    s = ui.sample
    ui.panel.select_code(s.norm_shaper.id)
    monkeypatch.setattr(
        code_dialogs,
        "ask_merge_target",
        lambda parent, name, choices: next(
            cid for cid, path in choices if path == "Geopolitical rivalry"
        ),
    )
    ui.panel.actions_by_name["actionMergeCode"].trigger()
    assert {c.name for c in ui.project.codes()} == {"Norms", "Geopolitical rivalry"}
    assert ui.index(s.rivalry.id, CODINGS).data() == "4"
    assert ui.stack.undoText() == "Merge Norm-shaper into Geopolitical rivalry"
    ui.stack.undo()
    assert ui.shown() == ui.stored() and ui.index(s.norm_shaper.id, CODINGS).data() == "1"
    assert ui.index(s.rivalry.id, CODINGS).data() == "3"
    assert not ui.panel.merge(s.norms.id, s.norm_shaper.id)
    assert ui.errors == ["A code cannot be merged into one of its own sub-codes."]


def test_merge_and_delete_dialogs_offer_the_paths_the_picker_shows(ui, monkeypatch):
    """One path format (core.codebook): a "/" inside a name is escaped, as in the code picker."""
    s = ui.sample
    slashed = ui.panel.add_code("either/or")
    assert slashed is not None
    ui.project.move_code(slashed.id, s.norm_shaper.id)
    offered: list[list[tuple[str, str]]] = []
    monkeypatch.setattr(
        code_dialogs, "ask_merge_target", lambda parent, name, choices: offered.append(choices)
    )
    monkeypatch.setattr(
        code_dialogs,
        "ask_delete",
        lambda parent, name, codings, subs, choices: offered.append(choices),
    )
    ui.panel.select_code(s.rivalry.id)
    ui.panel.actions_by_name["actionMergeCode"].trigger()
    ui.panel.actions_by_name["actionDeleteCode"].trigger()
    tree = ui.project.code_tree()
    expected = [(c.id, tree.path(c.id)) for c in tree.walk() if c.id != s.rivalry.id]
    assert offered == [expected, expected]
    assert (slashed.id, "Norms/Norm-shaper/either\\/or") in expected


def test_delete_with_its_codings_and_undo(ui):
    s = ui.sample
    assert ui.panel.delete(s.rivalry.id, "delete")
    assert ui.shown() == [["Norms", [["Norm-shaper", []]]]]
    assert ui.project.codings(code_ids=[s.rivalry.id]) == [] and len(ui.project.codings()) == 1
    ui.stack.undo()
    assert ui.shown() == ui.stored() and len(ui.project.codings()) == 4
    assert ui.index(s.rivalry.id, CODINGS).data() == "3"


def test_delete_moving_codings_through_the_real_dialog(qtbot, ui):
    s = ui.sample
    ui.panel.select_code(s.rivalry.id)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, code_dialogs.DeleteCodeDialog)
        radio = dialog.findChild(QRadioButton, "moveCodings")
        assert radio is not None
        check(qtbot, radio)
        dialog.target.select(s.norm_shaper.id)
        button = dialog.findChild(QPushButton, "confirmDelete")
        assert button is not None
        button.click()

    QTimer.singleShot(0, answer)
    ui.panel.actions_by_name["actionDeleteCode"].trigger()
    assert ui.shown() == [["Norms", [["Norm-shaper", []]]]]
    assert len(ui.project.codings(code_ids=[s.norm_shaper.id])) == 4
    assert ui.index(s.norm_shaper.id, CODINGS).data() == "4"
    ui.stack.undo()
    assert ui.shown() == ui.stored() and ui.index(s.norm_shaper.id, CODINGS).data() == "1"


def test_cancelling_the_delete_dialog_changes_nothing(qtbot, ui):
    ui.panel.select_code(ui.sample.norms.id)

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, code_dialogs.DeleteCodeDialog)
        # Codings cannot move into the code being deleted or its sub-codes.
        offered = [dialog.target.itemText(i) for i in range(dialog.target.count())]
        assert offered == ["Geopolitical rivalry"]
        dialog.reject()

    QTimer.singleShot(0, cancel)
    ui.panel.actions_by_name["actionDeleteCode"].trigger()
    assert len(ui.project.codes()) == 3 and ui.stack.count() == 0 and ui.shown() == ui.stored()


def test_delete_dialog_offers_both_choices(qtbot):
    dialog = code_dialogs.DeleteCodeDialog("Norms", 5, 1, [("a", "Rivalry"), ("b", "Other")])
    qtbot.addWidget(dialog)
    assert dialog.delete_button.text() == "Delete the 5 codings"
    assert dialog.choice() == code_dialogs.DeleteChoice("delete")
    dialog.show()
    check(qtbot, dialog.move_button)
    assert dialog.target.isEnabled()
    dialog.target.select("b")
    assert dialog.choice() == code_dialogs.DeleteChoice("move", "b")
    empty = code_dialogs.DeleteCodeDialog("Unused", 0, 0, [("a", "Rivalry")])
    qtbot.addWidget(empty)
    assert empty.choice() == code_dialogs.DeleteChoice("delete") and empty.move_button.isHidden()


def test_merge_dialog_wants_a_listed_code(qtbot):
    dialog = code_dialogs.MergeCodeDialog(
        "Norms", [("a", "Rivalry"), ("b", "Governance/Standards")]
    )
    qtbot.addWidget(dialog)
    dialog.show()
    line = dialog.target.lineEdit()
    assert line is not None
    line.clear()
    qtbot.keyClicks(line, "nothing like it")
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.error.text() == "Choose one of the listed codes."
    line.clear()
    qtbot.keyClicks(line, "governance/standards")
    dialog.ok_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.choice() == "b"


def test_new_coding_updates_counts_without_a_reset(ui):
    s = ui.sample
    changed: list[int] = []
    ui.panel.model.dataChanged.connect(lambda tl, br, roles=(): changed.append(tl.row()))
    ui.actions.apply(s.norms.id, s.speech.id, 0, 5)
    # Norms has a sub-code: its own count, then with its sub-codes (issue 8, item 16).
    assert ui.index(s.norms.id, CODINGS).data() == "1 / 2"
    assert changed == [ui.panel.model.index_of(s.norms.id).row()]
    ui.stack.undo()
    assert ui.index(s.norms.id, CODINGS).data() == "0 / 1"
    # ``ui`` asserts at teardown that modelReset never fired.


def test_counts_follow_the_visible_coders(ui):
    s = ui.sample
    ui.state.set_visible_coders(frozenset({s.ben.id}))
    assert ui.index(s.rivalry.id, CODINGS).data() == "2"
    assert ui.index(s.norm_shaper.id, CODINGS).data() == "0"
    ui.state.set_visible_coders(None)
    assert ui.index(s.rivalry.id, CODINGS).data() == "3"


def test_filter_keeps_ancestors_and_ignores_case(qtbot, ui):
    qtbot.keyClicks(ui.panel.filter, "SHAPER")
    assert ui.shown() == [["Norms", [["Norm-shaper", []]]]]
    assert ui.panel.view.isExpanded(ui.index(ui.sample.norms.id))
    ui.panel.filter.clear()
    qtbot.keyClicks(ui.panel.filter, "rival")
    assert ui.shown() == [["Geopolitical rivalry", []]]
    qtbot.keyClick(ui.panel.filter, Qt.Key.Key_Return)
    assert ui.panel.current_code_id() == ui.sample.rivalry.id
    ui.panel.filter.clear()
    assert ui.shown() == ui.stored()


def test_dropping_a_text_selection_on_a_code_applies_it(ui):
    s = ui.sample
    drop(ui, span_mime(s.speech.id, 60, 74), ui.point(s.norms.id), Qt.DropAction.CopyAction)
    codings = ui.project.codings(code_ids=[s.norms.id])
    assert [(c.document_id, c.start, c.end, c.coder_id) for c in codings] == [
        (s.speech.id, 60, 74, s.ann.id)
    ]
    assert ui.index(s.norms.id, CODINGS).data() == "1 / 2"
    assert ui.stack.undoText() == "Code with Norms"
    # Outside any code nothing happens.
    drop(ui, span_mime(s.speech.id, 0, 5), QPoint(5, ui.panel.view.viewport().height() - 3))
    assert len(ui.project.codings()) == 5 and ui.errors == []


def test_double_click_and_enter_ask_to_apply_the_code(qtbot, ui):
    s = ui.sample
    activated: list[str] = []
    ui.panel.codeActivated.connect(activated.append)
    vp = ui.panel.view.viewport()
    # Qt 6's QTest.mouseDClick sends only the double-click event; a real one follows a click.
    click(qtbot, ui, s.norm_shaper.id)
    qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=ui.point(s.norm_shaper.id))
    assert activated == [s.norm_shaper.id]
    assert ui.panel.view.viewport().findChild(QLineEdit) is None  # double-click does not rename
    click(qtbot, ui, s.rivalry.id)
    qtbot.keyClick(ui.panel.view, Qt.Key.Key_Return)
    assert activated == [s.norm_shaper.id, s.rivalry.id]


def test_current_code_follows_the_tree_and_the_shared_state(qtbot, ui):
    s = ui.sample
    click(qtbot, ui, s.norm_shaper.id)
    assert ui.state.current_code_id == s.norm_shaper.id
    ui.state.set_current_code(s.rivalry.id)
    assert ui.panel.current_code_id() == s.rivalry.id
    assert ui.panel.view.selectionModel().isSelected(ui.index(s.rivalry.id))


def test_menu_actions_ask_then_edit_the_current_code(qtbot, ui, monkeypatch):
    s, a = ui.sample, ui.panel.actions_by_name
    ui.panel.select_code(None)
    assert a["actionAddCode"].isEnabled() and not a["actionDeleteCode"].isEnabled()
    monkeypatch.setattr(
        code_dialogs, "ask_name", lambda parent, title, label, attempt: attempt("Alliances") is None
    )
    a["actionAddCode"].trigger()
    alliances = ui.panel.current_code_id()
    assert alliances is not None and ui.project.code(alliances).name == "Alliances"
    assert a["actionDeleteCode"].isEnabled()
    monkeypatch.setattr(
        code_dialogs, "ask_name", lambda parent, title, label, attempt: attempt("NATO") is None
    )
    a["actionAddChildCode"].trigger()
    nato = ui.project.find_code("Alliances/NATO")
    assert ui.panel.view.isExpanded(ui.index(alliances)) and ui.index(nato.id).isValid()
    monkeypatch.setattr(code_dialogs, "ask_color", lambda parent, name, current: "#123456")
    a["actionRecolourCode"].trigger()
    assert ui.project.code(nato.id).color == "#123456"
    ui.panel.select_code(s.norms.id)
    a["actionRenameCode"].trigger()
    assert ui.panel.view.state() == ui.panel.view.State.EditingState
    assert [ui.stack.text(i) for i in range(ui.stack.count())] == [
        "Add code Alliances",
        "Add child code NATO",
        "Change colour of NATO",
    ]


def test_a_taken_code_name_is_said_beside_the_field_and_the_dialog_keeps_it(qtbot, ui):
    """Issue 8, item 12: the dialog stays open with the typed name and the reason."""
    s = ui.sample
    ui.panel.select_code(s.norms.id)
    typed = TypeNames("Norm-shaper", "Norm-taker")  # a sibling has the first name
    with answering(NameDialog, typed) as asked:
        ui.panel.actions_by_name["actionAddChildCode"].trigger()
    assert len(asked) == 1  # one dialog throughout
    [(message, field)] = typed.refusals
    assert "Norm-shaper" in message and field == "Norm-shaper"
    taker = ui.project.find_code("Norms/Norm-taker")
    assert ui.panel.current_code_id() == taker.id
    assert [ui.stack.text(i) for i in range(ui.stack.count())] == ["Add child code Norm-taker"]
