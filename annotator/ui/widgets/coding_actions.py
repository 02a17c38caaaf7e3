"""The window's coding operations: a thin Qt adapter over ``app.operations``.

The document view, the code tree (drop, double-click), quick keys, the code
picker, the Coding menu, the details pane and the search dialog all code text
and edit codings through one ``CodingActions`` object. What each operation
means (the active coder, validated offsets, one transaction, one undo step and
its label, skipping what is coded already, asking before another coder's coding
is changed) is decided in ``app.operations``; this adapter adds what a window
needs on top:

- the question about another coder's coding is ``messages.confirm`` (a dialog;
  tests patch it);
- a new coding becomes the selected one and is never hidden: if the text's Show
  filter hid the active coder, it shows them again and says so (``notice``);
- ``codeUsed`` tells "recently used" lists that a code was used.

Errors (``AnnotatorError``) propagate: the caller shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from annotator.app import operations
from annotator.app.operations import Coded, Span
from annotator.app.session import TEXT, Session
from annotator.core.errors import AnnotatorError
from annotator.core.models import Coding
from annotator.store import Project
from annotator.ui.widgets import commands, messages, name_dialog
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

#: Title of the question asked before another coder's coding is changed.
OTHER_CODER_TITLE = "Another coder's coding"


class CodingActions(QObject):
    """Coding edits for the window's session; raises AnnotatorError on bad input."""

    #: A code was used to code text (for "recently used" lists).
    codeUsed = Signal(str)
    #: Something the researcher should know that is not an error (for the status bar).
    notice = Signal(str)

    def __init__(
        self,
        project: Project,
        stack: UndoHistory,
        state: WorkbenchState,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.stack = stack
        self.state = state
        session = state.session
        if session is None or session.project is not project:
            session = Session(project, run=commands.runner(stack))
            state.bind(session)
        self.session = session
        #: Asks who is coding when nobody is yet (the window sets it); True if someone now is.
        self.ask_coder: Callable[[], bool] | None = None

    @property
    def recent_codes(self) -> list[str]:
        """Codes used to code text, most recent first."""
        return self.session.recent_codes

    @recent_codes.setter
    def recent_codes(self, codes: Sequence[str]) -> None:
        self.session.recent_codes[:] = list(codes)

    # -- what the window adds ------------------------------------------------------------
    def _shown(self, coding: Coding) -> None:
        """The coder's codings are shown in the text (again, with a notice, if hidden)."""
        if self.session.coder_sets.reveal(coding.coder_id, TEXT):
            self.notice.emit("Your codings are shown again: the Show filter was hiding them.")

    def _made(self, coded: Coded, *, select: bool = True) -> Coded:
        self.codeUsed.emit(coded.code.id)
        if coded.codings and select:
            self._shown(coded.codings[0])
            self.state.set_current_coding(coded.codings[0].id)
        return coded

    def confirm_parents(self, question: str) -> bool:
        """Ask before a typed path makes parent codes that do not exist yet
        (``messages.confirm``: tests patch it)."""
        parent = self.parent()
        return messages.confirm(
            parent if isinstance(parent, QWidget) else None, question, "New parent codes"
        )

    def confirm(self, question: str) -> bool:
        """Ask about another coder's coding (``messages.confirm``: tests patch it)."""
        parent = self.parent()
        return messages.confirm(
            parent if isinstance(parent, QWidget) else None, question, OTHER_CODER_TITLE
        )

    # -- coding text -------------------------------------------------------------------------
    def _ensure_coder(self) -> None:
        """Nobody chosen yet (or the first-launch prompt was cancelled): ask now, at the
        moment it matters, rather than refusing with a status line that is easy to miss."""
        if self.session.active_coder_id is None and self.ask_coder is not None:
            self.ask_coder()

    def ensure_coder(self) -> bool:
        """``_ensure_coder`` for a caller about to ask for more (the search's "Code all"
        asks who is coding before it asks for a code); True if someone is coding now."""
        self._ensure_coder()
        return self.session.active_coder_id is not None

    def apply(self, code_id: str, document_id: str, start: int, end: int) -> Coding:
        """Code ``[start, end)`` of the document with ``code_id`` as the active coder; the
        new coding is selected."""
        self._ensure_coder()
        return self._made(
            operations.code_span(self.session, document_id, start, end, code_id=code_id)
        ).coding

    def code(
        self,
        document_id: str,
        start: int,
        end: int,
        *,
        code_id: str | None = None,
        new_name: str | None = None,
    ) -> Coded:
        """Pick-then-apply: code the span with the chosen code or a new one (``new_name``,
        a path ``Parent/Child`` creating under ``Parent``), in one step."""
        self._ensure_coder()
        return self._made(
            operations.code_span(
                self.session,
                document_id,
                start,
                end,
                code_id=code_id,
                new_name=new_name,
                confirm=self.confirm_parents,
            )
        )

    def ask_new_code(self, parent: QWidget | None, document_id: str, start: int, end: int) -> bool:
        """Ask for a new code's name and code the span with it, in one step ("Parent/Child"
        makes Child under the code Parent). A refused name (taken, empty) is said beside
        the field and the dialog stays open with what was typed. True if coded."""

        def attempt(name: str) -> str | None:
            try:
                self.code(document_id, start, end, new_name=name)
            except AnnotatorError as err:
                return str(err)
            return None

        return name_dialog.ask_name(
            parent,
            "Code with new code",
            "Name of the new code:",
            attempt,
            placeholder="Name, or Parent/Child to make it under Parent",
        )

    def code_in_vivo(self, document_id: str, start: int, end: int) -> Coded:
        """The selected words become a new code, applied to them."""
        self._ensure_coder()
        return self._made(operations.code_in_vivo(self.session, document_id, start, end))

    def code_spans(
        self, spans: Sequence[Span], *, code_id: str | None = None, new_name: str | None = None
    ) -> Coded:
        """Code several spans (search hits) in one step, skipping those the active coder
        has already coded with the code. Selects nothing, unless the Show filter was hiding
        the coder's codings: then they are shown again and the first new one is selected."""
        self._ensure_coder()
        coded = operations.code_spans(
            self.session, spans, code_id=code_id, new_name=new_name, confirm=self.confirm_parents
        )
        hidden = bool(coded.codings) and not self.session.coder_sets.shows(
            coded.codings[0].coder_id, TEXT
        )
        return self._made(coded, select=hidden and not coded.created)

    # -- editing a coding: another coder's only after a yes --------------------------------------
    def remove(self, coding_id: str) -> bool:
        """Remove a coding; False if the researcher declined (another coder's)."""
        return operations.remove_coding(self.session, coding_id, confirm=self.confirm).done

    def reassign(self, coding_id: str, code_id: str) -> bool:
        """Give a coding another code; False if the researcher declined."""
        return operations.reassign_coding(
            self.session, coding_id, code_id, confirm=self.confirm
        ).done

    def resize(self, coding_id: str, start: int, end: int) -> bool:
        """Move a coding's start and end; False if the researcher declined."""
        return operations.resize_coding(
            self.session, coding_id, start, end, confirm=self.confirm
        ).done

    def set_memo(self, coding_id: str, memo: str) -> bool:
        """Replace a coding's memo; False if the researcher declined."""
        return operations.set_coding_memo(self.session, coding_id, memo, confirm=self.confirm).done
