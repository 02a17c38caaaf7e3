"""The File menu of the assembled window: new, open and recent projects, and CSV exports.

Switching project opens a new window on the chosen file (``app._windows`` keeps it) and
closes this one, letting go of its file; an export writes the CSV the researcher named,
or, when it cannot, says so once and writes nothing. The file dialogs are the app's
own, answered by typing a name and pressing Enter; where the dialog cannot offer the
case (a folder that does not exist), ``file_dialogs.save_file`` is patched.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EMOJI, SPEECH, Sample
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMenu
from pytestqt.qtbot import QtBot
from window_env import LEFT, answering, select, show_window

from annotator.store import Project, guard
from annotator.ui import MainWindow
from annotator.ui.shell import app
from annotator.ui.widgets import file_dialogs

Key, Mod = Qt.Key, Qt.KeyboardModifier


@pytest.fixture
def opened(monkeypatch) -> Iterator[list[MainWindow]]:
    """The windows the app opens during the test (closed afterwards). None of these
    switches finds its project open elsewhere: being offered read-only fails the test."""
    windows: list[MainWindow] = []
    monkeypatch.setattr(app, "_windows", windows)

    def offered_read_only(_parent: object, problem: object) -> bool:
        raise AssertionError(f"offered read-only: {problem}")

    monkeypatch.setattr(app, "ask_read_only", offered_read_only)
    yield windows
    for w in list(windows):
        w.close()
        w.deleteLater()


@pytest.fixture
def window(qtbot, sample, settings) -> MainWindow:
    sample.project.close()  # the window is the only user of the file, as in the app
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


@pytest.fixture
def other(tmp_path) -> Path:
    """Another project beside the sample: coder Cem, one document."""
    path = tmp_path / "other.sqlite"
    with Project.create(path) as p:
        p.add_coder("Cem")
        p.add_document("Op-ed", "An op-ed on AI governance.\n")
    return path


def file_name_edit(dialog: QFileDialog) -> QLineEdit:
    edit = dialog.findChild(QLineEdit, "fileNameEdit")
    assert edit is not None
    return edit


def type_file_name(qtbot: QtBot, name: str, offered: list[str] | None = None) -> object:
    """Answer a file dialog: replace the offered name with ``name`` (Ctrl+A, type), Enter.
    An empty ``name`` accepts what the dialog offers."""

    def steps(dialog: QFileDialog) -> None:
        edit = file_name_edit(dialog)
        if offered is not None:
            offered.append(edit.text())
        edit.setFocus()
        if name:
            qtbot.keyClick(edit, Key.Key_A, Mod.ControlModifier)
            qtbot.keyClicks(edit, name)
        qtbot.keyClick(edit, Key.Key_Return)

    return steps


def answer_coder(qtbot: QtBot, name: str, asked: list[str]) -> object:
    """Answer "Who is coding?" on a project's first opening."""

    def steps(dialog: QInputDialog) -> None:
        asked.append(dialog.labelText())
        edit = dialog.findChild(QLineEdit)
        assert edit is not None
        edit.setFocus()
        qtbot.keyClick(edit, Key.Key_A, Mod.ControlModifier)
        qtbot.keyClicks(edit, name)
        qtbot.keyClick(edit, Key.Key_Return)

    return steps


def check_switched(
    old: MainWindow, old_path: Path, opened: list[MainWindow], new_path: Path
) -> MainWindow:
    """One new window, shown on ``new_path``; the old one closed and its file let go."""
    assert len(opened) == 1
    new = opened[0]
    assert new.isVisible() and new.project.path.resolve() == new_path.resolve()
    assert new.windowTitle().startswith(f"{new_path.stem} — coding as ")
    assert not old.isVisible()
    assert not guard.is_held(old_path), "the old window let go of its project"
    with Project.open(old_path) as p:  # and it can be edited again, by anyone
        assert p.claim_editor()
    return new


# -- new, open, recent ------------------------------------------------------------------
def test_new_project_opens_a_new_window_on_the_new_file_and_closes_this_one(
    qtbot: QtBot,
    window: MainWindow,
    sample: Sample,
    opened: list[MainWindow],
    errors: list[str],
    tmp_path: Path,
) -> None:
    old_path = window.project.path
    asked: list[str] = []
    with (
        answering(QFileDialog, type_file_name(qtbot, "fieldwork")) as named,
        answering(QInputDialog, answer_coder(qtbot, "Dana", asked)) as coder,
    ):
        window.menu_actions["actionNewProject"].trigger()
    assert len(named) == len(coder) == 1 and errors == []
    assert asked and "Your name" in asked[0]  # a new project has no coder yet: asked once
    new_path = tmp_path / "fieldwork.sqlite"  # the suffix is added
    new = check_switched(window, old_path, opened, new_path)
    assert "coding as Dana" in new.windowTitle()
    with Project.open(new_path) as p:
        assert [c.name for c in p.coders()] == ["Dana"]
        assert p.documents() == [] and p.codes() == []
    with Project.open(old_path) as p:  # the old project is untouched
        assert len(p.codings()) == 4


def test_open_project_opens_the_chosen_file_in_a_new_window_and_closes_this_one(
    qtbot: QtBot, window: MainWindow, opened: list[MainWindow], errors: list[str], other: Path
) -> None:
    old_path = window.project.path
    asked: list[str] = []
    with (
        answering(QFileDialog, type_file_name(qtbot, other.name)) as named,
        answering(QInputDialog, answer_coder(qtbot, "Cem", asked)) as coder,
    ):
        window.menu_actions["actionOpenProject"].trigger()
    assert len(named) == len(coder) == 1 and errors == []
    assert len(asked) == 1  # no coder remembered for this project yet
    new = check_switched(window, old_path, opened, other)
    with Project.open(other) as p:
        cem = p.coders()[0]
        assert [c.name for c in p.coders()] == ["Cem"]  # the existing coder, not a second Cem
    assert new.state.active_coder_id == cem.id
    assert new.document_list.model.rowCount() == 1


def test_cancelling_the_open_dialog_keeps_this_window_and_its_project(
    qtbot: QtBot, window: MainWindow, opened: list[MainWindow], errors: list[str]
) -> None:
    def steps(dialog: QFileDialog) -> None:
        qtbot.keyClick(file_name_edit(dialog), Key.Key_Escape)

    with answering(QFileDialog, steps) as answered:
        window.menu_actions["actionOpenProject"].trigger()
    assert len(answered) == 1 and opened == [] and errors == []
    assert window.isVisible() and guard.is_held(window.project.path)
    window.project.add_coder("Eve")  # still open for editing
    assert "Eve" in [c.name for c in window.project.coders()]


def open_recent(qtbot: QtBot, window: MainWindow, name: str) -> None:
    """File -> Open recent -> ``name``, clicked with the mouse."""
    menu = window.findChild(QMenu, "menuRecentProjects")
    assert menu is not None
    menu.popup(window.mapToGlobal(QPoint(40, 40)))  # fills the menu as it shows
    qtbot.waitUntil(menu.isVisible)
    action = next((a for a in menu.actions() if a.text() == name), None)
    assert action is not None, [a.text() for a in menu.actions()]
    qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(action).center())


def test_open_recent_switches_to_a_project_opened_before(
    qtbot: QtBot,
    window: MainWindow,
    opened: list[MainWindow],
    errors: list[str],
    other: Path,
    settings: QSettings,
) -> None:
    old_path = window.project.path
    earlier = MainWindow(other, settings)  # the researcher worked on it before, as Cem
    qtbot.addWidget(earlier)
    cem = earlier.project.coders()[0].id
    earlier.state.set_active_coder(cem)
    earlier.close()
    open_recent(qtbot, window, other.name)
    assert errors == []
    new = check_switched(window, old_path, opened, other)
    assert new.state.active_coder_id == cem  # remembered: no question asked
    assert new.recent_projects()[:2] == [str(other.resolve()), str(old_path.resolve())]


def test_open_recent_on_this_very_project_changes_nothing(
    qtbot: QtBot, window: MainWindow, opened: list[MainWindow], errors: list[str]
) -> None:
    open_recent(qtbot, window, window.project.path.name)
    assert opened == [] and errors == []
    assert window.isVisible() and guard.is_held(window.project.path)


def test_open_recent_on_a_project_deleted_since_says_so_once_and_keeps_this_window(
    qtbot: QtBot,
    window: MainWindow,
    opened: list[MainWindow],
    errors: list[str],
    other: Path,
    settings: QSettings,
) -> None:
    window.add_recent(other)
    other.unlink()
    open_recent(qtbot, window, other.name)
    assert len(errors) == 1 and other.name in errors[0]
    assert opened == [] and window.isVisible() and guard.is_held(window.project.path)
    assert not other.exists()  # not made again, empty, by trying to open it


# -- exports ----------------------------------------------------------------------------
def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_export_codebook_writes_the_offered_file_one_row_per_code_in_tree_order(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str], tmp_path: Path
) -> None:
    offered: list[str] = []
    with answering(QFileDialog, type_file_name(qtbot, "", offered)) as answered:
        window.menu_actions["actionExportCodebook"].trigger()
    assert len(answered) == 1 and errors == []
    assert offered == ["test-codebook.csv"]
    rows = read_csv(tmp_path / "test-codebook.csv")
    assert [
        (r["name"], r["path"], r["parent_path"], r["codings"], r["documents"]) for r in rows
    ] == [
        ("Norms", "Norms", "", "0", "0"),
        ("Norm-shaper", "Norms/Norm-shaper", "Norms", "1", "1"),
        ("Geopolitical rivalry", "Geopolitical rivalry", "", "3", "2"),
    ]
    assert [r["id"] for r in rows] == [sample.norms.id, sample.norm_shaper.id, sample.rivalry.id]
    assert "Wrote" in window.statusBar().currentMessage()


def test_export_coded_segments_writes_one_row_per_coding_with_its_text(
    qtbot: QtBot, window: MainWindow, sample: Sample, errors: list[str], tmp_path: Path
) -> None:
    with answering(QFileDialog, type_file_name(qtbot, "coded")) as answered:
        window.menu_actions["actionExportSegments"].trigger()
    assert len(answered) == 1 and errors == []
    rows = read_csv(tmp_path / "coded.csv")  # ".csv" added to the typed name
    us = SPEECH.index("The US")
    tech = SPEECH.index("technological")
    assert [
        (r["document"], r["code_path"], r["coder"], int(r["start"]), int(r["end"])) for r in rows
    ] == [
        ("Speech", "Norms/Norm-shaper", "Ann", 0, 59),
        ("Speech", "Geopolitical rivalry", "Ann", us, len(SPEECH) - 1),
        ("Speech", "Geopolitical rivalry", "Ben", tech, len(SPEECH) - 2),
        ("Emoji post", "Geopolitical rivalry", "Ben", 0, EMOJI.index(" heats")),
    ]
    assert rows[0]["text"] == SPEECH[:59]
    assert rows[3]["text"] == "Tech 🤖 rivalry 🇺🇸🇨🇳"  # code points, not UTF-16 units
    with Project.open(window.project.path) as p:
        assert {r["id"] for r in rows} == {c.id for c in p.codings()}


def test_a_new_coding_is_in_the_next_export(
    qtbot: QtBot,
    window: MainWindow,
    sample: Sample,
    errors: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "after.csv"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    select(window, 0, 5)
    window.document_view.text_edit.setFocus()
    window.project.update_code(sample.norms.id, quick_key=3)
    qtbot.keyClick(window.document_view.text_edit, Key.Key_3)
    window.menu_actions["actionExportSegments"].trigger()
    rows = read_csv(target)
    assert ("Norms", "Ann", "0", "5", "China") in {
        (r["code_path"], r["coder"], r["start"], r["end"], r["text"]) for r in rows
    }
    assert len(rows) == 5 and errors == []


@pytest.mark.parametrize("action", ["actionExportCodebook", "actionExportSegments"])
def test_an_export_to_a_missing_folder_says_so_once_and_writes_nothing(
    window: MainWindow,
    errors: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    action: str,
) -> None:
    target = tmp_path / "gone" / "export.csv"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    window.menu_actions[action].trigger()
    assert len(errors) == 1, errors
    assert "export.csv" in errors[0] and "Traceback" not in errors[0]
    assert not (tmp_path / "gone").exists()
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".csv", ".tmp")]
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert "Wrote" not in window.statusBar().currentMessage()
