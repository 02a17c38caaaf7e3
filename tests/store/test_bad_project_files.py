"""Files that cannot be projects are refused at once with one sentence and left as they were;
read-only projects open for reading; a project busy elsewhere is named, never a traceback."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from other_process import holding_write_lock

from annotator.core.errors import ProjectBusy, ProjectFileError, ReadOnlyProject
from annotator.store import Project
from annotator.store.migrations import MIGRATIONS


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _made(tmp_path: Path, name: str = "p.sqlite") -> Path:
    path = tmp_path / name
    with Project.create(path) as p:
        p.add_coder("Ann")
    return path


def _journal_mode(path: Path) -> int:
    # Header bytes 18-19 are 2 in WAL mode, 1 in rollback mode.
    return path.read_bytes()[18]


def test_a_fifo_is_refused_at_once_instead_of_hanging(tmp_path):
    fifo = tmp_path / "pipe.sqlite"
    os.mkfifo(fifo)
    result: list[BaseException] = []

    def attempt() -> None:
        try:
            Project.open(fifo)
        except BaseException as err:
            result.append(err)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "opening a FIFO must not block"
    assert isinstance(result[0], ProjectFileError)
    assert "pipe" in str(result[0])


def test_a_newer_user_version_is_refused_and_nothing_written(tmp_path):
    path = _made(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    before = _digest(path)
    with pytest.raises(ProjectFileError, match="newer version"):
        Project.open(path)
    assert _digest(path) == before


@pytest.mark.parametrize("dropped", ["codings", "coders", "settings"])
def test_a_dropped_table_is_refused_before_anything_is_written(tmp_path, dropped):
    path = _made(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(f"DROP TABLE {dropped}")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(ProjectFileError, match=f"damaged: its table '{dropped}' is missing"):
        Project.open(path)
    assert _digest(path) == before


def test_a_dropped_index_that_keeps_rules_is_refused(tmp_path):
    path = _made(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX coders_name")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectFileError, match="index 'coders_name' is missing"):
        Project.open(path)


def test_a_dropped_migrations_record_is_refused_without_changing_the_file(tmp_path):
    path = _made(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")  # as a tool that rewrote the file might leave it
    conn.execute("DROP TABLE _migrations")
    conn.commit()
    conn.close()
    before = _digest(path)
    assert _journal_mode(path) == 1
    with pytest.raises(ProjectFileError, match="record of schema versions is missing"):
        Project.open(path)
    assert _digest(path) == before
    assert _journal_mode(path) == 1, "a refused file's journal mode must not be switched"
    assert not path.with_name(path.name + "-wal").exists()


def test_a_foreign_database_keeps_its_journal_mode(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectFileError, match="not an Annotator project"):
        Project.open(path)
    assert _journal_mode(path) == 1


def test_random_bytes_are_refused_with_one_sentence(tmp_path):
    path = tmp_path / "random.sqlite"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(ProjectFileError, match="not an Annotator project"):
        Project.open(path)


def _pretend_unwritable(monkeypatch, *unwritable: Path) -> None:
    """Tests run as root, which may write anything: make ``os.access`` answer as it
    would for an ordinary user without write permission on these paths."""
    real = os.access
    blocked = {p.resolve() for p in unwritable}

    def access(path, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
        if mode & os.W_OK and Path(path).resolve() in blocked:
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_a_read_only_file_opens_for_reading_and_refuses_edits_in_one_sentence(
    tmp_path, monkeypatch
):
    path = _made(tmp_path)
    _pretend_unwritable(monkeypatch, path)
    before = _digest(path)
    with Project.open(path) as project:
        assert project.read_only
        assert [c.name for c in project.coders()] == ["Ann"]
        with pytest.raises(
            ReadOnlyProject, match=r"read-only \(the file is read-only\): .Add coder"
        ):
            project.add_coder("Ben")
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sqlite"], (
        "reading leaves no -wal or -shm"
    )


def test_a_project_in_a_read_only_folder_opens_for_reading(tmp_path, monkeypatch):
    path = _made(tmp_path)
    _pretend_unwritable(monkeypatch, tmp_path)
    with Project.open(path) as project:
        assert project.read_only
        assert "folder" in project.read_only_reason
        assert len(project.coders()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sqlite"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes any file")
def test_really_read_only_and_unreadable_files(tmp_path):  # pragma: no cover - not as root
    path = _made(tmp_path)
    path.chmod(0o444)
    with Project.open(path) as project:
        assert project.read_only
    path.chmod(0o000)
    with pytest.raises(ProjectFileError, match="cannot be read"):
        Project.open(path)


def test_opening_for_reading_on_request_sees_what_another_process_commits(tmp_path):
    path = _made(tmp_path)
    writer = Project.open(path)
    reader = Project.open(path, read_only=True)
    assert reader.outside_change() is False
    subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        from annotator.store import Project
        with Project.open({str(path)!r}) as p:
            p.add_coder("Ben")
    """),
        ],
        check=True,
        timeout=60,
    )
    assert reader.outside_change() is True
    assert reader.outside_change() is False, "each outside change is reported once"
    assert [c.name for c in reader.coders()] == ["Ann", "Ben"]
    writer.add_coder("Cem")
    assert reader.outside_change() is True
    assert writer.outside_change() is True  # the CLI's coder, not its own
    assert writer.outside_change() is False
    reader.close()
    writer.close()


def test_a_write_lock_held_elsewhere_gives_one_sentence_naming_the_holder(tmp_path):
    path = _made(tmp_path)
    with holding_write_lock(path) as holder:
        project = Project(path, busy_timeout=0.2)
        with pytest.raises(ProjectBusy) as caught:
            project.add_coder("Ben")
        message = str(caught.value)
        assert f"process {holder.pid}" in message
        assert "more than 0.2 s" in message and "Nothing was changed" in message
        assert "\n" not in message
    project.add_coder("Ben")  # free again: the same action now goes through
    assert [c.name for c in project.coders()] == ["Ann", "Ben"]
    project.close()
