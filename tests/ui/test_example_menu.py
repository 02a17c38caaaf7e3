"""Help -> "Open the two-coder example", and Coders -> Compare coders… in the window.

The example is built into the projects folder (patched to the test's folder) the
first time, reopened or rebuilt after, as the researcher answers; it opens in a
new window as File -> Open does, with Compare coders showing the two example coders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import Sample
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from window_env import answering, show_window

from annotator.app.comparison import compare
from annotator.io.example_coders import build_example_project
from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.compare import example
from annotator.ui.compare.compare_model import CODE_ID_ROLE, VALUE_ROLE
from annotator.ui.compare.compare_window import CompareWindow
from annotator.ui.shell import app
from annotator.ui.widgets import messages

Key, Mod = Qt.Key, Qt.KeyboardModifier
AMIRA, BEN = "Example coder A (Amira)", "Example coder B (Ben)"


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MainWindow]]:
    """The windows the app opens during the test (closed afterwards)."""
    windows: list[MainWindow] = []
    monkeypatch.setattr(app, "_windows", windows)
    yield windows
    for w in list(windows):
        w.close()
        w.deleteLater()


@pytest.fixture
def example_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "projects" / example.EXAMPLE_NAME
    monkeypatch.setattr(example, "example_path", lambda: path)
    return path


@pytest.fixture
def window(qtbot: QtBot, sample: Sample, settings: QSettings) -> MainWindow:
    sample.project.close()  # the window is the only user of the file, as in the app
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


def coding_as(qtbot: QtBot, name: str) -> Callable[[QInputDialog], None]:
    """Answer "Who is coding?" as the example's first coder."""

    def steps(dialog: QInputDialog) -> None:
        edit = dialog.findChild(QLineEdit)
        assert edit is not None
        edit.setFocus()
        qtbot.keyClick(edit, Key.Key_A, Mod.ControlModifier)
        qtbot.keyClicks(edit, name)
        qtbot.keyClick(edit, Key.Key_Return)

    return steps


def pressing(qtbot: QtBot, label: str) -> Callable[[QMessageBox], None]:
    def steps(box: QMessageBox) -> None:
        button = next(b for b in box.buttons() if b.text() == label)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    return steps


def shown_comparison(qtbot: QtBot, w: MainWindow) -> CompareWindow:
    """The window's Compare coders window, once its figures are in."""
    cmp = getattr(w, "_compare_window", None)
    assert isinstance(cmp, CompareWindow) and cmp.isVisible()
    qtbot.waitUntil(
        lambda: cmp.report is not None and not cmp.computing and not cmp._timer.isActive(),
        timeout=10000,
    )
    return cmp


def overall_alpha(cmp: CompareWindow) -> float:
    m = cmp.model
    col = next(i for i, c in enumerate(m.columns, start=1) if c.key == "krippendorff_alpha")
    value = m.index(m.rowCount() - 1, col).data(VALUE_ROLE)
    assert isinstance(value, float)
    return value


def add_marker(path: Path) -> None:
    with Project.open(path) as p:
        p.add_coder("Marker")


def names(path: Path) -> set[str]:
    with Project.open(path, read_only=True) as p:
        return {c.name for c in p.coders()}


def test_the_example_is_built_opened_and_its_two_coders_compared(
    qtbot: QtBot, window: MainWindow, opened: list[MainWindow], example_path: Path
) -> None:
    assert not example_path.exists()
    with answering(QInputDialog, coding_as(qtbot, AMIRA)) as asked:
        window.menu_actions["actionOpenTwoCoderExample"].trigger()
    assert len(asked) == 1 and len(opened) == 1
    new = opened[0]
    assert new.project.path.resolve() == example_path.resolve()
    assert not window.isVisible()  # switched, as File -> Open does
    cmp = shown_comparison(qtbot, new)
    coders = {c.name: c.id for c in new.project.coders()}
    assert cmp.current_coders() == [coders[AMIRA], coders[BEN]]
    report = compare(new.project, [coders[AMIRA], coders[BEN]])
    assert overall_alpha(cmp) == report.overall.characters.krippendorff_alpha.value


def test_an_example_opened_before_is_reopened_as_it_was(
    qtbot: QtBot, window: MainWindow, opened: list[MainWindow], example_path: Path
) -> None:
    example_path.parent.mkdir(parents=True)
    build_example_project(example_path).close()
    add_marker(example_path)
    with (
        answering(QMessageBox, pressing(qtbot, "Reopen")) as offered,
        answering(QInputDialog, coding_as(qtbot, BEN)),
    ):
        window.menu_actions["actionOpenTwoCoderExample"].trigger()
    assert len(offered) == 1 and len(opened) == 1
    assert "Marker" in {c.name for c in opened[0].project.coders()}
    shown_comparison(qtbot, opened[0])


def test_rebuilding_the_example_starts_it_afresh(
    qtbot: QtBot, window: MainWindow, opened: list[MainWindow], example_path: Path
) -> None:
    example_path.parent.mkdir(parents=True)
    build_example_project(example_path).close()
    add_marker(example_path)
    with (
        answering(QMessageBox, pressing(qtbot, "Rebuild")),
        answering(QInputDialog, coding_as(qtbot, BEN)),
    ):
        window.menu_actions["actionOpenTwoCoderExample"].trigger()
    assert len(opened) == 1
    assert {c.name for c in opened[0].project.coders()} == {AMIRA, BEN}
    cmp = shown_comparison(qtbot, opened[0])
    assert len(cmp.current_coders()) == 2


def test_the_example_open_in_this_window_is_not_rebuilt_under_it(
    qtbot: QtBot,
    settings: QSettings,
    opened: list[MainWindow],
    example_path: Path,
    errors: list[str],
) -> None:
    example_path.parent.mkdir(parents=True)
    build_example_project(example_path).close()
    add_marker(example_path)
    w = show_window(qtbot, example_path, settings)
    with answering(QMessageBox, pressing(qtbot, "Rebuild")):
        w.menu_actions["actionOpenTwoCoderExample"].trigger()
    assert len(errors) == 1 and "open in a window" in errors[0]
    assert opened == [] and w.isVisible()
    assert "Marker" in {c.name for c in w.project.coders()}  # the file is as it was
    # Reopening it here just compares its coders
    with answering(QMessageBox, pressing(qtbot, "Reopen")):
        w.menu_actions["actionOpenTwoCoderExample"].trigger()
    assert opened == []
    assert len(shown_comparison(qtbot, w).current_coders()) == 2
    w.close()


def test_ctrl_shift_c_opens_compare_coders_on_the_coders_with_codings(
    qtbot: QtBot, window: MainWindow, sample: Sample
) -> None:
    qtbot.keyClick(window, Key.Key_C, Mod.ControlModifier | Mod.ShiftModifier)
    cmp = shown_comparison(qtbot, window)
    with_codings = {c.coder_id for c in window.project.codings()}
    assert set(cmp.current_coders()) == with_codings
    assert cmp.status.text().startswith(f"{len(with_codings)} coders")
    # one window per main window: the shortcut again brings the same one forward
    window.menu_actions["actionCompareCoders"].trigger()
    assert shown_comparison(qtbot, window) is cmp


def test_under_blind_coding_compare_coders_asks_first(
    qtbot: QtBot, window: MainWindow, sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(
        messages, "confirm", lambda _p, question, title="": asked.append(question) or answer[0]
    )
    window.menu_actions["actionBlindCoding"].trigger()
    assert window.state.blind_coding
    window.menu_actions["actionCompareCoders"].trigger()  # "no": nothing is shown
    assert len(asked) == 1 and getattr(window, "_compare_window", None) is None
    assert window.state.blind_coding
    answer[0] = True
    window.menu_actions["actionCompareCoders"].trigger()  # "yes": blind coding goes off
    assert not window.state.blind_coding
    shown_comparison(qtbot, window)


def test_double_clicking_a_code_in_the_comparison_lists_its_disagreements(
    qtbot: QtBot, window: MainWindow, sample: Sample
) -> None:
    window.menu_actions["actionCompareCoders"].trigger()
    cmp = shown_comparison(qtbot, window)
    ids = [cmp.model.index(r, 0).data(CODE_ID_ROLE) for r in range(cmp.model.rowCount())]
    row, code_id = next((r, c) for r, c in enumerate(ids) if c)
    index = cmp.model.index(row, 0)
    rect = cmp.table.visualRect(index)
    qtbot.mouseClick(cmp.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(cmp.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    listing = getattr(window, "_disagreements", None)
    assert listing is not None and listing.isVisible()
    qtbot.waitUntil(lambda: listing.listing is not None, timeout=10000)
    a, b = cmp.current_coders()[:2]
    chosen = (
        listing.coder_a.currentData(),
        listing.coder_b.currentData(),
        listing.code_box.currentData(),
    )
    assert chosen == (a, b, code_id)
