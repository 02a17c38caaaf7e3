"""Benchmark: compare mode's F9 (next disagreement) and settling one, on the big project.

Builds the project of ``bench_agreement.py`` (3 coders, 200 documents, 60,000
codings), shows a ``DocumentView`` (offscreen, 1000x800), enters compare mode for
two coders and times:

* entering compare mode (every disagreement of the two coders computed once);
* F9: ``next_disagreement`` (switching document when the next one is in another)
  plus ``viewport().repaint()`` of the text and the margin and
  ``QApplication.processEvents()``, over 100 steps: median and worst;
* Shift+F9 the same way, 100 steps back;
* F9 from a document's end, into the next document (20 times);
* settling: at a disagreement, the coder who did not code a stretch codes it
  (``CodingActions.apply``, one store action) and the view follows the ChangeSet
  and repaints; once in each of 30 documents: median and worst.

Target (issue 9): under 50 ms each, including the repaint. Timings are printed,
never asserted; the CPU time beside each (this process's) is less disturbed by
other programs on a busy machine. Run from the repository root:

    .venv/bin/python bench/bench_disagreement_step.py [--steps N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from bench_agreement import CODERS, build  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.ui.document.document_view import DocumentView  # noqa: E402
from annotator.ui.widgets.bridge import ProjectEvents  # noqa: E402
from annotator.ui.widgets.coding_actions import CodingActions  # noqa: E402
from annotator.ui.widgets.commands import UndoHistory  # noqa: E402
from annotator.ui.widgets.state import WorkbenchState  # noqa: E402


def frame(view: DocumentView, action: Callable[[], object]) -> tuple[float, float]:
    """Milliseconds (wall clock, and this process's CPU) for ``action`` and the repaint
    it causes, text and margin."""
    t0, c0 = time.perf_counter(), time.process_time()
    action()
    view.text_edit.viewport().repaint()
    view.margin.repaint()
    QApplication.processEvents()
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000


def report(label: str, times: list[tuple[float, float]]) -> None:
    wall, cpu = [w for w, _ in times], [c for _, c in times]
    print(
        f"{label:<44} median {statistics.median(wall):6.1f} ms   worst {max(wall):6.1f} ms"
        f"   (cpu median {statistics.median(cpu):5.1f}, worst {max(cpu):5.1f}; {len(times)} times)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--settle", type=int, default=30)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        project = build(Path(tmp) / "bench.sqlite")
        a, b = (project.find_coder(name).id for name in CODERS[:2])
        state = WorkbenchState()
        actions = CodingActions(project, UndoHistory(project), state)
        view = DocumentView(project, ProjectEvents(project), state, actions)
        view.resize(1000, 800)
        view.show()
        view.show_document(project.documents()[0].id)
        app.processEvents()
        t0 = time.perf_counter()
        view.set_compare(a, b)
        app.processEvents()
        found = view.compare.found
        assert found is not None
        print(
            f"Compare mode entered in {(time.perf_counter() - t0) * 1000:.0f} ms: "
            f"{len(found):,} disagreements of {CODERS[0]} and {CODERS[1]}"
        )
        forward = [frame(view, view.next_disagreement) for _ in range(args.steps)]
        report("F9 (step + repaint)", forward)
        # Far enough on to cross documents while stepping: start in the middle.
        view.show_document(project.documents()[100].id)
        view.next_disagreement()
        back = [frame(view, view.previous_disagreement) for _ in range(args.steps)]
        report("Shift+F9 (step + repaint)", back)
        # F9 at a document's last disagreement: the next one is in the next document.
        across = []
        for doc in project.documents()[10:30]:
            view.show_document(doc.id)
            end = len(project.document_text(doc.id))
            view.select_span(end, end)
            across.append(frame(view, view.next_disagreement))
        report("F9 into the next document (+ repaint)", across)

        state.set_active_coder(b)
        settle: list[tuple[float, float]] = []
        step: list[tuple[float, float]] = []
        # One settling in each of the first documents: the cost of painting differs
        # from one text to another (how long its paragraphs are, how densely coded).
        for doc in project.documents()[: args.settle]:
            view.show_document(doc.id)
            view.select_span(0, 0)
            for _ in range(20):
                step.append(frame(view, view.next_disagreement))
                current = view.compare.current
                region = found.at(current) if current is not None else None
                if region is None or region.document_id != doc.id:
                    break
                missing = [(s, e) for s, e, coder in region.stretches() if coder == a]
                if missing:

                    def settle_one(
                        code: str = region.code_id, doc_id: str = doc.id, span=missing[0]
                    ) -> None:
                        actions.apply(code, doc_id, *span)

                    settle.append(frame(view, settle_one))
                    break
        report("settling: code the missing stretch + repaint", settle)
        report("F9 between the settlings", step)
        view.close()
        project.close()


if __name__ == "__main__":
    main()
