"""The open project keeps its locks whatever else in the process opens and closes its files,
so another process can never delete the WAL under it; a second window is told who edits."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from other_process import editing_in_a_window

from annotator.store import Project, guard

pytestmark = pytest.mark.skipif(
    not guard.supported(), reason="needs Linux open-file-description locks"
)


def _locks_on(path: Path) -> list[str]:
    key = guard.file_key(path)
    assert key is not None
    return [line for line in Path("/proc/locks").read_text().splitlines() if f":{key[1]} " in line]


def _other_process(code: str) -> str:
    """Run ``code`` in a fresh Python (another process, as the CLI or a backup tool would be)."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def _count_coders_elsewhere(path: Path) -> int:
    return int(
        _other_process(f"""
        import sqlite3
        conn = sqlite3.connect({str(path)!r})
        print(conn.execute("SELECT count(*) FROM coders").fetchone()[0])
        conn.close()
    """)
    )


def test_a_stray_open_and_close_of_the_project_files_drops_no_lock_and_loses_no_work(tmp_path):
    path = tmp_path / "p.sqlite"
    project = Project.create(path)
    project.add_coder("Ann")
    wal = path.with_name(path.name + "-wal")
    shm = path.with_name(path.name + "-shm")
    # What a file dialog does when it sniffs a file's type for its icon.
    for f in (path, wal, shm):
        with f.open("rb") as fh:
            fh.read(16)
    assert _locks_on(path), "the project must still be locked"
    # Another process opens and closes the project: it must not checkpoint away our WAL.
    assert _count_coders_elsewhere(path) == 1
    assert wal.exists() and shm.exists()
    project.add_coder("Ben")
    # The later commit reached the real file, not a deleted one.
    assert _count_coders_elsewhere(path) == 2
    project.close()
    with Project.open(path) as again:
        assert [c.name for c in again.coders()] == ["Ann", "Ben"]


def test_closing_one_of_two_projects_on_the_same_file_keeps_the_other_safe(tmp_path):
    path = tmp_path / "p.sqlite"
    first = Project.create(path)
    second = Project.open(path)
    second.close()
    open(path, "rb").close()  # the stray close under test
    assert _count_coders_elsewhere(path) == 0
    first.add_coder("Ann")
    assert _count_coders_elsewhere(path) == 1
    key = guard.file_key(path)
    first.close()
    assert key not in guard.held_files()


def test_closing_the_project_releases_everything_and_removes_the_wal(tmp_path):
    path = tmp_path / "p.sqlite"
    project = Project.create(path)
    project.add_coder("Ann")
    project.close()
    assert _locks_on(path) == []
    assert not path.with_name(path.name + "-wal").exists()


def test_a_second_window_learns_which_process_edits_the_project(tmp_path):
    path = tmp_path / "p.sqlite"
    Project.create(path).close()
    with editing_in_a_window(path) as holder:
        project = Project.open(path)
        assert project.claim_editor() is False
        assert project.editor_elsewhere() == f"Annotator, process {holder.pid}"
        project.close()
    project = Project.open(path)
    assert project.claim_editor() is True
    project.close()


def test_in_one_process_only_the_first_window_edits(tmp_path):
    path = tmp_path / "p.sqlite"
    first = Project.create(path)
    assert first.claim_editor()
    second = Project.open(path)
    assert second.claim_editor() is False
    second.close()
    first.close()


def test_the_project_files_are_known_as_held_while_open(tmp_path):
    path = tmp_path / "p.sqlite"
    project = Project.create(path)
    project.add_coder("Ann")
    assert guard.is_held(path)
    assert guard.is_held(path.with_name(path.name + "-wal"))
    other = tmp_path / "notes.txt"
    other.write_text("x")
    assert not guard.is_held(other)
    project.close()
    assert not guard.is_held(path)
