"""Two writers on one project: two worker processes edit the same file at once.

Each worker (``fault_common.py child --owner``) is one coder and touches only its own
rows (its codings, codes and documents whose names start with its tag, "A" or "B"),
so that each side log describes its own part of the file exactly; both code on the
shared codebook and texts, and both go through the same write lock. After
``--seconds`` both are killed with SIGKILL at the same moment (``--stop exit``:
they stop by themselves and leave the file as a running app would). Then:

- ``PRAGMA integrity_check`` ok, ``Project.open`` opens the file;
- for each writer, its part of the file is exactly the state after the actions its
  log says returned (or those plus the one in flight): nothing committed is lost;
- the number of actions refused with "database is locked" (or ``ProjectBusy``),
  and of actions that committed without telling the project's subscribers.

    .venv/bin/python bench/fault_two_writers.py                 # 20 s, the store's busy timeout
    .venv/bin/python bench/fault_two_writers.py --rounds 3 --seconds 10
    .venv/bin/python bench/fault_two_writers.py --stop kill-one    # A is killed halfway, B goes on
    .venv/bin/python bench/fault_two_writers.py --busy-timeout 0   # no waiting: locks are refused

Exit status 1 if anything was lost or damaged.
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import sqlite3
import statistics
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

TAGS = ("A", "B")
STOPS = {
    "kill": "SIGKILL to both",
    "kill-one": "SIGKILL to A halfway, to B at the end",
    "exit": "stopping",
}


@dataclass
class Round:
    logs: dict[str, Log]
    check: Check
    verdicts: dict[str, Verdict]
    crashed: dict[str, str]


def round_trip(
    project: Path,
    work: Path,
    owners: dict[str, tuple[str, str]],
    seed: int,
    *,
    seconds: float,
    stop: str,
    extra: tuple[str, ...],
) -> Round:
    conn = sqlite3.connect(project)
    bases = {tag: State.from_db(conn, owners[tag]) for tag in TAGS}
    conn.close()
    procs = {}
    logs = {}
    for i, tag in enumerate(TAGS):
        logs[tag] = work / f"round-{seed}-{tag}.log"
        logs[tag].unlink(missing_ok=True)
        tag_, coder = owners[tag]
        args = ["--seed", str(seed * 10 + i), "--owner", f"{tag_}:{coder}", *extra]
        if stop == "exit":
            args += ["--seconds", str(seconds)]
        procs[tag] = subprocess.Popen(
            child_command(project, logs[tag], *args),
            env=child_env(),
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    if stop == "kill":
        time.sleep(seconds + 1.0)  # about 1 s of start-up
        for p in procs.values():
            p.send_signal(signal.SIGKILL)
    elif stop == "kill-one":  # A dies halfway (perhaps holding the write lock); B goes on alone
        time.sleep(seconds / 2 + 1.0)
        procs["A"].send_signal(signal.SIGKILL)
        time.sleep(seconds / 2)
        procs["B"].send_signal(signal.SIGKILL)
    errs = {
        tag: p.communicate(timeout=seconds + 120)[1].decode(errors="replace")
        for tag, p in procs.items()
    }
    parsed = {
        tag: parse_log(logs[tag].read_text(encoding="utf-8"))
        if logs[tag].exists()
        else parse_log("")
        for tag in TAGS
    }
    copy = copy_project(project, work / "check")
    check, states = check_copy(copy, [owners[t] for t in TAGS])
    verdicts = {}
    for tag, state in zip(TAGS, states, strict=True):
        log = parsed[tag]
        actions = log.committed + ([log.in_flight] if log.in_flight else [])
        verdicts[tag] = judge(
            digests(bases[tag], actions),
            len(log.committed),
            log.in_flight is not None,
            state.digest,
        )
    expected_rc = 0 if stop == "exit" else -signal.SIGKILL
    crashed = {
        tag: errs[tag].strip()[-300:] for tag, p in procs.items() if p.returncode != expected_rc
    }
    return Round(parsed, check, verdicts, crashed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--seconds", type=float, default=20.0, help="how long both write, per round (default 20)"
    )
    ap.add_argument("--rounds", type=int, default=1, help="rounds on the same file (default 1)")
    ap.add_argument(
        "--stop",
        choices=["kill", "kill-one", "exit"],
        default="kill",
        help="end a round with SIGKILL to both (default), kill A halfway and B at the end "
        "(kill-one), or let them stop (exit)",
    )
    ap.add_argument(
        "--busy-timeout",
        type=int,
        default=-1,
        help="override PRAGMA busy_timeout (ms) in both writers (default: the store's)",
    )
    ap.add_argument("--synchronous", default="", help="override PRAGMA synchronous in both writers")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args(argv)

    extra: tuple[str, ...] = ()
    if args.busy_timeout >= 0:
        extra += ("--busy-timeout", str(args.busy_timeout))
    if args.synchronous:
        extra += ("--synchronous", args.synchronous)
    random.seed(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="annotator-fault-two-"))
    project = tmp / "project.sqlite"
    setup = make_project(project, coders=("Writer A", "Writer B"), seed=args.seed)
    owners = {tag: (tag, setup.coders[f"Writer {tag}"]) for tag in TAGS}

    totals = {tag: {"committed": 0, "locked": 0, "refused": 0, "unnotified": 0} for tag in TAGS}
    latencies: list[float] = []
    lost = half = 0
    damaged = crashes = 0
    for r in range(args.rounds):
        res = round_trip(
            project,
            tmp,
            owners,
            args.seed * 100 + r,
            seconds=args.seconds,
            stop=args.stop,
            extra=extra,
        )
        for tag in TAGS:
            log, v = res.logs[tag], res.verdicts[tag]
            totals[tag]["committed"] += len(log.committed)
            totals[tag]["locked"] += log.locked
            totals[tag]["refused"] += log.refused
            totals[tag]["unnotified"] += log.unnotified
            latencies.extend(log.latencies_ms)
            lost += v.lost
            half += v.half_applied and res.check.ok
            if v.lost or (v.half_applied and res.check.ok):
                print(f"round {r}, writer {tag}: lost {v.lost}, half-applied {v.half_applied}")
        if not res.check.ok:
            damaged += 1
            print(f"round {r}: integrity {res.check.integrity!r}, open {res.check.open_error!r}")
        if res.crashed:
            crashes += 1
            print(f"round {r}: a writer failed: {res.crashed}")
    bad = bool(lost or half or damaged or crashes)

    lat = sorted(latencies)
    print(
        f"two writers: {args.rounds} round(s) of {args.seconds:g} s, ended by "
        f"{STOPS[args.stop]}; busy_timeout "
        f"{'store default' if args.busy_timeout < 0 else str(args.busy_timeout) + ' ms'}"
    )
    for tag in TAGS:
        t = totals[tag]
        print(
            f"  writer {tag}: {t['committed']:,} actions committed, {t['locked']} refused as locked, "
            f"{t['refused']} refused by the store's rules, {t['unnotified']} committed without notifying"
        )
    if lat:
        print(
            f"  time per committed action: median {statistics.median(lat):.2f} ms, "
            f"p99 {lat[int(0.99 * (len(lat) - 1))]:.1f} ms, max {lat[-1]:.1f} ms"
        )
    print(
        f"  'database is locked' errors: {sum(t['locked'] for t in totals.values())}; "
        f"committed actions lost: {lost}; half-applied: {half}; rounds with integrity/open failures: {damaged}"
    )
    if args.keep or bad:
        print(f"files kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
