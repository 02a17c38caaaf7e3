"""Copies of a project: "Save a copy", rolling automatic backups, and a backup before
every schema migration.

Every copy is made with SQLite's online backup API from the open connection, so
it is a consistent snapshot even while the app keeps working, and it never opens
the project file with anything but SQLite (see ``store.guard``). A copy is
written to a temporary name in its destination folder and moved into place, so
a failed copy leaves nothing half-written; it is a single self-contained file
(rollback journal, no ``-wal``) that opens as a project anywhere.

Automatic backups live beside the project in ``<name>.backups/``, where a
researcher looking for them will find them (and where a synced folder carries
them along). The newest ``keep`` are kept; a backup identical to the newest one
is not kept, so opening a project five times does not push out older work.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import Conflict, ProjectFileError
from annotator.store import guard

if TYPE_CHECKING:
    from annotator.store.base import ProjectBase

#: How many automatic backups are kept when nothing else is said.
DEFAULT_KEEP = 5
_STAMP = "%Y%m%d-%H%M%S"


def backup_folder(project_path: Path) -> Path:
    """Where the automatic backups of ``project_path`` go."""
    return project_path.with_name(project_path.stem + ".backups")


def _same_file(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        return a.resolve() == b.resolve() or os.path.samefile(a, b)
    return False


def copy_database(conn: sqlite3.Connection, source: Path, dest: Path) -> Path:
    """Write a consistent copy of the database behind ``conn`` to ``dest``."""
    dest = Path(dest)
    for own in (
        source,
        source.with_name(source.name + "-wal"),
        source.with_name(source.name + "-shm"),
    ):
        if _same_file(dest, own) or dest.resolve() == own.resolve():
            raise Conflict(
                f"{dest.name} is the open project's own file; choose another name for the copy."
            )
    if guard.is_held(dest):
        raise Conflict(
            f"{dest.name} is a project open in this window; choose another name for the copy."
        )
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        target = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.backup(target)
            # One self-contained file: no -wal beside it to lose when it is moved or mailed.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        os.replace(tmp, dest)
        _sync_folder(dest.parent)
    except (OSError, sqlite3.Error) as err:
        message = getattr(err, "strerror", None) or str(err)
        raise ProjectFileError(f"Cannot write the copy {dest.name}: {message}.") from err
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return dest


def _sync_folder(folder: Path) -> None:
    """Make a rename durable: SQLite synced the copy's bytes, but the new name lives in
    the folder, which must be synced too (POSIX; elsewhere the rename is what we have)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_copy(project: ProjectBase, dest: str | Path) -> Path:
    """File -> Save a copy: the project as it is now, in another file."""
    return copy_database(project.conn, project.path, Path(dest))


def _digest(path: Path) -> bytes:
    h = hashlib.sha256()
    with path.open("rb") as fh:  # a backup, never the project file itself
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.digest()


def list_backups(project_path: Path) -> list[Path]:
    """The automatic backups of a project, oldest first."""
    folder = backup_folder(project_path)
    pattern = re.compile(re.escape(project_path.stem) + r"-(\d{8}-\d{6})(?:-(\d+))?\.sqlite")
    if not folder.is_dir():
        return []
    found: list[tuple[str, int, Path]] = []
    for p in folder.iterdir():
        m = pattern.fullmatch(p.name)
        if m:  # by time, then by the -2, -3 of backups made within one second
            found.append((m.group(1), int(m.group(2) or 1), p))
    return [p for *_, p in sorted(found)]


def rolling_backup(project: ProjectBase, keep: int = DEFAULT_KEEP) -> Path | None:
    """Back the project up into its backups folder, keeping the newest ``keep``.

    Returns the new backup, or None when backups are off (``keep`` 0) or the project
    is unchanged since the newest backup.
    """
    if keep <= 0:
        return None
    folder = backup_folder(project.path)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as err:
        raise ProjectFileError(
            f"Cannot make the backups folder {folder}: {err.strerror or err}."
        ) from err
    existing = list_backups(project.path)
    stamp = datetime.now().strftime(_STAMP)
    dest = folder / f"{project.path.stem}-{stamp}.sqlite"
    n = 1
    while dest.exists():
        n += 1
        dest = folder / f"{project.path.stem}-{stamp}-{n}.sqlite"
    copy_database(project.conn, project.path, dest)
    if existing and _digest(existing[-1]) == _digest(dest):
        dest.unlink()
        return None
    for old in list_backups(project.path)[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()
    return dest


def backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """A copy of a project made before its schema is updated to ``version`` (never pruned).

    If it cannot be made, the migration does not run: nothing is changed.
    """
    folder = backup_folder(path)
    stamp = datetime.now().strftime(_STAMP)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as err:
        raise ProjectFileError(
            f"{path.name} needs updating, but no backup could be made first "
            f"({err.strerror or err}); nothing was changed."
        ) from err
    return copy_database(conn, path, folder / f"{path.stem}-before-schema-{version}-{stamp}.sqlite")
