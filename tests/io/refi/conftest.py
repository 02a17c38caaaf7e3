"""Fixtures for the REFI-QDA tests: the real files other tools wrote, and a codebook snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.codebook import CodeTree
from annotator.store import Project

SAMPLES = Path("/work/shared/interop/refi-qda/samples")


@pytest.fixture
def samples() -> Path:
    """The folder of files written by NVivo, MAXQDA, ATLAS.ti and Taguette (not in the repo)."""
    if not SAMPLES.is_dir():
        pytest.skip(f"the REFI-QDA sample files are not on this machine ({SAMPLES})")
    return SAMPLES


def codebook_snapshot(project: Project) -> list[tuple[object, ...]]:
    """Every field of every code that an exchange must keep, with its place: path and the
    order among siblings (the numbers themselves may be renumbered)."""
    tree: CodeTree = project.code_tree()
    return [
        (c.id, tree.path(c.id), c.parent_id, c.color, c.definition, c.inclusion, c.exclusion,
         c.example, c.memo)
        for c in tree.walk()
    ]  # fmt: skip
