"""The codebook: codes in a hierarchy, with definitions, colours and quick keys.

Rules enforced here (and tested): sibling names are unique (case-insensitive),
a code never becomes its own ancestor, and deleting or merging a code says
explicitly what happens to its codings; nothing disappears silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from annotator.core.codebook import CodeTree, name_key, split_path
from annotator.core.codebook_plan import AppliedPlan, CodebookPlan
from annotator.core.colors import next_palette_color, normalise_color
from annotator.core.errors import Conflict, InvalidInput, NotFound
from annotator.core.models import Code, clean_name
from annotator.store.base import ProjectBase
from annotator.store.codings import join_memos

CODE_FIELDS = (
    "name",
    "color",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "memo",
    "quick_key",
)


class CodeOps(ProjectBase):
    # -- reading -------------------------------------------------------------------
    def codes(self) -> list[Code]:
        rows = self.conn.execute(
            "SELECT * FROM codes ORDER BY sort_order, name COLLATE NOCASE"
        ).fetchall()
        return [Code.model_construct(**dict(r)) for r in rows]

    def code_tree(self) -> CodeTree:
        return CodeTree.of(self.codes())

    def code(self, code_id: str) -> Code:
        row = self._get_row("codes", (code_id,))
        if row is None:
            raise NotFound(f"No code with id {code_id}.")
        return Code.model_construct(**row)

    def find_code(self, ref: str) -> Code:
        """A code by id, by path (``Parent/Child``) or by a name unique in the codebook."""
        tree = self.code_tree()
        if ref in tree.codes:
            return tree.codes[ref]
        found = tree.find_path(ref)
        if found is not None:
            return found
        if len(split_path(ref)) == 1:
            key = name_key(ref)
            named = [c for c in tree.codes.values() if name_key(c.name) == key]
            if len(named) == 1:
                return named[0]
            if len(named) > 1:
                paths = ", ".join(tree.path(c.id) for c in named)
                raise InvalidInput(f"'{ref}' names {len(named)} codes ({paths}); give the path.")
        raise NotFound(f"No code '{ref}' in the codebook.")

    def code_counts(
        self, code_ids: set[str] | None = None, coder_ids: Iterable[str] | None = None
    ) -> dict[str, tuple[int, int]]:
        """Per code: (number of codings, number of documents coded), for all or some
        codes, counting everyone's codings or only those of ``coder_ids``."""
        sql = "SELECT code_id, count(*), count(DISTINCT document_id) FROM codings"
        where: list[str] = []
        args: list[Any] = []
        for column, ids in (("code_id", code_ids), ("coder_id", coder_ids)):
            if ids is not None:
                values = list(ids)
                where.append(f"{column} IN ({', '.join('?' for _ in values)})")
                args.extend(values)
        if where:
            sql += " WHERE " + " AND ".join(where)
        counts = {r[0]: (r[1], r[2]) for r in self.conn.execute(sql + " GROUP BY code_id", args)}
        if code_ids is not None:
            for cid in code_ids:
                counts.setdefault(cid, (0, 0))
        return counts

    # -- writing -------------------------------------------------------------------
    def _check_fields(self, fields: dict[str, Any], code_id: str | None) -> dict[str, Any]:
        out = dict(fields)
        if "name" in out:
            out["name"] = clean_name(out["name"])
        if "color" in out:
            out["color"] = normalise_color(out["color"])
        if out.get("quick_key") is not None:
            try:
                key = int(out["quick_key"])
            except (TypeError, ValueError):
                key = 0
            if not 1 <= key <= 9:
                raise InvalidInput("A quick key is a digit from 1 to 9.")
            row = self.conn.execute(
                "SELECT id FROM codes WHERE quick_key = ? AND id IS NOT ?", (key, code_id)
            ).fetchone()
            if row is not None:
                # A quick key belongs to one code: taking it frees it from the other.
                self._update("codes", (row[0],), {"quick_key": None})
            out["quick_key"] = key
        return out

    def add_code(
        self,
        name: str,
        parent_id: str | None = None,
        *,
        code_id: str | None = None,
        position: int | None = None,
        **fields: Any,
    ) -> Code:
        """A new code under ``parent_id`` (None: top level), last among its siblings
        unless ``position`` says where."""
        unknown = set(fields) - set(CODE_FIELDS)
        if unknown:
            raise TypeError(f"unknown code fields: {sorted(unknown)}")
        tree = self.code_tree()
        if parent_id is not None and parent_id not in tree.codes:
            raise NotFound(f"No parent code with id {parent_id}.")
        if code_id is not None and code_id in tree.codes:
            raise Conflict(f"A code with id {code_id} already exists.")
        name = clean_name(name)
        tree.check_sibling_name(name, parent_id)
        with self.action(f"Add code {name}"):
            values = self._check_fields({"name": name, **fields}, None)
            values.setdefault("color", next_palette_color(c.color for c in tree.codes.values()))
            siblings = tree.children(parent_id)
            if code_id:
                values["id"] = code_id
            # After the last sibling, even if earlier moves left gaps in the numbering.
            last = max((s.sort_order for s in siblings), default=-1)
            code = Code(parent_id=parent_id, sort_order=last + 1, **values)
            self._insert("codes", code.model_dump())
            if position is not None:
                self._reorder(parent_id, code.id, position, tree)
        return self.code(code.id)

    def update_code(self, code_id: str, **fields: Any) -> Code:
        """Rename, recolour, or edit definition/inclusion/exclusion/example/memo/quick key."""
        unknown = set(fields) - set(CODE_FIELDS)
        if unknown:
            raise TypeError(f"unknown code fields: {sorted(unknown)}")
        tree = self.code_tree()
        if code_id not in tree.codes:
            raise NotFound(f"No code with id {code_id}.")
        if "name" in fields:
            tree.check_sibling_name(
                clean_name(fields["name"]), tree.codes[code_id].parent_id, exclude=code_id
            )
        label = (
            f"Rename code to {fields['name']}"
            if "name" in fields
            else f"Edit code {tree.codes[code_id].name}"
        )
        with self.action(label):
            self._update("codes", (code_id,), self._check_fields(fields, code_id))
        return self.code(code_id)

    def _reorder(
        self, parent_id: str | None, code_id: str | None, position: int, tree: CodeTree
    ) -> None:
        """Number the siblings 0..n-1, with ``code_id`` (if given) at ``position``."""
        siblings = [c.id for c in tree.children(parent_id) if c.id != code_id]
        if code_id is not None:
            siblings.insert(max(0, min(position, len(siblings))), code_id)
        for order, sid in enumerate(siblings):
            self._update("codes", (sid,), {"sort_order": order})

    def move_code(
        self, code_id: str, new_parent_id: str | None, position: int | None = None
    ) -> Code:
        """Re-parent and/or reorder a code (drag and drop in the tree)."""
        tree = self.code_tree()
        if code_id not in tree.codes:
            raise NotFound(f"No code with id {code_id}.")
        if new_parent_id is not None and new_parent_id not in tree.codes:
            raise NotFound(f"No code with id {new_parent_id}.")
        tree.check_move(code_id, new_parent_id)
        code = tree.codes[code_id]
        tree.check_sibling_name(code.name, new_parent_id, exclude=code_id)
        with self.action(f"Move code {code.name}"):
            self._update("codes", (code_id,), {"parent_id": new_parent_id})
            tree = self.code_tree()
            self._reorder(
                new_parent_id,
                code_id,
                len(tree.children(new_parent_id)) if position is None else position,
                tree,
            )
        return self.code(code_id)

    def apply_codebook_plan(self, plan: CodebookPlan, label: str) -> AppliedPlan:
        """Write a checked plan (``core.codebook_plan``: an import, a merge) as one action.

        One pass over the plan's steps, each one row: temporary names, new codes
        parents first, then one update per changed code, all recorded for undo and
        redo. The plan must have been made against the codebook as it is now
        (another program may have changed it since): else nothing is written.
        """
        with self.action(label) as changes:
            if {c.id: c for c in self.codes()} != plan.base:
                raise Conflict(
                    f"'{label}' was not done: the codebook changed while it was being checked. "
                    "Nothing was changed; try again."
                )
            for step in plan.steps:
                if step.kind == "create":
                    self._insert("codes", dict(step.values))
                else:
                    self._update("codes", (step.code_id,), step.values)
        return AppliedPlan(plan.ids("created"), plan.ids("updated"), plan.ids("unchanged"), changes)

    def _move_codings(self, from_ids: list[str], to_id: str) -> None:
        """Re-assign codings to ``to_id``; a coding that would duplicate one already
        there (same document, coder and span) is folded into it, keeping its memo
        (``join_memos``: after a blank line, unless the kept memo already says it)."""
        existing = {
            (r[1], r[2], r[3], r[4]): r[0]
            for r in self.conn.execute(
                'SELECT id, document_id, coder_id, start, "end" FROM codings WHERE code_id = ?',
                (to_id,),
            )
        }
        marks = ", ".join("?" for _ in from_ids)
        rows = self.conn.execute(
            f'SELECT id, document_id, coder_id, start, "end", memo FROM codings WHERE code_id IN ({marks})',
            tuple(from_ids),
        ).fetchall()
        for cid, doc, coder, start, end, memo in rows:
            twin = existing.get((doc, coder, start, end))
            if twin is None:
                self._update("codings", (cid,), {"code_id": to_id})
                existing[(doc, coder, start, end)] = cid
            else:
                if memo:
                    kept = self._get_row("codings", (twin,))
                    assert kept is not None
                    self._update("codings", (twin,), {"memo": join_memos(kept["memo"], memo)})
                self._delete("codings", (cid,))

    def delete_code(
        self,
        code_id: str,
        codings: Literal["delete", "move"],
        move_to: str | None = None,
    ) -> int:
        """Delete a code and its sub-codes. Their codings are deleted, or moved to
        ``move_to``, as the caller chose. Returns how many codings were affected."""
        tree = self.code_tree()
        if code_id not in tree.codes:
            raise NotFound(f"No code with id {code_id}.")
        doomed = tree.subtree(code_id)
        if codings == "move":
            if move_to is None or move_to not in tree.codes:
                raise InvalidInput("Say which code the codings should move to.")
            if move_to in doomed:
                raise InvalidInput(
                    "Codings cannot move to the code being deleted or one of its sub-codes."
                )
        elif codings != "delete":
            raise InvalidInput("Say whether the codings are deleted or moved.")
        marks = ", ".join("?" for _ in doomed)
        affected = self.conn.execute(
            f"SELECT count(*) FROM codings WHERE code_id IN ({marks})", tuple(doomed)
        ).fetchone()[0]
        with self.action(f"Delete code {tree.codes[code_id].name}"):
            if codings == "move":
                assert move_to is not None
                self._move_codings(doomed, move_to)
            else:
                for (cid,) in self.conn.execute(
                    f"SELECT id FROM codings WHERE code_id IN ({marks})", tuple(doomed)
                ).fetchall():
                    self._delete("codings", (cid,))
            for cid in reversed(doomed):  # children before parents
                self._delete("codes", (cid,))
            self._reorder(tree.codes[code_id].parent_id, None, 0, self.code_tree())
        return int(affected)

    def merge_codes(self, source_id: str, target_id: str) -> None:
        """Merge ``source`` into ``target``: its codings and sub-codes move to the
        target, its memo is appended to the target's, and the source is removed."""
        tree = self.code_tree()
        for cid in (source_id, target_id):
            if cid not in tree.codes:
                raise NotFound(f"No code with id {cid}.")
        if source_id == target_id:
            raise InvalidInput("A code cannot be merged into itself.")
        if target_id in tree.subtree(source_id):
            raise InvalidInput("A code cannot be merged into one of its own sub-codes.")
        source, target = tree.codes[source_id], tree.codes[target_id]
        for child in tree.children(source_id):
            # The source itself leaves the target's children, so it does not clash.
            tree.check_sibling_name(child.name, target_id, exclude=source_id)
        with self.action(f"Merge {source.name} into {target.name}"):
            self._move_codings([source_id], target_id)
            # The source steps aside first: a child may share its name ("Emotion/Anger/Anger"
            # merged into "Emotion") and must be able to take its place.
            self._update("codes", (source_id,), {"name": f"(merging {source_id})"})
            base = max((c.sort_order for c in tree.children(target_id)), default=-1) + 1
            for i, child in enumerate(tree.children(source_id)):
                self._update("codes", (child.id,), {"parent_id": target_id, "sort_order": base + i})
            if source.memo:
                self._update(
                    "codes",
                    (target_id,),
                    {"memo": "\n\n".join(m for m in (target.memo, source.memo) if m)},
                )
            self._delete("codes", (source_id,))
            self._reorder(source.parent_id, None, 0, self.code_tree())
