"""What an action changed, row by row, so it can be shown, undone and redone.

The store records every row it writes inside an action as a ``RowChange``
(table, key, row before, row after). A ``ChangeSet`` is one user action. Its
``inverse()`` is the undo; applying the ChangeSet again is the redo. Views read
the same ChangeSet to refresh only what changed (Anki's "OpChanges").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple

Row = dict[str, Any]

_KEY = attrgetter("key")


class RowChange(NamedTuple):
    """One row written: ``before`` is None for an insert, ``after`` None for a delete.

    A named tuple rather than a frozen dataclass: an import records one per row, and a
    tuple is made in a fraction of the time (100,000 codings: ~0.1 s less)."""

    table: str
    key: tuple[Any, ...]
    before: Row | None
    after: Row | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "insert"
        if self.after is None:
            return "delete"
        return "update"

    def inverse(self) -> RowChange:
        return RowChange(self.table, self.key, self.after, self.before)

    def value(self, column: str) -> Any:
        """The column's value after the change, or before it for a delete."""
        row = self.after if self.after is not None else self.before
        assert row is not None
        return row.get(column)

    def values(self, column: str) -> set[Any]:
        """The column's values before and after (e.g. a coding moved between codes)."""
        out = set()
        for row in (self.before, self.after):
            if row is not None:
                out.add(row.get(column))
        return out


@dataclass
class ChangeSet:
    """Everything one user action wrote, in the order it was written."""

    label: str = ""
    rows: list[RowChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def inverse(self) -> ChangeSet:
        """The undo: each row change reversed, in reverse order (children before parents)."""
        return ChangeSet(self.label, [rc.inverse() for rc in reversed(self.rows)])

    def of(self, table: str) -> Iterator[RowChange]:
        return (rc for rc in self.rows if rc.table == table)

    def ids(self, table: str) -> set[Any]:
        """Primary-key values (first key column) of the rows of ``table`` touched."""
        return {rc.key[0] for rc in self.of(table)}

    def touches(self, table: str) -> bool:
        return any(rc.table == table for rc in self.rows)

    def affected(self, table: str, column: str) -> set[Any]:
        """Values of ``column`` before or after, across the rows of ``table`` touched.

        ``affected("codings", "code_id")`` is the set of codes whose counts may have changed.
        """
        out: set[Any] = set()
        for rc in self.of(table):
            out |= rc.values(column)
        out.discard(None)
        return out

    def rewrites(self) -> bool:
        """Whether some row may have been written more than once (what ``compact`` merges):
        False if no key repeats (in any table; the keys alone are quicker to compare)."""
        return len(set(map(_KEY, self.rows))) != len(self.rows)

    def compact(self) -> ChangeSet:
        """Merge repeated writes to one row into one change (first before, last after)."""
        if not self.rewrites():  # the common case (a bulk import): only no-op updates to drop
            return ChangeSet(self.label, [rc for rc in self.rows if rc.before != rc.after])
        merged: dict[tuple[str, tuple[Any, ...]], RowChange] = {}
        order: list[tuple[str, tuple[Any, ...]]] = []
        for rc in self.rows:
            k = (rc.table, rc.key)
            if k in merged:
                first = merged[k]
                merged[k] = RowChange(rc.table, rc.key, first.before, rc.after)
            else:
                merged[k] = rc
                order.append(k)
        rows = [merged[k] for k in order if merged[k].before != merged[k].after]
        return ChangeSet(self.label, rows)
