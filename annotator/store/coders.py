"""Coders: the people whose codings are kept apart and compared.

Besides adding and renaming, a coder can be merged into another (the same person
under two names) or deleted with their codings, each one action. A merge keeps the
rule that one coder codes one passage with one code once (the unique index
``codings_one_per_passage``): a coding of the source identical to one of the
target's (same document, code, start and end) is folded into the target's, whose
memo gains the source's after a blank line (``join_memos``, as imports fold
copies). The rows are read and written in bulk, each still recorded for undo.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.changes import RowChange
from annotator.core.codebook import name_key
from annotator.core.colors import next_palette_color
from annotator.core.errors import Conflict, InvalidInput, NotFound
from annotator.core.models import Coder, clean_name, utc_now
from annotator.store.base import ProjectBase
from annotator.store.codings import ROW_COLUMNS, ROW_FIELDS, join_memos


@dataclass(frozen=True)
class CoderUsage:
    """How much of the project is a coder's: their codings and their memos."""

    codings: int = 0
    memos: int = 0


@dataclass(frozen=True)
class CoderMerge:
    """What merging one coder into another does (or did): ``moved`` codings become the
    target's; ``folded`` were identical to one of the target's and are folded into it
    (``memos_joined`` of those brought a memo the target's coding lacked); ``memos``
    (project and document memos) change author."""

    moved: int
    folded: int
    memos_joined: int
    memos: int

    @property
    def codings(self) -> int:
        return self.moved + self.folded


@dataclass(frozen=True)
class CoderRemoval:
    """What deleting a coder does (or did): their codings are deleted; their memos are
    kept, without an author."""

    codings: int
    memos: int


def _reassigned(row: tuple[object, ...], coder_id: str) -> RowChange:
    """The record of a stored coding (a row in ``ROW_FIELDS`` order) given to ``coder_id``."""
    before = dict(zip(ROW_FIELDS, row, strict=True))
    return RowChange("codings", (row[0],), before, {**before, "coder_id": coder_id})


class CoderOps(ProjectBase):
    def coders(self) -> list[Coder]:
        rows = self.conn.execute("SELECT * FROM coders ORDER BY name COLLATE NOCASE").fetchall()
        return [Coder.model_construct(**dict(r)) for r in rows]

    def coder(self, coder_id: str) -> Coder:
        row = self._get_row("coders", (coder_id,))
        if row is None:
            raise NotFound(f"No coder with id {coder_id}.")
        return Coder.model_construct(**row)

    def find_coder(self, ref: str) -> Coder:
        """A coder by id or by name (case-insensitive)."""
        key = name_key(ref)
        for c in self.coders():
            if c.id == ref or name_key(c.name) == key:
                return c
        names = ", ".join(c.name for c in self.coders()) or "none yet"
        raise NotFound(f"No coder named '{ref}' (coders: {names}).")

    def add_coder(self, name: str, *, color: str = "", coder_id: str | None = None) -> Coder:
        name = clean_name(name)
        existing = self.coders()
        same = next((c for c in existing if name_key(c.name) == name_key(name)), None)
        if same is not None:
            raise Conflict(f"A coder named '{same.name}' already exists.")
        coder = Coder(
            name=name,
            color=color or next_palette_color(c.color for c in existing),
            **({"id": coder_id} if coder_id else {}),
        )
        with self.action(f"Add coder {name}"):
            self._insert("coders", coder.model_dump())
        return coder

    def ensure_coder(self, name: str) -> Coder:
        """The coder with this name, added if missing."""
        try:
            return self.find_coder(name)
        except NotFound:
            return self.add_coder(name)

    def rename_coder(self, coder_id: str, name: str) -> Coder:
        name = clean_name(name)
        same = next(
            (c for c in self.coders() if c.id != coder_id and name_key(c.name) == name_key(name)),
            None,
        )
        if same is not None:
            raise Conflict(f"A coder named '{same.name}' already exists.")
        with self.action(f"Rename coder to {name}"):
            row = self._update("coders", (coder_id,), {"name": name})
        return Coder.model_construct(**row)

    # -- usage, merging and deleting -------------------------------------------------------
    def coder_usage(self) -> dict[str, CoderUsage]:
        """Codings and memos per coder (two grouped scans), every coder listed."""
        codings = dict(
            self.conn.execute("SELECT coder_id, count(*) FROM codings GROUP BY coder_id").fetchall()
        )
        memos = dict(
            self.conn.execute(
                "SELECT coder_id, count(*) FROM memos WHERE coder_id IS NOT NULL GROUP BY coder_id"
            ).fetchall()
        )
        return {
            c.id: CoderUsage(int(codings.get(c.id, 0)), int(memos.get(c.id, 0)))
            for c in self.coders()
        }

    def _memo_ids(self, coder_id: str) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM memos WHERE coder_id = ? ORDER BY created, id", (coder_id,)
            )
        ]

    def _merge_plan(
        self, source_id: str, target_id: str
    ) -> tuple[list[tuple[object, ...]], list[tuple[tuple[object, ...], str]], dict[str, str]]:
        """The source's codings that move, those folded (each with the id of the target's
        twin), and the target codings' memos after joining (only those that change)."""
        if source_id == target_id:
            raise InvalidInput("A coder cannot be merged into themselves.")
        self.coder(source_id)
        self.coder(target_id)
        cur = self.conn.cursor()
        cur.row_factory = None  # plain tuples: a coder may have 100,000 codings
        twins = {
            (doc, code, start, end): (cid, memo)
            for cid, doc, code, start, end, memo in cur.execute(
                'SELECT id, document_id, code_id, start, "end", memo FROM codings WHERE coder_id = ?',
                (target_id,),
            )
        }
        moved: list[tuple[object, ...]] = []
        folded: list[tuple[tuple[object, ...], str]] = []
        memos: dict[str, str] = {}
        for row in cur.execute(
            f"SELECT {ROW_COLUMNS} FROM codings WHERE coder_id = ?", (source_id,)
        ).fetchall():
            twin = twins.get((row[1], row[2], row[4], row[5]))
            if twin is None:
                moved.append(row)
                continue
            folded.append((row, twin[0]))
            before = memos.get(twin[0], twin[1])
            joined = join_memos(before, str(row[6]))
            if joined != before:
                memos[twin[0]] = joined
        return moved, folded, memos

    def coder_merge_preview(self, source_id: str, target_id: str) -> CoderMerge:
        """What ``merge_coders(source_id, target_id)`` would do, without doing it."""
        moved, folded, memos = self._merge_plan(source_id, target_id)
        return CoderMerge(len(moved), len(folded), len(memos), len(self._memo_ids(source_id)))

    def merge_coders(self, source_id: str, target_id: str) -> CoderMerge:
        """The source's codings and memos become the target's and the source is removed,
        in one action. Codings identical to the target's are folded into them (memos
        joined); the unique passage index is never met."""
        source, target = self.coder(source_id), self.coder(target_id)
        with self.action(f"Merge coder {source.name} into {target.name}"):
            moved, folded, memos = self._merge_plan(source_id, target_id)  # inside the lock
            now = utc_now()
            for twin, memo in memos.items():
                self._update("codings", (twin,), {"memo": memo, "updated": now})
            self._delete_coding_rows([row for row, _ in folded])
            # The source's codings left are exactly ``moved`` (read in this transaction): one
            # statement and one pass over the table, not a lookup by id for each.
            self.conn.execute(
                "UPDATE codings SET coder_id = ? WHERE coder_id = ?", (target_id, source_id)
            )
            self._record_many(_reassigned(row, target_id) for row in moved)
            # Who last changed a coding: the source is the target now.
            self._repoint_editor(source_id, target_id)
            notes = self._memo_ids(source_id)
            for memo_id in notes:
                self._update("memos", (memo_id,), {"coder_id": target_id})
            self._delete("coders", (source_id,))
        return CoderMerge(len(moved), len(folded), len(memos), len(notes))

    def coder_removal_preview(self, coder_id: str) -> CoderRemoval:
        """What ``delete_coder(coder_id)`` would do, without doing it."""
        self.coder(coder_id)
        usage = self.coder_usage().get(coder_id, CoderUsage())
        return CoderRemoval(usage.codings, usage.memos)

    def delete_coder(self, coder_id: str) -> CoderRemoval:
        """Remove a coder and every coding of theirs, in one action. Their memos stay,
        without an author (a note on a text outlives who wrote it)."""
        coder = self.coder(coder_id)
        with self.action(f"Delete coder {coder.name}"):
            cur = self.conn.cursor()
            cur.row_factory = None
            rows = cur.execute(
                f"SELECT {ROW_COLUMNS} FROM codings WHERE coder_id = ?", (coder_id,)
            ).fetchall()
            self._delete_coding_rows(rows, of_coder=coder_id)
            self._repoint_editor(coder_id, "")  # other coders' codings they changed
            notes = self._memo_ids(coder_id)
            for memo_id in notes:
                self._update("memos", (memo_id,), {"coder_id": None})
            self._delete("coders", (coder_id,))
        return CoderRemoval(len(rows), len(notes))

    def _repoint_editor(self, coder_id: str, editor: str) -> None:
        """Codings whose last change ``coder_id`` made now name ``editor`` ("" for nobody),
        each recorded for undo."""
        for (coding_id,) in self.conn.execute(
            "SELECT id FROM codings WHERE updated_by = ?", (coder_id,)
        ).fetchall():
            self._update("codings", (coding_id,), {"updated_by": editor})

    def _delete_coding_rows(
        self, rows: list[tuple[object, ...]], *, of_coder: str | None = None
    ) -> None:
        """Delete stored codings (whole rows in ``ROW_FIELDS`` order), recording each for
        undo: with ``of_coder``, ``rows`` are all of that coder's, and one statement deletes
        them (one pass over the table beats a lookup by id for each)."""
        if not rows:
            return
        if of_coder is not None:
            self.conn.execute("DELETE FROM codings WHERE coder_id = ?", (of_coder,))
        else:
            self.conn.executemany("DELETE FROM codings WHERE id = ?", [(r[0],) for r in rows])
        fields = ROW_FIELDS
        self._record_many(
            RowChange("codings", (row[0],), dict(zip(fields, row, strict=True)), None)
            for row in rows
        )
