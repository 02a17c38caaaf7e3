"""Codebook structure: code paths, the tree, cycles and sibling-name rules.

A code's *path* is its ancestors' names and its own joined by ``/``
(``Geopolitics/Geopolitical rivalry``). A ``/`` inside a name is written ``\\/``
in a path so every path splits back into the same names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from annotator.core.errors import Conflict
from annotator.core.models import Code

_SPLIT = re.compile(r"(?<!\\)/")


def join_path(names: Sequence[str]) -> str:
    """``["A", "B/C"]`` -> ``"A/B\\/C"``."""
    return "/".join(n.replace("\\", "\\\\").replace("/", "\\/") for n in names)


def split_path(path: str) -> list[str]:
    """Inverse of ``join_path``; surrounding spaces of each part are dropped."""
    out: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(path):
        ch = path[i]
        if ch == "\\" and i + 1 < len(path) and path[i + 1] in "\\/":
            buf.append(path[i + 1])
            i += 2
            continue
        if ch == "/":
            out.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
        i += 1
    out.append("".join(buf).strip())
    return [p for p in out if p]


def name_key(name: str) -> str:
    """Names are compared case-insensitively and with white space folded."""
    return " ".join(name.split()).casefold()


#: A code's place as the names along its path, each as ``name_key`` folds it.
PathKey = tuple[str, ...]


def order_key(code: Code) -> tuple[int, str]:
    """Where a code stands among its siblings: by ``sort_order``, then by name.

    The one sibling order of the codebook: the tree, the Qt model and imports all use it.
    """
    return (code.sort_order, name_key(code.name))


@dataclass
class CodeTree:
    """An in-memory view of the codebook for path lookups and structural checks."""

    codes: dict[str, Code]
    _kids: dict[str | None, list[Code]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, codes: Iterable[Code]) -> CodeTree:
        return cls({c.id: c for c in codes})

    def _index(self) -> dict[str | None, list[Code]]:
        if self._kids is None:
            # Indexed once: walking a 1,000-code tree must not rescan every code per node.
            kids: dict[str | None, list[Code]] = {}
            for code in self.codes.values():
                kids.setdefault(code.parent_id, []).append(code)
            for group in kids.values():
                group.sort(key=order_key)
            self._kids = kids
        return self._kids

    def children(self, parent_id: str | None) -> list[Code]:
        return list(self._index().get(parent_id, ()))

    def child_ids(self) -> dict[str | None, list[str]]:
        """Every parent's children (ids, in display order) at once; None is the top level."""
        return {parent: [c.id for c in group] for parent, group in self._index().items()}

    # -- keeping a tree up to date (the Qt model follows the store with one) ----------
    def put(self, code: Code) -> None:
        """Add the code, or replace the one with its id."""
        old = self.codes.get(code.id)
        self.codes[code.id] = code
        if old is None or order_key(old) != order_key(code) or old.parent_id != code.parent_id:
            self._kids = None  # re-indexed when next asked
        elif self._kids is not None:
            group = self._kids.get(code.parent_id, [])
            at = next((i for i, c in enumerate(group) if c.id == code.id), None)
            if at is None:
                self._kids = None
            else:
                group[at] = code  # same place: only its other fields changed

    def drop(self, code_id: str) -> None:
        """Remove one code (its sub-codes are the caller's to remove)."""
        if self.codes.pop(code_id, None) is not None:
            self._kids = None

    def ancestors(self, code_id: str) -> list[Code]:
        """From the root down to the code's parent."""
        chain: list[Code] = []
        seen: set[str] = set()
        parent = self.codes[code_id].parent_id
        while parent is not None and parent not in seen:
            seen.add(parent)
            code = self.codes[parent]
            chain.append(code)
            parent = code.parent_id
        chain.reverse()
        return chain

    def names(self, code_id: str) -> list[str]:
        """The names along the code's path, from the top level down to its own."""
        return [c.name for c in self.ancestors(code_id)] + [self.codes[code_id].name]

    def path(self, code_id: str) -> str:
        """``Parent/Child``, with a ``/`` inside a name escaped: the one path format shown."""
        return join_path(self.names(code_id))

    def path_keys(self) -> dict[PathKey, str]:
        """Every code by its path key (the folded names along its path)."""
        index: dict[PathKey, str] = {}
        kids = self._index()
        stack: list[tuple[str | None, PathKey]] = [(None, ())]
        while stack:
            parent, prefix = stack.pop()
            for code in kids.get(parent, ()):
                key = (*prefix, name_key(code.name))
                index[key] = code.id
                stack.append((code.id, key))
        return index

    def level(self, code_id: str) -> int:
        """1 for a top-level code."""
        return len(self.ancestors(code_id)) + 1

    def subtree(self, code_id: str) -> list[str]:
        """The code and all its descendants, parents before children."""
        out = [code_id]
        i = 0
        while i < len(out):
            out.extend(c.id for c in self.children(out[i]))
            i += 1
        return out

    def walk(self, parent_id: str | None = None) -> Iterator[Code]:
        """Depth-first, in display order (iteratively: a deep tree does not hit the recursion limit)."""
        kids = self._index()
        stack = list(reversed(kids.get(parent_id, ())))
        while stack:
            code = stack.pop()
            yield code
            stack.extend(reversed(kids.get(code.id, ())))

    def find_path(self, path: str) -> Code | None:
        parent: str | None = None
        found: Code | None = None
        for part in split_path(path):
            key = name_key(part)
            found = next((c for c in self.children(parent) if name_key(c.name) == key), None)
            if found is None:
                return None
            parent = found.id
        return found

    def check_sibling_name(
        self, name: str, parent_id: str | None, exclude: str | None = None
    ) -> None:
        key = name_key(name)
        for sib in self.children(parent_id):
            if sib.id != exclude and name_key(sib.name) == key:
                where = f"under '{self.path(parent_id)}'" if parent_id else "at the top level"
                raise Conflict(f"A code named '{sib.name}' already exists {where}.")

    def check_move(self, code_id: str, new_parent_id: str | None) -> None:
        if new_parent_id is not None and new_parent_id in self.subtree(code_id):
            raise Conflict(
                f"Cannot move '{self.codes[code_id].name}' inside itself or one of its own sub-codes."
            )
