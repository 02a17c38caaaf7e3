"""CodeTreeModel: the codebook tree follows the store row by row, never by a reset."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtTest import QAbstractItemModelTester

from annotator.core.changes import ChangeSet, RowChange
from annotator.core.errors import AnnotatorError
from annotator.store import Project
from annotator.ui.codebook.code_tree_model import (
    CODINGS,
    DOCS,
    KEY,
    NAME,
    CodeIdRole,
    CodeTreeModel,
)
from annotator.ui.widgets.state import CODE_MIME

pytestmark = pytest.mark.gui


class Recorder:
    """Counts the model's structural signals; a reset is a failure."""

    def __init__(self, model: CodeTreeModel) -> None:
        self.resets = 0
        self.inserted = self.removed = self.moved = 0
        self.changed: list[tuple[int, int, int]] = []  # (row, first column, last column)
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(lambda *a: setattr(self, "inserted", self.inserted + 1))
        model.rowsRemoved.connect(lambda *a: setattr(self, "removed", self.removed + 1))
        model.rowsMoved.connect(lambda *a: setattr(self, "moved", self.moved + 1))
        model.dataChanged.connect(
            lambda tl, br, roles=(): self.changed.append((tl.row(), tl.column(), br.column()))
        )

    def _reset(self) -> None:
        self.resets += 1


def shape(model: CodeTreeModel, parent: QModelIndex | None = None) -> list[tuple[str | None, list]]:
    """The model's tree as nested (code id, children), read through the Qt API."""
    parent = parent or QModelIndex()
    out = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, NAME, parent)
        out.append((model.code_id(index), shape(model, index)))
    return out


def store_shape(project: Project, parent_id: str | None = None) -> list[tuple[str | None, list]]:
    tree = project.code_tree()
    return [(c.id, store_shape(project, c.id)) for c in tree.children(parent_id)]


def check_with_qt_tester(model: CodeTreeModel) -> None:
    """Qt's own model checker follows every signal; it lives as long as the model."""
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning, model)


@pytest.fixture(autouse=True)
def no_model_test_failures(qtlog) -> Iterator[None]:
    yield
    failures = [r.message for r in qtlog.records if "FAIL!" in r.message]
    assert failures == [], "QAbstractItemModelTester: " + "; ".join(failures)


@pytest.fixture
def model(sample, qtbot) -> Iterator[CodeTreeModel]:
    m = CodeTreeModel(sample.project)
    check_with_qt_tester(m)
    unsubscribe = sample.project.subscribe(m.apply_changes)
    yield m
    unsubscribe()


def test_built_from_the_store_with_names_counts_colours_and_keys(sample, model):
    assert shape(model) == store_shape(sample.project)
    norms = model.index_of(sample.norms.id)
    shaper = model.index_of(sample.norm_shaper.id)
    assert model.parent(shaper) == norms
    assert model.data(norms) == "Norms"
    assert model.data(shaper.siblingAtColumn(CODINGS)) == "1"
    rivalry = model.index_of(sample.rivalry.id)
    assert model.data(rivalry.siblingAtColumn(CODINGS)) == "3"
    assert model.data(rivalry.siblingAtColumn(DOCS)) == "2"
    assert model.data(rivalry.siblingAtColumn(KEY)) == ""
    icon = model.data(rivalry, Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon)
    assert icon.pixmap(14, 14).toImage().pixelColor(7, 7).name().upper() == "#E6194B"
    # Ids come from the node, on every column, never from the text.
    assert model.data(rivalry.siblingAtColumn(DOCS), CodeIdRole) == sample.rivalry.id
    assert model.code_id(rivalry.siblingAtColumn(DOCS)) == sample.rivalry.id


def test_new_coding_recounts_only_its_code_and_its_parents_total(sample, model):
    rec = Recorder(model)
    sample.project.add_coding(sample.emoji.id, sample.norm_shaper.id, sample.ann.id, 0, 4)
    assert rec.resets == 0
    assert rec.changed == [
        (model.index_of(sample.norm_shaper.id).row(), CODINGS, DOCS),
        (model.index_of(sample.norms.id).row(), CODINGS, CODINGS),  # its total with sub-codes
    ]
    assert model.counts(sample.norm_shaper.id) == (2, 2)
    assert model.counts(sample.rivalry.id) == (3, 2)


def test_reassigned_coding_recounts_both_codes(sample, model):
    rec = Recorder(model)
    coding = sample.project.codings(code_ids=[sample.norm_shaper.id])[0]
    sample.project.update_coding(coding.id, code_id=sample.rivalry.id)
    assert rec.resets == 0 and len(rec.changed) == 3  # both codes, and Norms' total
    assert model.counts(sample.norm_shaper.id) == (0, 0)
    assert model.counts(sample.rivalry.id) == (4, 2)


def test_add_rename_move_delete_are_row_operations(sample, model):
    p = sample.project
    rec = Recorder(model)
    child = p.add_code("Soft power", sample.rivalry.id)
    assert rec.inserted == 1
    assert model.parent(model.index_of(child.id)) == model.index_of(sample.rivalry.id)
    p.update_code(child.id, name="Hard power")
    assert model.data(model.index_of(child.id)) == "Hard power"
    assert (model.index_of(child.id).row(), NAME, DOCS) in rec.changed
    p.move_code(child.id, sample.norms.id, 0)
    assert rec.moved >= 1
    assert shape(model) == store_shape(p)
    p.delete_code(sample.norms.id, "delete")
    assert rec.removed == 1
    assert shape(model) == store_shape(p)
    assert not model.index_of(child.id).isValid()
    assert rec.resets == 0


def test_reorder_moves_only_the_row_out_of_place(project, qtbot):
    ids = [project.add_code(f"Code {i}").id for i in range(8)]
    model = CodeTreeModel(project)
    project.subscribe(model.apply_changes)
    rec = Recorder(model)
    project.move_code(ids[0], None, 7)  # first to last renumbers all eight siblings
    assert rec.moved == 1 and rec.resets == 0
    assert [model.code_id(model.index(r, 0)) for r in range(8)] == ids[1:] + ids[:1]


def test_quick_key_taken_from_another_code_updates_both_rows(sample, model):
    p = sample.project
    p.update_code(sample.norms.id, quick_key=3)
    rec = Recorder(model)
    p.update_code(sample.rivalry.id, quick_key=3)
    assert model.data(model.index_of(sample.rivalry.id, KEY)) == "3"
    assert model.data(model.index_of(sample.norms.id, KEY)) == ""
    assert {r for r, _, _ in rec.changed} == {
        model.index_of(sample.norms.id).row(),
        model.index_of(sample.rivalry.id).row(),
    }


def test_merge_and_its_undo_follow_the_store(sample, model):
    p = sample.project
    sub = p.add_code("Liberal norms", sample.norms.id)
    p.add_coding(sample.emoji.id, sample.norms.id, sample.ann.id, 0, 4)
    rec = Recorder(model)
    p.merge_codes(sample.norms.id, sample.rivalry.id)
    assert shape(model) == store_shape(p)
    assert model.parent(model.index_of(sub.id)) == model.index_of(sample.rivalry.id)
    assert model.counts(sample.rivalry.id) == (4, 2)
    p.undo()
    assert shape(model) == store_shape(p)
    assert model.counts(sample.rivalry.id) == (3, 2)
    assert model.counts(sample.norms.id) == (1, 1)
    assert model.counts(sample.norm_shaper.id) == (1, 1)
    assert rec.resets == 0


def test_random_edits_and_undos_keep_the_tree_equal_to_the_store(project, qtbot):
    """Any sequence of codebook edits, undos and redos: same tree, never a reset."""
    rng = random.Random(7)
    coder = project.add_coder("Ann")
    doc = project.add_document("Doc", "x" * 200)
    model = CodeTreeModel(project)
    check_with_qt_tester(model)
    project.subscribe(model.apply_changes)
    rec = Recorder(model)
    setup = project.last_history_id()  # Undo takes only this loop's steps, not the setup's
    for step in range(120):
        ids = model.code_ids()
        op = rng.choice(
            ["add", "add", "move", "rename", "delete", "merge", "coding", "undo", "redo"]
        )
        pick = rng.choice(ids) if ids else None
        try:
            if op == "add" or pick is None:
                project.add_code(f"C{step}", rng.choice([None, pick]))
            elif op == "move":
                project.move_code(pick, rng.choice([None, *ids]), rng.randint(0, 4))
            elif op == "rename":
                project.update_code(pick, name=f"R{step}")
            elif op == "delete":
                project.delete_code(pick, "delete")
            elif op == "merge":
                project.merge_codes(pick, rng.choice(ids))
            elif op == "coding":
                project.add_coding(doc.id, pick, coder.id, rng.randint(0, 100), 150)
            elif op in ("undo", "redo"):
                entry = project.undo_entry() if op == "undo" else project.redo_entry()
                if entry is None or entry.id <= setup:
                    continue
                # Undo takes the newest step still done, Redo the oldest one undone.
                if op == "undo":
                    project.undo()
                else:
                    project.redo()
        except AnnotatorError:
            continue  # refused edits (cycles, clashes) change nothing
        if op not in ("undo", "redo") and project.last_changes.rows:
            assert project.redo_entry() is None, "a new action drops what could be redone"
        assert shape(model) == store_shape(project), (step, op)
    counts = project.code_counts()
    for cid in model.code_ids():
        assert model.counts(cid) == counts.get(cid, (0, 0))
        total = sum(counts.get(c, (0, 0))[0] for c in project.code_tree().subtree(cid))
        assert model.total(cid) == total, cid
    assert rec.resets == 0


def test_a_parent_shows_its_own_count_and_the_total_with_sub_codes(sample, model):
    """NVivo's aggregate: "own / with sub-codes" for a parent, the count alone for a leaf."""
    project = sample.project
    norms = model.index_of(sample.norms.id, CODINGS)
    shaper = model.index_of(sample.norm_shaper.id, CODINGS)
    assert (norms.data(), shaper.data()) == ("0 / 1", "1")
    rec = Recorder(model)
    deeper = project.add_code("Deeper", sample.norm_shaper.id)
    # The shaper gained a sub-code: its text changes though no count does.
    assert shaper.data() == "1 / 1" and (shaper.row(), CODINGS, CODINGS) in rec.changed
    rec.changed.clear()
    project.add_coding(sample.speech.id, deeper.id, sample.ann.id, 0, 3)
    project.add_coding(sample.emoji.id, sample.norms.id, sample.ben.id, 0, 4)
    assert (norms.data(), shaper.data()) == ("1 / 3", "1 / 2")
    assert model.index_of(deeper.id, CODINGS).data() == "1"
    assert (norms.row(), CODINGS, CODINGS) in rec.changed  # a child's coding reached the top
    tip = model.data(norms, Qt.ItemDataRole.ToolTipRole)
    assert "1 coding of this code; 3 with its sub-codes" in tip
    assert "with its sub-codes" not in model.data(
        model.index_of(deeper.id), Qt.ItemDataRole.ToolTipRole
    )
    # Moving the sub-code to the top level takes its codings out of the parents' totals.
    project.move_code(sample.norm_shaper.id, None, 0)
    assert model.index_of(sample.norms.id, CODINGS).data() == "1"  # a leaf again
    assert model.index_of(sample.norm_shaper.id, CODINGS).data() == "1 / 2"
    project.undo()
    assert model.index_of(sample.norms.id, CODINGS).data() == "1 / 3"
    # The shown coders only, in the totals too.
    model.set_coder_filter({sample.ben.id})
    assert model.index_of(sample.norms.id, CODINGS).data() == "1 / 1"
    model.set_coder_filter(None)
    assert model.index_of(sample.norms.id, CODINGS).data() == "1 / 3"
    project.delete_code(deeper.id, "delete")
    assert model.index_of(sample.norms.id, CODINGS).data() == "1 / 2"
    assert model.index_of(sample.norm_shaper.id, CODINGS).data() == "1"
    assert rec.resets == 0


def test_coder_filter_counts_only_the_visible_coders(sample, model):
    model.set_coder_filter({sample.ben.id})
    assert model.counts(sample.rivalry.id) == (2, 2)
    assert model.counts(sample.norm_shaper.id) == (0, 0)
    # New codings by a hidden coder leave the shown counts alone.
    sample.project.add_coding(sample.emoji.id, sample.rivalry.id, sample.ann.id, 0, 3)
    assert model.counts(sample.rivalry.id) == (2, 2)
    model.set_coder_filter(None)
    assert model.counts(sample.rivalry.id) == (4, 2)


def test_drag_payload_names_code_ids_and_a_drop_is_announced_not_applied(sample, model):
    data = model.mimeData(
        [model.index_of(sample.rivalry.id), model.index_of(sample.rivalry.id, DOCS)]
    )
    assert json.loads(bytes(data.data(CODE_MIME).data())) == [sample.rivalry.id]
    seen: list[tuple] = []
    model.codesDropped.connect(lambda ids, parent, row: seen.append((ids, parent, row)))
    on_norms = model.index_of(sample.norms.id)
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, on_norms)
    # False: the view must not remove "source" rows; the store's change moves them.
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, on_norms) is False
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex()) is False
    assert seen == [([sample.rivalry.id], sample.norms.id, -1), ([sample.rivalry.id], None, 0)]
    assert shape(model) == store_shape(sample.project)  # nothing moved by the model itself
    junk = QMimeData()
    junk.setData(CODE_MIME, b"not json")
    assert not model.canDropMimeData(junk, Qt.DropAction.MoveAction, -1, -1, on_norms)


def test_a_changeset_that_does_not_fit_the_tree_rebuilds_it(sample, model):
    """The store never sends one; if it did, the tree would still end up equal to it."""
    rec = Recorder(model)
    ghost = {
        "id": "no-such-code",
        "name": "Ghost",
        "parent_id": "missing-parent",
        "color": "#000000",
        "definition": "",
        "inclusion": "",
        "exclusion": "",
        "example": "",
        "memo": "",
        "sort_order": 0,
        "quick_key": None,
    }
    model.apply_changes(ChangeSet("odd", [RowChange("codes", ("no-such-code",), None, ghost)]))
    assert rec.resets == 1
    assert shape(model) == store_shape(sample.project)


def test_paths_subtrees_and_order_come_from_the_core_tree(sample, model):
    """The model's paths are core.codebook's (the picker's), and follow renames and moves."""
    p = sample.project
    slashed = p.add_code("either/or", sample.norm_shaper.id)
    assert (
        model.path(slashed.id) == p.code_tree().path(slashed.id) == "Norms/Norm-shaper/either\\/or"
    )
    p.update_code(sample.norms.id, name="Rules")
    p.move_code(sample.norm_shaper.id, sample.rivalry.id, 0)
    tree = p.code_tree()
    assert {cid: model.path(cid) for cid in model.code_ids()} == {
        c.id: tree.path(c.id) for c in tree.walk()
    }
    assert model.code_ids() == [c.id for c in tree.walk()]
    assert model.subtree(sample.rivalry.id) == tree.subtree(sample.rivalry.id)
    assert "Geopolitical rivalry/Norm-shaper/either\\/or" in model.data(
        model.index_of(slashed.id), Qt.ItemDataRole.ToolTipRole
    )


def test_a_codebook_import_and_its_undo_are_followed_row_by_row(sample, model, tmp_path):
    """Names swapped, codes moved under a new parent and a renamed one: one action, no reset."""
    from annotator.io.tables.codebook_csv import import_codebook

    p = sample.project
    rec = Recorder(model)
    path = tmp_path / "cb.csv"
    path.write_text(
        "id,name,parent_path\r\n"
        ",Attitudes,\r\n"
        f"{sample.rivalry.id},Norms,Attitudes\r\n"
        f"{sample.norms.id},Geopolitical rivalry,\r\n"
        f"{sample.norm_shaper.id},Shaper,Attitudes/Norms\r\n",
        encoding="utf-8",
    )
    import_codebook(p, path)
    assert shape(model) == store_shape(p)
    assert model.path(sample.norm_shaper.id) == "Attitudes/Norms/Shaper"
    p.undo()
    assert shape(model) == store_shape(p)
    assert model.path(sample.norm_shaper.id) == "Norms/Norm-shaper"
    p.redo()
    assert shape(model) == store_shape(p)
    assert rec.resets == 0
