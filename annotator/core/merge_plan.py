"""What merging one coder's copy of a project into another would do, without doing it.

Each coder codes in a copy of the project; a merge brings a *source* copy's work into
the *target*. ``plan_merge(target, source)`` compares two ``Side`` s (every entity of a
project but the texts) and returns a ``MergePlan``: the rows to add, the few target
rows to complete, what is already there, and every conflict. The store writes a plan
in one action (``store.merging``); the preview shows the same plan before.

How entities are matched, and the rules (each decision has a test):

- **Coders** by id, then by name (ignoring case): a same-named coder with another id
  is taken to be the same person on another copy (NVivo and MAXQDA match users by
  name too, and a project cannot hold two coders of one name); it is listed among the
  matches. A name the target gives another coder: the coder is added as "Ann (b)".
- **Documents** by the fingerprint of their text (the stored sha256), then by id: the
  same id with another text is a conflict, and the source's document is added as a
  separate document (a new id), so no coding is lost and none points into the wrong text.
- **Codes** by id, then by place: the target's code of that name under the (matched)
  parent, unless another source code is that code by id. A new code whose name is
  taken at its place is added as "Name (b)", a conflict.
- **Codings** by id, then by passage (document, code, coder, start, end), which the
  store keeps unique: merging the same source twice adds nothing the second time.
- The target's values win: a code renamed or moved differently, a colour, definition
  or memo edited differently, a document renamed, an attribute or a memo edited, a
  coding moved or resized: each is a conflict, and the target keeps its own. A value the
  target lacks (an empty definition, a missing attribute) is filled from the source;
  that adds and overwrites nothing. Coding memos are joined as the store joins those of
  duplicate codings (the target's, a blank line, the source's), which loses neither.
- **Deleted in the target.** A code, document, coding or memo that the target's own
  history shows it deleted (a done action, not an undo) is not brought back (with its
  sub-codes, codings and memos), and that is a conflict; ``restore_deleted`` brings
  them back instead. An id the history does not know (never there, or pruned long
  ago) is new. Deletions in the source are never carried over: a merge only adds.
- Each copy's own arrangement is not compared: the order of sibling codes, quick keys
  (new codes come without one) and coders' colours.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal

from annotator.core.codebook import CodeTree, name_key
from annotator.core.models import Code, Coder, Memo
from annotator.core.text import plural

#: A coding as a plain tuple: id, document_id, code_id, coder_id, start, end, memo,
#: created, updated (the store's bulk order).
CodingTuple = tuple[str, str, str, str, int, int, str, str, str]
Passage = tuple[str, str, str, int, int]
Row = dict[str, Any]

#: Code texts the source may fill in where the target's are empty.
FILLED_FIELDS = ("definition", "inclusion", "exclusion", "example", "memo")

ConflictKind = Literal[
    "coder renamed",
    "name taken",
    "code renamed",
    "code moved",
    "code edited",
    "document text",
    "document renamed",
    "attribute",
    "coding edited",
    "coding memo",
    "memo edited",
    "deleted in target",
]
MatchKind = Literal["coder by name", "document by text", "code by place"]


@dataclass(frozen=True)
class DocumentInfo:
    """A document without its text: what matching needs."""

    id: str
    title: str
    sha256: str
    length: int
    source_name: str = ""
    format: str = "txt"
    imported_at: str = ""


@dataclass(frozen=True)
class Side:
    """One project's entities (texts excepted), as the store reads them."""

    name: str
    coders: Mapping[str, Coder] = field(default_factory=dict)
    documents: Mapping[str, DocumentInfo] = field(default_factory=dict)
    attributes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    codes: Mapping[str, Code] = field(default_factory=dict)
    codings: Mapping[str, CodingTuple] = field(default_factory=dict)
    memos: Mapping[str, Memo] = field(default_factory=dict)
    #: Table -> ids the project's history shows it deleted (and that are not back).
    deleted: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def was_deleted(self, table: str, entity_id: str) -> bool:
        return entity_id in self.deleted.get(table, ())


@dataclass(frozen=True)
class MergeConflict:
    """A difference the merge does not resolve by adding: what, both values, what was done."""

    kind: ConflictKind
    subject: str
    target: str
    source: str
    outcome: str


@dataclass(frozen=True)
class MergeMatch:
    """An entity matched by something other than its id (worth telling the researcher)."""

    kind: MatchKind
    subject: str
    detail: str


@dataclass(frozen=True)
class NewDocument:
    """A document to add: its row without the text, which the store reads from the source."""

    source_id: str
    row: Row


@dataclass(frozen=True)
class MergePlan:
    """Everything one source adds to the target, and everything it does not."""

    target: str
    source: str
    coders: tuple[Row, ...] = ()
    documents: tuple[NewDocument, ...] = ()
    attributes: tuple[Row, ...] = ()
    #: New codes, parents before children.
    codes: tuple[Row, ...] = ()
    #: (code id, {field: value}): empty texts of target codes, filled from the source.
    code_fills: tuple[tuple[str, Row], ...] = ()
    codings: tuple[CodingTuple, ...] = ()
    #: (target coding id, its memo after joining the source's).
    coding_memos: tuple[tuple[str, str], ...] = ()
    memos: tuple[Row, ...] = ()
    conflicts: tuple[MergeConflict, ...] = ()
    matches: tuple[MergeMatch, ...] = ()
    #: What the target already has, by kind ("documents", "codes", ...).
    present: Mapping[str, int] = field(default_factory=dict)

    def added(self) -> dict[str, int]:
        """What the merge adds, by kind, in the order a summary lists them."""
        return {
            "documents": len(self.documents),
            "codes": len(self.codes),
            "coders": len(self.coders),
            "codings": len(self.codings),
            "memos": len(self.memos),
            "attributes": len(self.attributes),
            "code texts": sum(len(values) for _, values in self.code_fills),
            "coding memos": len(self.coding_memos),
        }

    @property
    def writes_nothing(self) -> bool:
        return not any(self.added().values())


def derived_id(*parts: str) -> str:
    """A UUID4-shaped id computed from ``parts``: the same in the preview and the merge,
    and on every merge of the same source (so a second merge finds what the first added)."""
    digest = hashlib.sha256("\x1f".join(("annotator-merge", *parts)).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def join_memos(kept: str, other: str) -> str:
    """The store's rule for folding a duplicate coding's memo (``store.codings.join_memos``):
    ``other`` after a blank line, unless empty or already one of ``kept``'s parts."""
    if not other or f"\n\n{other}\n\n" in f"\n\n{kept}\n\n":
        return kept
    return f"{kept}\n\n{other}" if kept else other


def label_of(source: str) -> str:
    """How names taken in the target are told apart: "Ann (coder-b)" for coder-b.sqlite."""
    return PurePath(source).stem or source


def free_name(name: str, taken: Iterable[str], source: str) -> str:
    """``name``, or "name (source)" (then "name (source 2)", ...) if its key is taken."""
    keys = {name_key(t) for t in taken}
    if name_key(name) not in keys:
        return name
    tag = label_of(source)
    candidate, n = f"{name} ({tag})", 2
    while name_key(candidate) in keys:
        candidate, n = f"{name} ({tag} {n})", n + 1
    return candidate


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def plan_merge(target: Side, source: Side, *, restore_deleted: bool = False) -> MergePlan:
    """Plan merging ``source`` into ``target`` (see the module's rules); pure, no writes."""
    return _Planner(target, source, restore_deleted).plan()


def plan_merges(
    target: Side, sources: Sequence[Side], *, restore_deleted: bool = False
) -> tuple[MergePlan, ...]:
    """Plan several sources, each against the target as the ones before it leave it."""
    plans: list[MergePlan] = []
    for source in sources:
        plans.append(plan_merge(target, source, restore_deleted=restore_deleted))
        target = merged_side(target, plans[-1])
    return tuple(plans)


class _Planner:
    def __init__(self, target: Side, source: Side, restore_deleted: bool) -> None:
        self.t, self.s = target, source
        self.restore = restore_deleted
        self.conflicts: list[MergeConflict] = []
        self.matches: list[MergeMatch] = []
        self.present: dict[str, int] = dict.fromkeys(
            ("documents", "codes", "coders", "codings", "memos"), 0
        )
        self.coder_map: dict[str, str] = {}
        #: Source document id -> target id; None: not merged.
        self.doc_map: dict[str, str | None] = {}
        self.code_map: dict[str, str | None] = {}
        #: Source id of a document or code not merged -> [its conflict's index, codings kept
        #: out]; a sub-code shares its ancestor's list, so the conflict counts theirs too.
        self.withheld: dict[str, list[int]] = {}
        self.source_tree = CodeTree.of(source.codes.values())

    def deleted(self, table: str, entity_id: str) -> bool:
        return not self.restore and self.t.was_deleted(table, entity_id)

    def conflict(self, *args: str) -> int:
        self.conflicts.append(MergeConflict(*args))  # type: ignore[arg-type]
        return len(self.conflicts) - 1

    def plan(self) -> MergePlan:
        coders = self._coders()
        documents, attributes = self._documents()
        codes, fills = self._codes()
        codings, coding_memos = self._codings()
        memos = self._memos()
        self._count_withheld()
        return MergePlan(
            target=self.t.name,
            source=self.s.name,
            coders=tuple(coders),
            documents=tuple(documents),
            attributes=tuple(attributes),
            codes=tuple(codes),
            code_fills=tuple(fills),
            codings=tuple(codings),
            coding_memos=tuple(coding_memos),
            memos=tuple(memos),
            conflicts=tuple(self.conflicts),
            matches=tuple(self.matches),
            present=self.present,
        )

    # -- coders ------------------------------------------------------------------------------
    def _coders(self) -> list[Row]:
        by_name = {name_key(c.name): c for c in self.t.coders.values()}
        claimed = set(self.s.coders) & set(self.t.coders)
        taken = [c.name for c in self.t.coders.values()]
        out: list[Row] = []
        for coder in sorted(self.s.coders.values(), key=lambda c: name_key(c.name)):
            mine = self.t.coders.get(coder.id)
            if mine is not None:
                self.present["coders"] += 1
                self.coder_map[coder.id] = coder.id
                if mine.name != coder.name:
                    self.conflict(
                        "coder renamed", f"coder '{mine.name}'", _q(mine.name), _q(coder.name),
                        "kept the target's name",
                    )  # fmt: skip
                continue
            twin = by_name.get(name_key(coder.name))
            if twin is not None and twin.id not in claimed:
                self.present["coders"] += 1
                self.coder_map[coder.id] = twin.id
                claimed.add(twin.id)
                self.matches.append(
                    MergeMatch("coder by name", f"coder '{twin.name}'", "the ids differ")
                )
                continue
            name = free_name(coder.name, taken, self.s.name)
            if name != coder.name:
                self.conflict(
                    "name taken", f"coder '{coder.name}'", _q(coder.name), _q(coder.name),
                    f"added as '{name}' (the target's '{coder.name}' is another coder)",
                )  # fmt: skip
            taken.append(name)
            self.coder_map[coder.id] = coder.id
            out.append(
                {"id": coder.id, "name": name, "color": coder.color, "created": coder.created}
            )
        return out

    # -- documents ---------------------------------------------------------------------------
    def _documents(self) -> tuple[list[NewDocument], list[Row]]:
        by_hash = {d.sha256: d for d in self.t.documents.values()}
        docs: list[NewDocument] = []
        attributes: list[Row] = []
        for doc in sorted(self.s.documents.values(), key=lambda d: (d.imported_at, d.id)):
            attrs = self.s.attributes.get(doc.id, {})
            same = by_hash.get(doc.sha256)
            if same is not None:
                self.present["documents"] += 1
                self.doc_map[doc.id] = same.id
                if same.id != doc.id:
                    self.matches.append(
                        MergeMatch("document by text", f"document '{same.title}'", "the ids differ")
                    )
                if same.title != doc.title:
                    self.conflict(
                        "document renamed", f"document '{same.title}'", _q(same.title), _q(doc.title),
                        "kept the target's title",
                    )  # fmt: skip
                attributes += self._attributes(same, attrs)
                continue
            new_id = doc.id
            if doc.id in self.t.documents:
                new_id = derived_id("document", doc.id, doc.sha256)
                self.conflict(
                    "document text", f"document '{doc.title}'",
                    f"'{self.t.documents[doc.id].title}', {self.t.documents[doc.id].length} characters",
                    f"another text, {doc.length} characters",
                    "added the source's as a separate document",
                )  # fmt: skip
            elif self.deleted("documents", doc.id):
                self.doc_map[doc.id] = None
                at = self.conflict(
                    "deleted in target", f"document '{doc.title}'", "deleted", "kept",
                    "not brought back",
                )  # fmt: skip
                self.withheld[doc.id] = [at, 0]
                continue
            self.doc_map[doc.id] = new_id
            row = {
                "id": new_id, "title": doc.title, "length": doc.length,
                "source_name": doc.source_name, "format": doc.format, "sha256": doc.sha256,
                "imported_at": doc.imported_at,
            }  # fmt: skip
            docs.append(NewDocument(doc.id, row))
            attributes += [
                {"document_id": new_id, "name": name, "value": value}
                for name, value in sorted(attrs.items())
            ]
        return docs, attributes

    def _attributes(self, doc: DocumentInfo, attrs: Mapping[str, str]) -> list[Row]:
        mine = self.t.attributes.get(doc.id, {})
        out: list[Row] = []
        for name, value in sorted(attrs.items()):
            if name not in mine:
                out.append({"document_id": doc.id, "name": name, "value": value})
            elif mine[name] != value:
                self.conflict(
                    "attribute", f"attribute '{name}' of '{doc.title}'", _q(mine[name]), _q(value),
                    "kept the target's value",
                )  # fmt: skip
        return out

    # -- codes -------------------------------------------------------------------------------
    def _codes(self) -> tuple[list[Row], list[tuple[str, Row]]]:
        tree = CodeTree.of(self.t.codes.values())
        by_id = set(self.s.codes) & set(self.t.codes)  # target codes a source code is by id
        names: dict[str | None, list[str]] = {}
        last: dict[str | None, int] = {}
        for code in self.t.codes.values():
            names.setdefault(code.parent_id, []).append(code.name)
            last[code.parent_id] = max(last.get(code.parent_id, -1), code.sort_order)
        new: list[Row] = []
        fills: list[tuple[str, Row]] = []
        for code in self.source_tree.walk():  # parents before children
            path = self.source_tree.path(code.id)
            parent_in_source = code.parent_id
            mine = self.t.codes.get(code.id)
            if parent_in_source is not None and self.code_map[parent_in_source] is None:
                if mine is None:  # its place is not merged: nor is it
                    self.code_map[code.id] = None
                    self.withheld[code.id] = self.withheld[parent_in_source]
                    continue
                parent = mine.parent_id  # the target moved it out of a code it then deleted
            else:
                parent = self.code_map[parent_in_source] if parent_in_source is not None else None
            if mine is None:
                twin = next(
                    (
                        c
                        for c in tree.children(parent)
                        if name_key(c.name) == name_key(code.name) and c.id not in by_id
                    ),
                    None,
                )
                if twin is not None:
                    self.matches.append(
                        MergeMatch(
                            "code by place", f"code '{tree.path(twin.id)}'", "the ids differ"
                        )
                    )
                    by_id.add(twin.id)
                    mine = twin
            if mine is not None:
                self.present["codes"] += 1
                self.code_map[code.id] = mine.id
                fill = self._compare_code(mine, code, parent, tree, path)
                if fill:
                    fills.append((mine.id, fill))
                continue
            if self.deleted("codes", code.id):
                self.code_map[code.id] = None
                at = self.conflict(
                    "deleted in target", f"code '{path}'", "deleted", "kept",
                    "not brought back, nor its sub-codes",
                )  # fmt: skip
                self.withheld[code.id] = [at, 0]
                continue
            siblings = names.setdefault(parent, [])
            name = free_name(code.name, siblings, self.s.name)
            if name != code.name:
                self.conflict(
                    "name taken", f"code '{path}'", _q(code.name), _q(code.name),
                    f"added as '{name}' (the target's '{code.name}' there is another code)",
                )  # fmt: skip
            siblings.append(name)
            last[parent] = order = last.get(parent, -1) + 1
            self.code_map[code.id] = code.id
            new.append(
                {
                    **code.model_dump(),
                    "name": name,
                    "parent_id": parent,
                    "sort_order": order,
                    "quick_key": None,  # quick keys are each researcher's own keyboard set-up
                }
            )
        return new, fills

    def _compare_code(
        self, mine: Code, code: Code, parent: str | None, tree: CodeTree, path: str
    ) -> Row:
        """Conflicts between the target's code and the source's; the texts to fill in."""
        where = f"code '{tree.path(mine.id)}'"
        if mine.name != code.name:
            self.conflict(
                "code renamed", where, _q(mine.name), _q(code.name), "kept the target's name"
            )
        if mine.parent_id != parent:
            there = _q(tree.path(mine.parent_id)) if mine.parent_id else "the top level"
            self.conflict(
                "code moved", where, f"under {there}", f"at {_q(path)}", "kept the target's place"
            )
        if normal(mine.color) != normal(code.color):
            self.conflict("code edited", f"{where}: colour", _q(mine.color), _q(code.color),
                          "kept the target's")  # fmt: skip
        fill: Row = {}
        for name in FILLED_FIELDS:
            ours, theirs = getattr(mine, name), getattr(code, name)
            if ours == theirs or not theirs:
                continue
            if not ours:
                fill[name] = theirs
            else:
                self.conflict("code edited", f"{where}: {name}", _q(ours), _q(theirs),
                              "kept the target's")  # fmt: skip
        return fill

    # -- codings -----------------------------------------------------------------------------
    def _codings(self) -> tuple[list[CodingTuple], list[tuple[str, str]]]:
        t_codings = self.t.codings
        passages: dict[Passage, str] = {r[1:6]: cid for cid, r in t_codings.items()}
        memos: dict[str, str] = {}  # target coding id -> memo after joining
        new: list[CodingTuple] = []
        planned: dict[Passage, int] = {}
        used_ids: set[str] = set()
        deleted = edited = 0
        doc_map, code_map, coder_map = self.doc_map, self.code_map, self.coder_map
        for row in self.s.codings.values():
            cid, doc_id, code_id = row[0], doc_map.get(row[1]), code_map.get(row[2])
            if doc_id is None or code_id is None:
                held = self.withheld.get(row[1] if doc_id is None else row[2])
                if held is not None:
                    held[1] += 1
                continue
            passage = (doc_id, code_id, coder_map[row[3]], row[4], row[5])
            mine = t_codings.get(cid)
            if mine is not None and mine[1] == doc_id:
                self.present["codings"] += 1
                if mine[1:6] != passage:
                    edited += 1
                self._join(memos, cid, mine[6], row[6])
                continue
            if self.deleted("codings", cid):
                deleted += 1
                continue
            twin = passages.get(passage)
            if twin is not None:
                self.present["codings"] += 1
                self._join(memos, twin, t_codings[twin][6], row[6])
                continue
            at = planned.get(passage)
            if at is not None:  # two source codings that became one passage here
                kept = new[at]
                new[at] = (*kept[:6], join_memos(kept[6], row[6]), *kept[7:])
                continue
            if cid in t_codings or cid in used_ids:  # its id names another coding here
                cid = derived_id("coding", cid, doc_id)
            used_ids.add(cid)
            planned[passage] = len(new)
            new.append((cid, *passage, row[6], row[7], row[8]))
        if edited:
            self.conflict(
                "coding edited", plural(edited, "coding"), "its passage, code or coder",
                "another", "kept the target's",
            )  # fmt: skip
        if deleted:
            self.conflict(
                "deleted in target", plural(deleted, "coding"), "deleted", "kept",
                "not brought back",
            )  # fmt: skip
        joined = [(cid, memo) for cid, memo in memos.items() if memo != t_codings[cid][6]]
        both = sum(1 for cid, _ in joined if t_codings[cid][6])
        if both:
            self.conflict(
                "coding memo", plural(both, "coding"), "a memo", "another memo",
                "joined them, the target's first",
            )  # fmt: skip
        return new, joined

    @staticmethod
    def _join(memos: dict[str, str], cid: str, stored: str, other: str) -> None:
        if other:
            memos[cid] = join_memos(memos.get(cid, stored), other)

    # -- memos -------------------------------------------------------------------------------
    def _memos(self) -> list[Row]:
        out: list[Row] = []
        for memo in sorted(self.s.memos.values(), key=lambda m: (m.created, m.id)):
            doc_id: str | None = None
            if memo.document_id is not None:
                doc_id = self.doc_map.get(memo.document_id)
                if doc_id is None:
                    continue  # its document is not merged (that conflict says so)
            mine = self.t.memos.get(memo.id)
            subject = f"memo '{_short(memo.title or memo.text, 40)}'"
            if mine is not None:
                self.present["memos"] += 1
                if (mine.title, mine.text) != (memo.title, memo.text):
                    self.conflict(
                        "memo edited", subject, _q(mine.text), _q(memo.text),
                        "kept the target's",
                    )  # fmt: skip
                continue
            if self.deleted("memos", memo.id):
                self.conflict("deleted in target", subject, "deleted", "kept", "not brought back")
                continue
            coder = self.coder_map.get(memo.coder_id) if memo.coder_id is not None else None
            out.append({**memo.model_dump(), "document_id": doc_id, "coder_id": coder})
        return out

    def _count_withheld(self) -> None:
        """Say in each not-merged document's or code's conflict how many codings stay out."""
        for at, count in {id(v): v for v in self.withheld.values()}.values():
            if count:
                c = self.conflicts[at]
                self.conflicts[at] = MergeConflict(
                    c.kind, c.subject, c.target, f"{c.source}, with {plural(count, 'coding')}",
                    c.outcome,
                )  # fmt: skip


def normal(color: str) -> str:
    return color.strip().lower()


def _q(text: str) -> str:
    """A value as a conflict line quotes it."""
    return f"'{_short(text)}'"


def merged_side(target: Side, plan: MergePlan) -> Side:
    """The target as it will be after ``plan``: what the next source is planned against
    when several are merged in one step (the preview chains plans the same way)."""
    coders = {**target.coders, **{r["id"]: Coder.model_construct(**r) for r in plan.coders}}
    documents = dict(target.documents)
    for doc in plan.documents:
        documents[doc.row["id"]] = DocumentInfo(**doc.row)
    attributes = {k: dict(v) for k, v in target.attributes.items()}
    for attr in plan.attributes:
        attributes.setdefault(attr["document_id"], {})[attr["name"]] = attr["value"]
    codes = dict(target.codes)
    for row in plan.codes:
        codes[row["id"]] = Code.model_construct(**row)
    for code_id, values in plan.code_fills:
        codes[code_id] = codes[code_id].model_copy(update=values)
    codings = dict(target.codings)
    for coding in plan.codings:
        codings[coding[0]] = coding
    for coding_id, memo in plan.coding_memos:
        old = codings[coding_id]
        codings[coding_id] = (*old[:6], memo, *old[7:])
    memos = {**target.memos, **{r["id"]: Memo.model_construct(**r) for r in plan.memos}}
    return Side(target.name, coders, documents, attributes, codes, codings, memos, target.deleted)
