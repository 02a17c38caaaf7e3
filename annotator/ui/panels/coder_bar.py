"""The toolbar's coder controls: who is coding now, and whose codings are shown.

The active coder is always visible (here and in the window title): codings
that "vanish" in other tools usually went to the wrong coder. Under blind coding
the Show box says so and cannot be changed (Coders -> Blind coding turns it off).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.app import blind
from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError
from annotator.store import Project
from annotator.ui.widgets import messages, name_dialog
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.state import WorkbenchState

NEW_CODER = "__new__"
BLIND = "blind"


class CoderBar(QWidget):
    """ "Coding as: [Ann ▾]   Show: [All coders ▾]"."""

    def __init__(
        self,
        project: Project,
        events: ProjectEvents,
        state: WorkbenchState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.state = state
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Coding as:"))
        self.selector = QComboBox()
        self.selector.setObjectName("coderSelector")
        self.selector.setMinimumContentsLength(10)
        self.selector.setToolTip("Every new coding is recorded under this coder")
        layout.addWidget(self.selector)
        layout.addSpacing(12)
        layout.addWidget(QLabel("Show:"))
        self.view_switch = QComboBox()
        self.view_switch.setObjectName("coderViewSwitch")
        self.view_switch.addItem("All coders", "all")
        self.view_switch.addItem("My codings only", "mine")
        self.view_switch.addItem("Chosen coders…", "chosen")
        self.view_switch.setToolTip("Whose codings are highlighted and counted")
        # Wide enough for what it says, "Blind coding: only your codings" included.
        self.view_switch.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        layout.addWidget(self.view_switch)
        self._chosen: frozenset[str] = frozenset()
        self._before_blind = "all"  # the Show filter's mode while blind coding overrides it
        self._reload()
        self.selector.activated.connect(self._on_selected)
        self.view_switch.activated.connect(self._on_view)
        state.activeCoderChanged.connect(self._on_active_coder)
        state.visibleCodersChanged.connect(self._on_visible_changed)
        state.blindCodingChanged.connect(self._on_blind)
        self._on_blind(state.blind_coding)
        events.changed.connect(self._on_changes)
        events.reloaded.connect(self._reload)  # coders added or renamed elsewhere

    # -- coders --------------------------------------------------------------------
    def _reload(self) -> None:
        self.selector.blockSignals(True)
        self.selector.clear()
        for coder in self.project.coders():
            self.selector.addItem(coder.name, coder.id)
        self.selector.addItem("New coder…", NEW_CODER)
        index = self.selector.findData(self.state.active_coder_id)
        self.selector.setCurrentIndex(index if index >= 0 else -1)
        self.selector.blockSignals(False)

    def _on_active_coder(self, _coder_id: object) -> None:
        self._reload()
        self._apply_view()  # "my codings only" follows the active coder

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.touches("coders"):
            self._reload()

    def _on_selected(self, index: int) -> None:
        data = self.selector.itemData(index)
        if data == NEW_CODER:
            self.ask_new_coder()
        else:
            self.state.set_active_coder(data)

    def ask_new_coder(self) -> str | None:
        """Ask for the new coder's name (a name taken is refused beside the field, the
        dialog staying open); they become the active coder. None if cancelled."""
        added: list[str] = []

        def attempt(name: str) -> str | None:
            try:
                coder = self.project.add_coder(name)
            except AnnotatorError as err:
                return str(err)
            added.append(coder.id)
            return None

        name_dialog.ask_name(self, "New coder", "Name of the new coder:", attempt)
        if not added:
            self._reload()
            return None
        self.state.set_active_coder(added[0])
        return added[0]

    def add_coder(self, name: str) -> str | None:
        """Add a coder (not an undoable step: coders are people, not edits) and make them active."""
        try:
            coder = self.project.add_coder(name)
        except AnnotatorError as err:
            messages.show_error(self, err)
            self._reload()
            return None
        self.state.set_active_coder(coder.id)
        return coder.id

    # -- whose codings are shown -------------------------------------------------------
    def _on_view(self, index: int) -> None:
        mode = self.view_switch.itemData(index)
        if mode == "chosen":
            chosen = choose_coders(
                self, self.project, self._chosen or frozenset(c.id for c in self.project.coders())
            )
            if chosen is None:
                self._sync_view_switch()
                return
            self._chosen = chosen
        self._apply_view()

    def set_view(self, mode: str, chosen: frozenset[str] | None = None) -> None:
        """``"all"``, ``"mine"`` or ``"chosen"`` (with ``chosen`` coder ids)."""
        if chosen is not None:
            self._chosen = chosen
        if self.state.blind_coding:  # the choice waits for blind coding to end
            self._before_blind = mode
            return
        self.view_switch.setCurrentIndex(self.view_switch.findData(mode))
        self._apply_view()

    def _apply_view(self) -> None:
        mode = self.view_switch.currentData()
        if mode == BLIND:
            return  # blind coding decides; the Show filter keeps its choice for later
        if mode == "mine":
            active = self.state.active_coder_id
            self.state.set_visible_coders(frozenset([active]) if active else frozenset())
        elif mode == "chosen":
            self.state.set_visible_coders(self._chosen)
        else:
            self.state.set_visible_coders(None)

    def _on_visible_changed(self, _visible: object) -> None:
        """Someone else changed whose codings are shown (a new coding un-hid its coder)."""
        chosen = self.state.chosen_coders()
        if isinstance(chosen, frozenset) and self.view_switch.currentData() not in ("mine", BLIND):
            self._chosen = chosen
        self._sync_view_switch()

    def _on_blind(self, on: bool) -> None:
        """Blind coding overrides the Show filter: the box says so and is locked."""
        at = self.view_switch.findData(BLIND)
        if on and at < 0:
            self._before_blind = str(self.view_switch.currentData() or "all")
            self.view_switch.addItem(blind.SHOW_LABEL, BLIND)
        elif not on and at >= 0:
            self.view_switch.removeItem(at)
            # The Show filter as it was before ("mine" now meaning the current coder).
            self.view_switch.setCurrentIndex(self.view_switch.findData(self._before_blind))
            self._apply_view()
        self.view_switch.setEnabled(not on)
        self.view_switch.setToolTip(
            "Blind coding is on (Coders menu): each coder sees only their own codings"
            if on
            else "Whose codings are highlighted and counted"
        )
        self._sync_view_switch()

    def _sync_view_switch(self) -> None:
        if self.state.blind_coding:
            self.view_switch.setCurrentIndex(self.view_switch.findData(BLIND))
            return
        vis = self.state.chosen_coders()
        mode = (
            "all" if vis is None else ("mine" if vis == {self.state.active_coder_id} else "chosen")
        )
        self.view_switch.setCurrentIndex(self.view_switch.findData(mode))


def choose_coders(
    parent: QWidget, project: Project, checked: frozenset[str]
) -> frozenset[str] | None:
    """A checklist of coders; None if cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Show codings of")
    layout = QVBoxLayout(dialog)
    listing = QListWidget()
    listing.setObjectName("coderChecklist")
    for coder in project.coders():
        item = QListWidgetItem(coder.name)
        item.setData(Qt.ItemDataRole.UserRole, coder.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(
            Qt.CheckState.Checked if coder.id in checked else Qt.CheckState.Unchecked
        )
        listing.addItem(item)
    layout.addWidget(listing)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return frozenset(
        listing.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(listing.count())
        if listing.item(i).checkState() == Qt.CheckState.Checked
    )


__all__ = ["CoderBar", "choose_coders"]
