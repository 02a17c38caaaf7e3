"""The undo history kept in the project file: what it costs in memory, time and disk.

Prints:
(a) the memory the window's undo history holds after importing the five seed texts
    and a 1 MB text (the history lives in the file; the window keeps no rows);
(b) undo and redo of one coding in a 1 MB document with 20,000 codings, through the
    window's Undo/Redo (median of 30, the store's replay plus the view's update);
(c) how the file grows with the history: 10,000 single-coding actions with the
    default limit (older steps pruned to their audit line) and with no pruning;
(d) what recording the history adds to one action (median ms per coding action).

    .venv/bin/python bench/bench_history.py
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.store import Project  # noqa: E402


def _history_bytes(project: Project) -> tuple[int, int]:
    """(bytes of the history table's rows, number of entries)."""
    row = project.conn.execute(
        "SELECT coalesce(sum(length(rows)), 0) + coalesce(sum(length(label) + length(summary) + length(actor) + 40), 0),"
        " count(*) FROM history"
    ).fetchone()
    return int(row[0]), int(row[1])


def bench_import_memory(tmp: Path) -> None:
    from annotator.ui.shell.file_actions import import_paths
    from annotator.ui.shell.main_window import MainWindow

    big = tmp / "big.txt"
    words = (ROOT / "seeds" / "000_09fbba7bb405641d.txt").read_text(encoding="utf-8").split()
    rng = random.Random(3)
    big.write_text(
        " ".join(rng.choice(words) for _ in range(170_000))[:1_000_000], encoding="utf-8"
    )
    path = tmp / "import.sqlite"
    Project.create(path).close()
    window = MainWindow(path, QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    import_paths(window, [*sorted((ROOT / "seeds").glob("*.txt")), big])
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    held = sum(
        s.size_diff
        for s in after.compare_to(before, "filename")
        if "commands.py" in str(s.traceback) or "changes.py" in str(s.traceback)
    )
    size, entries = _history_bytes(window.project)
    print(
        f"(a) import 5 seeds + a 1 MB text: the window's undo history holds {held / 1e3:.1f} kB in memory; "
        f"the history in the file: {entries} entries, {size / 1e3:.1f} kB (texts referenced, not copied); "
        f"undo names '{window.stack.undoText()}'"
    )
    window.close()


def bench_undo_redo(tmp: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_document_view import build, make_text  # type: ignore[import-not-found]

    from annotator.ui.shell.main_window import MainWindow

    rng = random.Random(11)
    text = make_text(rng)
    project, doc, coders, codes = build(tmp, "undo", 20_000, rng, text)
    doc_id, coder_id, code_ids = doc.id, coders[0].id, [c.id for c in codes]
    path = project.path
    project.close()
    window = MainWindow(path, QSettings(str(tmp / "u.ini"), QSettings.Format.IniFormat))
    window.resize(1000, 800)
    window.show()
    window.state.set_active_coder(coder_id)
    window.state.set_current_document(doc_id)
    app = QApplication.instance()
    assert app is not None
    app.processEvents()
    undo_ms: list[float] = []
    redo_ms: list[float] = []
    for i in range(30):
        start = rng.randrange(0, len(text) - 200)
        window.coding_actions.apply(code_ids[i % len(code_ids)], doc_id, start, start + 80)
        app.processEvents()
        t0 = time.perf_counter()
        window.undo()
        window.document_view.text_edit.viewport().repaint()
        undo_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        window.redo()
        window.document_view.text_edit.viewport().repaint()
        redo_ms.append((time.perf_counter() - t0) * 1000)
    print(
        f"(b) 1 MB / 20,000 codings, through the window: undo median {statistics.median(undo_ms):.1f} ms "
        f"(slowest {max(undo_ms):.1f}), redo median {statistics.median(redo_ms):.1f} ms "
        f"(slowest {max(redo_ms):.1f}), each with the repaint"
    )
    window.close()


def bench_growth(tmp: Path) -> None:
    for limit, label in ((None, "default limit"), (10**9, "no pruning")):
        path = tmp / f"growth-{label.replace(' ', '-')}.sqlite"
        with Project.create(path) as p:
            if limit is not None:
                p.set_history_limit(limit)
            coder = p.add_coder("Ann")
            code = p.add_code("Capacity building")
            doc = p.add_document("Speech", "We build capacity together with our partners. " * 2000)
            t0 = time.perf_counter()
            for i in range(10_000):
                start = (i * 7) % 90_000
                p.add_coding(doc.id, code.id, coder.id, start, start + 20 + i % 5)
            elapsed = time.perf_counter() - t0
            size, entries = _history_bytes(p)
            kept = p.history_limit
            p.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(
            f"(c) 10,000 codings, {label} (rows kept for {kept:,} steps): history "
            f"{size / 1e6:.2f} MB in {entries} entries; file {path.stat().st_size / 1e6:.2f} MB; "
            f"{elapsed / 10_000 * 1000:.2f} ms per action"
        )


def bench_action_cost(tmp: Path) -> None:
    with Project.create(tmp / "cost.sqlite") as p:
        coder = p.add_coder("Ann")
        code = p.add_code("Capacity building")
        doc = p.add_document("Speech", "We build capacity together with our partners. " * 2000)
        times: list[float] = []
        for i in range(2000):
            start = (i * 13) % 90_000
            t0 = time.perf_counter()
            p.add_coding(doc.id, code.id, coder.id, start, start + 30)
            times.append(time.perf_counter() - t0)
        # The Python side of recording one step: its rows as JSON and its audit line.
        from annotator.store.history import encode, summarise

        one = p.last_changes
        recording: list[float] = []
        for _ in range(2000):
            t0 = time.perf_counter()
            encode(one)
            summarise(one)
            recording.append(time.perf_counter() - t0)
        print(
            f"(d) one coding action: median {statistics.median(times) * 1000:.2f} ms in all "
            f"(synchronous=FULL); recording its history line: median {statistics.median(recording) * 1000:.3f} ms"
        )


def main() -> None:
    QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        bench_import_memory(tmp)
        bench_undo_redo(tmp)
        bench_growth(tmp)
        bench_action_cost(tmp)


if __name__ == "__main__":
    main()
