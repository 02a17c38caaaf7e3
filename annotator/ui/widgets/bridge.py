"""Qt signal for store changes: views connect here instead of polling the store.

The store calls its observers after each committed action with the action's
``ChangeSet``; ``ProjectEvents.changed`` re-emits it so each view can refresh
only what the ChangeSet touched.

Another program (the CLI, a second window) may commit to the same file; the
store can tell that it happened (``Project.outside_change``) but not what
changed. ``reload()`` then emits ``reloaded``: each view re-reads everything it
shows from the store, keeping what the researcher was looking at where it
still exists.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core.changes import ChangeSet
from annotator.store import Project


class ProjectEvents(QObject):
    """Emits ``changed(ChangeSet)`` after every committed action on ``project``, and
    ``reloaded()`` when the whole project may have changed."""

    changed = Signal(object)
    #: The whole project may have changed (outside this window): re-read everything.
    reloaded = Signal()

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._unsubscribe = project.subscribe(self._on_change)

    def _on_change(self, changes: ChangeSet) -> None:
        self.changed.emit(changes)

    def reload(self) -> None:
        """The whole project may have changed: every view re-reads everything it shows."""
        self.reloaded.emit()

    def detach(self) -> None:
        self._unsubscribe()
