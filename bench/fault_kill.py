"""Kill -9 trials: a worker process edits a project and is killed at a random moment.

Each trial starts a worker (``fault_common.py child``) on the project the previous
trial left behind (so every trial also opens, and recovers, a file whose last
writer was killed), lets it perform random actions (add, remove, resize, re-assign
and annotate codings, add, rename and delete codes, import documents, set
attributes), and sends it SIGKILL at a random moment: during start-up for some
trials, while acting for the rest. Then a copy of what is on disk is checked:

- ``PRAGMA integrity_check`` says ok, and ``Project.open`` opens it;
- the file holds exactly the state after the actions that the worker's side log
  says returned (committed), or after those plus the one in flight: every
  committed action is there, and no action is there in part.

    .venv/bin/python bench/fault_kill.py            # 100 trials
    .venv/bin/python bench/fault_kill.py --trials 20 --seed 3

Exit status 1 if anything was lost, half-applied or damaged.
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fault_common import (
    Check,
    Log,
    State,
    Verdict,
    check_copy,
    child_command,
    child_env,
    copy_project,
    digests,
    judge,
    make_project,
    parse_log,
)

from annotator.store import Project


@dataclass
class Trial:
    seed: int
    when: str  # "start-up", "acting", "before-commit", "after-commit"
    returncode: int
    log: Log
    check: Check
    verdict: Verdict
    stderr: str

    @property
    def problems(self) -> list[str]:
        out = []
        if self.check.integrity != "ok":
            out.append(f"integrity_check: {self.check.integrity}")
        if self.check.open_error:
            out.append(f"Project.open: {self.check.open_error}")
        if self.verdict.half_applied:
            out.append(
                "the file matches no prefix of the logged actions (half-applied or foreign change)"
            )
        if self.verdict.lost:
            out.append(f"{self.verdict.lost} committed action(s) lost")
        if self.returncode != -signal.SIGKILL:
            out.append(f"worker ended with status {self.returncode}: {self.stderr.strip()[-300:]}")
        if self.log.errors:
            out.append(f"worker errors: {self.log.errors}")
        return out


def _wait_ready(log_path: Path, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if log_path.exists() and log_path.read_bytes().startswith(b"R "):
            return
        time.sleep(0.005)


def kill_trial(
    project: Path,
    work: Path,
    base: State,
    seed: int,
    *,
    delay: float = 0.5,
    when: str = "acting",
    extra: tuple[str, ...] = (),
) -> Trial:
    """One trial. ``when``: "start-up" (kill after ``delay`` s from launch), "acting" (``delay``
    s after the worker is ready), or "before-commit" / "after-commit" (the worker kills itself
    during its action number ``int(delay)``, just before its COMMIT or right after it)."""
    log_path = work / f"trial-{seed}.log"
    log_path.unlink(missing_ok=True)
    args = ["--seed", str(seed), *extra]
    if when in ("before-commit", "after-commit"):
        args += ["--die-at", str(int(delay)), "--die-when", when]
    proc = subprocess.Popen(
        child_command(project, log_path, *args),
        env=child_env(),
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        if when == "start-up":
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
        elif when == "acting":
            _wait_ready(log_path, proc)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:  # pragma: no cover - a worker that hangs
            proc.kill()
            proc.wait()
    text = log_path.read_text(encoding="utf-8") if log_path.exists() else ""
    log = parse_log(text)
    copy = copy_project(project, work / "check")
    check, _ = check_copy(copy)
    actions = log.committed + ([log.in_flight] if log.in_flight else [])
    verdict = judge(
        digests(base, actions), len(log.committed), log.in_flight is not None, check.digest
    )
    if log.ready and log.ready_digest != base.digest:
        verdict = Verdict(
            verdict.committed, verdict.in_flight, None
        )  # the worker saw another start
    return Trial(seed, when, proc.returncode, log, check, verdict, err.decode(errors="replace"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--trials", type=int, default=100, help="kill -9 trials (default 100)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the kill moments and the actions")
    ap.add_argument(
        "--max-delay",
        type=float,
        default=1.5,
        help="kill up to this many seconds after the worker is ready (default 1.5)",
    )
    ap.add_argument(
        "--startup-share",
        type=float,
        default=0.1,
        help="share of trials killed during start-up, while the worker opens the file",
    )
    ap.add_argument("--synchronous", default="", help="override PRAGMA synchronous in the worker")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="annotator-fault-kill-"))
    project = tmp / "project.sqlite"
    make_project(project, seed=args.seed)
    conn = sqlite3.connect(project)
    base = State.from_db(conn)
    conn.close()
    extra = ("--synchronous", args.synchronous) if args.synchronous else ()

    t0 = time.perf_counter()
    failures: list[tuple[Trial, list[str]]] = []
    counts = {"start-up": 0, "acting": 0}
    committed = in_flight = in_flight_applied = refused = 0
    per_trial: list[int] = []
    for t in range(args.trials):
        when = "start-up" if rng.random() < args.startup_share else "acting"
        delay = rng.uniform(0.0, 0.5) if when == "start-up" else rng.uniform(0.0, args.max_delay)
        trial = kill_trial(
            project, tmp, base, args.seed * 100_000 + t, delay=delay, when=when, extra=extra
        )
        counts[when] += 1
        committed += len(trial.log.committed)
        per_trial.append(len(trial.log.committed))
        refused += trial.log.refused
        in_flight += trial.log.in_flight is not None
        in_flight_applied += trial.verdict.in_flight_applied
        problems = trial.problems
        if problems:
            failures.append((trial, problems))
            print(
                f"trial {t} (seed {trial.seed}, killed {when}): " + "; ".join(problems), flush=True
            )
        if trial.check.state is not None:
            base = trial.check.state  # the next trial starts from what survived
        else:  # pragma: no cover - only after a failure: start again from a fresh file
            project.unlink()
            for suffix in ("-wal", "-shm"):
                Path(str(project) + suffix).unlink(missing_ok=True)
            make_project(project, seed=t)
            conn = sqlite3.connect(project)
            base = State.from_db(conn)
            conn.close()
        (tmp / f"trial-{trial.seed}.log").unlink(missing_ok=True)
    elapsed = time.perf_counter() - t0

    # The killed file itself (not a copy) opens, with everything the last trial committed.
    final_ok = True
    try:
        p = Project.open(project)
        final = State.from_db(p.conn)
        p.close()
        final_ok = final.digest == base.digest
    except Exception as err:  # pragma: no cover - reported below
        print(f"opening the killed project itself failed: {err}")
        final_ok = False

    losses = sum(tr.verdict.lost for tr, _ in failures)
    half = sum(tr.verdict.half_applied for tr, _ in failures)
    integrity = sum(tr.check.integrity != "ok" for tr, _ in failures)
    opens = sum(bool(tr.check.open_error) for tr, _ in failures)
    print(
        f"kill -9 trials: {args.trials} (seed {args.seed}; {counts['acting']} killed while acting, "
        f"{counts['start-up']} during start-up), {elapsed:.0f} s"
    )
    print(
        f"actions committed per the side logs: {committed:,} "
        f"(per trial {min(per_trial, default=0)}-{max(per_trial, default=0)}); "
        f"refused by the store (and logged so): {refused}"
    )
    print(
        f"actions in flight at the kill: {in_flight} (found committed: {in_flight_applied}, "
        f"found absent: {in_flight - in_flight_applied})"
    )
    print(f"losses (committed actions missing): {losses}; half-applied states: {half}")
    print(
        f"integrity_check failures: {integrity}; Project.open failures: {opens}; "
        f"the killed file reopened with all of it: {'yes' if final_ok else 'NO'}"
    )
    print(f"trials with any problem: {len(failures)}")
    if args.keep or failures or not final_ok:
        print(f"files kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures or not final_ok else 0


if __name__ == "__main__":
    sys.exit(main())
