"""A researcher's session on one project: who is coding, what each view shows, how actions run.

``Session`` holds what every operation needs besides the project itself:

- the active coder, whose name the project's history records for each step
  (``project.actor`` is kept in step with it, so Undo takes this coder's own
  steps);
- ``CoderSets``: which coders' codings each view shows. Views are named
  ("text", "codebook", "segments", …); by default they all share one set, as
  the window's Show filter always did, and a view that compares coders can
  hold a set of its own;
- the recently used codes (offered first by pickers and menus);
- how an action is run: by default one store action (one transaction, one
  history entry); the window passes a runner that also keeps its undo menu
  and half-typed fields in step.

No Qt here: the window wraps a session in its Qt state, the command line uses
one directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from annotator.core.errors import InvalidInput
from annotator.store import Project

T = TypeVar("T")

#: The views that show codings, by the name a ``CoderSets`` knows them.
TEXT = "text"
CODEBOOK = "codebook"
SEGMENTS = "segments"

#: A set of visible coders: their ids, or None for everyone.
Visible = frozenset[str] | None

#: How many recently used codes a session remembers.
RECENT_LIMIT = 8

NO_CODER = "Choose who is coding first (the coder box in the toolbar)."


class Runner(Protocol):
    """Runs ``operation`` as one undoable action named ``label`` and returns its result."""

    def __call__(self, label: str, operation: Callable[[], T], /) -> T: ...


def in_action(project: Project) -> Runner:
    """The plain runner: one store action (one transaction, one history entry)."""

    def run(label: str, operation: Callable[[], T], /) -> T:
        with project.action(label):
            return operation()

    return run


class CoderSets:
    """Which coders' codings each named view shows.

    Every view shows the shared set unless it was given one of its own
    (``separate``). Listeners hear which set changed: a view's name, or None
    for the shared set (every view without a set of its own)."""

    def __init__(self, shared: Iterable[str] | None = None) -> None:
        self._shared: Visible = None if shared is None else frozenset(shared)
        self._own: dict[str, Visible] = {}
        self._listeners: list[Callable[[str | None], None]] = []

    # -- reading ---------------------------------------------------------------------
    def visible(self, view: str | None = None) -> Visible:
        """The coders ``view`` shows (None: everyone); without a view, the shared set."""
        if view is not None and view in self._own:
            return self._own[view]
        return self._shared

    def shows(self, coder_id: str, view: str | None = None) -> bool:
        ids = self.visible(view)
        return ids is None or coder_id in ids

    def has_own(self, view: str) -> bool:
        return view in self._own

    def own_views(self) -> list[str]:
        return sorted(self._own)

    # -- changing --------------------------------------------------------------------
    def set_visible(self, coder_ids: Iterable[str] | None, view: str | None = None) -> bool:
        """Show these coders (None: everyone) in ``view``: in its own set if it has one,
        else in the shared set (so in every view that shares it). True if anything changed."""
        ids: Visible = None if coder_ids is None else frozenset(coder_ids)
        key = view if view is not None and view in self._own else None
        if self.visible(key) == ids:
            return False
        if key is None:
            self._shared = ids
        else:
            self._own[key] = ids
        self._notify(key)
        return True

    def separate(self, view: str) -> None:
        """``view`` holds a set of its own from now on (a view comparing coders), starting
        as a copy of the shared set; ``set_visible(..., view)`` then changes only it."""
        if view not in self._own:
            self._own[view] = self._shared

    def rejoin(self, view: str) -> None:
        """``view`` shows the shared set again."""
        if view not in self._own:
            return
        had = self._own.pop(view)
        if had != self._shared:
            self._notify(view)

    def reveal(self, coder_id: str, view: str | None = None) -> bool:
        """Make sure ``view`` shows ``coder_id`` (a coder's new coding is never hidden);
        True if it was hidden and now is shown."""
        if self.shows(coder_id, view):
            return False
        return self.set_visible((self.visible(view) or frozenset()) | {coder_id}, view)

    # -- listening -------------------------------------------------------------------
    def subscribe(self, listener: Callable[[str | None], None]) -> Callable[[], None]:
        """Call ``listener(view)`` after a set changed (None: the shared one); returns an
        unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, view: str | None) -> None:
        for listener in list(self._listeners):
            listener(view)


class Session:
    """One researcher working on one project (a window, or one command)."""

    def __init__(
        self, project: Project, *, run: Runner | None = None, coder_sets: CoderSets | None = None
    ) -> None:
        self.project = project
        self.coder_sets = coder_sets if coder_sets is not None else CoderSets()
        #: Codes used to code text, most recent first (at most ``RECENT_LIMIT``).
        self.recent_codes: list[str] = []
        self._run = run if run is not None else in_action(project)
        self._coder: str | None = None
        self.project.actor = ""

    # -- who is coding -----------------------------------------------------------------
    @property
    def active_coder_id(self) -> str | None:
        return self._coder

    def set_active_coder(self, coder_id: str | None) -> None:
        """Code as ``coder_id`` (None: nobody); the history records their name from now on.
        Raises NotFound (and changes nothing) for a coder the project does not have."""
        name = self.project.coder(coder_id).name if coder_id is not None else ""
        self._coder = coder_id
        self.project.actor = name

    def require_coder(self) -> str:
        """The active coder; InvalidInput if nobody is coding."""
        if self._coder is None:
            raise InvalidInput(NO_CODER)
        return self._coder

    def is_mine(self, coder_id: str) -> bool:
        return coder_id == self._coder

    # -- running actions ---------------------------------------------------------------
    def act(self, label: str, operation: Callable[[], T]) -> T:
        """Run ``operation`` as one undoable action named ``label``."""
        return self._run(label, operation)

    def used(self, code_id: str) -> None:
        """``code_id`` was used to code text: it goes first among the recent codes."""
        if code_id in self.recent_codes:
            self.recent_codes.remove(code_id)
        self.recent_codes.insert(0, code_id)
        del self.recent_codes[RECENT_LIMIT:]
