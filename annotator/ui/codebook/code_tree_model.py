"""The codebook as a Qt item model: a thin, incrementally updated view of the store.

``CodeTreeModel`` is built once from ``project.codes()`` and
``project.code_counts()``. Its rows are Qt bookkeeping only; what the
codebook says (paths, sub-codes, sibling order, the codes in display order)
comes from a ``core.codebook.CodeTree`` kept in step with them, so the tree,
its dialogs and the code picker show the same paths. After that it changes only through
``apply_changes(ChangeSet)``: inserted, deleted, moved or edited codes become
row inserts, removals, moves and ``dataChanged`` on exactly those rows, and new
or removed codings recount only the codes they name (and the totals with sub-codes
of their ancestors: a code with sub-codes shows "own / with sub-codes" in the
Codings column, as NVivo's aggregate does). A model reset would
collapse the researcher's tree and lose the selection, so it is kept for the
one case that cannot be followed row by row (a ChangeSet that contradicts the
tree, which the store never produces) and for ``reload()``, after another
program changed the file.

The model never writes to the store. Renames typed in the tree and codes
dropped inside it are announced as signals; the panel turns them into
undoable commands.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

from annotator.core.changes import ChangeSet, Row
from annotator.core.codebook import CodeTree, order_key
from annotator.core.models import Code
from annotator.store import Project
from annotator.ui.widgets.state import CODE_MIME
from annotator.ui.widgets.theme import quiet_text_color, swatch_rim_color

Index = QModelIndex | QPersistentModelIndex
#: The invisible root, as a default argument (Qt's own signatures default to it).
_ROOT = QModelIndex()

NAME, KEY, CODINGS, DOCS = range(4)
HEADERS = ("Code", "Key", "Codings", "Docs")

#: The code id of the row (every column).
CodeIdRole = Qt.ItemDataRole.UserRole + 1
#: The bare code name, what the filter box matches (the display may add more).
NameRole = Qt.ItemDataRole.UserRole + 2


class _Node:
    """One code in the tree. Rows hold the id itself, so no id is ever parsed from text.

    Indexes carry the node's ``serial`` (``internalId``), not a pointer to it: an
    index Qt still holds for a removed row then finds nothing, instead of reaching a
    Python object that has been freed.
    """

    __slots__ = (
        "children",
        "code",
        "code_id",
        "count",
        "docs",
        "parent",
        "row",
        "serial",
        "total",
    )
    _serials = itertools.count(1)

    def __init__(self, code: Code | None, parent: _Node | None = None) -> None:
        self.serial = next(_Node._serials)
        self.code_id: str | None = code.id if code is not None else None
        self.code = code
        self.parent = parent
        self.children: list[_Node] = []
        self.row = 0
        self.count = 0
        self.docs = 0
        #: Codings of this code and all its sub-codes.
        self.total = 0

    def sort_key(self) -> tuple[int, str]:
        assert self.code is not None
        return order_key(self.code)

    def sum_children(self) -> int:
        return self.count + sum(c.total for c in self.children)

    def codings_text(self) -> str:
        """``own / with sub-codes`` for a code with sub-codes, ``own`` for a leaf."""
        return f"{self.count} / {self.total}" if self.children else str(self.count)

    def renumber(self, start: int = 0) -> None:
        for i in range(start, len(self.children)):
            self.children[i].row = i


def _add_totals(top: _Node) -> None:
    """Totals of ``top`` and everything below it, without signals (rows not shown yet)."""
    order: list[_Node] = []
    stack = [top]
    while stack:
        n = stack.pop()
        order.append(n)
        stack.extend(n.children)
    for n in reversed(order):  # every node after all of its descendants
        n.total = n.sum_children()


def _code(row: Row) -> Code:
    return Code.model_construct(**row)


def _stable(seq: list[int]) -> set[int]:
    """Positions (into ``seq``) of a longest increasing subsequence: the rows that can stay put."""
    tails: list[int] = []  # position in seq of the smallest tail of each length
    tail_values: list[int] = []
    prev = [-1] * len(seq)
    for i, v in enumerate(seq):
        k = bisect.bisect_left(tail_values, v)
        if k == len(tail_values):
            tail_values.append(v)
            tails.append(i)
        else:
            tail_values[k] = v
            tails[k] = i
        prev[i] = tails[k - 1] if k else -1
    out: set[int] = set()
    i = tails[-1] if tails else -1
    while i != -1:
        out.add(i)
        i = prev[i]
    return out


class CodeTreeModel(QAbstractItemModel):
    """Codes as a tree: colour swatch and name, quick key, codings and documents counted."""

    #: The researcher typed a new name in the tree: (code_id, name).
    renameRequested = Signal(str, str)
    #: Codes were dropped inside the tree: (code ids, new parent id or None, row or -1 for last).
    codesDropped = Signal(list, object, int)

    def __init__(
        self,
        project: Project,
        parent: QObject | None = None,
        *,
        coder_ids: Iterable[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self._coders: frozenset[str] | None = None if coder_ids is None else frozenset(coder_ids)
        self._root = _Node(None)
        self._nodes: dict[str, _Node] = {}
        self._by_serial: dict[int, _Node] = {}
        self._tree = CodeTree({})
        self._icons: dict[str, QIcon] = {}
        # Zero-count grey and swatch rims depend on the theme: recomputed when it changes.
        self._palette_key = -1
        self._quiet = QColor()
        self._build()

    # -- building ----------------------------------------------------------------------
    def _build(self) -> None:
        codes = self.project.codes()
        self._tree = CodeTree.of(codes)
        self._root = _Node(None)
        self._nodes = {c.id: _Node(c) for c in codes}
        for node in self._nodes.values():
            assert node.code is not None
            parent = self._nodes.get(node.code.parent_id or "", self._root)
            node.parent = parent
            parent.children.append(node)
        for node in [self._root, *self._nodes.values()]:
            node.children.sort(key=_Node.sort_key)
            node.renumber()
        self._by_serial = {n.serial: n for n in self._nodes.values()}
        for cid, (count, docs) in self._counts(None).items():
            if cid in self._nodes:
                self._nodes[cid].count, self._nodes[cid].docs = count, docs
        _add_totals(self._root)

    def _rebuild(self) -> None:
        """Last resort for a ChangeSet the tree cannot follow row by row."""
        self.beginResetModel()
        self._build()
        self.endResetModel()

    def reload(self) -> None:
        """Re-read every code and count, keeping the coder filter (the file changed
        outside this window: there is no ChangeSet to follow). The panel restores
        what the reset loses (expanded branches, the current code)."""
        self._rebuild()

    def _counts(self, code_ids: set[str] | None) -> dict[str, tuple[int, int]]:
        """(codings, documents) per code, for all coders or only the visible ones."""
        return self.project.code_counts(code_ids, self._coders)

    # -- public helpers ------------------------------------------------------------------
    def code_id(self, index: Index) -> str | None:
        if not index.isValid() or index.model() is not self:
            return None
        node = self._by_serial.get(index.internalId())
        return node.code_id if node is not None else None

    def index_of(self, code_id: str | None, column: int = NAME) -> QModelIndex:
        node = self._nodes.get(code_id or "")
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node.serial)

    def code(self, code_id: str) -> Code:
        node = self._nodes[code_id]
        assert node.code is not None
        return node.code

    def counts(self, code_id: str) -> tuple[int, int]:
        node = self._nodes[code_id]
        return node.count, node.docs

    def total(self, code_id: str) -> int:
        """Codings of the code and all its sub-codes (shown coders only, as the counts)."""
        return self._nodes[code_id].total

    def code_ids(self) -> list[str]:
        """Every code, depth first in display order."""
        return [c.id for c in self._tree.walk()]

    def subtree(self, code_id: str) -> list[str]:
        """The code and its descendants."""
        return self._tree.subtree(code_id)

    def path(self, code_id: str) -> str:
        """``Parent/Child`` as everywhere else (``core.codebook``: a ``/`` in a name is ``\\/``)."""
        return self._tree.path(code_id)

    def coder_filter(self) -> frozenset[str] | None:
        return self._coders

    def set_coder_filter(self, coder_ids: Iterable[str] | None) -> None:
        """Count only these coders' codings (None: everyone's), as the coder view switch says."""
        coders = None if coder_ids is None else frozenset(coder_ids)
        if coders == self._coders:
            return
        self._coders = coders
        fresh = self._counts(None)
        for node in self._nodes.values():
            assert node.code_id is not None
            self._set_counts(node, fresh.get(node.code_id, (0, 0)))

    # -- incremental updates ------------------------------------------------------------
    def apply_changes(self, cs: ChangeSet) -> None:
        """Follow what one store action changed, touching only the rows it names."""
        if cs.touches("codes") and not self._apply_code_rows(cs):
            self._rebuild()
            return
        if cs.touches("codings"):
            ids = {cid for cid in cs.affected("codings", "code_id") if cid in self._nodes}
            if ids:
                fresh = self._counts(ids)
                for cid in ids:
                    self._set_counts(self._nodes[cid], fresh[cid])

    def _set_counts(self, node: _Node, counts: tuple[int, int]) -> None:
        if (node.count, node.docs) != counts:
            node.count, node.docs = counts
            node.total = node.sum_children()
            self.dataChanged.emit(
                self.createIndex(node.row, CODINGS, node.serial),
                self.createIndex(node.row, DOCS, node.serial),
            )
            self._retotal(node.parent)

    def _retotal(self, node: _Node | None, *, force: bool = False) -> None:
        """Bring the totals of ``node`` and its ancestors up to date, announcing the
        Codings cell of each one that changes (``force``: ``node``'s own cell in any
        case, as gaining or losing its last sub-code changes its text)."""
        while node is not None and node is not self._root:
            total = node.sum_children()
            if total == node.total and not force:
                return  # nothing above changes either
            node.total = total
            cell = self.createIndex(node.row, CODINGS, node.serial)
            self.dataChanged.emit(cell, cell)
            force = False
            node = node.parent

    def _apply_code_rows(self, cs: ChangeSet) -> bool:
        """Apply the ``codes`` rows; False if they do not fit the tree (caller rebuilds)."""
        first: dict[str, Row | None] = {}
        last: dict[str, Row | None] = {}
        for rc in cs.of("codes"):
            first.setdefault(rc.key[0], rc.before)
            last[rc.key[0]] = rc.after
        inserted: list[Row] = []
        updated: list[Row] = []
        deleted: list[str] = []
        for cid, after in last.items():
            if after is None:
                if first[cid] is not None:
                    deleted.append(cid)
            elif first[cid] is None:
                inserted.append(after)
            elif first[cid] != after:
                updated.append(after)
        touched: dict[int, _Node] = {}  # parents whose children may need re-sorting
        # Inserts first, so codes moved under a new code (undo of a merge) find it;
        # deletes last, so sub-codes moved away from a deleted code (merge) survive.
        ok = (
            self._insert_codes(inserted, touched)
            and self._update_codes(updated, touched)
            and self._delete_codes(deleted, touched)
        )
        if not ok:
            return False
        for parent in touched.values():
            if parent is self._root or parent.code_id in self._nodes:
                self._resort(parent)
        return True

    def _insert_codes(self, rows: list[Row], touched: dict[int, _Node]) -> bool:
        """Insert new codes; a new code's new sub-codes (undo of a delete) ride in with it."""
        fresh = {r["id"]: _Node(_code(r)) for r in rows}
        if any(cid in self._nodes for cid in fresh):
            return False
        counts = self._counts(set(fresh))
        tops: list[_Node] = []
        for node in fresh.values():
            assert node.code is not None
            node.count, node.docs = counts.get(node.code_id or "", (0, 0))
            parent_id = node.code.parent_id
            if parent_id in fresh:  # attached before its parent's row appears: no signal
                node.parent = fresh[parent_id]
                fresh[parent_id].children.append(node)
            elif parent_id is None or parent_id in self._nodes:
                node.parent = self._nodes[parent_id] if parent_id else self._root
                tops.append(node)
            else:
                return False
        for node in fresh.values():
            node.children.sort(key=_Node.sort_key)
            node.renumber()
        for node in tops:
            _add_totals(node)
        for node in tops:
            parent = node.parent
            assert parent is not None
            pos = sum(1 for c in parent.children if c.sort_key() < node.sort_key())
            self.beginInsertRows(self._index(parent), pos, pos)
            parent.children.insert(pos, node)
            parent.renumber(pos)
            stack = [node]
            while stack:
                n = stack.pop()
                assert n.code_id is not None and n.code is not None
                self._nodes[n.code_id] = n
                self._by_serial[n.serial] = n
                self._tree.put(n.code)
                stack.extend(n.children)
            self.endInsertRows()
            self._retotal(parent, force=True)
            touched[id(parent)] = parent
        return True

    def _update_codes(self, rows: list[Row], touched: dict[int, _Node]) -> bool:
        for row in rows:
            node = self._nodes.get(row["id"])
            if node is None or node.code is None:
                return False
            old = node.code
            node.code = _code(row)
            self._tree.put(node.code)
            if old.parent_id != row["parent_id"]:
                new_parent = (
                    self._root if row["parent_id"] is None else self._nodes.get(row["parent_id"])
                )
                if new_parent is None or self._inside(new_parent, node):
                    return False
                self._reparent(node, new_parent)
            assert node.parent is not None
            touched[id(node.parent)] = node.parent
            if (old.name, old.color, old.quick_key, old.definition) != (
                node.code.name,
                node.code.color,
                node.code.quick_key,
                node.code.definition,
            ):
                self.dataChanged.emit(
                    self.createIndex(node.row, NAME, node.serial),
                    self.createIndex(node.row, DOCS, node.serial),
                )
        return True

    def _delete_codes(self, ids: list[str], touched: dict[int, _Node]) -> bool:
        # Topmost first: removing a code's row removes its sub-codes' rows with it.
        for cid in sorted(ids, key=self._depth):
            node = self._nodes.get(cid)
            if node is None:
                continue  # already gone with a deleted parent
            parent = node.parent
            assert parent is not None
            self.beginRemoveRows(self._index(parent), node.row, node.row)
            del parent.children[node.row]
            parent.renumber(node.row)
            for gone in self._tree.subtree(cid):
                self._by_serial.pop(self._nodes.pop(gone).serial, None)
                self._tree.drop(gone)
            self.endRemoveRows()
            self._retotal(parent, force=True)
            touched[id(parent)] = parent
        return True

    def _depth(self, code_id: str) -> int:
        return self._tree.level(code_id) if code_id in self._tree.codes else 0

    @staticmethod
    def _inside(node: _Node, ancestor: _Node) -> bool:
        walk: _Node | None = node
        while walk is not None:
            if walk is ancestor:
                return True
            walk = walk.parent
        return False

    def _reparent(self, node: _Node, new_parent: _Node) -> None:
        old_parent = node.parent
        assert old_parent is not None
        pos = sum(1 for c in new_parent.children if c.sort_key() < node.sort_key())
        self.beginMoveRows(
            self._index(old_parent), node.row, node.row, self._index(new_parent), pos
        )
        del old_parent.children[node.row]
        old_parent.renumber(node.row)
        new_parent.children.insert(pos, node)
        node.parent = new_parent
        new_parent.renumber(pos)
        self.endMoveRows()
        self._retotal(old_parent, force=True)
        self._retotal(new_parent, force=True)

    def _resort(self, parent: _Node) -> None:
        """Bring the children into store order, moving only the rows out of place."""
        target = sorted(parent.children, key=_Node.sort_key)
        if target == parent.children:
            return
        rank = {id(n): i for i, n in enumerate(target)}
        stay = {id(parent.children[i]) for i in _stable([rank[id(n)] for n in parent.children])}
        pidx = self._index(parent)
        for t, node in enumerate(target):
            if id(node) in stay:
                continue
            # Place right after its predecessor in the target order (or first).
            dest = 0 if t == 0 else target[t - 1].row + 1
            src = node.row
            if dest in (src, src + 1):
                continue
            self.beginMoveRows(pidx, src, src, pidx, dest)
            del parent.children[src]
            parent.children.insert(dest - 1 if dest > src else dest, node)
            parent.renumber(min(src, dest))
            self.endMoveRows()

    def _index(self, node: _Node) -> QModelIndex:
        if node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, NAME, node.serial)

    def _node(self, index: Index) -> _Node | None:
        """The node of an index, the root for the invalid index, None for a removed row."""
        return self._by_serial.get(index.internalId()) if index.isValid() else self._root

    # -- QAbstractItemModel ------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        node = self._node(parent)
        if node is not None and 0 <= row < len(node.children) and 0 <= column < len(HEADERS):
            return self.createIndex(row, column, node.children[row].serial)
        return QModelIndex()

    def parent(self, index: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        node = self._node(index) if index.isValid() else None
        if node is None or node.parent is None:
            return QModelIndex()
        return self._index(node.parent)

    def rowCount(self, parent: Index = _ROOT) -> int:
        if parent.isValid() and parent.column() != NAME:
            return 0
        node = self._node(parent)
        return len(node.children) if node is not None else 0

    def columnCount(self, parent: Index = _ROOT) -> int:
        return len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    "Code name",
                    "Quick key (press the digit to code a selection)",
                    "Number of codings",
                    "Number of documents coded",
                )[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self._node(index) if index.isValid() else None
        if node is None or node.code is None:
            return None
        code = node.code
        col = index.column()
        if role == CodeIdRole:
            return node.code_id
        if role == NameRole:
            return code.name
        if role == Qt.ItemDataRole.DisplayRole:
            if col == NAME:
                return code.name
            if col == KEY:
                return str(code.quick_key) if code.quick_key is not None else ""
            return node.codings_text() if col == CODINGS else str(node.docs)
        if role == Qt.ItemDataRole.EditRole and col == NAME:
            return code.name
        if role == Qt.ItemDataRole.DecorationRole and col == NAME:
            return self._swatch(code.color)
        if role == Qt.ItemDataRole.TextAlignmentRole and col != NAME:
            align = Qt.AlignmentFlag.AlignCenter if col == KEY else Qt.AlignmentFlag.AlignRight
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and (
            (col == CODINGS and node.total == 0) or (col == DOCS and node.count == 0)
        ):
            self._follow_palette()
            return self._quiet
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node)
        return None

    def _tooltip(self, node: _Node) -> str:
        code = node.code
        assert code is not None and code.id is not None
        lines = [f"<b>{_esc(self.path(code.id))}</b>"]
        if code.definition:
            lines.append(_esc(code.definition))
        who = "" if self._coders is None else " (shown coders)"
        lines.append(
            f"{node.count} coding{'s' * (node.count != 1)} in "
            f"{node.docs} document{'s' * (node.docs != 1)}{who}"
        )
        if node.children:
            lines.append(
                f"{node.count} coding{'s' * (node.count != 1)} of this code; "
                f"{node.total} with its sub-codes{who}"
            )
        if code.quick_key is not None:
            lines.append(f"Quick key: {code.quick_key}")
        return "<br>".join(lines)

    def _follow_palette(self) -> None:
        """Forget the colours worked out for another theme."""
        palette = QApplication.palette()
        if palette.cacheKey() != self._palette_key:
            self._palette_key = palette.cacheKey()
            self._icons.clear()
            self._quiet = quiet_text_color(palette)

    def swatch_rim(self, color: str) -> QColor:
        """The rim of ``color``'s swatch: it stands out from the rows in any theme
        (WCAG 3:1 for non-text), so a navy code is still a square on a dark list."""
        return swatch_rim_color(color, QApplication.palette())

    def _swatch(self, color: str) -> QIcon:
        self._follow_palette()
        icon = self._icons.get(color)
        if icon is None:
            pix = QPixmap(14, 14)
            pix.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pix)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(self.swatch_rim(color))
            painter.setBrush(QColor(color))
            # On pixel centres: the 1 px rim is drawn crisp, in exactly its colour.
            painter.drawRoundedRect(QRectF(1.5, 1.5, 11, 11), 3, 3)
            painter.end()
            icon = self._icons[color] = QIcon(pix)
        return icon

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # drop on empty space: top level
        if self._node(index) is None:
            return Qt.ItemFlag.NoItemFlags
        flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled
        )
        if index.column() == NAME:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """A name typed in the tree goes to the panel, which renames through the store."""
        if role != Qt.ItemDataRole.EditRole or index.column() != NAME or not index.isValid():
            return False
        node = self._node(index)
        if node is None or node.code_id is None or node.code is None:
            return False
        if str(value) == node.code.name:
            return False
        before = node.code.name
        self.renameRequested.emit(node.code_id, str(value))
        # The store's change, if it succeeded, has already come back through apply_changes.
        return node.code is not None and node.code.name != before

    # -- drag and drop -----------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [CODE_MIME]

    def mimeData(self, indexes: Iterable[Index]) -> QMimeData:
        ids: list[str] = []
        for index in indexes:
            cid = self.code_id(index)
            if cid is not None and cid not in ids:
                ids.append(cid)
        data = QMimeData()
        data.setData(CODE_MIME, json.dumps(ids).encode())
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    @staticmethod
    def dropped_ids(data: QMimeData) -> list[str] | None:
        if not data.hasFormat(CODE_MIME):
            return None
        try:
            ids = json.loads(bytes(data.data(CODE_MIME).data()).decode())
        except ValueError:
            return None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return None
        return ids

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        # Cycles and name clashes are let through on purpose: the store refuses them
        # with a sentence the researcher sees, instead of a silently refused drop.
        return self.dropped_ids(data) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        """Announce the move (dropped on an item: it becomes the parent; between items: that row)."""
        ids = self.dropped_ids(data)
        if not ids or action == Qt.DropAction.IgnoreAction:
            return False
        parent_id = self.code_id(parent) if parent.isValid() else None
        self.codesDropped.emit(ids, parent_id, row)
        # False: the rows move when the store's change arrives; the view must not
        # remove the "source" rows itself as it would after a successful move.
        return False


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
