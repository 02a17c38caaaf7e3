"""Codebook CSV: export the code tree one row per code, and import it back.

Columns: ``id, name, path, parent_path, level, color, definition, inclusion,
exclusion, example, codings, documents``, rows in tree order (parents before
children, siblings in their display order). ``codings``/``documents`` are usage
counts for readers; import ignores them.

Import creates or updates codes so that exporting again gives the same
codebook. Each row is matched to a code by its ``id``, else by its ``path``,
else it becomes a new code (keeping the row's id when that is an unused UUID).
A row's path is its ``path``, else its ``parent_path`` and ``name``; in a file
with neither column, a matched code stays where it is and a new one goes to the
top level. The file is checked completely and
the resulting tree validated before anything is written; the writes are one
store action, so an import is one undo step and either happens whole or not at
all. Colour and text columns missing from the file leave existing codes' values
alone and give new codes the defaults.

This module only reads and writes the format: the rows become
``core.codebook_plan.CodeSpec`` s, and the matching, the checks and the order
of siblings are ``core.codebook_plan``'s, shared with the other codebook imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotator.core.codebook import join_path, name_key, split_path
from annotator.core.codebook_plan import CodebookPlanError, CodeSpec, plan_codebook
from annotator.core.colors import normalise_color
from annotator.core.errors import InvalidInput
from annotator.core.models import clean_name
from annotator.io.tables.csv_files import CsvRow, CsvTable, read_csv, shown, write_csv
from annotator.store import Project

COLUMNS = (
    "id", "name", "path", "parent_path", "level", "color",
    "definition", "inclusion", "exclusion", "example", "codings", "documents",
)  # fmt: skip


def export_codebook(project: Project, path: str | Path) -> int:
    """Write the codebook to ``path``; returns the number of codes written."""
    tree = project.code_tree()
    counts = project.code_counts()
    rows: list[list[str | int]] = []
    for code in tree.walk():
        codings, documents = counts.get(code.id, (0, 0))
        rows.append([
            code.id, code.name, tree.path(code.id),
            tree.path(code.parent_id) if code.parent_id else "",
            tree.level(code.id), code.color,
            code.definition, code.inclusion, code.exclusion, code.example,
            codings, documents,
        ])  # fmt: skip
    return write_csv(path, COLUMNS, rows)


@dataclass(frozen=True)
class CodebookImportReport:
    """What an import did: codes created, codes changed, codes already as the file says."""

    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} codes created, {self.updated} updated, {self.unchanged} unchanged."


def import_codebook(project: Project, path: str | Path) -> CodebookImportReport:
    """Create or update codes from a codebook CSV, as one action (all or nothing).

    The rows become ``CodeSpec`` s, ``core.codebook_plan`` checks them and plans the
    writes, and the store applies the plan in one pass.
    """
    table = read_csv(path, known=COLUMNS, one_of=("name", "path"))
    specs = [_parse(table, r) for r in table.rows]
    try:
        plan = plan_codebook(project.code_tree(), specs, origin=table.name)
    except CodebookPlanError as err:
        if err.spec is None:
            raise InvalidInput(f"{table.name}: {err.reason}") from None
        raise table.error(table.rows[err.spec], err.reason) from None
    done = project.apply_codebook_plan(plan, f"Import codebook {table.name}")
    return CodebookImportReport(len(done.created), len(done.updated), len(done.unchanged))


def _parse(table: CsvTable, r: CsvRow) -> CodeSpec:
    """One row as a spec: its path (from ``path``, else ``parent_path`` and ``name``), checked
    against ``name``, ``parent_path`` and ``level``; its colour; the texts of the columns present."""
    name = r.get("name").strip()
    path = r.get("path").strip()
    parent_cell = r.get("parent_path").strip()
    parent_parts = split_path(parent_cell)
    if path:
        parts = split_path(path)
        if not parts:
            raise table.error(r, f"the path '{shown(path)}' contains no code name.")
        if parent_cell and [name_key(p) for p in parent_parts] != [name_key(p) for p in parts[:-1]]:
            raise table.error(
                r, f"parent_path '{shown(parent_cell)}' does not match the path '{shown(path)}'."
            )
        if name and clean_name(name) != clean_name(parts[-1]):
            raise table.error(
                r,
                f"the name '{shown(name)}' does not match the last part of its path '{shown(path)}'.",
            )
    elif name:
        parts = [*parent_parts, name]
    else:
        raise table.error(r, "the row has neither a name nor a path.")
    parts = [clean_name(p) for p in parts]
    level = r.get("level").strip()
    if level:
        try:
            number = int(level)
        except ValueError:
            raise table.error(r, f"level '{shown(level)}' is not a whole number.") from None
        if number != len(parts):
            raise table.error(
                r,
                f"level {number} does not match the path '{join_path(parts)}' (level {len(parts)}).",
            )
    color = r.get("color").strip()
    try:
        normalised = normalise_color(color) if color else None
    except InvalidInput as err:
        raise table.error(r, str(err)) from None

    def text(column: str) -> str | None:  # a missing column leaves the code's text alone
        return r.get(column) if table.has(column) else None

    # A file without either path column says nothing of where codes go: matched codes stay
    # where they are (renaming by id must not flatten the tree); new ones go to the top.
    placed = table.has("path") or table.has("parent_path")
    return CodeSpec(
        name=parts[-1],
        source=f"row {r.number}",
        id=r.get("id").strip() or None,
        parent_path=tuple(parts[:-1]) if placed else None,
        color=normalised,
        definition=text("definition"),
        inclusion=text("inclusion"),
        exclusion=text("exclusion"),
        example=text("example"),
    )
