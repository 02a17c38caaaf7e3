"""``Project``: the public face of the store, one object per open project file."""

from __future__ import annotations

from pathlib import Path

from annotator.store.base import APPLICATION_ID, ProjectBase
from annotator.store.coders import CoderOps
from annotator.store.codes import CodeOps
from annotator.store.codings import CodingOps
from annotator.store.documents import DocumentOps
from annotator.store.history import HistoryOps
from annotator.store.memos import MemoOps
from annotator.store.merging import MergeOps


class Project(
    MergeOps, CoderOps, DocumentOps, CodeOps, CodingOps, MemoOps, HistoryOps, ProjectBase
):
    """An open project. Every mutating method is one action: one transaction,
    one ``ChangeSet`` (``last_changes``), sent to every subscriber after commit."""

    @classmethod
    def create(cls, path: str | Path) -> Project:
        """Make a new, empty project file (refusing to overwrite one)."""
        return cls(path, create=True)

    @classmethod
    def open(
        cls, path: str | Path, *, read_only: bool = False, busy_timeout: float | None = None
    ) -> Project:
        """Open an existing project, migrating its schema if it is older.

        It opens read-only when asked, or when the file or its folder cannot be
        written (``read_only_reason`` says which); then every edit is refused."""
        return cls(path, read_only=read_only, busy_timeout=busy_timeout)

    def __enter__(self) -> Project:
        return self


__all__ = ["APPLICATION_ID", "Project"]
