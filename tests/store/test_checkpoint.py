"""A bulk import is durable the moment it commits, yet leaves copying its pages from the
WAL into the file (the checkpoint) to an idle moment: the window's next poll, or closing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotator.store import Project
from annotator.store.base import ProjectBase


def _codings(project: Project, n: int) -> list[tuple[Any, ...]]:
    doc = project.add_document("Long", "word " * 2000)
    code = project.add_code("Theme")
    coder = project.add_coder("Ann")
    return [
        (f"c{i}", doc.id, code.id, coder.id, i, i + 3, "", "2026-01-01T00:00:00", "")
        for i in range(n)
    ]


def _in_the_file_itself(path: Path) -> int:
    """Codings the database file holds without its WAL (``immutable`` ignores the WAL)."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM codings").fetchone()[0])
    finally:
        conn.close()


def _seen_by_another_program(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM codings").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ProjectBase, "BULK_ROWS", 50)


def test_a_bulk_import_is_committed_at_once_and_folded_into_the_file_when_idle(
    tmp_path: Path, bulk: None
) -> None:
    path = tmp_path / "p.sqlite"
    project = Project.create(path)
    rows = _codings(project, 200)
    project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    project.add_coding_rows(rows)
    assert project.checkpoint_due
    assert _seen_by_another_program(path) == 200  # durable and visible: it is in the WAL
    assert _in_the_file_itself(path) == 0  # not yet copied into the database file
    project.checkpoint()
    assert not project.checkpoint_due
    assert _in_the_file_itself(path) == 200
    project.close()


def test_closing_the_project_does_the_checkpoint_left_to_do(tmp_path: Path, bulk: None) -> None:
    path = tmp_path / "p.sqlite"
    project = Project.create(path)
    project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # Another connection keeps the WAL from being folded in as the last one closes.
    other = sqlite3.connect(path)
    other.execute("SELECT count(*) FROM codings").fetchone()
    rows = _codings(project, 200)
    project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    project.add_coding_rows(rows)
    assert _in_the_file_itself(path) == 0
    project.close()
    assert _in_the_file_itself(path) == 200
    other.close()


def test_small_actions_checkpoint_as_sqlite_always_does(tmp_path: Path, bulk: None) -> None:
    project = Project.create(tmp_path / "p.sqlite")
    project.add_coding_rows(_codings(project, 20))
    assert not project.checkpoint_due
    autocheckpoint = project.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    assert autocheckpoint == ProjectBase.AUTOCHECKPOINT
    project.close()


def test_a_crash_before_the_checkpoint_loses_nothing_of_the_import(tmp_path: Path) -> None:
    """The worker imports in bulk and dies at once (no close, no checkpoint): the rows are
    in the WAL, and the next opening has every one of them."""
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "p.sqlite"
    script = textwrap.dedent(
        f"""
        import os
        from annotator.store import Project
        from annotator.store.base import ProjectBase
        ProjectBase.BULK_ROWS = 50
        p = Project.create({str(path)!r})
        doc = p.add_document("Long", "word " * 2000)
        code, coder = p.add_code("Theme"), p.add_coder("Ann")
        p.add_coding_rows([
            (f"c{{i}}", doc.id, code.id, coder.id, i, i + 3, "", "2026-01-01T00:00:00", "")
            for i in range(500)
        ])
        assert p.checkpoint_due
        os._exit(0)  # as a kill would: nothing after the COMMIT runs
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert Path(f"{path}-wal").stat().st_size > 0  # not folded in: the WAL has them
    with Project.open(path) as project:
        assert len(project.codings()) == 500
        assert project.history()[-1].label == "Import codings"  # and its undo step
