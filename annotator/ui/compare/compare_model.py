"""Qt table models over a ``ComparisonReport``: one row per code plus "Overall", and the pairs.

``ComparisonModel`` shows, for each code and overall, every figure the report
holds, formatted as ``annotator agreement`` prints it (percentages to two
decimals, never rounded up to 100%; coefficients to three); an undefined figure
shows "n/a" and its tooltip "undefined: <reason>", a defined one the counts it
came from. The alpha columns carry their grade (word, sign and colour,
``grades``). ``PairModel`` shows one code's pairs of coders (kappa, alpha and
percent agreement over characters, segment agreement) and marks the coder who
stands apart. Rows carry their code id in ``CODE_ID_ROLE`` and each cell its raw
value in ``VALUE_ROLE``, so nothing is read back out of the text.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QGuiApplication

from annotator.core.agreement.results import format_coefficient, format_percent
from annotator.core.agreement.text import CodeAgreement, ComparisonReport, Figure, PairFigures
from annotator.ui.compare.grades import grade, grade_color

Index = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole
#: The code id of a row (None for "Overall").
CODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: A cell's value as the report has it: float, int, str, or None when undefined.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2
#: The ``EXPLANATIONS`` key of a column (header data).
EXPLANATION_ROLE = Qt.ItemDataRole.UserRole + 3
OVERALL = "Overall"


@dataclass(frozen=True)
class Column:
    """One column: its header, the ``EXPLANATIONS`` key, how to show it, what it reads."""

    key: str  # the CSV header (as ``annotator agreement -o`` names the figure)
    header: str
    explanation: str
    kind: str  # "percent", "coefficient" or "count"
    pick: Callable[[Any], Figure | int]
    graded: bool = False


def _shown(value: float | int | None, kind: str) -> str:
    """A value as ``annotator agreement`` prints it."""
    if value is None:
        return "n/a"
    if kind == "count" or isinstance(value, int):
        return f"{int(value):,}"
    if kind == "coefficient":
        return format_coefficient(value)
    return format_percent(value)


def _count_text(counts: Mapping[str, float], who: tuple[str, str] | None = None) -> str:
    """The counts as words; with ``who`` (the two coders compared) "only_first" and
    "only_second" name them."""
    parts = []
    for key, n in counts.items():
        number = f"{int(n):,}" if float(n).is_integer() else f"{n:.4g}"
        label = key.replace("_", " ")
        if who is not None and key in ("only_first", "only_second"):
            label = f"only {who[0] if key == 'only_first' else who[1]}"
        parts.append(f"{label} {number}")
    return ", ".join(parts)


def _segments_of(coder_id: str) -> Callable[[Any], Figure | int]:
    def pick(entry: CodeAgreement) -> int:
        return entry.segments[coder_id]

    return pick


def code_columns(coder_ids: Sequence[str], names: Mapping[str, str]) -> list[Column]:
    """The columns of the per-code table for these coders (one segment count each)."""
    columns = [
        Column("percent_agreement", "Agreement", "text_percent_agreement", "percent",
               lambda e: e.characters.percent_agreement),
        Column("cohen_kappa", "Kappa", "text_cohen_kappa", "coefficient",
               lambda e: e.characters.cohen_kappa),
        Column("krippendorff_alpha", "Alpha", "text_krippendorff_alpha", "coefficient",
               lambda e: e.characters.krippendorff_alpha, graded=True),
        Column("coded_only_agreement", "Coded text", "coded_only_agreement", "percent",
               lambda e: e.coded_only),
    ]  # fmt: skip
    for coder in coder_ids:
        name = names.get(coder, coder)
        # a long name wraps in the header, so that every column fits beside the codes
        header = "\n".join(["Segments", *textwrap.wrap(name, 14)])
        columns.append(Column(f"segments {name}", header, "segments", "count", _segments_of(coder)))
    columns += [
        Column("matched_segments", "Matched", "matched_segments", "count",
               lambda e: e.segment_tally.matched),
        Column("segment_agreement", "Segment\nagreement", "segment_agreement", "percent",
               lambda e: e.segment_agreement),
        Column("segment_kappa", "Brennan–\nPrediger", "segment_kappa", "coefficient",
               lambda e: e.segment_kappa),
        Column("documents_agreement", "Documents", "documents_agreement", "percent",
               lambda e: e.documents.percent_agreement),
        Column("unitized_alpha", "Unitized\nalpha", "unitized_alpha", "coefficient",
               lambda e: e.unitized_alpha, graded=True),
    ]  # fmt: skip
    return columns


def cell_value(column: Column, entry: Any) -> float | int | None:
    picked = column.pick(entry)
    return picked.value if isinstance(picked, Figure) else picked


def cell_text(column: Column, entry: Any) -> str:
    """What the cell shows: the figure, and for graded columns its sign and grade word."""
    value = cell_value(column, entry)
    text = _shown(value, column.kind)
    g = grade(value if isinstance(value, float) else None) if column.graded else None
    return f"{text} {g.sign} {g.word}" if g is not None else text


def cell_tooltip(column: Column, entry: Any, who: tuple[str, str] | None = None) -> str:
    """Why the figure is undefined, or the counts it came from (``who``: the two coders,
    when two are compared, to name them in the counts)."""
    picked = column.pick(entry)
    if not isinstance(picked, Figure):
        return f"{column.header.replace(chr(10), ' ')}: {picked:,}"
    counts = _count_text(picked.counts, who)
    if picked.value is None:
        return f"undefined: {picked.reason}" + (f"\n(counts: {counts})" if counts else "")
    return f"computed from: {counts}" if counts else ""


class _FigureTable(QAbstractTableModel):
    """What both tables share: columns of figures over a list of entries."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns: list[Column] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self.label_columns + len(self.columns)

    label_columns = 1

    def figure_column(self, column: int) -> Column | None:
        i = column - self.label_columns
        return self.columns[i] if 0 <= i < len(self.columns) else None

    def figure_data(
        self, entry: Any, col: Column, role: int, who: tuple[str, str] | None = None
    ) -> Any:
        if role == Role.DisplayRole:
            return cell_text(col, entry)
        if role == Role.ToolTipRole:
            return cell_tooltip(col, entry, who)
        if role == VALUE_ROLE:
            return cell_value(col, entry)
        if role == Role.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Role.ForegroundRole and col.graded:
            value = cell_value(col, entry)
            g = grade(value if isinstance(value, float) else None)
            if g is not None:
                return grade_color(g, QGuiApplication.palette())
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        col = self.figure_column(section)
        if col is None:
            return self.label_header(section) if role == Role.DisplayRole else None
        if role == Role.DisplayRole:
            return col.header
        if role == EXPLANATION_ROLE:
            return col.explanation
        if role == Role.ToolTipRole:
            from annotator.core.agreement.explain import EXPLANATIONS

            return EXPLANATIONS[col.explanation].title
        return None

    def label_header(self, section: int) -> str:
        return "Code"


class ComparisonModel(_FigureTable):
    """The report, one row per code (codebook order) and a last row "Overall"."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.report: ComparisonReport | None = None
        self.entries: list[CodeAgreement] = []
        self.labels: dict[str, str] = {}
        #: The two coders' names when two are compared (the counts then name them).
        self.who: tuple[str, str] | None = None

    def set_report(self, report: ComparisonReport | None, names: Mapping[str, str],
                   labels: Mapping[str, str]) -> None:  # fmt: skip
        """Show ``report`` (None: empty); ``names`` of coders and ``labels`` (paths) of codes
        by id."""
        self.beginResetModel()
        self.report = report
        self.labels = dict(labels)
        self.entries = [*report.codes, report.overall] if report is not None else []
        self.columns = code_columns(report.coder_ids, names) if report is not None else []
        coders = report.coder_ids if report is not None else ()
        self.who = (
            (names.get(coders[0], ""), names.get(coders[1], "")) if len(coders) == 2 else None
        )
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def row_label(self, entry: CodeAgreement) -> str:
        if entry.code_id is None:
            return OVERALL
        return self.labels.get(entry.code_id, "(deleted code)")

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role == CODE_ID_ROLE:
            return entry.code_id
        if role == Role.FontRole and entry.code_id is None:
            return self._bold
        col = self.figure_column(index.column())
        if col is None:
            if role in (Role.DisplayRole, VALUE_ROLE):
                return self.row_label(entry)
            if role == Role.ToolTipRole:
                return self.row_label(entry) if entry.code_id else "Pooled over the codes listed"
            return None
        return self.figure_data(entry, col, role, self.who)

    def row_of(self, code_id: str | None) -> int | None:
        return next((i for i, e in enumerate(self.entries) if e.code_id == code_id), None)


def pair_columns() -> list[Column]:
    return [
        Column("cohen_kappa", "Kappa", "text_cohen_kappa", "coefficient",
               lambda p: p.characters.cohen_kappa),
        Column("krippendorff_alpha", "Alpha", "text_krippendorff_alpha", "coefficient",
               lambda p: p.characters.krippendorff_alpha, graded=True),
        Column("percent_agreement", "Agreement", "text_percent_agreement", "percent",
               lambda p: p.characters.percent_agreement),
        Column("segment_agreement", "Segment\nagreement", "segment_agreement", "percent",
               lambda p: p.segment_agreement),
    ]  # fmt: skip


def apart(pairs: Sequence[PairFigures], coders: int) -> int | None:
    """The coder (index) whose pairs have the lowest mean alpha, when three or more coders
    are compared and it is lower than every other coder's; None otherwise."""
    if coders < 3:
        return None
    means: dict[int, float] = {}
    for c in range(coders):
        values = [
            v
            for p in pairs
            if c in (p.first, p.second) and (v := p.characters.krippendorff_alpha.value) is not None
        ]
        if values:
            means[c] = sum(values) / len(values)
    if len(means) < 2:
        return None
    low = min(means, key=lambda c: means[c])
    return low if sum(1 for m in means.values() if m == means[low]) == 1 else None


class PairModel(_FigureTable):
    """One code's (or the overall) pairs of coders; the coder who stands apart marked."""

    label_columns = 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = pair_columns()
        self.pairs: list[PairFigures] = []
        self.coder_ids: tuple[str, ...] = ()
        self.names: dict[str, str] = {}
        self.apart: int | None = None

    def set_pairs(self, entry: CodeAgreement | None, coder_ids: Sequence[str],
                  names: Mapping[str, str]) -> None:  # fmt: skip
        self.beginResetModel()
        self.pairs = list(entry.pairs) if entry is not None else []
        self.coder_ids, self.names = tuple(coder_ids), dict(names)
        self.apart = apart(self.pairs, len(coder_ids))
        self.endResetModel()

    def apart_name(self) -> str | None:
        return None if self.apart is None else self._name(self.apart)

    def _name(self, index: int) -> str:
        coder = self.coder_ids[index]
        return self.names.get(coder, coder)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.pairs)

    def label_header(self, section: int) -> str:
        return ("Coder", "With")[section]

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        pair = self.pairs[index.row()]
        col = self.figure_column(index.column())
        if col is None:
            who = pair.first if index.column() == 0 else pair.second
            if role in (Role.DisplayRole, VALUE_ROLE):
                mark = " (stands apart)" if who == self.apart else ""
                return self._name(who) + mark
            if role == Role.FontRole and who == self.apart:
                return self._bold
            return None
        return self.figure_data(pair, col, role, (self._name(pair.first), self._name(pair.second)))
