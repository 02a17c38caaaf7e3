"""Benchmark: the window's File-menu exchange on big projects, and how long it freezes the window.

Builds ``bench_merge``'s two copies (100 documents, 20 MB of text, 50,000 codings each,
25,000 new to the other), opens the target in a main window (offscreen), and drives
File → Merge a coder's copy (preview, Merge, the summary), Edit → Undo, File →
Export project as REFI-QDA and File → Import REFI-QDA project through the same
functions as the menu, answering their dialogs. A 10 ms timer on the GUI thread
measures the longest stall: work running off the GUI thread (the merge's preview,
the .qdpx export and import) should leave the window repainting (stalls of a
fraction of a second, the worker's share of the interpreter), while what runs on
it (the merge's write, undo) freezes it for its whole length. Run from the repository root:

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_window_exchange.py [--codings N]

Timings are printed, never asserted: the machine may be busy.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


class Stalls:
    """The longest gap between ticks of a 10 ms timer on the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.timeout.connect(self._tick)
        self._timer.start(10)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def measure(self, run: Callable[[], object]) -> tuple[float, float]:
        """Wall time of ``run`` and the longest stall during it, in seconds."""
        self.longest, self._last = 0.0, time.perf_counter()
        start = time.perf_counter()
        run()
        return time.perf_counter() - start, self.longest


def answer(kind: type, reply: Callable[[object], None]) -> None:
    """Answer the next modal ``kind`` dialog with ``reply`` (polled on the GUI thread)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            reply(dialog)
        else:
            QTimer.singleShot(5, poll)

    QTimer.singleShot(0, poll)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--codings", type=int, default=25_000, help="shared and own, each")
    args = parser.parse_args()

    import bench_merge
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.ui import MainWindow
    from annotator.ui.panels.merge_preview import MergePreviewDialog, SummaryDialog
    from annotator.ui.shell import exchange_actions
    from annotator.ui.widgets import file_dialogs

    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        target, source = bench_merge.build(folder, args.codings, args.codings)
        print(f"Built two copies with {2 * args.codings:,} codings each")
        settings = QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(target, settings)
        window.show()
        app.processEvents()
        stalls = Stalls()
        marks: dict[str, float] = {}

        def accept_preview(dialog: object) -> None:
            assert isinstance(dialog, MergePreviewDialog)
            marks["preview"], marks["preview stall"] = time.perf_counter(), stalls.longest
            stalls.longest = 0.0
            dialog.accept()
            answer(SummaryDialog, close_summary)

        def close_summary(dialog: object) -> None:
            assert isinstance(dialog, SummaryDialog)
            marks["summary"], marks["apply stall"] = time.perf_counter(), stalls.longest
            dialog.reject()

        file_dialogs.open_files = lambda *_a, **_k: [source]  # type: ignore[assignment]
        answer(MergePreviewDialog, accept_preview)
        start = time.perf_counter()
        stalls.measure(lambda: exchange_actions.ask_merge(window))
        print(
            f"merge: preview shown after {marks['preview'] - start:.2f} s "
            f"(longest GUI stall {marks['preview stall'] * 1000:.0f} ms); "
            f"Merge to summary {marks['summary'] - marks['preview']:.2f} s on the GUI thread"
        )
        wall, _ = stalls.measure(window.undo)
        print(f"undo the merge: {wall:.2f} s on the GUI thread")

        qdpx = folder / "big.qdpx"
        saves = [qdpx, folder / "imported.sqlite"]
        file_dialogs.save_file = lambda *_a, **_k: saves.pop(0)  # type: ignore[assignment]
        file_dialogs.open_file = lambda *_a, **_k: qdpx  # type: ignore[assignment]
        wall, stall = stalls.measure(lambda: exchange_actions.ask_export_qdpx(window))
        size = qdpx.stat().st_size / 1e6
        print(
            f"export .qdpx ({size:.0f} MB): {wall:.2f} s, longest GUI stall {stall * 1000:.0f} ms"
        )
        answer(SummaryDialog, lambda d: d.reject())  # type: ignore[attr-defined]
        wall, stall = stalls.measure(lambda: exchange_actions.ask_import_qdpx(window))
        print(f"import .qdpx: {wall:.2f} s to the summary, longest GUI stall {stall * 1000:.0f} ms")
        window.close()


if __name__ == "__main__":
    main()
