"""Schema migrations: small, numbered functions, each applied in its own transaction.

A project file records what was applied in ``_migrations`` (and the count in
``PRAGMA user_version``). Opening a file applies whatever is missing, in order.
Never edit a released migration: add the next number. A test checks that a new
file and one migrated from every older version end with the same schema.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from sqlite_utils import Database

from annotator.core.errors import ProjectFileError
from annotator.core.models import utc_now

Migration = Callable[[Database], None]


def run_script(db: Database, script: str) -> None:
    """Run several statements inside the current transaction.

    (``executescript`` would commit first, breaking the one-transaction-per-step rule.)
    """
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            db.execute(buf)
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buf[:60]!r}")


def m001_base(db: Database) -> None:
    """Coders, documents and their attributes, codes, codings, memos."""
    run_script(
        db,
        """
        CREATE TABLE coders (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            color TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL
        );
        CREATE UNIQUE INDEX coders_name ON coders(name COLLATE NOCASE);

        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            length INTEGER NOT NULL,
            source_name TEXT NOT NULL DEFAULT '',
            format TEXT NOT NULL DEFAULT 'txt',
            sha256 TEXT NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX documents_sha256 ON documents(sha256);
        -- A document's text never changes after import: codings point into it.
        CREATE TRIGGER documents_text_immutable BEFORE UPDATE OF text, length ON documents
        WHEN NEW.text IS NOT OLD.text OR NEW.length IS NOT OLD.length
        BEGIN SELECT RAISE(ABORT, 'a document''s text cannot change after import'); END;

        CREATE TABLE document_attributes (
            document_id TEXT NOT NULL REFERENCES documents(id),
            name TEXT NOT NULL,
            value TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (document_id, name)
        );

        CREATE TABLE codes (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            parent_id TEXT REFERENCES codes(id),
            color TEXT NOT NULL DEFAULT '#999999',
            definition TEXT NOT NULL DEFAULT '',
            inclusion TEXT NOT NULL DEFAULT '',
            exclusion TEXT NOT NULL DEFAULT '',
            example TEXT NOT NULL DEFAULT '',
            memo TEXT NOT NULL DEFAULT '',
            sort_order INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX codes_sibling_name
            ON codes(coalesce(parent_id, ''), name COLLATE NOCASE);

        CREATE TABLE codings (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            code_id TEXT NOT NULL REFERENCES codes(id),
            coder_id TEXT NOT NULL REFERENCES coders(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            memo TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL DEFAULT '',
            CHECK (start >= 0 AND "end" > start)
        );
        CREATE INDEX codings_document ON codings(document_id, start);
        CREATE INDEX codings_code ON codings(code_id);

        CREATE TABLE memos (
            id TEXT PRIMARY KEY,
            document_id TEXT REFERENCES documents(id),
            coder_id TEXT REFERENCES coders(id),
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL DEFAULT ''
        );

        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    )


def m002_quick_keys_and_coder_index(db: Database) -> None:
    """Quick keys (1-9) on codes; an index for per-coder retrieval."""
    db["codes"].add_column("quick_key", int)  # type: ignore[union-attr]
    db.execute(
        "CREATE UNIQUE INDEX codes_quick_key ON codes(quick_key) WHERE quick_key IS NOT NULL"
    )
    db.execute("CREATE INDEX codings_coder ON codings(coder_id)")


def m003_covering_span_index(db: Database) -> None:
    """Opening a document reads all its spans: a covering index makes that one
    index scan instead of a lookup per coding (~45 ms -> ~15 ms at 20,000 codings)."""
    db.execute("DROP INDEX codings_document")
    db.execute(
        'CREATE INDEX codings_document_spans ON codings(document_id, start, "end", code_id, coder_id, id)'
    )


def _age(created: str, rowid: int) -> tuple[float, int]:
    """Sort key, oldest first: the creation time (any ISO 8601 form an import accepted;
    without a zone it is UTC), then the order rows were stored; an unreadable time last."""
    try:
        moment = datetime.fromisoformat(created)
    except (TypeError, ValueError):
        return (float("inf"), rowid)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment.timestamp(), rowid)


def m004_one_coding_per_passage(db: Database) -> None:
    """One coder codes one passage with one code once, and the file now says so.

    Copies of a coding (the same document, code, coder, start and end: two processes
    could both store one, and imports without ids added them) are folded into the
    oldest, which keeps their memos: its own and the others' distinct non-empty
    memos, oldest first, a blank line between them. Then a unique index holds the
    rule. Its columns start with ``code_id``, so it also serves every lookup by code
    that ``codings_code`` served, and that index goes: a file keeps four indexes on
    codings, not five. (It cannot stand in for ``codings_document_spans``: the
    document view reads ids from that one, and with ``id`` among a unique index's
    columns every row would be unique.)
    """
    conn: sqlite3.Connection = db.conn
    cur = conn.cursor()
    cur.row_factory = None
    copies: dict[tuple[object, ...], list[tuple[int, str, str]]] = {}
    for rowid, doc, code, coder, start, end, memo, created in cur.execute(
        """SELECT c.rowid, c.document_id, c.code_id, c.coder_id, c.start, c."end", c.memo, c.created
           FROM codings c JOIN (
               SELECT document_id, code_id, coder_id, start, "end" FROM codings
               GROUP BY document_id, code_id, coder_id, start, "end" HAVING count(*) > 1
           ) d ON c.document_id = d.document_id AND c.code_id = d.code_id
              AND c.coder_id = d.coder_id AND c.start = d.start AND c."end" = d."end"
        """
    ).fetchall():
        copies.setdefault((doc, code, coder, start, end), []).append((rowid, memo, created))
    now = utc_now()
    for group in copies.values():
        group.sort(key=lambda r: _age(r[2], r[0]))
        memos: list[str] = []
        for _, memo, _ in group:
            if memo and memo not in memos:
                memos.append(memo)
        (kept, kept_memo, _), *others = group
        joined = "\n\n".join(memos)
        if joined != kept_memo:
            conn.execute(
                "UPDATE codings SET memo = ?, updated = ? WHERE rowid = ?", (joined, now, kept)
            )
        conn.executemany("DELETE FROM codings WHERE rowid = ?", [(r[0],) for r in others])
    conn.execute(
        'CREATE UNIQUE INDEX codings_one_per_passage ON codings(code_id, document_id, coder_id, start, "end")'
    )
    conn.execute("DROP INDEX codings_code")


def m005_history(db: Database) -> None:
    """The project's history in the file (``store.history``): undo and redo across
    sessions, and the audit trail. Actions of one ``batch`` (an import of several files,
    each its own transaction) undo and redo as one step. ``removed_texts`` keeps a deleted document's text
    while the history may re-insert it (texts are referenced, never copied)."""
    run_script(
        db,
        """
        CREATE TABLE history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            label TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT 'action' CHECK (kind IN ('action', 'undo', 'redo')),
            state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('done', 'undone', 'dropped', '')),
            target INTEGER REFERENCES history(id),
            batch INTEGER,
            batch_label TEXT NOT NULL DEFAULT '',
            rows TEXT
        );
        CREATE INDEX history_actions ON history(state, id) WHERE kind = 'action';
        -- The steps whose rows are kept: undo, redo and pruning read only these.
        CREATE INDEX history_kept ON history(id) WHERE rows IS NOT NULL;
        CREATE TABLE removed_texts (
            document_id TEXT PRIMARY KEY,
            text TEXT NOT NULL
        );
        """,
    )


def m006_no_coder_index(db: Database) -> None:
    """``codings_coder`` goes: every import paid for it (a tenth of the time of a
    100,000-coding import, ~8% of the file's pages) and nothing needs it. Per-coder reads
    filter within a document or a code (the span and passage indexes hold ``coder_id``),
    and a count by coder scans the covering span index; only deleting a coder scans the
    table for its codings, which is rare and ~20 ms at 100,000 codings."""
    db.execute("DROP INDEX codings_coder")


def m007_coding_updated_by(db: Database) -> None:
    """Who last changed a coding (its coder's id; "" if nobody has since it was made):
    a coding re-assigned, resized or re-memoed by another coder says so, in the app
    and in the segments export, instead of still naming only its author."""
    db.execute("ALTER TABLE codings ADD COLUMN updated_by TEXT NOT NULL DEFAULT ''")


MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_base", m001_base),
    ("002_quick_keys_and_coder_index", m002_quick_keys_and_coder_index),
    ("003_covering_span_index", m003_covering_span_index),
    ("004_one_coding_per_passage", m004_one_coding_per_passage),
    ("005_history", m005_history),
    ("006_no_coder_index", m006_no_coder_index),
    ("007_coding_updated_by", m007_coding_updated_by),
]


def applied(db: Database) -> list[str]:
    if "_migrations" not in db.table_names():
        return []
    return [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY id").fetchall()]


def migrate(db: Database, upto: int | None = None) -> list[str]:
    """Apply missing migrations (the first ``upto`` only, for tests); return their names."""
    conn: sqlite3.Connection = db.conn
    record = "_migrations" in db.table_names()
    if not record and db.table_names():
        # Tables without their record of versions: damaged. Never guess, never write.
        raise ProjectFileError("This project is damaged: its record of schema versions is missing.")
    done = applied(db)
    known = [name for name, _ in MIGRATIONS]
    unknown = [n for n in done if n not in known]
    if unknown:
        raise ProjectFileError(
            "This project was saved by a newer version of Annotator "
            f"(it has schema step {unknown[0]}). Update Annotator to open it."
        )
    ran: list[str] = []
    for number, (name, step) in enumerate(MIGRATIONS[:upto], start=1):
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not record:  # a new file: the record is made with the first step, not before it
                conn.execute(
                    "CREATE TABLE _migrations ("
                    "id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, applied_at TEXT NOT NULL)"
                )
                record = True
            step(db)
            conn.execute(
                "INSERT INTO _migrations (id, name, applied_at) VALUES (?, ?, ?)",
                (number, name, utc_now()),
            )
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        ran.append(name)
    return ran
