"""Coded segments CSV: one row per coding, for reading elsewhere and importing back.

Columns: ``id, document, code_path, coder, start, end, text, memo, created``.
``document`` is the document's title (its source file name, or failing that
its id, when two documents share the title, so that every row names exactly one
document); ``text`` is ``text[start:end]`` of the stored document, offsets are
code points, half-open. Rows come by document (import order), then by start.

Import checks every row before writing anything, then adds all codings in one
store action. The ``text`` column guards the offsets: when it is filled in, it
must be exactly the text at ``start..end`` (line endings aside), so codings
never land on other words than the ones quoted. Re-importing a file is
harmless: rows whose coding already exists unchanged are skipped.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from annotator.core.codebook import CodeTree, join_path, name_key, split_path
from annotator.core.errors import AnnotatorError
from annotator.core.models import Coding, DocumentSummary, clean_name, new_id, utc_now
from annotator.core.text import normalise_newlines
from annotator.io.csv_files import CsvRow, CsvTable, format_cell, read_csv, shown, write_lines
from annotator.store import Project

COLUMNS = ("id", "document", "code_path", "coder", "start", "end", "text", "memo", "created")
REQUIRED = ("document", "code_path", "coder", "start", "end")


# -- export --------------------------------------------------------------------------
def _document_refs(docs: Sequence[DocumentSummary]) -> dict[str, str]:
    """For each document, the first of title, source file name and id that names only it.

    ``Project.find_document`` (what import uses) takes an id first, then an exact
    title or source name; an exact name therefore finds this document alone
    when no other document has it and it is no other document's id. Decided
    here on one list, as calling ``find_document`` per document re-reads them all.
    """
    holders: Counter[str] = Counter()
    for d in docs:
        holders.update({d.title, d.source_name})
    ids = {d.id for d in docs}
    refs: dict[str, str] = {}
    for d in docs:
        refs[d.id] = next(
            (ref for ref in (d.title, d.source_name) if ref and holders[ref] == 1 and ref not in ids), d.id
        )
    return refs


#: (id, document_id, code_id, coder_id, start, end, memo, created, updated) of one coding.
CodingRow = tuple[str, str, str, str, int, int, str, str, str]


def _coding_rows(
    project: Project, code_ids: Sequence[str] | None, coder_ids: Sequence[str] | None
) -> list[CodingRow]:
    """All matching codings as plain tuples, sorted by document, start, end, id
    (so equal projects give equal files). A pydantic model per row would cost
    more than the export's whole budget at 100,000 codings."""
    return project.coding_rows(code_ids=code_ids, coder_ids=coder_ids)


def export_segments(
    project: Project,
    path: str | Path,
    *,
    code_ids: Sequence[str] | None = None,
    coder_ids: Sequence[str] | None = None,
    document_ids: Sequence[str] | None = None,
) -> int:
    """Write the codings (all, or those of the given codes/coders/documents) to ``path``.

    Returns the number of rows written. One query for the codings, each
    document's text read once, each code path, coder and document cell
    formatted once: the cost is one pass over the codings.
    """
    tree = project.code_tree()
    code_cells = {cid: format_cell(tree.path(cid)) for cid in tree.codes}
    coder_cells = {c.id: format_cell(c.name) for c in project.coders()}
    docs = project.documents()
    order = [d.id for d in docs]
    if document_ids is not None:
        wanted = set(document_ids)
        order = [d for d in order if d in wanted]
    by_doc: dict[str, list[CodingRow]] = {d: [] for d in order}
    for row in _coding_rows(project, code_ids, coder_ids):
        bucket = by_doc.get(row[1])
        if bucket is not None:
            bucket.append(row)
    used = [d for d in order if by_doc[d]]
    doc_cells = {d: format_cell(ref) for d, ref in _document_refs(docs).items()}

    def lines() -> Iterator[str]:
        for doc_id in used:
            text = project.document_text(doc_id)
            doc = doc_cells[doc_id]
            for cid, _, code_id, coder_id, start, end, memo, created, _updated in by_doc[doc_id]:
                yield (f"{format_cell(cid)},{doc},{code_cells[code_id]},{coder_cells[coder_id]},"
                       f"{start},{end},{format_cell(text[start:end])},"
                       f"{format_cell(memo) if memo else ''},{format_cell(created)}")  # fmt: skip

    return write_lines(path, COLUMNS, lines())


# -- import --------------------------------------------------------------------------
@dataclass(frozen=True)
class SegmentsImportReport:
    """What an import did."""

    added: int
    skipped: int
    codes_created: int
    coders_created: int

    def __str__(self) -> str:
        parts = [f"{self.added} codings added", f"{self.skipped} already in the project (skipped)"]
        if self.codes_created:
            parts.append(f"{self.codes_created} codes created")
        if self.coders_created:
            parts.append(f"{self.coders_created} coders added")
        return ", ".join(parts) + "."


@dataclass
class _Lookups:
    """Per-import caches so each document, code path and coder is looked up once."""

    project: Project
    table: CsvTable
    tree: CodeTree
    create_codes: bool
    docs: dict[str, tuple[str, str]] = field(default_factory=dict)  # reference -> (id, text)
    codes: dict[str, str | tuple[str, ...]] = field(default_factory=dict)  # path -> id, or names to create
    coders: dict[str, str] = field(default_factory=dict)  # name key -> id, or "" for a coder to add
    coder_names: dict[str, str] = field(default_factory=dict)  # name key -> name as first written

    def document(self, row: CsvRow) -> tuple[str, str]:
        ref = row.get("document").strip()
        if not ref:
            raise self.table.error(row, "the document is empty.")
        if ref not in self.docs:
            if len(ref) > 1000:  # no title is that long; keep the message short
                raise self.table.error(row, f"No document '{shown(ref)}' in the project.")
            try:
                doc_id = self.project.find_document(ref).id
            except AnnotatorError as err:
                raise self.table.error(row, str(err)) from None
            self.docs[ref] = (doc_id, self.project.document_text(doc_id))
        return self.docs[ref]

    def code(self, row: CsvRow) -> str | tuple[str, ...]:
        path = row.get("code_path").strip()
        if path not in self.codes:
            parts = tuple(clean_name(p) for p in split_path(path))
            if not parts:
                raise self.table.error(row, "the code_path is empty.")
            found = self.tree.find_path(path)
            if found is not None:
                self.codes[path] = found.id
            elif self.create_codes:
                self.codes[path] = parts
            else:
                raise self.table.error(
                    row, f"no code '{join_path(parts)}' in the codebook (import the codebook first, "
                    "or import with create_codes=True)."
                )
        return self.codes[path]

    def coder(self, row: CsvRow) -> str:
        """The coder's key (``name_key``); ``coders[key]`` is its id, or "" if it is to be added."""
        name = " ".join(row.get("coder").split())
        if not name:
            raise self.table.error(row, "the coder is empty; every coding needs a coder.")
        key = name_key(name)
        if key not in self.coders:
            self.coder_names[key] = name
            try:
                self.coders[key] = self.project.find_coder(name).id
            except AnnotatorError:
                self.coders[key] = ""
        return key


@dataclass
class _Planned:
    """A checked row: the coding to add, with code and coder resolved or to be created."""

    row: CsvRow
    coding_id: str
    document_id: str
    code: str | tuple[str, ...]
    coder: str
    start: int
    end: int
    memo: str
    created: str


def _offset(table: CsvTable, row: CsvRow, column: str) -> int:
    raw = row.get(column).strip()
    try:
        return int(raw)
    except ValueError:
        raise table.error(row, f"{column} '{shown(raw)}' is not a whole number.") from None


def _preview(text: str, limit: int = 40) -> str:
    """Text for a message: spaces kept (they may be the difference), line breaks shown as ⏎."""
    flat = normalise_newlines(text).replace("\n", "⏎")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _plan(look: _Lookups, row: CsvRow) -> _Planned:
    table = look.table
    doc_id, text = look.document(row)
    code = look.code(row)
    coder = look.coder(row)
    start, end = _offset(table, row, "start"), _offset(table, row, "end")
    if not 0 <= start < end <= len(text):
        raise table.error(
            row, f"offsets {start}..{end} are impossible in '{shown(row.get('document').strip())}' "
            f"(need 0 <= start < end <= {len(text)})."
        )
    quoted = row.get("text")
    if quoted and normalise_newlines(quoted) != text[start:end]:
        raise table.error(
            row, f"the offsets {start}..{end} do not match the quoted text: the document has "
            f"'{_preview(text[start:end])}' there, the file quotes '{_preview(quoted)}'."
        )
    raw_id = row.get("id").strip()
    coding_id = raw_id
    if raw_id:
        try:
            coding_id = str(uuid.UUID(raw_id))
        except ValueError:
            coding_id = raw_id  # kept only to match an existing coding; new ones get a UUID
    created = row.get("created").strip()
    if created:
        try:
            datetime.fromisoformat(created)
        except ValueError:
            raise table.error(row, f"created '{shown(created)}' is not a date and time (ISO 8601).") from None
    return _Planned(row, coding_id, doc_id, code, coder, start, end, row.get("memo"), created)


def _existing(project: Project, coding_id: str) -> Coding | None:
    try:
        return project.coding(coding_id)
    except AnnotatorError:
        return None


def import_segments(project: Project, path: str | Path, *, create_codes: bool = False) -> SegmentsImportReport:
    """Add the codings of a segments CSV, as one action (all or nothing).

    Documents are found by id, title or source file name and must exist. Codes
    are found by path and must exist unless ``create_codes`` is true, in which
    case missing ones (and missing parents) are added. Missing coders are added.
    """
    table = read_csv(path, known=COLUMNS, required=REQUIRED)
    look = _Lookups(project, table, project.code_tree(), create_codes)
    planned = [_plan(look, row) for row in table.rows]

    seen: dict[str, int] = {}
    to_add: list[_Planned] = []
    skipped = 0
    for p in planned:
        if p.coding_id:
            if p.coding_id in seen:
                raise table.error(p.row, f"the coding id {shown(p.coding_id)} is already in row {seen[p.coding_id]}.")
            seen[p.coding_id] = p.row.number
            old = _existing(project, p.coding_id)
            if old is not None:
                if _same(look, p, old):
                    skipped += 1
                    continue
                raise table.error(
                    p.row, f"a coding with id {shown(p.coding_id)} already exists in the project with "
                    "different values; remove the id to add this row as a new coding."
                )
        to_add.append(p)

    new_coders = sorted({p.coder for p in to_add if not look.coders[p.coder]})
    new_paths = {p.code for p in to_add if isinstance(p.code, tuple)}
    with project.action(f"Import coded segments {table.name}"):
        for key in new_coders:
            look.coders[key] = project.add_coder(look.coder_names[key]).id
        created_codes, codes_created = _create_codes(project, look.tree, new_paths)
        codings = [
            Coding(
                id=_new_coding_id(p.coding_id), document_id=p.document_id,
                code_id=p.code if isinstance(p.code, str) else created_codes[p.code],
                coder_id=look.coders[p.coder], start=p.start, end=p.end, memo=p.memo,
                created=p.created or utc_now(),
            )
            for p in to_add
        ]  # fmt: skip
        project.add_codings(codings, label=f"Import coded segments {table.name}")
    return SegmentsImportReport(len(to_add), skipped, codes_created, len(new_coders))


def _new_coding_id(planned_id: str) -> str:
    try:
        return str(uuid.UUID(planned_id))
    except ValueError:
        return new_id()


def _same(look: _Lookups, p: _Planned, old: Coding) -> bool:
    """Is the row the very coding already stored (so re-importing it is a no-op)?"""
    code_id = p.code if isinstance(p.code, str) else None
    return (
        (old.document_id, old.code_id, old.coder_id, old.start, old.end, old.memo)
        == (p.document_id, code_id, look.coders[p.coder], p.start, p.end, p.memo)
        and (not p.created or p.created == old.created)
    )


def _create_codes(
    project: Project, tree: CodeTree, paths: set[tuple[str, ...]]
) -> tuple[dict[tuple[str, ...], str], int]:
    """Add the codes (and missing parents) for ``paths``. Returns each path's code id
    and how many codes were added."""
    ids: dict[tuple[str, ...], str] = {}
    added = 0
    for parts in sorted(paths, key=lambda p: (len(p), p)):
        parent: str | None = None
        for depth in range(1, len(parts) + 1):
            found = tree.find_path(join_path(parts[:depth]))
            if found is None:
                parent = project.add_code(parts[depth - 1], parent).id
                tree = project.code_tree()
                added += 1
            else:
                parent = found.id
        assert parent is not None
        ids[parts] = parent
    return ids, added
