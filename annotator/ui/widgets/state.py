"""What the researcher is working on right now, shared by every panel.

One ``WorkbenchState`` per window: the active coder (whose name every new
coding carries), which coders' codings each view shows, the current document,
code and coding. Panels read it and listen to its signals instead of talking to
each other directly.

The active coder and the coders shown are the session's (``app.session``): once
bound to a ``Session`` (the window binds one; ``CodingActions`` binds its own to
a state that has none), the state only adds the signals. Which coders a view
shows is asked by the view's name (``visible_coders("text")``); every view
shares one set (the Show filter in the toolbar) unless it was given its own
(``separate_view``), as a view comparing coders may be. Under blind coding (a
project setting, ``app.blind``) every view shows only the active coder's
codings whatever the sets say: ``visible_coders`` applies that rule, while
``chosen_coders`` is what the Show filter itself says. The state reads the
setting once and follows it (``watch``: undo, redo, another program).
"""

from __future__ import annotations

import contextlib
import json

import shiboken6
from PySide6.QtCore import QMimeData, QObject, Signal

from annotator.app import blind
from annotator.app.session import CoderSets, Session, Visible
from annotator.core.changes import ChangeSet
from annotator.core.errors import NotFound
from annotator.ui.widgets.bridge import ProjectEvents

#: Drag payload for a text selection: {"document_id", "start", "end"} (code points).
SPAN_MIME = "application/x-annotator-span"
#: Drag payload for codes moved inside the code tree: JSON list of code ids.
CODE_MIME = "application/x-annotator-code-ids"


class WorkbenchState(QObject):
    activeCoderChanged = Signal(object)  # str | None
    #: The shared set of visible coders changed: frozenset[str] | None (None: all coders).
    visibleCodersChanged = Signal(object)
    #: A set of visible coders changed: a view's name (its own set), or None (the shared set).
    viewCodersChanged = Signal(object)
    #: Blind coding was turned on (True) or off (False).
    blindCodingChanged = Signal(bool)
    currentDocumentChanged = Signal(object)  # str | None
    currentCodeChanged = Signal(object)  # str | None
    currentCodingChanged = Signal(object)  # str | None
    #: Ask the document view to show a span: (document_id, start, end).
    revealRequested = Signal(str, int, int)

    def __init__(self, parent: QObject | None = None, *, session: Session | None = None) -> None:
        super().__init__(parent)
        self._session: Session | None = None
        self._active: str | None = None
        self.coder_sets = CoderSets()
        self._unsubscribe = self.coder_sets.subscribe(self._on_coder_sets)
        self.current_document_id: str | None = None
        self.current_code_id: str | None = None
        self.current_coding_id: str | None = None
        self._blind = False  # the project's setting, read on bind and followed after
        if session is not None:
            self.bind(session)

    # -- the session ---------------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        return self._session

    def bind(self, session: Session) -> None:
        """From now on the active coder and the coders shown are ``session``'s. What this
        state held so far goes over to a session that holds nothing yet; listeners hear
        of whatever differs afterwards."""
        active, shown = self.active_coder_id, self.coder_sets.visible()
        self._unsubscribe()
        self._session = session
        self._blind = blind.is_on(session.project)
        self.coder_sets = session.coder_sets
        self._unsubscribe = self.coder_sets.subscribe(self._on_coder_sets)
        if active is not None and session.active_coder_id is None:
            with contextlib.suppress(NotFound):  # not one of this project's coders
                session.set_active_coder(active)
        if shown is not None and self.coder_sets.visible() is None:
            self.coder_sets.set_visible(shown)  # heard through the subscription
        elif self.coder_sets.visible() != shown or self._blind:
            self._on_coder_sets(None)
        if self.active_coder_id != active:
            self.activeCoderChanged.emit(self.active_coder_id)

    # -- who is coding -------------------------------------------------------------------
    @property
    def active_coder_id(self) -> str | None:
        return self._session.active_coder_id if self._session is not None else self._active

    def set_active_coder(self, coder_id: str | None) -> None:
        """Code as ``coder_id`` (None: nobody). Bound to a session, the project's history
        records their name; a coder the project does not have raises NotFound."""
        if coder_id == self.active_coder_id:
            return
        if self._session is not None:
            self._session.set_active_coder(coder_id)
        else:
            self._active = coder_id
        self.activeCoderChanged.emit(coder_id)
        if self._blind:  # blind: every view now shows this coder's codings, and only them
            self._all_views_changed()

    # -- which coders are shown ----------------------------------------------------------
    @property
    def visible_coder_ids(self) -> Visible:
        """The coders the views sharing the Show filter show (None: everyone)."""
        return self.visible_coders()

    def visible_coders(self, view: str | None = None) -> Visible:
        """The coders ``view`` shows (None: everyone): its set, or under blind coding the
        active coder alone."""
        return blind.shown(self._blind, self.active_coder_id, self.coder_sets.visible(view))

    def chosen_coders(self, view: str | None = None) -> Visible:
        """The coders ``view``'s set names (the Show filter), blind coding or not."""
        return self.coder_sets.visible(view)

    def set_visible_coders(self, coder_ids: frozenset[str] | None, view: str | None = None) -> None:
        """Show these coders in ``view`` (its own set if it has one, else the shared set)."""
        self.coder_sets.set_visible(coder_ids, view)

    def coder_visible(self, coder_id: str, view: str | None = None) -> bool:
        ids = self.visible_coders(view)
        return ids is None or coder_id in ids

    def separate_view(self, view: str) -> None:
        """``view`` keeps a set of visible coders of its own (starting as the shared one)."""
        self.coder_sets.separate(view)

    def rejoin_view(self, view: str) -> None:
        """``view`` shows the shared set of visible coders again."""
        self.coder_sets.rejoin(view)

    def _on_coder_sets(self, view: str | None) -> None:
        if not shiboken6.isValid(self):
            return
        if view is None:
            self.visibleCodersChanged.emit(self.visible_coders())
        self.viewCodersChanged.emit(view)

    def _all_views_changed(self) -> None:
        self._on_coder_sets(None)
        for view in self.coder_sets.own_views():
            self._on_coder_sets(view)

    # -- blind coding ----------------------------------------------------------------------
    @property
    def blind_coding(self) -> bool:
        """Whether the project is coded blind (each coder sees only their own codings)."""
        return self._blind

    def refresh_blind(self) -> None:
        """Re-read the project's blind-coding setting; if it changed, every view hears so."""
        if self._session is None or not shiboken6.isValid(self):
            return
        on = blind.is_on(self._session.project)
        if on != self._blind:
            self._blind = on
            self.blindCodingChanged.emit(on)
            self._all_views_changed()

    def watch(self, events: ProjectEvents) -> None:
        """Follow the blind-coding setting through ``events`` (this window's steps, undo
        and redo, another program's changes)."""

        def changed(changes: ChangeSet) -> None:
            if blind.changes_blind(changes):
                self.refresh_blind()

        events.changed.connect(changed)
        events.reloaded.connect(self.refresh_blind)

    # -- what is current -----------------------------------------------------------------
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
    data.setData(
        SPAN_MIME, json.dumps({"document_id": document_id, "start": start, "end": end}).encode()
    )
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
