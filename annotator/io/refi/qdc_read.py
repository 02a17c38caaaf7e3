"""Reading a REFI-QDA codebook: a ``.qdc`` file, or the ``CodeBook`` inside a ``.qdpx``.

Import is lenient (real files break the schema): a namespace other than the
standard's, an empty ``<Sets/>``, a code without a colour or with an id that is
not a GUID, an empty or repeated name, each gives a warning, never a failure.
Only what cannot be a codebook at all (not XML, no ``Codes``) is refused.

The codes become ``core.codebook_plan.CodeSpec`` s, placed by the path of their
names and matched by id first (our own export coming back: the GUIDs are our
code ids), then by path (another tool's export of the same codebook: tools
regenerate GUIDs, so a GUID alone never decides). Bringing a .qdc into a project
is one plan applied in one action: one transaction, one undo step. A code's
``Description`` fills definition, criteria and example (``description``); a
``Memo:`` section (our .qdc) or the notes a .qdpx code points at, its memo.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from annotator.core.codebook import join_path, name_key
from annotator.core.codebook_plan import (
    CodebookPlan,
    CodebookPlanError,
    CodeSpec,
    Wording,
    canonical_uuid,
    plan_codebook,
)
from annotator.core.colors import normalise_color
from annotator.core.errors import InvalidInput
from annotator.core.models import clean_name
from annotator.io.files import display_name, read_file
from annotator.io.refi.description import parse
from annotator.io.refi.xml_safety import (
    Kind,
    local,
    namespace_warning,
    parse_xml,
    schema_warnings,
)
from annotator.store import Project

#: Largest .qdc we read (a codebook of 10,000 codes with long descriptions is a few MB).
MAX_QDC_BYTES = 64_000_000

WORDING = Wording(incoming="this codebook", another="another code in it", after="after the import")


def guid_key(value: str) -> str:
    """A GUID as we compare them: braces stripped, lower case (README item 6)."""
    if len(value) == 36:  # the common case: nothing to strip
        return value.lower()
    return value.strip().strip("{}").lower()


@dataclass
class RefiCode:
    """One ``Code`` element as read."""

    guid: str
    name: str
    color: str | None
    description: str | None
    codable: bool
    note_refs: list[str] = field(default_factory=list)
    children: list[RefiCode] = field(default_factory=list)


@dataclass
class CodeProblems:
    """Counts of the deviations met while reading codes, said once each at the end."""

    no_guid: int = 0
    not_guid: int = 0
    repeated_guid: int = 0
    no_color: int = 0
    bad_color: int = 0
    no_name: int = 0
    renamed: list[str] = field(default_factory=list)

    def warnings(self) -> list[str]:
        out: list[str] = []
        if self.no_guid or self.not_guid:
            out.append(
                f"{self.no_guid + self.not_guid} codes have no GUID or one that is not a GUID; "
                "they were matched by their names and new ones get new ids."
            )
        if self.repeated_guid:
            out.append(f"{self.repeated_guid} codes repeat another code's GUID; they get new ids.")
        if self.no_color:
            out.append(f"{self.no_color} codes have no colour; new ones get one from the palette.")
        if self.bad_color:
            out.append(f"{self.bad_color} codes have a colour we cannot read; treated as none.")
        if self.no_name:
            out.append(f"{self.no_name} codes have no name; they are called 'Unnamed code'.")
        if self.renamed:
            shown = ", ".join(f"'{n}'" for n in self.renamed[:5])
            more = f" and {len(self.renamed) - 5} more" if len(self.renamed) > 5 else ""
            out.append(
                f"{len(self.renamed)} codes share a name with a sibling and were numbered: "
                f"{shown}{more}."
            )
        return out


def read_codes(codes: etree._Element, problems: CodeProblems) -> list[RefiCode]:
    """The ``Code`` elements under a ``Codes`` element, nested as in the file."""
    return [_read_code(el, problems) for el in codes if local(el.tag) == "Code"]


def _read_code(el: etree._Element, problems: CodeProblems) -> RefiCode:
    guid = (el.get("guid") or "").strip()
    if not guid:
        problems.no_guid += 1
    elif canonical_uuid(guid_key(guid)) is None:
        problems.not_guid += 1
    raw_color = el.get("color")
    color: str | None = None
    if raw_color is None or not raw_color.strip():
        problems.no_color += 1
    else:
        try:
            color = normalise_color(raw_color)
        except InvalidInput:
            problems.bad_color += 1
    description: str | None = None
    notes: list[str] = []
    children: list[RefiCode] = []
    for child in el:
        tag = local(child.tag)
        if tag == "Description":
            description = child.text or ""
        elif tag == "NoteRef" and child.get("targetGUID"):
            notes.append(guid_key(child.get("targetGUID", "")))
        elif tag == "Code":
            children.append(_read_code(child, problems))
    return RefiCode(
        guid=guid,
        name=el.get("name") or "",
        color=color,
        description=description,
        codable=(el.get("isCodable") or "true").strip().lower() not in ("false", "0"),
        note_refs=notes,
        children=children,
    )


@dataclass
class CodeSpecs:
    """The specs for a list of read codes, and what belongs to each beside the plan."""

    specs: list[CodeSpec]
    #: The file's GUID (``guid_key``) of each spec, "" when it had none.
    guids: list[str]
    #: The memo each spec sets (None: leaves it alone).
    memos: list[str | None]
    #: The note GUIDs each spec's code points at (a .qdpx resolves them to its memo).
    note_refs: list[list[str]]


def to_specs(codes: Iterable[RefiCode], problems: CodeProblems) -> CodeSpecs:
    """Specs placed by path, parents before children, sibling names made unique."""
    out = CodeSpecs([], [], [], [])
    seen_ids: set[str] = set()

    def walk(items: Iterable[RefiCode], path: tuple[str, ...]) -> None:
        names: set[str] = set()
        for code in items:
            try:
                name = clean_name(code.name)
            except InvalidInput:
                problems.no_name += 1
                name = "Unnamed code"
            base, n = name, 1
            while name_key(name) in names:
                n += 1
                name = f"{base} ({n})"
            if n > 1:
                problems.renamed.append(name)
            names.add(name_key(name))
            key = guid_key(code.guid)
            spec_id = canonical_uuid(key) if key else None
            if spec_id is not None and spec_id in seen_ids:
                problems.repeated_guid += 1
                spec_id = None
            if spec_id is not None:
                seen_ids.add(spec_id)
            texts = parse(code.description) if code.description is not None else None
            full = join_path((*path, name))
            out.specs.append(
                CodeSpec(
                    name=name,
                    source=f"code '{full}'",
                    id=spec_id,
                    parent_path=path,
                    color=code.color,
                    definition=texts.definition if texts else None,
                    inclusion=texts.inclusion if texts else None,
                    exclusion=texts.exclusion if texts else None,
                    example=texts.example if texts else None,
                )
            )
            out.guids.append(key)
            out.memos.append(texts.memo if texts and texts.memo else None)
            out.note_refs.append(code.note_refs)
            walk(code.children, (*path, name))

    walk(codes, ())
    return out


def plan_specs(project: Project, specs: CodeSpecs, origin: str) -> CodebookPlan:
    try:
        return plan_codebook(project.code_tree(), specs.specs, origin=origin, wording=WORDING)
    except CodebookPlanError as err:
        raise InvalidInput(str(err)) from None


def apply_specs(
    project: Project, plan: CodebookPlan, memos: list[str | None], label: str
) -> tuple[dict[int, str], int]:
    """Apply the plan and the memos it does not carry, in the current (or a new) action.
    Returns each spec's code id and how many memos changed."""
    changed = 0
    with project.action(label):
        project.apply_codebook_plan(plan, label)
        ids = {m.spec: m.code_id for m in plan.matches}
        for i, memo in enumerate(memos):
            if memo is not None and project.code(ids[i]).memo != memo:
                project.update_code(ids[i], memo=memo)
                changed += 1
    return ids, changed


@dataclass(frozen=True)
class QdcImportReport:
    """What a .qdc import did, and what in the file was not as the standard says."""

    created: int
    updated: int
    unchanged: int
    memos: int = 0
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [
            f"{self.created} codes created, {self.updated} updated, {self.unchanged} unchanged."
        ]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def codebook_root(data: bytes, name: str) -> tuple[etree._Element, list[str]]:
    """The ``Codes`` element of a .qdc (or of a project XML), with the warnings so far."""
    what = "a REFI-QDA codebook (.qdc)"
    root = parse_xml(data, name, what)
    kind: Kind = "project" if local(root.tag) == "Project" else "codebook"
    if local(root.tag) not in ("CodeBook", "Project"):
        raise InvalidInput(
            f"{name} is not a REFI-QDA codebook: its root element is <{local(root.tag)}>, "
            "not <CodeBook>."
        )
    warnings = [w for w in [namespace_warning(root, kind, name)] if w]
    warnings += schema_warnings(root, kind, name)
    holder = root
    if kind == "project":
        holder = next((el for el in root if local(el.tag) == "CodeBook"), None)
        if holder is None:
            raise InvalidInput(f"{name} is a REFI-QDA project without a codebook.")
    codes = next((el for el in holder if local(el.tag) == "Codes"), None)
    if codes is None:
        raise InvalidInput(f"{name} cannot be read as {what}: it has no <Codes> element.")
    return codes, warnings


def import_qdc(project: Project, path: str | Path) -> QdcImportReport:
    """Bring the codes of a REFI-QDA codebook into ``project``: one action, all or nothing."""
    source = Path(path)
    name = display_name(source.name)
    data = read_file(source, MAX_QDC_BYTES)
    codes_el, warnings = codebook_root(data, name)
    problems = CodeProblems()
    specs = to_specs(read_codes(codes_el, problems), problems)
    warnings += problems.warnings()
    if not specs.specs:
        raise InvalidInput(f"{name} holds no codes.")
    plan = plan_specs(project, specs, name)
    _, memos = apply_specs(project, plan, specs.memos, f"Import codebook {name}")
    return QdcImportReport(
        len(plan.ids("created")),
        len(plan.ids("updated")),
        len(plan.ids("unchanged")),
        memos,
        tuple(warnings),
    )
