"""Power-cut trials: what survives an OS crash or power loss is only what was fsync'ed.

A worker (``fault_common.py child``) edits a project under an ``LD_PRELOAD`` shim
(C, compiled here with ``cc`` into a temporary folder) that records, in order,
every write, truncate, fsync/fdatasync and unlink on the files of the project's
folder (the database, its ``-wal`` and the worker's side log; not ``-shm``, which
SQLite rebuilds), and every fsync of the folder itself. Replaying that record
up to a "cut" gives the files as a power loss at that moment would leave them:

- the database and the WAL each as of their own last fsync (written pages that
  were not synced are gone, as the kernel's page cache would be);
- a file created during the run (the WAL) exists only once its folder was
  fsync'ed after it appeared (SQLite does that on the WAL's first sync);
- the side log as written (what the user had been told was done).

Each cut is opened with ``Project.open`` and checked: ``PRAGMA integrity_check``,
and which prefix of the logged actions it holds. Cuts are taken at random and
just before each fsync of the project (the moments with the most unsynced work),
plus one at the very end (the machine dies right after the last action).

    .venv/bin/python bench/fault_powercut.py --synchronous NORMAL
    .venv/bin/python bench/fault_powercut.py --synchronous FULL
    .venv/bin/python bench/fault_powercut.py             # the store's own setting

The shim's record is checked against the real files at the end of every trial
(replaying everything must give them byte for byte), so a write path it missed
would show. Exit status 1 if a cut damaged the file or lost a committed action
(with NORMAL, losses are the expected finding: use ``--expect-loss``).
"""

from __future__ import annotations

import argparse
import bisect
import random
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fault_common import (
    State,
    check_copy,
    child_command,
    child_env,
    digests,
    judge,
    make_project,
    parse_log,
)

SHIM_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* One record: type, file id, 0, length of the data that follows, offset. */
struct rec { uint8_t type; uint8_t id; uint16_t pad; uint32_t len; uint64_t off; } __attribute__((packed));

static pthread_mutex_t mu = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static int ready, ev_fd = -1;
static char track[2048];
static size_t track_len;
static char names[64][2048];
static int n_names;

static ssize_t (*r_write)(int, const void *, size_t);
static ssize_t (*r_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*r_pwrite64)(int, const void *, size_t, off_t);
static int (*r_fsync)(int);
static int (*r_fdatasync)(int);
static int (*r_ftruncate)(int, off_t);
static int (*r_ftruncate64)(int, off_t);
static int (*r_unlink)(const char *);
static int (*r_unlinkat)(int, const char *, int);

static void init(void) {
    if (ready) return;
    r_write = dlsym(RTLD_NEXT, "write");
    r_pwrite = dlsym(RTLD_NEXT, "pwrite");
    r_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    r_fsync = dlsym(RTLD_NEXT, "fsync");
    r_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    r_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
    r_ftruncate64 = dlsym(RTLD_NEXT, "ftruncate64");
    r_unlink = dlsym(RTLD_NEXT, "unlink");
    r_unlinkat = dlsym(RTLD_NEXT, "unlinkat");
    const char *t = getenv("FAULT_TRACK"), *e = getenv("FAULT_EVENTS");
    if (t && e && strlen(t) < sizeof track) {
        strcpy(track, t);
        track_len = strlen(track);
        ev_fd = open(e, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
    ready = 1;
}

__attribute__((constructor)) static void shim_start(void) { init(); }

static void out(const void *buf, size_t n) {
    const char *p = buf;
    while (n) {
        ssize_t w = r_write(ev_fd, p, n);
        if (w <= 0) { if (w < 0 && errno == EINTR) continue; abort(); }
        p += w; n -= (size_t)w;
    }
}

static void emit(int type, int id, uint64_t off, const void *data, uint32_t len) {
    struct rec r = { (uint8_t)type, (uint8_t)id, 0, len, off };
    out(&r, sizeof r);
    if (len) out(data, len);
}

/* A file id (>= 0) for a tracked file, -2 for the tracked folder, -1 for anything else. */
static int classify_path(const char *p) {
    if (ev_fd < 0 || strncmp(p, track, track_len) != 0) return -1;
    if (p[track_len] == 0) return -2;
    if (p[track_len] != '/') return -1;
    size_t n = strlen(p);
    if (n >= sizeof names[0]) return -1;
    if (n > 4 && strcmp(p + n - 4, "-shm") == 0) return -1;
    for (int i = 0; i < n_names; i++) if (strcmp(names[i], p) == 0) return i;
    if (n_names == 64) return -1;
    strcpy(names[n_names], p);
    emit('N', n_names, 0, p, (uint32_t)n);
    return n_names++;
}

static int classify_fd(int fd) {
    char link[64], path[2048];
    if (ev_fd < 0 || fd == ev_fd) return -1;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0) return -1;
    path[n] = 0;
    return classify_path(path);
}

static int classify_name(int dirfd, const char *p) {
    char full[4096];
    if (ev_fd < 0 || !p) return -1;
    if (p[0] == '/') return classify_path(p);
    if (dirfd != AT_FDCWD) return -1;
    if (!getcwd(full, sizeof full - 1024)) return -1;
    strcat(full, "/");
    strncat(full, p, 1000);
    return classify_path(full);
}

ssize_t write(int fd, const void *buf, size_t n) {
    init();
    pthread_mutex_lock(&mu);
    int id = classify_fd(fd);
    off_t off = 0;
    if (id >= 0) {
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0 && (fl & O_APPEND)) { struct stat st; fstat(fd, &st); off = st.st_size; }
        else off = lseek(fd, 0, SEEK_CUR);
    }
    ssize_t r = r_write(fd, buf, n);
    int saved = errno;
    if (id >= 0 && r > 0) emit('W', id, (uint64_t)off, buf, (uint32_t)r);
    pthread_mutex_unlock(&mu);
    errno = saved;
    return r;
}

static ssize_t do_pwrite(ssize_t (*f)(int, const void *, size_t, off_t), int fd, const void *buf, size_t n, off_t off) {
    init();
    pthread_mutex_lock(&mu);
    int id = classify_fd(fd);
    ssize_t r = f(fd, buf, n, off);
    int saved = errno;
    if (id >= 0 && r > 0) emit('W', id, (uint64_t)off, buf, (uint32_t)r);
    pthread_mutex_unlock(&mu);
    errno = saved;
    return r;
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) { init(); return do_pwrite(r_pwrite, fd, buf, n, off); }
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) { init(); return do_pwrite(r_pwrite64, fd, buf, n, off); }

static int do_sync(int (*f)(int), int fd) {
    init();
    pthread_mutex_lock(&mu);
    int id = classify_fd(fd);
    int r = f(fd);
    int saved = errno;
    if (r == 0 && id >= 0) emit('S', id, 0, 0, 0);
    if (r == 0 && id == -2) emit('D', 255, 0, 0, 0);
    pthread_mutex_unlock(&mu);
    errno = saved;
    return r;
}
int fsync(int fd) { init(); return do_sync(r_fsync, fd); }
int fdatasync(int fd) { init(); return do_sync(r_fdatasync, fd); }

static int do_truncate(int (*f)(int, off_t), int fd, off_t len) {
    init();
    pthread_mutex_lock(&mu);
    int id = classify_fd(fd);
    int r = f(fd, len);
    int saved = errno;
    if (r == 0 && id >= 0) emit('T', id, (uint64_t)len, 0, 0);
    pthread_mutex_unlock(&mu);
    errno = saved;
    return r;
}
int ftruncate(int fd, off_t len) { init(); return do_truncate(r_ftruncate, fd, len); }
int ftruncate64(int fd, off_t len) { init(); return do_truncate(r_ftruncate64, fd, len); }

int unlink(const char *p) {
    init();
    pthread_mutex_lock(&mu);
    int id = classify_name(AT_FDCWD, p);
    int r = r_unlink(p);
    int saved = errno;
    if (r == 0 && id >= 0) emit('U', id, 0, 0, 0);
    pthread_mutex_unlock(&mu);
    errno = saved;
    return r;
}
int unlinkat(int dirfd, const char *p, int flags) {
    init();
    pthread_mutex_lock(&mu);
    int id = classify_name(dirfd, p);
    int r = r_unlinkat(dirfd, p, flags);
    int saved = errno;
    if (r == 0 && id >= 0) emit('U', id, 0, 0, 0);
    pthread_mutex_unlock(&mu);
    errno = saved;
    return r;
}
"""

REC = struct.Struct("<BBHIQ")


def build_shim(folder: Path) -> Path:
    """Compile the shim (``cc`` or ``gcc``) into ``folder``; returns the .so path."""
    src = folder / "fault_shim.c"
    lib = folder / "fault_shim.so"
    src.write_text(SHIM_C, encoding="utf-8")
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise RuntimeError("no C compiler (cc or gcc) to build the power-cut shim")
    subprocess.run(
        [compiler, "-O2", "-shared", "-fPIC", "-o", str(lib), str(src), "-ldl", "-lpthread"],
        check=True,
        capture_output=True,
    )
    return lib


# -- the record and its replay ------------------------------------------------------------
@dataclass
class Events:
    names: dict[int, str]
    kinds: list[int]
    ids: list[int]
    offs: list[int]
    spans: list[tuple[int, int]]  # (start, length) of each record's data in ``raw``
    raw: bytes

    def data(self, i: int) -> bytes:
        start, n = self.spans[i]
        return self.raw[start : start + n]


def read_events(path: Path) -> Events:
    raw = path.read_bytes()
    names: dict[int, str] = {}
    ev = Events(names, [], [], [], [], raw)
    pos = 0
    while pos + REC.size <= len(raw):
        kind, fid, _, n, off = REC.unpack_from(raw, pos)
        pos += REC.size
        if pos + n > len(raw):
            break
        if kind == ord("N"):
            names[fid] = raw[pos : pos + n].decode()
        else:
            ev.kinds.append(kind)
            ev.ids.append(fid)
            ev.offs.append(off)
            ev.spans.append((pos, n))
        pos += n
    return ev


W, T, S, D, U = (ord(c) for c in "WTSDU")


@dataclass
class FileState:
    current: bytearray | None = None  # what the process sees (page cache); None: no such file
    durable: bytes | None = None  # content as of the last fsync (None: never synced)
    exists_durably: bool = False
    pending: list[int] = field(default_factory=list)  # writes and truncates since the last fsync


def _apply(buf: bytearray, kind: int, off: int, data: bytes) -> None:
    if kind == W:
        if off > len(buf):
            buf.extend(bytes(off - len(buf)))
        buf[off : off + len(data)] = data
    elif off < len(buf):  # a truncate to ``off`` bytes
        del buf[off:]
    else:
        buf.extend(bytes(off - len(buf)))


class Replay:
    """Applies the record event by event; ``durable()`` is the power-cut view at that point."""

    def __init__(self, ev: Events, initial: dict[str, bytes], needed_sync: set[int]) -> None:
        self.ev = ev
        self.pos = 0
        self.needed_sync = needed_sync
        self.files: dict[int, FileState] = {}
        for fid, name in ev.names.items():
            content = initial.get(name)
            self.files[fid] = (
                FileState(bytearray(content), content, True) if content is not None else FileState()
            )

    def advance(self, upto: int) -> None:
        ev = self.ev
        while self.pos < upto:
            i = self.pos
            kind, fid = ev.kinds[i], ev.ids[i]
            f = self.files.get(fid)
            if kind in (W, T):
                assert f is not None
                if f.current is None:
                    f.current = bytearray()
                _apply(f.current, kind, ev.offs[i], ev.data(i) if kind == W else b"")
                f.pending.append(i)
            elif kind == S:
                assert f is not None and f.current is not None
                # Copy only when a later cut uses this fsync's content (copies of a 4 MB WAL add up).
                f.durable = (
                    bytes(f.current) if i in self.needed_sync else b"(not needed by any cut)"
                )
                f.pending = []
            elif kind == D:
                for g in self.files.values():
                    if g.current is not None:
                        g.exists_durably = True
            elif kind == U:
                assert f is not None
                f.current, f.durable, f.exists_durably, f.pending = None, None, False, []
            self.pos += 1

    def _file(self, name: str) -> FileState | None:
        for fid, n in self.ev.names.items():
            if n == name:
                return self.files[fid]
        return None

    def current(self, name: str) -> bytes | None:
        f = self._file(name)
        return bytes(f.current) if f is not None and f.current is not None else None

    def durable(self, name: str, torn: random.Random | None = None) -> bytes | None:
        """The file after a power cut now: as of its last fsync; with ``torn``, plus a random
        subset of the writes since (a disk may have stored any of them, in any order)."""
        f = self._file(name)
        if f is None:
            return None
        exists = f.exists_durably or (
            torn is not None and f.current is not None and torn.random() < 0.5
        )
        if not exists:
            return None
        content = f.durable if f.durable is not None else b""
        if torn is None or not f.pending:
            return content
        buf = bytearray(content)
        ev = self.ev
        for i in f.pending:
            if torn.random() < 0.5:
                _apply(buf, ev.kinds[i], ev.offs[i], ev.data(i) if ev.kinds[i] == W else b"")
        return bytes(buf)


# -- one trial ----------------------------------------------------------------------------
@dataclass
class CutResult:
    at: int
    kind: str
    committed: int
    lost: int
    half_applied: bool
    integrity: str
    open_error: str


@dataclass
class PowerTrial:
    seed: int
    actions: int
    synchronous: int | None
    project_syncs: dict[str, int]
    folder_syncs: int
    durable_on_return: int  # actions whose WAL frames were fsync'ed before they returned
    fidelity: list[str]
    cuts: list[CutResult] = field(default_factory=list)
    worker_error: str = ""
    seconds: float = 0.0

    @property
    def syncs(self) -> int:
        return sum(self.project_syncs.values())


def power_trial(
    base_file: Path,
    work: Path,
    shim: Path,
    seed: int,
    *,
    actions: int,
    cuts: int,
    synchronous: str = "",
    rng: random.Random | None = None,
    torn: bool = False,
    create: bool = False,
    close: bool = False,
) -> PowerTrial:
    """Run a worker for ``actions`` actions under the shim, then check ``cuts`` power cuts.

    ``create``: the worker creates the project (``Project.create``) instead of opening a copy
    of ``base_file``; cuts before it said so are not checked (the file did not exist yet).
    ``close``: the worker closes the project at the end (checkpoint, WAL deleted)."""
    rng = rng or random.Random(seed)
    folder = work / f"run-{seed}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    project = folder / "project.sqlite"
    if create:
        base = State()
        initial: dict[str, bytes] = {}
    else:
        shutil.copyfile(base_file, project)
        conn = sqlite3.connect(project)
        base = State.from_db(conn)
        conn.close()
        for suffix in ("-wal", "-shm"):  # reading it must leave nothing behind
            Path(str(project) + suffix).unlink(missing_ok=True)
        initial = {str(project): project.read_bytes()}
    log_path = folder / "actions.log"
    events_path = work / f"events-{seed}.bin"
    events_path.unlink(missing_ok=True)
    env = child_env()
    env.update(LD_PRELOAD=str(shim), FAULT_TRACK=str(folder), FAULT_EVENTS=str(events_path))
    args = ["--seed", str(seed), "--actions", str(actions)]
    if synchronous:
        args += ["--synchronous", synchronous]
    if create:
        args.append("--create")
    if close:
        args.append("--close")
    t0 = time.perf_counter()
    proc = subprocess.run(
        child_command(project, log_path, *args),
        env=env,
        cwd=folder,
        capture_output=True,
        timeout=1800,
        check=False,
    )
    seconds = time.perf_counter() - t0
    final_text = log_path.read_text(encoding="utf-8")
    final = parse_log(final_text)
    ev = read_events(events_path)
    names = {v: k for k, v in ev.names.items()}
    db, wal, logf = str(project), str(project) + "-wal", str(log_path)
    proj_ids = {names[n]: label for n, label in ((db, "database"), (wal, "wal")) if n in names}
    log_id = names.get(logf, -1)

    # fsyncs, and which actions had the project synced before they returned
    project_syncs = {"database": 0, "wal": 0}
    folder_syncs = 0
    durable_on_return = 0
    sync_positions: dict[int, list[int]] = {fid: [] for fid in proj_ids}
    log_lines: list[tuple[int, int]] = []  # (event index, end offset of the line) of each log write
    returns: list[int] = []  # cut points right after an action's C line was written
    ready_at = 0  # the cut point right after the worker said the project was open
    wal_id = names.get(wal, -1)
    wal_state = (
        ""  # within an action: "dirty" after a WAL write, "synced" after a WAL sync that followed
    )
    for i, kind in enumerate(ev.kinds):
        fid = ev.ids[i]
        if kind == S and fid in proj_ids:
            project_syncs[proj_ids[fid]] += 1
            sync_positions[fid].append(i)
            if fid == wal_id and wal_state == "dirty":
                wal_state = "synced"
        elif kind == W and fid == wal_id and wal_state:
            wal_state = "dirty"
        elif kind == D:
            folder_syncs += 1
        elif kind == W and fid == log_id:
            start, n = ev.spans[i]
            head = ev.raw[start : start + 2]
            if head == b"R ":
                ready_at = i + 1
            elif head == b"B ":
                wal_state = "begun"
            elif head in (b"C ", b"X ", b"L "):
                if head == b"C ":
                    durable_on_return += wal_state == "synced"
                    returns.append(i + 1)
                wal_state = ""
            log_lines.append((i, ev.offs[i] + n))

    # the cuts: random moments, just before project fsyncs, and the very end
    total = len(ev.kinds)
    before_sync = sorted(i for pos in sync_positions.values() for i in pos)
    unlinks = [i for i, kind in enumerate(ev.kinds) if kind == U and ev.ids[i] in proj_ids]
    chosen: dict[int, str] = {}
    for i in rng.sample(before_sync, min(len(before_sync), cuts // 3)):
        chosen[i] = "before fsync"
    for i in rng.sample(returns, min(len(returns), cuts // 3)):
        chosen.setdefault(i, "after return")
    while len(chosen) < min(cuts, total) - 1:
        chosen.setdefault(rng.randrange(total), "random")
    chosen[total] = "end"
    for i in unlinks:  # closing: just before and after the WAL is deleted
        chosen.setdefault(i, "around an unlink")
        chosen.setdefault(i + 1, "around an unlink")
    if create:
        chosen[ready_at] = "right after Project.create"
    cut_points = sorted(chosen)
    needed: set[int] = set()
    for positions in sync_positions.values():
        for j, i in enumerate(positions):
            nxt = positions[j + 1] if j + 1 < len(positions) else total + 1
            k = bisect.bisect_right(cut_points, i)
            if k < len(cut_points) and cut_points[k] <= nxt:
                needed.add(i)
    prefix = digests(base, final.committed)
    replay = Replay(ev, initial, needed)
    final_bytes = final_text.encode()
    line_ends = [e for _, e in log_lines]
    line_pos = [i for i, _ in log_lines]
    check_dir = work / f"cut-{seed}"
    result = PowerTrial(
        seed,
        len(final.committed),
        final.synchronous,
        project_syncs,
        folder_syncs,
        durable_on_return,
        [],
        seconds=seconds,
        worker_error="" if proc.returncode == 0 else proc.stderr.decode(errors="replace")[-400:],
    )
    for k in cut_points:
        replay.advance(k)
        if k < ready_at and create:
            result.cuts.append(CutResult(k, "before created", 0, 0, False, "ok", ""))
            continue
        shutil.rmtree(check_dir, ignore_errors=True)
        check_dir.mkdir()
        target = check_dir / "project.sqlite"
        for name, dest in ((db, target), (wal, Path(str(target) + "-wal"))):
            content = (
                replay.durable(name, rng if torn else None) if name in names else initial.get(name)
            )
            if content is not None:
                dest.write_bytes(content)
        n_lines = bisect.bisect_left(line_pos, k)
        told = parse_log(final_bytes[: line_ends[n_lines - 1]].decode() if n_lines else "")
        acked = len(told.committed)
        in_flight = (
            told.in_flight is not None
            and acked < len(final.committed)
            and final.committed[acked] == told.in_flight
        )
        check, _ = check_copy(target)
        verdict = judge(prefix, acked, in_flight, check.digest)
        result.cuts.append(
            CutResult(
                k,
                chosen[k],
                acked,
                verdict.lost,
                verdict.half_applied and check.ok,
                check.integrity,
                check.open_error,
            )
        )
    # fidelity: replaying the whole record gives the files as they are
    replay.advance(total)
    for name in (db, wal, logf):
        real = Path(name).read_bytes() if Path(name).exists() else None
        replayed = replay.current(name) if name in names else initial.get(name)
        if replayed != real and not (real == b"" and replayed is None):  # created, never written
            result.fidelity.append(f"{Path(name).name}: replay differs from the file")
    shutil.rmtree(check_dir, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    events_path.unlink(missing_ok=True)
    return result


SYNC_NAMES = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
KIND_NAMES = {
    "before fsync": "just before an fsync",
    "after return": "right after an action returned",
    "end": "at the very end",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--synchronous",
        default="",
        choices=["", "OFF", "NORMAL", "FULL", "EXTRA"],
        help="override PRAGMA synchronous after opening (default: the store's own)",
    )
    ap.add_argument("--trials", type=int, default=3, help="worker runs (default 3)")
    ap.add_argument("--actions", type=int, default=2000, help="actions per run (default 2000)")
    ap.add_argument(
        "--cuts", type=int, default=100, help="power cuts checked per run (default 100)"
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--create",
        action="store_true",
        help="the worker creates a new project (instead of opening a copy of a coded one)",
    )
    ap.add_argument(
        "--close",
        action="store_true",
        help="the worker closes the project at the end (its checkpoint and WAL deletion are cut too)",
    )
    ap.add_argument(
        "--torn",
        action="store_true",
        help="harsher: each write since a file's last fsync survives or not at random",
    )
    ap.add_argument(
        "--expect-loss",
        action="store_true",
        help="exit 0 even if committed actions were lost (damage still fails)",
    )
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="annotator-fault-power-") as tmp_name:
        tmp = Path(tmp_name)
        shim = build_shim(tmp)
        base_file = tmp / "base.sqlite"
        make_project(base_file, seed=args.seed)
        trials = [
            power_trial(
                base_file,
                tmp,
                shim,
                args.seed * 1000 + t,
                actions=args.actions,
                cuts=args.cuts,
                synchronous=args.synchronous,
                rng=rng,
                torn=args.torn,
                create=args.create,
                close=args.close,
            )
            for t in range(args.trials)
        ]

    mode = {
        SYNC_NAMES.get(tr.synchronous, str(tr.synchronous)) if tr.synchronous is not None else "?"
        for tr in trials
    }
    actions = sum(tr.actions for tr in trials)
    syncs = sum(tr.syncs for tr in trials)
    wal_syncs = sum(tr.project_syncs["wal"] for tr in trials)
    db_syncs = sum(tr.project_syncs["database"] for tr in trials)
    durable = sum(tr.durable_on_return for tr in trials)
    cuts = [c for tr in trials for c in tr.cuts]
    lossy = [c for c in cuts if c.lost]
    damaged = [c for c in cuts if c.integrity != "ok" or c.open_error]
    half = [c for c in cuts if c.half_applied]
    fidelity = [f for tr in trials for f in tr.fidelity]
    errors = [tr.worker_error for tr in trials if tr.worker_error]
    print(
        f"power cuts, synchronous={'/'.join(sorted(mode))}"
        f"{' (override)' if args.synchronous else ' (the store as it is)'}: "
        f"{args.trials} runs x {args.actions} actions, seed {args.seed}"
        f"{', torn writes' if args.torn else ''}{', new project' if args.create else ''}"
        f"{', closed at the end' if args.close else ''}; "
        f"worker {sum(tr.seconds for tr in trials):.0f} s"
    )
    print(
        f"fsync/fdatasync of the project: {syncs:,} for {actions:,} actions "
        f"({syncs / max(1, actions):.3f} per action; WAL {wal_syncs:,}, database {db_syncs:,}); "
        f"folder syncs {sum(tr.folder_syncs for tr in trials)}"
    )
    ratio = f"1 in {actions / durable:.0f}" if durable else "none"
    print(
        f"actions durable when they returned (their WAL frames fsync'ed): {durable:,} of {actions:,} ({ratio})"
    )
    lost = [c.lost for c in lossy]
    kinds = Counter(c.kind for c in cuts)
    print(
        f"cuts checked: {len(cuts) - kinds['before created']} ("
        + ", ".join(
            f"{n} {KIND_NAMES.get(k, k)}" for k, n in sorted(kinds.items()) if k != "before created"
        )
        + (
            f"; {kinds['before created']} more fell before the project existed"
            if kinds["before created"]
            else ""
        )
        + ")"
    )
    after = [c for c in cuts if c.kind == "after return"]
    print(
        f"cuts right after an action returned that kept every committed action: "
        f"{sum(not c.lost for c in after)} of {len(after)}"
    )
    print(
        f"cuts that lost committed actions: {len(lossy)}"
        + (
            f"; lost per such cut: median {statistics.median(lost):.0f}, max {max(lost)}"
            if lost
            else ""
        )
    )
    end_losses = [c.lost for c in cuts if c.kind == "end"]
    print(f"lost by the cut at the very end of each run: {', '.join(map(str, end_losses))}")
    print(f"integrity or open failures: {len(damaged)}; half-applied states: {len(half)}")
    for c in damaged[:5]:
        print(f"  damaged at event {c.at}: {c.integrity} {c.open_error}")
    print(
        f"shim record matches the real files: {'yes' if not fidelity else 'NO: ' + '; '.join(fidelity)}"
    )
    for e in errors:
        print(f"worker failed: {e}")
    bad = bool(damaged or half or fidelity or errors or (lossy and not args.expect_loss))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
