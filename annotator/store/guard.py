"""Holding an open project so that no stray descriptor can let another process break it.

SQLite's locks are POSIX advisory locks: they belong to the process and the
kernel drops *all* of them when *any* descriptor of the file is closed, even one
that a file dialog opened for a moment to sniff an icon (SQLite's "How To
Corrupt An SQLite Database File", section 2.2). Once our shared lock on the
database is gone, another process (the CLI, a backup tool, the sqlite3 shell)
that opens and closes the project believes it is the last user: it checkpoints
and deletes ``-wal`` and ``-shm`` while we still write into them, and every
later commit goes into a deleted file.

The guard holds the project through a mechanism that other descriptors cannot
release: Linux *open file description* (OFD) locks, which belong to the
descriptor that took them and conflict with SQLite's POSIX locks in other
processes. On its own descriptors it holds

- a read lock on the database's SHARED byte range, the lock every WAL reader
  holds: nobody else can take the EXCLUSIVE lock that deleting the WAL needs;
- a read lock on the ``-shm`` "dead man switch" byte: nobody else can decide
  they are the first user and re-initialise the shared index under us;
- for a window that edits the project, a write lock on a byte SQLite never
  uses (``EDITOR_BYTE``): a second window sees it and opens the project
  read-only instead of editing it unseen.

The descriptors stay open until the last ``Project`` of that file in this
process closes (closing them earlier would drop the POSIX locks of SQLite's own
connections, the very thing this module prevents). Where OFD locks do not exist
(not Linux), the guard does nothing and the dialogs' own hygiene is the defence.
"""

from __future__ import annotations

import contextlib
import errno
import os
import struct
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# SQLite's lock bytes (os.h): PENDING_BYTE at 1 GiB, then RESERVED, then 510 SHARED bytes.
PENDING_BYTE = 0x40000000
SHARED_FIRST = PENDING_BYTE + 2
SHARED_SIZE = 510
#: In ``-shm``: the "dead man switch" byte, after the 8 WAL locks at byte 120 (os_unix.c).
SHM_DMS_BYTE = 128
#: In ``-shm``: the WAL write lock, held by whoever is writing.
SHM_WRITE_BYTE = 120
#: A byte beyond SQLite's lock range, write-locked by the window editing the project.
EDITOR_BYTE = PENDING_BYTE + 1024

_OFD = fcntl is not None and hasattr(fcntl, "F_OFD_SETLK") and sys.platform.startswith("linux")
#: ``struct flock`` on Linux: l_type, l_whence (short), l_start, l_len (off_t), l_pid (pid_t).
_FLOCK = "hhqqi4x"


def supported() -> bool:
    """Whether this system has locks that stray descriptors cannot drop."""
    return _OFD


def _lock(fd: int, kind: int, start: int, length: int) -> bool:
    """Take (or with F_UNLCK release) an OFD lock without waiting; False if someone holds it."""
    assert fcntl is not None
    try:
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack(_FLOCK, kind, os.SEEK_SET, start, length, 0))
    except OSError as err:
        if err.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


@dataclass
class _Held:
    """What this process holds on one file (shared by every Project open on it)."""

    users: int = 0
    fds: list[int] = field(default_factory=list)
    editor_fd: int | None = None


#: (st_dev, st_ino) of each project file this process holds.
_held: dict[tuple[int, int], _Held] = {}
#: Guards are taken and released on more than one thread (background reads open their
#: own read-only Project): the registry changes under this lock.
_registry = threading.RLock()


def file_key(path: Path) -> tuple[int, int] | None:
    """The identity of a file (device, inode), or None if it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def held_files() -> set[tuple[int, int]]:
    """Identities of the project files (and their ``-wal``/``-shm``) open in this process.

    Readers of user-chosen files check against it: opening and closing one of
    these would drop SQLite's locks on it.
    """
    keys: set[tuple[int, int]] = set()
    with _registry:
        entries = [(key, list(held.fds)) for key, held in _held.items()]
    for key, fds in entries:
        keys.add(key)
        for fd in fds:
            with contextlib.suppress(OSError):
                st = os.fstat(fd)
                keys.add((st.st_dev, st.st_ino))
    return keys


def is_held(path: Path) -> bool:
    """Whether ``path`` is an open project's file, ``-wal`` or ``-shm`` in this process."""
    key = file_key(path)
    if key is None:
        return False
    if key in held_files():
        return True
    # A -wal that appeared after the guard was taken: match it by its database's identity.
    for suffix in ("-wal", "-shm", "-journal"):
        if path.name.endswith(suffix):
            main = file_key(path.with_name(path.name[: -len(suffix)]))
            if main is not None and main in _held:
                return True
    return False


class FileGuard:
    """The guard of one open Project. ``release()`` exactly once, after SQLite has closed."""

    def __init__(self, path: Path, *, writable: bool) -> None:
        self.path = path
        self.key = file_key(path)
        self._editing = False
        self._released = False
        if not _OFD or self.key is None:
            self.key = None
            return
        with _registry:
            self._take(path, writable)

    def _take(self, path: Path, writable: bool) -> None:
        assert self.key is not None
        held = _held.get(self.key)
        if held is None:
            held = _held[self.key] = _Held()
            flags = (os.O_RDWR if writable else os.O_RDONLY) | os.O_CLOEXEC
            # Opening is harmless; only a close drops locks, and these stay open.
            db_fd = os.open(path, flags)
            held.fds.append(db_fd)
            _lock(db_fd, fcntl.F_RDLCK, SHARED_FIRST, SHARED_SIZE)
            shm = path.with_name(path.name + "-shm")
            if shm.exists():
                try:
                    shm_fd = os.open(shm, flags)
                except OSError:
                    shm_fd = -1  # a read-only -shm we cannot open: SQLite reads it from memory
                if shm_fd >= 0:
                    held.fds.append(shm_fd)
                    _lock(shm_fd, fcntl.F_RDLCK, SHM_DMS_BYTE, 1)
        held.users += 1

    def claim_editor(self) -> bool:
        """Mark the project as being edited in a window; False if another window (in
        any process) already edits it."""
        if self.key is None:
            return True
        with _registry:
            return self._claim()

    def _claim(self) -> bool:
        assert self.key is not None
        held = _held[self.key]
        if held.editor_fd is not None:
            return self._editing  # this process already edits it (another window here)
        fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
        if not _lock(fd, fcntl.F_WRLCK, EDITOR_BYTE, 1):
            # Nobody else has seen this descriptor lock anything, but it must stay open
            # until release: closing it would drop SQLite's POSIX locks.
            held.fds.append(fd)
            return False
        held.editor_fd = fd
        held.fds.append(fd)
        self._editing = True
        return True

    def unlock(self) -> None:
        """Release this guard's locks before SQLite closes (a lock we hold would stop our
        own last connection from checkpointing and removing the WAL)."""
        if self.key is None or self._released:
            return
        with _registry:
            self._unlock()

    def _unlock(self) -> None:
        assert self.key is not None
        held = _held[self.key]
        if self._editing and held.editor_fd is not None:
            _lock(held.editor_fd, fcntl.F_UNLCK, EDITOR_BYTE, 1)
            held.editor_fd = None
            self._editing = False
        if held.users == 1:
            for fd in held.fds:
                with contextlib.suppress(OSError):
                    _lock(fd, fcntl.F_UNLCK, 0, 0)

    def release(self) -> None:
        """Close the descriptors once the last Project of this file in the process has closed."""
        if self.key is None or self._released:
            return
        with _registry:
            self._release()

    def _release(self) -> None:
        assert self.key is not None
        self._released = True
        held = _held[self.key]
        held.users -= 1
        if held.users == 0:
            del _held[self.key]
            for fd in held.fds:
                with contextlib.suppress(OSError):
                    os.close(fd)


# -- who holds a project ----------------------------------------------------------------
def _proc_name(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    parts = [p.decode(errors="replace") for p in raw.split(b"\0") if p]
    if not parts:
        return ""
    # "python -m annotator ..." or ".venv/bin/annotator gui": name the program, not the interpreter.
    names = [Path(p).name for p in parts[:3]]
    for name in names:
        if "annotator" in name.lower():
            return "Annotator"
    return names[0]


def _describe(pids: set[int], name: str = "") -> str:
    pids.discard(os.getpid())
    if not pids:
        return ""
    pid = min(pids)
    name = name or _proc_name(pid)
    return f"{name}, process {pid}" if name else f"process {pid}"


def editor_holder(path: Path) -> str:
    """Which process edits ``path`` in a window ("Annotator, process 1234"), or "".

    Only Annotator takes the editor lock, so its holder is Annotator whatever its
    command line says (``python -m annotator``, a frozen app, a test)."""
    key = file_key(path)
    if key is None:
        return ""
    ino_tag = f":{key[1]} "
    target = f"{EDITOR_BYTE} {EDITOR_BYTE}"
    pids: set[int] = set()
    # OFD locks show no owner in /proc/locks; the descriptor's fdinfo names it.
    with contextlib.suppress(OSError):
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                infos = list((proc / "fdinfo").iterdir())
            except OSError:
                continue
            for info in infos:
                try:
                    text = info.read_text()
                except OSError:
                    continue
                if "OFDLCK" in text and ino_tag in text and target in text and "WRITE" in text:
                    pids.add(int(proc.name))
    return _describe(pids, "Annotator")


def writer_holder(path: Path) -> str:
    """Which process is writing ``path`` now (holds its WAL write lock), or ""."""
    shm = file_key(path.with_name(path.name + "-shm"))
    main = file_key(path)
    tags = {f":{k[1]} " for k in (shm, main) if k is not None}
    pids: set[int] = set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/locks").read_text().splitlines():
            fields = line.split()
            # "1: POSIX  ADVISORY  WRITE 4055 fe:00:2155469 120 120"
            if (
                len(fields) >= 8
                and fields[1] == "POSIX"
                and fields[3] == "WRITE"
                and any(t.strip() and fields[5].endswith(t.strip()) for t in tags)
            ):
                with contextlib.suppress(ValueError):
                    pids.add(int(fields[4]))
    return _describe(pids)
