"""Compare mode: two coders side by side in the text, F9 / Shift+F9 through their differences.

The window is shown on the two-coder example project (built once per module, copied
for each test); compare mode is entered through View → "Compare coders in the text…"
and stepped with the real F9 / Shift+F9 keys in the text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from window_env import answering, show_window

from annotator.app.comparison import disagreements
from annotator.core.agreement.disagreements import Disagreement
from annotator.core.errors import InvalidInput
from annotator.io.example_coders import build_example_project
from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.document.compare_dialog import CompareCodersDialog
from annotator.ui.document.compare_mode import mark_color
from annotator.ui.widgets.code_picker import CodePicker

Key, Mod = Qt.Key, Qt.KeyboardModifier


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("example") / "example.annotator"
    build_example_project(path).close()
    return path


@pytest.fixture
def window(qtbot: QtBot, example: Path, tmp_path: Path, settings) -> MainWindow:
    path = tmp_path / "example.annotator"
    shutil.copy(example, path)
    with Project.open(path) as p:
        first = p.documents()[0].id
    return show_window(qtbot, path, settings, document=first)


def coders(w: MainWindow) -> tuple[str, str]:
    a, b = w.project.coders()[:2]
    return a.id, b.id


def enter_compare(qtbot: QtBot, w: MainWindow, second_first: bool = False) -> None:
    """View → Compare coders in the text…, choosing the two coders, OK."""

    def steps(dialog: CompareCodersDialog) -> None:
        if second_first:
            dialog.first.setCurrentIndex(1)
            dialog.second.setCurrentIndex(0)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    with answering(CompareCodersDialog, steps) as answered:
        w.menu_actions["actionCompareInText"].trigger()
    assert len(answered) == 1
    activate(qtbot, w)


def activate(qtbot: QtBot, w: MainWindow) -> None:
    """Back to the window once a dialog has closed, so its shortcuts (F9) are live."""
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)


def f9(qtbot: QtBot, w: MainWindow, back: bool = False) -> None:
    qtbot.keyClick(
        w.document_view.text_edit, Key.Key_F9, Mod.ShiftModifier if back else Mod.NoModifier
    )


def expected(w: MainWindow) -> list[Disagreement]:
    return disagreements(w.project, *coders(w))


def test_f9_and_shift_f9_step_through_every_disagreement_in_order_and_wrap_with_a_notice(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.document_view
    enter_compare(qtbot, window)
    assert window.menu_actions["actionCompareInText"].isChecked()
    want = expected(window)
    assert len(want) == 60
    seen: list[int] = []
    view.disagreementChanged.connect(seen.append)
    view.text_edit.setFocus()
    for k, d in enumerate(want):
        f9(qtbot, window)
        # The view shows the disagreement's document with the region selected and in view.
        assert (view.document_id, view.raw_selection()) == (d.document_id, (d.start, d.end))
        lo, hi = view.visible_range()
        assert lo <= d.start < hi
        assert seen[-1] == k
    assert len({d.document_id for d in want}) == 2  # it crossed into the second document
    f9(qtbot, window)  # past the last: round to the first, and says so
    assert seen[-1] == 0 and view.raw_selection() == (want[0].start, want[0].end)
    assert "first disagreement" in window.statusBar().currentMessage()
    f9(qtbot, window, back=True)  # before the first: round to the last
    assert seen[-1] == len(want) - 1 and view.document_id == want[-1].document_id
    assert "last disagreement" in window.statusBar().currentMessage()
    f9(qtbot, window, back=True)
    assert seen[-1] == len(want) - 2
    assert view.raw_selection() == (want[-2].start, want[-2].end)


def test_f9_after_moving_the_caret_goes_to_the_next_disagreement_after_the_caret(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.document_view
    enter_compare(qtbot, window)
    want = [d for d in expected(window) if d.document_id == view.document_id]
    middle = want[len(want) // 2]
    view.select_span(middle.start - 1, middle.start - 1)  # just before a region
    view.text_edit.setFocus()
    f9(qtbot, window)
    assert view.raw_selection() == (middle.start, middle.end)
    f9(qtbot, window, back=True)
    before = want[len(want) // 2 - 1]
    assert view.raw_selection() == (before.start, before.end)


def test_each_coder_has_a_labelled_band_of_lanes_and_leaving_restores_the_view(
    qtbot: QtBot, window: MainWindow
) -> None:
    view, margin = window.document_view, window.document_view.margin
    normal_lanes = margin.lanes
    enter_compare(qtbot, window)
    a, b = coders(window)
    bands = margin.compare_bands
    assert bands is not None and [letter for letter, _, _ in bands] == ["A", "B"]
    (_, a_first, a_width), (_, b_first, b_width) = bands
    band = {a: range(a_first, a_first + a_width), b: range(b_first, b_first + b_width)}
    assert not set(band[a]) & set(band[b])
    brackets = view.brackets()
    assert brackets
    for bracket in brackets:
        coder = view.shown.rows[bracket.coding_id].coder_id
        assert bracket.lane in band[coder]
        assert bracket.initial == ("A" if coder == a else "B")
    # The labels are drawn above the bands.
    image = margin.grab().toImage()
    assert any(
        image.pixelColor(x, y) == margin.palette().windowText().color()
        for x in range(margin.lane_x(a_first + a_width - 1) - 3, margin.lane_x(a_first) + 4)
        for y in range(margin.HEADER)
    )
    window.menu_actions["actionCompareInText"].trigger()  # unchecked: back to normal
    assert not view.compare.active and margin.compare_bands is None
    assert view.shown.visible == window.state.visible_coders("text")
    assert margin.lanes <= normal_lanes  # laid out afresh for the normal view
    assert margin.disagreement_lines() == [] and view.compare.mark_rects() == []
    assert not window.menu_actions["actionCompareInText"].isChecked()


def test_marks_lie_exactly_on_the_stretches_where_the_coders_differ(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.document_view
    enter_compare(qtbot, window)
    doc = view.document_id
    assert doc is not None
    want = sorted(
        s for d in disagreements(window.project, *coders(window), document_ids=[doc])
        for s in d.stretches()
    )  # fmt: skip
    assert view.compare.stretches_in(0, view.offsets.length) == want
    lo, hi = view.visible_range()
    shown = view.compare.stretches_in(lo, hi)
    assert shown == [s for s in want if s[0] < hi and s[1] > lo] and shown
    # In the text: a bar in the mark's colour under the lines of each stretch, and
    # nowhere else.
    color = QColor(mark_color(view.text_edit.palette()))
    edit = view.text_edit
    # The marks are drawn over the viewport: grab the text area, viewport at ``origin``.
    image, origin = edit.grab().toImage(), edit.viewport().pos()
    inside = edit.viewport().rect()
    rects = view.compare.mark_rects()
    assert rects
    for rect in rects:
        if inside.contains(rect):  # a stretch may run on below the view
            assert image.pixelColor(rect.center() + origin) == color
    first = shown[0]
    unmarked = view.offsets.to_utf16(first[0])  # just before the first stretch, same line
    if first[0] > 0 and (first[0] - 1, first[0]) not in [(s, e) for s, e, _ in want]:
        cursor = edit.textCursor()
        cursor.setPosition(unmarked - 1)
        rect = edit.cursorRect(cursor)
        assert image.pixelColor(QPoint(rect.x() + 1, rect.bottom()) + origin) != color
    # Scrolled a page on (Page Down), the marks move with their lines.
    qtbot.wait(10)
    bar = edit.verticalScrollBar()
    before = bar.value()
    QTest.keyClick(edit, Key.Key_PageDown)
    qtbot.waitUntil(lambda: bar.value() != before)
    image = edit.grab().toImage()
    moved = [r for r in view.compare.mark_rects() if inside.contains(r)]
    assert moved and moved != rects
    for rect in moved:
        assert image.pixelColor(rect.center() + origin) == color
    # In the margin: a strip beside those lines.
    margin = view.margin
    strip = margin.grab().toImage()
    lines = margin.disagreement_lines()
    assert lines
    for top, bottom in lines:
        y = max((top + bottom) // 2, margin.HEADER)  # the coder labels stay on top
        if y <= bottom:
            assert strip.pixelColor(1, y) == margin.mark_color


def test_settling_a_disagreement_removes_its_marks_and_f9_goes_on_to_the_next(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.document_view
    a, b = coders(window)
    enter_compare(qtbot, window)
    want = expected(window)
    # A region only the first coder coded: the second coder settles it by coding it too.
    k, region = next((i, d) for i, d in enumerate(want) if not d.spans[b] and len(d.spans[a]) == 1)
    view.text_edit.setFocus()
    for _ in range(k + 1):
        f9(qtbot, window)
    assert view.raw_selection() == (region.start, region.end)
    window.state.set_active_coder(b)
    name = window.project.code(region.code_id).name

    def steps(picker: CodePicker) -> None:
        qtbot.keyClicks(picker.filter_edit, name)
        qtbot.keyClick(picker.filter_edit, Key.Key_Return)

    with answering(CodePicker, steps):
        qtbot.keyClick(view.text_edit, Key.Key_K, Mod.ControlModifier)
    activate(qtbot, window)
    now = expected(window)
    assert region not in now and len(now) == len(want) - 1
    doc_marks = view.compare.stretches_in(0, view.offsets.length)
    assert (region.start, region.end, a) not in doc_marks
    f9(qtbot, window)
    nxt = want[k + 1]
    assert (view.document_id, view.raw_selection()) == (nxt.document_id, (nxt.start, nxt.end))
    # Undo (one step) brings the disagreement and its mark back.
    window.menu_actions["actionUndo"].trigger()
    assert expected(window) == want
    assert (region.start, region.end, a) in view.compare.stretches_in(0, view.offsets.length)


def test_the_same_coder_twice_cannot_be_compared(qtbot: QtBot, window: MainWindow) -> None:
    view = window.document_view
    a, _b = coders(window)
    with pytest.raises(InvalidInput, match="named twice"):
        view.set_compare(a, a)
    assert not view.compare.active and view.margin.compare_bands is None
    refused: list[bool] = []

    def steps(dialog: CompareCodersDialog) -> None:
        dialog.second.setCurrentIndex(dialog.first.currentIndex())
        refused.append(not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled())
        dialog.reject()

    with answering(CompareCodersDialog, steps):
        window.menu_actions["actionCompareInText"].trigger()
    assert refused == [True]
    assert not view.compare.active
    assert not window.menu_actions["actionCompareInText"].isChecked()


def test_f9_outside_compare_mode_changes_nothing_and_says_how_to_compare(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.document_view
    before = (view.document_id, view.raw_selection())
    view.text_edit.setFocus()
    f9(qtbot, window)
    assert (view.document_id, view.raw_selection()) == before
    assert "Compare coders in the text" in window.statusBar().currentMessage()


def test_set_compare_from_another_window_ticks_the_menu_and_shows_only_the_two_coders(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.document_view
    a, b = coders(window)
    view.set_compare(b, a)
    assert window.menu_actions["actionCompareInText"].isChecked()
    assert view.shown.visible == frozenset((a, b))
    assert [letter for letter, _, _ in view.margin.compare_bands or []] == ["B", "A"]


def test_comparing_on_chosen_codes_steps_through_their_disagreements_only(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.document_view
    a, b = coders(window)
    code = expected(window)[0].code_id
    want = disagreements(window.project, a, b, code_ids=[code])
    assert 0 < len(want) < 60
    view.set_compare(a, b, [code])
    view.text_edit.setFocus()
    for d in want:
        f9(qtbot, window)
        assert (view.document_id, view.raw_selection()) == (d.document_id, (d.start, d.end))
    assert {c for *_, c in view.compare.stretches_in(0, view.offsets.length)} <= {a, b}
    assert all(
        s in [t for d in want for t in d.stretches()]
        for s in view.compare.stretches_in(0, view.offsets.length)
    )
