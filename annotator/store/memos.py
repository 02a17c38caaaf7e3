"""Memos: free notes on the project or on one document, each by a coder.

(A code's memo and a coding's memo live on the code and the coding.)
"""

from __future__ import annotations

from annotator.core.errors import InvalidInput, NotFound
from annotator.core.models import Memo, utc_now
from annotator.store.base import ProjectBase


class MemoOps(ProjectBase):
    def add_memo(
        self,
        text: str,
        *,
        title: str = "",
        document_id: str | None = None,
        coder_id: str | None = None,
    ) -> Memo:
        if not (text.strip() or title.strip()):
            raise InvalidInput("A memo needs a title or some text.")
        if document_id is not None and self._get_row("documents", (document_id,)) is None:
            raise NotFound(f"No document with id {document_id}.")
        if coder_id is not None and self._get_row("coders", (coder_id,)) is None:
            raise NotFound(f"No coder with id {coder_id}.")
        memo = Memo(document_id=document_id, coder_id=coder_id, title=title.strip(), text=text)
        with self.action(f"Add memo {memo.title}".rstrip()):
            self._insert("memos", memo.model_dump())
        return memo

    def memo(self, memo_id: str) -> Memo:
        row = self._get_row("memos", (memo_id,))
        if row is None:
            raise NotFound(f"No memo with id {memo_id}.")
        return Memo.model_construct(**row)

    def memos(self, document_id: str | None = None) -> list[Memo]:
        """Project memos (``document_id`` None) or one document's memos, oldest first."""
        rows = self.conn.execute(
            "SELECT * FROM memos WHERE document_id IS ? ORDER BY created, id", (document_id,)
        )
        return [Memo.model_construct(**dict(r)) for r in rows]

    def update_memo(
        self, memo_id: str, *, title: str | None = None, text: str | None = None
    ) -> Memo:
        """Change a memo's title and/or text (one action; ``updated`` set); an edit that
        changes nothing is no action. (A memo may be emptied while it is being rewritten:
        only a new memo must say something.)"""
        with self.action("Edit memo"):
            old = self.memo(memo_id)
            values: dict[str, str] = {}
            if title is not None and title.strip() != old.title:
                values["title"] = title.strip()
            if text is not None and text != old.text:
                values["text"] = text
            if values:
                self._update("memos", (memo_id,), {**values, "updated": utc_now()})
        return self.memo(memo_id)

    def delete_memo(self, memo_id: str) -> None:
        with self.action("Delete memo"):
            self._delete("memos", (memo_id,))
