"""The command line on projects that are busy, odd or read-only: one line, exit 1, nothing changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from other_process import holding_write_lock

from annotator.cli import main
from annotator.store import Project
from annotator.store.backups import list_backups


def _cli(
    *argv: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "p.sqlite"
    with Project.create(path) as p:
        p.add_coder("Ann")
    return path


@pytest.mark.parametrize("command", [["info"], ["coders", "add"]])
def test_a_fifo_named_as_the_project_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "p.sqlite"
    os.mkfifo(fifo)
    argv = [*command, str(fifo)] + (["Ben"] if command[-1] == "add" else [])
    done = _cli(*argv, timeout=30)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "pipe" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_write_lock_held_elsewhere_is_one_line_naming_the_holder(tmp_path):
    path = _project(tmp_path)
    with holding_write_lock(path) as holder:
        done = _cli("coders", "add", str(path), "Ben", env={"ANNOTATOR_BUSY_TIMEOUT": "0.5"})
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert "is busy" in done.stderr and f"process {holder.pid}" in done.stderr
    with Project.open(path) as p:
        assert [c.name for c in p.coders()] == ["Ann"]


def test_backup_makes_a_rolling_backup_or_a_named_copy(tmp_path, capsys):
    path = _project(tmp_path)
    assert main(["backup", str(path)]) == 0
    assert "Backed up to" in capsys.readouterr().out
    assert main(["backup", str(path)]) == 0
    assert "none made" in capsys.readouterr().out
    assert len(list_backups(path)) == 1
    copy = tmp_path / "copy.sqlite"
    assert main(["backup", str(path), "-o", str(copy)]) == 0
    with Project.open(copy) as p:
        assert [c.name for c in p.coders()] == ["Ann"]
    assert main(["backup", str(path), "-o", str(path)]) == 1
    assert "own file" in capsys.readouterr().err


def test_a_read_only_project_can_be_read_but_not_changed(tmp_path, capsys, monkeypatch):
    path = _project(tmp_path)
    real = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, *a, **k: False if mode & os.W_OK else real(p, mode, *a, **k)
    )
    assert main(["coders", "list", str(path)]) == 0
    assert "Ann" in capsys.readouterr().out
    assert main(["coders", "add", str(path), "Ben"]) == 1
    err = capsys.readouterr().err
    assert "read-only" in err and err.count("\n") == 1
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sqlite"]


def test_history_lists_and_exports_the_audit_trail(tmp_path, capsys):
    path = _project(tmp_path)
    assert main(["coders", "add", str(path), "Ben"]) == 0
    capsys.readouterr()
    assert main(["history", str(path), "--last", "1"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "Add coder Ben" in out[0] and "(1 coder added)" in out[0]
    assert main(["history", str(path), "--json"]) == 0
    import json

    steps = json.loads(capsys.readouterr().out)
    assert [s["action"] for s in steps] == ["Add coder Ann", "Add coder Ben"]
    trail = tmp_path / "trail.csv"
    assert main(["history", str(path), "-o", str(trail)]) == 0
    assert "2 steps written" in capsys.readouterr().out
    assert trail.read_text(encoding="utf-8-sig").splitlines()[0].startswith("step,time,who")
