"""Nothing committed is lost: a worker process is killed (kill -9) or loses power, and
every action its side log says returned is still in the file, none half-applied.

These are small, seeded runs of the harness in ``bench/`` (``fault_common.py``,
``fault_kill.py``, ``fault_powercut.py``); the long runs that print figures are those
scripts themselves (see docs/reliability.md). Each check here is paired with one that
shows the harness notices a loss, so that a passing test is not a blind one.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from fault_common import State, check_copy, copy_project, digests, judge, make_project  # noqa: E402
from fault_kill import kill_trial  # noqa: E402
from fault_powercut import build_shim, power_trial  # noqa: E402


@pytest.fixture
def coded(tmp_path: Path) -> tuple[Path, State]:
    """A small coded project (two seed texts) and the model of its rows."""
    path = tmp_path / "project.sqlite"
    make_project(path, documents=2, codes=6, codings=10, seed=5)
    conn = sqlite3.connect(path)
    state = State.from_db(conn)
    conn.close()
    return path, state


def test_kill_at_a_random_moment_keeps_every_committed_action(coded, tmp_path):
    path, base = coded
    trial = kill_trial(path, tmp_path, base, seed=11, delay=0.3, when="acting")
    assert trial.problems == []
    assert trial.log.committed, "the worker was killed before it did anything"
    assert trial.verdict.matched in (trial.verdict.committed, trial.verdict.committed + 1)
    # The killed file itself (hot WAL, stale -shm) opens and still holds it all.
    assert trial.check.state is not None
    again = kill_trial(path, tmp_path, trial.check.state, seed=12, delay=0.1, when="acting")
    assert again.problems == []


def test_kill_just_before_commit_leaves_the_action_out_entirely(coded, tmp_path):
    path, base = coded
    trial = kill_trial(path, tmp_path, base, seed=21, delay=30, when="before-commit")
    assert trial.problems == []
    assert trial.log.in_flight is not None
    assert trial.verdict.matched == len(trial.log.committed) == 30 - trial.log.refused


def test_kill_right_after_commit_keeps_the_action_the_log_never_heard_of(coded, tmp_path):
    path, base = coded
    trial = kill_trial(path, tmp_path, base, seed=31, delay=40, when="after-commit")
    assert trial.problems == []
    assert trial.log.in_flight is not None
    assert trial.verdict.matched == len(trial.log.committed) + 1


def test_the_check_notices_a_lost_or_half_applied_action(coded, tmp_path):
    """The harness is not blind: drop one logged coding from the file and it says so."""
    path, base = coded
    trial = kill_trial(path, tmp_path, base, seed=41, delay=25, when="after-commit")
    assert trial.problems == []
    added = [a for a in trial.log.committed if a["op"] == "add_coding"]
    assert added
    copy = copy_project(path, tmp_path / "tampered")
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("DELETE FROM codings WHERE id = ?", (added[-1]["id"],))
    conn.close()
    check, _ = check_copy(copy)
    assert trial.log.in_flight is not None
    actions = [*trial.log.committed, trial.log.in_flight]
    verdict = judge(digests(base, actions), len(trial.log.committed), True, check.digest)
    assert verdict.lost > 0 or verdict.half_applied


@pytest.fixture(scope="module")
def shim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not sys.platform.startswith("linux") or not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("the power-cut shim needs Linux and a C compiler")
    return build_shim(tmp_path_factory.mktemp("shim"))


def _power(base: Path, tmp_path: Path, shim: Path, seed: int, **kw: object):
    return power_trial(base, tmp_path, shim, seed, actions=150, cuts=24, **kw)  # type: ignore[arg-type]


def test_a_power_cut_loses_no_committed_action(coded, tmp_path, shim):
    """With the store's own settings: whatever the moment of the cut, every action that
    returned is in the file as it was at its last fsync, and the file is sound."""
    path, _ = coded
    trial = _power(path, tmp_path, shim, seed=51)
    assert trial.worker_error == ""
    assert trial.fidelity == []  # the shim saw every write: replaying it gives the real files
    assert trial.actions == 150
    assert trial.durable_on_return == trial.actions  # each action fsync'ed before it returned
    assert [
        c for c in trial.cuts if c.lost or c.half_applied or c.integrity != "ok" or c.open_error
    ] == []


def test_a_power_cut_with_torn_writes_in_a_new_project_loses_nothing(tmp_path, shim):
    """Harsher: the project was just created, and any write since a file's last fsync
    may or may not have reached the disk."""
    trial = _power(tmp_path / "unused.sqlite", tmp_path, shim, seed=61, create=True, torn=True)
    assert trial.worker_error == "" and trial.fidelity == []
    checked = [c for c in trial.cuts if c.kind != "before created"]
    assert any(c.kind == "right after Project.create" for c in checked)
    assert [
        c for c in checked if c.lost or c.half_applied or c.integrity != "ok" or c.open_error
    ] == []


def test_the_power_cut_check_notices_lost_actions(coded, tmp_path, shim):
    """The harness is not blind: with synchronous=NORMAL, WAL commits are not fsync'ed and
    a cut loses the actions since the last checkpoint (but never damages the file)."""
    path, _ = coded
    trial = _power(path, tmp_path, shim, seed=71, synchronous="NORMAL")
    assert trial.fidelity == []
    assert max(c.lost for c in trial.cuts) > 0
    assert all(c.integrity == "ok" and not c.open_error for c in trial.cuts)
