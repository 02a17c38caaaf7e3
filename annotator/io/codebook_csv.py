"""Codebook CSV: export the code tree one row per code, and import it back.

Columns: ``id, name, path, parent_path, level, color, definition, inclusion,
exclusion, example, codings, documents``, rows in tree order (parents before
children, siblings in their display order). ``codings``/``documents`` are usage
counts for readers; import ignores them.

Import creates or updates codes so that exporting again gives the same
codebook. Each row is matched to a code by its ``id``, else by its ``path``,
else it becomes a new code (keeping the row's id when that is an unused UUID).
The file is checked completely and the resulting tree validated before
anything is written; the writes are one store action, so an import is one undo
step and either happens whole or not at all. Columns missing from the file
leave existing codes' values alone and give new codes the defaults.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.codebook import CodeTree, join_path, name_key, split_path
from annotator.core.colors import normalise_color
from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.core.models import Code, clean_name, new_id
from annotator.io.csv_files import CsvRow, CsvTable, read_csv, shown, write_csv
from annotator.store import Project

COLUMNS = (
    "id", "name", "path", "parent_path", "level", "color",
    "definition", "inclusion", "exclusion", "example", "codings", "documents",
)  # fmt: skip
TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example")

Key = tuple[str, ...]


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


@dataclass
class _Row:
    """One parsed row: the names along its path and the values it sets."""

    csv: CsvRow
    parts: list[str]
    row_id: str
    color: str | None
    texts: dict[str, str]
    target: str = ""
    is_new: bool = False
    parent: str | None = None
    key: Key = field(init=False)

    def __post_init__(self) -> None:
        self.key = tuple(name_key(p) for p in self.parts)

    @property
    def path(self) -> str:
        return join_path(self.parts)


def import_codebook(project: Project, path: str | Path) -> CodebookImportReport:
    """Create or update codes from a codebook CSV, as one action (all or nothing)."""
    table = read_csv(path, known=COLUMNS, one_of=("name", "path"))
    rows = [_parse(table, r) for r in table.rows]
    _check_unique(table, rows)
    tree = project.code_tree()
    kids = _children(tree)
    index = _path_index(tree, kids)
    _match(tree, index, rows)
    claimed = {r.target: r for r in rows if not r.is_new}
    _resolve_parents(table, rows, index, claimed)
    final = {cid: (c.name, c.parent_id) for cid, c in tree.codes.items()}
    final.update({r.target: (r.parts[-1], r.parent) for r in rows})
    _check_final_tree(table, rows, final)
    orders = _sibling_orders(rows, kids, claimed)

    with project.action(f"Import codebook {table.name}"):
        _apply(project, table, tree, rows, orders)
    return _report(tree, kids, rows, orders, project.code_tree())


# -- parsing -------------------------------------------------------------------------
def _parse(table: CsvTable, r: CsvRow) -> _Row:
    name = r.get("name").strip()
    path = r.get("path").strip()
    parent_cell = r.get("parent_path").strip()
    parent_parts = split_path(parent_cell)
    if path:
        parts = split_path(path)
        if not parts:
            raise table.error(r, f"the path '{shown(path)}' contains no code name.")
        if parent_cell and [name_key(p) for p in parent_parts] != [name_key(p) for p in parts[:-1]]:
            raise table.error(r, f"parent_path '{shown(parent_cell)}' does not match the path '{shown(path)}'.")
        if name and clean_name(name) != clean_name(parts[-1]):
            raise table.error(
                r, f"the name '{shown(name)}' does not match the last part of its path '{shown(path)}'."
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
                r, f"level {number} does not match the path '{join_path(parts)}' (level {len(parts)})."
            )
    color = r.get("color").strip()
    try:
        normalised = normalise_color(color) if color else None
    except InvalidInput as err:
        raise table.error(r, str(err)) from None
    texts = {f: r.get(f) for f in TEXT_FIELDS if table.has(f)}
    return _Row(r, parts, r.get("id").strip(), normalised, texts)


def _check_unique(table: CsvTable, rows: list[_Row]) -> None:
    paths: dict[Key, _Row] = {}
    ids: dict[str, _Row] = {}
    for row in rows:
        if row.key in paths:
            raise table.error(
                row.csv,
                f"the path '{row.path}' is already in row {paths[row.key].csv.number} "
                "(paths are compared ignoring case).",
            )
        paths[row.key] = row
        if row.row_id:
            same = _canonical_uuid(row.row_id) or row.row_id
            if same in ids:
                raise table.error(row.csv, f"the id {shown(row.row_id)} is already in row {ids[same].csv.number}.")
            ids[same] = row


def _canonical_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


# -- the tree as it is ---------------------------------------------------------------
def _children(tree: CodeTree) -> dict[str | None, list[str]]:
    """Each parent's children in display order (CodeTree.children for all parents at once)."""
    kids: dict[str | None, list[Code]] = {}
    for code in tree.codes.values():
        kids.setdefault(code.parent_id, []).append(code)
    return {
        parent: [c.id for c in sorted(codes, key=lambda c: (c.sort_order, name_key(c.name)))]
        for parent, codes in kids.items()
    }


def _path_index(tree: CodeTree, kids: dict[str | None, list[str]]) -> dict[Key, str]:
    """Every existing code by its path key."""
    index: dict[Key, str] = {}
    stack: list[tuple[str | None, Key]] = [(None, ())]
    while stack:
        parent, prefix = stack.pop()
        for cid in kids.get(parent, []):
            key = (*prefix, name_key(tree.codes[cid].name))
            index[key] = cid
            stack.append((cid, key))
    return index


# -- deciding what each row does -----------------------------------------------------
def _match(tree: CodeTree, index: dict[Key, str], rows: list[_Row]) -> None:
    """Give each row its code: by id, else by path (codes not claimed by id), else new."""
    taken: set[str] = set()
    for row in rows:
        if not row.row_id:
            continue
        for candidate in (row.row_id, _canonical_uuid(row.row_id)):
            if candidate is not None and candidate in tree.codes:
                row.target = candidate
                taken.add(candidate)
                break
    for row in rows:
        if row.target:
            continue
        found = index.get(row.key)
        if found is not None and found not in taken:
            row.target = found
            taken.add(found)
            continue
        row.is_new = True
        wanted = _canonical_uuid(row.row_id) if row.row_id else None
        row.target = wanted if wanted is not None and wanted not in taken else new_id()
        taken.add(row.target)


def _resolve_parents(
    table: CsvTable, rows: list[_Row], index: dict[Key, str], claimed: dict[str, _Row]
) -> None:
    """A parent is the file's row with the parent path, else the existing code at that path."""
    by_key = {r.key: r for r in rows}
    for row in rows:
        parent_key = row.key[:-1]
        if not parent_key:
            row.parent = None
        elif parent_key in by_key:
            row.parent = by_key[parent_key].target
        else:
            parent_path = join_path(row.parts[:-1])
            found = index.get(parent_key)
            if found is None:
                raise table.error(
                    row.csv, f"the parent '{parent_path}' is neither in this file nor in the codebook."
                )
            if found in claimed:
                mover = claimed[found]
                raise table.error(
                    row.csv,
                    f"the parent '{parent_path}' is moved to '{mover.path}' by row {mover.csv.number}.",
                )
            row.parent = found


def _check_final_tree(
    table: CsvTable, rows: list[_Row], final: dict[str, tuple[str, str | None]]
) -> None:
    """The codebook after the import: no cycles, every row at its path, sibling names unique."""
    keys: dict[str, Key] = {}

    def key_of(cid: str) -> Key | None:
        chain: list[str] = []
        node: str | None = cid
        while node is not None and node not in keys:
            if node in chain:
                return None  # a cycle
            chain.append(node)
            node = final[node][1]
        prefix: Key = keys[node] if node is not None else ()
        for code_id in reversed(chain):
            prefix = (*prefix, name_key(final[code_id][0]))
            keys[code_id] = prefix
        return keys[cid]

    for row in rows:
        got = key_of(row.target)
        if got is None:
            raise table.error(row.csv, f"placing '{row.path}' would make a code its own ancestor.")
        if got != row.key:
            raise table.error(
                row.csv, f"'{row.path}' cannot be placed: a code above it is moved by another row."
            )
    owners: dict[Key, str] = {}
    by_target = {r.target: r for r in rows}

    def blame(cid: str) -> _Row | None:
        """The row that put ``cid`` (or a code above it) where it is."""
        node: str | None = cid
        while node is not None and node not in by_target:
            node = final[node][1]
        return by_target.get(node) if node is not None else None

    for cid in final:
        got = key_of(cid)
        if got is None:  # only codes the file moved can form a cycle, and those were checked
            continue
        other = owners.setdefault(got, cid)
        if other != cid:
            culprit = by_target.get(cid) or by_target.get(other) or blame(cid) or blame(other)
            clash = join_path([final[c][0] for c in _chain(final, cid)])
            message = f"'{clash}' would be the name of two codes after the import."
            raise table.error(culprit.csv, message) if culprit else InvalidInput(f"{table.name}: {message}")


def _chain(final: dict[str, tuple[str, str | None]], cid: str) -> list[str]:
    """The code and its ancestors in the imported tree, root first (the tree is acyclic here)."""
    out: list[str] = []
    node: str | None = cid
    while node is not None:
        out.append(node)
        node = final[node][1]
    return out[::-1]


def _sibling_orders(
    rows: list[_Row], kids: dict[str | None, list[str]], claimed: dict[str, _Row]
) -> dict[str | None, list[str]]:
    """Children order for each parent the file places codes under.

    The file's codes take the places its already-present codes held, in file
    order; a code new under the parent goes right before the next code in the
    file that was already there (or after the last of them). Codes the file
    does not mention stay where they were.
    """
    placed: dict[str | None, list[str]] = {}
    for row in rows:
        placed.setdefault(row.parent, []).append(row.target)
    orders: dict[str | None, list[str]] = {}
    for parent, from_file in placed.items():
        mine = set(from_file)
        # Claimed codes not listed under this parent are moving elsewhere.
        old = [c for c in kids.get(parent, []) if c in mine or c not in claimed]
        present = {c for c in old if c in mine}
        chunks: list[list[str]] = []
        chunk: list[str] = []
        for cid in from_file:
            chunk.append(cid)
            if cid in present:  # each present code closes one chunk: one chunk per old place
                chunks.append(chunk)
                chunk = []
        fill = iter(chunks)
        order: list[str] = []
        for cid in old:
            order.extend(next(fill) if cid in mine else [cid])
        orders[parent] = order + chunk
    return orders


# -- writing -------------------------------------------------------------------------
def _fields(row: _Row) -> dict[str, Any]:
    values: dict[str, Any] = dict(row.texts)
    if row.color is not None:
        values["color"] = row.color
    return values


def _apply(
    project: Project, table: CsvTable, tree: CodeTree, rows: list[_Row],
    orders: dict[str | None, list[str]],
) -> None:  # fmt: skip
    """The writes, inside the import's action. Codes that are renamed or moved first
    get a unique temporary name, so swaps and moves never clash half way."""
    try:
        movers = [
            r for r in rows
            if not r.is_new and (tree.codes[r.target].name, tree.codes[r.target].parent_id) != (r.parts[-1], r.parent)
        ]  # fmt: skip
        moving = {r.target for r in movers}
        for row in movers:
            project.update_code(row.target, name=f"(importing {row.target})")
        for row in sorted(rows, key=lambda r: len(r.parts)):  # parents exist before children
            if row.is_new:
                project.add_code(row.parts[-1], row.parent, code_id=row.target, **_fields(row))
            elif row.target in moving and tree.codes[row.target].parent_id != row.parent:
                project.move_code(row.target, row.parent)
        for row in rows:
            if row.is_new:
                continue
            code = project.code(row.target)
            values = {k: v for k, v in {"name": row.parts[-1], **_fields(row)}.items()
                      if getattr(code, k) != v}  # fmt: skip
            if values:
                project.update_code(row.target, **values)
        for parent, order in orders.items():
            for position, cid in enumerate(order):
                if project.code(cid).sort_order != position:
                    project.move_code(cid, parent, position)
    except AnnotatorError as err:  # pragma: no cover - the checks above should prevent this
        raise InvalidInput(f"Importing {table.name} failed: {err}") from err


def _report(
    before: CodeTree, kids: dict[str | None, list[str]], rows: list[_Row],
    orders: dict[str | None, list[str]], after: CodeTree,
) -> CodebookImportReport:  # fmt: skip
    """Count the file's existing codes whose name, place, colour, texts or order changed."""
    moved_in_order: set[str] = set()
    for parent, order in orders.items():
        members = set(order)
        old = [c for c in kids.get(parent, []) if c in members]
        kept = set(old)
        new = [c for c in order if c in kept]
        moved_in_order.update(a for a, b in zip(old, new, strict=True) if a != b)
    compared = ("name", "parent_id", "color", *TEXT_FIELDS)
    updated = sum(
        1 for r in rows if not r.is_new and (
            r.target in moved_in_order
            or any(getattr(before.codes[r.target], f) != getattr(after.codes[r.target], f) for f in compared)
        )
    )  # fmt: skip
    created = sum(1 for r in rows if r.is_new)
    return CodebookImportReport(created, updated, len(rows) - created - updated)
