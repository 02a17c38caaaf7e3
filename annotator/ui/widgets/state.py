"""What the researcher is working on right now, shared by every panel.

One ``WorkbenchState`` per window: the active coder (whose name every new
coding carries), which coders' codings are shown, the current document, code
and coding. Panels read it and listen to its signals instead of talking to
each other directly.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, QObject, Signal

#: Drag payload for a text selection: {"document_id", "start", "end"} (code points).
SPAN_MIME = "application/x-annotator-span"
#: Drag payload for codes moved inside the code tree: JSON list of code ids.
CODE_MIME = "application/x-annotator-code-ids"


class WorkbenchState(QObject):
    activeCoderChanged = Signal(object)  # str | None
    visibleCodersChanged = Signal(object)  # frozenset[str] | None (None: all coders)
    currentDocumentChanged = Signal(object)  # str | None
    currentCodeChanged = Signal(object)  # str | None
    currentCodingChanged = Signal(object)  # str | None
    #: Ask the document view to show a span: (document_id, start, end).
    revealRequested = Signal(str, int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.active_coder_id: str | None = None
        self.visible_coder_ids: frozenset[str] | None = None
        self.current_document_id: str | None = None
        self.current_code_id: str | None = None
        self.current_coding_id: str | None = None

    def set_active_coder(self, coder_id: str | None) -> None:
        if coder_id != self.active_coder_id:
            self.active_coder_id = coder_id
            self.activeCoderChanged.emit(coder_id)

    def set_visible_coders(self, coder_ids: frozenset[str] | None) -> None:
        if coder_ids != self.visible_coder_ids:
            self.visible_coder_ids = coder_ids
            self.visibleCodersChanged.emit(coder_ids)

    def coder_visible(self, coder_id: str) -> bool:
        return self.visible_coder_ids is None or coder_id in self.visible_coder_ids

    def set_current_document(self, document_id: str | None) -> None:
        if document_id != self.current_document_id:
            self.current_document_id = document_id
            self.currentDocumentChanged.emit(document_id)

    def set_current_code(self, code_id: str | None) -> None:
        if code_id != self.current_code_id:
            self.current_code_id = code_id
            self.currentCodeChanged.emit(code_id)

    def set_current_coding(self, coding_id: str | None) -> None:
        if coding_id != self.current_coding_id:
            self.current_coding_id = coding_id
            self.currentCodingChanged.emit(coding_id)

    def reveal(self, document_id: str, start: int, end: int) -> None:
        """Open ``document_id`` (if needed) and select/scroll to ``[start, end)``."""
        self.set_current_document(document_id)
        self.revealRequested.emit(document_id, start, end)


def span_mime(document_id: str, start: int, end: int) -> QMimeData:
    data = QMimeData()
    data.setData(SPAN_MIME, json.dumps({"document_id": document_id, "start": start, "end": end}).encode())
    data.setText("")
    return data


def read_span_mime(data: QMimeData) -> tuple[str, int, int] | None:
    if not data.hasFormat(SPAN_MIME):
        return None
    try:
        obj = json.loads(bytes(data.data(SPAN_MIME).data()).decode())
        return str(obj["document_id"]), int(obj["start"]), int(obj["end"])
    except (ValueError, KeyError, TypeError):
        return None
