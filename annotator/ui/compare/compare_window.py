"""The Compare coders window: how far chosen coders agree, per code and overall.

Non-modal (Coders -> Compare coders…). The pickers (``CompareOptions``) choose
coders, codes, documents and the segment overlap; the table (``ComparisonModel``)
shows every figure ``app.comparison.compare`` gives, one row per code and
"Overall"; with three or more coders a second tab shows each pair of coders
for the selected row. Under the table the explanation of the selected figure
(``core.agreement.explain``). Export writes the table as CSV (``compare_export``,
through ``io.tables.csv_files``, guarded against formula injection).

The comparison runs off the GUI thread (``app.comparison.comparison_read`` on a
``ReadRunner``): the window shows "Computing…" and stays usable, and a newer
request cancels the older. Choices and project changes (codings, codes,
coders, documents, also from outside) re-compute after a short pause, so a burst
of edits costs one computation. Double-clicking a code's row emits
``codeChosen(code_id)``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.app.comparison import comparison_read
from annotator.core.agreement.explain import EXPLANATIONS
from annotator.core.agreement.text import ComparisonReport
from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError
from annotator.store import Project
from annotator.ui.compare.compare_export import write_table
from annotator.ui.compare.compare_model import (
    CODE_ID_ROLE,
    EXPLANATION_ROLE,
    ComparisonModel,
    PairModel,
)
from annotator.ui.compare.compare_options import CompareOptions
from annotator.ui.widgets import file_dialogs, messages
from annotator.ui.widgets.background import ReadRunner
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.theme import error_text_color

#: Tables whose changes can change the figures, and those the pickers list.
WATCHED = ("codings", "codes", "coders", "documents")
LISTED = ("codes", "coders", "documents")
#: Pause (ms) after a choice, or after an edit of the project, before re-computing.
CHOICE_DELAY_MS = 150
EDIT_DELAY_MS = 400


def _table(parent: QWidget, name: str) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a code's path: both ends count
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
    return table


class CompareWindow(QDialog):
    """Agreement of the chosen coders on ``project``, kept current as it changes."""

    #: The researcher double-clicked a code's row: its id (not for "Overall").
    codeChosen = Signal(str)
    #: A comparison ended: its figures are in the table, or why not is said.
    comparisonShown = Signal()

    def __init__(
        self,
        project: Project,
        events: ProjectEvents,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("compareWindow")
        self.setWindowTitle("Compare coders")
        self.setModal(False)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.project, self.events, self.settings = project, events, settings
        self.runner = ReadRunner(self)
        self.report: ComparisonReport | None = None
        self._coder_names: dict[str, str] = {}
        #: Hidden since the last comparison: re-compute when shown.
        self._stale = False

        self.options = CompareOptions(project, self)
        self.status = QLabel(self)
        self.status.setObjectName("compareStatus")
        self.status.setWordWrap(True)
        # Two lines, always: "Computing…" then the summary must not re-lay the whole
        # window out (and repaint the table) on the GUI thread at every request.
        self.status.setFixedHeight(self.status.fontMetrics().lineSpacing() * 2 + 4)
        self.model = ComparisonModel(self)
        self.table = _table(self, "compareTable")
        self.table.setModel(self.model)
        self.pair_model = PairModel(self)
        self.pair_table = _table(self, "comparePairs")
        self.pair_table.setModel(self.pair_model)
        self.pair_note = QLabel(self)
        self.pair_note.setObjectName("comparePairNote")
        self.pair_note.setWordWrap(True)
        pairs_page = QWidget(self)
        pairs_layout = QVBoxLayout(pairs_page)
        pairs_layout.addWidget(self.pair_note)
        pairs_layout.addWidget(self.pair_table, 1)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("compareTabs")
        self.tabs.addTab(self.table, "By code")
        self.tabs.addTab(pairs_page, "Pairs of coders")
        self.explanation = QTextBrowser(self)
        self.explanation.setObjectName("compareExplanation")
        self.explanation.setOpenLinks(False)
        self.export_button = QPushButton("Export CSV…", self)
        self.export_button.setObjectName("compareExport")
        close = QPushButton("Close", self)
        for button in (self.export_button, close):
            button.setAutoDefault(False)

        right = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(right)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.status)
        top_layout.addWidget(self.tabs, 1)
        right.addWidget(top)
        right.addWidget(self.explanation)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.options)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([260, 940])
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.resize(1400, 680)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.recompute)
        self.options.changed.connect(lambda: self.schedule(CHOICE_DELAY_MS))
        self.runner.done.connect(self._on_done)
        self.runner.failed.connect(self._on_failed)
        self.table.selectionModel().currentChanged.connect(self._on_current)
        self.pair_table.selectionModel().currentChanged.connect(self._on_pair_current)
        self.table.doubleClicked.connect(self._on_double_click)
        self.export_button.clicked.connect(self.ask_export)
        close.clicked.connect(self.close)
        events.changed.connect(self._on_changed)
        events.reloaded.connect(self._on_reloaded)
        self._show_explanation(None)
        self.export_button.setEnabled(False)
        self.recompute()

    # -- what is compared ------------------------------------------------------------
    def current_coders(self) -> list[str]:
        """The coders chosen for the comparison (ids, in the project's order)."""
        return self.options.coder_ids()

    def set_coders(self, coder_ids: list[str]) -> None:
        """Compare exactly these coders (re-computes)."""
        self.options.set_coders(coder_ids)

    @property
    def computing(self) -> bool:
        return self.runner.running

    def schedule(self, delay_ms: int) -> None:
        """Re-compute after ``delay_ms`` (a later call restarts the wait)."""
        self._timer.start(delay_ms)

    def recompute(self) -> None:
        """Start the comparison of what is chosen, in the background (cancelling the one
        running); ``comparisonShown`` says when its figures are in the table."""
        self._timer.stop()
        coders = self.options.coder_ids()
        if len(coders) < 2:
            self.runner.cancel()
            self._show_report(None)
            self._set_status("Choose at least two coders to compare.", error=True)
            self.comparisonShown.emit()
            return
        try:
            job = comparison_read(
                self.project.path,
                coders,
                self.options.code_ids(),
                self.options.with_subcodes.isChecked(),
                self.options.document_ids(),
                self.options.overlap_share(),
            )
        except AnnotatorError as err:
            self.runner.cancel()
            self._show_report(None)
            self._set_status(str(err), error=True)
            self.comparisonShown.emit()
            return
        self._set_status("Computing…")
        self.export_button.setEnabled(False)
        self.runner.start(job)

    def _on_done(self, report: ComparisonReport) -> None:
        self._show_report(report)
        coders = len(report.coder_ids)
        docs = len(report.document_ids)
        self._set_status(
            f"{coders} coders, {docs} document{'s' if docs != 1 else ''}, "
            f"{len(report.codes)} code{'s' if len(report.codes) != 1 else ''} coded; "
            f"segments match at {report.overlap:.0%} overlap. Alpha: ✓ reliable from .800, "
            "~ tentative from .667, ✗ not reliable below."
        )
        self.comparisonShown.emit()

    def _on_failed(self, message: str) -> None:
        self._show_report(None)
        self._set_status(message, error=True)
        self.comparisonShown.emit()

    def _show_report(self, report: ComparisonReport | None) -> None:
        current = self.table.currentIndex()
        kept_code = current.data(CODE_ID_ROLE) if current.isValid() else None
        kept_column = current.column() if current.isValid() else -1
        self.report = report
        self._coder_names = {c.id: c.name for c in self.project.coders()}
        tree = self.project.code_tree()
        labels = {c: tree.path(c) for c in tree.codes}
        self.model.set_report(report, self._coder_names, labels)
        self.export_button.setEnabled(report is not None)
        self.tabs.setTabEnabled(1, report is not None and len(report.coder_ids) > 2)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        header.resizeSection(0, min(max(header.sectionSize(0), 160), 260))
        if report is not None and kept_column >= 0:
            row = self.model.row_of(kept_code)
            if row is not None and kept_column < self.model.columnCount():
                self.table.setCurrentIndex(self.model.index(row, kept_column))
        self._update_pairs()
        self._show_explanation(self.table.currentIndex())

    # -- selection, explanation, pairs -------------------------------------------------
    def _update_pairs(self) -> None:
        current = self.table.currentIndex()
        entry = None
        if self.report is not None:
            entry = self.model.entries[current.row()] if current.isValid() else self.report.overall
        coders = self.report.coder_ids if self.report is not None else ()
        self.pair_model.set_pairs(entry, coders, self._coder_names)
        self.pair_table.resizeColumnsToContents()
        if entry is None or len(coders) < 3:
            self.pair_note.setText("Pairs are shown when three or more coders are compared.")
            return
        label = self.model.row_label(entry)
        apart = self.pair_model.apart_name()
        note = f"Each pair of coders, for {escape(label)} (select another row to change)."
        if apart is not None:
            note += f" <b>{escape(apart)}</b> stands apart: their pairs have the lowest mean alpha."
        self.pair_note.setText(note)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_pairs()
        self._show_explanation(current)

    def _on_pair_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_explanation(current, pairs=True)

    def _show_explanation(self, index: QModelIndex | None, pairs: bool = False) -> None:
        model = self.pair_model if pairs else self.model
        key = None
        if index is not None and index.isValid():
            key = model.headerData(index.column(), Qt.Orientation.Horizontal, EXPLANATION_ROLE)
            if key is None and pairs:
                key = "pairwise"
        if key is None:
            self.explanation.setHtml(
                "<p>Select a figure in the table to see how it is computed, what it means "
                "and when it is undefined. Hover over it for the counts it came from.</p>"
            )
            return
        e = EXPLANATIONS[key]
        figure = ""
        if index is not None and index.isValid() and not (pairs and key == "pairwise"):
            what = model.data(index, Qt.ItemDataRole.DisplayRole)
            where = model.data(index.siblingAtColumn(0), Qt.ItemDataRole.DisplayRole)
            if pairs:
                other = model.data(index.siblingAtColumn(1), Qt.ItemDataRole.DisplayRole)
                where = f"{where} with {other}"
            counts = model.data(index, Qt.ItemDataRole.ToolTipRole) or ""
            figure = (
                f"<p><b>{escape(str(where))}: {escape(str(what))}</b>"
                f"{' — ' + escape(counts) if counts else ''}</p>"
            )
        self.explanation.setHtml(
            f"<h3>{escape(e.title)}</h3>{figure}"
            f"<p><b>Formula.</b> {escape(e.formula)}</p>"
            f"<p><b>Meaning.</b> {escape(e.meaning)}</p>"
            f"<p><b>Undefined when.</b> {escape(e.undefined)}</p>"
            f"<p><i>{escape(e.citation)}</i></p>"
        )

    def _on_double_click(self, index: QModelIndex) -> None:
        code_id = index.data(CODE_ID_ROLE)
        if code_id is not None:
            self.codeChosen.emit(code_id)

    # -- export ------------------------------------------------------------------------
    def export_csv(self, path: Path) -> int:
        """Write the table to ``path``; the rows written (with the header)."""
        return write_table(self.model, path)

    def ask_export(self) -> None:
        if self.report is None:
            messages.show_error(self, "There are no figures to export yet.")
            return
        path = file_dialogs.save_file(
            self, self.settings, "compareCoders", "Export the comparison",
            "coder-agreement.csv", "CSV files (*.csv)",
        )  # fmt: skip
        if path is None:
            return
        try:
            n = self.export_csv(path)
        except (AnnotatorError, OSError) as err:
            messages.show_error(self, f"The table could not be written: {err}")
            return
        self._set_status(f"{n - 1} rows written to {path.name}.")

    # -- project changes ----------------------------------------------------------------
    def _on_changed(self, changes: ChangeSet) -> None:
        if any(changes.touches(t) for t in LISTED):
            self.options.refresh()  # a coder, code or document came, went or was renamed
        if any(changes.touches(t) for t in WATCHED):
            self._changed()

    def _on_reloaded(self) -> None:
        self.options.refresh()
        self._changed()

    def _changed(self) -> None:
        if self._stale:
            return  # hidden: it re-computes when shown again
        self.schedule(EDIT_DELAY_MS)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        color = error_text_color(self.palette(), messages.ERROR_COLOR).name()
        self.status.setStyleSheet(f"color: {color};" if error else "")

    def hideEvent(self, event: QHideEvent) -> None:
        # Closed (Close, Escape, the title bar): nothing to compute for; its read-only
        # connection closes before the project may. Shown again, it re-computes.
        self._timer.stop()
        self.runner.stop()
        self._stale = True
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.recompute()
