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
harmless: rows whose coding already exists unchanged are skipped, and so are
rows that repeat a coding (the same document, code, coder and offsets as one in
the project or an earlier row; a file without ids), their memos kept.
"""

from __future__ import annotations

import contextlib
import gc
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from annotator.core.codebook import CodeTree, join_path, name_key, split_path
from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.core.models import DocumentSummary, clean_name, new_id, utc_now
from annotator.core.text import normalise_newlines, plural
from annotator.io.files import refuse_project_file
from annotator.io.tables.csv_files import (
    CsvRecords,
    format_cell,
    read_csv_records,
    shown,
    write_lines,
)
from annotator.store import Project
from annotator.store.codings import CodingRow

#: ``updated_by`` names the coder who last changed the coding, if anyone did since it was
#: made (an import reads it as information only: the coding's author is ``coder``).
COLUMNS = (
    "id", "document", "code_path", "coder", "start", "end", "text", "memo", "created", "updated_by",
)  # fmt: skip
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
            (
                ref
                for ref in (d.title, d.source_name)
                if ref and holders[ref] == 1 and ref not in ids
            ),
            d.id,
        )
    return refs


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
    refuse_project_file(project.path, path, "the segments")
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

    editors = project.coding_editors()
    editor_cells = {cid: coder_cells.get(coder, "") for cid, coder in editors.items()}
    edited = editor_cells.get

    def lines() -> Iterator[str]:
        for doc_id in used:
            text = project.document_text(doc_id)
            doc = doc_cells[doc_id]
            for cid, _, code_id, coder_id, start, end, memo, created, _updated in by_doc[doc_id]:
                yield (f"{format_cell(cid)},{doc},{code_cells[code_id]},{coder_cells[coder_id]},"
                       f"{start},{end},{format_cell(text[start:end])},"
                       f"{format_cell(memo) if memo else ''},{format_cell(created)},"
                       f"{edited(cid, '')}")  # fmt: skip

    return write_lines(path, COLUMNS, lines())


# -- import --------------------------------------------------------------------------
@dataclass(frozen=True)
class SegmentsImportReport:
    """What an import did."""

    added: int
    skipped: int
    codes_created: int
    coders_created: int
    #: Rows identical (document, code, coder, start, end) to a coding already there or to an
    #: earlier row, and how many of their memos were joined to the coding kept.
    duplicates: int = 0
    memos_joined: int = 0

    def __str__(self) -> str:
        parts = [f"{self.added} codings added", f"{self.skipped} already in the project (skipped)"]
        if self.duplicates:
            memos = (
                f" ({plural(self.memos_joined, 'memo')} joined to the coding kept)"
                if self.memos_joined
                else ""
            )
            parts.append(f"{plural(self.duplicates, 'duplicate')} skipped{memos}")
        if self.codes_created:
            parts.append(f"{plural(self.codes_created, 'code')} created")
        if self.coders_created:
            parts.append(f"{plural(self.coders_created, 'coder')} added")
        return ", ".join(parts) + "."


@dataclass
class _Lookups:
    """Per-import caches so each document, code path and coder is looked up once."""

    project: Project
    table: CsvRecords
    tree: CodeTree
    create_codes: bool
    docs: dict[str, tuple[str, int]] = field(default_factory=dict)  # reference -> (id, length)
    codes: dict[str, str | tuple[str, ...]] = field(
        default_factory=dict
    )  # path -> id, or names to create
    coders: dict[str, str] = field(default_factory=dict)  # name key -> id, or "" for a coder to add
    coder_names: dict[str, str] = field(default_factory=dict)  # name key -> name as first written
    coder_cells: dict[str, str] = field(default_factory=dict)  # cell as written -> name key
    named: dict[str, DocumentSummary] | None = None  # id or name that finds one document -> it

    def document(self, number: int, cell: str) -> tuple[str, int]:
        ref = cell.strip()
        found = self.docs.get(ref)
        if found is None:
            doc = self._find_document(number, ref)
            found = self.docs[ref] = (doc.id, doc.length)
        return found

    def _find_document(self, number: int, ref: str) -> DocumentSummary:
        """``Project.find_document``, answered from one list of the documents where that is
        certain (an id, or a title or file name that only one document has): calling it
        per reference re-reads every document each time."""
        if not ref:
            raise self.table.error(number, "the document is empty.")
        if len(ref) > 1000:  # no title is that long; keep the message short
            raise self.table.error(number, f"No document '{shown(ref)}' in the project.")
        if self.named is None:
            docs = self.project.documents()
            holders: Counter[str] = Counter()
            for d in docs:
                holders.update({d.title, d.source_name})
            self.named = {d.id: d for d in docs}  # an id wins over a name, as in find_document
            for d in docs:
                for name in (d.title, d.source_name):
                    if holders[name] == 1:
                        self.named.setdefault(name, d)
        found = self.named.get(ref)
        if found is not None:
            return found
        try:  # several documents of that name, another spelling of one, or none
            return self.project.find_document(ref)
        except AnnotatorError as err:
            raise self.table.error(number, str(err)) from None

    def code(self, number: int, cell: str) -> str | tuple[str, ...]:
        path = cell.strip()
        if path not in self.codes:
            parts = tuple(clean_name(p) for p in split_path(path))
            if not parts:
                raise self.table.error(number, "the code_path is empty.")
            found = self.tree.find_path(path)
            if found is not None:
                self.codes[path] = found.id
            elif self.create_codes:
                self.codes[path] = parts
            else:
                raise self.table.error(
                    number,
                    f"no code '{join_path(parts)}' in the codebook; import the codebook first.",
                )
        return self.codes[path]

    def coder(self, number: int, cell: str) -> str:
        """The coder's key (``name_key``); ``coders[key]`` is its id, or "" if it is to be added."""
        key = self.coder_cells.get(cell)
        if key is not None:
            return key
        name = " ".join(cell.split())
        if not name:
            raise self.table.error(number, "the coder is empty; every coding needs a coder.")
        key = self.coder_cells[cell] = name_key(name)
        if key not in self.coders:
            self.coder_names[key] = name
            try:
                self.coders[key] = self.project.find_coder(name).id
            except AnnotatorError:
                self.coders[key] = ""
        return key


class _Planned(NamedTuple):
    """A checked row: the coding to add, with code and coder resolved or to be created.
    (A tuple: 100,000 of them are made in one import; ``_plan`` builds them with ``_new``.)"""

    number: int
    coding_id: str  # as in the file (a UUID in canonical form), or ""
    id_is_uuid: bool  # may the new coding keep it?
    document_id: str
    code: str | tuple[str, ...]
    coder: str
    start: int
    end: int
    memo: str
    created: str


_new = tuple.__new__
#: The cells ``_plan`` reads, in the order it unpacks them.
_CELLS = ("document", "code_path", "coder", "start", "end", "text", "id", "created", "memo")


def _not_a_number(table: CsvRecords, number: int, column: str, raw: str) -> InvalidInput:
    return table.error(number, f"{column} '{shown(raw.strip())}' is not a whole number.")


def _preview(text: str, limit: int = 40) -> str:
    """Text for a message: spaces kept (they may be the difference), line breaks shown as ⏎."""
    flat = normalise_newlines(text).replace("\n", "⏎")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


_HEX = "0123456789abcdef"
#: An id exactly as the store writes them (``str(uuid.UUID(...))``): ``_coding_id``'s quick case.
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_CANONICAL = re.compile(_UUID).fullmatch
#: Every line a canonical UUID: what the ids of our own export are.
_ALL_CANONICAL = re.compile(f"{_UUID}(?:\n{_UUID})*").fullmatch


def _coding_id(raw: str) -> tuple[str, bool]:
    """The id as a UUID in canonical form, and True; or as written (kept only to match an
    existing coding; a new one gets a UUID), and False."""
    if not raw:
        return raw, False
    digits = raw.replace("-", "")
    if (
        len(raw) == 36
        and len(digits) == 32
        and raw[8] == raw[13] == raw[18] == raw[23] == "-"
        and not digits.strip(_HEX)
    ):
        return raw, True  # as the store writes ids (``str(uuid.UUID(...))``): no need to parse it
    try:
        return str(uuid.UUID(raw)), True
    except ValueError:
        return raw, False


def _plan(look: _Lookups) -> list[_Planned]:
    """Check every row, in file order (the first bad row is the one reported), with no
    query per row: documents, codes and coders are looked up once per distinct cell,
    and a document's text is only read to compare a quoted passage, once per run of
    rows in one document (the project keeps recent texts)."""
    table, project = look.table, look.project
    planned: list[_Planned] = []
    append = planned.append
    docs: dict[str, tuple[str, int]] = {}  # cell as written -> (id, length)
    codes: dict[str, str | tuple[str, ...]] = {}  # cell as written -> id or names
    coders: dict[str, str] = {}  # cell as written -> name key
    pick: Callable[[list[str]], tuple[str, ...]] = itemgetter(*table.indexes)
    iso, canonical = datetime.fromisoformat, _CANONICAL
    # The ids checked in one pass at C speed (a file of our own has them all canonical),
    # rather than a regular expression per row.
    at = table.indexes[_CELLS.index("id")]
    ids_canonical = bool(table.records) and bool(
        _ALL_CANONICAL("\n".join([r[at] for r in table.records]))
    )
    text_of, text = "", ""
    valid = ""  # the last created time checked
    for number, record in zip(table.numbers, table.records, strict=True):
        document, code_path, coder_cell, start_cell, end_cell, quoted, raw_id, created, memo = pick(
            record
        )
        doc = docs.get(document)
        if doc is None:
            doc = docs[document] = look.document(number, document)
        doc_id, length = doc
        code = codes.get(code_path)
        if code is None:
            code = codes[code_path] = look.code(number, code_path)
        coder = coders.get(coder_cell)
        if coder is None:
            coder = coders[coder_cell] = look.coder(number, coder_cell)
        try:
            start, end = int(start_cell), int(end_cell)
        except ValueError:
            try:
                int(start_cell)
            except ValueError:
                raise _not_a_number(table, number, "start", start_cell) from None
            raise _not_a_number(table, number, "end", end_cell) from None
        if not 0 <= start < end <= length:
            raise table.error(
                number,
                f"offsets {start}..{end} are impossible in '{shown(document.strip())}' "
                f"(need 0 <= start < end <= {length}).",
            )
        if quoted:
            if doc_id != text_of:
                text_of, text = doc_id, project.document_text(doc_id)
            # The very passage? (Compared in place, without copying it out of the text.)
            if not (len(quoted) == end - start and text.startswith(quoted, start)):
                passage = text[start:end]
                if normalise_newlines(quoted) != passage:
                    raise table.error(
                        number,
                        f"the offsets {start}..{end} do not match the quoted text: the document has "
                        f"'{_preview(passage)}' there, the file quotes '{_preview(quoted)}'.",
                    )
        if ids_canonical:
            coding_id, is_uuid = raw_id, True
        else:
            raw_id = raw_id.strip()
            coding_id, is_uuid = (raw_id, True) if canonical(raw_id) else _coding_id(raw_id)
        created = created.strip()
        if created and created != valid:  # rows imported together share their time
            try:
                iso(created)
            except ValueError:
                raise table.error(
                    number, f"created '{shown(created)}' is not a date and time (ISO 8601)."
                ) from None
            valid = created
        append(
            _new(
                _Planned,
                (number, coding_id, is_uuid, doc_id, code, coder, start, end, memo, created),
            )
        )
    return planned


def import_segments(
    project: Project, path: str | Path, *, create_codes: bool = False
) -> SegmentsImportReport:
    """Add the codings of a segments CSV, as one action (all or nothing).

    Documents are found by id, title or source file name and must exist. Codes
    are found by path and must exist unless ``create_codes`` is true, in which
    case missing ones (and missing parents) are added. Missing coders are added.
    A row whose id names a coding already there must match it (and is skipped);
    a row that codes the same passage with the same code and coder as a coding
    already there, or as an earlier row, is skipped as a duplicate (its memo
    joined to the coding kept): the report counts both.

    The file is read and its rows checked before the transaction starts; what
    depends on the codings stored (ids, duplicates) is checked inside it.
    """
    with _collection_paused():
        return _import_segments(project, path, create_codes)


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection during an import (it is put back as it was after).

    An import of 100,000 rows makes about a million containers (cells, rows, row images,
    history runs) that live until it ends; they set off some 1,300 collections, five of
    them full ones that walk every object of the process, and find nothing to collect (an
    import makes no reference cycles to speak of): 0.3-0.45 s of the 2 s an import may take.
    Memory is still freed as usual, by reference counting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_segments(
    project: Project, path: str | Path, create_codes: bool
) -> SegmentsImportReport:
    table = read_csv_records(path, _CELLS, known=COLUMNS, required=REQUIRED)
    look = _Lookups(project, table, project.code_tree(), create_codes)
    planned = _plan(look)
    ids = [p.coding_id for p in planned if p.coding_id]
    seen = set(ids)
    if len(seen) != len(ids):  # some id is in two rows: say which, as the rows come
        first: dict[str, int] = {}
        for p in planned:
            if p.coding_id:
                if p.coding_id in first:
                    raise table.error(
                        p.number,
                        f"the coding id {shown(p.coding_id)} is already in row "
                        f"{first[p.coding_id]}.",
                    )
                first[p.coding_id] = p.number

    label = f"Import coded segments {table.name}"
    with project.action(label):
        stored = {r[0]: r for r in project.coding_rows_by_id(seen)}
        to_add: list[_Planned] = planned
        skipped = 0
        if stored:  # a re-import: the rows whose coding is there already are skipped
            to_add = []
            for p in planned:
                old = stored.get(p.coding_id) if p.coding_id else None
                if old is not None:
                    if _same(look, p, old):
                        skipped += 1
                        continue
                    raise table.error(
                        p.number,
                        f"a coding with id {shown(p.coding_id)} already exists in the project with "
                        "different values; remove the id to add this row as a new coding.",
                    )
                to_add.append(p)
        # Which coders and codes are to be added: only looked for among the rows if there are any.
        new_coders = (
            sorted({p.coder for p in to_add if not look.coders[p.coder]})
            if not all(look.coders.values())
            else []
        )
        new_paths = (
            {p.code for p in to_add if isinstance(p.code, tuple)}
            if any(isinstance(c, tuple) for c in look.codes.values())
            else set()
        )
        for key in new_coders:
            look.coders[key] = project.add_coder(look.coder_names[key]).id
        created_codes, codes_created = _create_codes(project, look.tree, new_paths)
        now = utc_now()
        coders = look.coders
        rows: list[CodingRow] = [
            (coding_id if is_uuid else new_id(), document_id,
             code if isinstance(code, str) else created_codes[code],
             coders[coder], start, end, memo, created or now, "")
            for _, coding_id, is_uuid, document_id, code, coder, start, end, memo, created in to_add
        ]  # fmt: skip
        added = project.add_coding_rows(rows, label=label)
    return SegmentsImportReport(
        added.added, skipped, codes_created, len(new_coders), added.duplicates, added.memos_joined
    )


def _same(look: _Lookups, p: _Planned, old: CodingRow) -> bool:
    """Is the row the very coding already stored (so re-importing it is a no-op)?"""
    code_id = p.code if isinstance(p.code, str) else None
    _, document_id, old_code, coder_id, start, end, memo, created, _ = old
    return (document_id, old_code, coder_id, start, end, memo) == (
        p.document_id,
        code_id,
        look.coders[p.coder],
        p.start,
        p.end,
        p.memo,
    ) and (not p.created or p.created == created)


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
