"""Codings: a code applied by one coder to ``[start, end)`` of one document.

One coder applies one code to one passage once. The project file says so (the
unique index ``codings_one_per_passage``), and every writer checks it inside its
transaction, after ``BEGIN IMMEDIATE`` has given it the file: two windows or
processes cannot both store the same coding, and a refusal names the coder and
the code instead of quoting SQLite. Bulk adds (imports) skip such duplicates and
say how many they skipped.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from annotator.core.changes import Row, RowChange
from annotator.core.errors import Conflict, InvalidInput, NotFound
from annotator.core.models import Coding, utc_now
from annotator.store.base import ProjectBase

CODING_FIELDS = (
    "id",
    "document_id",
    "code_id",
    "coder_id",
    "start",
    "end",
    "memo",
    "created",
    "updated",
)
CODING_COLUMNS = 'id, document_id, code_id, coder_id, start, "end", memo, created, updated'
#: The whole stored row, as undo records it: ``CODING_FIELDS`` and who last changed it.
#: A row image recorded for undo must hold every column, or undo finds the row "changed".
ROW_FIELDS = (*CODING_FIELDS, "updated_by")
ROW_COLUMNS = f"{CODING_COLUMNS}, updated_by"
#: A coding as a plain tuple in ``CODING_FIELDS`` order: the bulk read and write paths.
CodingRow = tuple[str, str, str, str, int, int, str, str, str]
#: What makes two codings the same: (document_id, code_id, coder_id, start, end).
Passage = tuple[str, str, str, int, int]

_INSERT = f"INSERT INTO codings ({CODING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
#: Parts of a ``CodingRow``, taken from many rows at C speed (``map``).
_ID, _DOCUMENT, _CODE, _CODER = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)
_PASSAGE = itemgetter(1, 2, 3, 4, 5)
_SPAN = itemgetter(1, 4, 5)
#: Ids per ``IN (...)`` list (under SQLite's oldest limit of 999 host parameters).
_CHUNK = 900
#: Page cache for a bulk insert, in KiB: 100,000 codings touch five B-trees, which
#: thrash SQLite's default 2 MB cache (1.25 s instead of 1.0 s to insert them).
_BULK_CACHE_KIB = 32 * 1024


@dataclass(frozen=True)
class AddedCodings:
    """What a bulk add did: codings added; duplicates skipped (identical to a stored coding
    or an earlier one in the batch); memos of those joined to the coding kept."""

    added: int
    duplicates: int = 0
    memos_joined: int = 0


def join_memos(kept: str, other: str) -> str:
    """``kept`` with ``other`` after a blank line, unless ``other`` is empty or already
    one of ``kept``'s blank-line-separated parts (so folding the same memo twice adds nothing)."""
    if not other or f"\n\n{other}\n\n" in f"\n\n{kept}\n\n":
        return kept
    return f"{kept}\n\n{other}" if kept else other


def _coding(row: Any) -> Coding:
    return Coding.model_construct(**dict(row))


def _is_passage_clash(err: sqlite3.IntegrityError) -> bool:
    """Did ``codings_one_per_passage`` refuse the write (rather than another constraint)?"""
    message = str(err)
    return message.startswith("UNIQUE constraint failed") and "codings.coder_id" in message


class CodingOps(ProjectBase):
    # -- checks (called inside the action, so nothing changes between check and write) --
    def _check_span(self, document_id: str, start: int, end: int) -> None:
        row = self.conn.execute(
            "SELECT length, title FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"No document with id {document_id}.")
        length, title = row
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
            raise InvalidInput(_impossible(start, end, title, length))

    def _check_words(self, document_id: str, start: int, end: int) -> None:
        """A single coding must cover some text, not only white space (bulk imports
        check their quoted text instead)."""
        if not self.document_text(document_id)[start:end].strip():
            raise InvalidInput(
                "The selected passage is only white space; select some words to code."
            )

    def _passage_conflict(self, code_id: str, coder_id: str) -> Conflict:
        code = self.conn.execute("SELECT name FROM codes WHERE id = ?", (code_id,)).fetchone()
        coder = self.conn.execute("SELECT name FROM coders WHERE id = ?", (coder_id,)).fetchone()
        return Conflict(
            f"{coder[0] if coder else coder_id} has already coded exactly this passage "
            f"with {code[0] if code else code_id}."
        )

    def _check_not_coded(
        self,
        document_id: str,
        code_id: str,
        coder_id: str,
        start: int,
        end: int,
        exclude: str | None = None,
    ) -> None:
        twin = self.conn.execute(
            "SELECT id FROM codings WHERE document_id = ? AND code_id = ? AND coder_id = ? "
            'AND start = ? AND "end" = ? AND id IS NOT ?',
            (document_id, code_id, coder_id, start, end, exclude),
        ).fetchone()
        if twin is not None:
            raise self._passage_conflict(code_id, coder_id)

    def _check_refs(self, code_id: str, coder_id: str) -> None:
        if self.conn.execute("SELECT 1 FROM codes WHERE id = ?", (code_id,)).fetchone() is None:
            raise NotFound(f"No code with id {code_id}.")
        if self.conn.execute("SELECT 1 FROM coders WHERE id = ?", (coder_id,)).fetchone() is None:
            raise NotFound(f"No coder with id {coder_id}; every coding needs its coder.")

    # -- recorded writes: the unique index's refusal, should a write still meet it
    # (an undo or redo replaying a coding someone has since made again), is a Conflict
    # that names the coder and the code.
    def _insert(self, table: str, row: Row) -> None:
        try:
            super()._insert(table, row)
        except sqlite3.IntegrityError as err:
            if table == "codings" and _is_passage_clash(err):
                raise self._passage_conflict(row["code_id"], row["coder_id"]) from err
            raise

    def _update(self, table: str, key: tuple[Any, ...], values: Row) -> Row:
        try:
            return super()._update(table, key, values)
        except sqlite3.IntegrityError as err:
            if table == "codings" and _is_passage_clash(err):
                row = {**(self._get_row(table, key) or {}), **values}
                raise self._passage_conflict(row["code_id"], row["coder_id"]) from err
            raise

    # -- adding --------------------------------------------------------------------------
    def add_coding(
        self,
        document_id: str,
        code_id: str,
        coder_id: str,
        start: int,
        end: int,
        *,
        memo: str = "",
        coding_id: str | None = None,
    ) -> Coding:
        """Apply a code to ``[start, end)`` (code points) as one undoable action."""
        with self.action("Apply code"):
            self._check_span(document_id, start, end)
            self._check_refs(code_id, coder_id)
            self._check_words(document_id, start, end)
            self._check_not_coded(document_id, code_id, coder_id, start, end)
            coding = Coding(
                document_id=document_id,
                code_id=code_id,
                coder_id=coder_id,
                start=start,
                end=end,
                memo=memo,
                **({"id": coding_id} if coding_id else {}),
            )
            self._insert("codings", coding.model_dump())
        return coding

    def add_codings(self, codings: Iterable[Coding], label: str = "Import codings") -> AddedCodings:
        """Many codings in one action (imports); see ``add_coding_rows``."""
        return self.add_coding_rows(
            [(c.id, c.document_id, c.code_id, c.coder_id, c.start, c.end, c.memo, c.created, c.updated)
             for c in codings], label)  # fmt: skip

    def add_coding_rows(
        self, rows: Iterable[CodingRow], label: str = "Import codings"
    ) -> AddedCodings:
        """Many codings, as tuples in ``CODING_FIELDS`` order, in one action: all or none.

        Everything is checked inside the transaction, with one query per kind of
        check rather than one per coding: documents exist and the offsets fit their
        texts, codes and coders exist, ids are new. A coding identical (document,
        code, coder, start, end) to a stored one or to an earlier one in ``rows``
        is skipped; its memo, if it says something the kept coding's memo does not,
        is joined to that one after a blank line. The rest are written with one
        ``executemany`` (sorted by document and offsets, which keeps the index
        writes local), each still recorded for undo and redo.
        """
        batch = list(rows)
        with self.action(label):
            if not batch:
                return AddedCodings(0)
            self._check_rows(batch)
            kept, duplicates, joined = self._fold_duplicates(batch)
            self._insert_rows(kept)
        return AddedCodings(len(kept), duplicates, joined)

    def _fold_duplicates(self, batch: Sequence[CodingRow]) -> tuple[list[CodingRow], int, int]:
        """The batch without the codings identical to a stored one or to an earlier one
        in it; their memos are joined to the coding kept (a stored one is updated).
        Returns the codings to add, how many were skipped, how many memos were joined."""
        stored = self._stored_passages(set(map(_DOCUMENT, batch)))
        passages = list(map(_PASSAGE, batch))
        if len(set(passages)) == len(batch) and stored.keys().isdisjoint(passages):
            return list(batch), 0, 0  # the common case: no passage is coded twice
        kept: list[CodingRow] = []
        first: dict[Passage, int] = {}  # passage -> index in kept
        memos: dict[str, tuple[str, str]] = {}  # stored coding id -> (its memo, with joined ones)
        duplicates = joined = 0
        for row in batch:
            passage = row[1:6]
            twin, at = stored.get(passage), first.get(passage)
            if twin is None and at is None:
                first[passage] = len(kept)
                kept.append(row)
                continue
            duplicates += 1
            if not row[6]:
                continue
            if twin is not None:
                if twin not in memos:
                    memo = self.conn.execute(
                        "SELECT memo FROM codings WHERE id = ?", (twin,)
                    ).fetchone()[0]
                    memos[twin] = (memo, memo)
                was, memo = memos[twin]
                memos[twin] = (was, join_memos(memo, row[6]))
                joined += memos[twin][1] != memo
            elif at is not None:
                memo = join_memos(kept[at][6], row[6])
                if memo != kept[at][6]:
                    kept[at] = (*kept[at][:6], memo, *kept[at][7:])
                    joined += 1
        now = utc_now()
        for twin, (was, memo) in memos.items():
            if memo != was:
                self._update("codings", (twin,), {"memo": memo, "updated": now})
        return kept, duplicates, joined

    def _check_rows(self, batch: Sequence[CodingRow]) -> None:
        """Documents, offsets, codes, coders and ids of a batch: one query for each."""
        docs = {
            r[0]: (r[1], r[2]) for r in self.conn.execute("SELECT id, length, title FROM documents")
        }
        codes = {r[0] for r in self.conn.execute("SELECT id FROM codes")}
        coders = {r[0] for r in self.conn.execute("SELECT id FROM coders")}
        ids = set(map(_ID, batch))
        if not (
            len(ids) == len(batch)
            and codes.issuperset(map(_CODE, batch))
            and coders.issuperset(map(_CODER, batch))
            and _spans_fit(batch, docs)
        ):
            self._refuse_rows(batch, docs, codes, coders)
        taken = {r[0] for r in self._codings_among(ids, "id")}
        if taken:
            first = next(r[0] for r in batch if r[0] in taken)
            raise Conflict(f"A coding with id {first} already exists.")

    @staticmethod
    def _refuse_rows(
        batch: Sequence[CodingRow],
        docs: dict[str, tuple[int, str]],
        codes: set[str],
        coders: set[str],
    ) -> None:
        """Raise for the first row of ``batch`` that is wrong (in row order, and in each row
        document, offsets, code, coder, id)."""
        ids: set[str] = set()
        for coding_id, document_id, code_id, coder_id, start, end, *_ in batch:
            doc = docs.get(document_id)
            if doc is None:
                raise NotFound(f"No document with id {document_id}.")
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= doc[0]):
                raise InvalidInput(_impossible(start, end, doc[1], doc[0]))
            if code_id not in codes:
                raise NotFound(f"No code with id {code_id}.")
            if coder_id not in coders:
                raise NotFound(f"No coder with id {coder_id}; every coding needs its coder.")
            if coding_id in ids:
                raise Conflict(f"The codings to add hold the id {coding_id} twice.")
            ids.add(coding_id)

    def _insert_rows(self, rows: list[CodingRow]) -> None:
        """Insert checked codings with one ``executemany``, recording each for undo."""
        if not rows:
            return
        rows.sort(key=_SPAN)
        with self._bulk_cache():
            self.conn.executemany(_INSERT, rows)
        fields = CODING_FIELDS
        self._record_many(
            # The whole row as stored (undo compares it): ``updated_by`` starts empty.
            RowChange(
                "codings", (row[0],), None, dict(zip(fields, row, strict=True), updated_by="")
            )
            for row in rows
        )

    @contextlib.contextmanager
    def _bulk_cache(self) -> Iterator[None]:
        previous = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {-_BULK_CACHE_KIB}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(previous)}")

    def _plain(self) -> sqlite3.Cursor:
        cur = self.conn.cursor()
        cur.row_factory = None  # plain tuples: sqlite3.Row costs ~1 s per 100k rows
        return cur

    def _codings_among(self, ids: set[str], columns: str) -> list[tuple[Any, ...]]:
        """``columns`` (the first being ``id``) of the stored codings whose id is in ``ids``."""
        if not ids:
            return []
        cur = self._plain()
        total = self.conn.execute("SELECT count(*) FROM codings").fetchone()[0]
        if len(ids) * 4 >= total:  # most of the table: one scan beats a lookup per id
            return [r for r in cur.execute(f"SELECT {columns} FROM codings") if r[0] in ids]
        found: list[tuple[Any, ...]] = []
        listed = list(ids)
        for i in range(0, len(listed), _CHUNK):
            part = listed[i : i + _CHUNK]
            found += cur.execute(
                f"SELECT {columns} FROM codings WHERE id IN ({', '.join('?' for _ in part)})", part
            ).fetchall()
        return found

    def _stored_passages(self, document_ids: Collection[str]) -> dict[Passage, str]:
        """Passage -> id of the stored codings in these documents (one covering-index scan)."""
        out: dict[Passage, str] = {}
        cur = self._plain()
        listed = list(document_ids)
        for i in range(0, len(listed), _CHUNK):
            part = listed[i : i + _CHUNK]
            for doc, start, end, code, coder, cid in cur.execute(
                f'SELECT document_id, start, "end", code_id, coder_id, id FROM codings '
                f"WHERE document_id IN ({', '.join('?' for _ in part)})",
                part,
            ):
                out[(doc, code, coder, start, end)] = cid
        return out

    # -- reading -------------------------------------------------------------------------
    def coding_rows_by_id(self, ids: Iterable[str]) -> list[CodingRow]:
        """The stored codings among ``ids``, as tuples in ``CODING_COLUMNS`` order (any order):
        the bulk path for imports matching their rows' ids."""
        return self._codings_among(set(ids), CODING_COLUMNS)

    def coding(self, coding_id: str) -> Coding:
        row = self.conn.execute(
            f"SELECT {CODING_COLUMNS}, updated_by FROM codings WHERE id = ?", (coding_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"No coding with id {coding_id}.")
        return _coding(row)

    def coding_editors(self) -> dict[str, str]:
        """Coding id -> the id of the coder who last changed it, for the codings changed
        since they were made (few: one scan, no index needed)."""
        return dict(
            self._plain().execute("SELECT id, updated_by FROM codings WHERE updated_by != ''")
        )

    def coding_rows(
        self,
        document_id: str | None = None,
        code_ids: Sequence[str] | None = None,
        coder_ids: Sequence[str] | None = None,
    ) -> list[tuple[str, str, str, str, int, int, str, str, str]]:
        """Codings as plain tuples in ``CODING_COLUMNS`` order, filtered like ``codings()``:
        the bulk path for exports and statistics (no model per row)."""
        return self._select_codings(CODING_COLUMNS, document_id, code_ids, coder_ids)

    def _select_codings(
        self,
        columns: str,
        document_id: str | None,
        code_ids: Sequence[str] | None,
        coder_ids: Sequence[str] | None,
    ) -> list[Any]:
        where: list[str] = []
        args: list[Any] = []
        if document_id is not None:
            where.append("document_id = ?")
            args.append(document_id)
        for col, ids in (("code_id", code_ids), ("coder_id", coder_ids)):
            if ids is not None:
                where.append(f"{col} IN ({', '.join('?' for _ in ids)})")
                args.extend(ids)
        sql = f"SELECT {columns} FROM codings"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return (
            self._plain().execute(sql + ' ORDER BY document_id, start, "end", id', args).fetchall()
        )

    def codings(
        self,
        document_id: str | None = None,
        code_ids: Sequence[str] | None = None,
        coder_ids: Sequence[str] | None = None,
    ) -> list[Coding]:
        """Codings filtered by document, codes and coders, in document then text order."""
        fields = (*CODING_FIELDS, "updated_by")
        return [
            Coding.model_construct(**dict(zip(fields, row, strict=True)))
            for row in self._select_codings(
                f"{CODING_COLUMNS}, updated_by", document_id, code_ids, coder_ids
            )
        ]

    def coding_spans(self, document_id: str) -> list[tuple[str, str, str, int, int]]:
        """(id, code_id, coder_id, start, end) of a document's codings: the view's fast path
        (one covering-index scan, plain tuples)."""
        return (
            self._plain()
            .execute(
                'SELECT id, code_id, coder_id, start, "end" FROM codings WHERE document_id = ?',
                (document_id,),
            )
            .fetchall()
        )

    def comparison_spans(self, coder_ids: Collection[str]) -> list[tuple[str, str, str, int, int]]:
        """(document_id, code_id, coder_id, start, end) of these coders' codings, in no
        particular order: the bulk read of a comparison of coders (one scan of the covering
        index ``codings_document_spans``, plain tuples, no memo or dates read)."""
        wanted = list(dict.fromkeys(coder_ids))
        if not wanted:
            return []
        return (
            self._plain()
            .execute(
                'SELECT document_id, code_id, coder_id, start, "end" FROM codings '
                "INDEXED BY codings_document_spans "
                f"WHERE coder_id IN ({', '.join('?' for _ in wanted)})",
                wanted,
            )
            .fetchall()
        )

    def coding_count(self, document_id: str) -> int:
        """How many codings a document has (one index count, no rows read)."""
        return int(
            self.conn.execute(
                "SELECT count(*) FROM codings WHERE document_id = ?", (document_id,)
            ).fetchone()[0]
        )

    def coding_counts(
        self, document_ids: Iterable[str] | None = None, coder_ids: Iterable[str] | None = None
    ) -> dict[str, int]:
        """Codings per document (one query), for all or some documents, counting
        everyone's codings or only those of ``coder_ids``; a document asked for but
        without codings counts 0."""
        docs = None if document_ids is None else list(document_ids)
        coders = None if coder_ids is None else list(coder_ids)
        sql = "SELECT document_id, count(*) FROM codings"
        where: list[str] = []
        args: list[str] = []
        for column, values in (("document_id", docs), ("coder_id", coders)):
            if values is not None:
                where.append(f"{column} IN ({', '.join('?' for _ in values)})")
                args.extend(values)
        if where:
            sql += " WHERE " + " AND ".join(where)
        counts = {r[0]: int(r[1]) for r in self.conn.execute(sql + " GROUP BY document_id", args)}
        for doc_id in docs or ():
            counts.setdefault(doc_id, 0)
        return counts

    def remove_coding(self, coding_id: str) -> Coding:
        coding = self.coding(coding_id)
        with self.action("Remove coding"):
            self._delete("codings", (coding_id,))
        return coding

    def update_coding(
        self,
        coding_id: str,
        *,
        start: int | None = None,
        end: int | None = None,
        code_id: str | None = None,
        memo: str | None = None,
        by: str = "",
    ) -> Coding:
        """Resize, re-assign or annotate a coding (one action), checked inside its
        transaction (so a twin another process has just stored is seen). ``by`` is the
        id of the coder making the change, recorded as the coding's ``updated_by``."""
        old = self.coding(coding_id)
        moves = (start is not None and start != old.start) or (end is not None and end != old.end)
        label = (
            "Re-assign coding"
            if code_id is not None
            else "Edit coding memo"
            if memo is not None and not moves
            else "Resize coding"
        )
        with self.action(label):  # an empty action when nothing changes: no undo step
            old = self.coding(coding_id)
            values: dict[str, Any] = {}
            if start is not None or end is not None:
                s = old.start if start is None else start
                e = old.end if end is None else end
                self._check_span(old.document_id, s, e)
                self._check_words(old.document_id, s, e)
                values.update(start=s, end=e)
            if code_id is not None:
                self._check_refs(code_id, old.coder_id)
                values["code_id"] = code_id
            if memo is not None:
                values["memo"] = memo
            # Only what really changes: an edit that changes nothing is no action (no undo step).
            current = old.model_dump()
            values = {k: v for k, v in values.items() if current[k] != v}
            if {"start", "end", "code_id"} & set(values):
                self._check_not_coded(
                    old.document_id,
                    values.get("code_id", old.code_id),
                    old.coder_id,
                    values.get("start", old.start),
                    values.get("end", old.end),
                    exclude=coding_id,
                )
            if values:
                values["updated"] = utc_now()
                # The change is this coder's ("" when nobody is named): an earlier editor is
                # not credited with it.
                known = self.conn.execute("SELECT 1 FROM coders WHERE id = ?", (by,)).fetchone()
                if by and known is None:
                    raise NotFound(f"No coder with id {by}.")
                values["updated_by"] = by
                self._update("codings", (coding_id,), values)
        return self.coding(coding_id)


def _spans_fit(batch: Sequence[CodingRow], docs: dict[str, tuple[int, str]]) -> bool:
    """Are all documents there, and the offsets whole numbers inside their texts?"""
    for document_id, start, end in map(_SPAN, batch):
        doc = docs.get(document_id)
        if doc is None or not (
            isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= doc[0]
        ):
            return False
    return True


def _impossible(start: object, end: object, title: str, length: int) -> str:
    return (
        f"Offsets {start}..{end} are impossible in '{title}' (need 0 <= start < end <= {length})."
    )
