"""What to compare: coders, codes (with their sub-codes or not), documents, segment overlap.

``CompareOptions`` lists the project's coders, codebook and documents as
checkable lists (each item's id in ``ID_ROLE``); "All codes" and "All
documents" stand for everything, including what is added later. ``changed``
fires on every choice the researcher makes (not when ``refresh`` re-reads the
project, which keeps every choice that still exists). Defaults: every coder
who has codings (the two example coders in the example project), every code,
every document, 90% overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement.segments import DEFAULT_OVERLAP
from annotator.store import Project

ID_ROLE = Qt.ItemDataRole.UserRole + 1
CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked


def _checkable(item: QListWidgetItem | QTreeWidgetItem) -> None:
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)


class CompareOptions(QWidget):
    """The pickers beside the Compare coders table."""

    changed = Signal()

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._filling = False

        self.coder_list = QListWidget(self)
        self.coder_list.setObjectName("compareCoders")
        self.all_codes = QCheckBox("All codes", self)
        self.all_codes.setObjectName("compareAllCodes")
        self.all_codes.setChecked(True)
        self.code_tree = QTreeWidget(self)
        self.code_tree.setObjectName("compareCodes")
        self.code_tree.setHeaderHidden(True)
        self.with_subcodes = QCheckBox("Include sub-codes", self)
        self.with_subcodes.setObjectName("compareWithSubcodes")
        self.with_subcodes.setToolTip("Count a code's sub-codes' codings as the code's own")
        self.all_documents = QCheckBox("All documents", self)
        self.all_documents.setObjectName("compareAllDocuments")
        self.all_documents.setChecked(True)
        self.document_list = QListWidget(self)
        self.document_list.setObjectName("compareDocuments")
        self.overlap = QSpinBox(self)
        self.overlap.setObjectName("compareOverlap")
        self.overlap.setRange(1, 100)
        self.overlap.setSuffix("%")
        self.overlap.setValue(round(DEFAULT_OVERLAP * 100))
        self.overlap.setToolTip(
            "Share of the longer segment two coders' segments must share to match"
        )

        coders_box = QGroupBox("Coders", self)
        QVBoxLayout(coders_box).addWidget(self.coder_list)
        codes_box = QGroupBox("Codes", self)
        codes_layout = QVBoxLayout(codes_box)
        codes_layout.addWidget(self.all_codes)
        codes_layout.addWidget(self.code_tree, 1)
        codes_layout.addWidget(self.with_subcodes)
        docs_box = QGroupBox("Documents", self)
        docs_layout = QVBoxLayout(docs_box)
        docs_layout.addWidget(self.all_documents)
        docs_layout.addWidget(self.document_list, 1)
        form = QFormLayout()
        form.addRow("Segment overlap:", self.overlap)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(coders_box, 1)
        layout.addWidget(codes_box, 2)
        layout.addWidget(docs_box, 1)
        layout.addLayout(form)

        self.refresh(default_coders=self._default_coders())
        self.coder_list.itemChanged.connect(self._emit)
        self.code_tree.itemChanged.connect(self._emit)
        self.document_list.itemChanged.connect(self._emit)
        self.all_codes.toggled.connect(self._scope_toggled)
        self.all_documents.toggled.connect(self._scope_toggled)
        self.with_subcodes.toggled.connect(self._emit)
        self.overlap.valueChanged.connect(self._emit)
        self._scope_toggled()

    # -- the choices -----------------------------------------------------------------
    def coder_ids(self) -> list[str]:
        return [i.data(ID_ROLE) for i in self._items(self.coder_list) if i.checkState() == CHECKED]

    def code_ids(self) -> list[str] | None:
        """The chosen codes (codebook order), or None for all of them."""
        if self.all_codes.isChecked():
            return None
        return [i.data(0, ID_ROLE) for i in self._tree_items() if i.checkState(0) == CHECKED]

    def document_ids(self) -> list[str] | None:
        if self.all_documents.isChecked():
            return None
        return [
            i.data(ID_ROLE) for i in self._items(self.document_list) if i.checkState() == CHECKED
        ]

    def overlap_share(self) -> float:
        return self.overlap.value() / 100

    def set_coders(self, coder_ids: Iterable[str]) -> None:
        """Check exactly ``coder_ids`` (a choice made for the researcher, e.g. the example's)."""
        wanted = set(coder_ids)
        self._filling = True
        for item in self._items(self.coder_list):
            item.setCheckState(CHECKED if item.data(ID_ROLE) in wanted else UNCHECKED)
        self._filling = False
        self.changed.emit()

    def set_codes(self, code_ids: Sequence[str] | None) -> None:
        """Choose these codes (None: all of them)."""
        self._filling = True
        self.all_codes.setChecked(code_ids is None)
        wanted = set(code_ids or ())
        for item in self._tree_items():
            item.setCheckState(0, CHECKED if item.data(0, ID_ROLE) in wanted else UNCHECKED)
        self.code_tree.setEnabled(code_ids is not None)
        self._filling = False
        self.changed.emit()

    # -- filling from the project ------------------------------------------------------
    def _default_coders(self) -> list[str]:
        usage = self.project.coder_usage()
        return [c for c, u in usage.items() if u.codings]

    def refresh(self, default_coders: Sequence[str] | None = None) -> None:
        """Re-read coders, codes and documents, keeping the choices that still exist
        (``default_coders``: check these instead, the first time)."""
        kept_coders = set(default_coders) if default_coders is not None else set(self.coder_ids())
        kept_codes = {i.data(0, ID_ROLE) for i in self._tree_items() if i.checkState(0) == CHECKED}
        kept_docs = {
            i.data(ID_ROLE) for i in self._items(self.document_list) if i.checkState() == CHECKED
        }
        self._filling = True
        try:
            self.coder_list.clear()
            for coder in self.project.coders():
                item = QListWidgetItem(coder.name, self.coder_list)
                item.setData(ID_ROLE, coder.id)
                _checkable(item)
                item.setCheckState(CHECKED if coder.id in kept_coders else UNCHECKED)
            self.code_tree.clear()
            tree = self.project.code_tree()

            def add(parent_id: str | None, under: QTreeWidget | QTreeWidgetItem) -> None:
                for code in tree.children(parent_id):
                    item = QTreeWidgetItem(under, [code.name])
                    item.setData(0, ID_ROLE, code.id)
                    item.setToolTip(0, tree.path(code.id))
                    _checkable(item)
                    item.setCheckState(0, CHECKED if code.id in kept_codes else UNCHECKED)
                    add(code.id, item)

            add(None, self.code_tree)
            self.code_tree.expandAll()
            self.document_list.clear()
            for doc in self.project.documents():
                item = QListWidgetItem(doc.title, self.document_list)
                item.setData(ID_ROLE, doc.id)
                _checkable(item)
                item.setCheckState(CHECKED if doc.id in kept_docs else UNCHECKED)
        finally:
            self._filling = False

    # -- helpers ---------------------------------------------------------------------
    @staticmethod
    def _items(widget: QListWidget) -> list[QListWidgetItem]:
        return [widget.item(i) for i in range(widget.count())]

    def _tree_items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem) -> None:
            for i in range(item.childCount()):
                child = item.child(i)
                if child is not None:
                    out.append(child)
                    walk(child)

        walk(self.code_tree.invisibleRootItem())
        return out

    def _scope_toggled(self) -> None:
        self.code_tree.setEnabled(not self.all_codes.isChecked())
        self.document_list.setEnabled(not self.all_documents.isChecked())
        self._emit()

    def _emit(self) -> None:
        if not self._filling:
            self.changed.emit()
