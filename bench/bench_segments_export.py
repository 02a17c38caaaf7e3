"""Benchmark: export 100,000 codings to a coded-segments CSV (budget: under 1 s).

Builds a throw-away project from the seed texts (``seeds/*.txt``) with three
coders, a two-level codebook of 60 codes and 100,000 codings of random spans
(added with ``Project.add_codings`` in one action), then times
``export_segments`` several times and prints the best and median wall-clock
and CPU times. Run from the repository root:

    .venv/bin/python bench/bench_segments_export.py [--codings N] [--repeat R]

Timings are printed, never asserted: the machine may be busy (CPU time is
less disturbed by other processes than wall-clock time).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from annotator.core.models import Coding  # noqa: E402
from annotator.io.tables.segments_csv import export_segments  # noqa: E402
from annotator.store import Project  # noqa: E402


def build(path: Path, n_codings: int, seed: int = 1) -> Project:
    project = Project.create(path)
    texts = sorted((REPO / "seeds").glob("*.txt"))
    if not texts:
        raise SystemExit(f"No seed texts in {REPO / 'seeds'}.")
    docs = [
        project.add_document(t.stem, t.read_text(encoding="utf-8"), source_name=t.name)
        for t in texts
    ]
    coders = [project.add_coder(name) for name in ("Ann", "Ben", "Chen")]
    codes = []
    for i in range(10):
        theme = project.add_code(f"Theme {i}, with a comma")
        codes.append(theme)
        codes.extend(project.add_code(f"Sub-code {j}", theme.id) for j in range(5))
    rng = random.Random(seed)
    lengths = {d.id: len(d.text) for d in docs}

    def codings() -> list[Coding]:
        out = []
        for k in range(n_codings):
            doc = rng.choice(docs)
            start = rng.randrange(lengths[doc.id] - 1)
            end = min(lengths[doc.id], start + rng.randint(1, 400))
            memo = f"memo {k}" if k % 10 == 0 else ""
            out.append(
                Coding(
                    document_id=doc.id,
                    code_id=rng.choice(codes).id,
                    coder_id=rng.choice(coders).id,
                    start=start,
                    end=end,
                    memo=memo,
                )
            )
        return out

    project.add_codings(codings(), label="Bench codings")
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        project = build(Path(tmp) / "bench.sqlite", args.codings)
        print(
            f"setup: {args.codings:,} codings in {len(project.documents())} documents, "
            f"{time.perf_counter() - t0:.1f} s"
        )
        path = Path(tmp) / "segments.csv"
        walls, cpus = [], []
        for _ in range(args.repeat):
            w, c = time.perf_counter(), time.process_time()
            rows = export_segments(project, path)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        bulk = (
            "Project.coding_rows"
            if hasattr(project, "coding_rows")
            else "Project.codings (no bulk reader)"
        )
        print(
            f"export_segments: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, reading via {bulk}"
        )
        print(f"  wall: best {min(walls):.3f} s, median {statistics.median(walls):.3f} s")
        print(f"  cpu:  best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s")
        print(f"  budget 1 s: {'met' if min(walls) < 1.0 else 'NOT met'}")
        project.close()


if __name__ == "__main__":
    main()
