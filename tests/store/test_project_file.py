"""Project files: created, recognised, refused when foreign or broken, migrated."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from annotator.core.errors import Conflict, NotFound, ProjectFileError
from annotator.store import APPLICATION_ID, Project
from annotator.store.migrations import MIGRATIONS, migrate


def schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    conn.close()
    return rows


def test_new_project_is_marked_as_ours_with_wal_and_foreign_keys(tmp_path):
    p = Project.create(tmp_path / "a.sqlite")
    assert p.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert p.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert p.schema_version == Project.latest_schema_version()
    p.close()


def test_create_refuses_to_overwrite(tmp_path, project):
    project.add_coder("Ann")
    with pytest.raises(Conflict, match="already exists"):
        Project.create(project.path)


def test_missing_file(tmp_path):
    with pytest.raises(NotFound, match="No project file"):
        Project.open(tmp_path / "nope.sqlite")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello, I am a text file\n", "not an SQLite database"),
        (b"", "empty file"),
    ],
)
def test_foreign_files_are_refused_and_left_untouched(tmp_path, content, message):
    path = tmp_path / "x.sqlite"
    path.write_bytes(content)
    with pytest.raises(ProjectFileError, match=message):
        Project.open(path)
    assert path.read_bytes() == content


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ProjectFileError, match="not an Annotator project"):
        Project.open(path)
    assert path.read_bytes() == before


def test_a_damaged_project_is_reported(tmp_path):
    path = tmp_path / "broken.sqlite"
    p = Project.create(path)
    p.add_document("Doc", "word " * 20000)
    p.close()
    data = bytearray(path.read_bytes())
    # Scribble over the middle pages (keep the header so it still looks like SQLite).
    for i in range(4096, len(data) - 4096, 7):
        data[i] = 0xFF
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with pytest.raises(ProjectFileError):
        Project.open(path)


def test_a_newer_projects_schema_is_refused(tmp_path, project):
    project.conn.execute("INSERT INTO _migrations VALUES (99, '099_future', 'x')")
    path = project.path
    project.close()
    with pytest.raises(ProjectFileError, match="newer version"):
        Project.open(path)


def test_migrated_old_file_has_the_same_schema_as_a_new_one_and_keeps_its_data(tmp_path):
    fresh = tmp_path / "fresh.sqlite"
    Project.create(fresh).close()
    for upto in range(1, len(MIGRATIONS)):
        old = tmp_path / f"old{upto}.sqlite"
        conn = sqlite3.connect(old, isolation_level=None)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        migrate(Database(conn), upto=upto)
        conn.execute("INSERT INTO coders (id, name, created) VALUES ('c1', 'Ann', 'now')")
        conn.close()
        p = Project.open(old)
        assert [c.name for c in p.coders()] == ["Ann"]
        assert p.schema_version == len(MIGRATIONS)
        p.close()
        assert schema(old) == schema(fresh)


def test_work_survives_a_crash_without_close(tmp_path):
    """Each action is committed at once: a process that dies keeps every finished action."""
    import subprocess
    import sys

    path = tmp_path / "crash.sqlite"
    script = f"""
import os
from annotator.store import Project
p = Project.create({str(path)!r})
c = p.add_coder("Ann")
d = p.add_document("Doc", "some words to code")
k = p.add_code("Code")
p.add_coding(d.id, k.id, c.id, 0, 4)
with p.action("in flight"):
    p.add_coding(d.id, k.id, c.id, 5, 10)
    os._exit(1)  # dies mid-action, without closing
"""
    subprocess.run([sys.executable, "-c", script], check=False)
    p = Project.open(path)
    assert [(c.start, c.end) for c in p.codings()] == [(0, 4)]
    p.close()


def old_file_with_copies(path: Path) -> None:
    """A version-3 project (before codings were unique) holding copies of codings, as two
    processes, or an import of a segments file without ids, could store them."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrate(Database(conn), upto=3)
    conn.executescript("""
        INSERT INTO coders (id, name, created) VALUES ('ann', 'Ann', 'now'), ('ben', 'Ben', 'now');
        INSERT INTO documents (id, title, text, length, sha256, imported_at)
            VALUES ('doc', 'Doc', 'Some words to code, and more words.', 35, 'x', 'now');
        INSERT INTO codes (id, name) VALUES ('norms', 'Norms'), ('rivalry', 'Rivalry');
    """)
    rows = [
        # Four copies of one coding: the oldest is not the first stored, and times differ in form.
        ("newest", "norms", "ann", 0, 10, "second thought", "2024-03-01T10:00:00.000000Z"),
        ("oldest", "norms", "ann", 0, 10, "", "2024-01-01T10:00:00+02:00"),
        ("middle", "norms", "ann", 0, 10, "first thought", "2024-01-01T09:00:00.000000Z"),
        ("again", "norms", "ann", 0, 10, "first thought", "2024-02-01T00:00:00"),
        # Not copies: another coder, another code, another span.
        ("ben's", "norms", "ben", 0, 10, "ben", "2024-01-01T00:00:00Z"),
        ("rival", "rivalry", "ann", 0, 10, "", "2024-01-01T00:00:00Z"),
        ("longer", "norms", "ann", 0, 11, "", "2024-01-01T00:00:00Z"),
        # Two copies keeping the older one's memo.
        ("b-old", "rivalry", "ben", 5, 9, "same", "2023-05-05T05:05:05Z"),
        ("b-new", "rivalry", "ben", 5, 9, "same", "2023-06-06T06:06:06Z"),
    ]
    conn.executemany(
        'INSERT INTO codings (id, document_id, code_id, coder_id, start, "end", memo, created) '
        "VALUES (?, 'doc', ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.close()


def test_migrating_folds_copies_of_a_coding_into_the_oldest_keeping_every_memo(tmp_path):
    old = tmp_path / "old.sqlite"
    old_file_with_copies(old)
    p = Project.open(old)
    memos = {c.id: c.memo for c in p.codings()}
    assert (
        memos
        == {
            "oldest": "first thought\n\nsecond thought",  # its own was empty; distinct ones, oldest first
            "ben's": "ben",
            "rival": "",
            "longer": "",
            "b-old": "same",
        }
    )
    assert (
        p.coding("oldest").updated and not p.coding("b-old").updated
    )  # only a changed memo is an edit
    # From now on the file refuses copies, and the store says who coded what.
    with pytest.raises(
        Conflict, match=r"^Ann has already coded exactly this passage with Norms\.$"
    ):
        p.add_coding("doc", "norms", "ann", 0, 10)
    p.close()
    fresh = tmp_path / "fresh.sqlite"
    Project.create(fresh).close()
    assert schema(old) == schema(fresh)
    # The file as it was is kept next to it, copies and all.
    [backup] = (tmp_path / "old.backups").glob("*.sqlite")
    conn = sqlite3.connect(backup)
    assert conn.execute("SELECT count(*) FROM codings").fetchone()[0] == 9
    conn.close()


def test_codings_keep_only_the_span_and_passage_indexes(tmp_path):
    path = tmp_path / "new.sqlite"
    Project.create(path).close()
    indexes = dict(
        sqlite3.connect(path).execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'codings' AND sql IS NOT NULL"
        )
    )
    assert indexes == {
        "codings_document_spans": 'CREATE INDEX codings_document_spans ON codings(document_id, start, "end", code_id, coder_id, id)',
        "codings_one_per_passage": 'CREATE UNIQUE INDEX codings_one_per_passage ON codings(code_id, document_id, coder_id, start, "end")',
    }
