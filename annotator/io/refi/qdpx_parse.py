"""Reading a ``.qdpx`` archive into plain records, safely and in one streaming pass.

The archive is checked by ``io.files.check_archive`` first (zip bombs, links,
members escaping their folder, DTDs) and never unpacked to disk: members are
read from memory. The project XML (the one ``*.qde``, found case-insensitively:
ATLAS.ti names it after the project) is read with ``etree.iterparse`` and each
top-level part, and each source, is cleared once read, so a project of 50,000
codings never stands in memory as a tree. Elements are matched by local name
(real files use three spellings of the namespace); deviations the README of the
material lists become warnings.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from annotator.core.errors import InvalidInput
from annotator.io.files import check_archive, display_name, safe_member_name
from annotator.io.refi.qdc_read import CodeProblems, RefiCode, guid_key, read_codes
from annotator.io.refi.xml_safety import NAMESPACES, iterparse_options, local, namespace_of

KIND = "a REFI-QDA project (.qdpx)"
#: Largest total a .qdpx may unpack to (it may carry pictures, PDFs and recordings).
MAX_UNPACKED = 2_000_000_000
#: How much more than its packed size a large member may unpack to: text packs 3-10
#: times; a zip bomb is built to unpack hundreds or thousands of times.
MAX_RATIO = 200.0
_VALUE_TAGS = (
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
)
_OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")
#: The parts of a project read whole, each when it ends.
_TOP_PARTS = ("Users", "CodeBook", "Variables", "Cases", "Notes", "Sets")
_SELECTIONS = (
    "PictureSelection",
    "PDFSelection",
    "AudioSelection",
    "VideoSelection",
    "TranscriptSelection",
    "PlainTextSelection",
)


@dataclass(slots=True)
class RefiCoding:
    guid: str
    code: str
    user: str
    created: str
    notes: list[str]


@dataclass(slots=True)
class RefiSelection:
    guid: str
    start: int | None
    end: int | None
    user: str
    created: str
    modified: str
    description: str
    codings: list[RefiCoding]
    notes: list[str]


@dataclass
class RefiSource:
    guid: str
    name: str
    path: str
    content: str | None
    description: str
    created: str
    selections: list[RefiSelection]
    notes: list[str]
    values: list[tuple[str, str]]
    #: Codings of the whole source (no selection): we code passages, not documents.
    whole: int = 0


@dataclass
class RefiNote:
    guid: str
    name: str
    text: str
    user: str
    created: str


@dataclass
class RefiCase:
    name: str
    values: list[tuple[str, str]]
    sources: list[str]


@dataclass
class RefiProject:
    origin: str = ""
    name: str = ""
    users: list[tuple[str, str]] = field(default_factory=list)
    codes: list[RefiCode] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: dict[str, RefiNote] = field(default_factory=dict)
    project_notes: list[str] = field(default_factory=list)
    #: Sources we cannot open as text (pictures, PDFs, recordings): (kind, name, codings).
    others: list[tuple[str, str, int]] = field(default_factory=list)
    sets: int = 0
    problems: CodeProblems = field(default_factory=CodeProblems)
    warnings: list[str] = field(default_factory=list)


class Archive:
    """A checked .qdpx in memory: its project XML and its members by name."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        check_archive(
            data,
            name,
            KIND,
            None,
            max_unpacked=MAX_UNPACKED,
            max_ratio=MAX_RATIO,
            strict_names=True,
        )
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in self.zip.infolist() if not i.is_dir()]
        qdes = [i for i in infos if i.filename.lower().endswith(".qde")]
        if len(qdes) != 1:
            raise InvalidInput(
                f"{name} cannot be read as {KIND}: it holds "
                + (
                    "no project file (*.qde)."
                    if not qdes
                    else f"{len(qdes)} project files (*.qde), not one."
                )
            )
        self.qde = qdes[0]
        self._members = {(safe_member_name(i.filename) or "").lower(): i for i in infos}

    def member(self, path: str) -> zipfile.ZipInfo | None:
        """The member a ``plainTextPath`` names: ``internal://x.txt`` (or a bare name) in
        ``sources/`` or ``Sources/`` or at the top, beside the project file (which a zipped
        folder puts one level down). None if absent or escaping the folder."""
        text = path.strip()
        if text.lower().startswith("internal://"):
            text = text[len("internal://") :]
        text = text.lstrip("/")
        safe = safe_member_name(text)
        if safe is None:
            return None
        # Beside the project file: an archive made by zipping a folder ("Compress" on a
        # Mac) holds everything under that folder's name.
        base = posixpath.dirname(safe_member_name(self.qde.filename) or "")
        prefixes = [f"{base}/"] if base else []
        for candidate in (
            *(f"{p}sources/{safe}" for p in prefixes),
            *(f"{p}{safe}" for p in prefixes),
            f"sources/{safe}",
            safe,
        ):
            found = self._members.get(candidate.lower())
            if found is not None:
                return found
        return None

    def read(self, info: zipfile.ZipInfo) -> bytes:
        with self.zip.open(info) as fh:
            return fh.read(info.file_size + 1)


def _text(el: etree._Element | None) -> str:
    return "" if el is None else (el.text or "")


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    return next((c for c in el if local(c.tag) == tag), None)


def _refs(el: etree._Element, tag: str = "NoteRef") -> list[str]:
    return [
        guid_key(c.get("targetGUID", "")) for c in el if local(c.tag) == tag and c.get("targetGUID")
    ]


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)  # int() itself allows surrounding white space
    except ValueError:
        return None


def _values(el: etree._Element, tag: str | None = None) -> list[tuple[str, str]]:
    """The variable values among ``el``'s children (``tag``: their namespaced name, for
    speed on a source with thousands of children)."""
    out: list[tuple[str, str]] = []
    for vv in el.iterchildren(tag) if tag else el:
        if local(vv.tag) != "VariableValue":
            continue
        ref = _child(vv, "VariableRef")
        value = next((c for c in vv if local(c.tag) in _VALUE_TAGS), None)
        if ref is not None and ref.get("targetGUID"):
            out.append((guid_key(ref.get("targetGUID", "")), _text(value)))
    return out


class _Tags:
    """The namespaced tag names of one file (its root's namespace), so that the 50,000
    selections of a large project are read with lxml's own ``find`` instead of a Python
    loop comparing local names."""

    def __init__(self, ns: str) -> None:
        q = (lambda name: f"{{{ns}}}{name}") if ns else (lambda name: name)
        self.coding, self.code_ref, self.note_ref = q("Coding"), q("CodeRef"), q("NoteRef")
        self.description, self.selection = q("Description"), q("PlainTextSelection")
        self.content, self.value = q("PlainTextContent"), q("VariableValue")


def _selection(el: etree._Element, t: _Tags) -> RefiSelection:
    """One selection, its children read in one loop comparing namespaced tags (lxml's
    ``find`` costs microseconds a call, and a large project has tens of thousands)."""
    key = guid_key
    codings: list[RefiCoding] = []
    notes: list[str] = []
    description = ""
    for child in el:
        tag = child.tag
        if tag == t.coding:
            code = ""
            coding_notes: list[str] = []
            for part in child:
                if part.tag == t.code_ref:
                    code = key(part.get("targetGUID", ""))
                elif part.tag == t.note_ref:
                    coding_notes.append(key(part.get("targetGUID", "")))
            get = child.get
            codings.append(
                RefiCoding(
                    key(get("guid", "")),
                    code,
                    key(get("creatingUser", "")),
                    get("creationDateTime", ""),
                    coding_notes,
                )
            )
        elif tag == t.description:
            description = child.text or ""
        elif tag == t.note_ref:
            notes.append(key(child.get("targetGUID", "")))
    get = el.get
    return RefiSelection(
        key(get("guid", "")),
        _int(get("startPosition")),
        _int(get("endPosition")),
        key(get("creatingUser", "")),
        get("creationDateTime", ""),
        get("modifiedDateTime", ""),
        description,
        codings,
        notes,
    )


def _source(el: etree._Element, t: _Tags) -> RefiSource:
    content = el.find(t.content)
    return RefiSource(
        guid=guid_key(el.get("guid", "")),
        name=el.get("name", "") or "",
        path=el.get("plainTextPath", "") or "",
        content=None if content is None else (content.text or ""),
        description=_text(el.find(t.description)),
        created=el.get("creationDateTime", ""),
        selections=[_selection(s, t) for s in el.iterchildren(t.selection)],
        notes=[guid_key(n.get("targetGUID", "")) for n in el.iterchildren(t.note_ref)],
        values=_values(el, t.value),
        whole=sum(1 for _ in el.iterchildren(t.coding)),
    )


def _note(el: etree._Element, archive: Archive) -> RefiNote:
    body = _child(el, "PlainTextContent")
    text = "" if body is None else (body.text or "")
    path = el.get("plainTextPath")
    if body is None and path:
        info = archive.member(path)
        if info is not None:
            text = archive.read(info).decode("utf-8-sig", errors="replace")
    description = _text(_child(el, "Description"))
    if description and description.strip() != text.strip():
        text = f"{description}\n\n{text}" if text else description
    return RefiNote(
        guid_key(el.get("guid", "")), el.get("name", "") or "", text,
        guid_key(el.get("creatingUser", "")), el.get("creationDateTime", ""),
    )  # fmt: skip


def parse_project(archive: Archive) -> RefiProject:
    """Every part of the project XML we use, in one streaming pass."""
    out = RefiProject()
    tags = _Tags("")
    root: etree._Element | None = None
    stream = archive.zip.open(archive.qde)
    # Events only for the elements read whole (lxml filters in C): a project of 50,000
    # codings gives a few hundred events, not 400,000.
    wanted = ["Project", *_TOP_PARTS, "TextSource", *_OTHER_SOURCES]
    try:
        for event, el in etree.iterparse(
            stream,
            events=("start", "end"),
            tag=[f"{{*}}{t}" for t in wanted],
            **iterparse_options(),
        ):
            if event == "start":
                if root is None:
                    root = el
                    _root(el, out, archive.name)
                    tags = _Tags(namespace_of(el.tag))
                continue
            parent = el.getparent()
            tag = local(el.tag)
            if el is root:
                out.project_notes = _refs(el)
            elif parent is not None and parent.getparent() is root and tag == "TextSource":
                out.sources.append(_source(el, tags))
                el.clear()
            elif parent is not None and parent.getparent() is root and tag in _OTHER_SOURCES:
                count = sum(
                    len([c for c in s if local(c.tag) == "Coding"])
                    for s in el.iter()
                    if local(s.tag) in _SELECTIONS
                )
                out.others.append((tag.removesuffix("Source"), el.get("name", ""), count))
                el.clear()
            elif parent is root:
                _top(el, tag, out, archive)
                el.clear()
        if root is None:
            raise InvalidInput(
                f"{archive.name} cannot be read as {KIND}: its project file has no <Project>."
            )
    except etree.XMLSyntaxError as err:
        raise InvalidInput(
            f"{archive.name} cannot be read as {KIND}: its project file "
            f"{display_name(archive.qde.filename)} is not well-formed XML ({err})."
        ) from err
    finally:
        stream.close()
    return out


def _root(el: etree._Element, out: RefiProject, name: str) -> None:
    if local(el.tag) != "Project":
        raise InvalidInput(
            f"{name} cannot be read as {KIND}: its project file's root is <{local(el.tag)}>, not <Project>."
        )
    out.origin = el.get("origin", "") or ""
    out.name = el.get("name", "") or ""
    ns = namespace_of(el.tag)
    if ns != NAMESPACES["project"]:
        out.warnings.append(
            f"{name} uses the namespace {ns or '(none)'}; read as {NAMESPACES['project']}."
        )


def _top(el: etree._Element, tag: str, out: RefiProject, archive: Archive) -> None:
    if tag == "Users":
        out.users = [
            (guid_key(u.get("guid", "")), u.get("name", "") or "")
            for u in el
            if local(u.tag) == "User"
        ]
    elif tag == "CodeBook":
        codes = _child(el, "Codes")
        if codes is not None:
            out.codes = read_codes(codes, out.problems)
    elif tag == "Variables":
        out.variables = {
            guid_key(v.get("guid", "")): v.get("name", "") or ""
            for v in el
            if local(v.tag) == "Variable"
        }
    elif tag == "Cases":
        for case in el:
            if local(case.tag) == "Case":
                out.cases.append(
                    RefiCase(case.get("name", "") or "", _values(case), _refs(case, "SourceRef"))
                )
    elif tag == "Notes":
        for note in el:
            if local(note.tag) == "Note":
                read = _note(note, archive)
                out.notes[read.guid] = read
    elif tag == "Sets":
        out.sets = sum(1 for s in el if local(s.tag) == "Set")
        if not out.sets:
            out.warnings.append(
                f"{archive.name} has an empty <Sets/>, which the schema forbids; ignored."
            )
