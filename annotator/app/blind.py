"""Blind coding: while it is on, each coder sees only their own codings.

A project setting (kept in the file, so every window and every coder of the
project follows it): while it is on, whatever the Show filter says, the views
that show codings (the text and its margin, the counts, the retrieved
segments) show the active coder's codings only, and nobody's until someone
says who is coding. Comparing coders shows everyone's codings, so a window
asks before it compares and turns blind coding off first (``QUESTION``).

``visible_coders`` is the rule; ``shown`` is the same rule for a caller that
already knows whether blind coding is on (a window reads the setting once and
follows its changes, rather than once for every row it draws).
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.app.session import Session, Visible
from annotator.core.changes import ChangeSet
from annotator.store import Project

#: The project setting; "1" while blind coding is on.
KEY = "coders/blind_coding"
ON, OFF = "1", ""

#: What a window asks before comparing coders while blind coding is on.
QUESTION = (
    "Blind coding is on: comparing shows everyone's codings. Turn blind coding off and compare?"
)
#: What the Show filter says while blind coding is on.
SHOW_LABEL = "Blind coding: only your codings"


def is_on(project: Project) -> bool:
    """Whether the project is being coded blind."""
    return project.setting(KEY, OFF) == ON


def shown(on: bool, active_coder_id: str | None, chosen: Iterable[str] | None) -> Visible:
    """The coders whose codings a view shows: with blind coding off, those ``chosen``
    (None: everyone); with it on, only the active coder (nobody while there is none)."""
    if not on:
        return None if chosen is None else frozenset(chosen)
    return frozenset() if active_coder_id is None else frozenset([active_coder_id])


def visible_coders(
    project: Project, active_coder_id: str | None, chosen: Iterable[str] | None
) -> Visible:
    """The coders whose codings a view shows in ``project``: ``chosen`` (None: everyone),
    unless blind coding is on; then only the active coder's (nobody's without one)."""
    return shown(is_on(project), active_coder_id, chosen)


def changes_blind(changes: ChangeSet) -> bool:
    """Whether ``changes`` (an action, an undo, another program's step) turned blind
    coding on or off."""
    return KEY in changes.ids("settings")


def set_blind(session: Session, on: bool) -> bool:
    """Turn blind coding on or off: one undoable step ("Turn blind coding on"). False,
    writing nothing, if it already was so."""
    project = session.project
    if is_on(project) == on:
        return False
    label = f"Turn blind coding {'on' if on else 'off'}"
    session.act(label, lambda: project.set_setting(KEY, ON if on else OFF))
    return True
