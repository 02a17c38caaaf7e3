"""File → Merge a coder's copy: the preview says what will be added and every conflict
with its reason before anything is written; Merge adds it as one undo step, Cancel
writes nothing, and a file that cannot be merged gets one clear message.

The project is the two-coder example (built once per module); Amira's copy adds a new
document, a code, a coder, codings and a memo, and renames one code and redefines
another, which conflict with the project's own."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QDeadlineTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QDialog, QPushButton
from pytestqt.qtbot import QtBot
from window_env import LEFT, answering, show_window

from annotator.io.example_coders import build_example_project
from annotator.store import Project
from annotator.store.backups import save_copy
from annotator.ui import MainWindow
from annotator.ui.panels.merge_preview import MergePreviewDialog, SummaryDialog
from annotator.ui.widgets import file_dialogs


@dataclass(frozen=True)
class Copies:
    project: Path
    amira: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Copies:
    folder = tmp_path_factory.mktemp("example")
    project = build_example_project(folder / "example.sqlite")
    amira_path = save_copy(project, folder / "amira.sqlite")
    project.close()
    with Project.open(amira_path) as a:
        amira = next(c for c in a.coders() if "Amira" in c.name)
        cem = a.add_coder("Cem")
        doc = a.add_document("Field note", "Officials spoke of trust in shared platforms.\n")
        optimism = a.add_code("Techno-optimism", definition="Technology will fix it.")
        a.add_coding(doc.id, optimism.id, cem.id, 0, 9)
        first = a.documents()[0]
        a.add_coding(first.id, optimism.id, amira.id, 0, 20)
        a.add_coding(first.id, optimism.id, amira.id, 30, 60)
        a.add_memo("Reread with optimism in mind.", document_id=first.id)
        capacity = next(c for c in a.codes() if c.name == "Capacity building")
        a.update_code(capacity.id, name="Capacity building (Amira)")
    return Copies(folder / "example.sqlite", amira_path)


@pytest.fixture
def copies(built: Copies, tmp_path: Path) -> Copies:
    """Fresh copies of the module's files for one test."""
    project = tmp_path / "example.sqlite"
    shutil.copy(built.project, project)
    amira = tmp_path / "amira.sqlite"
    shutil.copy(built.amira, amira)
    return Copies(project, amira)


@pytest.fixture
def window(qtbot: QtBot, copies: Copies, settings) -> MainWindow:  # type: ignore[no-untyped-def]
    with Project.open(copies.project, read_only=True) as p:
        amira = next(c.id for c in p.coders() if "Amira" in c.name)
    return show_window(qtbot, copies.project, settings, amira)


@pytest.fixture
def choose(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[Path]]]:
    """``choose.append([paths])`` answers the next "Merge a coder's copy" file dialog."""
    answers: list[list[Path]] = []
    monkeypatch.setattr(file_dialogs, "open_files", lambda *_a, **_k: answers.pop(0))
    yield answers


def store_counts(path: Path) -> dict[str, int]:
    """What another program sees in the file."""
    with Project.open(path, read_only=True) as p:
        return {
            "documents": len(p.documents()),
            "codes": len(p.codes()),
            "coders": len(p.coders()),
            "codings": len(p.codings()),
            "memos": sum(len(p.memos(d.id)) for d in p.documents()) + len(p.memos(None)),
        }


def tree_code_names(w: MainWindow) -> set[str]:
    model = w.code_tree.model
    return {model.code(c).name for c in model.code_ids()}


def press(qtbot: QtBot, dialog: MergePreviewDialog | SummaryDialog, name: str) -> None:
    button = dialog.findChild(QPushButton, name)
    assert button is not None and button.isEnabled()
    qtbot.mouseClick(button, LEFT)


def test_the_preview_lists_what_will_be_added_and_each_conflict_before_writing(
    qtbot, window, copies, choose, errors
):
    before = store_counts(copies.project)
    seen: dict[str, object] = {}

    def look(dialog: MergePreviewDialog) -> None:
        seen["counts"] = dialog.added_counts()
        seen["conflicts"] = [
            tuple(dialog.conflicts.topLevelItem(i).text(c) for c in range(1, 6))  # type: ignore[union-attr]
            for i in range(dialog.conflicts.topLevelItemCount())
        ]
        seen["unchanged"] = store_counts(copies.project)  # while the preview is open
        press(qtbot, dialog, "cancelButton")

    choose.append([copies.amira])
    with answering(MergePreviewDialog, look) as shown:
        assert window.menu_actions["actionMergeCopy"].isEnabled()
        window.menu_actions["actionMergeCopy"].trigger()
    assert len(shown) == 1 and errors == []
    counts = {kind: n for (_src, kind), n in seen["counts"].items()}  # type: ignore[attr-defined]
    assert counts["documents"] == 1 and counts["codes"] == 1 and counts["coders"] == 1
    assert counts["codings"] == 3 and counts["memos"] == 1
    conflicts = seen["conflicts"]
    assert any(
        kind == "code renamed"
        and "Capacity building" in about
        and here == "'Capacity building'"
        and there == "'Capacity building (Amira)'"
        and "kept" in outcome
        for kind, about, here, there, outcome in conflicts  # type: ignore[attr-defined]
    ), conflicts
    # Cancel wrote nothing, and nothing was written while the preview was open.
    assert seen["unchanged"] == before == store_counts(copies.project)
    assert "nothing was written" in window.statusBar().currentMessage()
    assert not window.stack.canUndo() or "Merge" not in window.stack.undoText()


def test_merge_adds_it_in_one_step_and_undo_takes_it_all_back(
    qtbot, window, copies, choose, errors
):
    before = store_counts(copies.project)
    summary: list[str] = []

    def read_summary(dialog: SummaryDialog) -> None:
        summary.append(dialog.text.toPlainText())
        press(qtbot, dialog, "summaryClose")

    choose.append([copies.amira])
    with (
        answering(SummaryDialog, read_summary),
        answering(MergePreviewDialog, lambda d: press(qtbot, d, "mergeButton")) as previews,
    ):
        window.menu_actions["actionMergeCopy"].trigger()
    assert len(previews) == 1 and errors == []
    after = store_counts(copies.project)  # read from another connection
    assert after == {
        "documents": before["documents"] + 1,
        "codes": before["codes"] + 1,
        "coders": before["coders"] + 1,
        "codings": before["codings"] + 3,
        "memos": before["memos"] + 1,
    }
    assert summary and summary[0].startswith("Merged amira.sqlite into example.sqlite:")
    assert "added: 1 document, 1 code, 1 coder, 3 codings, 1 memo" in summary[0]
    # The views followed the merge's ChangeSet: the new code, document and coder show.
    assert "Techno-optimism" in tree_code_names(window)
    docs = window.document_list.model
    assert "Field note" in {docs.index(r, 0).data() for r in range(docs.rowCount())}
    with Project.open(copies.project, read_only=True) as p:
        assert "Capacity building" in {c.name for c in p.codes()}  # the project kept its name
    assert window.stack.undoText() == "Merge amira.sqlite"

    window.menu_actions["actionUndo"].trigger()
    assert store_counts(copies.project) == before
    assert "Techno-optimism" not in tree_code_names(window)


def test_a_copy_with_nothing_new_offers_no_merge(qtbot, window, copies, choose, errors):
    same = save_copy(window.project, copies.project.with_name("same.sqlite"))
    notes: list[str] = []

    def look(dialog: MergePreviewDialog) -> None:
        notes.append(dialog.nothing.text() if dialog.nothing.isVisible() else "")
        merge_button = dialog.findChild(QPushButton, "mergeButton")
        assert merge_button is not None
        notes.append("enabled" if merge_button.isEnabled() else "disabled")
        press(qtbot, dialog, "cancelButton")

    choose.append([same])
    with answering(MergePreviewDialog, look):
        window.menu_actions["actionMergeCopy"].trigger()
    assert notes == ["Nothing to add: this project already holds all of it.", "disabled"]
    assert errors == []


@pytest.mark.parametrize(
    "case", ["the open project", "not a project", "named twice", "a newer version's"]
)
def test_a_file_that_cannot_be_merged_gets_one_message_and_nothing_changes(
    qtbot, window, copies, choose, errors, case
):
    before = store_counts(copies.project)
    if case == "the open project":
        paths = [copies.project]
    elif case == "not a project":
        bogus = copies.project.with_name("notes.sqlite")
        bogus.write_text("These are my notes, not a project.")
        paths = [bogus]
    elif case == "named twice":
        paths = [copies.amira, copies.amira]
    else:
        conn = sqlite3.connect(copies.amira)
        conn.execute("PRAGMA user_version = 99")
        conn.close()
        paths = [copies.amira]
    choose.append(paths)
    with answering(MergePreviewDialog, lambda d: d.reject(), timeout_ms=1500) as previews:
        window.menu_actions["actionMergeCopy"].trigger()
    assert previews == []
    assert len(errors) == 1 and "Traceback" not in errors[0]
    assert paths[0].name in errors[0]
    if case == "a newer version's":
        assert "newer version of Annotator" in errors[0]
    assert store_counts(copies.project) == before


def test_a_read_only_window_offers_no_merge(qtbot, copies, settings):
    w = MainWindow(copies.project, settings, read_only=True)
    qtbot.addWidget(w)
    assert not w.menu_actions["actionMergeCopy"].isEnabled()


def test_the_preview_of_two_copies_names_each_one(qtbot, copies, tmp_path):
    """Two coders' copies at once: each copy's additions and conflicts under its name."""
    from annotator.app.merge import preview_merge

    ben = tmp_path / "ben.sqlite"
    with Project.open(copies.project) as p:
        save_copy(p, ben)
    with Project.open(ben) as b:
        b.add_code("Sovereignty")
    with Project.open(copies.project, read_only=True) as p:
        preview = preview_merge(p, [copies.amira, ben])
    dialog = MergePreviewDialog(preview)
    qtbot.addWidget(dialog)
    counts = dialog.added_counts()
    assert counts[("ben.sqlite", "codes")] == 1
    assert counts[("amira.sqlite", "codings")] == 3
    assert not dialog.conflicts.isColumnHidden(0)  # which copy each conflict comes from
    sources = {
        dialog.conflicts.topLevelItem(i).text(0)  # type: ignore[union-attr]
        for i in range(dialog.conflicts.topLevelItemCount())
    }
    assert sources == {"amira.sqlite"}  # Ben only added a code: no conflict of his


def test_what_the_project_deleted_stays_deleted_unless_the_researcher_brings_it_back(
    qtbot, window, copies, choose, errors
):
    security = next(c for c in window.project.codes() if c.name == "Security risks")
    window.project.delete_code(security.id, "delete")  # the lead dropped the code
    seen: list[tuple[int, bool]] = []

    def look(dialog: MergePreviewDialog) -> None:
        codes = {kind: n for (_s, kind), n in dialog.added_counts().items()}["codes"]
        deleted = [
            dialog.conflicts.topLevelItem(i).text(1)  # type: ignore[union-attr]
            for i in range(dialog.conflicts.topLevelItemCount())
        ].count("deleted in target")
        seen.append((codes, deleted > 0))
        box = dialog.findChild(QCheckBox, "restoreDeleted")
        assert box is not None
        if not box.isChecked():
            box.setFocus()
            qtbot.keyClick(box, Qt.Key.Key_Space)  # plans again: a second preview opens
        else:
            press(qtbot, dialog, "mergeButton")

    choose.append([copies.amira])
    previews: list[MergePreviewDialog] = []
    deadline = QDeadlineTimer(10_000)

    def answer_each_preview() -> None:
        """Like ``answering``, for a flow that opens one preview after another."""
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, MergePreviewDialog) and dialog.isVisible() and dialog not in previews:
            previews.append(dialog)
            look(dialog)
        if deadline.hasExpired():
            if isinstance(dialog, QDialog):
                dialog.reject()  # fail, not hang
        elif len(previews) < 2 or previews[-1].isVisible():
            QTimer.singleShot(20, answer_each_preview)

    QTimer.singleShot(0, answer_each_preview)
    with answering(SummaryDialog, lambda d: press(qtbot, d, "summaryClose")) as summaries:
        window.menu_actions["actionMergeCopy"].trigger()
    assert len(previews) == 2 and len(summaries) == 1 and errors == []
    # First: the deleted code is a conflict and is not added; then it comes back.
    assert seen[0][1] and not seen[1][1]
    assert seen[1][0] == seen[0][0] + 1
    with Project.open(copies.project, read_only=True) as p:
        assert "Security risks" in {c.name for c in p.codes()}
