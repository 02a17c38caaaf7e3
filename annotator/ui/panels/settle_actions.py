"""What the disagreement list reads, shows and asks: the listing, found off the GUI
thread, its table model, and the dialog for drawing a consensus span by hand.

``listing_read`` is a background read (``app.background``): two coders'
disagreements (``app.comparison.disagreements``), each with the document's
title, the code's path and the words each coder coded, and which of them the
consensus coder has settled (``app.settlement.settled_regions``). Nothing here
decides anything: core and app do, this only gathers what the table shows.

``DisagreementModel`` shows the rows (the row's index in ``RowRole``, never read
back from a cell's text) and which are settled. ``EditSpanDialog`` asks for the consensus span of one region: start and end (in
characters of the document), or the passage selected in the text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.app import settlement as settling
from annotator.app.background import BackgroundRead, Reporter
from annotator.app.comparison import disagreements
from annotator.core.agreement.disagreements import Disagreement
from annotator.core.codebook import split_path
from annotator.store import Project

Span = tuple[int, int]
Index = QModelIndex | QPersistentModelIndex
DOCUMENT, CODE, CODER_A, CODER_B, SETTLED = range(5)
#: The row's index into the listing.
RowRole = Qt.ItemDataRole.UserRole + 1
#: How many characters of a coder's passage a cell quotes before eliding the rest.
QUOTE_CHARS = 160


@dataclass(frozen=True)
class Row:
    """One disagreement as the table shows it."""

    disagreement: Disagreement
    document: str  # the document's title
    code: str  # the code's path
    quotes: tuple[str, str]  # what coder A and coder B coded here, quoted

    @property
    def key(self) -> tuple[str, str, int, int]:
        d = self.disagreement
        return (d.document_id, d.code_id, d.start, d.end)


@dataclass(frozen=True)
class Listing:
    """Two coders' disagreements (of one code, or all), the consensus coder (None: not
    made yet) and the indexes of the rows it has settled."""

    coder_a: str
    coder_b: str
    code_id: str | None  # the one code listed; None: every code
    rows: tuple[Row, ...]
    consensus_id: str | None
    settled: frozenset[int]


def quote(text: str, spans: Sequence[Span]) -> str:
    """A coder's passages in a region, each with where it lies: ``120–180 “words…”``;
    a dash if they coded nothing there."""
    if not spans:
        return "— (not coded)"
    parts = []
    for start, end in spans:
        words = " ".join(text[start:end].split())
        if len(words) > QUOTE_CHARS:
            words = words[: QUOTE_CHARS - 1].rstrip() + "…"
        parts.append(f"{start}–{end} “{words}”")
    return "; ".join(parts)


def settled_rows(
    project: Project, consensus_id: str | None, rows: Sequence[Row], among: Sequence[int]
) -> set[int]:
    """Which of the rows ``among`` (indexes into ``rows``) the consensus coder has settled."""
    if consensus_id is None or not among:
        return set()
    wanted = [rows[i].disagreement for i in among]
    done = {id(d) for d in settling.settled_regions(project, consensus_id, wanted)}
    return {i for i in among if id(rows[i].disagreement) in done}


def build_listing(
    project: Project,
    coder_a: str,
    coder_b: str,
    code_id: str | None,
    consensus_name: str,
    report: Reporter | None = None,
) -> Listing:
    """The rows of two coders' disagreements (of one code, or all)."""
    found = disagreements(project, coder_a, coder_b, None if code_id is None else [code_id])
    if report is not None:
        report(1, 3)
    titles = {d.id: d.title for d in project.documents()}
    tree = project.code_tree()
    texts: dict[str, str] = {}
    rows = []
    for d in found:
        if d.document_id not in texts:
            texts[d.document_id] = project.document_text(d.document_id)
        text = texts[d.document_id]
        quotes = (quote(text, d.spans.get(coder_a, ())), quote(text, d.spans.get(coder_b, ())))
        rows.append(Row(d, titles.get(d.document_id, ""), tree.path(d.code_id), quotes))
    if report is not None:
        report(2, 3)
    consensus = settling.find_consensus(project, consensus_name)
    cid = consensus.id if consensus is not None else None
    settled = settled_rows(project, cid, rows, range(len(rows)))
    return Listing(coder_a, coder_b, code_id, tuple(rows), cid, frozenset(settled))


def listing_read(
    path: Path, coder_a: str, coder_b: str, code_id: str | None, consensus_name: str
) -> BackgroundRead[Listing]:
    """``build_listing`` on a read-only connection of its own (off the GUI thread)."""

    def work(project: Project, report: Reporter) -> Listing:
        report(0, 3)
        return build_listing(project, coder_a, coder_b, code_id, consensus_name, report)

    return BackgroundRead(path, work, name="Find disagreements")


class DisagreementModel(QAbstractTableModel):
    """The rows of a ``Listing`` and which are settled."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[Row, ...] = ()
        self.settled: set[int] = set()
        self.names = ("Coder A", "Coder B")

    def set_listing(self, rows: Sequence[Row], settled: set[int], names: tuple[str, str]) -> None:
        self.beginResetModel()
        self.rows, self.settled, self.names = tuple(rows), set(settled), names
        self.endResetModel()

    def set_settled(self, rows: set[int], settled: set[int]) -> None:
        """Rows ``rows`` are settled exactly when they are in ``settled``."""
        changed = {r for r in rows if (r in self.settled) != (r in settled)}
        self.settled = (self.settled - rows) | (settled & rows)
        for row in changed:
            at = self.index(row, SETTLED)
            self.dataChanged.emit(at, at)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return ("Document", "Code", *self.names, "Settled")[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        if role == RowRole:
            return index.row()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == SETTLED:
                settled = index.row() in self.settled
                if role == Qt.ItemDataRole.ToolTipRole:
                    return "Settled" if settled else "Not settled yet"
                return "✓" if settled else ""
            if col == CODE and role == Qt.ItemDataRole.DisplayRole:
                # The code's own name tells rows apart; its path is in the tooltip (as in
                # Retrieved segments): "Cooperation and dev…" would hide the sub-code.
                return split_path(row.code)[-1]
            return (row.document, row.code, *row.quotes)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == SETTLED:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class EditSpanDialog(QDialog):
    """The consensus span for one region, drawn by hand: start and end, or the text's
    current selection ("Use the selection in the text")."""

    def __init__(
        self,
        text: str,
        start: int,
        end: int,
        selection: Callable[[], Span | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("editSpanDialog")
        self.setWindowTitle("Edit the consensus span")
        self._text = text
        self._selection = selection
        self.start_box, self.end_box = QSpinBox(), QSpinBox()
        self.start_box.setObjectName("spanStart")
        self.end_box.setObjectName("spanEnd")
        for box, value in ((self.start_box, start), (self.end_box, end)):
            box.setRange(0, len(text))
            box.setValue(value)
            box.valueChanged.connect(self._preview)
        self.preview = QLabel()
        self.preview.setObjectName("spanPreview")
        self.preview.setWordWrap(True)
        self.use_selection = QPushButton("Use the selection in the text")
        self.use_selection.setObjectName("useSelection")
        self.use_selection.setToolTip("Select the passage in the document, then click here")
        self.use_selection.clicked.connect(self._take_selection)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Start (character):", self.start_box)
        form.addRow("End (character):", self.end_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.use_selection)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self.resize(460, 220)
        self._preview()

    def span(self) -> Span:
        return self.start_box.value(), self.end_box.value()

    def _take_selection(self) -> None:
        span = self._selection()
        if span is None:
            self.preview.setText("Select the passage in this document's text first.")
            return
        self.start_box.setValue(span[0])
        self.end_box.setValue(span[1])

    def _preview(self) -> None:
        start, end = self.span()
        ok = start < end
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.preview.setText(
            f"“{' '.join(self._text[start:end].split())}”"
            if ok
            else "The end must come after the start."
        )
