"""Documents (immutable texts) and their attributes."""

from __future__ import annotations

from collections.abc import Mapping

from annotator.core.errors import Conflict, InvalidInput, NotFound
from annotator.core.models import Document, DocumentSummary
from annotator.core.text import fingerprint, normalise_newlines
from annotator.store.base import ProjectBase


class DocumentOps(ProjectBase):
    def add_document(
        self,
        title: str,
        text: str,
        *,
        source_name: str = "",
        format: str = "txt",
        attributes: Mapping[str, str] | None = None,
        document_id: str | None = None,
    ) -> Document:
        """Store a new text. Its line endings are normalised; it never changes afterwards."""
        text = normalise_newlines(text)
        if not text.strip():
            raise InvalidInput(f"{source_name or title} has no text to import.")
        if "\x00" in text:
            raise InvalidInput(f"{source_name or title} contains NUL characters: it is not a text.")
        title = " ".join(title.split()) or "Untitled"
        digest = fingerprint(text)
        same = self.conn.execute(
            "SELECT title FROM documents WHERE sha256 = ?", (digest,)
        ).fetchone()
        if same is not None:
            raise Conflict(
                f"{source_name or title} has the same text as '{same[0]}', already in the project."
            )
        doc = Document(
            title=title,
            text=text,
            source_name=source_name,
            format=format,
            sha256=digest,
            **({"id": document_id} if document_id else {}),
        )
        with self.action(f"Import {title}"):
            self._insert("documents", {**doc.model_dump(), "length": len(text)})
            for name, value in (attributes or {}).items():
                self._set_attribute(doc.id, name, value)
        return doc

    def _set_attribute(self, document_id: str, name: str, value: str) -> None:
        name = " ".join(name.split())
        if not name:
            raise InvalidInput("An attribute needs a name.")
        key = (document_id, name)
        if self._get_row("document_attributes", key) is None:
            self._insert(
                "document_attributes", {"document_id": document_id, "name": name, "value": value}
            )
        else:
            self._update("document_attributes", key, {"value": value})

    def set_document_attribute(self, document_id: str, name: str, value: str) -> None:
        self.document(document_id, with_text=False)
        with self.action(f"Set {name}"):
            self._set_attribute(document_id, name, value)

    def rename_document_attribute(self, document_id: str, name: str, new_name: str) -> None:
        """Give a document's attribute another name, keeping its value (one action).
        A name the document already has for another attribute (in any case) is refused."""
        doc = self.document(document_id, with_text=False)
        new_name = " ".join(new_name.split())
        if not new_name:
            raise InvalidInput("An attribute needs a name.")
        with self.action(f"Rename attribute {name} of {doc.title} to {new_name}"):
            key = (document_id, name)
            row = self._get_row("document_attributes", key)
            if row is None:
                raise NotFound(f"'{doc.title}' has no attribute named '{name}'.")
            if new_name == name:
                return
            clash = next(
                (n for n in self.document_attributes(document_id)
                 if n != name and n.casefold() == new_name.casefold()),
                None,
            )  # fmt: skip
            if clash is not None:
                raise Conflict(f"'{doc.title}' already has an attribute named '{clash}'.")
            self._delete("document_attributes", key)
            self._insert(
                "document_attributes",
                {"document_id": document_id, "name": new_name, "value": row["value"]},
            )

    def remove_document_attribute(self, document_id: str, name: str) -> None:
        """Remove one attribute of a document (one action)."""
        doc = self.document(document_id, with_text=False)
        with self.action(f"Remove attribute {name} of {doc.title}"):
            if self._get_row("document_attributes", (document_id, name)) is None:
                raise NotFound(f"'{doc.title}' has no attribute named '{name}'.")
            self._delete("document_attributes", (document_id, name))

    def rename_document(self, document_id: str, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            raise InvalidInput("A document needs a title.")
        with self.action(f"Rename document to {title}"):
            self._update("documents", (document_id,), {"title": title})

    def document_attributes(self, document_id: str) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT name, value FROM document_attributes WHERE document_id = ? ORDER BY name",
            (document_id,),
        )
        return {r[0]: r[1] for r in rows}

    def document(self, document_id: str, *, with_text: bool = True) -> Document:
        cols = (
            "*" if with_text else "id, title, '' AS text, source_name, format, sha256, imported_at"
        )
        row = self.conn.execute(
            f"SELECT {cols} FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"No document with id {document_id}.")
        data = dict(row)
        data.pop("length", None)
        return Document.model_construct(**data)

    def document_length(self, document_id: str) -> int:
        row = self.conn.execute(
            "SELECT length FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"No document with id {document_id}.")
        return int(row[0])

    def documents(self) -> list[DocumentSummary]:
        """All documents in import order, with coding counts and attributes."""
        rows = self.conn.execute(
            """SELECT d.id, d.title, d.source_name, d.format, d.length, d.imported_at,
                      (SELECT count(*) FROM codings c WHERE c.document_id = d.id) AS codings
               FROM documents d ORDER BY d.imported_at, d.rowid"""
        ).fetchall()
        attrs: dict[str, dict[str, str]] = {}
        for doc_id, name, value in self.conn.execute(
            "SELECT document_id, name, value FROM document_attributes ORDER BY name"
        ):
            attrs.setdefault(doc_id, {})[name] = value
        return [
            DocumentSummary.model_construct(**dict(r), attributes=attrs.get(r["id"], {}))
            for r in rows
        ]

    def find_document(self, ref: str) -> DocumentSummary:
        """A document by id, title or source file name (exact first, then case-insensitive)."""
        docs = self.documents()
        for matcher in (
            lambda d: d.id == ref,
            lambda d: d.title == ref or d.source_name == ref,
            lambda d: (
                d.title.casefold() == ref.casefold() or d.source_name.casefold() == ref.casefold()
            ),
        ):
            found = [d for d in docs if matcher(d)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise InvalidInput(f"'{ref}' names {len(found)} documents; use the document id.")
        raise NotFound(f"No document '{ref}' in the project.")

    def delete_document(self, document_id: str) -> None:
        """Remove a document with its attributes, memos and codings (one undoable action)."""
        doc = self.document(document_id, with_text=False)
        with self.action(f"Delete document {doc.title}"):
            for table in ("codings", "memos"):
                ids = [
                    r[0]
                    for r in self.conn.execute(
                        f"SELECT id FROM {table} WHERE document_id = ?", (document_id,)
                    )
                ]
                for row_id in ids:
                    self._delete(table, (row_id,))
            for name in self.document_attributes(document_id):
                self._delete("document_attributes", (document_id, name))
            self._delete("documents", (document_id,))
