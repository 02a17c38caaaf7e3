"""The Compare coders window: the figures researchers report, kept current, explained, exported.

Every test opens the window on a copy of the two-coder example (built once for the
module) and compares what the table shows with ``app.comparison.compare``.
"""

from __future__ import annotations

import csv
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QListWidget, QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from annotator.app import comparison
from annotator.app.comparison import compare
from annotator.core.agreement.explain import EXPLANATIONS
from annotator.core.colors import contrast_ratio
from annotator.core.errors import AnnotatorError
from annotator.io.example_coders import build_example_project
from annotator.store import Project
from annotator.ui.compare import compare_window as cw
from annotator.ui.compare.compare_model import CODE_ID_ROLE, VALUE_ROLE, ComparisonModel
from annotator.ui.compare.compare_options import ID_ROLE
from annotator.ui.compare.compare_window import CompareWindow
from annotator.ui.compare.grades import GRADES, grade, grade_color
from annotator.ui.widgets import file_dialogs, theme
from annotator.ui.widgets.bridge import ProjectEvents

Key = Qt.Key


@pytest.fixture(scope="module")
def example_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("example") / "example.sqlite"
    build_example_project(path).close()
    return path


@pytest.fixture
def project(example_file: Path, tmp_path: Path) -> Iterator[Project]:
    path = tmp_path / "example.sqlite"
    shutil.copy(example_file, path)
    p = Project.open(path)
    yield p
    p.close()


def open_window(qtbot: QtBot, project: Project, settings: QSettings) -> CompareWindow:
    events = ProjectEvents(project)
    w = CompareWindow(project, events, settings)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.comparisonShown, timeout=10000):
        w.show()
    return w


@pytest.fixture
def window(qtbot: QtBot, project: Project, settings: QSettings) -> Iterator[CompareWindow]:
    w = open_window(qtbot, project, settings)
    yield w
    w.close()


def column(model: ComparisonModel, key: str) -> int:
    return next(i for i, c in enumerate(model.columns, start=1) if c.key == key)


def overall(w: CompareWindow, key: str, role: int = VALUE_ROLE) -> Any:
    m = w.model
    return m.index(m.rowCount() - 1, column(m, key)).data(role)


def row_ids(w: CompareWindow) -> list[str | None]:
    return [w.model.index(r, 0).data(CODE_ID_ROLE) for r in range(w.model.rowCount())]


def toggle(qtbot: QtBot, view: QListWidget | QTreeWidget, item: Any) -> None:
    """Check or uncheck an item as the researcher does from the keyboard: select, Space."""
    view.setFocus()
    view.setCurrentItem(item)
    qtbot.keyClick(view, Key.Key_Space)


def click(qtbot: QtBot, box: QCheckBox) -> None:
    """A click on a check box's indicator (its middle may be empty space, not the box)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def tree_item(tree: QTreeWidget, code_id: str) -> QTreeWidgetItem:
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while items:
        item = items.pop()
        assert item is not None
        if item.data(0, ID_ROLE) == code_id:
            return item
        items.extend(item.child(i) for i in range(item.childCount()))
    raise AssertionError(code_id)


def coder_ids(project: Project) -> list[str]:
    return [c.id for c in project.coders() if c.name.startswith("Example coder")]


def test_the_overall_alpha_is_the_comparisons(window: CompareWindow, project: Project) -> None:
    coders = coder_ids(project)
    assert window.current_coders() == coders  # every coder with codings, by default
    report = compare(project, coders)
    alpha = report.overall.characters.krippendorff_alpha.value
    assert overall(window, "krippendorff_alpha") == alpha
    assert overall(window, "krippendorff_alpha", Qt.ItemDataRole.DisplayRole).startswith(
        f"{alpha:.3f} "
    )
    assert overall(window, "unitized_alpha") == report.overall.unitized_alpha.value
    assert row_ids(window) == [e.code_id for e in report.codes] + [None]
    tip = overall(window, "krippendorff_alpha", Qt.ItemDataRole.ToolTipRole)
    assert f"present {report.overall.characters.krippendorff_alpha.counts['present']:,}" in tip


def test_choosing_codes_and_sub_codes_recomputes(
    qtbot: QtBot, window: CompareWindow, project: Project
) -> None:
    tree = project.code_tree()
    parent = next(c for c in tree.walk() if tree.children(c.id) and c.parent_id is None)
    opts = window.options
    with qtbot.waitSignal(window.comparisonShown, timeout=10000):
        click(qtbot, opts.all_codes)
        toggle(qtbot, opts.code_tree, tree_item(opts.code_tree, parent.id))
    coders = coder_ids(project)
    try:
        own = compare(project, coders, [parent.id])
    except AnnotatorError as err:  # nobody coded the parent itself, only its sub-codes
        assert window.status.text() == str(err) and window.model.rowCount() == 0
    else:
        assert row_ids(window) == [parent.id, None]
        alpha = own.overall.characters.krippendorff_alpha.value
        assert overall(window, "krippendorff_alpha") == alpha
    with qtbot.waitSignal(window.comparisonShown, timeout=10000):
        click(qtbot, opts.with_subcodes)
    folded = compare(project, coders, [parent.id], with_subcodes=True)
    assert row_ids(window) == [parent.id, None]
    alpha = folded.overall.characters.krippendorff_alpha.value
    assert overall(window, "krippendorff_alpha") == alpha


def test_one_coder_is_not_a_comparison(qtbot: QtBot, window: CompareWindow) -> None:
    opts = window.options
    with qtbot.waitSignal(window.comparisonShown, timeout=10000):
        toggle(qtbot, opts.coder_list, opts.coder_list.item(1))
    assert window.model.rowCount() == 0
    assert "at least two coders" in window.status.text()
    assert not window.export_button.isEnabled()


def test_an_undefined_figure_says_why(
    qtbot: QtBot, window: CompareWindow, project: Project
) -> None:
    code = next(e.code_id for e in compare(project, coder_ids(project)).codes)
    assert code is not None
    window.options.set_codes([code])
    with qtbot.waitSignal(window.comparisonShown, timeout=10000):
        pass
    # one code only: Brennan & Prediger's chance agreement 1/K is 1
    assert overall(window, "segment_kappa") is None
    assert overall(window, "segment_kappa", Qt.ItemDataRole.DisplayRole) == "n/a"
    tip = overall(window, "segment_kappa", Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("undefined: one code only")
    assert "nan" not in " ".join(
        str(window.model.index(r, c).data()).lower()
        for r in range(window.model.rowCount())
        for c in range(window.model.columnCount())
    )


def test_a_third_coder_brings_the_pairs_and_who_stands_apart(
    qtbot: QtBot, window: CompareWindow, project: Project
) -> None:
    a, b = coder_ids(project)
    cem = project.add_coder("Cem")
    # Cem codes as much as Ben, but elsewhere in the text: he is the one apart
    with project.action("Cem codes"):
        for c in project.codings(coder_ids=[b]):
            doc_len = len(project.document_text(c.document_id))
            length = c.end - c.start
            start = (c.start + doc_len // 2) % max(1, doc_len - length)
            project.add_coding(c.document_id, c.code_id, cem.id, start, start + length)
    qtbot.waitUntil(lambda: window.options.coder_list.count() == 3)
    assert window.current_coders() == [a, b]  # a new coder joins when chosen, not before
    listed = window.options.coder_list
    item = next(listed.item(i) for i in range(3) if listed.item(i).data(ID_ROLE) == cem.id)
    with qtbot.waitSignal(window.comparisonShown, timeout=10000):
        toggle(qtbot, listed, item)
    assert set(window.current_coders()) == {a, b, cem.id}
    report = compare(project, window.current_coders())
    assert overall(window, "cohen_kappa") is None
    assert "two coders" in overall(window, "cohen_kappa", Qt.ItemDataRole.ToolTipRole)
    assert window.tabs.isTabEnabled(1)
    pairs = window.pair_model
    assert pairs.rowCount() == 3
    alphas = [pairs.index(r, 3).data(VALUE_ROLE) for r in range(3)]
    assert alphas == [p.characters.krippendorff_alpha.value for p in report.overall.pairs]
    assert pairs.apart_name() == "Cem"
    assert "Cem" in window.pair_note.text() and "stands apart" in window.pair_note.text()


def test_a_coding_added_in_the_window_recomputes(
    qtbot: QtBot, window: CompareWindow, project: Project
) -> None:
    a, b = coder_ids(project)
    before = overall(window, "krippendorff_alpha")
    doc = project.documents()[0]
    code = project.code_tree().walk().__next__()
    with qtbot.waitSignal(window.comparisonShown, timeout=10000):
        project.add_coding(doc.id, code.id, a, 0, doc.length // 2)
    after = compare(project, [a, b]).overall.characters.krippendorff_alpha.value
    assert after != before
    assert overall(window, "krippendorff_alpha") == after


def test_the_comparison_runs_off_the_gui_thread_and_a_newer_one_wins(
    qtbot: QtBot, window: CompareWindow, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []

    def recording(*args: Any) -> Any:
        job = comparison.comparison_read(*args)
        work = job.work

        def tracked(p: Project, report: Any) -> Any:
            threads.append(threading.get_ident())
            return work(p, report)

        job.work = tracked
        return job

    monkeypatch.setattr(cw, "comparison_read", recording)
    code = row_ids(window)[0]
    assert code is not None
    shown: list[int] = []
    window.comparisonShown.connect(lambda: shown.append(window.model.rowCount()))
    window.recompute()
    assert window.computing and window.status.text() == "Computing…"
    window.options.set_codes([code])  # a newer request while the first may still run
    window.recompute()
    qtbot.waitUntil(lambda: bool(shown) and not window.computing, timeout=10000)
    qtbot.wait(200)
    assert shown[-1] == 2 and row_ids(window) == [code, None]  # the newer choice, shown
    assert threads and threading.main_thread().ident not in threads


def test_csv_export_writes_the_table_guarded(
    qtbot: QtBot,
    window: CompareWindow,
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = row_ids(window)[0]
    assert first is not None
    top = project.code(first)
    while top.parent_id is not None:
        top = project.code(top.parent_id)
    with qtbot.waitSignal(window.comparisonShown, timeout=10000):
        project.update_code(top.id, name="=HYPERLINK(1)")
    out = tmp_path / "agreement.csv"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: out)
    qtbot.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:4] == ["code", "percent_agreement", "cohen_kappa", "krippendorff_alpha"]
    assert len(rows) == window.model.rowCount() + 1
    assert rows[-1][0] == "Overall"
    alpha = overall(window, "krippendorff_alpha")
    assert float(rows[-1][3]) == pytest.approx(alpha, abs=1e-6)
    assert rows[1][0].startswith("'=")  # a formula is never written as one
    assert "rows written" in window.status.text()


def test_grades_read_in_light_and_dark(qtbot: QtBot, window: CompareWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    kept = QPalette(app.palette())
    try:
        for name in ("light", "dark"):
            theme.apply_theme(name)  # type: ignore[arg-type]
            palette = theme.palette_for(name)  # type: ignore[arg-type]
            for g in GRADES.values():
                color = grade_color(g, palette).name()
                for background in theme.list_backgrounds(palette):
                    assert contrast_ratio(color, background) >= theme.TEXT_CONTRAST, (name, g)
            value = overall(window, "krippendorff_alpha")
            g = grade(value)
            assert g is not None
            shown = overall(window, "krippendorff_alpha", Qt.ItemDataRole.ForegroundRole)
            assert shown == grade_color(g, palette)
            # the grade is said in words too, not by colour alone
            assert overall(window, "krippendorff_alpha", Qt.ItemDataRole.DisplayRole).endswith(
                g.word
            )
    finally:
        app.setPalette(kept)


def test_grades_follow_krippendorffs_thresholds() -> None:
    assert grade(None) is None
    assert [grade(v).word for v in (0.8, 0.79, 0.667, 0.6, -0.2)] == [  # type: ignore[union-attr]
        "reliable", "tentative", "tentative", "not reliable", "not reliable",
    ]  # fmt: skip


def test_the_selected_figure_is_explained(qtbot: QtBot, window: CompareWindow) -> None:
    m = window.model
    index = m.index(m.rowCount() - 1, column(m, "unitized_alpha"))
    window.table.scrollTo(index)
    rect = window.table.visualRect(index)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    text = window.explanation.toPlainText()
    e = EXPLANATIONS["unitized_alpha"]
    assert e.title in text and e.undefined in text and "Krippendorff" in text
    assert "Overall" in text


def test_double_clicking_a_code_row_chooses_the_code(qtbot: QtBot, window: CompareWindow) -> None:
    chosen: list[str] = []
    window.codeChosen.connect(chosen.append)
    for row in (0, window.model.rowCount() - 1):  # a code, then "Overall" (no code)
        index = window.model.index(row, 0)
        window.table.scrollTo(index)
        rect = window.table.visualRect(index)
        # a double-click is a click and then a second one (QTest sends only the second)
        qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen == [row_ids(window)[0]]


def test_the_window_shows_the_numbers_the_cli_prints(
    window: CompareWindow, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.cli import main

    names = [c.name for c in project.coders() if c.id in window.current_coders()]
    assert main(["agreement", str(project.path), "--coders", *names]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("All"))
    printed = re.split(r"\s{2,}", row)  # All codes, Agree, Kappa, Alpha, u-Alpha, Coded, ...
    shown = {
        key: overall(window, key, Qt.ItemDataRole.DisplayRole)
        for key in ("percent_agreement", "cohen_kappa", "krippendorff_alpha", "unitized_alpha",
                    "coded_only_agreement", "segment_agreement", "documents_agreement")
    }  # fmt: skip
    assert printed[1:4] == [
        shown["percent_agreement"],
        shown["cohen_kappa"],
        shown["krippendorff_alpha"].split()[0],
    ]
    assert printed[4] == shown["unitized_alpha"].split()[0]
    assert printed[5] == shown["coded_only_agreement"]
    assert printed[6].startswith(f"{overall(window, 'matched_segments')} of ")
    assert printed[7:9] == [shown["segment_agreement"], shown["documents_agreement"]]


def test_a_burst_of_edits_costs_one_computation(
    qtbot: QtBot, window: CompareWindow, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []

    def counting(*args: Any) -> Any:
        started.append(args)
        return comparison.comparison_read(*args)

    monkeypatch.setattr(cw, "comparison_read", counting)
    a = window.current_coders()[0]
    doc = project.documents()[0]
    code = next(project.code_tree().walk())
    with qtbot.waitSignal(window.comparisonShown, timeout=10000):
        for k in range(5):  # five quick codings, as a researcher working fast
            project.add_coding(doc.id, code.id, a, 10 * k, 10 * k + 5)
    assert len(started) == 1
    expected = compare(project, window.current_coders()).overall.characters.krippendorff_alpha
    assert overall(window, "krippendorff_alpha") == expected.value


def test_the_counts_name_the_two_coders(window: CompareWindow, project: Project) -> None:
    amira, ben = (c.name for c in project.coders() if c.name.startswith("Example coder"))
    tip = overall(window, "cohen_kappa", Qt.ItemDataRole.ToolTipRole)
    assert f"only {amira} " in tip and f"only {ben} " in tip and "both " in tip
