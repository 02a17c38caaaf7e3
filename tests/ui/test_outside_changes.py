"""Another program writes to the open project: the window shows what the file now holds.

The writer is a real ``annotator`` CLI process or a second ``Project`` on the same
file (the ``sample`` fixture's own connection: its changes never reach the
window's ``ProjectEvents``). After ``events.reload()`` every panel must show the
file's state, and keep what the researcher was looking at where it still exists.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SPEECH

from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.document.highlights import span_cursor
from annotator.ui.panels.coder_bar import NEW_CODER
from annotator.ui.panels.document_list import DocumentIdRole
from annotator.ui.panels.search_dialog import SearchDialog
from annotator.ui.panels.segment_list import CodingIdRole


def open_window(qtbot, sample, settings, document_id: str | None) -> MainWindow:
    w = MainWindow(sample.project.path, settings)
    qtbot.addWidget(w)
    w.state.set_active_coder(sample.ann.id)
    if document_id is not None:
        w.state.set_current_document(document_id)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def window(qtbot, sample, settings, errors) -> MainWindow:
    return open_window(qtbot, sample, settings, sample.speech.id)


def cli(*args: str | Path) -> str:
    """Run the ``annotator`` command line in its own process; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def outside(w: MainWindow) -> None:
    """What the window's poll does: notice the other program's commit, then reload."""
    assert w.project.outside_change()
    w.events.reload()


# -- what each panel shows ------------------------------------------------------------
def document_rows(w: MainWindow) -> dict[str, int]:
    model = w.document_list.model
    return {model.document(r).title: model.document(r).codings for r in range(model.rowCount())}


def code_rows(w: MainWindow) -> dict[str, int]:
    """Code path -> codings, as the tree shows them (through its proxy)."""
    proxy, out = w.code_tree.proxy, {}
    pending = [proxy.index(r, 0) for r in range(proxy.rowCount())]
    while pending:
        index = pending.pop()
        cid = w.code_tree.model.code_id(proxy.mapToSource(index))
        assert cid is not None
        out[w.code_tree.model.path(cid)] = w.code_tree.model.counts(cid)[0]
        pending += [proxy.index(r, 0, index) for r in range(proxy.rowCount(index))]
    return out


def coder_names(w: MainWindow) -> list[str]:
    sel = w.coder_bar.selector
    return [sel.itemText(i) for i in range(sel.count()) if sel.itemData(i) != NEW_CODER]


def segment_ids(w: MainWindow) -> set[str]:
    proxy = w.segments.proxy
    return {str(proxy.index(r, 0).data(CodingIdRole)) for r in range(proxy.rowCount())}


def highlighted(w: MainWindow) -> set[str]:
    """The codings highlighted on the open document's text (the whole sample text is in view)."""
    return {k for p in w.document_view.pieces for k in p.keys}


def selected_document(w: MainWindow) -> str | None:
    rows = w.document_list.view.selectionModel().selectedRows()
    return str(rows[0].data(DocumentIdRole)) if rows else None


# -- additions ------------------------------------------------------------------------
def test_cli_additions_show_in_every_panel(window, sample, tmp_path, errors):
    w = window
    w.state.set_current_code(sample.norms.id)
    w.segments.subcodes.setChecked(True)
    before_highlights = highlighted(w)
    assert len(before_highlights) == 3
    assert document_rows(w) == {"Speech": 3, "Emoji post": 1}

    cli("coders", "add", sample.project.path, "Chen")
    new_coding = cli(
        "code",
        sample.project.path,
        "--document",
        "Speech",
        "--code",
        "Norms",
        "--coder",
        "Chen",
        "--quote",
        "capacity",
    )
    (tmp_path / "interview.txt").write_text(
        "Interview\n\nAbout AI standards and capacity.\n", encoding="utf-8"
    )
    cli("import", sample.project.path, tmp_path / "interview.txt")
    (tmp_path / "codes.csv").write_text(
        "path,color\nNorms/Soft law,#911EB4\nSafety,#F58231\n", encoding="utf-8"
    )
    cli("codebook", "import", sample.project.path, tmp_path / "codes.csv")

    # Nothing moves until the window learns of the change.
    assert coder_names(w) == ["Ann", "Ben"]
    assert new_coding not in segment_ids(w)
    outside(w)

    assert coder_names(w) == ["Ann", "Ben", "Chen"]
    assert document_rows(w) == {"Speech": 4, "Emoji post": 1, "Interview": 0}
    codes = code_rows(w)
    assert codes["Norms"] == 1 and codes["Norms/Soft law"] == 0 and codes["Safety"] == 0
    assert codes["Norms/Norm-shaper"] == 1 and codes["Geopolitical rivalry"] == 3
    assert new_coding in segment_ids(w) and len(segment_ids(w)) == 2  # Norms with its sub-codes
    assert highlighted(w) == before_highlights | {new_coding}
    assert w.document_view.shown.describe(new_coding) == "Norms — Chen"
    # What the researcher was looking at is still there.
    assert w.state.current_document_id == sample.speech.id == selected_document(w)
    assert w.state.current_code_id == sample.norms.id == w.code_tree.current_code_id()
    assert w.segments.subcodes.isChecked()
    assert errors == []


def test_a_second_project_adds_codings_counted_for_the_shown_coders_only(window, sample):
    w = window
    w.coder_bar.set_view("mine")  # Ann's codings only
    w.state.set_current_code(sample.rivalry.id)
    assert code_rows(w)["Geopolitical rivalry"] == 1
    other = sample.project
    ann_new = other.add_coding(sample.speech.id, sample.rivalry.id, sample.ann.id, 0, 5)
    ben_new = other.add_coding(sample.speech.id, sample.rivalry.id, sample.ben.id, 6, 10)
    outside(w)
    assert w.state.visible_coder_ids == {sample.ann.id}
    assert w.coder_bar.view_switch.currentData() == "mine"
    assert code_rows(w)["Geopolitical rivalry"] == 2  # Ben's new coding is not counted
    assert ann_new.id in segment_ids(w) and ben_new.id not in segment_ids(w)
    assert ann_new.id in highlighted(w) and ben_new.id not in highlighted(w)
    assert document_rows(w)["Speech"] == 3  # the list follows Show too: Ann's 2 and her new one


# -- removals -------------------------------------------------------------------------
def test_outside_removals_show_and_clear_what_was_selected(window, sample, errors):
    w = window
    other = sample.project
    ann_rivalry = next(
        c
        for c in other.codings(document_id=sample.speech.id, code_ids=[sample.rivalry.id])
        if c.coder_id == sample.ann.id
    )
    w.state.set_current_code(sample.rivalry.id)
    w.state.set_current_coding(ann_rivalry.id)
    assert w.segments.selected_coding_id() == ann_rivalry.id
    assert w.details.coding_box.isVisibleTo(w.details)

    other.remove_coding(ann_rivalry.id)
    other.delete_code(sample.norm_shaper.id, "delete")
    other.delete_document(sample.emoji.id)
    outside(w)

    assert w.state.current_coding_id is None
    assert w.segments.selected_coding_id() is None
    assert not w.details.coding_box.isVisibleTo(w.details)
    assert ann_rivalry.id not in highlighted(w) and len(highlighted(w)) == 1  # only Ben's rivalry
    assert document_rows(w) == {"Speech": 1}
    assert code_rows(w) == {"Norms": 0, "Geopolitical rivalry": 1}
    assert segment_ids(w) == {c.id for c in other.codings(code_ids=[sample.rivalry.id])}
    assert w.state.current_code_id == sample.rivalry.id == w.code_tree.current_code_id()
    assert errors == []


def test_deleting_the_open_document_and_the_current_code_outside(window, sample, errors):
    w = window
    w.state.set_current_code(sample.norm_shaper.id)
    coding = sample.project.codings(document_id=sample.speech.id, code_ids=[sample.norm_shaper.id])[
        0
    ]
    w.state.set_current_coding(coding.id)
    sample.project.delete_document(sample.speech.id)
    sample.project.delete_code(sample.norms.id, "delete")  # with its sub-code, the current one
    outside(w)
    assert w.state.current_document_id is None and w.document_view.document_id is None
    assert w.document_view.text_edit.toPlainText() == "" and w.document_view.pieces == []
    assert selected_document(w) is None
    assert w.state.current_code_id is None and w.code_tree.current_code_id() is None
    assert w.state.current_coding_id is None
    assert not w.details.code_box.isVisibleTo(w.details)
    assert segment_ids(w) == set()
    assert document_rows(w) == {"Emoji post": 1}
    assert errors == []


# -- keeping the researcher's place ---------------------------------------------------
LONG = "".join(
    f"Paragraph {i}: the capacity of states to govern AI is at stake here.\n" for i in range(400)
)


def test_reload_keeps_the_open_document_its_scroll_position_and_selection(
    qtbot, sample, settings, errors
):
    long_doc = sample.project.add_document("Long", LONG)
    w = open_window(qtbot, sample, settings, long_doc.id)
    view = w.document_view
    start = LONG.index("Paragraph 200:")
    view.restore_reading_position(long_doc.id, start)
    view.text_edit.release_hold()  # as if the researcher had scrolled there
    select_from = LONG.index("capacity", start)
    edit = view.text_edit
    edit.setTextCursor(span_cursor(edit.document(), view.offsets, select_from, select_from + 8))
    bar = view.text_edit.verticalScrollBar()
    value, position = bar.value(), view.reading_position(long_doc.id)
    assert value > 0 and position == start

    new = cli(
        "code",
        sample.project.path,
        "--document",
        "Long",
        "--code",
        "Norms",
        "--coder",
        "Ben",
        "--quote",
        "Paragraph 201",
    )
    sample.project.add_code("Brand new")
    outside(w)
    assert w.state.current_document_id == long_doc.id == view.document_id == selected_document(w)
    assert bar.value() == value and view.reading_position(long_doc.id) == position
    assert view.selection_span() == (select_from, select_from + 8)
    assert new in highlighted(w)  # in view, so drawn at once
    assert errors == []


def test_reload_keeps_the_tree_branches_current_code_and_scroll(window, sample):
    w = window
    tree = w.code_tree
    for i in range(40):  # enough codes to scroll
        sample.project.add_code(f"Filler {i:02d}")
    outside(w)
    norms = tree.proxy.mapFromSource(tree.model.index_of(sample.norms.id))
    tree.view.collapse(norms)
    tree.select_code(sample.rivalry.id)
    bar = tree.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    value = bar.value()
    assert value > 0

    sample.project.add_code("Soft law", sample.norms.id)
    fresh = sample.project.add_code("Safety")
    sample.project.add_code("Safety culture", fresh.id)  # a new branch opens as on launch
    outside(w)
    assert not tree.view.isExpanded(tree.proxy.mapFromSource(tree.model.index_of(sample.norms.id)))
    assert tree.view.isExpanded(tree.proxy.mapFromSource(tree.model.index_of(fresh.id)))
    assert tree.current_code_id() == sample.rivalry.id == w.state.current_code_id
    assert bar.value() == value
    assert "Norms/Soft law" in code_rows(w)


def test_reload_keeps_the_tree_filter(window, sample):
    w = window
    w.code_tree.filter.setText("rival")
    sample.project.add_code("Rivalry in trade")
    sample.project.add_code("Cooperation")
    outside(w)
    assert set(code_rows(w)) == {"Geopolitical rivalry", "Rivalry in trade"}


def test_details_pane_keeps_a_half_typed_field_and_shows_the_rest(window, sample, errors):
    w = window
    w.state.set_current_code(sample.norms.id)
    definition = w.details.code_fields["definition"]
    definition.setPlainText("Half typed")  # not committed yet
    sample.project.update_code(
        sample.norms.id,
        name="Norms and rules",
        memo="Written elsewhere",
        definition="Changed elsewhere",
    )
    outside(w)
    assert definition.value() == "Half typed"
    assert w.details.code_fields["name"].value() == "Norms and rules"
    assert w.details.code_fields["memo"].value() == "Written elsewhere"
    assert "Norms and rules/Norm-shaper" in code_rows(w)
    w.details.commit_pending()  # the researcher's words win, as one undo step
    assert w.project.code(sample.norms.id).definition == "Half typed"
    assert w.stack.count() == 1
    assert errors == []


def test_a_half_typed_field_of_a_code_deleted_outside_is_dropped_quietly(window, sample, errors):
    w = window
    w.state.set_current_code(sample.rivalry.id)
    w.details.code_fields["memo"].setPlainText("Notes for nothing")
    sample.project.delete_code(sample.rivalry.id, "delete")
    outside(w)
    w.details.commit_pending()
    assert w.state.current_code_id is None
    assert not w.details.code_box.isVisibleTo(w.details)
    assert errors == [] and w.stack.count() == 0


def test_coder_renamed_outside_shows_in_the_toolbar_and_title(window, sample):
    w = window
    sample.project.rename_coder(sample.ann.id, "Annika")
    outside(w)
    assert coder_names(w) == ["Annika", "Ben"]
    assert w.coder_bar.selector.currentData() == sample.ann.id
    assert "coding as Annika" in w.windowTitle()


def test_search_hits_of_documents_deleted_or_renamed_outside(qtbot, window, sample):
    w = window
    dialog = SearchDialog(w.project, w.events, w.state, w.coding_actions, w)
    qtbot.addWidget(dialog)
    dialog.query_edit.setText("rivalry")
    with qtbot.waitSignal(dialog.searchFinished):  # the search runs off the GUI thread
        dialog.run_search()
    assert {h.title for h in dialog.model.hits} == {"Speech", "Emoji post"}
    sample.project.delete_document(sample.emoji.id)
    sample.project.rename_document(sample.speech.id, "UN speech")
    outside(w)
    assert [h.title for h in dialog.model.hits] == ["UN speech"]
    assert dialog.model.hits[0].start == SPEECH.index("rivalry")


def test_a_reload_without_changes_changes_nothing(window, sample):
    w = window
    w.state.set_current_code(sample.rivalry.id)
    w.state.set_current_coding(sample.project.codings(code_ids=[sample.rivalry.id])[0].id)
    shown = (
        document_rows(w),
        code_rows(w),
        coder_names(w),
        segment_ids(w),
        highlighted(w),
        w.state.current_coding_id,
        w.state.current_code_id,
        w.state.current_document_id,
    )
    w.events.reload()
    assert shown == (
        document_rows(w),
        code_rows(w),
        coder_names(w),
        segment_ids(w),
        highlighted(w),
        w.state.current_coding_id,
        w.state.current_code_id,
        w.state.current_document_id,
    )
    assert w.stack.count() == 0


def test_a_second_window_on_the_same_file_is_seen(qtbot, window, sample):
    """Two Project objects, one written by "another window": the first window catches up."""
    second = Project.open(sample.project.path)
    try:
        second.add_coding(sample.emoji.id, sample.norms.id, sample.ann.id, 0, 4)
    finally:
        second.close()
    outside(window)
    assert document_rows(window)["Emoji post"] == 2
    assert code_rows(window)["Norms"] == 1
