"""View -> Theme: light, dark or the system's, applied at once, remembered, and
readable: zero counts, swatches, brackets and error text keep WCAG contrast
(issue 8, item 19)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from annotator.core.colors import PALETTE, contrast_ratio
from annotator.ui import MainWindow
from annotator.ui.codebook.code_tree_model import CODINGS, DOCS
from annotator.ui.widgets import theme
from annotator.ui.widgets.theme import DARK, LIGHT, NON_TEXT_CONTRAST, TEXT_CONTRAST
from tests.conftest import Sample
from tests.ui.window_env import show_window

pytestmark = pytest.mark.gui

WINDOW = QPalette.ColorRole.Window


@pytest.fixture(autouse=True)
def system_theme_after() -> Iterator[None]:
    """Every test leaves the app in the system's theme, as the next test expects."""
    yield
    theme.apply_theme("system")
    QApplication.processEvents()


@pytest.fixture
def window(qtbot: QtBot, sample: Sample, settings: QSettings) -> MainWindow:
    # Dark codes too: navy and maroon are the swatches that vanish on a dark list.
    sample.project.add_code("Navy", color="#000075")
    sample.project.add_code("Maroon", color="#800000")
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


def choose(qtbot: QtBot, w: MainWindow, name: str) -> None:
    """View -> Theme -> ``name``, as the researcher picks it from the menu."""
    view = w.findChild(QMenu, "menuView")
    menu = w.findChild(QMenu, "menuTheme")
    assert view is not None and menu is not None
    assert menu.menuAction() in view.actions()
    action = w.menu_actions[f"actionTheme{name.capitalize()}"]
    assert action in menu.actions()
    action.trigger()
    QApplication.processEvents()


def window_color(widget: object) -> str:
    assert hasattr(widget, "palette")
    return str(widget.palette().color(WINDOW).name().upper())


def test_the_theme_menu_switches_every_open_widget_at_once(
    qtbot: QtBot, window: MainWindow
) -> None:
    system = window_color(window)
    parts = [window, window.code_tree.view, window.document_view.text_edit, window.toolbar]
    choose(qtbot, window, "dark")
    qtbot.waitUntil(lambda: all(window_color(p) == DARK["window"] for p in parts))
    base = window.document_view.text_edit.palette().color(QPalette.ColorRole.Base).name()
    assert base.upper() == DARK["base"]
    checked = [
        n
        for n in ("light", "dark", "system")
        if window.menu_actions[f"actionTheme{n.capitalize()}"].isChecked()
    ]
    assert checked == ["dark"]  # one at a time
    choose(qtbot, window, "light")
    qtbot.waitUntil(lambda: all(window_color(p) == LIGHT["window"] for p in parts))
    assert not window.menu_actions["actionThemeDark"].isChecked()
    choose(qtbot, window, "system")
    qtbot.waitUntil(lambda: all(window_color(p) == system for p in parts))
    assert window.menu_actions["actionThemeSystem"].isChecked()


def test_the_chosen_theme_comes_back_at_the_next_launch(
    qtbot: QtBot, sample: Sample, settings: QSettings
) -> None:
    first = show_window(qtbot, sample.project.path, settings, sample.ann.id)
    choose(qtbot, first, "dark")
    first.close()
    theme.apply_theme("system")  # a new process starts in the system's theme
    QApplication.processEvents()
    assert window_color(QApplication.instance()) != DARK["window"]
    again = show_window(qtbot, sample.project.path, settings, sample.ann.id)
    qtbot.waitUntil(lambda: window_color(again) == DARK["window"])
    assert again.menu_actions["actionThemeDark"].isChecked()
    assert not again.menu_actions["actionThemeSystem"].isChecked()
    again.close()


def zero_count_colors(w: MainWindow) -> list[str]:
    """The colours the code tree actually gives its zero counts."""
    tree = w.code_tree
    out = []
    for code in w.project.codes():
        for column in (CODINGS, DOCS):
            index = tree.model.index_of(code.id, column)
            if str(index.data()) in ("0", "0 / 0"):
                color = index.data(Qt.ItemDataRole.ForegroundRole)
                assert isinstance(color, QColor)
                out.append(color.name())
    return out


@pytest.mark.parametrize("name", ["light", "dark", "system"])
def test_zero_counts_swatches_and_brackets_stay_readable(
    qtbot: QtBot, window: MainWindow, name: str
) -> None:
    choose(qtbot, window, name)
    view = window.code_tree.view
    pal = view.palette()
    rows = [
        pal.color(QPalette.ColorRole.Base).name(),
        pal.color(QPalette.ColorRole.AlternateBase).name(),
    ]
    zeros = zero_count_colors(window)
    assert zeros, "the sample has codes nobody used"
    for color in zeros:
        for row in rows:
            assert contrast_ratio(color, row) >= TEXT_CONTRAST, (name, color, row)
    # Each swatch's rim, as painted, stands out from the rows (non-text: 3:1).
    model = window.code_tree.model
    for fill in PALETTE:
        rim = model.swatch_rim(fill)
        for row in rows:
            assert contrast_ratio(rim.name(), row) >= NON_TEXT_CONTRAST, (name, fill, rim.name())
        painted = model._swatch(fill).pixmap(14, 14).toImage().pixelColor(7, 1)
        assert painted.name() == rim.name()
    # The brackets in the text's margin are seen on the margin's background.
    margin = window.document_view.margin
    background = margin.palette().color(WINDOW).name()
    for fill in PALETTE:
        line, _tick = margin._pens(fill, 0, False)
        assert contrast_ratio(line.color().name(), background) >= NON_TEXT_CONTRAST


def test_a_light_swatch_keeps_its_colour_where_it_is_already_seen(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Readability is bought with the least change: a navy swatch in the light theme
    keeps navy as its rim; only in the dark one is the rim lightened."""
    choose(qtbot, window, "light")
    assert window.code_tree.model.swatch_rim("#000075").name().upper() == "#000075"
    choose(qtbot, window, "dark")
    qtbot.waitUntil(lambda: window_color(window.code_tree.view) == DARK["window"])
    rim = window.code_tree.model.swatch_rim("#000075").name()
    assert rim.upper() != "#000075"
    assert contrast_ratio(rim, DARK["base"]) >= NON_TEXT_CONTRAST


def test_an_error_in_the_find_bar_is_readable_red_in_the_dark_theme(
    qtbot: QtBot, window: MainWindow
) -> None:
    choose(qtbot, window, "dark")
    bar = window.find_bar
    window.menu_actions["actionFind"].trigger()
    bar.regex_box.setChecked(True)
    qtbot.keyClicks(bar.query_edit, "(unclosed")
    qtbot.waitUntil(lambda: "color:" in bar.status.styleSheet())
    red = bar.status.styleSheet().split("color:")[1].strip(" ;")
    assert contrast_ratio(red, bar.palette().color(WINDOW).name()) >= TEXT_CONTRAST
    choose(qtbot, window, "light")  # and back to the usual dark red on a light bar
    qtbot.waitUntil(lambda: "#C62828" in bar.status.styleSheet())


def test_the_theme_palettes_meet_wcag_for_their_text() -> None:
    for colors in (LIGHT, DARK):
        for text, background in (
            ("text", "base"),
            ("text", "alternate_base"),
            ("window_text", "window"),
            ("button_text", "button"),
            ("highlighted_text", "highlight"),
            ("placeholder", "base"),
            ("placeholder", "alternate_base"),
            ("tooltip_text", "tooltip_base"),
            ("link", "base"),
        ):
            assert contrast_ratio(colors[text], colors[background]) >= TEXT_CONTRAST, (
                text,
                background,
            )
