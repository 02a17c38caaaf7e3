"""Merging other copies of a project into this one: reading a project as a merge side,
and writing merge plans in one store action.

``merge_side()`` reads every entity but the texts, in one read transaction (so another
program's commit cannot fall between two of its queries), with the ids the project's
history shows it deleted. ``merge_sources()`` re-reads this project *inside* its write
transaction, plans every source against it (``core.merge_plan``, each source against
the target as the previous ones leave it), and writes the plans: one transaction, one
history entry, so one undo step takes the whole merge back. Given the plans a preview
showed, it refuses (and writes nothing) if they are no longer what the merge would do.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import AnnotatorError, Conflict, ProjectFileError
from annotator.core.merge_plan import DocumentInfo, MergePlan, Side, plan_merges
from annotator.core.models import Code, Coder, Memo, utc_now
from annotator.core.text import fingerprint
from annotator.store import opening
from annotator.store.backups import copy_database
from annotator.store.base import APPLICATION_ID
from annotator.store.codings import CODING_COLUMNS, CodingOps
from annotator.store.history import decode
from annotator.store.migrations import MIGRATIONS

#: Tables whose deletions a merge respects (and does not undo by re-adding).
_DELETABLE = ("documents", "codes", "codings", "memos")


@dataclass(frozen=True)
class MergeSource:
    """A source to merge: its entities, and how to read one of its documents' texts."""

    side: Side
    text: Callable[[str], str]


def made_by_older_version(path: Path) -> bool:
    """Whether ``path`` is an Annotator project whose schema this version would update
    (read through SQLite, read-only; nothing is written)."""
    try:
        mode = opening.inspect(path, create=False, read_only=True)
        conn = opening.connect(path, mode, create=False)
    except (AnnotatorError, OSError, sqlite3.Error):  # Project.open says why it cannot
        return False
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return bool(app_id == APPLICATION_ID and 0 < version < len(MIGRATIONS))


def copy_for_update(path: Path, dest: Path) -> Path:
    """A consistent copy of the project at ``path`` (opened read-only) at ``dest``, to be
    updated there: a coder's copy made by an older version is merged without changing it."""
    mode = opening.inspect(path, create=False, read_only=True)
    conn = opening.connect(path, mode, create=False)
    try:
        return copy_database(conn, path, dest)
    finally:
        conn.close()


class MergeOps(CodingOps):
    """Reading a project for a merge, and merging sources into it."""

    @contextlib.contextmanager
    def _read_snapshot(self) -> Iterator[None]:
        """Reads that see one state of the file (inside an action they already do)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def merge_side(self) -> Side:
        """This project's entities (without texts), and what its history deleted."""
        with self._read_snapshot():
            cur = self._plain()
            coders = {
                r["id"]: Coder.model_construct(**dict(r))
                for r in self.conn.execute("SELECT * FROM coders")
            }
            documents = {
                r[0]: DocumentInfo(*r)
                for r in cur.execute(
                    "SELECT id, title, sha256, length, source_name, format, imported_at "
                    "FROM documents"
                )
            }
            attributes: dict[str, dict[str, str]] = {}
            for doc_id, name, value in cur.execute(
                "SELECT document_id, name, value FROM document_attributes"
            ):
                attributes.setdefault(doc_id, {})[name] = value
            codes = {
                r["id"]: Code.model_construct(**dict(r))
                for r in self.conn.execute("SELECT * FROM codes")
            }
            codings = {r[0]: r for r in cur.execute(f"SELECT {CODING_COLUMNS} FROM codings")}
            memos = {
                r["id"]: Memo.model_construct(**dict(r))
                for r in self.conn.execute("SELECT * FROM memos")
            }
            deleted = self._deleted_ids()
        return Side(self.path.name, coders, documents, attributes, codes, codings, memos, deleted)

    def _deleted_ids(self) -> dict[str, frozenset[str]]:
        """Ids the history's done actions deleted (an undo's deletions are not decisions:
        undoing a merge and merging again must bring the work back). Pruned steps are
        forgotten: what they deleted counts as never seen."""
        found: dict[str, set[str]] = {table: set() for table in _DELETABLE}
        for (rows,) in self._plain().execute(
            "SELECT rows FROM history WHERE kind = 'action' AND state = 'done' "
            "AND rows IS NOT NULL AND instr(rows, '\"delete\"') > 0"
        ):
            for table, befores, afters in decode(rows):
                ids = found.get(table)
                if ids is None:
                    continue
                for before, after in zip(befores, afters, strict=True):
                    if after is None and before is not None:
                        ids.add(before["id"])
        return {table: frozenset(ids) for table, ids in found.items()}

    def merge_sources(
        self,
        sources: Sequence[MergeSource],
        label: str,
        *,
        restore_deleted: bool = False,
        expected: Sequence[MergePlan] | None = None,
    ) -> tuple[MergePlan, ...]:
        """Merge ``sources`` into this project, in order, as one action named ``label``.
        Returns the plans written. With ``expected`` (a preview's plans), refuses with
        ``Conflict`` if the project changed so that the merge would now differ."""
        with self.action(label):
            plans = plan_merges(
                self.merge_side(), [s.side for s in sources], restore_deleted=restore_deleted
            )
            if expected is not None and tuple(expected) != plans:
                raise Conflict(
                    f"{self.path.name} changed since the merge was previewed: nothing was "
                    "merged. Look at the preview again."
                )
            for plan, source in zip(plans, sources, strict=True):
                self._write_plan(plan, source.text)
        return plans

    def _write_plan(self, plan: MergePlan, text: Callable[[str], str]) -> None:
        for row in plan.coders:
            self._insert("coders", row)
        for doc in plan.documents:
            body = text(doc.source_id)
            if len(body) != doc.row["length"] or fingerprint(body) != doc.row["sha256"]:
                raise ProjectFileError(
                    f"{plan.source} is damaged: the text of '{doc.row['title']}' does not "
                    "match its fingerprint. Nothing was merged."
                )
            self._insert("documents", {**doc.row, "text": body})
        for row in plan.attributes:
            self._insert("document_attributes", row)
        for row in plan.codes:  # parents before children
            self._insert("codes", row)
        for code_id, values in plan.code_fills:
            self._update("codes", (code_id,), values)
        if plan.codings:
            # Every row is checked (documents, offsets, codes, coders, new ids), but not
            # folded again: the plan already left out the passages this transaction holds,
            # and the unique index would refuse a twin (as a Conflict: nothing written).
            rows = list(plan.codings)
            self._check_rows(rows)
            self._insert_rows(rows)
        now = utc_now()
        for coding_id, memo in plan.coding_memos:
            self._update("codings", (coding_id,), {"memo": memo, "updated": now})
        for row in plan.memos:
            self._insert("memos", row)
