"""Writing a whole project as REFI-QDA (``.qdpx``): a zip of ``project.qde`` and ``sources/``.

The mapping (``docs/refi-qda.md`` has the full table):

- coders -> ``Users`` (GUID = coder id); codes -> ``CodeBook`` (``qdc_write``), a
  code's memo -> a ``Note`` it points at with ``NoteRef``;
- documents -> ``TextSource`` (GUID = document id) whose text is
  ``sources/<id>.txt``, UTF-8 without a byte-order mark, exactly the stored text;
  its original file name and format -> the source's ``Description``
  ("Source file: speech.docx (docx)"); attributes -> ``VariableValue`` s of text
  ``Variables``;
- codings -> one ``PlainTextSelection`` each (positions in code points of that
  text, as the standard says) holding one ``Coding`` (GUID = coding id) with one
  ``CodeRef``, its coder and time; a coding's memo -> the selection's
  ``Description`` (ATLAS.ti shows that) and a ``Note`` it points at;
- memos -> ``Notes``: a document's memos referenced from its source, the project's
  from the project.

The XML is built as escaped strings in one pass (no tree of 150,000 elements),
validated against ``Project.xsd``, and the archive is written to a temporary file
beside the target, then moved into place: a failure or a cancel leaves the target
as it was.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.codebook import CodeTree
from annotator.core.models import Coder, DocumentSummary, Memo, utc_now
from annotator.core.text import plural
from annotator.io.files import refuse_project_file
from annotator.io.refi.common import (
    ORIGIN,
    Cancel,
    Progress,
    check_cancel,
    derived_guid,
    read_time,
    replacing,
)
from annotator.io.refi.qdc_write import codes_xml
from annotator.io.refi.xml_safety import NAMESPACES, Escaper, check_valid
from annotator.store import Project
from annotator.store.codings import CodingRow

#: The folder of the source texts inside the archive (the standard's spelling).
SOURCES = "sources"
#: How long a selection's ``name`` (a preview of its text, as ATLAS.ti writes) may be.
PREVIEW = 60
#: A source's Description as we write it, read back by ``qdpx_read``: file name and format.
SOURCE_LINE = re.compile(r"Source file: (.+) \(([^()\n]*)\)")
#: zlib level: 1 packs text to about a third (6 to a quarter) in a third of the time,
#: which is most of an export's time.
COMPRESSLEVEL = 1


@dataclass(frozen=True)
class QdpxExportReport:
    documents: int
    codes: int
    coders: int
    codings: int
    memos: int
    #: Characters XML cannot hold (control characters in names or memos), left out.
    dropped: int = 0

    def __str__(self) -> str:
        line = (
            f"{plural(self.documents, 'document')}, {plural(self.codes, 'code')}, "
            f"{plural(self.coders, 'coder')}, "
            f"{plural(self.codings, 'coding')}, {plural(self.memos, 'memo')}."
        )
        if self.dropped:
            line += (
                f"\nWarning: {self.dropped} control characters in names or memos cannot be "
                "stored in XML and were left out."
            )
        return line


def source_description(doc: DocumentSummary) -> str:
    """Where a document came from, as the source's Description (read back by ``qdpx_read``)."""
    if not doc.source_name:
        return ""
    return f"Source file: {doc.source_name} ({doc.format})"


def _time_attr(esc: Escaper, name: str, value: str | None) -> str:
    moment = read_time(value)
    return f' {name}="{moment}"' if moment else ""


def _preview(text: str) -> str:
    shown = " ".join(text[: 4 * PREVIEW].split())
    return shown if len(shown) <= PREVIEW else shown[: PREVIEW - 1].rstrip() + "…"


class _Writer:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.esc = Escaper()
        self.notes: list[str] = []
        self.memo_count = 0

    def note(
        self,
        guid: str,
        name: str,
        text: str,
        *,
        user: str | None = None,
        created: str | None = None,
        modified: str | None = None,
    ) -> None:
        esc = self.esc
        attrs = f'guid="{guid}" name="{esc.attr(name)}"'
        if user:
            attrs += f' creatingUser="{esc.attr(user)}"'
        attrs += _time_attr(esc, "creationDateTime", created)
        attrs += _time_attr(esc, "modifiedDateTime", modified)
        self.notes.append(
            f"<Note {attrs}><PlainTextContent>{esc.text(text)}</PlainTextContent></Note>"
        )

    def users(self, coders: list[Coder]) -> Iterator[str]:
        if not coders:
            return  # never an empty <Users/>
        yield "<Users>"
        for c in coders:
            yield f'<User guid="{c.id}" name="{self.esc.attr(c.name)}"/>'
        yield "</Users>"

    def codebook(self, tree: CodeTree) -> Iterator[str]:
        if not tree.codes:
            return
        memo_notes: dict[str, str] = {}
        for code in tree.codes.values():
            if code.memo:
                guid = derived_guid("memo", code.id)
                memo_notes[code.id] = guid
                self.note(guid, f"Memo on {code.name}", code.memo)
        yield "<CodeBook>"
        yield from codes_xml(tree, self.esc, memo_in_description=False, memo_notes=memo_notes)
        yield "</CodeBook>"

    def variables(self, names: list[str]) -> Iterator[str]:
        if not names:
            return
        yield "<Variables>"
        for name in names:
            guid = derived_guid("variable", name)
            yield f'<Variable guid="{guid}" name="{self.esc.attr(name)}" typeOfVariable="Text"/>'
        yield "</Variables>"

    def source(
        self,
        doc: DocumentSummary,
        text: str,
        codings: list[CodingRow],
        memos: list[Memo],
    ) -> Iterator[str]:
        esc = self.esc
        attrs = (
            f'guid="{doc.id}" name="{esc.attr(doc.title)}" '
            f'plainTextPath="internal://{doc.id}.txt"'
            f"{_time_attr(esc, 'creationDateTime', doc.imported_at)}"
        )
        yield f"<TextSource {attrs}>"
        described = source_description(doc)
        if described:
            yield f"<Description>{esc.text(described)}</Description>"
        for cid, _doc, code, coder, start, end, memo, created, updated in codings:
            when = _time_attr(esc, "creationDateTime", created)
            sel = (
                f'<PlainTextSelection guid="{derived_guid("selection", cid)}" '
                f'name="{esc.attr(_preview(text[start:end]))}" '
                f'startPosition="{start}" endPosition="{end}" creatingUser="{coder}"{when}'
            )
            if updated:
                sel += f' modifyingUser="{coder}"{_time_attr(esc, "modifiedDateTime", updated)}'
            coding = (
                f'<Coding guid="{cid}" creatingUser="{coder}"{when}>'
                f'<CodeRef targetGUID="{code}"/></Coding>'
            )
            if memo:
                note = derived_guid("memo", cid)
                self.note(note, "Memo on coding", memo, user=coder, created=created)
                yield (
                    f"{sel}><Description>{esc.text(memo)}</Description>{coding}"
                    f'<NoteRef targetGUID="{note}"/></PlainTextSelection>'
                )
            else:
                yield f"{sel}>{coding}</PlainTextSelection>"
        for memo_ in memos:
            yield f'<NoteRef targetGUID="{memo_.id}"/>'
        for name, value in sorted(doc.attributes.items()):
            yield (
                f'<VariableValue><VariableRef targetGUID="{derived_guid("variable", name)}"/>'
                f"<TextValue>{esc.text(value)}</TextValue></VariableValue>"
            )
        yield "</TextSource>"

    def memo_notes(self, memos: list[Memo]) -> None:
        for m in memos:
            self.memo_count += 1
            self.note(m.id, m.title, m.text, user=m.coder_id, created=m.created, modified=m.updated)


def export_qdpx(
    project: Project,
    path: str | Path,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> QdpxExportReport:
    """Write the whole project to ``path`` as a REFI-QDA project (.qdpx).

    ``progress(done, total)`` is called as documents are written; ``cancel()`` is asked
    between them, and True stops the export, leaving no file (and the old one, if any)."""
    target = Path(path)
    refuse_project_file(project.path, target, "the project")
    what = f"Exporting {target.name}"
    w = _Writer(project)
    esc = w.esc
    coders = project.coders()
    tree = project.code_tree()
    docs = project.documents()
    rows = project.coding_rows()
    by_doc: dict[str, list[CodingRow]] = {}
    for row in rows:
        by_doc.setdefault(row[1], []).append(row)
    project_memos = project.memos(None)
    doc_memos = {d.id: project.memos(d.id) for d in docs}
    total = 2 * len(docs) + 2
    if progress:
        progress(0, total)
    name = project.path.stem
    parts: list[str] = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<Project xmlns="{NAMESPACES["project"]}" name="{esc.attr(name)}" '
        f'origin="{esc.attr(ORIGIN)}"{_time_attr(esc, "modifiedDateTime", utc_now())}>',
    ]
    parts += w.users(coders)
    parts += w.codebook(tree)
    parts += w.variables(sorted({n for d in docs for n in d.attributes}))
    texts: list[tuple[str, bytes]] = []
    if docs:
        parts.append("<Sources>")
        for i, doc in enumerate(docs):
            check_cancel(cancel, what)
            text = project.document_text(doc.id)
            texts.append((f"{SOURCES}/{doc.id}.txt", text.encode("utf-8")))
            parts += w.source(doc, text, by_doc.get(doc.id, []), doc_memos[doc.id])
            w.memo_notes(doc_memos[doc.id])
            if progress:
                progress(i + 1, total)
        parts.append("</Sources>")
    w.memo_notes(project_memos)
    if w.notes:
        parts.append("<Notes>")
        parts += w.notes
        parts.append("</Notes>")
    parts += [f'<NoteRef targetGUID="{m.id}"/>' for m in project_memos]
    parts.append("</Project>\n")
    data = "".join(parts).encode("utf-8")
    check_cancel(cancel, what)
    check_valid(data, "project", target.name)
    with replacing(target) as fh:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL) as zf:
            zf.writestr("project.qde", data)
            for i, (member, body) in enumerate(texts):
                check_cancel(cancel, what)
                zf.writestr(member, body)
                if progress:
                    progress(len(docs) + i + 1, total)
        check_cancel(cancel, what)
    if progress:
        progress(total, total)
    return QdpxExportReport(
        len(docs), len(tree.codes), len(coders), len(rows), w.memo_count, esc.dropped
    )
