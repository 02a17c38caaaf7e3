"""Document → Attributes…: a document's name = value pairs edited in place.

The researcher double-clicks a cell, types and presses Enter: a new value, a new
name, a new attribute or a removal is one step that Edit → Undo reverses, and the
list of documents shows the attributes as they now are.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Sample
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from window_env import LEFT, show_window

from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.panels.attributes_dialog import NAME, VALUE, AttributesDialog
from annotator.ui.panels.document_list import ATTRIBUTES

Key = Qt.Key


@pytest.fixture
def window(qtbot: QtBot, sample: Sample, settings: Any) -> MainWindow:
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


def open_dialog(qtbot: QtBot, window: MainWindow) -> AttributesDialog:
    window.menu_actions["actionDocumentAttributes"].trigger()
    dialog = window.findChild(AttributesDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def stored(sample: Sample) -> dict[str, str]:
    with Project.open(sample.project.path) as p:
        return p.document_attributes(sample.speech.id)


def row_of(dialog: AttributesDialog, name: str) -> int:
    table = dialog.table
    return next(
        r
        for r in range(table.rowCount())
        if table.item(r, NAME).text() == name  # type: ignore[union-attr]
    )


def type_into(qtbot: QtBot, dialog: AttributesDialog, text: str) -> None:
    """Type over the cell being edited and press Enter."""
    editor = QApplication.focusWidget()
    if not isinstance(editor, QLineEdit):
        editor = dialog.table.findChild(QLineEdit)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Key.Key_Return)
    qtbot.wait(10)  # the table re-reads the store once the edit is done


def edit_cell(qtbot: QtBot, dialog: AttributesDialog, row: int, column: int, text: str) -> None:
    table = dialog.table
    item = table.item(row, column)
    assert item is not None
    pos = table.visualItemRect(item).center()
    qtbot.mouseClick(table.viewport(), LEFT, pos=pos)
    qtbot.mouseDClick(table.viewport(), LEFT, pos=pos)
    type_into(qtbot, dialog, text)


def shown_in_list(window: MainWindow, sample: Sample) -> str:
    model = window.document_list.model
    row = model.row_of(sample.speech.id)
    assert row is not None
    return str(model.index(row, ATTRIBUTES).data())


def undo(window: MainWindow) -> None:
    window.menu_actions["actionUndo"].trigger()


def test_changing_a_value_is_one_step_and_the_document_list_follows(qtbot, window, sample):
    dialog = open_dialog(qtbot, window)
    assert dialog.windowTitle() == "Attributes — Speech"
    assert dialog.attributes_shown() == {"genre": "speech"}
    edit_cell(qtbot, dialog, row_of(dialog, "genre"), VALUE, "address")
    assert stored(sample) == {"genre": "address"}
    assert shown_in_list(window, sample) == "address"
    assert window.menu_actions["actionUndo"].text() == "&Undo Set genre of Speech"
    undo(window)
    assert stored(sample) == {"genre": "speech"}
    assert dialog.attributes_shown() == {"genre": "speech"}
    assert shown_in_list(window, sample) == "speech"


def test_renaming_keeps_the_value_and_a_taken_name_is_refused(qtbot, window, sample):
    window.project.set_document_attribute(sample.speech.id, "year", "2024")
    dialog = open_dialog(qtbot, window)
    edit_cell(qtbot, dialog, row_of(dialog, "genre"), NAME, "kind")
    assert stored(sample) == {"kind": "speech", "year": "2024"}
    assert (
        window.menu_actions["actionUndo"].text() == "&Undo Rename attribute genre of Speech to kind"
    )
    edit_cell(qtbot, dialog, row_of(dialog, "kind"), NAME, "Year")
    assert "'Speech' already has an attribute named 'year'" in dialog.error.text()
    assert dialog.error.isVisible() and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.attributes_shown() == {"kind": "speech", "year": "2024"})
    assert stored(sample) == {"kind": "speech", "year": "2024"}
    undo(window)
    assert stored(sample) == {"genre": "speech", "year": "2024"}
    qtbot.waitUntil(lambda: dialog.attributes_shown() == {"genre": "speech", "year": "2024"})


def test_adding_an_attribute_names_it_first_then_its_value(qtbot, window, sample):
    dialog = open_dialog(qtbot, window)
    qtbot.mouseClick(dialog.add_button, LEFT)
    type_into(qtbot, dialog, "outlet")  # the new row's name is being edited already
    assert stored(sample) == {"genre": "speech", "outlet": ""}
    edit_cell(qtbot, dialog, row_of(dialog, "outlet"), VALUE, "Xinhua")
    assert stored(sample) == {"genre": "speech", "outlet": "Xinhua"}
    assert shown_in_list(window, sample) == "speech · Xinhua"
    undo(window)
    undo(window)
    assert stored(sample) == {"genre": "speech"}
    qtbot.waitUntil(lambda: dialog.attributes_shown() == {"genre": "speech"})


def test_a_new_attribute_may_not_take_a_name_the_document_has(qtbot, window, sample):
    dialog = open_dialog(qtbot, window)
    qtbot.mouseClick(dialog.add_button, LEFT)
    type_into(qtbot, dialog, "Genre")
    assert "already has an attribute named 'genre'" in dialog.error.text()
    assert stored(sample) == {"genre": "speech"}


def test_removing_an_attribute_is_undoable(qtbot, window, sample):
    dialog = open_dialog(qtbot, window)
    table = dialog.table
    item = table.item(row_of(dialog, "genre"), VALUE)
    assert item is not None
    qtbot.mouseClick(table.viewport(), LEFT, pos=table.visualItemRect(item).center())
    assert dialog.remove_button.isEnabled()
    qtbot.mouseClick(dialog.remove_button, LEFT)
    assert stored(sample) == {} and dialog.attributes_shown() == {}
    assert shown_in_list(window, sample) == ""
    undo(window)
    assert stored(sample) == {"genre": "speech"} and dialog.attributes_shown() == {
        "genre": "speech"
    }
