"""The Compare coders table as a CSV file, written by ``io.tables.csv_files`` (so a cell a
spreadsheet would run as a formula, such as a code named "=…", is neutralised).

One row per code and "Overall", one column per figure under the names
``annotator agreement -o`` uses; values as the report has them (six decimals),
an undefined figure empty, with its reason in the last column.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.agreement.text import Figure
from annotator.io.tables.csv_files import write_csv
from annotator.ui.compare.compare_model import VALUE_ROLE, ComparisonModel


def table_rows(model: ComparisonModel) -> tuple[list[str], list[list[str | int]]]:
    """The header and the rows of the table ``model`` shows."""
    columns = model.columns
    header = ["code", *(c.key for c in columns), "undefined"]
    rows: list[list[str | int]] = []
    for r, entry in enumerate(model.entries):
        cells: list[str | int] = [model.row_label(entry)]
        reasons = []
        for i, col in enumerate(columns, start=model.label_columns):
            value = model.index(r, i).data(VALUE_ROLE)
            if value is None:
                picked = col.pick(entry)
                cells.append("")
                reasons.append(f"{col.key}: {picked.reason if isinstance(picked, Figure) else ''}")
            else:
                cells.append(value if isinstance(value, int) else repr(round(value, 6)))
        cells.append("; ".join(reasons))
        rows.append(cells)
    return header, rows


def write_table(model: ComparisonModel, path: Path) -> int:
    """Write the table to ``path``; the rows written, the header included."""
    header, rows = table_rows(model)
    return write_csv(path, header, rows)
