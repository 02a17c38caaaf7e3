"""The disagreement list: two coders' disagreements, one row each, settled one by one.

A window of its own (its keys, Ctrl+1 … Ctrl+4 and Ctrl+0, must not fight the
main window's): pick two coders (and, if wanted, one code; ``show_for`` lets
the Compare coders window open it on a code), and the rows are found off the
GUI thread (``settle_actions.listing_read``). Each row names the document, the
code, what each coder coded there, and whether the consensus coder has settled
it. Up/Down (or F9 / Shift+F9) step through the rows; the current one is shown
in the document view. Accept A, Accept B, Union, Overlap, None or Edit… write
the decision as the consensus coder's codings (``app.settlement.settle``): one
undo step each, the compared coders' codings untouched; then the next unsettled
row becomes current. The list follows the project's changes: an undo makes its
row unsettled again, another edit of the two coders' codings finds the rows anew.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.app import settlement as settling
from annotator.app.session import Session
from annotator.core import settlement as rules
from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.core.settlement import Resolution
from annotator.store import Project
from annotator.ui.panels.settle_actions import (
    CODE,
    CODER_A,
    CODER_B,
    DOCUMENT,
    SETTLED,
    DisagreementModel,
    EditSpanDialog,
    Listing,
    Row,
    listing_read,
)
from annotator.ui.panels.settle_actions import settled_rows as find_settled
from annotator.ui.widgets import commands, messages
from annotator.ui.widgets.background import ReadRunner
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

ALL_CODES = ""

#: The decisions: button label, key, and how the resolution is made from the row.
DECISIONS: tuple[tuple[str, str, str], ...] = (
    ("accept_a", "Accept &A", "Ctrl+1"),
    ("accept_b", "Accept &B", "Ctrl+2"),
    ("union", "&Union", "Ctrl+3"),
    ("overlap", "&Overlap", "Ctrl+4"),
    ("none", "&None", "Ctrl+0"),
)


class DisagreementWindow(QWidget):
    """Settle two coders' disagreements into a consensus coder, one row at a time."""

    def __init__(
        self,
        project: Project,
        events: ProjectEvents,
        stack: UndoHistory,
        state: WorkbenchState,
        parent: QWidget | None = None,
        *,
        selection: Callable[[], tuple[str, int, int] | None] | None = None,
        undo_actions: Sequence[QAction] = (),
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("disagreementWindow")
        self.setWindowTitle("Disagreements")
        self.project, self.state = project, state
        session = state.session
        if session is None or session.project is not project:
            session = Session(project, run=commands.runner(stack))
            state.bind(session)
        self.session: Session = session
        #: The text's current selection (document, start, end), for Edit….
        self._selection = selection or (lambda: None)
        self.listing: Listing | None = None
        #: The rows of each (document, code): what one settlement's record covers.
        self._places: dict[tuple[str, str], list[int]] = {}
        self._keys: dict[str, list[int]] = {}  # the same by the consensus record's key
        self._keys_for: str | None = None  # the consensus coder ``_keys`` were made for
        self._keep: tuple[str, str, int, int] | None = None  # the row to return to
        self.runner = ReadRunner(self)
        self.runner.done.connect(self._on_listing)
        self.runner.failed.connect(self._on_failed)
        self._build()
        # Edit -> Undo / Redo work from here too (the main window's own actions).
        self.addActions(list(undo_actions))
        events.changed.connect(self._on_changes)
        events.reloaded.connect(self.refresh)
        # It shows everyone's codings: blind coding turned on (again) closes it.
        state.blindCodingChanged.connect(self._on_blind)
        self._fill_choices()

    # -- building ----------------------------------------------------------------------
    def _build(self) -> None:
        self.coder_a, self.coder_b, self.code_box = QComboBox(), QComboBox(), QComboBox()
        for box, name in (
            (self.coder_a, "coderA"),
            (self.coder_b, "coderB"),
            (self.code_box, "codeFilter"),
        ):
            box.setObjectName(name)
            box.activated.connect(lambda _i: self.refresh())
        self.code_box.setMinimumContentsLength(16)
        self.consensus = QLineEdit(settling.CONSENSUS)
        self.consensus.setObjectName("consensusName")
        self.consensus.setToolTip("The coder whose codings hold the settled version")
        self.consensus.editingFinished.connect(self._on_consensus_name)
        self.counter = QLabel()
        self.counter.setObjectName("settledCounter")
        self.status = QLabel()
        self.status.setObjectName("disagreementStatus")
        self.status.setWordWrap(True)

        self.model = DisagreementModel(self)
        self.view = QTableView()
        self.view.setObjectName("disagreementView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        rows = self.view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.view.fontMetrics().height() + 8)  # one line a row
        header = self.view.horizontalHeader()
        for col, mode in (
            (DOCUMENT, QHeaderView.ResizeMode.Interactive),
            (CODE, QHeaderView.ResizeMode.Interactive),
            (CODER_A, QHeaderView.ResizeMode.Stretch),
            (CODER_B, QHeaderView.ResizeMode.Stretch),
            (SETTLED, QHeaderView.ResizeMode.Fixed),
        ):
            header.setSectionResizeMode(col, mode)
        header.resizeSection(DOCUMENT, 150)
        header.resizeSection(CODE, 150)
        header.resizeSection(SETTLED, self.view.fontMetrics().horizontalAdvance("Settled") + 20)
        self.view.selectionModel().currentRowChanged.connect(lambda now, _was: self._show(now))

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, label, keys in (*DECISIONS, ("edit", "&Edit…", "Ctrl+E")):
            button = QPushButton(label)
            button.setObjectName(f"settle_{key}")
            button.setToolTip(f"{button.text().replace('&', '')} ({keys})")
            button.clicked.connect(lambda _c=False, k=key: self.decide(k))
            # A QShortcut, not the button's own: a button's shortcut clicks it only after
            # its press animation, and stepping on at once is the point.
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda k=key: self.decide(k))
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        adopt = QPushButton("Adopt all agreements")
        adopt.setObjectName("adoptAgreements")
        adopt.setToolTip("Give the consensus every passage both coders coded exactly alike")
        adopt.clicked.connect(self.adopt)
        row.addWidget(adopt)
        for keys, step in (("F9", 1), ("Shift+F9", -1)):
            QShortcut(QKeySequence(keys), self).activated.connect(lambda s=step: self.step(s))

        top = QHBoxLayout()
        for label, widget in (
            ("Coder A:", self.coder_a),
            ("Coder B:", self.coder_b),
            ("Code:", self.code_box),
            ("Consensus coder:", self.consensus),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            top.addWidget(caption)
            top.addWidget(widget, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.counter)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addLayout(bottom)
        self.resize(1000, 520)

    def _fill_choices(self) -> None:
        """The coders and codes to choose from, keeping what was chosen."""
        chosen = (
            self.coder_a.currentData(),
            self.coder_b.currentData(),
            self.code_box.currentData(),
        )
        coders = self.project.coders()
        for box, fallback in ((self.coder_a, 0), (self.coder_b, 1)):
            box.clear()
            for coder in coders:
                box.addItem(coder.name, coder.id)
            box.setCurrentIndex(min(fallback, box.count() - 1))
        self.code_box.clear()
        self.code_box.addItem("All codes", ALL_CODES)
        tree = self.project.code_tree()
        for code in tree.walk():
            self.code_box.addItem(tree.path(code.id), code.id)
        for box, value in zip((self.coder_a, self.coder_b, self.code_box), chosen, strict=True):
            at = box.findData(value) if value is not None else -1
            if at >= 0:
                box.setCurrentIndex(at)

    # -- choosing what to list -------------------------------------------------------------
    def show_for(self, coder_a: str, coder_b: str, code_id: str | None = None) -> None:
        """List ``coder_a``'s and ``coder_b``'s disagreements (of ``code_id`` only, if
        given), and bring the window forward."""
        for box, value in ((self.coder_a, coder_a), (self.coder_b, coder_b)):
            at = box.findData(value)
            if at < 0:
                self.project.coder(value)  # NotFound: say which
                self._fill_choices()
                at = box.findData(value)
            box.setCurrentIndex(at)
        at = self.code_box.findData(code_id if code_id is not None else ALL_CODES)
        if at < 0:
            self.project.code(code_id or "")  # NotFound for a code the project lacks
            self._fill_choices()
            at = self.code_box.findData(code_id)
        self.code_box.setCurrentIndex(at)
        self.refresh()
        self.present()

    def present(self) -> None:
        """Show the window in front, the rows taking the keys (Up/Down step at once)."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def chosen(self) -> tuple[str, str, str | None]:
        code = self.code_box.currentData()
        return self.coder_a.currentData(), self.coder_b.currentData(), code or None

    def refresh(self) -> None:
        """Find the chosen coders' disagreements anew (off the GUI thread)."""
        a, b, code = self.chosen()
        if a is None or b is None or a == b:
            self.runner.cancel()
            self.listing = None
            self.model.set_listing([], set(), ("Coder A", "Coder B"))
            self.status.setText("Choose two different coders to compare.")
            self._count()
            return
        current = self.current_row()
        if current is not None:
            self._keep = current.key
        self.status.setText("Finding disagreements…")
        self.runner.start(listing_read(self.project.path, a, b, code, self._consensus_name()))

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Block until the listing being found is read (tests); it arrives as a signal."""
        return self.runner.wait(timeout_ms)

    def _on_listing(self, listing: object) -> None:
        assert isinstance(listing, Listing)
        if (listing.coder_a, listing.coder_b, listing.code_id) != self.chosen():
            return  # the choice changed while it was being read
        self.listing = listing
        self._places, self._keys_for = {}, None
        for i, r in enumerate(listing.rows):
            self._places.setdefault(
                (r.disagreement.document_id, r.disagreement.code_id), []
            ).append(i)
        names = (self.coder_a.currentText(), self.coder_b.currentText())
        self.model.set_listing(listing.rows, set(listing.settled), names)
        keep = next(
            (
                i
                for i, r in enumerate(listing.rows)
                if self._keep is not None and r.key == self._keep
            ),
            None,
        )
        self._keep = None
        self.status.setText(
            "" if listing.rows else "These coders agree everywhere: nothing to settle."
        )
        self._count()
        if listing.rows:
            first = keep if keep is not None else self._next_unsettled(-1)
            self.select_row(first if first is not None else 0)

    def _on_failed(self, message: str) -> None:
        self.status.setText(message)

    def _consensus_name(self) -> str:
        return self.consensus.text().strip() or settling.CONSENSUS

    def _on_consensus_name(self) -> None:
        if self.listing is not None:
            self._recheck(range(len(self.model.rows)), refind=True)

    # -- the rows -------------------------------------------------------------------------
    def current_row(self) -> Row | None:
        at = self.view.currentIndex()
        return self.model.rows[at.row()] if at.isValid() else None

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(row, DOCUMENT))

    def step(self, by: int) -> None:
        """The next (1) or previous (-1) row."""
        at = self.view.currentIndex()
        self.select_row(
            max(0, min(self.model.rowCount() - 1, (at.row() if at.isValid() else -1) + by))
        )

    def _next_unsettled(self, after: int) -> int | None:
        """The first unsettled row after ``after``, going round to the top."""
        n = self.model.rowCount()
        return next(
            (r for k in range(1, n + 1) if (r := (after + k) % n) not in self.model.settled), None
        )

    def _show(self, index: QModelIndex) -> None:
        """Show the current row's region in the document view."""
        if not index.isValid():
            return
        d = self.model.rows[index.row()].disagreement
        # Only the text follows the row: making its code current too would re-list that
        # code's segments at every step (a tenth of a second with thousands of them).
        self.state.reveal(d.document_id, d.start, d.end)

    def _count(self) -> None:
        n = self.model.rowCount()
        self.counter.setText(f"{len(self.model.settled)} of {n} settled" if n else "")

    # -- settling ---------------------------------------------------------------------------
    def decide(self, how: str) -> bool:
        """Settle the current row: ``accept_a``, ``accept_b``, ``union``, ``overlap``,
        ``none`` or ``edit`` (asks for the span); then go on to the next unsettled row.
        False if nothing was settled (no row, cancelled, refused: said in a message)."""
        at = self.view.currentIndex()
        if self.listing is None or not at.isValid():
            return False
        d = self.model.rows[at.row()].disagreement
        try:
            self._check_consensus()
            resolution = self._resolution(how, d)
            if resolution is None:
                return False
            settling.settle(
                self.session, d.document_id, d.code_id, d, resolution, self._consensus_name()
            )
        except AnnotatorError as err:
            messages.show_error(self, err)
            return False
        following = self._next_unsettled(at.row())
        if following is not None:
            self.select_row(following)
        return True

    def _check_consensus(self) -> None:
        """The consensus coder must be neither compared coder, even where one of them
        coded nothing (``settle`` sees only the coders with spans in the region)."""
        assert self.listing is not None
        found = settling.find_consensus(self.project, self._consensus_name())
        if found is not None and found.id in (self.listing.coder_a, self.listing.coder_b):
            raise InvalidInput(
                f"{found.name} is one of the coders being compared; choose another name "
                "for the consensus coder."
            )

    def _resolution(self, how: str, d: rules.RegionLike) -> Resolution | None:
        assert self.listing is not None
        if how == "accept_a":
            return rules.accept(d, self.listing.coder_a)
        if how == "accept_b":
            return rules.accept(d, self.listing.coder_b)
        if how == "union":
            return rules.union(d)
        if how == "overlap":
            return rules.overlap(d)
        if how == "none":
            return rules.accept_none(d)
        if how == "edit":
            return self._ask_span(d)
        raise InvalidInput(f"No way to settle called {how!r}.")

    def _ask_span(self, d: rules.RegionLike) -> Resolution | None:
        row = self.current_row()
        assert row is not None
        doc = row.disagreement.document_id
        text = self.project.document_text(doc)

        def selection() -> tuple[int, int] | None:
            sel = self._selection()
            return (sel[1], sel[2]) if sel is not None and sel[0] == doc else None

        dialog = EditSpanDialog(text, d.start, d.end, selection, self)
        if dialog.exec() != EditSpanDialog.DialogCode.Accepted:
            return None
        return rules.edited(d, [dialog.span()], len(text))

    def adopt(self) -> None:
        """Give the consensus coder every passage both coders coded alike (one step)."""
        if self.listing is None:
            return
        try:
            done = settling.adopt_agreements(
                self.session,
                self.listing.coder_a,
                self.listing.coder_b,
                consensus_name=self._consensus_name(),
            )
        except AnnotatorError as err:
            messages.show_error(self, err)
            return
        self.status.setText(
            f"{done.consensus.name} now has {done.added} agreed passage"
            f"{'' if done.added == 1 else 's'} more."
        )

    # -- following the project ----------------------------------------------------------------
    def _on_changes(self, changes: ChangeSet) -> None:
        if not shiboken6.isValid(self) or self.listing is None:
            return
        compared = {self.listing.coder_a, self.listing.coder_b}
        if (
            changes.affected("codings", "coder_id") & compared
            or changes.touches("documents")
            or changes.touches("codes")
        ):
            if changes.touches("codes"):
                self._fill_choices()  # a code renamed, added or deleted
            self.refresh()  # the disagreements themselves changed: find them anew
            return
        if changes.touches("coders"):
            self._fill_choices()
            self._recheck(range(len(self.model.rows)), refind=True)  # the consensus coder
            return
        if changes.touches("settings") and self.listing.consensus_id is not None:
            # Only the rows whose (document, code) record the step wrote or took back.
            rows = [i for key in changes.ids("settings") for i in self._rows_of(key)]
            if rows:
                self._recheck(rows)

    def _rows_of(self, key: str) -> list[int]:
        """The rows a consensus record (its settings key) covers."""
        assert self.listing is not None
        cid = self.listing.consensus_id
        if cid is None:
            return []
        if self._keys_for != cid:  # one key per (document, code), made once per consensus coder
            self._keys = {
                settling.record_key(cid, doc, code): at for (doc, code), at in self._places.items()
            }
            self._keys_for = cid
        return self._keys.get(key, [])

    def _recheck(self, rows: Sequence[int] | range, *, refind: bool = False) -> None:
        """Whether ``rows`` are settled, read again (``refind``: the consensus coder too)."""
        assert self.listing is not None
        listing = self.listing
        cid = listing.consensus_id
        if refind:
            found = settling.find_consensus(self.project, self._consensus_name())
            cid = found.id if found is not None else None
            self.listing = Listing(
                listing.coder_a,
                listing.coder_b,
                listing.code_id,
                listing.rows,
                cid,
                listing.settled,
            )
        among = list(rows)
        self.model.set_settled(set(among), find_settled(self.project, cid, self.model.rows, among))
        self._count()

    def _on_blind(self, on: bool) -> None:
        if on:
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.runner.stop()
        super().closeEvent(event)
