"""Choosing a code from the keyboard: type part of its path, arrows, Enter.

``pick_code`` is what "Apply code…" opens: recently used codes come first,
typing filters every code by any part of its path (case-insensitive), Up/Down
move while the cursor stays in the box, Enter applies, Esc cancels, and a
name that matches no code offers "Create code “…”" at the end (the caller
creates it through ``app.operations``, so creating and coding stay one undo
step; a path "Parent/Child" creates Child under the code Parent). ``choose_code`` is the
plain variant for re-assign and merge targets: no create entry, some codes
left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QKeyEvent, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.code_match import Candidate, rank
from annotator.core.codebook import name_key
from annotator.store import Project
from annotator.ui.widgets.theme import swatch_rim_color

_KIND = Qt.ItemDataRole.UserRole
_ID = Qt.ItemDataRole.UserRole + 1
_HEADING, _CODE, _CREATE = "heading", "code", "create"


@dataclass
class PickResult:
    """An existing code (``code_id``) or the name of one to create (``new_name``)."""

    code_id: str | None
    new_name: str | None


@dataclass(frozen=True)
class _Entry:
    id: str
    name: str
    path: str
    color: str
    definition: str


def swatch_icon(color: str, size: int = 14, palette: QPalette | None = None) -> QIcon:
    """A small rounded square of the code's colour, outlined so pale colours still show
    (on ``palette``'s lists, the application's by default: the outline stands out from
    light and dark rows alike)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor(color)
    rows = palette if palette is not None else QApplication.palette()
    painter.setPen(QPen(swatch_rim_color(fill.name(), rows), 1))
    painter.setBrush(fill)
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pix)


def _plus_icon(size: int = 14) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#2E7D32"), 2))
    mid = size // 2
    painter.drawLine(mid, 2, mid, size - 2)
    painter.drawLine(2, mid, size - 2, mid)
    painter.end()
    return QIcon(pix)


class CodePicker(QDialog):
    """A filter box over the codebook; after ``exec()`` read ``selected_code_id`` or ``created_name``."""

    def __init__(
        self,
        project: Project,
        recent_codes: Sequence[str] = (),
        title: str = "Apply code",
        *,
        allow_create: bool = True,
        exclude: Iterable[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("codePicker")
        self.setWindowTitle(title)
        self.selected_code_id: str | None = None
        self.created_name: str | None = None
        self._allow_create = allow_create

        tree = project.code_tree()
        skip = set(exclude)
        # Every code's name and path, for "does this name exist already" (even excluded ones).
        self._all_keys = {name_key(c.name) for c in tree.codes.values()}
        self._all_keys |= {name_key(tree.path(c.id)) for c in tree.codes.values()}
        self._entries = [
            _Entry(c.id, c.name, tree.path(c.id), c.color, c.definition)
            for c in tree.walk()
            if c.id not in skip
        ]
        self._by_id = {e.id: e for e in self._entries}
        self._candidates = [Candidate(e.id, e.name, e.path) for e in self._entries]
        self._recent = [self._by_id[i] for i in dict.fromkeys(recent_codes) if i in self._by_id]

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("codePickerFilter")
        self.filter_edit.setPlaceholderText("Type part of a code's name or path…")
        self.filter_edit.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setObjectName("codePickerList")
        self.list.setIconSize(QSize(14, 14))
        self.list.setUniformItemSizes(True)
        # The cursor stays in the filter box; the list is driven from there.
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        hint = QLabel("↑ ↓ choose   Enter apply   Esc cancel", self)
        hint.setObjectName("codePickerHint")
        small = QFont(hint.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        hint.setFont(small)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(hint)
        self.resize(440, 380)

        self.filter_edit.textChanged.connect(self._rebuild)
        self.filter_edit.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self.accept_current())
        self.list.itemClicked.connect(lambda _item: self.filter_edit.setFocus())
        self._rebuild()

    # -- list contents ---------------------------------------------------------------
    def _heading(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)  # not selectable: arrows skip it
        font = QFont(item.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.9)
        item.setFont(font)
        # Explicit colour: the disabled grey of an unselectable row is too faint to read.
        item.setForeground(self.palette().color(QPalette.ColorRole.WindowText))
        item.setData(_KIND, _HEADING)
        self.list.addItem(item)

    def _add_code(self, entry: _Entry) -> None:
        item = QListWidgetItem(swatch_icon(entry.color), entry.path)
        item.setData(_KIND, _CODE)
        item.setData(_ID, entry.id)
        if entry.definition:
            item.setToolTip(entry.definition)
        self.list.addItem(item)

    def _rebuild(self) -> None:
        text = self.filter_edit.text()
        self.list.clear()
        if not text.split():
            # Nothing typed: the recent codes, then the whole codebook in its order.
            recent_ids = {e.id for e in self._recent}
            rest = [e for e in self._entries if e.id not in recent_ids]
            if self._recent:
                self._heading("Recent")
                for e in self._recent:
                    self._add_code(e)
                if rest:
                    self._heading("All codes")
            for e in rest:
                self._add_code(e)
        else:
            # Typed: one list, best match first (core.code_match), so Enter applies it.
            ranked = rank(self._candidates, text, [e.id for e in self._recent])
            for c in ranked:
                self._add_code(self._by_id[c.id])

        name = " ".join(text.split())
        if self._allow_create and name and name_key(name) not in self._all_keys:
            item = QListWidgetItem(_plus_icon(), f"Create code “{name}”")
            item.setData(_KIND, _CREATE)
            self.list.addItem(item)
        if not self.list.count():
            self._heading("No codes match" if name else "No codes to choose from")

        # The best match is first: highlight it (Enter applies it).
        rows = self._choice_rows()
        self.list.setCurrentRow(rows[0] if rows else -1)

    def _entry_key(self, row: int) -> str | None:
        item = self.list.item(row)
        if item.data(_KIND) != _CODE:
            return None
        return name_key(self._by_id[item.data(_ID)].name)

    def _choice_rows(self) -> list[int]:
        return [r for r in range(self.list.count()) if self.list.item(r).data(_KIND) != _HEADING]

    # -- keyboard ------------------------------------------------------------------
    def _move(self, step: int) -> None:
        rows = self._choice_rows()
        if not rows:
            return
        current = self.list.currentRow()
        if current in rows:
            i = max(0, min(len(rows) - 1, rows.index(current) + step))
        else:
            i = 0 if step > 0 else len(rows) - 1
        self.list.setCurrentRow(rows[i])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            page = max(1, self.list.viewport().height() // max(1, self.list.sizeHintForRow(0)) - 1)
            steps: dict[int, int] = {
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_PageDown: page,
                Qt.Key.Key_PageUp: -page,
            }
            if key in steps:
                self._move(steps[key])
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept_current()
                return True
        return super().eventFilter(watched, event)

    def accept_current(self) -> None:
        """Choose the highlighted entry (does nothing on a heading or an empty list)."""
        item = self.list.currentItem()
        kind = item.data(_KIND) if item is not None else None
        if item is None or kind == _HEADING:
            return
        if kind == _CREATE:
            self.selected_code_id = None
            self.created_name = " ".join(self.filter_edit.text().split())
        else:
            self.selected_code_id = str(item.data(_ID))
            self.created_name = None
        self.accept()

    def pick_result(self) -> PickResult | None:
        if self.selected_code_id is None and self.created_name is None:
            return None
        return PickResult(self.selected_code_id, self.created_name)


def pick_code(
    parent: QWidget | None, project: Project, recent_codes: Sequence[str], title: str = "Apply code"
) -> PickResult | None:
    """Ask for a code (or a new code's name); None if the researcher cancelled."""
    dialog = CodePicker(project, recent_codes, title, parent=parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.pick_result()
    finally:
        dialog.deleteLater()


def choose_code(
    parent: QWidget | None,
    project: Project,
    title: str,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> str | None:
    """Ask for an existing code other than ``exclude`` (re-assign, merge); None if cancelled."""
    dialog = CodePicker(project, (), title, allow_create=False, exclude=exclude, parent=parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.selected_code_id
    finally:
        dialog.deleteLater()
