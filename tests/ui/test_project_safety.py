"""The open project under the window's file dialogs, a second window, read-only files,
and copies: nothing the window does can loosen the project or lose work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from other_process import editing_in_a_window
from PySide6.QtCore import QSortFilterProxyModel, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel

from annotator.store import Project, guard
from annotator.ui import MainWindow
from annotator.ui.shell import app

linux_locks = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="reads Linux's /proc/locks"
)


@pytest.fixture
def window(qtbot, sample, settings) -> MainWindow:
    sample.project.close()  # the window is the only user of the file, as in the app
    w = MainWindow(sample.project.path, settings)
    qtbot.addWidget(w)
    w.state.set_active_coder(sample.ann.id)
    w.show()
    qtbot.waitExposed(w)
    return w


def _sqlite_posix_locks(path: Path) -> list[str]:
    """SQLite's own POSIX locks on ``path`` held by this process (what a stray close drops)."""
    key = guard.file_key(path)
    assert key is not None
    return [
        line.split(":", 1)[1].strip()
        for line in Path("/proc/locks").read_text().splitlines()
        if f":{key[1]} " in line and " POSIX " in line and f" {os.getpid()} " in line
    ]


def _cancel_when_listed(qtbot, folder: Path) -> list[list[str]]:
    """Once the open file dialog has listed ``folder`` (icons and types included), cancel it;
    returns what it listed."""
    listed: list[list[str]] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(50, poll)
            return
        proxy = dialog.proxyModel()
        model = proxy.sourceModel() if isinstance(proxy, QSortFilterProxyModel) else None
        assert isinstance(model, QFileSystemModel)
        root = model.index(str(folder))
        if model.canFetchMore(root) or model.rowCount(root) == 0:
            QTimer.singleShot(50, poll)
            return
        qtbot.wait(300)  # let the icon and type gatherers run over every file
        source_root = proxy.mapFromSource(root)
        listed.append(
            sorted(
                proxy.index(r, 0, source_root).data() for r in range(proxy.rowCount(source_root))
            )
        )
        dialog.reject()

    QTimer.singleShot(50, poll)
    return listed


@linux_locks
@pytest.mark.parametrize(
    "action",
    [
        "actionOpenProject",
        "actionNewProject",
        "actionImportDocuments",
        "actionImportCodebook",
        "actionExportCodebook",
        "actionExportSegments",
        "actionSaveCopy",
    ],
)
def test_every_file_dialog_leaves_the_project_locked_and_hides_its_companions(
    qtbot, window, settings, action
):
    project = window.project
    folder = project.path.parent
    for purpose in ("projects", "importDocuments", "importCodebook", "export", "saveCopy"):
        settings.setValue(f"dialogs/{purpose}/folder", str(folder))
    (folder / "notes.txt").write_text("a document beside the project")
    (folder / "codes.csv").write_text("name\nNorms\n")
    project.add_coder("Cem")  # the WAL and -shm exist and hold work
    before = _sqlite_posix_locks(project.path)
    assert before, "SQLite holds a lock on the open project"
    listed = _cancel_when_listed(qtbot, folder)
    window.menu_actions[action].trigger()
    assert listed, "the dialog was shown and listed the folder"
    assert {project.path.name, "notes.txt", "codes.csv"} & set(listed[0])
    assert not any(name.endswith(("-wal", "-shm")) for name in listed[0])
    assert set(_sqlite_posix_locks(project.path)) >= set(before)


def test_importing_the_project_file_itself_is_refused_without_reading_it(window, errors):
    from annotator.ui.shell.file_actions import import_paths

    project = window.project
    before = _sqlite_posix_locks(project.path) if Path("/proc/locks").exists() else None
    import_paths(window, [project.path, project.path.with_name(project.path.name + "-wal")])
    assert errors and "this project's own file" in errors[0]
    assert len(project.documents()) == 2
    if before is not None:
        assert set(_sqlite_posix_locks(project.path)) >= set(before)


def test_a_second_window_on_a_project_edited_elsewhere_opens_read_only(
    qtbot, window, settings, monkeypatch
):
    asked: list[str] = []
    monkeypatch.setattr(
        app, "ask_read_only", lambda _parent, problem: asked.append(str(problem)) or True
    )
    second = app.open_window(window.project.path, settings)
    assert second is not None
    qtbot.addWidget(second)
    assert asked and "already open for editing in another window" in asked[0]
    assert second.project.read_only
    assert "read-only" in second.windowTitle()
    assert not second.menu_actions["actionApplyCode"].isEnabled()
    assert not second.menu_actions["actionImportDocuments"].isEnabled()
    # What the first window codes shows up in the second.
    doc = window.project.documents()[0]
    window.project.add_coder("Dana")
    assert second.project.outside_change()
    assert "Dana" in [c.name for c in second.project.coders()]
    second.close()
    assert doc.id


def test_declining_the_read_only_offer_opens_nothing(qtbot, window, settings, monkeypatch):
    monkeypatch.setattr(app, "ask_read_only", lambda _parent, _problem: False)
    assert app.open_window(window.project.path, settings) is None


def test_a_window_in_another_process_is_named(qtbot, tmp_path, settings, monkeypatch):
    path = tmp_path / "shared.sqlite"
    Project.create(path).close()
    asked: list[str] = []
    monkeypatch.setattr(
        app, "ask_read_only", lambda _parent, problem: asked.append(str(problem)) or False
    )
    with editing_in_a_window(path) as holder:
        if guard.supported():
            assert app.open_window(path, settings) is None
            assert f"process {holder.pid}" in asked[0]


def test_save_a_copy_writes_a_whole_project_and_keeps_this_one_open(
    qtbot, window, monkeypatch, tmp_path
):
    from annotator.ui.widgets import file_dialogs

    target = tmp_path / "elsewhere" / "copy.sqlite"
    target.parent.mkdir()
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: target)
    window.menu_actions["actionSaveCopy"].trigger()
    with Project.open(target) as copy:
        assert len(copy.codings()) == 4
    window.project.add_coder("Eve")  # still open, still writing
    assert "Eve" in [c.name for c in window.project.coders()]


def test_opening_the_window_makes_a_rolling_backup(qtbot, window, settings):
    from annotator.store.backups import list_backups

    settings.setValue("backups/keep", 2)
    window.backup_on_open()
    assert len(list_backups(window.project.path)) == 1
    window.backup_on_open()  # nothing changed since: no second copy
    assert len(list_backups(window.project.path)) == 1
    settings.setValue("backups/keep", 0)
    window.project.add_coder("Fay")
    window.backup_on_open()
    assert len(list_backups(window.project.path)) == 1
