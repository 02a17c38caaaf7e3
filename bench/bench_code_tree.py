"""Benchmark: the codebook tree on a large codebook (prints figures; not a test).

A project with 1,000 codes in three levels (10 x 9 x 10) and 50,000 codings
by two coders over 20 documents. Measured: building ``CodeTreeModel``; its
``apply_changes`` for one new coding (only that code's counts are recounted:
the median over 50 and the number of ``dataChanged`` signals); a rename, a
re-parenting move and a subtree delete with its undo; the coder-filter switch;
and one coding applied end to end through the panel (store, undo stack,
model, filter proxy).

Run: ``.venv/bin/python bench/bench_code_tree.py``
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from annotator.core.changes import RowChange
from annotator.core.models import Code, Coding
from annotator.store import Project
from annotator.ui.codebook.code_tree import CodeTreePanel
from annotator.ui.codebook.code_tree_model import CodeTreeModel
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

N_TOP, N_MID, N_LEAF = 10, 9, 10  # 10 + 90 + 900 = 1,000 codes
N_CODINGS = 50_000
N_DOCS = 20


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def seed(project: Project) -> tuple[list[str], list[str], list[str]]:
    """Codes written as one replayed ChangeSet (adding 1,000 codes one by one re-reads
    the codebook each time, which is not what is measured here)."""
    rows: list[RowChange] = []
    levels: list[list[str]] = [[], [], []]

    def code(name: str, parent: str | None, order: int, level: int) -> str:
        c = Code(
            name=name, parent_id=parent, sort_order=order, color=f"#{random.randrange(1 << 24):06X}"
        )
        rows.append(RowChange("codes", (c.id,), None, c.model_dump()))
        levels[level].append(c.id)
        return c.id

    for t in range(N_TOP):
        top = code(f"Theme {t}", None, t, 0)
        for m in range(N_MID):
            mid = code(f"Category {t}.{m}", top, m, 1)
            for leaf in range(N_LEAF):
                code(f"Code {t}.{m}.{leaf}", mid, leaf, 2)
    with project.action("Seed codebook"):  # one action, row by row, as an import writes them
        for rc in rows:
            assert rc.after is not None
            project._insert(rc.table, rc.after)
    return levels[0], levels[1], levels[2]


def main() -> None:
    random.seed(1)
    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="bench_code_tree_"))
    project = Project.create(folder / "bench.sqlite")
    coders = [project.add_coder("Ann").id, project.add_coder("Ben").id]
    docs = [
        project.add_document(f"Doc {i}", f"Document {i}. " + "lorem ipsum dolor " * 3000).id
        for i in range(N_DOCS)
    ]
    length = project.document_length(docs[0])
    t = time.perf_counter()
    tops, mids, leaves = seed(project)
    all_codes = tops + mids + leaves
    codings = []
    for _ in range(N_CODINGS):
        start = random.randrange(length - 200)
        codings.append(
            Coding(
                document_id=random.choice(docs),
                code_id=random.choice(all_codes),
                coder_id=random.choice(coders),
                start=start,
                end=start + random.randint(5, 200),
            )
        )
    project.add_codings(codings)
    print(
        f"Project: {len(all_codes)} codes (3 levels), {N_CODINGS} codings, {N_DOCS} documents "
        f"(built in {time.perf_counter() - t:.1f} s)\n"
    )

    builds = [timed(lambda: CodeTreeModel(project)) for _ in range(5)]
    print(f"Build CodeTreeModel (codes + counts), median of 5:   {ms(statistics.median(builds))}")

    model = CodeTreeModel(project)
    signals = {"dataChanged": 0, "reset": 0, "structure": 0}
    model.dataChanged.connect(
        lambda *a: signals.__setitem__("dataChanged", signals["dataChanged"] + 1)
    )
    model.modelReset.connect(lambda: signals.__setitem__("reset", signals["reset"] + 1))
    for sig in (model.rowsInserted, model.rowsRemoved, model.rowsMoved):
        sig.connect(lambda *a: signals.__setitem__("structure", signals["structure"] + 1))

    times = []
    for _ in range(50):
        start = random.randrange(length - 50)
        project.add_coding(random.choice(docs), random.choice(leaves), coders[0], start, start + 30)
        cs = project.last_changes
        times.append(timed(partial(model.apply_changes, cs)))
    print(
        f"apply_changes, one new coding, median of 50:         {ms(statistics.median(times))}"
        f"   (max {ms(max(times)).strip()})"
    )
    print(
        f"  dataChanged signals over those 50 calls: {signals['dataChanged']} "
        f"(one per call), resets: {signals['reset']}, row inserts/removes/moves: {signals['structure']}"
    )

    def one(label: str, action: Callable[[], object]) -> None:
        before = dict(signals)
        action()
        cs = project.last_changes
        took = timed(lambda: model.apply_changes(cs))
        diff = {k: signals[k] - before[k] for k in signals}
        print(
            f"apply_changes, {label:<38} {ms(took)}   (dataChanged {diff['dataChanged']}, "
            f"row ops {diff['structure']}, resets {diff['reset']})"
        )

    one("rename a code:", lambda: project.update_code(leaves[5], name="Renamed code"))
    one("move a code to another parent:", lambda: project.move_code(leaves[7], mids[3], 0))
    one("delete a category (10 sub-codes):", lambda: project.delete_code(mids[0], "delete"))
    one("undo that delete:", project.undo)

    took = timed(lambda: model.set_coder_filter({coders[1]}))
    print(f"set_coder_filter (recount 1,000 codes for one coder): {ms(took)}")

    events = ProjectEvents(project)
    stack = UndoHistory(project)
    state = WorkbenchState()
    state.set_active_coder(coders[0])
    actions = CodingActions(project, stack, state)
    t = time.perf_counter()
    panel = CodeTreePanel(project, events, stack, state, actions)
    panel.resize(360, 700)
    panel.show()
    app.processEvents()
    print(f"CodeTreePanel construction and first show:            {ms(time.perf_counter() - t)}")
    resets = []
    panel.model.modelReset.connect(lambda: resets.append(1))
    end_to_end = []
    for _ in range(20):
        start = random.randrange(length - 50)
        end_to_end.append(
            timed(partial(actions.apply, random.choice(leaves), docs[0], start, start + 20))
        )
    print(
        f"actions.apply end to end (store+undo+model+proxy), median of 20: "
        f"{ms(statistics.median(end_to_end))}  (model resets: {len(resets)})"
    )
    t = time.perf_counter()
    panel.filter.setText("7.3")
    app.processEvents()
    print(f"Typing a filter ('7.3', ancestors kept, expanded):    {ms(time.perf_counter() - t)}")
    events.detach()
    project.close()


if __name__ == "__main__":
    main()
