"""Benchmark: settling disagreements in the window on a large project (prints figures).

A project of 200 documents (about 40,000 characters each), 30 codes and 60,000
codings by two coders, 300 in each document (their passages overlap, so there are
tens of thousands of disagreements). In a window, the disagreement list is opened on the two coders:
measured are finding the rows (the background read, until they are listed) and
one settlement end to end, as a researcher makes it with Ctrl+1: the store's
step (consensus codings, the settled record, the history line), every view's
update (text, margin, counts, segments, the list), moving on to the next
unsettled row (shown in the text) and the repaint. Median and worst of 40
settlements, then of 40 undos through Edit -> Undo. Target: under 50 ms each.

Run: ``.venv/bin/python bench/bench_settle.py [--codings N]``
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from annotator.core.models import Coding
from annotator.store import Project

DOCUMENTS, CODES = 200, 30
WORDS = [
    "global",
    "governance",
    "of",
    "emerging",
    "technologies",
    "needs",
    "rules",
    "capacity",
    "and",
    "trust",
]


def build(path: Path, codings: int) -> None:
    rng = random.Random(7)
    project = Project.create(path)
    try:
        ann, ben = project.add_coder("Ann"), project.add_coder("Ben")
        codes = [project.add_code(f"Code {i:02d}").id for i in range(CODES)]
        docs = []
        for i in range(DOCUMENTS):
            text = " ".join(rng.choice(WORDS) for _ in range(5_500))
            docs.append((project.add_document(f"Text {i:02d}", text, source_name=f"{i}.txt"), text))
        rows = []
        for n in range(codings):
            doc, text = docs[n % DOCUMENTS]
            start = rng.randrange(0, len(text) - 400)
            end = start + rng.randrange(20, 400)
            coder = ann if n % 2 == 0 else ben
            rows.append(
                Coding(
                    document_id=doc.id,
                    code_id=rng.choice(codes),
                    coder_id=coder.id,
                    start=start,
                    end=end,
                )
            )
        project.add_codings(rows)
    finally:
        project.close()


def run(codings: int) -> None:
    from annotator.ui.shell.main_window import MainWindow
    from annotator.ui.shell.menus import open_disagreements

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.sqlite"
        t = time.perf_counter()
        build(path, codings)
        print(f"built {codings:,} codings in {time.perf_counter() - t:.1f} s")
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(path, settings)
        window.state.set_active_coder(window.project.coders()[0].id)
        window.resize(1300, 850)
        window.show()
        app.processEvents()

        t = time.perf_counter()
        dl = open_disagreements(window)
        assert dl is not None
        while dl.listing is None:
            app.processEvents()
            time.sleep(0.002)
        app.processEvents()
        found = time.perf_counter() - t
        print(f"disagreements found and listed: {dl.model.rowCount():,} in {found * 1000:.0f} ms")

        parts: dict[str, list[float]] = {"step": [], "paint": []}

        def one(step: object) -> float:
            """One gesture until the window is painted again: the step with every view's
            update, then the events it queued (the repaint of the text, margin, lists)."""
            t0 = time.perf_counter()
            step()  # type: ignore[operator]
            t1 = time.perf_counter()
            app.processEvents()
            t2 = time.perf_counter()
            parts["step"].append((t1 - t0) * 1000)
            parts["paint"].append((t2 - t1) * 1000)
            return (t2 - t0) * 1000

        dl.select_row(dl.model.rowCount() // 3)
        app.processEvents()
        for label, step in (
            ("settle one and move on", lambda: dl.decide("accept_a")),
            ("undo one (Edit -> Undo)", window.menu_actions["actionUndo"].trigger),
        ):
            parts["step"].clear()
            parts["paint"].clear()
            times = [one(step) for _ in range(40)]
            print(
                f"{label}: median {statistics.median(times):.1f} ms, "
                f"worst {max(times):.1f} ms (target < 50 ms); of which the step and the "
                f"views' updates {statistics.median(parts['step']):.1f} ms, "
                f"the repaint {statistics.median(parts['paint']):.1f} ms (medians)"
            )
        print(f"counter after the undos: {dl.counter.text()}")
        dl.close()
        window.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=60_000)
    args = parser.parse_args()
    run(args.codings)


if __name__ == "__main__":
    main()
