"""Benchmark: the Compare coders window on 3 coders, 200 documents, 60,000 codings.

Builds the project of ``bench_agreement.py`` (bulk writes: ``add_coding_rows``),
opens the Compare coders window offscreen and measures, several times:

* from the request (opening the window, or ``recompute()``) until the table shows
  the figures (``comparisonShown``), wall time;
* how responsive the GUI thread stays meanwhile: a 10 ms ``QTimer`` ticks during
  the computation, and the longest gap between two ticks is what a researcher
  would feel as a stutter (the computation runs on a thread of its own; the GIL
  is shared, so the gaps are not zero);
* for reference, ``app.comparison.compare`` alone, on the GUI thread.

Run from the repository root:

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_compare_window.py [--repeat R]

Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_agreement import build  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.app.comparison import compare  # noqa: E402
from annotator.store import Project  # noqa: E402
from annotator.ui.compare.compare_window import CompareWindow  # noqa: E402
from annotator.ui.widgets.bridge import ProjectEvents  # noqa: E402


class Ticks:
    """A 10 ms timer on the GUI thread; the gaps between its ticks."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))

    def start(self) -> None:
        self.times = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()


def measure(
    request: Callable[[], CompareWindow], ticks: Ticks, shown_at: list[float]
) -> tuple[float, float, float]:
    """Seconds from ``request`` (which starts a comparison and returns its window) until
    the window shows the figures; the longest tick gap (ms) while the comparison ran, and
    the time (ms) the GUI thread then took to fill the table (``shown_at``: when it began)."""
    loop = QEventLoop()
    ticks.start()
    t0 = time.perf_counter()
    window = request()
    # the result arrives through the event loop, so connecting after the request is in time
    window.comparisonShown.connect(loop.quit)
    loop.exec()
    window.repaint()  # the figures painted, not only in the model
    wall = time.perf_counter() - t0
    ticks.stop()
    window.comparisonShown.disconnect(loop.quit)
    began = shown_at[-1]
    computing = [t for t in ticks.times if t <= began] + [began]
    gap = max(b - a for a, b in itertools.pairwise(computing)) * 1000
    return wall, gap, (t0 + wall - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        t0 = time.perf_counter()
        build(path).close()
        print(f"  built in {time.perf_counter() - t0:.1f} s")
        project = Project.open(path)
        events = ProjectEvents(project)
        coders = [c.id for c in project.coders()]
        ticks = Ticks()

        opened: list[CompareWindow] = []
        shown_at: list[float] = []

        def open_window() -> CompareWindow:
            w = CompareWindow(project, events)
            show = w._show_report  # when the GUI thread starts filling the table

            def timed(report: object) -> None:
                shown_at.append(time.perf_counter())
                show(report)  # type: ignore[arg-type]

            w._show_report = timed  # type: ignore[method-assign]
            opened.append(w)
            w.show()
            return w

        first, gap, fill = measure(open_window, ticks, shown_at)
        window = opened[0]
        assert window.report is not None and len(window.report.coder_ids) == 3, window.status.text()
        print(f"{'open the window -> figures painted':<44} {first * 1000:7.1f} ms  (longest "
              f"tick gap while computing {gap:.0f} ms; filling the table {fill:.0f} ms)")  # fmt: skip

        def again() -> CompareWindow:
            window.recompute()
            return window

        walls, gaps, fills = [], [], []
        for _ in range(args.repeat):
            wall, gap, fill = measure(again, ticks, shown_at)
            walls.append(wall)
            gaps.append(gap)
            fills.append(fill)
        print(
            f"{'recompute() -> figures painted':<44} best {min(walls) * 1000:7.1f} ms  median "
            f"{statistics.median(walls) * 1000:7.1f} ms  worst {max(walls) * 1000:7.1f} ms"
        )
        print(
            f"{'  longest 10 ms tick gap while computing':<44} median {statistics.median(gaps):5.0f}"
            f" ms  worst {max(gaps):5.0f} ms"
        )
        print(
            f"{'  GUI thread filling and painting the table':<44} median "
            f"{statistics.median(fills):5.0f} ms  worst {max(fills):5.0f} ms"
        )
        plain = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            compare(project, coders)
            plain.append(time.perf_counter() - t)
        print(f"{'compare() alone, on this thread':<44} best {min(plain) * 1000:7.1f} ms")
        overall = window.report.overall
        m = window.model
        last = m.rowCount() - 1
        shown = {m.headerData(c, Qt.Orientation.Horizontal).replace("\n", " "): m.index(last, c).data()  # type: ignore[union-attr]
                 for c in range(1, m.columnCount())}  # fmt: skip
        print(f"  {m.rowCount() - 1} codes; Overall row: {shown}")
        print(f"  (alpha {overall.characters.krippendorff_alpha.value:.4f})")
        window.close()
        events.detach()
        project.close()
    del app


if __name__ == "__main__":
    main()
