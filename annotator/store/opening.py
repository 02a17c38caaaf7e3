"""Deciding how a project file may be opened, and opening it, without touching it first.

Everything here looks before it writes: a file that will be refused (foreign,
empty, damaged, newer, a pipe) is left byte-identical and its journal mode is
not switched. Only SQLite opens the file: a header read with ``open()`` and a
``close()`` would drop SQLite's locks if the same project is already open in
this process (see ``store.guard``). ``os.stat`` and ``os.access`` open nothing.

A project that cannot be written (the file or its folder is read-only to us,
or the caller asks) opens for reading: SQLite opens it with ``mode=ro``, and
with ``immutable=1`` when its folder cannot hold the ``-wal``/``-shm`` files a
WAL reader needs, so that reading leaves nothing behind.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from annotator.core.errors import Conflict, NotFound, ProjectFileError


@dataclass(frozen=True)
class OpenMode:
    """How a file will be opened: for writing, or read-only and why."""

    read_only: bool = False
    #: Why it is read-only, as the end of a sentence ("the file is read-only").
    reason: str = ""
    #: No -wal/-shm can be made or exists: read the main file as it is.
    immutable: bool = False


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def inspect(path: Path, *, create: bool, read_only: bool) -> OpenMode:
    """Check what ``path`` is before SQLite sees it; raise with one sentence if it cannot
    be a project. Never opens the file (a FIFO would block an ``open()`` forever)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise ProjectFileError(f"{path} cannot be opened: {err.strerror or err}.") from err
    if st is None:
        if not create:
            raise NotFound(f"No project file at {path}.")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(path.parent, os.W_OK):
            raise ProjectFileError(
                f"Cannot create {path.name}: the folder {path.parent} is read-only."
            )
        return OpenMode()
    if stat.S_ISDIR(st.st_mode):
        raise ProjectFileError(f"{path} is a folder, not a project file.")
    if not stat.S_ISREG(st.st_mode):
        raise ProjectFileError(f"{path.name} is {_kind(st.st_mode)}, not a project file.")
    if create and st.st_size > 0:
        raise Conflict(f"{path} already exists; choose another name or open it.")
    if not os.access(path, os.R_OK):
        raise ProjectFileError(
            f"{path.name} cannot be read: you do not have permission to read it."
        )
    if st.st_size == 0 and not create:
        raise ProjectFileError(f"{path.name} is an empty file, not an Annotator project.")
    folder_writable = os.access(path.parent, os.W_OK | os.X_OK)
    wal_exists = path.with_name(path.name + "-wal").exists()
    if not os.access(path, os.W_OK):
        reason = "the file is read-only"
    elif not folder_writable:
        reason = f"its folder {path.parent} is read-only"
    elif read_only:
        reason = "it was opened for reading only"
    else:
        return OpenMode()
    # Without a -wal, nobody is writing it now; a reader that cannot create -shm in
    # the folder (or must not leave one behind) reads the main file as it is.
    return OpenMode(
        True,
        reason,
        immutable=not wal_exists and (not folder_writable or reason.startswith("the file")),
    )


def connect(path: Path, mode: OpenMode, *, create: bool) -> sqlite3.Connection:
    """An SQLite connection to ``path`` as ``mode`` says (autocommit: we issue BEGIN)."""
    if mode.read_only:
        params = "mode=ro" + ("&immutable=1" if mode.immutable else "")
    else:
        # rw, not rwc, for an existing file: if it vanished meanwhile, say so instead of
        # silently making an empty project in its place.
        params = "mode=rwc" if create else "mode=rw"
    uri = f"file:{quote(str(path.resolve()))}?{params}"
    return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)


@cache
def expected_schema() -> frozenset[tuple[str, str]]:
    """(type, name) of every table, index and trigger a current project has, from
    running all migrations on an in-memory database once."""
    from sqlite_utils import Database

    from annotator.store.migrations import migrate

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(Database(conn))
        return schema_items(conn)
    finally:
        conn.close()


def schema_items(conn: sqlite3.Connection) -> frozenset[tuple[str, str]]:
    rows = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index', 'trigger') "
        "AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return frozenset((str(t), str(n)) for t, n in rows)


def check_schema(conn: sqlite3.Connection, name: str) -> None:
    """Refuse a project whose tables, indexes or triggers were dropped: reading it would
    fail somewhere later, and writing to it would store work the rules no longer guard."""
    # Tables first: a dropped table takes its indexes with it, and the table is the news.
    order = {"table": 0, "index": 1, "trigger": 2}
    missing = sorted(
        expected_schema() - schema_items(conn), key=lambda item: (order[item[0]], item[1])
    )
    if missing:
        kind, item = missing[0]
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise ProjectFileError(f"{name} is damaged: its {kind} '{item}' is missing{more}.")
