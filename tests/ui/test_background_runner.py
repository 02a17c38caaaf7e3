"""Background reads in the window: results and progress arrive on the GUI thread, and
cancelling (or starting another) stops the read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThread
from pytestqt.qtbot import QtBot

from annotator.app import search as app_search
from annotator.app.background import BackgroundRead, Progress, Reporter
from annotator.app.search import search_read
from annotator.store import Project
from annotator.ui.panels.search_dialog import SearchDialog
from annotator.ui.widgets.background import ReadRunner
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

DOCUMENTS = 300


@pytest.fixture
def large(project: Project) -> Project:
    """300 documents: each has one "needle" and five "straw"s among its words."""
    project.add_coder("Ann")
    for i in range(DOCUMENTS):
        words = " ".join(f"word{j}" for j in range(200))
        project.add_document(f"Document {i:03d}", f"{words} straw " * 5 + f"needle {i}.\n")
    return project


def slow_job(path: Path, steps: list[int], count: int = 10_000) -> BackgroundRead[int]:
    def work(project: Project, report: Reporter) -> int:
        for i in range(count):
            steps.append(i)
            report(i + 1, count)
            time.sleep(0.002)
        return count

    return BackgroundRead(path, work, name="A slow read")


def test_a_search_of_a_large_project_delivers_hits_and_progress_on_the_gui_thread(
    qtbot: QtBot, large: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_search, "REPORT_EVERY", 0.0)  # a report after every document
    runner = ReadRunner()
    reports: list[tuple[Progress, bool]] = []
    gui = QCoreApplication.instance().thread()  # type: ignore[union-attr]
    runner.progressed.connect(lambda p: reports.append((p, QThread.currentThread() is gui)))
    with qtbot.waitSignal(runner.done, timeout=30_000) as done:
        runner.start(search_read(large.path, "needle"))
        assert runner.running  # start returned at once: the read runs elsewhere
    hits = done.args[0]
    assert len(hits) == DOCUMENTS and not runner.running
    assert [h for p, _ in reports for h in p.data] == list(hits)
    assert all(on_gui for _, on_gui in reports)
    assert [p.done for p, _ in reports] == list(range(1, DOCUMENTS + 1))
    assert reports[-1][0].total == DOCUMENTS


def test_cancelling_stops_the_read_and_nothing_more_arrives(qtbot: QtBot, large: Project) -> None:
    runner = ReadRunner()
    steps: list[int] = []
    arrived: list[object] = []
    runner.done.connect(arrived.append)
    with qtbot.waitSignal(runner.progressed, timeout=10_000):
        runner.start(slow_job(large.path, steps))
    with qtbot.waitSignal(runner.cancelled, timeout=1000):
        assert runner.cancel()
    assert runner.wait(5000)  # the thread ended: the read stopped at its next report
    stopped_at = len(steps)
    progress: list[Progress] = []
    runner.progressed.connect(progress.append)
    qtbot.wait(100)  # whatever was already queued is dropped
    assert stopped_at < 10_000 and len(steps) == stopped_at
    assert arrived == [] and progress == [] and not runner.running
    assert not runner.cancel()  # nothing runs any more


def test_a_new_read_cancels_the_one_running(qtbot: QtBot, large: Project) -> None:
    runner = ReadRunner()
    steps: list[int] = []
    results: list[object] = []
    runner.done.connect(results.append)
    first = slow_job(large.path, steps)
    runner.start(first)
    quick = BackgroundRead(large.path, lambda project, report: len(project.documents()))
    with qtbot.waitSignal(runner.done, timeout=10_000):
        runner.start(quick)
    assert first.cancelled and results == [DOCUMENTS]
    qtbot.waitUntil(lambda: not any(t.isRunning() for t in _threads()), timeout=5000)
    assert results == [DOCUMENTS]


def test_a_failing_read_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    runner = ReadRunner()
    (tmp_path / "not-a-project.sqlite").write_text("hello")
    with qtbot.waitSignal(runner.failed, timeout=10_000) as failed:
        runner.start(BackgroundRead(tmp_path / "not-a-project.sqlite", lambda project, report: 1))
    assert "not an Annotator project" in failed.args[0]


def _threads() -> list[QThread]:
    from annotator.ui.widgets import background

    return list(background._alive.values())


# -- the search dialog --------------------------------------------------------------------------
def test_the_search_dialog_fills_as_it_searches_and_a_new_search_cancels_the_old(
    qtbot: QtBot, large: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_search, "REPORT_EVERY", 0.0)
    state = WorkbenchState()
    stack = UndoHistory(large)
    dialog = SearchDialog(large, ProjectEvents(large), state, CodingActions(large, stack, state))
    qtbot.addWidget(dialog)
    dialog.show()
    rows: list[int] = []
    dialog.runner.progressed.connect(lambda _p: rows.append(dialog.model.rowCount()))
    qtbot.keyClicks(dialog.query_edit, "straw")
    qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Return)
    assert dialog.searching and dialog.model.rowCount() < 5 * DOCUMENTS  # the window is not held up
    first = dialog.runner._current
    dialog.query_edit.clear()
    qtbot.keyClicks(dialog.query_edit, "needle")
    with qtbot.waitSignal(dialog.searchFinished, timeout=30_000):
        qtbot.keyClick(dialog.query_edit, Qt.Key.Key_Return)  # a new search: the old one stops
    assert first is not None and first.job.cancelled
    assert dialog.model.rowCount() == DOCUMENTS and {h.match for h in dialog.model.hits} == {
        "needle"
    }
    assert dialog.count_label.text() == f"{DOCUMENTS} matches in {DOCUMENTS} documents."
    assert len(set(rows)) > 1 and rows == sorted(rows)  # the list filled as documents were searched
    assert dialog.code_all_button.isEnabled()
