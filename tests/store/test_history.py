"""The history kept in the project file: every action one entry with one label; undo and
redo replay exactly and survive reopening; texts are referenced; old steps are pruned to
their audit line; another program's steps can be read back as ChangeSets."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.core.errors import Conflict
from annotator.store import Project


def _labels(project: Project) -> list[str]:
    return [e.label for e in project.history()]


def test_every_action_is_one_entry_with_its_label_and_actor(project):
    project.actor = "Ann"
    ann = project.add_coder("Ann")
    doc = project.add_document("Speech", "We build capacity together.")
    code = project.add_code("Capacity building")
    project.add_coding(doc.id, code.id, ann.id, 3, 17)
    entries = project.history()
    assert [e.label for e in entries] == [
        "Add coder Ann",
        "Import Speech",
        "Add code Capacity building",
        "Apply code",
    ]
    assert all(e.kind == "action" and e.state == "done" and e.actor == "Ann" for e in entries)
    assert entries[-1].summary == "1 coding added"


def test_undo_and_redo_replay_exactly_and_survive_reopening(tmp_path):
    path = tmp_path / "h.sqlite"
    with Project.create(path) as p:
        ann = p.add_coder("Ann")
        doc = p.add_document("Speech", "We build capacity together.")
        code = p.add_code("Capacity building")
        coding = p.add_coding(doc.id, code.id, ann.id, 3, 17)
        p.update_coding(coding.id, memo="first memo")
    with Project.open(path) as p:
        assert p.undo_entry() is not None and p.undo_entry().label == "Edit coding memo"
        p.undo()
        assert p.coding(coding.id).memo == ""
        p.undo()
        assert p.codings() == []
    with Project.open(path) as p:
        assert p.redo_entry() is not None and p.redo_entry().label == "Apply code"
        p.redo()
        p.redo()
        assert p.coding(coding.id).memo == "first memo"
        assert p.redo_entry() is None
        kinds = [(e.kind, e.label) for e in p.history()][-4:]
        assert kinds == [
            ("undo", "Undo Edit coding memo"),
            ("undo", "Undo Apply code"),
            ("redo", "Redo Apply code"),
            ("redo", "Redo Edit coding memo"),
        ]


def test_a_new_action_drops_what_could_be_redone(sample):
    p = sample.project
    p.undo()
    assert p.redo_entry() is not None
    p.add_coder("Cem")
    assert p.redo_entry() is None
    assert any(e.state == "dropped" for e in p.history())


def test_undo_is_refused_when_another_program_changed_the_rows(sample):
    p = sample.project
    last = p.codings(sample.emoji.id)[0]  # the sample's last action coded it
    other = sqlite3.connect(p.path)
    other.execute("UPDATE codings SET memo = 'changed elsewhere' WHERE id = ?", (last.id,))
    other.commit()
    other.close()
    entry = p.undo_entry()
    assert entry is not None and entry.label == "Apply code"
    with pytest.raises(Conflict, match="was changed since"):
        p.undo()
    assert p.coding(last.id).memo == "changed elsewhere"
    assert p.undo_entry() == entry, "a refused undo changes nothing, the history included"


def test_document_texts_are_referenced_not_copied_and_come_back_on_redo(project):
    text = "A long speech about AI governance. " * 3000
    doc = project.add_document("Speech", text)
    stored = project.conn.execute("SELECT rows FROM history").fetchone()[0]
    assert "AI governance" not in stored and len(stored) < 1000
    project.undo()
    assert project.documents() == []
    project.redo()
    assert project.document_text(doc.id) == text
    assert project.conn.execute("SELECT count(*) FROM removed_texts").fetchone()[0] == 0


def test_deleting_a_document_keeps_its_text_once_for_undo(sample):
    p = sample.project
    text = p.document_text(sample.emoji.id)
    p.delete_document(sample.emoji.id)
    assert [tuple(r) for r in p.conn.execute("SELECT text FROM removed_texts")] == [(text,)]
    p.undo()
    assert p.document_text(sample.emoji.id) == text
    assert len(p.codings(sample.emoji.id)) == 1


def test_old_steps_are_pruned_to_their_audit_line(project):
    project.set_history_limit(3)
    for name in ("A", "B", "C", "D", "E"):
        project.add_coder(name)
    entries = project.history()
    coders = [e for e in entries if e.label.startswith("Add coder")]
    assert len(coders) == 5
    assert [e.replayable for e in coders] == [False, False, True, True, True]
    for _ in range(3):
        project.undo()
    assert [c.name for c in project.coders()] == ["A", "B"]
    assert project.undo_entry() is None, "a pruned step cannot be undone"


def test_changes_since_reads_another_programs_steps(tmp_path):
    path = tmp_path / "h.sqlite"
    mine = Project.create(path)
    seen = mine.last_history_id()
    with Project.open(path) as other:
        other.add_coder("Ann")
        other.undo()
        other.redo()
    changes = mine.changes_since(seen)
    assert changes is not None
    assert [[(rc.table, rc.kind) for rc in c.rows] for c in changes] == [
        [("coders", "insert")],
        [("coders", "delete")],
        [("coders", "insert")],
    ]
    mine.close()


def test_a_batch_of_actions_undoes_and_redoes_as_one_step(project):
    with project.batch("Import 3 documents"):
        for n in range(3):
            project.add_document(f"Doc {n}", f"Text number {n}.")
    assert project.undo_entry() is not None and project.undo_entry().label == "Import 3 documents"
    project.undo()
    assert project.documents() == []
    assert project.redo_entry() is not None and project.redo_entry().label == "Import 3 documents"
    project.redo()
    assert [d.title for d in project.documents()] == ["Doc 0", "Doc 1", "Doc 2"]
    assert [e.label for e in project.history()][-2:] == [
        "Undo Import 3 documents",
        "Redo Import 3 documents",
    ]


def test_a_deleted_documents_text_is_let_go_once_no_kept_step_needs_it(project):
    project.set_history_limit(2)
    doc = project.add_document("Speech", "A text to delete.")
    project.delete_document(doc.id)
    assert project.conn.execute("SELECT count(*) FROM removed_texts").fetchone()[0] == 1
    project.add_coder("Ann")  # the import is pruned; the delete still needs the text
    assert project.conn.execute("SELECT count(*) FROM removed_texts").fetchone()[0] == 1
    project.add_coder("Ben")  # now the delete is pruned too: nothing can re-insert it
    assert project.conn.execute("SELECT count(*) FROM removed_texts").fetchone()[0] == 0


def test_a_step_recorded_before_a_schema_update_still_undoes_and_redoes(tmp_path) -> None:
    """A project coded under schema 6 (no ``codings.updated_by``) is updated on opening; its
    history's row images lack the new column, yet Undo and Redo replay them."""
    from sqlite_utils import Database

    from annotator.core.changes import ChangeSet, RowChange
    from annotator.store import APPLICATION_ID
    from annotator.store.history import encode
    from annotator.store.migrations import migrate

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrate(Database(conn), upto=6)
    conn.executescript(
        "INSERT INTO coders (id, name, created) VALUES ('ann', 'Ann', 'now');"
        "INSERT INTO documents (id, title, text, length, sha256, imported_at)"
        " VALUES ('doc', 'Doc', 'Some words to code', 18, 'x', 'now');"
        "INSERT INTO codes (id, name) VALUES ('k', 'K');"
    )
    row = dict(id="c1", document_id="doc", code_id="k", coder_id="ann", start=0, end=4,
               memo="", created="2024-01-01T00:00:00Z", updated="")  # fmt: skip
    conn.execute(
        'INSERT INTO codings (id, document_id, code_id, coder_id, start, "end", memo, created,'
        " updated) VALUES (:id, :document_id, :code_id, :coder_id, :start, :end, :memo,"
        " :created, :updated)",
        row,
    )
    step = ChangeSet("Apply code", [RowChange("codings", ("c1",), None, row)])
    conn.execute(
        "INSERT INTO history (at, actor, label, summary, kind, state, rows)"
        " VALUES ('now', '', 'Apply code', '1 coding added', 'action', 'done', ?)",
        (encode(step),),
    )
    conn.close()
    with Project.open(path) as p:
        assert p.schema_version == p.latest_schema_version()
        p.undo()
        assert p.codings() == []
        p.redo()
        assert [(c.id, c.updated_by) for c in p.codings()] == [("c1", "")]
