"""Merging coders' copies as the window and the command line do it: a preview that writes
nothing, a merge that is one undo step, sources opened read-only and refused with one
sentence when they cannot be merged."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from annotator.app.merge import merge, preview_merge, summary_lines
from annotator.app.session import Session
from annotator.core.errors import Conflict, InvalidInput, NotFound, ProjectFileError
from annotator.core.text import fingerprint
from annotator.store import APPLICATION_ID, Project
from annotator.store.backups import save_copy
from annotator.store.migrations import migrate


def file_state(path: Path) -> tuple[bytes, bytes]:
    """The project file's bytes and its write-ahead log's (a commit changes one of them)."""
    wal = Path(f"{path}-wal")
    return path.read_bytes(), wal.read_bytes() if wal.exists() else b""


def data_version(path: Path) -> int:
    """What another program sees: its ``data_version`` moves when anyone commits."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA data_version").fetchone()[0])
    finally:
        conn.close()


def rows(project: Project) -> list[Any]:
    return [
        sorted(tuple(r) for r in project.conn.execute(f"SELECT * FROM {t}"))
        for t in ("coders", "documents", "codes", "codings", "memos")
    ]


@pytest.fixture
def source_path(sample, tmp_path) -> Path:
    """A coder's copy with a new coder, document, code and two codings in it."""
    path = save_copy(sample.project, tmp_path / "coder-b.sqlite")
    with Project.open(path) as b:
        cy = b.add_coder("Cy")
        doc = b.add_document("Op-ed", "An op-ed about chips and trust.\n")
        trust = b.add_code("Trust", sample.norms.id)
        b.add_coding(doc.id, trust.id, cy.id, 0, 9)
        b.add_coding(sample.speech.id, sample.rivalry.id, cy.id, 0, 5)
        b.update_code(sample.rivalry.id, name="Rivalry")
    return path


def test_the_preview_says_what_would_be_added_and_writes_nothing(sample, source_path):
    p = sample.project
    target = p.path
    state, version, steps = file_state(target), data_version(target), p.last_history_id()
    source_bytes = source_path.read_bytes()
    preview = preview_merge(p, [source_path])
    assert file_state(target) == state and data_version(target) == version
    assert p.last_history_id() == steps
    assert source_path.read_bytes() == source_bytes
    (plan,) = preview.plans
    assert plan.added()["codings"] == 2 and plan.added()["documents"] == 1
    lines = summary_lines(preview, done=False)
    assert lines[0] == "Merging coder-b.sqlite into test.sqlite:"
    assert lines[1] == "  adds: 1 document, 1 code, 1 coder, 2 codings"
    assert any("code renamed: code 'Geopolitical rivalry'" in line for line in lines)
    assert lines[-1] == "Dry run: nothing was written."


def test_the_merge_is_one_undo_step_named_after_the_source(sample, source_path):
    p = sample.project
    before, source_bytes = rows(p), source_path.read_bytes()
    done = merge(Session(p), [source_path])
    assert p.undo_entry() is not None and p.undo_entry().label == "Merge coder-b.sqlite"
    assert done.plans[0].added()["codings"] == 2
    assert p.find_code("Norms/Trust") and p.find_coder("Cy")
    assert source_path.read_bytes() == source_bytes  # a source is only read
    assert summary_lines(done, done=True)[1] == "  added: 1 document, 1 code, 1 coder, 2 codings"
    p.undo()
    assert rows(p) == before


def test_the_merge_does_what_the_preview_said_or_nothing(sample, source_path):
    p = sample.project
    preview = preview_merge(p, [source_path])
    merge(Session(p), [source_path], expected=preview)  # unchanged since: done
    p.undo()
    preview = preview_merge(p, [source_path])
    p.add_code("Trust", sample.norms.id)  # meanwhile: the merge would now add another code
    before = rows(p)
    with pytest.raises(Conflict, match="changed since the merge was previewed"):
        merge(Session(p), [source_path], expected=preview)
    assert rows(p) == before


def test_several_copies_are_merged_in_one_step(sample, source_path, tmp_path):
    p = sample.project
    other = save_copy(sample.project, tmp_path / "coder-c.sqlite")
    with Project.open(other) as c:
        c.add_coding(sample.emoji.id, sample.norms.id, c.add_coder("Cy").id, 0, 4)
    steps = p.last_history_id()
    done = merge(Session(p), [source_path, other])
    assert p.last_history_id() == steps + 1
    assert p.undo_entry().label == "Merge coder-b.sqlite and coder-c.sqlite"
    second = done.plans[1]
    assert second.coders == () and second.added()["codings"] == 1  # Cy came with coder-b
    assert len(p.coders()) == 3


def refused(sample: Any, paths: list[Path], error: type[Exception], message: str) -> None:
    p = sample.project
    before, state = rows(p), file_state(p.path)
    for attempt in (lambda: preview_merge(p, paths), lambda: merge(Session(p), paths)):
        with pytest.raises(error, match=message):
            attempt()
    assert rows(p) == before and file_state(p.path) == state


def test_the_project_itself_is_refused_even_by_another_name(sample, tmp_path):
    link = tmp_path / "link.sqlite"
    link.symlink_to(sample.project.path)
    refused(sample, [link], InvalidInput, "is the project being merged into")


def test_a_copy_named_twice_is_refused(sample, source_path):
    refused(sample, [source_path, source_path], InvalidInput, "named twice")


def test_a_file_that_is_not_a_project_is_refused(sample, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("Not a project.\n")
    refused(sample, [text], ProjectFileError, "notes.txt is not an Annotator project")
    refused(sample, [tmp_path / "missing.sqlite"], NotFound, "No project file")


def test_a_copy_from_a_newer_version_is_refused(sample, source_path):
    conn = sqlite3.connect(source_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    refused(sample, [source_path], ProjectFileError, "saved by a newer version of Annotator")


def test_a_copy_from_an_older_version_is_merged_from_an_updated_copy_and_left_as_it_was(
    sample, tmp_path, monkeypatch
):
    old = tmp_path / "coder-old.sqlite"
    text = "A letter from an older version.\n"
    conn = sqlite3.connect(old, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrate(Database(conn), upto=4)  # before the history was kept in the file
    conn.execute("INSERT INTO coders (id, name, created) VALUES ('dee', 'Dee', 'now')")
    conn.execute(
        "INSERT INTO documents (id, title, text, length, sha256, imported_at) "
        "VALUES ('letter', 'Letter', ?, ?, ?, 'now')",
        (text, len(text), fingerprint(text)),
    )
    conn.execute("INSERT INTO codes (id, name) VALUES ('hope', 'Hope')")
    conn.execute(
        'INSERT INTO codings (id, document_id, code_id, coder_id, start, "end", created) '
        "VALUES ('c1', 'letter', 'hope', 'dee', 2, 8, 'now')"
    )
    conn.close()
    untouched = old.read_bytes()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    (plan,) = merge(Session(sample.project), [old]).plans
    assert plan.source == "coder-old.sqlite"
    assert sample.project.coding("c1").document_id == "letter"
    assert sample.project.find_code("Hope").id == "hope"
    assert old.read_bytes() == untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("coder-old")] == [
        "coder-old.sqlite"
    ]  # nothing beside it: no journal, no backup of a migration
    assert list(scratch.iterdir()) == []  # the updated copy is gone
