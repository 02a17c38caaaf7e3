"""The document view's right-click menu: code the selected text, or act on a coding.

``build_context_menu(view, pos, ...)`` returns the menu for viewport point
``pos``. With text selected it offers "Code with <code>" for each recent code,
"Code with…" (the code picker), "Code with new code…" and "Code in vivo"; the
new coding becomes the selected one. Over a coding (the selected one if the
click is on it, else the shortest under the mouse) it offers Remove, Re-assign
and Edit memo. "Copy" is always last, enabled with a selection.

Every edit goes through the view's ``CodingActions``, that is through
``app.operations`` (one undoable action each; another coder's coding is changed
only after a yes); a failure is shown with ``messages.show_error`` and changes
nothing. The dialogs
that choose a code are passed in (``pick``, ``choose``) so that the view decides
which ones run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QInputDialog, QMenu, QPlainTextEdit, QWidget

from annotator.core.errors import AnnotatorError
from annotator.core.shown_codings import ShownCodings
from annotator.store import Project
from annotator.ui.widgets import messages
from annotator.ui.widgets.code_picker import PickResult
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.state import WorkbenchState

#: ``pick_code(parent, project, recent_codes, title)``: a code or a new code's name, None if cancelled.
PickCode = Callable[[QWidget | None, Project, Sequence[str], str], PickResult | None]
#: ``choose_code(parent, project, title, exclude=)``: an existing code, None if cancelled.
ChooseCode = Callable[..., str | None]


class MenuHost(Protocol):
    """What the menu needs from the view it belongs to (``DocumentView``)."""

    project: Project
    shown: ShownCodings
    state: WorkbenchState
    coding_actions: CodingActions

    @property
    def document_id(self) -> str | None: ...
    @property
    def text_edit(self) -> QPlainTextEdit: ...
    def selection_span(self) -> tuple[int, int] | None: ...
    def coding_at(self, pos: QPoint) -> str | None: ...
    def _current(self) -> str | None: ...
    def _char_at(self, pos: QPoint) -> int | None: ...
    def _run(self, operation: Callable[[], object]) -> None: ...


def build_context_menu(
    view: MenuHost, pos: QPoint, parent: QWidget, pick: PickCode, choose: ChooseCode
) -> QMenu:
    """The right-click menu at viewport point ``pos``; ``parent`` owns it and its dialogs."""
    menu = QMenu(parent)
    doc, span, acts = view.document_id, view.selection_span(), view.coding_actions
    if doc is not None and span is not None:
        start, end = span
        for code_id in acts.recent_codes:
            if code_id in view.shown.codes:
                act = menu.addAction(f"Code with {view.shown.codes[code_id][0]}")
                act.triggered.connect(
                    lambda _c=False, c=code_id: _code(
                        parent, lambda: acts.apply(c, doc, start, end)
                    )
                )
        menu.addAction("Code with…").triggered.connect(
            lambda: _code_with_picker(view, parent, pick, doc, start, end)
        )
        menu.addAction("Code with new code…").triggered.connect(
            lambda: _code_new(view, parent, doc, start, end)
        )
        menu.addAction("Code in vivo").triggered.connect(
            lambda: _code(parent, lambda: acts.code_in_vivo(doc, start, end))
        )
    # The selected coding if the click is on it, else the shortest one under the mouse.
    current, cp = view._current(), view._char_at(pos)
    on_current = current is not None and cp is not None and current in view.shown.at(cp)
    target = current if on_current else view.coding_at(pos)
    if target is not None:
        if not menu.isEmpty():
            menu.addSeparator()
        menu.addAction(f"Remove coding “{view.shown.path(target)}”").triggered.connect(
            lambda: view._run(lambda: acts.remove(target))
        )
        menu.addAction("Re-assign to…").triggered.connect(
            lambda: _reassign(view, parent, choose, target)
        )
        menu.addAction("Edit memo…").triggered.connect(lambda: _edit_memo(view, parent, target))
    if not menu.isEmpty():
        menu.addSeparator()
    copy = menu.addAction("Copy")
    copy.setEnabled(span is not None)
    copy.triggered.connect(view.text_edit.copy)
    return menu


def _code(parent: QWidget, operation: Callable[[], object]) -> None:
    """Run a coding operation (the new coding becomes the selected one); show a failure."""
    try:
        operation()
    except AnnotatorError as err:
        messages.show_error(parent, err)


def _code_new(view: MenuHost, parent: QWidget, doc: str, start: int, end: int) -> None:
    view.coding_actions.ask_new_code(parent, doc, start, end)


def _code_with_picker(
    view: MenuHost, parent: QWidget, pick: PickCode, doc: str, start: int, end: int
) -> None:
    acts = view.coding_actions
    result = pick(parent, view.project, list(acts.recent_codes), "Code with")
    if result is None:
        return
    code_id, new_name = result.code_id, result.new_name
    if code_id is not None:
        _code(parent, lambda: acts.code(doc, start, end, code_id=code_id))
    elif new_name:
        _code(parent, lambda: acts.code(doc, start, end, new_name=new_name))


def _reassign(view: MenuHost, parent: QWidget, choose: ChooseCode, coding_id: str) -> None:
    row = view.shown.rows.get(coding_id)
    code_id = choose(
        parent,
        view.project,
        "Re-assign coding to",
        exclude={row.code_id} if row is not None else set(),
    )
    if code_id is not None:
        view._run(lambda: view.coding_actions.reassign(coding_id, code_id))


def _edit_memo(view: MenuHost, parent: QWidget, coding_id: str) -> None:
    try:
        memo = view.project.coding(coding_id).memo
    except AnnotatorError as err:
        messages.show_error(parent, err)
        return
    text, ok = QInputDialog.getMultiLineText(
        parent, "Coding memo", view.shown.describe(coding_id), memo
    )
    if ok and text != memo:
        view._run(lambda: view.coding_actions.set_memo(coding_id, text))
