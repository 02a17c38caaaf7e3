"""Helpers for the REFI-QDA tests: a codebook snapshot to compare exchanges by.

(The ``samples`` fixture, the files other tools wrote, is in ``tests/conftest.py``.)"""

from __future__ import annotations

from annotator.core.codebook import CodeTree
from annotator.store import Project


def codebook_snapshot(project: Project) -> list[tuple[object, ...]]:
    """Every field of every code that an exchange must keep, with its place: path and the
    order among siblings (the numbers themselves may be renumbered)."""
    tree: CodeTree = project.code_tree()
    return [
        (c.id, tree.path(c.id), c.parent_id, c.color, c.definition, c.inclusion, c.exclusion,
         c.example, c.memo)
        for c in tree.walk()
    ]  # fmt: skip
