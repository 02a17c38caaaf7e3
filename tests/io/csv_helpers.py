"""Reading and writing CSV files in the CSV tests, as a spreadsheet user would."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path


def read_rows(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    """The file as pandas or a spreadsheet would read it (no restore of the formula guard)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == list(columns)
        return list(reader)


def write_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path
