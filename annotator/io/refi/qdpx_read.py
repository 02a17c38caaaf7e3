"""Opening a ``.qdpx`` as a new project: every text, code, coder, coding and memo it holds.

``qdpx_parse`` reads the archive into records; this module turns them into our
entities and writes them into a new project file in one action. The project is
built under a temporary name beside the target and only linked into place when
everything is in: a failure, a malformed file or a cancel leaves no file.

- Users -> coders (a coding without a known user gets one coder named after the
  producer, "Imported from NVivo"); the codebook goes through the one codebook
  plan (``qdc_read``), then the memos its codes point at.
- Text sources -> documents, their text from ``sources/`` (or inline), decoded as
  a text file is (a byte-order mark is not part of the text); variable values on
  the source, and on the cases that point at it (MAXQDA), -> attributes; a named
  case also gives its sources the attribute ``Case``.
- Each ``Coding`` of a ``PlainTextSelection`` -> one coding, its positions counted
  as its producer counts them (``positions``), its coder the coding's user, else
  the selection's. A coding that cannot be placed (outside its text, an unknown
  code, a source without text, a picture or recording) is counted by reason in
  the report, never shifted or silently dropped. A selection without a code but
  with a note becomes a memo on its document quoting the passage.
- Notes -> memos: on a code, on a coding, on a document, or on the project.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.codebook import name_key
from annotator.core.codebook_plan import canonical_uuid
from annotator.core.errors import InvalidInput
from annotator.core.models import clean_name, new_id, utc_now
from annotator.core.text import fingerprint, normalise_newlines, plural
from annotator.io.files import display_name, read_file
from annotator.io.refi.common import Cancel, Progress, check_cancel, read_time, uuid_of
from annotator.io.refi.positions import Counting, PositionMap, best_counting, counting_for
from annotator.io.refi.qdc_read import apply_specs, plan_specs, to_specs
from annotator.io.refi.qdpx_parse import Archive, RefiProject, RefiSource, parse_project
from annotator.io.refi.qdpx_write import SOURCE_LINE
from annotator.io.sources.decode import decode_text
from annotator.store import Project
from annotator.store.codings import CodingRow

#: Largest .qdpx we open (the texts are small; pictures and recordings make them large).
MAX_QDPX_BYTES = 2_000_000_000


@dataclass
class QdpxImportReport:
    documents: int = 0
    codes: int = 0
    coders: int = 0
    codings: int = 0
    memos: int = 0
    attributes: int = 0
    #: Codings identical to another (same passage, code and coder), folded into it.
    duplicates: int = 0
    #: Codings that could not be placed, by reason.
    unplaced: Counter[str] = field(default_factory=Counter)
    #: Sources not imported: (name, reason).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: How positions were counted: "UTF-16 code units (NVivo counts so)".
    counting: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [
            f"{plural(self.documents, 'document')}, {plural(self.codes, 'code')}, "
            f"{plural(self.coders, 'coder')}, "
            f"{plural(self.codings, 'coding')}, {plural(self.memos, 'memo')}, "
            f"{plural(self.attributes, 'attribute')}."
        ]
        lines += [f"Positions: {c}." for c in self.counting]
        if self.duplicates:
            lines.append(f"{self.duplicates} codings repeated another and were folded into it.")
        for reason, n in sorted(self.unplaced.items()):
            lines.append(f"Not placed: {n} coding{'s' if n != 1 else ''}: {reason}.")
        for name, reason in self.skipped:
            lines.append(f"Skipped source '{name}': {reason}.")
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass
class _Doc:
    id: str
    source: RefiSource
    text: str
    positions: PositionMap | None
    attributes: dict[str, str]


def import_qdpx(
    path: str | Path,
    project_path: str | Path,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> QdpxImportReport:
    """Open the REFI-QDA project ``path`` as the new project file ``project_path``."""
    source = Path(path)
    target = Path(project_path)
    name = display_name(source.name)
    what = f"Importing {name}"
    if target.exists():
        raise InvalidInput(
            f"{display_name(target.name)} already exists; give a new project file name."
        )
    if not target.parent.is_dir():
        raise InvalidInput(f"Cannot create {display_name(target.name)}: its folder does not exist.")
    archive = Archive(read_file(source, MAX_QDPX_BYTES), name)
    refi = parse_project(archive)
    check_cancel(cancel, what)
    report = QdpxImportReport(warnings=list(refi.warnings))
    total = len(refi.sources) + 2
    if progress:
        progress(1, total)
    docs = _documents(archive, refi, report, progress, cancel, total)
    temp = target.with_name(f".{target.name}.{os.getpid()}.importing")
    try:
        project = Project.create(temp)
        try:
            with project.action(f"Import {name}"):
                _write(project, refi, docs, report, name)
                check_cancel(cancel, what)
        finally:
            project.close()
        try:
            os.link(temp, target)  # fails if the target appeared meanwhile: never overwrite
        except FileExistsError as err:
            raise InvalidInput(
                f"{display_name(target.name)} already exists; nothing was imported."
            ) from err
        except OSError:
            os.replace(temp, target)  # a file system without hard links
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            leftover.unlink(missing_ok=True)
    if progress:
        progress(total, total)
    return report


def _documents(
    archive: Archive,
    refi: RefiProject,
    report: QdpxImportReport,
    progress: Progress | None,
    cancel: Cancel | None,
    total: int,
) -> list[_Doc]:
    """Each text source's text, attributes and position map; the rest reported."""
    variables = refi.variables
    case_values: dict[str, dict[str, str]] = {}
    for case in refi.cases:
        for ref in case.sources:
            values = case_values.setdefault(ref, {})
            for var, value in case.values:
                values.setdefault(variables.get(var) or "Variable", value)
            if case.name.strip():
                values["Case"] = "; ".join(filter(None, [values.get("Case"), case.name.strip()]))
    fixed = counting_for(refi.origin)
    producer = refi.origin or "an unknown program"
    chosen: Counter[Counting] = Counter()
    seen_texts: set[str] = set()
    docs: list[_Doc] = []
    for n, src in enumerate(refi.sources):
        check_cancel(cancel, f"Importing {archive.name}")
        if progress:
            progress(n + 1, total)
        codings = sum(len(s.codings) for s in src.selections)
        label = src.name or src.guid

        def skip(reason: str, short: str = "", codings: int = codings, label: str = label) -> None:
            report.skipped.append((label, reason))
            if codings:
                report.unplaced[f"their source was skipped ({short or reason})"] += codings

        raw = _raw_text(archive, src, skip)
        if raw is None:
            continue
        text = normalise_newlines(raw)
        if not text.strip():
            skip("it has no text")
            continue
        digest = fingerprint(text)
        if digest in seen_texts:
            skip("its text is the same as another source's")
            continue
        seen_texts.add(digest)
        counting = fixed
        spans = [
            (s.start, s.end) for s in src.selections if s.start is not None and s.end is not None
        ]
        if counting is None:
            counting, cp_share, u16_share = (
                best_counting(raw, spans) if spans else ("codepoint", 1.0, 1.0)
            )
            if spans and cp_share != u16_share:
                report.warnings.append(
                    f"'{label}': {producer} is not a program we know; its positions were read as "
                    f"{_COUNTING[counting]} ({max(cp_share, u16_share):.0%} of selection ends on word "
                    f"boundaries, against {min(cp_share, u16_share):.0%} the other way)."
                )
        chosen[counting] += 1
        attributes = {variables.get(var) or "Variable": value for var, value in src.values}
        for key, value in case_values.get(src.guid, {}).items():
            attributes.setdefault(key, value)
        unknown = sum(var not in variables for var, _ in src.values)
        if unknown:
            report.warnings.append(
                f"'{label}': {unknown} variable values name no variable; kept as 'Variable'."
            )
        wanted = canonical_uuid(src.guid)
        docs.append(_Doc(wanted or new_id(), src, text, PositionMap(raw, counting), attributes))
    why = {
        "utf16": f"{producer} counts UTF-16 code units (an emoji counts two)",
        "codepoint": f"{producer} counts characters (code points), as the standard says",
    }
    for counting, count in chosen.items():
        report.counting.append(
            f"{plural(count, 'source')} counted in {_COUNTING[counting]}: " + why[counting]
        )
    for kind, src_name, codings in refi.others:
        article = "an" if kind[0] in "AEIOU" else "a"
        report.skipped.append((src_name, f"{article} {kind.lower()} source, not a text"))
        if codings:
            report.unplaced[f"on {kind.lower()} sources, which Annotator does not hold"] += codings
    return docs


_COUNTING: dict[Counting, str] = {"utf16": "UTF-16 code units", "codepoint": "code points"}


def _raw_text(archive: Archive, src: RefiSource, skip: Callable[[str, str], None]) -> str | None:
    """The source's text as its file holds it (byte-order mark removed), or None (skipped)."""
    if src.content is not None and not src.path:
        return src.content
    if not src.path:
        skip("it names no text", "")
        return None
    info = archive.member(src.path)
    if info is None:
        skip(
            f"its text {display_name(src.path)} is not in the archive",
            "its text is not in the archive",
        )
        return None
    try:
        text, _notes = decode_text(archive.read(info), display_name(info.filename))
    except InvalidInput as err:
        skip(str(err).rstrip("."), "its text cannot be read")
        return None
    return text


def _write(
    project: Project, refi: RefiProject, docs: list[_Doc], report: QdpxImportReport, name: str
) -> None:
    """Everything, inside the import's one action."""
    notes = refi.notes
    used_notes: set[str] = set()

    def note_text(refs: list[str]) -> list[str]:
        out = []
        for ref in refs:
            note = notes.get(ref)
            if note is not None:
                used_notes.add(ref)
                if note.text:
                    out.append(note.text)
        return out

    # Coders.
    coders: dict[str, str] = {}
    names: set[str] = set()
    for guid, user_name in refi.users:
        shown = _unique(user_name.strip() or f"User {guid[:8]}", names)
        wanted = canonical_uuid(guid)
        coder = project.add_coder(
            shown, coder_id=wanted if wanted and wanted not in coders.values() else None
        )
        coders[guid] = coder.id
    fallback: list[str] = []

    def coder_for(*users: str) -> str:
        for user in users:
            if user in coders:
                return coders[user]
        if not fallback:
            who = refi.origin.split()[0] if refi.origin.strip() else "another program"
            fallback.append(project.add_coder(_unique(f"Imported from {who}", names)).id)
        return fallback[0]

    # Codebook: the one plan, then the memos its codes point at.
    code_ids: dict[str, str] = {}
    if refi.codes:
        specs = to_specs(refi.codes, refi.problems)
        plan = plan_specs(project, specs, name)
        memos = [
            "\n\n".join(_dedupe([*([m] if m else []), *note_text(refs)])) or None
            for m, refs in zip(specs.memos, specs.note_refs, strict=True)
        ]
        ids, _ = apply_specs(project, plan, memos, f"Import {name}")
        code_ids = {g: ids[i] for i, g in enumerate(specs.guids) if g}
        report.codes = len(ids)
    report.warnings += refi.problems.warnings()
    if refi.sets:
        report.warnings.append(
            f"{refi.sets} sets (groups of codes or sources) are not kept: Annotator has no sets."
        )
    # Documents.
    for doc in docs:
        src = doc.source
        source_name, fmt, description = _origin(src.description)
        project.add_document(
            (src.name or "Untitled").strip() or "Untitled",
            doc.text,
            source_name=source_name,
            format=fmt,
            attributes=doc.attributes,
            document_id=doc.id,
        )
        report.attributes += len(doc.attributes)
        if description:
            project.add_memo(description, title="Description", document_id=doc.id)
            report.memos += 1
    report.documents = len(docs)
    # Codings.
    rows: list[CodingRow] = []
    ids_taken: set[str] = set()
    now = utc_now()
    for doc in docs:
        assert doc.positions is not None
        for sel in doc.source.selections:
            span = None
            if sel.start is not None and sel.end is not None:
                span = doc.positions.span(sel.start, sel.end)
            memo = "\n\n".join(
                _dedupe(
                    [*([sel.description] if sel.description.strip() else []), *note_text(sel.notes)]
                )
            )
            if not sel.codings:
                if memo and span is not None:
                    quote = doc.text[span[0] : span[1]]
                    project.add_memo(f"“{quote}”\n\n{memo}", title="Note on a passage", document_id=doc.id,
                                     coder_id=coders.get(sel.user))  # fmt: skip
                    report.memos += 1
                else:
                    report.unplaced["a selection without a code"] += 1
                continue
            for coding in sel.codings:
                reason = _unplaceable(sel, span, coding.code, code_ids)
                if reason:
                    report.unplaced[reason] += 1
                    continue
                assert span is not None
                cid = uuid_of(coding.guid)
                if cid is None or cid in ids_taken:
                    cid = new_id()
                ids_taken.add(cid)
                created = read_time(coding.created) or read_time(sel.created) or now
                modified = read_time(sel.modified) or ""
                own = "\n\n".join(_dedupe([*([memo] if memo else []), *note_text(coding.notes)]))
                rows.append((cid, doc.id, code_ids[coding.code], coder_for(coding.user, sel.user),
                             span[0], span[1], own, created, modified if modified and modified > created else ""))  # fmt: skip
    for src in refi.sources:
        if src.whole:
            report.unplaced["a coding of a whole source, not of a passage"] += src.whole
    added = project.add_coding_rows(rows, f"Import {name}")
    report.codings, report.duplicates = added.added, added.duplicates
    # Memos: the notes nothing above used, on their document or on the project.
    by_doc = {ref: doc.id for doc in docs for ref in doc.source.notes}
    for guid, note in notes.items():
        if guid in used_notes or not (note.text.strip() or note.name.strip()):
            continue
        project.add_memo(
            note.text, title=note.name, document_id=by_doc.get(guid), coder_id=coders.get(note.user)
        )
        report.memos += 1
    report.coders = len(project.coders())


def _unplaceable(
    sel: object, span: tuple[int, int] | None, code: str, code_ids: dict[str, str]
) -> str:
    if not code:
        return "a coding without a code reference"
    if code not in code_ids:
        return "its code is not in the codebook"
    if span is None:
        return "its positions lie outside its text"
    if span[0] >= span[1]:
        return "its selection is empty or ends before it starts"
    return ""


def _origin(description: str) -> tuple[str, str, str]:
    """Our "Source file: x.docx (docx)" line back as (name, format); another description
    stays a description (it becomes the document's memo)."""
    found = SOURCE_LINE.fullmatch(description.strip())
    if found:
        return found.group(1), found.group(2), ""
    return "", "txt", description.strip()


def _unique(name: str, taken: set[str]) -> str:
    try:
        base = clean_name(name)
    except InvalidInput:
        base = "Unnamed"
    shown, n = base, 1
    while name_key(shown) in taken:
        n += 1
        shown = f"{base} ({n})"
    taken.add(name_key(shown))
    return shown


def _dedupe(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part and part not in out:
            out.append(part)
    return out
