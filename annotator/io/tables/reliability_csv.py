"""Reading a reliability matrix from CSV: ReCal's layout.

The first row names the coders, one column each; every further row is one unit, a cell
holding the value that column's coder gave it, an empty cell meaning no value. Values are
kept as written (surrounding spaces aside), so they can be any labels; at the ordinal,
interval and ratio levels they must be numbers.

The file is read as every CSV here is (``csv_files``): a regular file of at most
``MAX_CSV_BYTES``, UTF-8 with or without a byte-order mark (or UTF-16/32 with one), no NUL
characters, Excel's ``sep=`` first line honoured; the delimiter is a comma, or a
semicolon or tab when the header holds one of those and no comma. Each problem is one
``InvalidInput`` naming the file and row: no header (a first row of numbers), fewer than
two coders, a blank or repeated coder name, a row with another number of cells than
the header, a non-number where numbers are needed, no unit with values from two coders.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

from annotator.core.agreement import LEVELS, MISSING, ReliabilityMatrix
from annotator.core.errors import InvalidInput
from annotator.io.files import display_name, read_file
from annotator.io.tables.csv_files import (
    _SEP_LINE,
    MAX_CELL_CHARS,
    MAX_CSV_BYTES,
    _cell_limit,
    _decode,
    _lines,
    shown,
)

#: A decimal number as a spreadsheet writes one (no '1_000', 'nan' or 'inf', which float() takes).
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")


@dataclass(frozen=True)
class ReliabilityTable:
    """The matrix, and for each of its values the text the file wrote it as (the first
    spelling, where '1' and '1.0' are one number)."""

    name: str
    matrix: ReliabilityMatrix
    spelling: dict[object, str]


def parse_number(text: str) -> float | None:
    """The number a cell holds, or None if it is not a plain decimal number."""
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _delimiter(text: str, start: int) -> str:
    first = text[start : start + 10_000].split("\n", 1)[0]
    if "," in first:
        return ","
    for candidate in (";", "\t"):
        if candidate in first:
            return candidate
    return ","


def read_reliability_csv(path: str | Path, level: str = "nominal") -> ReliabilityTable:
    if level not in LEVELS:
        raise InvalidInput(
            f"Unknown level of measurement {level!r}: use one of {', '.join(LEVELS)}."
        )
    path = Path(path)
    name = display_name(path.name or path)
    text = _decode(name, read_file(path, MAX_CSV_BYTES))
    if not text or text.isspace():
        raise InvalidInput(f"{name} is empty.")
    sep = _SEP_LINE.match(text)
    start = sep.end() if sep else 0
    delimiter = sep.group(1) if sep else _delimiter(text, start)
    reader = csv.reader(_lines(text, start), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    header_row = 0
    rows: list[list[str]] = []
    number = 0
    with _cell_limit(MAX_CELL_CHARS):
        try:
            for record in reader:
                number += 1
                if not record:  # a blank line
                    continue
                cells = [c.strip() for c in record]
                if header is None:
                    if not any(cells):
                        continue
                    header, header_row = cells, number
                    _check_header(name, number, header)
                    continue
                if len(cells) != len(header):
                    raise InvalidInput(
                        f"{name}, row {number}: has {len(cells)} cells but the header names "
                        f"{len(header)} coders; every row needs one cell per coder (empty for none)."
                    )
                rows.append(cells)
        except csv.Error as err:
            raise InvalidInput(f"{name}, row {number + 1}: not valid CSV ({err}).") from err
    if header is None:
        raise InvalidInput(f"{name} is empty.")
    if not rows:
        raise InvalidInput(f"{name} has a header but no units (one row per unit below it).")
    table = _values(name, header_row, rows, level)
    labels = list(table.spelling)
    # Labels that are all numbers read best in numeric order, others as first written.
    numeric = level == "nominal" and all(parse_number(str(v)) is not None for v in labels)
    order = sorted(labels, key=lambda v: parse_number(str(v)) or 0.0) if numeric else None
    matrix = ReliabilityMatrix.from_rows(table.values_rows, header, order=order)
    if not ((matrix.codes != MISSING).sum(axis=1) >= 2).any():
        raise InvalidInput(
            f"{name}: no unit has values from two coders, so there is nothing to compare."
        )
    return ReliabilityTable(name, matrix, table.spelling)


@dataclass(frozen=True)
class _Values:
    values_rows: list[list[object]]
    spelling: dict[object, str]


def _values(name: str, header_row: int, rows: list[list[str]], level: str) -> _Values:
    """The cells as values: strings at the nominal level, numbers at the others."""
    spelling: dict[object, str] = {}
    if level == "nominal":
        out: list[list[object]] = [[c if c else None for c in row] for row in rows]
        for row in rows:
            for c in row:
                if c:
                    spelling.setdefault(c, c)
        return _Values(out, spelling)
    parsed: dict[str, float] = {}
    out = []
    for offset, row in enumerate(rows):
        values: list[object] = []
        for c in row:
            if not c:
                values.append(None)
                continue
            number = parsed.get(c)
            if number is None:
                found = parse_number(c)
                if found is None:
                    raise InvalidInput(
                        f"{name}, row {header_row + 1 + offset}: '{shown(c)}' is not a number, "
                        f"and the {level} level needs numbers."
                    )
                parsed[c] = number = found
            value = int(number) if number.is_integer() else number
            spelling.setdefault(value, c)
            values.append(value)
        out.append(values)
    return _Values(out, spelling)


def _check_header(name: str, number: int, header: list[str]) -> None:
    if all(parse_number(c) is not None or not c for c in header):
        raise InvalidInput(
            f"{name}, row {number}: no header row; the first row must name the coders, "
            "one column each."
        )
    if len(header) < 2:
        raise InvalidInput(
            f"{name}, row {number}: the header names one coder; agreement needs two or more "
            "(one column per coder)."
        )
    seen: set[str] = set()
    for column, coder in enumerate(header, 1):
        if not coder:
            raise InvalidInput(
                f"{name}, row {number}: column {column} of the header names no coder."
            )
        if coder in seen:
            raise InvalidInput(f"{name}, row {number}: the coder '{shown(coder)}' appears twice.")
        seen.add(coder)
