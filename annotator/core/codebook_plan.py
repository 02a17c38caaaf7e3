"""One codebook plan: what bringing a list of codes into a codebook would do.

A codebook CSV, a REFI-QDA codebook or another project's codes all arrive as
``CodeSpec`` s: a name, where the code goes (a parent path, or the id of its
parent), an id if the source has one, and the colour and texts it sets
(``None``: not given, the code keeps its own). ``plan_codebook`` checks them
against the codebook as it is and returns a ``CodebookPlan`` without writing
anything; the store applies a plan in one action (``Project.apply_codebook_plan``).

The rules, in the order they are checked:

- No two specs share an id, nor (when given by path) a path, compared ignoring case.
- Each spec is matched to a code by its id (as given, or as the UUID it spells);
  else, by its place: the code at its path, or the parent's existing child of that
  name, unless another spec took that code; else it is a new code, keeping its id
  when that is a UUID no other code has.
- A parent path names a spec's path, else an existing code that no spec moves.
- The codebook after the plan has no cycles, every code given by path is at that
  path, and sibling names are unique (ignoring case).
- Siblings: the specs' codes take the places their already-present codes held, in
  spec order; a code new under its parent goes right before the next spec code that
  was already there (or after the last). Codes no spec names keep their places.

Errors are ``CodebookPlanError`` (an ``InvalidInput``) naming the spec by its
``source`` ("row 7").
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any, Literal

from annotator.core.changes import ChangeSet
from annotator.core.codebook import CodeTree, PathKey, join_path, name_key
from annotator.core.colors import PALETTE, normalise_color
from annotator.core.errors import InvalidInput
from annotator.core.models import Code, clean_name, new_id

TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example")
#: What a spec may set besides its name and place.
SPEC_FIELDS = ("color", *TEXT_FIELDS)
#: The columns a plan writes; a code's memo and quick key are never touched.
PLANNED_COLUMNS = ("name", "parent_id", *SPEC_FIELDS, "sort_order")
#: Compared to tell an updated code from an unchanged one (with its place among siblings).
_COMPARED = ("name", "parent_id", *SPEC_FIELDS)

How = Literal["id", "path", "new"]
Outcome = Literal["created", "updated", "unchanged"]
Slot = tuple[str | None, str]


@dataclass(frozen=True)
class CodeSpec:
    """One incoming code, whatever format it came from.

    Its place is ``parent_path`` (names from the top level; ``()`` is the top level)
    or ``parent_id`` (the id of another spec, or of a code in the codebook); with
    neither, a matched code stays under its parent and a new one goes to the top level.
    """

    name: str
    #: Where the spec came from, as messages name it: "row 7", "code 'Trust'".
    source: str = ""
    id: str | None = None
    parent_path: tuple[str, ...] | None = None
    parent_id: str | None = None
    color: str | None = None
    definition: str | None = None
    inclusion: str | None = None
    exclusion: str | None = None
    example: str | None = None

    def given(self) -> dict[str, str]:
        """The colour and texts this spec sets."""
        return {f: v for f in SPEC_FIELDS if (v := getattr(self, f)) is not None}


@dataclass(frozen=True)
class Wording:
    """How messages speak of the incoming codes (the defaults suit a file of rows)."""

    incoming: str = "this file"
    another: str = "another row"
    after: str = "after the import"
    #: The temporary names of codes that step aside: "(importing <id>)".
    temporary: str = "importing"


DEFAULT_WORDING = Wording()


class CodebookPlanError(InvalidInput):
    """A spec that cannot be planned: ``reason`` says why, ``spec`` which (its index), if one."""

    def __init__(self, reason: str, spec: int | None = None, where: str = "") -> None:
        super().__init__(f"{where}: {reason}" if where else reason)
        self.reason = reason
        self.spec = spec


@dataclass(frozen=True)
class Match:
    """Which code a spec is: matched ``by`` id or path, or new."""

    spec: int
    code_id: str
    by: How


@dataclass(frozen=True)
class PlanStep:
    """One row write. ``stash``: a temporary name, so that renames and moves never clash
    half way; ``create``: the whole new row; ``update``: only the columns that change."""

    kind: Literal["stash", "create", "update"]
    code_id: str
    values: dict[str, Any]


@dataclass(frozen=True)
class CodebookPlan:
    """A checked plan: the codebook it was made against, what each spec is, the
    codebook after it, and the writes that get there, in an order the store can apply
    (temporary names first, then new codes parents first, then updates)."""

    base: dict[str, Code]
    specs: tuple[CodeSpec, ...]
    matches: tuple[Match, ...]
    outcomes: tuple[Outcome, ...]
    final: CodeTree
    #: Each parent's children in their order after the plan, for the parents the specs place codes under.
    orders: dict[str | None, list[str]]
    steps: tuple[PlanStep, ...]

    @property
    def creates(self) -> list[Code]:
        return [self.final.codes[s.code_id] for s in self.steps if s.kind == "create"]

    @property
    def updates(self) -> list[PlanStep]:
        return [s for s in self.steps if s.kind == "update"]

    @property
    def moves(self) -> list[PlanStep]:
        """The updates that give a code another parent."""
        return [s for s in self.steps if s.kind == "update" and "parent_id" in s.values]

    def ids(self, outcome: Outcome) -> tuple[str, ...]:
        """The specs' codes that are ``created``, ``updated`` or ``unchanged``."""
        return tuple(
            m.code_id for m, o in zip(self.matches, self.outcomes, strict=True) if o == outcome
        )


@dataclass(frozen=True)
class AppliedPlan:
    """What applying a plan changed: the specs' codes by outcome, and the rows written."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    changes: ChangeSet


def plan_codebook(
    codes: Iterable[Code] | CodeTree,
    specs: Sequence[CodeSpec],
    *,
    origin: str = "",
    wording: Wording = DEFAULT_WORDING,
) -> CodebookPlan:
    """Check ``specs`` against the codebook ``codes`` and plan what they change.

    ``origin`` (a file name) starts every message. Raises ``CodebookPlanError``.
    """
    tree = codes if isinstance(codes, CodeTree) else CodeTree.of(codes)
    return _Planner(tree, specs, origin, wording).plan()


def canonical_uuid(value: str) -> str | None:
    """``value`` as a lower-case UUID, or None if it spells none."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class _Palette:
    """``colors.next_palette_color`` over a growing set of used colours, without rescanning it."""

    def __init__(self, used: Iterable[str]) -> None:
        self.taken: set[str] = set()
        self.count = 0
        for color in used:
            self.add(color)

    def add(self, color: str) -> None:
        if color:
            self.taken.add(normalise_color(color))
            self.count += 1

    def next(self) -> str:
        for color in PALETTE:
            if color not in self.taken:
                return color
        return PALETTE[self.count % len(PALETTE)]


class _Planner:
    def __init__(
        self, tree: CodeTree, specs: Sequence[CodeSpec], origin: str, wording: Wording
    ) -> None:
        self.tree = tree
        self.codes = tree.codes
        self.origin = origin
        self.words = wording
        self.raw = list(specs)
        n = len(specs)
        self.specs: list[CodeSpec] = []
        #: Names along the path of each spec given by path (None for the others).
        self.parts: list[list[str] | None] = [None] * n
        self.keys: list[PathKey | None] = [None] * n
        self.targets: list[str | None] = [None] * n
        self.by: list[How] = ["new"] * n
        self.parents: list[str | None] = [None] * n
        self.taken: set[str] = set()
        self.by_id: dict[str, int] = {}  # a spec by its id (as a UUID where it spells one)
        self.claimed_by_id: dict[str, int] = {}
        #: Matched codes (not new ones) by the spec that matched them.
        self.claimed: dict[str, int] = {}
        #: Every spec's code (new ones too) by its spec, once all are matched.
        self.spec_of: dict[str, int] = {}
        self._resolving: set[int] = set()
        self._paths: dict[PathKey, str] | None = None

    def fail(self, i: int | None, reason: str) -> CodebookPlanError:
        source = self.raw[i].source if i is not None else ""
        where = ", ".join(p for p in (self.origin, source) if p)
        return CodebookPlanError(reason, i, where)

    # -- the whole plan ----------------------------------------------------------------
    def plan(self) -> CodebookPlan:
        self._clean()
        self._check_unique()
        self._match_ids()
        for i in range(len(self.specs)):
            self._target(i)
        self._resolve_parents()
        final = {cid: (c.name, c.parent_id) for cid, c in self.codes.items()}
        for i, spec in enumerate(self.specs):
            final[self._t(i)] = (spec.name, self.parents[i])
        depth = self._check_final_tree(final)
        kids = self.tree.child_ids()
        orders = self._sibling_orders(kids)
        rows = self._final_rows(kids, orders, depth)
        outcomes = self._outcomes(kids, orders, rows)
        steps = self._steps(rows, depth)
        matches = tuple(Match(i, self._t(i), self.by[i]) for i in range(len(self.specs)))
        final_tree = CodeTree({cid: Code.model_construct(**row) for cid, row in rows.items()})
        return CodebookPlan(
            dict(self.codes), tuple(self.specs), matches, outcomes, final_tree, orders, tuple(steps)
        )

    def _t(self, i: int) -> str:
        target = self.targets[i]
        assert target is not None
        return target

    # -- the specs themselves ----------------------------------------------------------------
    def _clean(self) -> None:
        for i, spec in enumerate(self.raw):
            try:
                name = clean_name(spec.name)
                parent_path = (
                    None
                    if spec.parent_path is None
                    else tuple(clean_name(p) for p in spec.parent_path)
                )
                color = None if spec.color is None else normalise_color(spec.color)
            except InvalidInput as err:
                raise self.fail(i, str(err)) from None
            if parent_path is not None and spec.parent_id is not None:
                raise self.fail(i, "the parent is given both by path and by id.")
            self.specs.append(
                replace(
                    spec,
                    name=name,
                    parent_path=parent_path,
                    color=color,
                    id=spec.id or None,
                    parent_id=spec.parent_id or None,
                )
            )
            if parent_path is not None:
                parts = [*parent_path, name]
                self.parts[i] = parts
                self.keys[i] = tuple(name_key(p) for p in parts)

    def _check_unique(self) -> None:
        """No path twice, no id twice; the first offending spec is reported."""
        paths: dict[PathKey, int] = {}
        for i, spec in enumerate(self.specs):
            key = self.keys[i]
            if key is not None:
                if key in paths:
                    raise self.fail(
                        i,
                        f"the path '{self.path(i)}' is already in {self.specs[paths[key]].source} "
                        "(paths are compared ignoring case).",
                    )
                paths[key] = i
            if spec.id:
                same = canonical_uuid(spec.id) or spec.id
                if same in self.by_id:
                    raise self.fail(
                        i,
                        f"the id {_short(spec.id)} is already in "
                        f"{self.specs[self.by_id[same]].source}.",
                    )
                self.by_id[same] = i

    def path(self, i: int) -> str:
        """The spec's path as messages show it."""
        parts = self.parts[i]
        if parts is not None:
            return join_path(parts)
        names = [self.specs[i].name]
        parent = self.parents[i]
        seen: set[str] = set()
        while parent is not None and parent not in seen:
            seen.add(parent)
            j = self.spec_of.get(parent)
            if j is not None:
                names.append(self.specs[j].name)
                parent = self.parents[j]
            elif parent in self.codes:
                names.append(self.codes[parent].name)
                parent = self.codes[parent].parent_id
            else:
                break
        return join_path(names[::-1])

    # -- which code each spec is ----------------------------------------------------------------
    def _match_ids(self) -> None:
        for i, spec in enumerate(self.specs):
            if not spec.id:
                continue
            for candidate in (spec.id, canonical_uuid(spec.id)):
                if candidate is not None and candidate in self.codes:
                    self.targets[i] = candidate
                    self.by[i] = "id"
                    self.taken.add(candidate)
                    self.claimed_by_id[candidate] = i
                    break

    def _parent_ref(self, i: int) -> tuple[Literal["spec", "code"], Any]:
        """What a ``parent_id`` names: another spec (by its id, or the code it matched by id), or a code."""
        ref = self.specs[i].parent_id
        assert ref is not None
        same = canonical_uuid(ref) or ref
        if same in self.by_id:
            return "spec", self.by_id[same]
        for candidate in (ref, canonical_uuid(ref)):
            if candidate is not None and candidate in self.codes:
                owner = self.claimed_by_id.get(candidate)
                return ("spec", owner) if owner is not None else ("code", candidate)
        raise self.fail(
            i, f"the parent {_short(ref)} is neither in {self.words.incoming} nor in the codebook."
        )

    def _target(self, i: int) -> str:
        """The spec's code: matched by id already, else by its place, else new."""
        found = self.targets[i]
        if found is not None:
            return found
        spec = self.specs[i]
        key = self.keys[i]
        if key is not None:  # by path: the code at that path in the codebook as it is
            candidate = self._index().get(key)
        else:  # by parent: that parent's existing child of the same name
            if i in self._resolving:
                raise self.fail(i, f"placing '{spec.name}' would make a code its own ancestor.")
            self._resolving.add(i)
            parent = self._spec_parent(i)
            self._resolving.discard(i)
            candidate = self._child_named(parent, spec.name)
        if candidate is not None and candidate not in self.taken:
            self.targets[i] = candidate
            self.by[i] = "path"
        else:
            wanted = canonical_uuid(spec.id) if spec.id else None
            self.targets[i] = (
                wanted if wanted is not None and wanted not in self.taken else new_id()
            )
        self.taken.add(self._t(i))
        return self._t(i)

    def _spec_parent(self, i: int) -> str | None:
        """The parent of a spec not given by path (its target is known or being found)."""
        spec = self.specs[i]
        if spec.parent_id is not None:
            kind, ref = self._parent_ref(i)
            return self._target(ref) if kind == "spec" else str(ref)
        if self.by[i] == "id":
            return self.codes[self._t(i)].parent_id  # stays where it is
        return None

    def _child_named(self, parent: str | None, name: str) -> str | None:
        if parent is not None and parent not in self.codes:
            return None  # a new code has no children yet
        key = name_key(name)
        return next((c.id for c in self.tree.children(parent) if name_key(c.name) == key), None)

    def _index(self) -> dict[PathKey, str]:
        if self._paths is None:
            self._paths = self.tree.path_keys()
        return self._paths

    def _resolve_parents(self) -> None:
        """A parent path names a spec's path, else a code at that path that no spec moves."""
        self.claimed = {self._t(i): i for i in range(len(self.specs)) if self.by[i] != "new"}
        self.spec_of = {self._t(i): i for i in range(len(self.specs))}
        by_key = {k: i for i, k in enumerate(self.keys) if k is not None}
        for i, spec in enumerate(self.specs):
            key = self.keys[i]
            if key is None:
                self.parents[i] = self._spec_parent(i)
                continue
            parent_key = key[:-1]
            if not parent_key:
                self.parents[i] = None
            elif parent_key in by_key:
                self.parents[i] = self._t(by_key[parent_key])
            else:
                assert spec.parent_path is not None
                parent_path = join_path(spec.parent_path)
                found = self._index().get(parent_key)
                if found is None:
                    raise self.fail(
                        i,
                        f"the parent '{parent_path}' is neither in {self.words.incoming} "
                        "nor in the codebook.",
                    )
                if found in self.claimed:
                    j = self.claimed[found]
                    raise self.fail(
                        i,
                        f"the parent '{parent_path}' is moved to '{self.path(j)}' "
                        f"by {self.specs[j].source}.",
                    )
                self.parents[i] = found

    # -- the codebook after the plan ------------------------------------------------------------
    def _check_final_tree(self, final: dict[str, tuple[str, str | None]]) -> dict[str, int]:
        """No cycles, every spec given by path at its path, sibling names unique.
        Returns each code's depth (1: top level)."""
        keys: dict[str, PathKey] = {}

        def key_of(cid: str) -> PathKey | None:
            chain: list[str] = []
            node: str | None = cid
            while node is not None and node not in keys:
                if node in chain:
                    return None  # a cycle
                chain.append(node)
                node = final[node][1]
            prefix: PathKey = keys[node] if node is not None else ()
            for code_id in reversed(chain):
                prefix = (*prefix, name_key(final[code_id][0]))
                keys[code_id] = prefix
            return keys[cid]

        for i in range(len(self.specs)):
            got = key_of(self._t(i))
            if got is None:
                raise self.fail(i, f"placing '{self.path(i)}' would make a code its own ancestor.")
            if self.keys[i] is not None and got != self.keys[i]:
                raise self.fail(
                    i,
                    f"'{self.path(i)}' cannot be placed: a code above it is moved by "
                    f"{self.words.another}.",
                )
        owners: dict[PathKey, str] = {}
        by_target = self.spec_of

        def blame(cid: str) -> int | None:
            """The spec that put ``cid`` (or a code above it) where it is."""
            node: str | None = cid
            while node is not None and node not in by_target:
                node = final[node][1]
            return by_target.get(node) if node is not None else None

        for cid in final:
            got = key_of(cid)
            if got is None:  # only codes the specs moved can form a cycle, and those were checked
                continue
            other = owners.setdefault(got, cid)
            if other != cid:
                culprit = next(
                    (
                        c
                        for c in (
                            by_target.get(cid),
                            by_target.get(other),
                            blame(cid),
                            blame(other),
                        )
                        if c is not None
                    ),
                    None,
                )
                clash = join_path([final[c][0] for c in _chain(final, cid)])
                message = f"'{clash}' would be the name of two codes {self.words.after}."
                raise (
                    self.fail(culprit, message)
                    if culprit is not None
                    else CodebookPlanError(message, None, self.origin)
                )
        return {cid: len(key) for cid, key in keys.items()}

    def _sibling_orders(self, kids: dict[str | None, list[str]]) -> dict[str | None, list[str]]:
        """Children order for each parent the specs place codes under (see the module's rules)."""
        placed: dict[str | None, list[str]] = {}
        for i in range(len(self.specs)):
            placed.setdefault(self.parents[i], []).append(self._t(i))
        orders: dict[str | None, list[str]] = {}
        for parent, incoming in placed.items():
            mine = set(incoming)
            # Claimed codes not listed under this parent are moving elsewhere.
            old = [c for c in kids.get(parent, []) if c in mine or c not in self.claimed]
            present = {c for c in old if c in mine}
            chunks: list[list[str]] = []
            chunk: list[str] = []
            for cid in incoming:
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

    def _final_rows(
        self,
        kids: dict[str | None, list[str]],
        orders: dict[str | None, list[str]],
        depth: dict[str, int],
    ) -> dict[str, dict[str, Any]]:
        """Every code's row after the plan. Siblings in a new order are numbered 0..n-1;
        siblings whose numbers (with their new names) already give their order keep them."""
        rows = {cid: code.model_dump() for cid, code in self.codes.items()}
        new = [i for i in range(len(self.specs)) if self.by[i] == "new"]
        new.sort(key=lambda i: depth[self._t(i)])  # parents first; their colours in that order
        palette = _Palette(c.color for c in self.codes.values())
        for i, spec in enumerate(self.specs):
            if self.by[i] != "new":
                rows[self._t(i)].update(name=spec.name, parent_id=self.parents[i], **spec.given())
        for i in new:
            spec = self.specs[i]
            values: dict[str, Any] = spec.given()
            values.setdefault("color", palette.next())
            palette.add(values["color"])
            code = Code(id=self._t(i), name=spec.name, parent_id=self.parents[i], **values)
            rows[code.id] = code.model_dump()
        for parent, order in orders.items():
            if order == kids.get(parent) and all(
                _order_of(rows[a]) < _order_of(rows[b]) for a, b in pairwise(order)
            ):
                continue  # their numbers (and new names) already give this order
            for n, cid in enumerate(order):
                rows[cid]["sort_order"] = n
        return rows

    def _outcomes(
        self,
        kids: dict[str | None, list[str]],
        orders: dict[str | None, list[str]],
        rows: dict[str, dict[str, Any]],
    ) -> tuple[Outcome, ...]:
        """Created; updated (name, place, colour, texts or order among the old codes changed); unchanged."""
        moved_in_order: set[str] = set()
        for parent, order in orders.items():
            members = set(order)
            old = [c for c in kids.get(parent, []) if c in members]
            kept = set(old)
            new = [c for c in order if c in kept]
            moved_in_order.update(a for a, b in zip(old, new, strict=True) if a != b)
        out: list[Outcome] = []
        for i in range(len(self.specs)):
            cid = self._t(i)
            if self.by[i] == "new":
                out.append("created")
                continue
            before = self.codes[cid]
            changed = cid in moved_in_order or any(
                getattr(before, f) != rows[cid][f] for f in _COMPARED
            )
            out.append("updated" if changed else "unchanged")
        return tuple(out)

    def _steps(self, rows: dict[str, dict[str, Any]], depth: dict[str, int]) -> list[PlanStep]:
        """Temporary names for codes whose place another code takes, new codes parents
        first, then every changed code in one update each."""
        final_slots: dict[Slot, str] = {
            (r["parent_id"], name_key(r["name"])): cid for cid, r in rows.items()
        }
        steps: list[PlanStep] = []
        stashed: set[str] = set()
        for cid, code in self.codes.items():
            owner = final_slots.get((code.parent_id, name_key(code.name)))
            if owner is not None and owner != cid:
                stashed.add(cid)
                steps.append(PlanStep("stash", cid, {"name": f"({self.words.temporary} {cid})"}))
        new = [self._t(i) for i in range(len(self.specs)) if self.by[i] == "new"]
        new.sort(key=lambda cid: depth[cid])
        steps.extend(PlanStep("create", cid, dict(rows[cid])) for cid in new)
        updates: list[tuple[int, PlanStep]] = []
        for cid, code in self.codes.items():
            row = rows[cid]
            values = {c: row[c] for c in PLANNED_COLUMNS if getattr(code, c) != row[c]}
            if cid in stashed:
                values["name"] = row["name"]
            if values:
                updates.append((depth.get(cid, 0), PlanStep("update", cid, values)))
        updates.sort(
            key=lambda u: u[0]
        )  # parents before children (stable: codebook order otherwise)
        steps.extend(step for _, step in updates)
        return steps


def _order_of(row: dict[str, Any]) -> tuple[int, str]:
    """``codebook.order_key`` of a row."""
    return (row["sort_order"], name_key(row["name"]))


def _chain(final: dict[str, tuple[str, str | None]], cid: str) -> list[str]:
    """The code and its ancestors after the plan, root first (the tree is acyclic here)."""
    out: list[str] = []
    node: str | None = cid
    while node is not None:
        out.append(node)
        node = final[node][1]
    return out[::-1]
