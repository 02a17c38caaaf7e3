"""The text stays readable in small windows; the side panels give way; the window
stays on the screen (issue 8, item 6)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication, QTabBar, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from annotator.ui import MainWindow
from annotator.ui.shell.window_layout import READABLE_CHARS, Fold
from tests.conftest import REPO, Sample
from tests.ui.window_env import show_window

pytestmark = pytest.mark.gui

RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea


def readable(w: MainWindow) -> int:
    """The width 45 average characters of the text take."""
    edit = w.document_view.text_edit
    return edit.fontMetrics().averageCharWidth() * READABLE_CHARS


def viewport(w: MainWindow) -> int:
    return w.document_view.text_edit.viewport().width()


def resize(qtbot: QtBot, w: MainWindow, width: int, height: int) -> None:
    w.resize(width, height)
    qtbot.waitUntil(lambda: w.size().toTuple() == (width, height))
    QApplication.processEvents()  # the dock layout and the deferred column width settle
    QApplication.processEvents()


@pytest.fixture
def window(qtbot: QtBot, sample: Sample, settings: QSettings) -> MainWindow:
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


@pytest.fixture
def big_font() -> Iterator[None]:
    """Text and widgets half again as large (a desktop with large fonts or a scale factor)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QFont(app.font())
    big = QFont(before)
    big.setPointSizeF(before.pointSizeF() * 1.5)
    app.setFont(big)
    QApplication.processEvents()
    yield
    app.setFont(before)
    QApplication.processEvents()


def dock_visible(w: MainWindow, key: str) -> bool:
    return w.docks[key].toggleViewAction().isChecked() and w.docks[key].isVisible()


@pytest.mark.parametrize("size", [(900, 600), (800, 500)])
def test_at_small_sizes_the_panels_shrink_and_the_text_keeps_45_characters(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    wide = {k: d.width() for k, d in window.docks.items()}
    resize(qtbot, window, *size)
    assert window.panels.fold == Fold.WIDE
    assert all(dock_visible(window, k) for k in window.docks), "every panel stays in view"
    assert viewport(window) >= readable(window)
    # It is the panels that gave way: narrower than in the large window, not collapsed.
    assert all(window.docks[k].width() < wide[k] for k in ("documents", "details"))
    assert all(d.width() >= window.panels.panel_min_width() for d in window.docks.values())


def test_with_large_fonts_the_right_panels_become_tabs_and_come_back_in_a_large_window(
    qtbot: QtBot, window: MainWindow, big_font: None
) -> None:
    resize(qtbot, window, 900, 600)
    assert window.panels.fold == Fold.TABBED
    assert viewport(window) >= readable(window)
    details = window.docks["details"]
    assert window.dockWidgetArea(details) == LEFT
    assert details in window.tabifiedDockWidgets(window.docks["documents"])
    # One click on its tab brings Details to the front.
    bar, tab = next(
        (b, i)
        for b in window.findChildren(QTabBar)
        for i in range(b.count())
        if b.tabText(i) == "Details" and b.isVisible()
    )
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tab).center())
    qtbot.waitUntil(lambda: not details.visibleRegion().isEmpty())
    # A large window unfolds to the layout the researcher had.
    resize(qtbot, window, 1700, 1000)
    assert window.panels.fold == Fold.WIDE
    assert window.dockWidgetArea(details) == RIGHT
    assert not window.tabifiedDockWidgets(details)
    assert all(dock_visible(window, k) for k in window.docks)


def test_in_a_tiny_window_the_panels_hide_and_one_click_brings_them_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    before = {k: d.width() for k, d in window.docks.items()}
    resize(qtbot, window, 450, 300)  # 900 x 600 at a scale factor of 2
    assert window.panels.fold == Fold.HIDDEN
    assert not any(d.isVisible() for d in window.docks.values())
    assert window.document_view.width() >= window.width() - 4  # the text has the whole width
    assert viewport(window) >= readable(window)
    button = window.toolbar.widgetForAction(window.menu_actions["actionShowPanelsButton"])
    assert isinstance(button, QToolButton) and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.docks["codebook"].isVisible())
    assert all(d.toggleViewAction().isChecked() for d in window.docks.values())
    qtbot.waitUntil(lambda: not button.isVisible())  # nothing left to bring back
    # A window large enough again shows every panel where it was.
    resize(qtbot, window, 1300, 850)
    assert window.panels.fold == Fold.WIDE
    assert all(dock_visible(window, k) for k in window.docks)
    assert window.dockWidgetArea(window.docks["segments"]) == RIGHT
    # As wide as they were, not as squeezed as the small window had them.
    assert all(abs(window.docks[k].width() - before[k]) <= 8 for k in before), before


def test_a_panel_closed_while_folded_stays_closed_when_the_window_grows(
    qtbot: QtBot, window: MainWindow, big_font: None
) -> None:
    resize(qtbot, window, 900, 600)
    assert window.panels.fold == Fold.TABBED
    window.menu_actions["actionToggleSegmentsDock"].trigger()  # View -> Retrieved segments
    resize(qtbot, window, 1700, 1000)
    assert window.panels.fold == Fold.WIDE
    assert not window.docks["segments"].isVisible()
    assert dock_visible(window, "details")


def test_the_window_remembers_the_researchers_layout_not_the_fold_of_a_small_window(
    qtbot: QtBot, sample: Sample, settings: QSettings, big_font: None
) -> None:
    w = show_window(qtbot, sample.project.path, settings, sample.ann.id)
    resize(qtbot, w, 900, 600)
    assert w.panels.fold == Fold.TABBED
    w.close()
    again = show_window(qtbot, sample.project.path, settings, sample.ann.id)
    resize(qtbot, again, 1700, 1000)
    assert again.dockWidgetArea(again.docks["details"]) == RIGHT
    assert not again.tabifiedDockWidgets(again.docks["details"])
    again.close()


@pytest.mark.parametrize("font_scale", [1.0, 1.5])
def test_coding_as_and_show_stay_on_the_toolbar_at_900_pixels(
    qtbot: QtBot, sample: Sample, settings: QSettings, font_scale: float
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QFont(app.font())
    font = QFont(before)
    font.setPointSizeF(before.pointSizeF() * font_scale)
    app.setFont(font)
    try:
        w = show_window(qtbot, sample.project.path, settings, sample.ann.id)
        resize(qtbot, w, 900, 600)
        bar, toolbar = w.coder_bar, w.toolbar
        for box in (bar.selector, bar.view_switch):
            assert box.isVisible(), "not hidden behind the toolbar's overflow"
            corner = box.mapTo(toolbar, QPoint(box.width(), box.height()))
            assert toolbar.rect().contains(corner - QPoint(1, 1))
        # What the overflow takes are the commands that are also in the menus.
        apply = toolbar.widgetForAction(w.menu_actions["actionApplyCode"])
        if apply is not None and apply.isVisible():
            assert apply.x() > bar.x()
        w.close()
    finally:
        app.setFont(before)
        QApplication.processEvents()


def saved_geometry(rect: QRect) -> bytes:
    """What a window at ``rect`` saved (another screen, another session)."""
    widget = QWidget()
    widget.setGeometry(rect)
    data = bytes(widget.saveGeometry().data())
    widget.deleteLater()
    return data


@pytest.mark.parametrize(
    "rect",
    [QRect(0, 0, 5000, 3500), QRect(30000, 20000, 600, 450), QRect(-9000, 40, 700, 500)],
    ids=["larger than the screen", "off-screen", "left of the screen"],
)
def test_a_restored_geometry_is_clamped_onto_the_screen(
    qtbot: QtBot, sample: Sample, settings: QSettings, rect: QRect
) -> None:
    from PySide6.QtCore import QByteArray

    settings.setValue("window/geometry", QByteArray(saved_geometry(rect)))
    w = MainWindow(sample.project.path, settings)
    qtbot.addWidget(w)
    with qtbot.waitExposed(w):
        w.show()
    screen = QGuiApplication.primaryScreen().availableGeometry()
    assert screen.contains(w.frameGeometry()), (w.frameGeometry(), screen)
    if rect.width() <= screen.width() and rect.height() <= screen.height():
        assert w.size().toTuple() == rect.size().toTuple()  # moved, not shrunk
    w.close()


SCALED = """
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from annotator.ui.shell.main_window import MainWindow
from annotator.ui.shell.window_layout import READABLE_CHARS
w = MainWindow(sys.argv[1], QSettings(sys.argv[2], QSettings.Format.IniFormat))
w.state.set_current_document(w.project.documents()[0].id)
w.resize(450, 300)  # logical pixels: 900 x 600 on the screen at a scale factor of 2
w.show()
for _ in range(5):
    app.processEvents()
edit = w.document_view.text_edit
need = edit.fontMetrics().averageCharWidth() * READABLE_CHARS
hidden = not any(d.isVisible() for d in w.docks.values())
whole = w.document_view.width() >= w.width() - 4
print(edit.viewport().width() >= need or (hidden and whole), w.devicePixelRatioF())
w.close()
"""


def test_at_scale_factor_2_the_text_stays_readable(sample: Sample, tmp_path: Path) -> None:
    path = str(sample.project.path)
    sample.project.close()
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    run = subprocess.run(
        [sys.executable, "-c", SCALED, path, str(tmp_path / "scaled.ini")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[:2] == ["True", "2.0"], run.stdout + run.stderr
