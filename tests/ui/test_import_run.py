"""Importing documents off the GUI thread: the window keeps running, Cancel stops at
once, what was stored stays, and the whole import is one undo step."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QPushButton

from annotator.io.sources.extract import ExtractedSource
from annotator.ui import MainWindow
from annotator.ui.shell import import_run
from annotator.ui.shell.file_actions import import_paths
from annotator.ui.widgets import messages


@pytest.fixture
def window(qtbot, sample, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setattr(messages, "show_error", lambda *_a, **_k: None)
    w = MainWindow(
        sample.project.path, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(w)
    w.state.set_active_coder(sample.ann.id)
    w.show()
    qtbot.waitExposed(w)
    return w


def _files(tmp_path: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        path = tmp_path / f"note_{i}.txt"
        path.write_text(f"Field note number {i} about capacity building.", encoding="utf-8")
        paths.append(path)
    return paths


def _slow_reader(seconds: float):  # type: ignore[no-untyped-def]
    """A stand-in for extract_many that takes ``seconds`` per file (in the worker thread)."""

    def read(paths, formats=None, cancelled=None) -> Iterator[tuple[Path, ExtractedSource | str]]:  # type: ignore[no-untyped-def]
        for path in paths:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                if cancelled is not None and cancelled():
                    return
                time.sleep(0.01)
            text = Path(path).read_text(encoding="utf-8")
            yield path, ExtractedSource(title=Path(path).stem, text=text, format="txt")

    return read


def test_the_window_keeps_running_while_files_are_read(window, tmp_path, monkeypatch):
    monkeypatch.setattr(import_run, "extract_many", _slow_reader(0.25))
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    before = len(window.project.documents())
    import_paths(window, _files(tmp_path, 4))
    timer.stop()
    assert len(window.project.documents()) == before + 4
    # A blocked GUI thread would let the timer fire at most once in the whole second.
    assert len(ticks) >= 5, "the event loop ran while the files were read"


def test_cancel_stops_the_import_and_keeps_what_was_stored(window, tmp_path, monkeypatch, qtbot):
    monkeypatch.setattr(import_run, "extract_many", _slow_reader(0.3))
    before = len(window.project.documents())

    def cancel_after_the_first() -> None:
        dialog = window.findChild(import_run.QProgressDialog, "importProgress")
        if dialog is None or dialog.value() < 1:
            QTimer.singleShot(20, cancel_after_the_first)
            return
        dialog.show()  # as it is by now for a researcher waiting on a slow import
        button = dialog.findChild(QPushButton)
        assert button is not None and button.text() == "Cancel"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(20, cancel_after_the_first)
    import_paths(window, _files(tmp_path, 6))
    stored = len(window.project.documents()) - before
    assert 1 <= stored <= 2, "the file being read when Cancel came is the last one"


def test_a_multi_file_import_is_one_undo_step(window, tmp_path):
    before = len(window.project.documents())
    import_paths(window, _files(tmp_path, 3))
    assert len(window.project.documents()) == before + 3
    assert window.stack.undoText() == "Import 3 documents"
    window.undo()
    assert len(window.project.documents()) == before


def test_a_word_file_is_read_in_its_worker_process_and_lands_whole(window, tmp_path):
    import docx  # python-docx

    path = tmp_path / "interview.docx"
    document = docx.Document()
    document.add_paragraph("We must build capacity in developing countries.")
    document.add_paragraph("Cooperation beats rivalry 🤝.")
    document.save(str(path))
    import_paths(window, [path])
    doc = next(d for d in window.project.documents() if d.source_name == "interview.docx")
    text = window.project.document_text(doc.id)
    assert "build capacity" in text and text.endswith("rivalry 🤝.")
    assert window.state.current_document_id == doc.id
