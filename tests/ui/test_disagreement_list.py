"""The disagreement list on the two-coder example project: stepping through the rows with
the keyboard, settling each into the consensus coder as one undo step, and never
touching the compared coders' codings."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from window_env import answering, show_window

from annotator.app import settlement as settling
from annotator.core import settlement as rules
from annotator.io.example_coders import build_example_project
from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.panels.disagreement_list import DisagreementWindow
from annotator.ui.panels.settle_actions import EditSpanDialog
from annotator.ui.shell.menus import open_disagreements

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(scope="module")
def example_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("example") / "example.sqlite"
    build_example_project(path).close()
    return path


@pytest.fixture
def window(
    qtbot: QtBot, example_file: Path, tmp_path: Path, settings: QSettings
) -> Iterator[MainWindow]:
    path = tmp_path / "example.sqlite"
    shutil.copy(example_file, path)
    with Project.open(path) as p:
        amira = next(c.id for c in p.coders() if c.name == AMIRA)
    w = show_window(qtbot, path, settings, coder=amira)
    yield w


AMIRA, BEN = "Example coder A (Amira)", "Example coder B (Ben)"


def coders(w: MainWindow) -> tuple[str, str]:
    """The two example coders' ids (the consensus coder, once made, is a third)."""
    ids = {c.name: c.id for c in w.project.coders()}
    return ids[AMIRA], ids[BEN]


def opened(qtbot: QtBot, w: MainWindow) -> DisagreementWindow:
    """The list opened from Coders -> Disagreements…, its rows found, the window active."""
    w.menu_actions["actionDisagreements"].trigger()
    dl = w._disagreements  # type: ignore[attr-defined]
    assert isinstance(dl, DisagreementWindow)
    qtbot.waitUntil(lambda: dl.listing is not None, timeout=10000)
    dl.activateWindow()
    qtbot.waitActive(dl)
    return dl


def originals(w: MainWindow) -> list[object]:
    """The compared coders' codings, every field of each."""
    return sorted(w.project.codings(coder_ids=list(coders(w))), key=lambda c: c.id)


def consensus_spans(w: MainWindow, document_id: str, code_id: str) -> list[tuple[int, int]]:
    consensus = settling.find_consensus(w.project)
    if consensus is None:
        return []
    return [(c.start, c.end) for c in w.project.codings(document_id, [code_id], [consensus.id])]


def current(dl: DisagreementWindow) -> int:
    return dl.view.currentIndex().row()


def test_the_list_holds_every_disagreement_and_keys_step_through_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    dl = opened(qtbot, window)
    assert dl.model.rowCount() == 60
    assert dl.counter.text() == "0 of 60 settled"
    assert dl.model.headerData(2, Qt.Orientation.Horizontal) == AMIRA
    assert current(dl) == 0
    assert dl.view.hasFocus()  # the rows take the keys as soon as the list opens
    QTest.keyClick(dl.view, Qt.Key.Key_Down)
    assert current(dl) == 1
    QTest.keyClick(dl, Qt.Key.Key_F9)
    assert current(dl) == 2
    QTest.keyClick(dl, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    assert current(dl) == 1
    # The current row is shown in the text: its document open, its region selected.
    d = dl.model.rows[1].disagreement
    assert window.state.current_document_id == d.document_id  # the text follows the row
    window.document_view.snap_to_words = False  # the selection as made, not widened
    assert window.document_view.selection_span() == (d.start, d.end)
    # What a cell says is each coder's passage, from the stored text.
    text = window.project.document_text(d.document_id)
    a, _b = coders(window)
    for start, end in d.spans.get(a, ()):
        assert " ".join(text[start:end].split())[:40] in dl.model.rows[1].quotes[0]


def test_ctrl_1_settles_with_coder_a_and_undo_takes_it_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    dl = opened(qtbot, window)
    a, _b = coders(window)
    before = originals(window)
    d = dl.model.rows[0].disagreement
    QTest.keyClick(dl, Qt.Key.Key_1, CTRL)
    # The consensus coder holds exactly A's version of the region; the row is settled.
    assert consensus_spans(window, d.document_id, d.code_id) == list(d.spans.get(a, ()))
    assert settling.find_consensus(window.project) is not None
    assert dl.model.data(dl.model.index(0, 4)) == "✓"
    assert dl.counter.text() == "1 of 60 settled"
    assert current(dl) == 1  # on to the next unsettled row
    assert originals(window) == before
    assert [e.label for e in window.project.history()][-1].startswith("Settle disagreement: ")
    # Edit -> Undo in the main window: the consensus coding goes, the row is unsettled.
    window.menu_actions["actionUndo"].trigger()
    assert consensus_spans(window, d.document_id, d.code_id) == []
    assert dl.model.data(dl.model.index(0, 4)) == ""
    assert dl.counter.text() == "0 of 60 settled"
    assert originals(window) == before


def test_every_decision_is_one_step_and_ctrl_z_undoes_from_the_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    dl = opened(qtbot, window)
    a, b = coders(window)
    before = originals(window)
    steps = len(window.project.history())
    expected = []
    for row, key in enumerate((Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_0)):
        d = dl.model.rows[row].disagreement
        assert current(dl) == row
        QTest.keyClick(dl, key, CTRL)
        mine, theirs = set(d.spans.get(a, ())), set(d.spans.get(b, ()))
        expected.append((d, key, mine, theirs))
    assert len(window.project.history()) == steps + 4
    assert dl.counter.text() == "4 of 60 settled"
    for d, key, mine, theirs in expected:
        got = consensus_spans(window, d.document_id, d.code_id)
        inside = [s for s in got if d.start <= s[0] and s[1] <= d.end]
        want = {
            Qt.Key.Key_2: rules.normalise(theirs),  # Accept B
            Qt.Key.Key_3: rules.span_union(mine, theirs),  # Union
            Qt.Key.Key_4: rules.span_intersection(mine, theirs),  # Overlap
            Qt.Key.Key_0: (),  # None
        }[key]
        assert inside == list(want)
    assert originals(window) == before
    QTest.keyClick(dl, Qt.Key.Key_Z, CTRL)  # the list's own Ctrl+Z: the last decision only
    assert dl.counter.text() == "3 of 60 settled"
    assert dl.model.data(dl.model.index(3, 4)) == ""


def test_edit_takes_the_span_selected_in_the_text(qtbot: QtBot, window: MainWindow) -> None:
    dl = opened(qtbot, window)
    d = dl.model.rows[0].disagreement
    # The researcher narrows the selection in the text to the region's first half.
    middle = d.start + max(1, (d.end - d.start) // 2)
    window.document_view.snap_to_words = False
    window.document_view.select_span(d.start, middle)

    def use_selection(dialog: EditSpanDialog) -> None:
        qtbot.mouseClick(dialog.use_selection, Qt.MouseButton.LeftButton)
        assert dialog.span() == (d.start, middle)
        dialog.accept()

    with answering(EditSpanDialog, use_selection) as shown:
        QTest.keyClick(dl, Qt.Key.Key_E, CTRL)
    assert len(shown) == 1
    assert consensus_spans(window, d.document_id, d.code_id)[:1] == [(d.start, middle)]
    assert dl.counter.text() == "1 of 60 settled"


def test_the_compare_window_opens_it_on_one_code(qtbot: QtBot, window: MainWindow) -> None:
    a, b = coders(window)
    code = next(iter(window.project.comparison_spans([a, b])))[1]
    dl = open_disagreements(window, a, b, code)
    assert isinstance(dl, DisagreementWindow)
    qtbot.waitUntil(lambda: dl.listing is not None, timeout=10000)
    assert dl.model.rowCount() > 0
    assert {r.disagreement.code_id for r in dl.model.rows} == {code}
    assert dl.code_box.currentData() == code


def test_adopting_agreements_gives_the_consensus_the_agreed_passages(
    qtbot: QtBot, window: MainWindow
) -> None:
    dl = opened(qtbot, window)
    before = originals(window)
    adopt = dl.findChild(QPushButton, "adoptAgreements")
    qtbot.mouseClick(adopt, Qt.MouseButton.LeftButton)
    consensus = settling.find_consensus(window.project)
    assert consensus is not None
    assert window.project.codings(coder_ids=[consensus.id])
    assert dl.counter.text() == "0 of 60 settled"  # agreements are not disagreements
    assert originals(window) == before


def test_a_consensus_coder_of_another_name(
    qtbot: QtBot, window: MainWindow, errors: list[str]
) -> None:
    dl = opened(qtbot, window)
    d = dl.model.rows[0].disagreement
    dl.consensus.setText("Agreed version")
    dl.consensus.editingFinished.emit()
    QTest.keyClick(dl, Qt.Key.Key_3, CTRL)
    agreed = settling.find_consensus(window.project, "Agreed version")
    assert agreed is not None and settling.find_consensus(window.project) is None
    assert window.project.codings(d.document_id, [d.code_id], [agreed.id])
    assert dl.counter.text() == "1 of 60 settled"
    # Back to "Consensus": nothing of it is settled yet.
    dl.consensus.setText("Consensus")
    dl.consensus.editingFinished.emit()
    assert dl.counter.text() == "0 of 60 settled"
    # A compared coder cannot be the consensus (not even on a row where they coded
    # nothing, as the current one: Amira did not code it): said, and nothing written.
    assert not dl.current_row().disagreement.spans.get(coders(window)[0])  # type: ignore[union-attr]
    steps = len(window.project.history())
    dl.consensus.setText(AMIRA)
    assert not dl.decide("union")
    assert errors and "one of the coders being compared" in errors[-1]
    assert len(window.project.history()) == steps


def test_the_list_follows_the_coders_own_edits(qtbot: QtBot, window: MainWindow) -> None:
    dl = opened(qtbot, window)
    a, _b = coders(window)
    # Amira removes her coding from the first region that has one: its rows change.
    d = next(r.disagreement for r in dl.model.rows if r.disagreement.spans.get(a))
    start, end = d.spans[a][0]
    mine = next(
        c
        for c in window.project.codings(d.document_id, [d.code_id], [a])
        if c.start <= start and end <= c.end
    )
    old = dl.listing
    window.coding_actions.remove(mine.id)
    qtbot.waitUntil(lambda: dl.listing is not old, timeout=10000)
    assert dl.listing is not None
    assert all(
        (mine.start, mine.end) not in r.disagreement.spans.get(a, ())
        for r in dl.model.rows
        if r.disagreement.document_id == mine.document_id and r.disagreement.code_id == mine.code_id
    )


def test_turning_blind_coding_on_closes_the_list(qtbot: QtBot, window: MainWindow) -> None:
    dl = opened(qtbot, window)
    assert dl.isVisible()
    window.menu_actions["actionBlindCoding"].trigger()
    assert not dl.isVisible()


def test_the_code_column_shows_the_code_s_own_name_and_its_path_on_hover() -> None:
    from annotator.core.agreement.disagreements import Disagreement
    from annotator.ui.panels.settle_actions import CODE, DisagreementModel, Row

    model = DisagreementModel()
    d = Disagreement("doc", "code", 0, 5, {"a": ((0, 5),), "b": ()})
    row = Row(d, "Speech", "Cooperation and development/Capacity building", ("x", ""))
    model.set_listing([row], set(), ("Ann", "Ben"))
    index = model.index(0, CODE)
    assert index.data() == "Capacity building"
    assert (
        index.data(Qt.ItemDataRole.ToolTipRole) == "Cooperation and development/Capacity building"
    )
