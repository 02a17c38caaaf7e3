"""The PySide6 desktop interface. The only package that imports Qt.

``MainWindow(project_path)`` builds the whole window without showing it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.ui.shell.main_window import MainWindow


def __getattr__(name: str) -> Any:
    # Lazy, so `import annotator.ui.widgets.bridge` does not pull in the whole window.
    if name == "MainWindow":
        from annotator.ui.shell.main_window import MainWindow

        return MainWindow
    raise AttributeError(name)


__all__ = ["MainWindow"]
