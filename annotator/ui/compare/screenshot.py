"""Renders the Compare coders screenshot of the README from the two-coder example.

    QT_QPA_PLATFORM=offscreen python -m annotator.ui.compare.screenshot docs/screenshots [--dark]

Builds the example in a temporary folder, opens Compare coders on its two coders
in the light palette (or the dark one), selects the overall alpha so that its
explanation shows, and saves ``compare-coders.png`` (``compare-coders-dark.png``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from annotator.io.example_coders import build_example_project
from annotator.ui.compare.compare_window import CompareWindow
from annotator.ui.widgets import theme
from annotator.ui.widgets.bridge import ProjectEvents


def render(folder: Path, dark: bool = False) -> Path:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    theme.apply_theme("dark" if dark else "light")
    with tempfile.TemporaryDirectory() as tmp:
        project = build_example_project(Path(tmp) / "two-coder-example.sqlite")
        events = ProjectEvents(project)
        window = CompareWindow(project, events)
        window.resize(1560, 800)
        loop = QEventLoop()
        window.comparisonShown.connect(loop.quit)
        window.show()
        loop.exec()
        model = window.model
        alpha = next(
            i for i, c in enumerate(model.columns, start=1) if c.key == "krippendorff_alpha"
        )
        window.table.setCurrentIndex(model.index(model.rowCount() - 1, alpha))
        app.processEvents()
        out = folder / ("compare-coders-dark.png" if dark else "compare-coders.png")
        window.grab().save(str(out))
        window.close()
        events.detach()
        project.close()
    return out


if __name__ == "__main__":
    print(render(Path(sys.argv[1] if len(sys.argv) > 1 else "."), "--dark" in sys.argv))
