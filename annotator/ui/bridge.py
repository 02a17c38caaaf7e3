"""Qt signal for store changes: views connect here instead of polling the store.

The store calls its observers after each committed action with the action's
``ChangeSet``; ``ProjectEvents.changed`` re-emits it so each view can refresh
only what the ChangeSet touched.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core.changes import ChangeSet
from annotator.store import Project


class ProjectEvents(QObject):
    """Emits ``changed(ChangeSet)`` after every committed action on ``project``."""

    changed = Signal(object)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._unsubscribe = project.subscribe(self._on_change)

    def _on_change(self, changes: ChangeSet) -> None:
        self.changed.emit(changes)

    def detach(self) -> None:
        self._unsubscribe()
