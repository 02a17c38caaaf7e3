"""The project's history, kept in the project file: undo, redo and the audit trail.

Every committed action becomes one ``history`` row in the same transaction:
when, who (``Project.actor``, the coder at work), its label, a one-line
summary, and the rows it wrote (before and after images, as JSON). Because it
lives in the file, undo and redo work after the project is reopened, whoever
made the change (the window, the command line), and the history doubles as an
audit trail that methods reviewers ask for.

- **Undo** takes the newest action still done (of the same ``actor``, when one is
  set: each coder undoes their own work), replays its inverse (each row
  must still be as the action left it, or nothing is written and ``Conflict``
  says so), marks it *undone* and adds an ``undo`` line to the trail.
- **Redo** takes the oldest undone action and replays it again.
- A new action drops whatever could still be redone (*dropped*), as in every editor.
- Actions made inside ``batch(label)`` (an import of many files, one transaction each
  so that a broken file costs only itself) undo and redo together, as one step.
- Only the newest ``history_limit`` actions keep their rows; older ones are pruned
  to their audit line, so the file does not grow without bound.
- Document texts never change, so a document row's text is not copied into the
  history: it is read back from the document, or, once the document is deleted,
  from ``removed_texts``, where deleting a document keeps it while any history
  row may still need it.

Nothing of this is held in memory: undoing reads one row from the file.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

from annotator.core.changes import ChangeSet, Row, RowChange
from annotator.core.errors import Conflict, NotFound
from annotator.core.models import utc_now
from annotator.store.base import KEYS, ProjectBase

#: Actions whose rows are kept for undo, unless the project's setting says otherwise.
DEFAULT_LIMIT = 1000
_LIMIT_KEY = "history.limit"

#: Table name -> (singular, plural) in audit lines.
_NOUNS = {
    "coders": ("coder", "coders"), "documents": ("document", "documents"),
    "document_attributes": ("document attribute", "document attributes"), "codes": ("code", "codes"),
    "codings": ("coding", "codings"), "memos": ("memo", "memos"), "settings": ("setting", "settings"),
}  # fmt: skip
_VERBS = {"insert": "added", "update": "changed", "delete": "removed"}
_TABLE, _KIND = attrgetter("table"), attrgetter("kind")


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history: an action, or the undo or redo of one."""

    id: int
    at: str
    actor: str
    label: str
    summary: str
    #: "action", "undo" or "redo".
    kind: str
    #: For actions: "done", "undone" or "dropped" (undone, then superseded).
    state: str
    #: For undo/redo lines: the action they replayed.
    target: int | None
    #: Whether its rows are still kept (it can be undone or redone).
    replayable: bool
    #: The first action of the batch it belongs to (they undo together), or None.
    batch: int | None = None
    batch_label: str = ""


def summarise(changes: ChangeSet) -> str:
    """ "2 codings added, 1 code changed": what an action did, for the audit trail."""
    rows = changes.compact().rows  # no merging to do (a quick pass) unless a row was written twice
    counts: Counter[tuple[str, str]] = Counter(
        zip(map(_TABLE, rows), map(_KIND, rows), strict=True)
    )
    parts = []
    for (table, kind), n in counts.items():
        singular, plural = _NOUNS.get(table, (table, table))
        parts.append(f"{n} {singular if n == 1 else plural} {_VERBS[kind]}")
    return ", ".join(parts) or "no change"


# -- the rows of an action, as the history keeps them ---------------------------------------
#
# A JSON list of runs. Consecutive changes of one table, of one kind, whose images have the
# same columns (a bulk import's 100,000 codings: one run) are one run
# ``[table, kind, columns, data]``, stored column by column: ``data`` holds each column's
# values in row order: the image's for an "insert" (the row after) or a "delete" (the row
# before); for an "update", the before image's columns, then the after image's. A column of
# strings that repeat (document, code and coder ids) is written once per value:
# ``{"v": [distinct values], "i": [each row's index into them]}``. A change that fits no
# columns (an update whose two images differ in columns) is a run of kind "change" whose data
# is its ``[before, after]`` images. Document texts never change and are not copied: a
# document's "text" is stored as null, and read back from the document (or, once it is
# deleted, from ``removed_texts``).

#: Columns a migration added after steps were recorded, with the value the migration gave
#: every row: an older step's images get them, so undo finds its rows as they are
#: (migration 007: ``codings.updated_by``).
_ADDED_COLUMNS: dict[str, dict[str, Any]] = {"codings": {"updated_by": ""}}
#: Columns the history stores as null: they are read back, not copied.
_REFERENCED = {"documents": "text"}
#: Rows in a run from which a column of repeated strings is stored by index.
_SHARED_FROM = 16
#: How many of a column's first values show whether it repeats enough.
_SAMPLE = 256


def _columns(columns: tuple[str, ...], images: list[Row]) -> list[tuple[Any, ...]]:
    return [tuple(map(itemgetter(c), images)) for c in columns]


def _column(values: tuple[Any, ...]) -> Any:
    """One column of a run: its values, or its distinct strings and an index per row."""
    if len(values) < _SHARED_FROM or type(values[0]) is not str:
        return values
    try:
        if len(set(values[:_SAMPLE])) * 2 > min(len(values), _SAMPLE):
            return values  # ids and times hardly repeat: not worth a look
        distinct = dict.fromkeys(values)
    except TypeError:  # pragma: no cover - not a value a row holds
        return values
    # Only strings: 1, 1.0 and True are one key, but "1" is no other type's equal.
    if len(distinct) * 2 <= len(values) and all(type(v) is str for v in distinct):
        index = {v: i for i, v in enumerate(distinct)}
        return {"v": list(distinct), "i": list(map(index.__getitem__, values))}
    return values


def _run(table: str, kind: str, columns: tuple[str, ...], images: list[Any]) -> list[Any]:
    if kind == "change":
        blank = _REFERENCED.get(table)
        return [table, kind, [], [[_without(blank, b), _without(blank, a)] for b, a in images]]
    if kind == "update":
        data = [
            *_columns(columns, [b for b, _ in images]),
            *_columns(columns, [a for _, a in images]),
        ]
    else:
        data = _columns(columns, images)
    blank = _REFERENCED.get(table)
    if blank in columns:
        at = columns.index(blank)
        for i in (at, at + len(columns)) if kind == "update" else (at,):
            data[i] = (None,) * len(images)
    return [table, kind, columns, [_column(values) for values in data]]


def _without(blank: str | None, row: Row | None) -> Row | None:
    return {**row, blank: None} if row is not None and blank in row else row


def encode(changes: ChangeSet) -> str:
    """The rows ``changes`` wrote, as the history's ``rows`` (JSON, in runs; see above)."""
    runs: list[list[Any]] = []
    table = kind = ""
    columns: tuple[str, ...] = ()
    images: list[Any] = []
    for rc in changes.rows:
        before, after = rc.before, rc.after
        image: Any
        if before is None and after:
            k, cols, image = "insert", tuple(after), after
        elif after is None and before:
            k, cols, image = "delete", tuple(before), before
        elif before and after and (cols := tuple(before)) == tuple(after):
            k, image = "update", (before, after)
        else:  # an update whose images differ in columns
            k, cols, image = "change", (), (before, after)
        if k != kind or cols != columns or rc.table != table:
            if images:
                runs.append(_run(table, kind, columns, images))
            table, kind, columns, images = rc.table, k, cols, []
        images.append(image)
    if images:
        runs.append(_run(table, kind, columns, images))
    return json.dumps(runs, ensure_ascii=False, separators=(",", ":"))


def decode(rows: str) -> Iterator[tuple[str, list[Row | None], list[Row | None]]]:
    """What ``encode`` wrote: per run, its table and the before and after images of its rows
    (a document's text still None)."""
    for table, kind, columns, data in json.loads(rows):
        if kind == "change":
            yield table, [b for b, _ in data], [a for _, a in data]
            continue
        values = [c if type(c) is list else list(map(c["v"].__getitem__, c["i"])) for c in data]
        width = len(columns)
        images: list[Row | None] = [
            dict(zip(columns, r, strict=True)) for r in zip(*values[:width], strict=True)
        ]
        if kind == "update":
            yield (
                table,
                images,
                [dict(zip(columns, r, strict=True)) for r in zip(*values[width:], strict=True)],
            )
        elif kind == "insert":
            yield table, [None] * len(images), images
        else:
            yield table, images, [None] * len(images)


class HistoryOps(ProjectBase):
    """Undo, redo and the audit trail, all read from and written to the file."""

    # -- written by every action (ProjectBase.action calls this before COMMIT) --------------
    _batch: list[Any] | None = None

    @contextlib.contextmanager
    def batch(self, label: str) -> Iterator[None]:
        """The actions made inside undo and redo as one step named ``label`` (each is still
        its own transaction: a failure costs only that action)."""
        if self._batch is not None:  # nested: joins the outer batch
            yield
            return
        self._batch = [label, None]
        try:
            yield
        finally:
            self._batch = None

    def _record_history(self, changes: ChangeSet) -> None:
        conn = self.conn
        # A new action ends whatever its actor could still redo.
        conn.execute(
            "UPDATE history SET state = 'dropped' WHERE kind = 'action' AND state = 'undone'"
            + self._mine(),
            self._mine_args(),
        )
        batch_label, batch = self._batch if self._batch is not None else ("", None)
        cur = conn.execute(
            "INSERT INTO history (at, actor, label, summary, kind, state, batch, batch_label, rows) "
            "VALUES (?, ?, ?, ?, 'action', 'done', ?, ?, ?)",
            (
                utc_now(),
                self.actor,
                changes.label,
                summarise(changes),
                batch,
                batch_label,
                encode(changes),
            ),
        )
        self._remember_own(cur.lastrowid)
        if self._batch is not None and batch is None:
            self._batch[1] = cur.lastrowid
            conn.execute("UPDATE history SET batch = id WHERE id = ?", (cur.lastrowid,))
        self._keep_removed_texts(changes)
        self._prune()

    def _remember_own(self, entry_id: int | None) -> None:
        if entry_id is not None:
            self._own_history.add(entry_id)

    def _keep_removed_texts(self, changes: ChangeSet) -> None:
        """A deleted document's text stays (once) while the history may re-insert it."""
        for rc in changes.of("documents"):
            if rc.after is None and rc.before is not None:
                self.conn.execute(
                    "INSERT OR REPLACE INTO removed_texts (document_id, text) VALUES (?, ?)",
                    (rc.key[0], rc.before["text"]),
                )
            elif rc.before is None and rc.after is not None:
                self.conn.execute("DELETE FROM removed_texts WHERE document_id = ?", (rc.key[0],))

    @property
    def history_limit(self) -> int:
        try:
            return max(0, int(self.setting(_LIMIT_KEY, str(DEFAULT_LIMIT))))
        except ValueError:
            return DEFAULT_LIMIT

    def set_history_limit(self, limit: int) -> None:
        """How many actions keep what undo needs (older ones keep their audit line)."""
        if limit < 0:
            raise ValueError("a history limit is 0 or more")
        self.set_setting(_LIMIT_KEY, str(limit))
        with self.action("Prune history", history=False):
            self._prune()

    def _prune(self) -> None:
        limit = self.history_limit
        row = self.conn.execute(
            "SELECT id FROM history WHERE kind = 'action' AND rows IS NOT NULL ORDER BY id DESC LIMIT 1 OFFSET ?",
            (limit,),
        ).fetchone()
        if row is None:
            return
        cut = row[0]
        # Only a text that a pruned step mentions can stop being needed: look at those,
        # not at every kept text against every kept step (quadratic over a long session).
        removed = [
            d for (d,) in self.conn.execute("SELECT document_id FROM removed_texts").fetchall()
        ]
        candidates: list[str] = []
        if removed:  # (the partial index history_kept makes this read only the steps pruned now)
            pruned = [
                r[0]
                for r in self.conn.execute(
                    "SELECT rows FROM history WHERE rows IS NOT NULL AND id <= ?", (cut,)
                ).fetchall()
            ]
            candidates = [d for d in removed if any(f'"{d}"' in r for r in pruned)]
        # Undo and redo lines older than the cut go too: they only serve other windows.
        self.conn.execute(
            "UPDATE history SET rows = NULL WHERE rows IS NOT NULL AND id <= ?", (cut,)
        )
        for doc_id in candidates:
            needed = self.conn.execute(
                "SELECT 1 FROM history WHERE rows IS NOT NULL AND instr(rows, ?) LIMIT 1",
                (f'"{doc_id}"',),
            ).fetchone()
            if needed is None:
                self.conn.execute("DELETE FROM removed_texts WHERE document_id = ?", (doc_id,))

    # -- reading -----------------------------------------------------------------------------
    def _entry(self, row: Any) -> HistoryEntry:
        return HistoryEntry(
            row["id"],
            row["at"],
            row["actor"],
            row["label"],
            row["summary"],
            row["kind"],
            row["state"],
            row["target"],
            row["replayable"] == 1,
            row["batch"],
            row["batch_label"],
        )

    _SELECT = (
        "SELECT id, at, actor, label, summary, kind, state, target, rows IS NOT NULL AS replayable, "
        "batch, batch_label FROM history"
    )

    def history(
        self, *, since: int = 0, limit: int | None = None, own: bool = False
    ) -> list[HistoryEntry]:
        """The audit trail, oldest first (entries after ``since``; the newest ``limit``;
        with ``own``, only what this connection did)."""
        sql = (
            self._SELECT
            + " WHERE id > ? ORDER BY id DESC"
            + (" LIMIT ?" if limit is not None else "")
        )
        args: tuple[int, ...] = (since,) if limit is None else (since, limit)
        entries = [self._entry(r) for r in reversed(self.conn.execute(sql, args).fetchall())]
        return [e for e in entries if e.id in self._own_history] if own else entries

    def last_history_id(self) -> int:
        row = self.conn.execute("SELECT max(id) FROM history").fetchone()
        return int(row[0] or 0)

    # Undo takes the actor's own steps, also when the actor is nobody (""): a window whose
    # "Who is coding?" was cancelled, or a script, must not undo the steps that built the
    # bundled project, or another coder's.
    def _mine(self) -> str:
        return " AND actor = ?"

    def _mine_args(self) -> tuple[str, ...]:
        return (self.actor,)

    def _step(self, kind: str) -> tuple[HistoryEntry, list[int]] | None:
        """What Undo (or Redo) would replay: the step as the menu names it, and the ids of
        its actions in replay order (a batch: all of them). None if its rows are pruned.

        Undo takes the actor's newest step (the actor may be nobody, ""), not another
        coder's or program's that came later (as in shared editors: you undo your own work;
        a step that touched the same rows since makes the undo refuse)."""
        undo = kind == "undo"
        row = self.conn.execute(
            self._SELECT
            + " WHERE kind = 'action' AND state = ?"
            + self._mine()
            + " ORDER BY id "
            + ("DESC" if undo else "")
            + " LIMIT 1",
            ("done" if undo else "undone", *self._mine_args()),
        ).fetchone()
        if row is None:
            return None
        entry = self._entry(row)
        members = [entry]
        if entry.batch is not None:
            members = [
                self._entry(r)
                for r in self.conn.execute(
                    self._SELECT
                    + " WHERE kind = 'action' AND batch = ? AND state = ? ORDER BY id "
                    + ("DESC" if undo else ""),
                    (entry.batch, entry.state),
                ).fetchall()
            ]
            entry = HistoryEntry(
                entry.id,
                entry.at,
                entry.actor,
                entry.batch_label or entry.label,
                entry.summary,
                entry.kind,
                entry.state,
                None,
                all(m.replayable for m in members),
                entry.batch,
                entry.batch_label,
            )
        if not entry.replayable:
            return None
        return entry, [m.id for m in members]

    def undo_entry(self) -> HistoryEntry | None:
        """The step Undo would undo (the newest done action, or its whole batch)."""
        step = self._step("undo")
        return step[0] if step is not None else None

    def redo_entry(self) -> HistoryEntry | None:
        """The step Redo would redo (the oldest undone action, or its whole batch)."""
        step = self._step("redo")
        return step[0] if step is not None else None

    def entry_changes(self, entry_id: int) -> ChangeSet:
        """What an action wrote, row by row (document texts read back where they are kept)."""
        row = self.conn.execute(
            "SELECT label, rows FROM history WHERE id = ?", (entry_id,)
        ).fetchone()
        if row is None or row["rows"] is None:
            raise NotFound(f"The history no longer holds what step {entry_id} changed.")
        return ChangeSet(row["label"], self._decode(row["rows"]))

    def _decode(self, rows: str) -> list[RowChange]:
        """The history's ``rows`` as the RowChanges ``encode`` was given."""
        out: list[RowChange] = []
        texts: dict[str, str] = {}
        for table, befores, afters in decode(rows):
            blank = _REFERENCED.get(table)
            if blank is not None:  # a document's text, read back
                for image in (*befores, *afters):
                    if image is not None and blank in image:
                        doc_id = image["id"]
                        if doc_id not in texts:
                            texts[doc_id] = self._kept_text(doc_id)
                        image[blank] = texts[doc_id]
            added = _ADDED_COLUMNS.get(table)
            if added:  # a step recorded before a migration added columns: their defaults
                for image in (*befores, *afters):
                    if image is not None:
                        for column, default in added.items():
                            image.setdefault(column, default)
            key = itemgetter(*KEYS[table])
            single = len(KEYS[table]) == 1
            for before, after in zip(befores, afters, strict=True):
                image = after if after is not None else before
                assert image is not None
                out.append(RowChange(table, (key(image),) if single else key(image), before, after))
        return out

    def _kept_text(self, document_id: str) -> str:
        for sql in (
            "SELECT text FROM documents WHERE id = ?",
            "SELECT text FROM removed_texts WHERE document_id = ?",
        ):
            row = self.conn.execute(sql, (document_id,)).fetchone()
            if row is not None:
                return str(row[0])
        raise NotFound(f"The text of document {document_id} is no longer kept.")

    def changes_since(self, entry_id: int, *, skip_own: bool = False) -> list[ChangeSet] | None:
        """What was done after ``entry_id`` (by another program, say), as ChangeSets in
        order; None if some step's rows are no longer kept (then re-read everything).
        ``skip_own`` leaves out what this connection did itself."""
        out: list[ChangeSet] = []
        own = self._own_history if skip_own else set()
        for entry in self.history(since=entry_id):
            if entry.id in own:
                continue
            if not entry.replayable:
                return None
            out.append(self.entry_changes(entry.id))
        return out

    # -- undo / redo -------------------------------------------------------------------------
    def undo(self) -> ChangeSet:
        """Undo the newest action; returns what the undo wrote."""
        return self._replay("undo")

    def redo(self) -> ChangeSet:
        """Redo the oldest undone action; returns what the redo wrote."""
        return self._replay("redo")

    def _replay(self, kind: str) -> ChangeSet:
        peek = self._step(kind)
        if peek is None:
            raise Conflict(f"There is nothing to {kind}.")
        verb = kind.capitalize()
        with self.action(f"{verb} {peek[0].label}", history=False) as replayed:
            step = self._step(kind)  # again inside the write lock: another program may have acted
            if step is None:
                raise Conflict(f"There is nothing to {kind}.")
            entry, members = step
            for member in members:
                done = self.entry_changes(member)
                changes = done.inverse() if kind == "undo" else done
                self._replay_rows(changes, kind, entry.label)
                self._keep_removed_texts(changes)
                self.conn.execute(
                    "UPDATE history SET state = ? WHERE id = ?",
                    ("undone" if kind == "undo" else "done", member),
                )
            # The trail's line keeps what the replay wrote (until pruned), so that another
            # window can follow it row by row (``changes_since``).
            cur = self.conn.execute(
                "INSERT INTO history (at, actor, label, summary, kind, state, target, rows) "
                "VALUES (?, ?, ?, ?, ?, '', ?, ?)",
                (
                    utc_now(),
                    self.actor,
                    f"{verb} {entry.label}",
                    summarise(replayed),
                    kind,
                    members[0],
                    encode(replayed),
                ),
            )
            self._remember_own(cur.lastrowid)
        return self.last_changes
