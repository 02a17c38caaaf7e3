"""The keyboard code picker: filter by path, recent codes first, arrows + Enter, create, Esc."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Sample
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.store import Project
from annotator.ui.widgets.code_picker import CodePicker, PickResult, choose_code, pick_code

Key = Qt.Key


def rows(picker: CodePicker) -> list[str]:
    return [picker.list.item(r).text() for r in range(picker.list.count())]


def current(picker: CodePicker) -> str:
    item = picker.list.currentItem()
    return item.text() if item is not None else ""


def make(qtbot: QtBot, sample: Sample, recent: list[str] | None = None, **kw: object) -> CodePicker:
    picker = CodePicker(sample.project, recent or [], **kw)  # type: ignore[arg-type]
    qtbot.addWidget(picker)
    picker.show()
    picker.filter_edit.setFocus()
    return picker


def test_lists_every_code_by_path_in_codebook_order(qtbot: QtBot, sample: Sample) -> None:
    picker = make(qtbot, sample)
    assert rows(picker) == ["Norms", "Norms/Norm-shaper", "Geopolitical rivalry"]
    assert current(picker) == "Norms"
    assert not picker.list.item(0).icon().isNull()  # colour swatch


def test_typing_filters_by_any_part_of_the_path_case_insensitively(
    qtbot: QtBot, sample: Sample
) -> None:
    picker = make(qtbot, sample)
    qtbot.keyClicks(picker.filter_edit, "SHAPER")
    assert rows(picker) == ["Norms/Norm-shaper", "Create code “SHAPER”"]
    assert current(picker) == "Norms/Norm-shaper"
    picker.filter_edit.clear()
    qtbot.keyClicks(picker.filter_edit, "norms/")  # part of the parent's path selects its children
    assert rows(picker) == ["Norms/Norm-shaper", "Create code “norms/”"]


def test_arrows_move_while_typing_and_enter_applies(qtbot: QtBot, sample: Sample) -> None:
    picker = make(qtbot, sample)
    qtbot.keyClicks(picker.filter_edit, "norm")
    assert rows(picker)[:2] == ["Norms", "Norms/Norm-shaper"]
    qtbot.keyClick(picker.filter_edit, Key.Key_Down)
    assert current(picker) == "Norms/Norm-shaper"
    assert picker.focusWidget() is picker.filter_edit and picker.filter_edit.text() == "norm"
    qtbot.keyClick(picker.filter_edit, Key.Key_Up)
    qtbot.keyClick(picker.filter_edit, Key.Key_Up)  # stays on the first
    assert current(picker) == "Norms"
    qtbot.keyClick(picker.filter_edit, Key.Key_Down)
    with qtbot.waitSignal(picker.accepted):
        qtbot.keyClick(picker.filter_edit, Key.Key_Return)
    assert picker.selected_code_id == sample.norm_shaper.id
    assert picker.pick_result() == PickResult(sample.norm_shaper.id, None)


def test_recent_codes_come_first_under_a_heading_without_duplicates(
    qtbot: QtBot, sample: Sample
) -> None:
    picker = make(qtbot, sample, [sample.rivalry.id, sample.norms.id, "gone-code-id"])
    assert rows(picker) == [
        "Recent",
        "Geopolitical rivalry",
        "Norms",
        "All codes",
        "Norms/Norm-shaper",
    ]
    assert current(picker) == "Geopolitical rivalry"  # Enter at once re-applies the last code
    # Headings are skipped by the arrows.
    qtbot.keyClick(picker.filter_edit, Key.Key_Down)
    qtbot.keyClick(picker.filter_edit, Key.Key_Down)
    assert current(picker) == "Norms/Norm-shaper"
    qtbot.keyClick(picker.filter_edit, Key.Key_Return)
    assert picker.selected_code_id == sample.norm_shaper.id


def test_an_exact_name_is_highlighted_and_offers_no_create(qtbot: QtBot, sample: Sample) -> None:
    picker = make(qtbot, sample)
    qtbot.keyClicks(picker.filter_edit, "norm-shaper")
    assert rows(picker) == ["Norms/Norm-shaper"]
    picker.filter_edit.setText("norms")
    assert current(picker) == "Norms" and not any(r.startswith("Create") for r in rows(picker))


def test_double_click_applies_a_code(qtbot: QtBot, sample: Sample) -> None:
    picker = make(qtbot, sample)
    item = picker.list.item(2)
    rect = picker.list.visualItemRect(item)
    # A real double-click: press/release, then the double-click event.
    qtbot.mouseClick(picker.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert picker.selected_code_id is None and picker.isVisible()  # one click only highlights
    qtbot.mouseDClick(picker.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert picker.selected_code_id == sample.rivalry.id


def run_modal(qtbot: QtBot, steps: Callable[[CodePicker], None]) -> None:
    """Drive the picker once ``exec()`` has shown it."""

    def drive() -> None:
        picker = QApplication.activeModalWidget()
        assert isinstance(picker, CodePicker)
        steps(picker)

    QTimer.singleShot(0, drive)


def test_pick_code_returns_the_typed_name_for_a_new_code(qtbot: QtBot, sample: Sample) -> None:
    def steps(p: CodePicker) -> None:
        qtbot.keyClicks(p.filter_edit, "Power  transition")
        assert rows(p) == ["Create code “Power transition”"]
        qtbot.keyClick(p.filter_edit, Key.Key_Enter)

    run_modal(qtbot, steps)
    assert pick_code(None, sample.project, []) == PickResult(None, "Power transition")
    assert sample.project.find_code("Geopolitical rivalry")  # nothing created by the picker itself
    assert len(sample.project.codes()) == 3


def test_pick_code_escape_returns_none(qtbot: QtBot, sample: Sample) -> None:
    def steps(p: CodePicker) -> None:
        qtbot.keyClicks(p.filter_edit, "riv")
        qtbot.keyClick(p.filter_edit, Key.Key_Escape)

    run_modal(qtbot, steps)
    assert pick_code(None, sample.project, [sample.rivalry.id]) is None


def test_pick_code_enter_on_recent_code(qtbot: QtBot, sample: Sample) -> None:
    run_modal(qtbot, lambda p: qtbot.keyClick(p.filter_edit, Key.Key_Return))
    assert pick_code(None, sample.project, [sample.rivalry.id]) == PickResult(
        sample.rivalry.id, None
    )


def test_choose_code_leaves_out_excluded_codes_and_offers_no_create(
    qtbot: QtBot, sample: Sample
) -> None:
    def steps(p: CodePicker) -> None:
        assert rows(p) == ["Norms/Norm-shaper", "Geopolitical rivalry"]
        qtbot.keyClicks(p.filter_edit, "nothing like this")
        assert rows(p) == ["No codes match"]
        qtbot.keyClick(p.filter_edit, Key.Key_Return)  # nothing to choose: stays open
        assert p.isVisible()
        p.filter_edit.clear()
        qtbot.keyClick(p.filter_edit, Key.Key_Down)
        qtbot.keyClick(p.filter_edit, Key.Key_Return)

    run_modal(qtbot, steps)
    assert choose_code(None, sample.project, "Merge into", {sample.norms.id}) == sample.rivalry.id


def test_empty_codebook_offers_only_create(qtbot: QtBot, project: Project) -> None:
    picker = CodePicker(project, [])
    qtbot.addWidget(picker)
    assert rows(picker) == ["No codes to choose from"]
    qtbot.keyClicks(picker.filter_edit, "Trust")
    assert rows(picker) == ["Create code “Trust”"]
    qtbot.keyClick(picker.filter_edit, Key.Key_Return)
    assert picker.pick_result() == PickResult(None, "Trust")
