"""What the panel tests share: a panel built on the sample project and shown."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from conftest import Sample
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from annotator.store import Project
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.coding_actions import CodingActions
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
    actions: CodingActions


def show_panel(
    qtbot: QtBot, sample: Sample, panel_class: Any, size: tuple[int, int]
) -> PanelEnv[Any]:
    """Build ``panel_class`` with the collaborators it asks for by name (``project``,
    ``events``, ``stack``, ``state``, ``actions``), show it and wait until it is exposed."""
    events = ProjectEvents(sample.project)
    stack = UndoHistory(sample.project)
    state = WorkbenchState()
    state.set_active_coder(sample.ann.id)
    actions = CodingActions(sample.project, stack, state)
    offered = {
        "project": sample.project,
        "events": events,
        "stack": stack,
        "state": state,
        "actions": actions,
    }
    wanted = [p for p in inspect.signature(panel_class).parameters if p != "parent"]
    panel = panel_class(**{name: offered[name] for name in wanted})
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    return PanelEnv(panel, state, stack, sample.project, sample, actions)
