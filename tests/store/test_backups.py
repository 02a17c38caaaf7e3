"""Save a copy, rolling automatic backups, and the backup a migration makes first."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from annotator.core.errors import Conflict
from annotator.store import Project
from annotator.store.backups import backup_folder, list_backups, rolling_backup, save_copy
from annotator.store.migrations import MIGRATIONS, migrate


def test_a_saved_copy_is_a_whole_project_while_the_original_stays_open(tmp_path, sample):
    project = sample.project
    copy = save_copy(project, tmp_path / "copy.sqlite")
    project.add_coder("Cem")  # the original keeps working
    assert not copy.with_name(copy.name + "-wal").exists(), "a copy is one self-contained file"
    with Project.open(copy) as again:
        assert [c.name for c in again.coders()] == ["Ann", "Ben"]
        assert len(again.codings()) == 4
        assert again.document_text(sample.emoji.id) == project.document_text(sample.emoji.id)


def test_a_copy_over_the_open_project_or_its_wal_is_refused(project):
    project.add_coder("Ann")
    for target in (project.path, project.path.with_name(project.path.name + "-wal")):
        with pytest.raises(Conflict, match="own file"):
            save_copy(project, target)
    assert [c.name for c in project.coders()] == ["Ann"]


def test_rolling_backups_keep_the_newest_and_skip_unchanged_ones(project):
    project.add_coder("Ann")
    first = rolling_backup(project, keep=3)
    assert first is not None and first.parent == backup_folder(project.path)
    assert rolling_backup(project, keep=3) is None, "nothing changed: no second copy"
    made = [first]
    for name in ("Ben", "Cem", "Dan"):
        project.add_coder(name)
        backup = rolling_backup(project, keep=3)
        assert backup is not None
        made.append(backup)
    assert list_backups(project.path) == made[-3:]
    with Project.open(made[-1]) as newest:
        assert len(newest.coders()) == 4
    assert rolling_backup(project, keep=0) is None


def test_a_migration_backs_the_old_file_up_first(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA application_id = 1095650900")
    migrate(Database(conn), upto=1)
    conn.execute("INSERT INTO coders (id, name, created) VALUES ('c1', 'Ann', '2020-01-01')")
    conn.close()
    with Project.open(path) as project:
        assert project.schema_version == len(MIGRATIONS)
    backups = list(backup_folder(path).glob(f"old-before-schema-{len(MIGRATIONS)}-*.sqlite"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT count(*) FROM _migrations").fetchone()[0] == 1
    assert old.execute("SELECT name FROM coders").fetchall() == [("Ann",)]
    old.close()
