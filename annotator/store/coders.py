"""Coders: the people whose codings are kept apart and compared."""

from __future__ import annotations

from annotator.core.codebook import name_key
from annotator.core.colors import next_palette_color
from annotator.core.errors import Conflict, NotFound
from annotator.core.models import Coder, clean_name
from annotator.store.base import ProjectBase


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
