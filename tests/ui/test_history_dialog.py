"""Edit -> History: the trail of every step, newest first, and its export."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from annotator.ui.panels.history_dialog import HistoryDialog
from annotator.ui.widgets import file_dialogs


def test_the_history_shows_each_step_newest_first_with_what_was_undone(
    qtbot, sample, tmp_path, monkeypatch
):
    project = sample.project
    project.actor = "Ann"
    project.add_coder("Cem")
    project.undo()
    dialog = HistoryDialog(project, None)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.item(0, 2).text() == "Undo Add coder Cem"
    assert table.item(1, 2).text() == "Add coder Cem" and table.item(1, 4).text() == "undone"
    assert table.item(1, 1).text() == "Ann"
    assert table.rowCount() == len(project.history())
    out = tmp_path / "trail.csv"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: out)
    button = dialog.findChild(QPushButton, "exportHistory")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[-1][3] == "Undo Add coder Cem"
    assert "Wrote" in dialog.note.text()


def test_edit_history_opens_the_trail_from_the_window(qtbot, sample, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.ui import MainWindow

    sample.project.close()
    window = MainWindow(
        sample.project.path, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.menu_actions["actionHistory"].trigger()
    dialogs = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, HistoryDialog) and w.isVisible()
    ]
    assert len(dialogs) == 1
    assert dialogs[0].table.rowCount() == len(window.project.history())
    dialogs[0].close()
