"""What the panel tests share: a panel built on the sample project and shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from conftest import Sample
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from annotator.store import Project
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

W = TypeVar("W", bound=QWidget)


@dataclass
class PanelEnv(Generic[W]):
    """A panel shown on the sample project, with Ann as the active coder."""

    panel: W
    state: WorkbenchState
    stack: UndoHistory
    project: Project
    sample: Sample


def show_panel(qtbot: QtBot, sample: Sample, panel_class: Any, size: tuple[int, int]) -> PanelEnv[Any]:
    """Build ``panel_class(project, events, stack, state)``, show it and wait until it is exposed."""
    events = ProjectEvents(sample.project)
    stack = UndoHistory(sample.project)
    state = WorkbenchState()
    state.set_active_coder(sample.ann.id)
    panel = panel_class(sample.project, events, stack, state)
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    return PanelEnv(panel, state, stack, sample.project, sample)
