"""Opening a project file, transactions, and the change log every write goes through.

Every public mutating method of ``Project`` runs inside ``action()``: one user
action = one SQLite transaction = one ``ChangeSet``. Writes go through
``_insert`` / ``_update`` / ``_delete`` so that each row's before and after
images are recorded; that record is what observers (views) receive and what
undo/redo replays. A crash at any point loses only the uncommitted action.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotator.core.changes import ChangeSet, Row, RowChange
from annotator.core.errors import (
    AnnotatorError,
    Conflict,
    InvalidInput,
    NotFound,
    ProjectBusy,
    ProjectFileError,
    ReadOnlyProject,
)
from annotator.store import guard, opening
from annotator.store.backups import backup_before_migration
from annotator.store.guard import FileGuard
from annotator.store.migrations import MIGRATIONS, applied, migrate

#: ``PRAGMA application_id`` of Annotator project files ("ANNT").
APPLICATION_ID = 0x414E4E54

#: Primary-key columns of each table the change log knows.
KEYS: dict[str, tuple[str, ...]] = {
    "coders": ("id",),
    "documents": ("id",),
    "document_attributes": ("document_id", "name"),
    "codes": ("id",),
    "codings": ("id",),
    "memos": ("id",),
    "settings": ("key",),
}

Observer = Callable[[ChangeSet], None]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class ProjectBase:
    """Connection, schema, transactions, change recording and observers."""

    #: Seconds a write waits for another program's transaction before giving up.
    BUSY_TIMEOUT = 5.0
    #: An action writing this many rows (an import) leaves its checkpoint (copying the
    #: pages it wrote from the WAL into the file: a tenth of a 100,000-coding import) to
    #: ``checkpoint()``, which the window calls once it is idle and ``close`` calls. The
    #: action is durable once its COMMIT returns either way: the WAL is the record.
    BULK_ROWS = 5000
    #: SQLite's default: smaller actions checkpoint when the WAL passes this many pages.
    AUTOCHECKPOINT = 1000

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = False,
        read_only: bool = False,
        busy_timeout: float | None = None,
    ) -> None:
        self.path = Path(path)
        self._observers: list[Observer] = []
        self._pending: ChangeSet | None = None
        self._depth = 0
        self.last_changes = ChangeSet()
        self._text_cache: OrderedDict[str, str] = OrderedDict()
        self.busy_timeout = self.BUSY_TIMEOUT if busy_timeout is None else busy_timeout
        #: Who is acting, for the history's audit trail (the window sets the active coder).
        self.actor = ""
        #: Ids of the history entries this connection wrote (``store.history``).
        self._own_history: set[int] = set()
        self._checkpoint_due = False
        mode = opening.inspect(self.path, create=create, read_only=read_only)
        self.read_only = mode.read_only
        #: Why the project is read-only (the end of a sentence), or "".
        self.read_only_reason = mode.reason
        conn: sqlite3.Connection | None = None
        try:
            conn = opening.connect(self.path, mode, create=create)
            self.conn = conn
            self.conn.row_factory = sqlite3.Row
            self.db = Database(self.conn)
            self._configure(create)
        except BaseException as err:
            if conn is not None:
                conn.close()
            if isinstance(err, sqlite3.DatabaseError):
                raise ProjectFileError(self._file_error(err)) from err
            raise
        self._guard = (
            FileGuard(self.path, writable=not self.read_only) if not mode.immutable else None
        )
        self._data_version = self._read_data_version()

    # -- opening -----------------------------------------------------------------
    def _file_error(self, err: sqlite3.DatabaseError) -> str:
        text = str(err)
        if "not a database" in text:
            return f"{self.path.name} is not an Annotator project (not an SQLite database)."
        if "unable to open" in text:
            return f"{self.path.name} cannot be opened: {text}."
        return f"{self.path.name} cannot be opened as a project: {text}."

    def _configure(self, create: bool) -> None:
        """Check the file with reads only, then (if it is ours and writable) set it up.

        Nothing is written, not even the journal mode, until every check has passed.
        """
        conn = self.conn
        name = self.path.name
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = self.db.table_names()
        fresh = app_id != APPLICATION_ID
        if fresh:
            if tables:
                raise ProjectFileError(
                    f"{name} is an SQLite database but not an Annotator project."
                )
            if not create:
                raise ProjectFileError(f"{name} is an empty file, not an Annotator project.")
            if self.read_only:
                raise ProjectFileError(f"Cannot create {name}: {self.read_only_reason}.")
        else:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise ProjectFileError(
                    f"{name} was saved by a newer version of Annotator (schema {version}; this "
                    f"version knows {len(MIGRATIONS)}). Update Annotator to open it."
                )
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise ProjectFileError(f"{name} is damaged ({result}).")
            if "_migrations" not in tables:
                raise ProjectFileError(
                    f"{name} is damaged: its record of schema versions is missing."
                )
        done = applied(self.db)
        known = [n for n, _ in MIGRATIONS]
        unknown = [n for n in done if n not in known]
        if unknown:
            raise ProjectFileError(
                f"{name} was saved by a newer version of Annotator (it has schema step "
                f"{unknown[0]}). Update Annotator to open it."
            )
        pending = len(known) - len(done)
        if not pending:
            opening.check_schema(conn, name)
        if self.read_only:
            if pending:
                raise ProjectFileError(
                    f"{name} was made by an older version of Annotator and must be updated "
                    f"before it can be opened, but {self.read_only_reason}."
                )
            return
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: every committed action is on disk before the action returns, so the
        # promise "nothing committed is lost" holds for power loss and OS crashes too.
        # It costs one fsync (about 0.3 ms here) per action, a few actions a second.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if fresh:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        elif pending:
            backup_before_migration(self.conn, self.path, len(known))
        migrate(self.db)
        if pending:
            opening.check_schema(conn, name)

    @property
    def schema_version(self) -> int:
        return len(applied(self.db))

    @staticmethod
    def latest_schema_version() -> int:
        return len(MIGRATIONS)

    @property
    def checkpoint_due(self) -> bool:
        """Whether a bulk action left its checkpoint to be done (``checkpoint``)."""
        return self._checkpoint_due

    def checkpoint(self) -> None:
        """Fold what a bulk action wrote into the file, if one left that to be done.

        PASSIVE: it never waits for, nor blocks, another program's readers or writers;
        what it cannot copy now, the next checkpoint does."""
        if not self._checkpoint_due or self._pending is not None:
            return
        self._checkpoint_due = False
        with contextlib.suppress(sqlite3.Error):  # busy or failing: SQLite retries later
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        self.checkpoint()
        if not self.read_only:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA optimize")
        held = getattr(self, "_guard", None)
        if held is not None:
            held.unlock()
        self.conn.close()
        if held is not None:
            held.release()
            self._guard = None

    def __enter__(self) -> ProjectBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- other processes -------------------------------------------------------------
    def claim_editor(self) -> bool:
        """Mark this project as edited in a window; False if another window already edits it."""
        return self.read_only or self._guard is None or self._guard.claim_editor()

    def editor_elsewhere(self) -> str:
        """Which other process edits this project in a window ("Annotator, process 12"), or ""."""
        return guard.editor_holder(self.path)

    def _read_data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def outside_change(self) -> bool:
        """Whether another connection (another process, or the CLI) committed since the
        last call. One cheap PRAGMA: poll it on a timer."""
        version = self._read_data_version()
        changed = version != self._data_version
        self._data_version = version
        return changed

    def _operational_error(self, err: sqlite3.OperationalError, label: str) -> AnnotatorError:
        """One sentence for a failure of the file itself (locked, read-only, full, I/O)."""
        text = str(err).lower()
        name = self.path.name
        if "locked" in text or "busy" in text:
            holder = guard.writer_holder(self.path) or "another program"
            return ProjectBusy(
                f"{name} is busy: {holder} has been writing to it for more than "
                f"{self.busy_timeout:g} s. Nothing was changed by '{label}'; try again when it has finished."
            )
        if "readonly" in text or "read-only" in text:
            return ReadOnlyProject(
                f"{name} cannot be changed: it has become read-only. Nothing was changed."
            )
        if "full" in text:
            return ProjectFileError(f"{name}: the disk is full. Nothing was changed by '{label}'.")
        return ProjectFileError(f"{name}: {err}. Nothing was changed by '{label}'.")

    # -- observers ---------------------------------------------------------------
    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer(changes)`` after every committed action; returns an unsubscribe."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer) if observer in self._observers else None

    def _notify(self, changes: ChangeSet) -> None:
        for observer in list(self._observers):
            observer(changes)

    # -- transactions ------------------------------------------------------------
    def _record_history(self, changes: ChangeSet) -> None:
        """Write the action's history line before it commits (``store.history`` does)."""

    @contextlib.contextmanager
    def action(self, label: str, *, history: bool = True) -> Iterator[ChangeSet]:
        """One user action: one transaction and one ChangeSet. Nested actions join the outer one.

        The ChangeSet yielded is the action's own record, in the order rows were
        written: that exact sequence is what undo and redo replay (a codebook import
        that renames a code to a temporary name, inserts its new parent, then moves
        it, only replays in that order). Observers get the ``compact()`` summary.
        """
        if self._depth:
            self._depth += 1
            try:
                assert self._pending is not None
                yield self._pending
            finally:
                self._depth -= 1
            return
        if self.read_only:
            raise ReadOnlyProject(
                f"{self.path.name} is open read-only ({self.read_only_reason}): '{label}' cannot be done."
            )
        self._pending = ChangeSet(label)
        self._depth = 1
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            self._pending = None
            self._depth = 0
            raise self._operational_error(err, label) from err
        try:
            yield self._pending
            if history and self._pending.rows:
                self._record_history(self._pending)  # in the same transaction: both or neither
            bulk = len(self._pending.rows) >= self.BULK_ROWS
            if bulk:  # the WAL is folded into the file later (``checkpoint``), not now
                self.conn.execute("PRAGMA wal_autocheckpoint = 0")
            try:
                self.conn.execute("COMMIT")
            finally:
                if bulk:
                    self.conn.execute(f"PRAGMA wal_autocheckpoint = {self.AUTOCHECKPOINT}")
                    self._checkpoint_due = not self.conn.in_transaction
        except BaseException as err:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            for rc in self._pending.of("documents") if self._pending else ():
                self._text_cache.pop(rc.key[0], None)  # a text read inside the failed action
            self._pending = None
            self._depth = 0
            if isinstance(err, sqlite3.IntegrityError):
                raise Conflict(f"{label} failed: {err}.") from err
            if isinstance(err, sqlite3.OperationalError):
                raise self._operational_error(err, label) from err
            raise
        raw = self._pending
        self._pending = None
        self._depth = 0
        self.last_changes = raw
        summary = raw.compact()
        if summary:
            self._notify(summary)

    def _record(self, change: RowChange) -> None:
        if self._pending is None:  # pragma: no cover - programming error
            raise RuntimeError("write outside an action()")
        self._pending.rows.append(change)

    def _record_many(self, changes: Iterable[RowChange]) -> None:
        """``_record`` each of many changes (a bulk insert's), in order."""
        if self._pending is None:  # pragma: no cover - programming error
            raise RuntimeError("write outside an action()")
        self._pending.rows.extend(changes)

    # -- recorded row writes -----------------------------------------------------
    def _key_of(self, table: str, row: Row) -> tuple[Any, ...]:
        return tuple(row[c] for c in KEYS[table])

    def _where(self, table: str) -> str:
        return " AND ".join(f"{_q(c)} = ?" for c in KEYS[table])

    def _get_row(self, table: str, key: tuple[Any, ...]) -> Row | None:
        cur = self.conn.execute(f"SELECT * FROM {_q(table)} WHERE {self._where(table)}", key)
        found = cur.fetchone()
        return dict(found) if found is not None else None

    def _insert(self, table: str, row: Row) -> None:
        cols = ", ".join(_q(c) for c in row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f"INSERT INTO {_q(table)} ({cols}) VALUES ({marks})", tuple(row.values()))
        self._record(RowChange(table, self._key_of(table, row), None, dict(row)))

    def _update(self, table: str, key: tuple[Any, ...], values: Row) -> Row:
        before = self._get_row(table, key)
        if before is None:
            raise NotFound(f"No {table[:-1]} with id {key[0]}.")
        values = {k: v for k, v in values.items() if before.get(k) != v}
        after = {**before, **values}
        if values:
            sets = ", ".join(f"{_q(c)} = ?" for c in values)
            self.conn.execute(
                f"UPDATE {_q(table)} SET {sets} WHERE {self._where(table)}",
                (*values.values(), *key),
            )
            self._record(RowChange(table, key, before, after))
        return after

    def _delete(self, table: str, key: tuple[Any, ...]) -> Row:
        before = self._get_row(table, key)
        if before is None:
            raise NotFound(f"No {table[:-1]} with id {key[0]}.")
        self.conn.execute(f"DELETE FROM {_q(table)} WHERE {self._where(table)}", key)
        self._record(RowChange(table, key, before, None))
        if table == "documents":
            self._text_cache.pop(key[0], None)
        return before

    # -- undo / redo ---------------------------------------------------------------
    def _replay_rows(self, changes: ChangeSet, verb: str, label: str) -> None:
        """Write ``changes`` row by row, inside the current action (``store.history``'s
        undo and redo). Each row must still be as ``changes`` expects; if someone changed
        it since, ``Conflict`` names the step (``verb`` it, ``label``) and the action
        writes nothing."""
        for rc in changes.rows:
            if self._get_row(rc.table, rc.key) != rc.before:
                raise Conflict(
                    f"Cannot {verb} '{label}': a {rc.table[:-1]} it touches was changed since."
                )
            if rc.after is None:
                self._delete(rc.table, rc.key)
            elif rc.before is None:
                self._insert(rc.table, rc.after)
            else:
                self._update(rc.table, rc.key, rc.after)

    # -- document texts ------------------------------------------------------------
    #: How many document texts stay in memory (they never change, so a cache is always right).
    TEXT_CACHE = 16

    def document_text(self, document_id: str) -> str:
        """A document's text. Texts are immutable, so recently used ones are kept in
        memory: checking a coding or quoting a segment does not re-read a 1 MB text."""
        text = self._text_cache.get(document_id)
        if text is None:
            row = self.conn.execute(
                "SELECT text FROM documents WHERE id = ?", (document_id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"No document with id {document_id}.")
            text = self._text_cache[document_id] = row[0]
            while len(self._text_cache) > self.TEXT_CACHE:
                self._text_cache.popitem(last=False)
        else:
            self._text_cache.move_to_end(document_id)
        return text

    # -- settings ------------------------------------------------------------------
    def setting(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.action("Change setting"):
            if self._get_row("settings", (key,)) is None:
                self._insert("settings", {"key": key, "value": value})
            else:
                self._update("settings", (key,), {"value": value})


def require(condition: bool, message: str) -> None:
    """Raise ``InvalidInput(message)`` unless ``condition``."""
    if not condition:
        raise InvalidInput(message)
