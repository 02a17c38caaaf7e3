"""Benchmark: the document view on a 1 MB text with 20,000 codings.

Run with ``.venv/bin/python bench/bench_document_view.py`` (offscreen). Prints:
(a) open: ``show_document`` until highlights and margin are painted (target < 300 ms);
(b) applying one code through ``CodingActions.apply`` plus the view's update,
    median of 50 (target < 5 ms), with 20,000 and with 2,000 codings, and with
    20,000 codings of which the screen shows as few as with 2,000: the cost follows
    the codings on screen, not the number in the document;
(c) scrolling from top to bottom a page at a time, each frame being the scroll
    and a full repaint of text and margin: median and slowest frame.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from annotator.core.models import Coding
from annotator.store import Project
from annotator.ui.document.document_view import DocumentView
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

SIZE = 1_000_000
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
FALLBACK = (
    "China will actively participate in global governance of AI. We must build capacity in "
    "developing countries. The US and China are locked in a technological rivalry. "
    "Standards bodies shape the norms that markets later follow."
)
EMOJI = ["🤖", "🌍", "💪", "🇺🇸", "🇨🇳", "📈"]


def sentences() -> list[str]:
    """Real sentences from the bundled corpus (or a few stock ones without it)."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))) or FALLBACK
    out = [s.strip() + "." for s in " ".join(text.split()).split(". ") if 30 < len(s) < 400]
    return out or [FALLBACK]


def make_text(rng: random.Random) -> str:
    pool = sentences()
    paragraphs: list[str] = []
    size = 0
    while size < SIZE:
        sentence_list = []
        for _ in range(rng.randint(3, 8)):
            s = rng.choice(pool)
            if rng.random() < 0.08:
                s = f"{s} {rng.choice(EMOJI)}"
            sentence_list.append(s)
        paragraph = " ".join(sentence_list)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:SIZE]


def build(root: Path, name: str, codings: int, rng: random.Random, text: str, sparse_top: int = 0):
    """A project with ``codings`` random codings; with ``sparse_top``, the first 100 KB
    (where the view opens) holds only that many and the rest lie further down."""
    project = Project.create(root / f"{name}.sqlite")
    coders = [project.add_coder(n) for n in ("Ann", "Ben", "Chen")]
    codes = [project.add_code(f"Code {i:02d}") for i in range(20)]
    doc = project.add_document("Bench", text)
    batch = []
    for i in range(codings):
        top = sparse_top and i < sparse_top
        start = (
            rng.randrange(0, 100_000)
            if top
            else rng.randrange(100_000 if sparse_top else 0, len(text) - 1)
        )
        end = min(len(text), start + int(rng.lognormvariate(4.5, 0.8)) + 1)
        batch.append(
            Coding(
                document_id=doc.id,
                code_id=rng.choice(codes).id,
                coder_id=rng.choice(coders).id,
                start=start,
                end=end,
            )
        )
    project.add_codings(batch)
    return project, doc, coders, codes


def make_view(project: Project, coder_id: str):
    events = ProjectEvents(project)
    stack = UndoHistory(project)
    state = WorkbenchState()
    state.set_active_coder(coder_id)
    actions = CodingActions(project, stack, state)
    view = DocumentView(project, events, state, actions)
    view.resize(1000, 800)
    view.show()
    QApplication.processEvents()
    return view, actions, state


def paint(view: DocumentView) -> None:
    view.text_edit.viewport().repaint()
    view.margin.repaint()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench_open(project: Project, doc_id: str, coder_id: str, label: str) -> float:
    view, _actions, _state = make_view(project, coder_id)
    start = time.perf_counter()
    view.show_document(doc_id)
    paint(view)
    elapsed = time.perf_counter() - start
    print(
        f"(a) open, {label}: {ms(elapsed)} (target < 300 ms); {len(view.pieces)} highlight pieces, "
        f"{len(view.brackets())} brackets in view, {view.margin.lanes} margin lanes"
    )
    view.close()
    return elapsed


def bench_apply(
    project: Project,
    doc_id: str,
    coder_id: str,
    code_ids: list[str],
    text: str,
    label: str,
    rng: random.Random,
) -> None:
    view, actions, _state = make_view(project, coder_id)
    view.show_document(doc_id)
    paint(view)
    lo, hi = view.visible_range()
    update, with_paint = [], []
    for i in range(50):
        start = rng.randrange(lo, hi - 40)
        t0 = time.perf_counter()
        actions.apply(code_ids[i % len(code_ids)], doc_id, start, start + rng.randint(5, 40))
        t1 = time.perf_counter()
        paint(view)
        t2 = time.perf_counter()
        update.append(t1 - t0)
        with_paint.append(t2 - t0)
    print(
        f"(b) apply one code, {label}: median {ms(statistics.median(update))} "
        f"(max {ms(max(update))}; target < 5 ms); with the repaint: median "
        f"{ms(statistics.median(with_paint))}; on screen {len(view.pieces)} pieces, "
        f"{len(view.brackets())} brackets"
    )
    view.close()


def bench_scroll(project: Project, doc_id: str, coder_id: str) -> None:
    view, _actions, _state = make_view(project, coder_id)
    view.show_document(doc_id)
    paint(view)
    bar = view.text_edit.verticalScrollBar()
    frames = []
    while bar.value() < bar.maximum():
        t0 = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        paint(view)
        frames.append(time.perf_counter() - t0)
    print(
        f"(c) scroll top to bottom: {len(frames)} pages, median frame {ms(statistics.median(frames))}, "
        f"slowest {ms(max(frames))} (scroll + repaint of text and margin)"
    )
    # A mouse wheel moves three lines a step: only the uncovered lines are built.
    bar.setValue(0)
    paint(view)
    wheel = []
    for _ in range(300):
        t0 = time.perf_counter()
        bar.setValue(bar.value() + 3 * bar.singleStep())
        paint(view)
        wheel.append(time.perf_counter() - t0)
    print(
        f"(d) wheel scroll, 300 steps of 3 lines: median frame {ms(statistics.median(wheel))}, "
        f"slowest {ms(max(wheel))}"
    )
    view.close()


def main() -> None:
    app = QApplication.instance() or QApplication([])
    rng = random.Random(11)
    text = make_text(rng)
    print(
        f"document: {len(text.encode()) / 1e6:.2f} MB UTF-8, {len(text):,} code points, "
        f"{sum(1 for c in text if ord(c) > 0xFFFF)} astral characters (emoji)"
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        big, doc, coders, codes = build(root, "big", 20_000, rng, text)
        small, sdoc, scoders, scodes = build(root, "small", 2_000, rng, text)
        # 20,000 codings, but the screen as sparse as with 2,000: isolates the total count.
        mixed, mdoc, mcoders, mcodes = build(root, "mixed", 20_000, rng, text, sparse_top=200)
        bench_open(big, doc.id, coders[0].id, "20,000 codings")
        bench_open(small, sdoc.id, scoders[0].id, " 2,000 codings")
        bench_apply(big, doc.id, coders[0].id, [c.id for c in codes], text, "20,000 codings", rng)
        bench_apply(
            small, sdoc.id, scoders[0].id, [c.id for c in scodes], text, " 2,000 codings", rng
        )
        bench_apply(
            mixed,
            mdoc.id,
            mcoders[0].id,
            [c.id for c in mcodes],
            text,
            "20,000 codings, screen as sparse as with 2,000",
            rng,
        )
        bench_scroll(big, doc.id, coders[0].id)
        for project in (big, small, mixed):
            project.close()
    del app


if __name__ == "__main__":
    main()
