"""Blind coding in the window: turning it on and off, and asking before comparing.

The rule and the setting are ``app.blind``'s; the state (``WorkbenchState``)
applies them to every view. Here: the Coders menu's switch, and the question a
window asks before it shows everyone's codings to compare them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from annotator.app import blind
from annotator.core.errors import AnnotatorError
from annotator.ui.widgets import messages
from annotator.ui.widgets.state import WorkbenchState

TITLE = "Blind coding"


def switch(parent: QWidget | None, state: WorkbenchState, on: bool) -> bool:
    """Turn blind coding on or off (one undoable step); False if it could not be (said
    in a message) or already was so."""
    session = state.session
    if session is None:
        return False
    try:
        changed = blind.set_blind(session, on)
    except AnnotatorError as err:
        messages.show_error(parent, err)
        return False
    state.refresh_blind()
    return changed


def ask_before_comparing(parent: QWidget | None, state: WorkbenchState) -> bool:
    """Whether comparing may go ahead: at once unless blind coding is on; then only if
    the researcher agrees to turn it off (and it was turned off)."""
    if not state.blind_coding:
        return True
    if not messages.confirm(parent, blind.QUESTION, TITLE):
        return False
    switch(parent, state, False)
    return not state.blind_coding
