"""What a merge will do, shown before anything is written; and the report of an exchange.

``MergePreviewDialog`` shows an ``app.merge.MergePreview``: for each coder's copy
what it adds (documents, codes, coders, codings, memos, attributes, with counts)
and what the project already holds, the items found under another name or id, and
every conflict with its reason and what the merge does about it. It computes
nothing: the plan is ``core.merge_plan``'s, the words ``app.merge``'s. "Merge"
accepts the dialog, "Cancel" rejects it; the caller writes (or not). When the
copies hold what this project deleted, "Bring back what this project deleted"
ends the dialog with ``REPLAN``: the caller plans again and shows the new preview.

``SummaryDialog`` is the report afterwards (a merge, a REFI-QDA import): a headline
and the summary's lines, selectable so they can be copied into a methods note, and
either Close or a choice such as "Open the new project" / "Not now".
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.app.merge import MergePreview, kind_label

ADD_HEADERS = ("", "Added", "Already here")
#: The dialog's result when the researcher changed "bring back what this project
#: deleted": the caller plans again with ``restore_deleted`` and shows a new preview.
REPLAN = 2
#: The conflict kind of an item the project's history shows it deleted.
DELETED_HERE = "deleted in target"
CONFLICT_HEADERS = ("Copy", "What", "About", "Here", "In the copy", "What the merge does")


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _tree(name: str, headers: Sequence[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tree.setUniformRowHeights(True)
    return tree


class MergePreviewDialog(QDialog):
    """The preview of merging one or more copies; accepted = "Merge"."""

    def __init__(
        self, preview: MergePreview, parent: QWidget | None = None, *, restore_deleted: bool = False
    ) -> None:
        super().__init__(parent)
        self.preview = preview
        self.restore_deleted = restore_deleted
        self.setObjectName("mergePreviewDialog")
        self.setWindowTitle("Merge a coder's copy")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        plans = preview.plans
        several = len(plans) > 1
        layout = QVBoxLayout(self)
        names = ", ".join(p.source for p in plans)
        intro = QLabel(
            f"Merging {names} into {preview.target}. Nothing is written until you press "
            "Merge; afterwards Edit → Undo takes the whole merge back in one step."
        )
        intro.setObjectName("mergeIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        layout.addWidget(_heading("What the merge adds"))
        self.adds = _tree("mergeAdds", ADD_HEADERS)
        self.adds.setRootIsDecorated(several)
        for plan in plans:
            added, present = plan.added(), dict(plan.present)
            kinds = list(added) + [k for k in present if k not in added]
            parent_item: QTreeWidgetItem | None = None
            if several:
                parent_item = QTreeWidgetItem(self.adds, [plan.source])
                parent_item.setFirstColumnSpanned(True)
                parent_item.setExpanded(True)
            for kind in kinds:
                n, here = added.get(kind, 0), present.get(kind, 0)
                if not (n or here):
                    continue
                row = [kind_label(kind), f"{n:,}", f"{here:,}" if here else ""]
                item = (
                    QTreeWidgetItem(parent_item, row)
                    if parent_item is not None
                    else QTreeWidgetItem(self.adds, row)
                )
                item.setData(0, Qt.ItemDataRole.UserRole, (plan.source, kind))
                for col in (1, 2):
                    item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight)
                if n:
                    bold = QFont(item.font(1))
                    bold.setBold(True)
                    item.setFont(1, bold)
        if several:
            self.adds.expandAll()
        self.adds.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.adds.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._fit_height(self.adds)
        header = self.adds.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.adds)

        matches = [(p.source, m) for p in plans for m in p.matches]
        if matches:
            found = QLabel(
                "Found here under another name or id: "
                + "; ".join(
                    (f"{m.subject} ({m.kind}: {m.detail})" if not several else f"{s}: {m.subject}")
                    for s, m in matches
                )
            )
            found.setObjectName("mergeMatches")
            found.setWordWrap(True)
            found.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(found)

        conflicts = [(p.source, c) for p in plans for c in p.conflicts]
        n = len(conflicts)
        layout.addWidget(
            _heading(
                f"{n} conflict{'s' if n != 1 else ''}: the project keeps its own"
                if n
                else "No conflicts"
            )
        )
        self.conflicts = _tree("mergeConflicts", CONFLICT_HEADERS)
        for source, c in conflicts:
            item = QTreeWidgetItem(
                self.conflicts, [source, c.kind, c.subject, c.target, c.source, c.outcome]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, c)
            for col in range(1, len(CONFLICT_HEADERS)):
                item.setToolTip(col, item.text(col))
        self.conflicts.setColumnHidden(0, not several)
        for col in range(len(CONFLICT_HEADERS)):
            self.conflicts.resizeColumnToContents(col)
        # Long names or definitions must not push "what the merge does" off screen: they
        # are cut short (the whole text is the row's tooltip).
        for col, most in ((0, 160), (2, 300), (3, 170), (4, 170)):
            self.conflicts.setColumnWidth(col, min(self.conflicts.columnWidth(col), most))
        self.conflicts.header().setStretchLastSection(True)
        self.conflicts.setVisible(bool(n))
        layout.addWidget(self.conflicts, 1)

        deleted = sum(c.kind == DELETED_HERE for _, c in conflicts)
        if deleted or restore_deleted:
            # What the project deleted stays deleted unless the researcher says otherwise.
            self.restore = QCheckBox(
                "Bring back what this project deleted"
                + (f" ({deleted} item{'s' if deleted != 1 else ''})" if deleted else "")
            )
            self.restore.setObjectName("restoreDeleted")
            self.restore.setChecked(restore_deleted)
            self.restore.toggled.connect(self._replan)
            layout.addWidget(self.restore)

        self.nothing = QLabel("Nothing to add: this project already holds all of it.")
        self.nothing.setObjectName("mergeNothing")
        self.nothing.setVisible(preview.writes_nothing)
        layout.addWidget(self.nothing)

        buttons = QDialogButtonBox()
        self.merge_button = QPushButton("Merge")
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.setEnabled(not preview.writes_nothing)
        self.merge_button.setDefault(not preview.writes_nothing)
        buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.merge_button if self.merge_button.isEnabled() else cancel).setFocus()
        self.resize(1000, 600 if n else 360)

    def _replan(self, on: bool) -> None:
        self.restore_deleted = on
        self.done(REPLAN)

    @staticmethod
    def _fit_height(tree: QTreeWidget) -> None:
        """As tall as its rows (a handful), so the conflicts get the room."""
        rows, item = 0, tree.topLevelItem(0)
        while item is not None:
            rows += 1
            item = tree.itemBelow(item)
        row = max(tree.sizeHintForRow(0), tree.fontMetrics().height() + 4)
        frame = 2 * tree.frameWidth() + tree.header().sizeHint().height()
        tree.setFixedHeight(frame + row * max(rows, 1) + 4)

    def added_counts(self) -> dict[tuple[str, str], int]:
        """(copy, kind) -> how many the merge adds, as the table shows them (tests, scripts)."""
        shown: dict[tuple[str, str], int] = {}
        root = self.adds.invisibleRootItem()
        items = [root]
        while items:
            item = items.pop(0)
            items += [c for c in (item.child(i) for i in range(item.childCount())) if c]
            key = item.data(0, Qt.ItemDataRole.UserRole)
            if key is not None:
                source, kind = key
                shown[(str(source), str(kind))] = int(item.text(1).replace(",", ""))
        return shown


class SummaryDialog(QDialog):
    """A report: a headline, the lines, and Close (or an accept button such as "Open")."""

    def __init__(
        self,
        title: str,
        headline: str,
        lines: Sequence[str],
        parent: QWidget | None = None,
        *,
        accept_text: str | None = None,
        reject_text: str = "Close",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exchangeSummary")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        self.headline = QLabel(headline)
        self.headline.setObjectName("summaryHeadline")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        layout.addWidget(self.headline)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setObjectName("summaryText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox()
        if accept_text is not None:
            accept = buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
            accept.setObjectName("summaryAccept")
            accept.setDefault(True)
        close = buttons.addButton(reject_text, QDialogButtonBox.ButtonRole.RejectRole)
        close.setObjectName("summaryClose")
        if accept_text is None:
            close.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 200 + 18 * min(len(lines), 16))
