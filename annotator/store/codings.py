"""Codings: a code applied by one coder to ``[start, end)`` of one document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from annotator.core.errors import Conflict, InvalidInput, NotFound
from annotator.core.models import Coding, utc_now
from annotator.store.base import ProjectBase

CODING_COLUMNS = 'id, document_id, code_id, coder_id, start, "end", memo, created, updated'


def _coding(row: Any) -> Coding:
    return Coding.model_construct(**dict(row))


class CodingOps(ProjectBase):
    def _check_span(self, document_id: str, start: int, end: int) -> None:
        row = self.conn.execute("SELECT length, title FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise NotFound(f"No document with id {document_id}.")
        length, title = row
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
            raise InvalidInput(
                f"Offsets {start}..{end} are impossible in '{title}' "
                f"(need 0 <= start < end <= {length})."
            )

    def _check_words(self, document_id: str, start: int, end: int) -> None:
        """A single coding must cover some text, not only white space (bulk imports
        check their quoted text instead)."""
        if not self.document_text(document_id)[start:end].strip():
            raise InvalidInput("The selected passage is only white space; select some words to code.")

    def _check_not_coded(self, document_id: str, code_id: str, coder_id: str, start: int, end: int,
                         exclude: str | None = None) -> None:
        twin = self.conn.execute(
            'SELECT id FROM codings WHERE document_id = ? AND code_id = ? AND coder_id = ? '
            'AND start = ? AND "end" = ? AND id IS NOT ?',
            (document_id, code_id, coder_id, start, end, exclude),
        ).fetchone()
        if twin is not None:
            code = self.conn.execute("SELECT name FROM codes WHERE id = ?", (code_id,)).fetchone()[0]
            coder = self.conn.execute("SELECT name FROM coders WHERE id = ?", (coder_id,)).fetchone()[0]
            raise Conflict(f"{coder} has already coded exactly this passage with {code}.")

    def _check_refs(self, code_id: str, coder_id: str) -> None:
        if self.conn.execute("SELECT 1 FROM codes WHERE id = ?", (code_id,)).fetchone() is None:
            raise NotFound(f"No code with id {code_id}.")
        if self.conn.execute("SELECT 1 FROM coders WHERE id = ?", (coder_id,)).fetchone() is None:
            raise NotFound(f"No coder with id {coder_id}; every coding needs its coder.")

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
        self._check_span(document_id, start, end)
        self._check_refs(code_id, coder_id)
        self._check_words(document_id, start, end)
        self._check_not_coded(document_id, code_id, coder_id, start, end)
        coding = Coding(
            document_id=document_id, code_id=code_id, coder_id=coder_id, start=start, end=end,
            memo=memo, **({"id": coding_id} if coding_id else {}),
        )
        with self.action("Apply code"):
            self._insert("codings", coding.model_dump())
        return coding

    def add_codings(self, codings: Iterable[Coding], label: str = "Import codings") -> int:
        """Many codings in one action (imports); all are checked, and all or none are stored."""
        count = 0
        with self.action(label):
            for c in codings:
                self._check_span(c.document_id, c.start, c.end)
                self._check_refs(c.code_id, c.coder_id)
                self._insert("codings", c.model_dump())
                count += 1
        return count

    def coding(self, coding_id: str) -> Coding:
        row = self.conn.execute(f"SELECT {CODING_COLUMNS} FROM codings WHERE id = ?", (coding_id,)).fetchone()
        if row is None:
            raise NotFound(f"No coding with id {coding_id}.")
        return _coding(row)

    def coding_rows(
        self,
        document_id: str | None = None,
        code_ids: Sequence[str] | None = None,
        coder_ids: Sequence[str] | None = None,
    ) -> list[tuple[str, str, str, str, int, int, str, str, str]]:
        """Codings as plain tuples in ``CODING_COLUMNS`` order, filtered like ``codings()``:
        the bulk path for exports and statistics (no model per row)."""
        where: list[str] = []
        args: list[Any] = []
        if document_id is not None:
            where.append("document_id = ?")
            args.append(document_id)
        for col, ids in (("code_id", code_ids), ("coder_id", coder_ids)):
            if ids is not None:
                where.append(f"{col} IN ({', '.join('?' for _ in ids)})")
                args.extend(ids)
        sql = f"SELECT {CODING_COLUMNS} FROM codings"
        if where:
            sql += " WHERE " + " AND ".join(where)
        cur = self.conn.cursor()
        cur.row_factory = None  # plain tuples: sqlite3.Row costs ~1 s per 100k rows
        return cur.execute(sql + ' ORDER BY document_id, start, "end", id', args).fetchall()

    def codings(
        self,
        document_id: str | None = None,
        code_ids: Sequence[str] | None = None,
        coder_ids: Sequence[str] | None = None,
    ) -> list[Coding]:
        """Codings filtered by document, codes and coders, in document then text order."""
        fields = ("id", "document_id", "code_id", "coder_id", "start", "end", "memo", "created", "updated")
        return [
            Coding.model_construct(**dict(zip(fields, row, strict=True)))  # type: ignore[arg-type]
            for row in self.coding_rows(document_id, code_ids, coder_ids)
        ]

    def coding_spans(self, document_id: str) -> list[tuple[str, str, str, int, int]]:
        """(id, code_id, coder_id, start, end) of a document's codings: the view's fast path
        (one covering-index scan, plain tuples)."""
        cur = self.conn.cursor()
        cur.row_factory = None
        return cur.execute(
            'SELECT id, code_id, coder_id, start, "end" FROM codings WHERE document_id = ?',
            (document_id,),
        ).fetchall()

    def coding_count(self, document_id: str) -> int:
        """How many codings a document has (one index count, no rows read)."""
        return int(self.conn.execute(
            "SELECT count(*) FROM codings WHERE document_id = ?", (document_id,)).fetchone()[0])

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
    ) -> Coding:
        """Resize, re-assign or annotate a coding (one action)."""
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
        if {"start", "end", "code_id"} & {k for k, v in values.items() if getattr(old, k) != v}:
            self._check_not_coded(old.document_id, values.get("code_id", old.code_id), old.coder_id,
                                  values.get("start", old.start), values.get("end", old.end), exclude=coding_id)
        if memo is not None:
            values["memo"] = memo
        # Only what really changes: an edit that changes nothing is no action (no undo step).
        current = old.model_dump()
        values = {k: v for k, v in values.items() if current[k] != v}
        label = ("Re-assign coding" if code_id is not None else
                 "Edit coding memo" if memo is not None and not ({"start", "end"} & set(values)) else
                 "Resize coding")
        with self.action(label):  # an empty action when nothing changes: no undo step
            if values:
                values["updated"] = utc_now()
                self._update("codings", (coding_id,), values)
        return self.coding(coding_id)



