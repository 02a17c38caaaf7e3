"""Shared parts of the fault-injection scripts (``bench/fault_*.py``) and their tests.

The pieces:

- ``make_project``: a project file with coders, documents, codes and codings to start from.
- ``State``: a model of the rows an action can change (codings, codes, documents and
  their attributes), with an order-independent digest (the sum of one 64-bit hash per
  row), so that "the file holds exactly the state after the first j actions" is one
  comparison per j.
- ``child_main``: the worker process. It opens a project, performs scripted random
  actions through the public ``Project`` API and appends to a side log (its own file,
  not the project's) a ``B`` line with the action *before* it runs (``os.write``) and a
  ``C`` line right *after* it returned, i.e. after it was committed (``os.write`` then
  ``os.fsync``). A ``B`` without ``C`` is the action in flight when the process died;
  ``X`` is an action the store refused, ``L`` one refused because the file was locked.
- ``parse_log`` / ``check_copy`` / ``judge``: the parent's side. After a kill (or
  for a simulated power cut) it opens the surviving files, runs
  ``PRAGMA integrity_check``, opens them with ``Project.open`` and finds which
  prefix of the logged actions the file holds. Every action with a ``C`` line
  must be there; the one in flight may or may not be; anything else (a state
  that matches no prefix) is a half-applied action.

Run ``python bench/fault_common.py child --help`` to see the worker's options
(the parent scripts start it; it is not meant to be run by hand).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annotator.core.errors import AnnotatorError  # noqa: E402
from annotator.store import Project  # noqa: E402

CHILD = Path(__file__).resolve()
MASK = (1 << 64) - 1
WORDS = (
    "governance",
    "rivalry",
    "capacity",
    "norms",
    "cooperation",
    "standards",
    "safety",
    "risk",
    "openness",
    "data",
    "compute",
    "talent",
    "export",
    "control",
    "alliance",
    "trust",
    "treaty",
    "summit",
    "forum",
    "principle",
    "model",
    "frontier",
    "regulation",
    "audit",
    "transparency",
    "accountability",
    "development",
    "sovereignty",
)

#: The columns of each table that the model follows (timestamps and sort orders are left out).
QUERIES = {
    "coders": "SELECT id, name FROM coders",
    "codings": 'SELECT id, document_id, code_id, coder_id, start, "end", memo FROM codings',
    "codes": "SELECT id, name, parent_id FROM codes",
    "documents": "SELECT id, title, length FROM documents",
    "document_attributes": "SELECT document_id, name, value FROM document_attributes",
}


def row_hash(table: str, row: tuple[Any, ...]) -> int:
    digest = hashlib.blake2b(repr((table, row)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def row_key(table: str, row: tuple[Any, ...]) -> Any:
    return (row[0], row[1]) if table == "document_attributes" else row[0]


# -- the model -------------------------------------------------------------------------
@dataclass
class State:
    """The rows that actions change, keyed per table, and their digest.

    ``owner`` (two-writer runs) restricts the model to one writer's rows: its coder's
    codings, and codes and documents whose name starts with its tag.
    """

    rows: dict[str, dict[Any, tuple[Any, ...]]] = field(
        default_factory=lambda: {t: {} for t in QUERIES}
    )
    digest: int = 0

    @classmethod
    def from_db(cls, conn: sqlite3.Connection, owner: tuple[str, str] | None = None) -> State:
        state = cls()
        cur = conn.cursor()
        cur.row_factory = None
        docs: set[str] = set()
        for table in ("coders", "documents", "codes", "codings", "document_attributes"):
            for row in cur.execute(QUERIES[table] + " ORDER BY 1, 2"):
                if owner is not None:
                    tag, coder_id = owner
                    if table == "codings" and row[3] != coder_id:
                        continue
                    if table in ("coders", "codes", "documents") and not row[1].startswith(
                        tag + " "
                    ):
                        continue
                    if table == "document_attributes" and row[0] not in docs:
                        continue
                if table == "documents":
                    docs.add(row[0])
                state.add(table, tuple(row))
        return state

    def copy(self) -> State:
        return State({t: dict(r) for t, r in self.rows.items()}, self.digest)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        key = row_key(table, row)
        if key in self.rows[table]:
            self.remove(table, key)
        self.rows[table][key] = row
        self.digest = (self.digest + row_hash(table, row)) & MASK

    def remove(self, table: str, key: Any) -> None:
        row = self.rows[table].pop(key)
        self.digest = (self.digest - row_hash(table, row)) & MASK

    def apply(self, a: dict[str, Any]) -> None:
        """The effect of one committed action (as logged by the worker)."""
        op = a["op"]
        if op == "add_coder":
            self.add("coders", (a["id"], a["name"]))
        elif op == "add_coding":
            self.add(
                "codings",
                (a["id"], a["doc"], a["code"], a["coder"], a["start"], a["end"], a["memo"]),
            )
        elif op == "remove_coding":
            self.remove("codings", a["id"])
        elif op == "update_coding":
            old = list(self.rows["codings"][a["id"]])
            for name, col in (("code", 2), ("start", 4), ("end", 5), ("memo", 6)):
                if name in a:
                    old[col] = a[name]
            self.add("codings", tuple(old))
        elif op == "add_code":
            self.add("codes", (a["id"], a["name"], a["parent"]))
        elif op == "rename_code":
            _, _, parent = self.rows["codes"][a["id"]]
            self.add("codes", (a["id"], a["name"], parent))
        elif op == "delete_code":
            for cid in [k for k, r in self.rows["codings"].items() if r[2] == a["id"]]:
                self.remove("codings", cid)
            self.remove("codes", a["id"])
        elif op == "add_document":
            self.add("documents", (a["id"], a["title"], len(a["text"])))
            for name, value in a["attrs"].items():
                self.add("document_attributes", (a["id"], name, value))
        elif op == "set_attribute":
            self.add("document_attributes", (a["doc"], a["name"], a["value"]))
        else:  # pragma: no cover - a new action without a model
            raise ValueError(f"unknown action {op}")


def digests(base: State, actions: Iterable[dict[str, Any]]) -> list[int]:
    """The digest after 0, 1, 2, ... of ``actions``."""
    state = base.copy()
    out = [state.digest]
    for a in actions:
        state.apply(a)
        out.append(state.digest)
    return out


# -- the side log ------------------------------------------------------------------------
@dataclass
class Log:
    committed: list[dict[str, Any]] = field(default_factory=list)
    in_flight: dict[str, Any] | None = None
    ready: bool = False
    ready_digest: int | None = None
    synchronous: int | None = None
    refused: int = 0
    locked: int = 0
    unnotified: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_log(text: str) -> Log:
    """Read a worker's side log; only whole lines count (a torn last line is ignored)."""
    log = Log()
    begun: dict[str, Any] | None = None
    for line in text.split("\n")[:-1]:
        kind, _, rest = line.partition(" ")
        if kind == "R":
            digest, sync = rest.split()
            log.ready, log.ready_digest, log.synchronous = True, int(digest), int(sync)
        elif kind == "B":
            _, _, payload = rest.partition(" ")
            begun = json.loads(payload)
        elif kind == "C":
            assert begun is not None, "C line without its B line"
            log.committed.append(begun)
            log.latencies_ms.append(float(rest.split()[1]))
            begun = None
        elif kind in ("X", "L"):
            if kind == "X":
                log.refused += 1
            else:
                log.locked += 1
            begun = None
        elif kind == "Q":
            log.unnotified += 1
        elif kind == "E":
            log.errors.append(rest)
    log.in_flight = begun
    return log


# -- checking the files that survived --------------------------------------------------------
@dataclass
class Check:
    integrity: str = ""
    open_error: str = ""
    digest: int | None = None
    state: State | None = None

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and not self.open_error


def copy_project(src: Path, dest_dir: Path) -> Path:
    """Copy a project's database and WAL (not the -shm index, which SQLite rebuilds)."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / src.name
    for suffix in ("", "-wal", "-shm"):
        Path(str(dest) + suffix).unlink(missing_ok=True)
    for suffix in ("", "-wal"):
        s = Path(str(src) + suffix)
        if s.exists():
            shutil.copyfile(s, str(dest) + suffix)
    return dest


def check_copy(
    path: Path, owners: list[tuple[str, str] | None] | None = None
) -> tuple[Check, list[State]]:
    """Integrity, digest(s) and ``Project.open`` of a project file (a copy: this recovers its WAL)."""
    check = Check()
    states: list[State] = []
    if not path.exists():
        check.integrity = check.open_error = "no file"
        return check, states
    try:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            check.integrity = ";".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
            for owner in owners or [None]:
                states.append(State.from_db(conn, owner))
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        check.integrity = f"error: {err}"
    if states:
        check.state = states[0]
        check.digest = states[0].digest
    try:
        Project.open(path).close()
    except Exception as err:
        check.open_error = f"{type(err).__name__}: {err}"
    return check, states


@dataclass
class Verdict:
    committed: int  # actions the log says returned
    in_flight: bool  # an action had begun and not returned
    matched: int | None  # how many of the logged actions the file holds (None: no prefix matches)

    @property
    def lost(self) -> int:
        if self.matched is None:
            return 0
        return max(0, self.committed - self.matched)

    @property
    def half_applied(self) -> bool:
        return self.matched is None

    @property
    def in_flight_applied(self) -> bool:
        return self.matched is not None and self.matched > self.committed


def judge(prefix_digests: list[int], committed: int, in_flight: bool, found: int | None) -> Verdict:
    """Which prefix of the actions (``prefix_digests[j]``: state after j) the file holds.

    ``prefix_digests`` must reach ``committed`` (+1 if an action was in flight).
    """
    top = committed + (1 if in_flight else 0)
    matched = None
    if found is not None:
        for j in range(top, -1, -1):
            if prefix_digests[j] == found:
                matched = j
                break
    return Verdict(committed, in_flight, matched)


# -- the project to start from ------------------------------------------------------------
@dataclass
class Setup:
    path: Path
    coders: dict[str, str]  # name -> id


def make_project(
    path: Path,
    *,
    documents: int = 5,
    codes: int = 8,
    codings: int = 40,
    coders: tuple[str, ...] = ("Ann", "Ben"),
    seed: int = 0,
) -> Setup:
    """A closed project file with seed texts, a small codebook and some codings."""
    rng = random.Random(seed)
    p = Project.create(path)
    try:
        ids = {name: p.add_coder(name).id for name in coders}
        docs = []
        for f in sorted((ROOT / "seeds").glob("*.txt"))[:documents]:
            text = f.read_text(encoding="utf-8")
            docs.append((p.add_document(f.stem, text, source_name=f.name).id, text))
        parents = [p.add_code(f"Category {i}").id for i in range(max(1, codes // 3))]
        code_ids = [
            *parents,
            *(p.add_code(f"Code {i}", rng.choice(parents)).id for i in range(codes - len(parents))),
        ]
        made = 0
        while made < codings:
            doc, text = rng.choice(docs)
            start = rng.randrange(0, len(text) - 60)
            end = start + rng.randint(10, 50)
            if not text[start:end].strip():
                continue
            try:
                p.add_coding(doc, rng.choice(code_ids), rng.choice(list(ids.values())), start, end)
            except AnnotatorError:
                continue
            made += 1
    finally:
        p.close()
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
    return Setup(path, ids)


# -- the worker ----------------------------------------------------------------------------
class Worker:
    """Chooses random actions that the store should accept, runs them, logs them."""

    def __init__(
        self, project: Project, rng: random.Random, log_fd: int, owner: tuple[str, str] | None
    ) -> None:
        self.p = project
        self.rng = rng
        self.log_fd = log_fd
        self.owner = owner
        self.tag = owner[0] + " " if owner else ""
        self.state = State.from_db(project.conn, owner)
        conn = project.conn
        self.texts = {r[0]: r[1] for r in conn.execute("SELECT id, text FROM documents")}
        others = ("A ", "B ")
        self.codes = {
            r[0]: r[1]
            for r in conn.execute("SELECT id, name FROM codes")
            if owner is None or not r[1].startswith(others) or r[1].startswith(self.tag)
        }
        self.own_codes = set(self.state.rows["codes"])
        self.coders = [owner[1]] if owner else [r[0] for r in conn.execute("SELECT id FROM coders")]
        self.own_docs = set(self.state.rows["documents"])
        self.notified = 0
        project.subscribe(self._observe)

    def _observe(self, _changes: Any) -> None:
        self.notified += 1

    def write(self, line: str, *, sync: bool = True) -> None:
        os.write(self.log_fd, line.encode())
        if sync:
            os.fsync(self.log_fd)

    def new_id(self, kind: str) -> str:
        return f"{kind}-{self.rng.getrandbits(64):016x}"

    # -- choosing an action --------------------------------------------------------------
    def _span(self, doc: str) -> tuple[int, int] | None:
        text = self.texts[doc]
        for _ in range(20):
            start = self.rng.randrange(0, max(1, len(text) - 5))
            end = min(len(text), start + self.rng.randint(5, 200))
            if start < end and text[start:end].strip():
                return start, end
        return None

    def _duplicate(
        self, doc: str, code: str, coder: str, start: int, end: int, exclude: str = ""
    ) -> bool:
        return any(
            r[0] != exclude and r[1:6] == (doc, code, coder, start, end)
            for r in self.state.rows["codings"].values()
        )

    def choose(self) -> dict[str, Any] | None:
        rng = self.rng
        codings = self.state.rows["codings"]
        op = rng.choices(
            [
                "add_coding",
                "remove_coding",
                "resize",
                "memo",
                "reassign",
                "add_code",
                "rename_code",
                "delete_code",
                "add_document",
                "set_attribute",
                "add_coder",
            ],
            weights=[40, 14, 10, 5, 5, 8, 4, 3, 5, 6, 0 if self.owner else 1],
        )[0]
        if not self.coders:  # a new, empty project
            op = "add_coder"
        elif not self.texts:
            op = "add_document"
        elif not self.codes:
            op = "add_code"
        if op == "add_coder":
            return {
                "op": "add_coder",
                "id": self.new_id("coder"),
                "name": f"Coder {rng.getrandbits(40):010x}",
            }
        if op == "add_coding" and self.codes:
            doc = rng.choice(sorted(self.texts))
            span = self._span(doc)
            code, coder = rng.choice(sorted(self.codes)), rng.choice(self.coders)
            if span is None or self._duplicate(doc, code, coder, *span):
                return None
            memo = rng.choice(["", "", "check this", "quote for the paper"])
            return {
                "op": "add_coding",
                "id": self.new_id("coding"),
                "doc": doc,
                "code": code,
                "coder": coder,
                "start": span[0],
                "end": span[1],
                "memo": memo,
            }
        if op in ("remove_coding", "resize", "memo", "reassign") and codings:
            cid = rng.choice(list(codings))
            _, doc, code, coder, start, end, memo = codings[cid]
            if op == "remove_coding":
                return {"op": "remove_coding", "id": cid}
            if op == "memo":
                return {
                    "op": "update_coding",
                    "id": cid,
                    "memo": f"memo {rng.getrandbits(48):012x}",
                }
            if op == "reassign":
                new = rng.choice(sorted(self.codes))
                if new == code or self._duplicate(doc, new, coder, start, end, cid):
                    return None
                return {"op": "update_coding", "id": cid, "code": new}
            length = len(self.texts[doc])
            s = max(0, start + rng.randint(-15, 15))
            e = min(length, max(s + 1, end + rng.randint(-15, 15)))
            if (
                (s, e) == (start, end)
                or not self.texts[doc][s:e].strip()
                or self._duplicate(doc, code, coder, s, e, cid)
            ):
                return None
            return {"op": "update_coding", "id": cid, "start": s, "end": e}
        if op == "add_code":
            parent = rng.choice([None, *sorted(self.codes)]) if len(self.codes) < 60 else None
            return {
                "op": "add_code",
                "id": self.new_id("code"),
                "parent": parent,
                "name": f"{self.tag}Theme {rng.getrandbits(40):010x}",
            }
        if op == "rename_code" and self.own_codes:
            return {
                "op": "rename_code",
                "id": rng.choice(sorted(self.own_codes)),
                "name": f"{self.tag}Renamed {rng.getrandbits(40):010x}",
            }
        if op == "delete_code" and len(self.own_codes) > 3:
            parents = self._all_parents()
            leaves = sorted(c for c in self.own_codes if c not in parents)
            if leaves:
                return {"op": "delete_code", "id": rng.choice(leaves)}
            return None
        if op == "add_document":
            words = [rng.choice(WORDS) for _ in range(rng.randint(30, 200))]
            text = f"{self.tag}Document {rng.getrandbits(64):016x}.\n" + " ".join(words) + ".\n"
            return {
                "op": "add_document",
                "id": self.new_id("doc"),
                "title": f"{self.tag}Notes {rng.getrandbits(24)}",
                "text": text,
                "attrs": {
                    "genre": rng.choice(["speech", "op-ed", "forum"]),
                    "batch": str(rng.randrange(100)),
                },
            }
        if op == "set_attribute" and self.own_docs:
            return {
                "op": "set_attribute",
                "doc": rng.choice(sorted(self.own_docs)),
                "name": rng.choice(["genre", "outlet", "year"]),
                "value": f"{rng.getrandbits(48):012x}",
            }
        return None

    def _all_parents(self) -> set[str]:
        return {
            r[0]
            for r in self.p.conn.execute(
                "SELECT DISTINCT parent_id FROM codes WHERE parent_id IS NOT NULL"
            )
        }

    # -- running it --------------------------------------------------------------------------
    def run(self, a: dict[str, Any]) -> None:
        p, op = self.p, a["op"]
        if op == "add_coder":
            p.add_coder(a["name"], coder_id=a["id"])
        elif op == "add_coding":
            p.add_coding(
                a["doc"],
                a["code"],
                a["coder"],
                a["start"],
                a["end"],
                memo=a["memo"],
                coding_id=a["id"],
            )
        elif op == "remove_coding":
            p.remove_coding(a["id"])
        elif op == "update_coding":
            p.update_coding(
                a["id"],
                start=a.get("start"),
                end=a.get("end"),
                code_id=a.get("code"),
                memo=a.get("memo"),
            )
        elif op == "add_code":
            p.add_code(a["name"], a["parent"], code_id=a["id"])
        elif op == "rename_code":
            p.update_code(a["id"], name=a["name"])
        elif op == "delete_code":
            p.delete_code(a["id"], "delete")
        elif op == "add_document":
            p.add_document(a["title"], a["text"], attributes=a["attrs"], document_id=a["id"])
        elif op == "set_attribute":
            p.set_document_attribute(a["doc"], a["name"], a["value"])

    def committed(self, a: dict[str, Any]) -> None:
        self.state.apply(a)
        op = a["op"]
        if op == "add_coder":
            self.coders.append(a["id"])
        elif op == "add_code":
            self.codes[a["id"]] = a["name"]
            self.own_codes.add(a["id"])
        elif op == "delete_code":
            self.codes.pop(a["id"], None)
            self.own_codes.discard(a["id"])
        elif op == "add_document":
            self.texts[a["id"]] = a["text"]
            self.own_docs.add(a["id"])


def _is_locked(err: BaseException) -> bool:
    return type(err).__name__ == "ProjectBusy" or "database is locked" in str(err)


def child_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="fault_common.py child", description="The worker process of the fault scripts."
    )
    ap.add_argument("--project", type=Path, required=True)
    ap.add_argument("--log", type=Path, required=True, help="side log (created; must not exist)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--actions", type=int, default=1_000_000, help="stop after this many committed actions"
    )
    ap.add_argument("--seconds", type=float, default=0, help="stop after this long (0: no limit)")
    ap.add_argument(
        "--owner", default="", help="two-writer runs: TAG:CODER_ID (only this writer's rows)"
    )
    ap.add_argument("--synchronous", default="", help="override PRAGMA synchronous after opening")
    ap.add_argument(
        "--busy-timeout", type=int, default=-1, help="override PRAGMA busy_timeout (ms)"
    )
    ap.add_argument(
        "--die-at", type=int, default=-1, help="SIGKILL itself during action number N (0-based)"
    )
    ap.add_argument(
        "--die-when", choices=["before-commit", "after-commit"], default="before-commit"
    )
    ap.add_argument(
        "--close", action="store_true", help="close the project at the end (default: just exit)"
    )
    ap.add_argument(
        "--create",
        action="store_true",
        help="create the project (Project.create) instead of opening it",
    )
    args = ap.parse_args(argv)

    owner = None
    if args.owner:
        tag, coder = args.owner.split(":", 1)
        owner = (tag, coder)
    fd = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    project = Project.create(args.project) if args.create else Project.open(args.project)
    if args.synchronous:
        project.conn.execute(f"PRAGMA synchronous = {args.synchronous}")
    if args.busy_timeout >= 0:
        project.conn.execute(f"PRAGMA busy_timeout = {args.busy_timeout}")
    sync = project.conn.execute("PRAGMA synchronous").fetchone()[0]
    worker = Worker(project, random.Random(args.seed), fd, owner)
    n = 0  # actions begun (numbers the log lines)
    done = 0
    state = {"current": -1}
    if args.die_at >= 0:

        def die_before_commit(sql: str) -> None:
            if state["current"] == args.die_at and sql.strip().upper() == "COMMIT":
                os.kill(os.getpid(), signal.SIGKILL)

        def die_after_commit(_changes: Any) -> None:
            if state["current"] == args.die_at:
                os.kill(os.getpid(), signal.SIGKILL)

        if args.die_when == "before-commit":
            project.conn.set_trace_callback(die_before_commit)
        else:
            project.subscribe(die_after_commit)
    worker.write(f"R {worker.state.digest} {sync}\n")
    deadline = time.monotonic() + args.seconds if args.seconds else float("inf")
    while done < args.actions and time.monotonic() < deadline:
        a = worker.choose()
        if a is None:
            continue
        state["current"] = n
        worker.write(f"B {n} {json.dumps(a, separators=(',', ':'))}\n", sync=False)
        before = worker.notified
        t0 = time.perf_counter()
        try:
            worker.run(a)
        except AnnotatorError as err:
            if _is_locked(err):
                worker.write(f"L {n}\n")
            else:
                worker.write(f"X {n} {type(err).__name__}: {str(err)[:80]}\n")
            n += 1
            continue
        except sqlite3.OperationalError as err:
            if not _is_locked(err):
                worker.write(f"E {n} {type(err).__name__}: {err}\n")
                raise
            worker.write(f"L {n}\n")
            n += 1
            continue
        ms = (time.perf_counter() - t0) * 1000
        worker.write(f"C {n} {ms:.3f}\n")
        if worker.notified != before + 1:
            worker.write(f"Q {n} {worker.notified - before}\n")
        worker.committed(a)
        n += 1
        done += 1
    if args.close:
        project.close()
    os.close(fd)
    os._exit(0)


def child_command(project: Path, log: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        str(CHILD),
        "child",
        "--project",
        str(project),
        "--log",
        str(log),
        *extra,
    ]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("LD_PRELOAD", None)
    return env


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        sys.exit(child_main(sys.argv[2:]))
    print(__doc__)
