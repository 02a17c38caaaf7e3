"""Run in a real X display (Xvfb) by ``test_real_x_window.py``: double- and triple-click
the demo project's first document with xdotool, as a researcher's mouse would, and print
what each selected (one JSON line). Offscreen Qt times clicks differently from X."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings
from PySide6.QtWidgets import QApplication


def settle(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def clicks(app: QApplication, *args: str) -> None:
    proc = subprocess.Popen(["xdotool", *args])
    while proc.poll() is None:
        app.processEvents()
        time.sleep(0.01)
    settle(app, 0.4)


def main(folder: Path) -> None:
    app = QApplication(sys.argv)
    from annotator.io.demo import build_demo
    from annotator.ui import MainWindow
    from annotator.ui.document.highlights import caret_rect

    path = folder / "demo.sqlite"
    build_demo(path).close()
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(path, settings)
    window.resize(1200, 800)
    window.show()
    settle(app, 1.0)
    doc = window.project.documents()[0]
    window.state.set_current_document(doc.id)
    settle(app, 0.5)
    view = window.document_view
    text = window.project.document_text(doc.id)
    word = text.index("governance")
    rect = caret_rect(view.text_edit, view.offsets, word + 3)
    at = view.text_edit.viewport().mapToGlobal(QPoint(rect.x() + 2, rect.center().y()))
    clicks(
        app, "mousemove", str(at.x()), str(at.y()), "click", "--repeat", "2", "--delay", "60", "1"
    )
    double = view.selection_span()
    settle(app, 1.0)  # longer than a double-click: the next three clicks start afresh
    clicks(app, "click", "--repeat", "3", "--delay", "60", "1")
    triple = view.selection_span()
    print(json.dumps({"text": text, "word": word, "double": double, "triple": triple}))
    window.close()


if __name__ == "__main__":  # (the import worker process re-imports this file)
    main(Path(sys.argv[1]))
