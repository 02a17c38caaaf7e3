"""The coding operations every panel shares, each one undoable step.

The document view, the code tree (drop, double-click), quick keys, the code
picker and the search dialog all code text through one ``CodingActions``
object, so "apply a code" means the same thing wherever it starts: the active
coder, validated offsets, one transaction, one undo step named in the Edit menu.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from annotator.core.errors import InvalidInput
from annotator.core.models import Code, Coding
from annotator.store import Project
from annotator.ui.widgets import commands
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

#: How many recently used codes the picker and context menu offer first.
RECENT_LIMIT = 8


class CodingActions(QObject):
    """Performs coding edits for the active coder; raises AnnotatorError on bad input."""

    #: A code was used to code text (for "recently used" lists).
    codeUsed = Signal(str)
    #: Something the researcher should know that is not an error (for the status bar).
    notice = Signal(str)

    def __init__(self, project: Project, stack: UndoHistory, state: WorkbenchState,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.stack = stack
        self.state = state
        self.recent_codes: list[str] = []

    # -- helpers -------------------------------------------------------------------
    def _coder(self) -> str:
        coder = self.state.active_coder_id
        if coder is None:
            raise InvalidInput("Choose who is coding first (the coder box in the toolbar).")
        return coder

    def _made(self, coding: Coding) -> None:
        """A new coding is selected (so Delete or a resize acts on it at once) and
        never hidden: if the Show filter hid the active coder, it shows them again."""
        coder = coding.coder_id
        if not self.state.coder_visible(coder):
            visible = self.state.visible_coder_ids or frozenset()
            self.state.set_visible_coders(visible | {coder})
            self.notice.emit("Your codings are shown again: the Show filter was hiding them.")
        self.state.set_current_coding(coding.id)

    def _used(self, code_id: str) -> None:
        if code_id in self.recent_codes:
            self.recent_codes.remove(code_id)
        self.recent_codes.insert(0, code_id)
        del self.recent_codes[RECENT_LIMIT:]
        self.codeUsed.emit(code_id)

    @staticmethod
    def _check_span(span: tuple[int, int] | None) -> tuple[int, int]:
        if span is None or span[1] <= span[0]:
            raise InvalidInput("Select some text first.")
        return span

    # -- coding --------------------------------------------------------------------
    def apply(self, code_id: str, document_id: str, start: int, end: int) -> Coding:
        """Code ``[start, end)`` of the document with ``code_id`` as the active coder."""
        coder = self._coder()
        self._check_span((start, end))
        name = self.project.code(code_id).name
        coding = commands.execute(
            self.stack, self.project, f"Code with {name}",
            lambda: self.project.add_coding(document_id, code_id, coder, start, end),
        )
        self._used(code_id)
        self._made(coding)
        return coding

    def apply_many(self, code_id: str, spans: Sequence[tuple[str, int, int]]) -> list[Coding]:
        """Code several (document, start, end) spans in one undo step (search hits)."""
        coder = self._coder()
        if not spans:
            raise InvalidInput("There is nothing to code.")
        name = self.project.code(code_id).name

        def run() -> list[Coding]:
            return [self.project.add_coding(d, code_id, coder, s, e) for d, s, e in spans]

        codings = commands.execute(self.stack, self.project, f"Code {len(spans)} passages with {name}", run)
        self._used(code_id)
        if codings and not self.state.coder_visible(coder):
            self._made(codings[0])
        return codings

    def code_with_new_code(self, name: str, parent_id: str | None, document_id: str,
                           start: int, end: int) -> tuple[Code, Coding]:
        """Create a code and apply it, as one step."""
        coder = self._coder()
        self._check_span((start, end))

        def run() -> tuple[Code, Coding]:
            code = self.project.add_code(name, parent_id)
            return code, self.project.add_coding(document_id, code.id, coder, start, end)

        code, coding = commands.execute(self.stack, self.project, f"Code with new code {name.strip()}", run)
        self._used(code.id)
        self._made(coding)
        return code, coding

    def code_many_with_new_code(self, name: str, parent_id: str | None,
                                spans: Sequence[tuple[str, int, int]]) -> tuple[Code, list[Coding]]:
        """Create a code and apply it to several spans: one transaction, one undo step."""
        coder = self._coder()
        if not spans:
            raise InvalidInput("There is nothing to code.")

        def run() -> tuple[Code, list[Coding]]:
            code = self.project.add_code(name, parent_id)
            return code, [self.project.add_coding(d, code.id, coder, s, e) for d, s, e in spans]

        code, codings = commands.execute(
            self.stack, self.project, f"Code {len(spans)} passages with new code {name.strip()}", run)
        self._used(code.id)
        return code, codings

    def code_in_vivo(self, document_id: str, start: int, end: int, parent_id: str | None = None) -> tuple[Code, Coding]:
        """The selected words become a new code, applied to them."""
        self._check_span((start, end))
        words = " ".join(self.project.document_text(document_id)[start:end].split())
        if not words:
            raise InvalidInput("Select some words to use as the code's name.")
        if len(words) > 80:
            words = words[:80].rsplit(" ", 1)[0] + "…"
        return self.code_with_new_code(words, parent_id, document_id, start, end)

    def remove(self, coding_id: str) -> bool:
        """Remove a coding; another coder's coding only after ``confirm`` says yes."""
        coding = self.project.coding(coding_id)
        name = self.project.code(coding.code_id).name
        if coding.coder_id != self.state.active_coder_id:
            owner = self.project.coder(coding.coder_id).name
            if not self.confirm("Remove another coder's coding",
                                f"This {name} coding is {owner}'s. Remove it anyway?"):
                return False
        commands.execute(self.stack, self.project, f"Remove coding {name}",
                         lambda: self.project.remove_coding(coding_id))
        return True

    def confirm(self, title: str, question: str) -> bool:
        """Ask yes/no (tests replace this)."""
        answer = QMessageBox.question(None, title, question)
        return answer == QMessageBox.StandardButton.Yes

    def reassign(self, coding_id: str, code_id: str) -> Coding:
        name = self.project.code(code_id).name
        return commands.execute(self.stack, self.project, f"Re-assign coding to {name}",
                                lambda: self.project.update_coding(coding_id, code_id=code_id))

    def resize(self, coding_id: str, start: int, end: int) -> Coding:
        return commands.execute(self.stack, self.project, "Resize coding",
                                lambda: self.project.update_coding(coding_id, start=start, end=end))

    def set_memo(self, coding_id: str, memo: str) -> Coding:
        return commands.execute(self.stack, self.project, "Edit coding memo",
                                lambda: self.project.update_coding(coding_id, memo=memo))
