"""Benchmark: import a coded-segments CSV of 1,000 and 100,000 codings (budget: under 2 s).

Builds a project with 200 documents (made of sentences from ``seeds/*.txt``,
about 30,000 characters each), three coders and a two-level codebook of 60
codes, and a source copy of it holding 100,000 codings of random spans, which
are exported to segments CSVs (all of them, and the first 1,000). Each import
runs into a fresh copy of the project without codings; the re-import imports
the same file again into the project that now holds it (every row skipped).
Prints the best and median wall-clock and CPU times, and the peak of Python
allocations during one import (``tracemalloc``, measured in a separate run, as
tracing slows the import down) and the process's peak resident size; and, for
each file, the same figures for ``read_csv_records`` alone (the CSV reader's share). Run from
the repository root:

    .venv/bin/python bench/bench_segments_import.py [--codings N] [--repeat R] [--profile N]

``--profile N`` then imports the large file once more under ``cProfile`` and prints the N
functions that took the most time of their own (where the import's time goes).

Timings are printed, never asserted: the machine may be busy (CPU time is
less disturbed by other processes than wall-clock time).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import pstats
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from seed_text import sentences  # noqa: E402

from annotator.core.models import Coding  # noqa: E402
from annotator.io.tables.csv_files import read_csv_records  # noqa: E402
from annotator.io.tables.segments_csv import (  # noqa: E402
    _CELLS,
    COLUMNS,
    REQUIRED,
    export_segments,
    import_segments,
)
from annotator.store import Project  # noqa: E402

DOCUMENTS = 200
DOCUMENT_SIZE = 30_000
BUDGET = 2.0


def build_base(path: Path, seed: int = 1) -> None:
    """200 documents, 3 coders, 60 codes, no codings."""
    rng = random.Random(seed)
    pool = sentences()
    with Project.create(path) as project:
        for i in range(DOCUMENTS):
            parts: list[str] = [f"Document {i}"]
            size = 0
            while size < DOCUMENT_SIZE:
                paragraph = " ".join(rng.choice(pool) for _ in range(rng.randint(3, 8)))
                parts.append(paragraph)
                size += len(paragraph) + 2
            project.add_document(
                f"Document {i:03d}", "\n\n".join(parts), source_name=f"doc_{i:03d}.txt"
            )
        for name in ("Ann", "Ben", "Chen"):
            project.add_coder(name)
        for i in range(10):
            theme = project.add_code(f"Theme {i}, with a comma")
            for j in range(5):
                project.add_code(f"Sub-code {j}", theme.id)


def copy(base: Path, target: Path) -> Path:
    src, dst = sqlite3.connect(base), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target


def add_random_codings(project: Project, n: int, seed: int = 2) -> None:
    rng = random.Random(seed)
    docs = [(d.id, d.length) for d in project.documents()]
    codes = [c.id for c in project.codes()]
    coders = [c.id for c in project.coders()]
    batch = []
    for k in range(n):
        doc_id, length = rng.choice(docs)
        start = rng.randrange(length - 1)
        end = min(length, start + rng.randint(1, 400))
        batch.append(
            Coding(
                document_id=doc_id,
                code_id=rng.choice(codes),
                coder_id=rng.choice(coders),
                start=start,
                end=end,
                memo=f"memo {k}" if k % 10 == 0 else "",
            )
        )
    project.add_codings(batch, label="Bench codings")


def head(source: Path, target: Path, rows: int) -> Path:
    """The header and the first ``rows`` rows of a CSV (a quoted text may span lines)."""
    with (
        source.open(encoding="utf-8-sig", newline="") as fh,
        target.open("w", encoding="utf-8-sig", newline="") as out,
    ):
        writer = csv.writer(out)
        for i, row in enumerate(csv.reader(fh)):
            if i > rows:
                break
            writer.writerow(row)
    return target


def timed(
    make: Callable[[], Project], csv_path: Path, repeat: int
) -> tuple[list[float], list[float], str]:
    walls, cpus, report = [], [], ""
    for _ in range(repeat):
        project = make()
        w, c = time.perf_counter(), time.process_time()
        report = str(import_segments(project, csv_path))
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
        project.close()
    return walls, cpus, report


def peak(make: Callable[[], Project], csv_path: Path) -> float:
    project = make()
    tracemalloc.start()
    import_segments(project, csv_path)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    project.close()
    return top / 1e6


def reading(csv_path: Path, repeat: int) -> tuple[float, float]:
    """CPU time (best) and peak allocations of ``read_csv_records`` (what the import reads
    the file with) alone: the part of an import
    that is the CSV reader's, not the segment checks' or the store's."""
    cpus = []
    for _ in range(repeat):
        c = time.process_time()
        read_csv_records(csv_path, _CELLS, known=COLUMNS, required=REQUIRED)
        cpus.append(time.process_time() - c)
    tracemalloc.start()
    read_csv_records(csv_path, _CELLS, known=COLUMNS, required=REQUIRED)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(cpus), top / 1e6


def profile(make: Callable[[], Project], csv_path: Path, top: int) -> None:
    """One import under ``cProfile`` (slower than without): the ``top`` functions by own time."""
    project = make()
    profiler = cProfile.Profile()
    profiler.runcall(import_segments, project, csv_path)
    project.close()
    print(f"profile of one import ({top} functions with the most time of their own):")
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("tottime")
    stats.print_stats(top)
    stats.print_callers("execute' of")


def show(
    label: str,
    walls: list[float],
    cpus: list[float],
    report: str,
    memory: float,
    read: tuple[float, float],
) -> None:
    print(f"{label}: {report}")
    print(
        f"  wall: best {min(walls):.3f} s, median {statistics.median(walls):.3f} s "
        f"(budget {BUDGET:.0f} s: {'met' if min(walls) < BUDGET else 'NOT met'})"
    )
    print(
        f"  cpu:  best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s "
        f"(of which reading the CSV alone: {read[0]:.3f} s)"
    )
    print(
        f"  peak Python allocations (tracemalloc): {memory:.1f} MB (reading alone: {read[1]:.1f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="then profile one import of the large file, printing N functions",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        base = root / "base.sqlite"
        build_base(base)
        with Project.open(copy(base, root / "source.sqlite")) as source:
            add_random_codings(source, args.codings)
            big = root / "segments.csv"
            export_segments(source, big)
        small = head(big, root / "segments_small.csv", args.small)
        print(
            f"setup: {DOCUMENTS} documents, 60 codes, 3 coders; {args.codings:,} codings "
            f"({big.stat().st_size / 1e6:.1f} MB CSV), {time.perf_counter() - t0:.1f} s"
        )

        counter = iter(range(10**6))

        def fresh() -> Project:
            return Project.open(copy(base, root / f"fresh{next(counter)}.sqlite"))

        full = root / "full.sqlite"
        with Project.open(copy(base, full)) as project:
            import_segments(project, big)

        def again() -> Project:
            return Project.open(copy(full, root / f"again{next(counter)}.sqlite"))

        results = {}
        for label, make, path in (
            (f"import {args.small:,} codings", fresh, small),
            (f"import {args.codings:,} codings", fresh, big),
            (f"re-import the same {args.codings:,} (all skipped)", again, big),
        ):
            walls, cpus, report = timed(make, path, args.repeat)
            show(label, walls, cpus, report, peak(make, path), reading(path, args.repeat))
            results[label] = min(walls)
        small_t, big_t = list(results.values())[:2]
        print(f"{args.codings:,} / {args.small:,} time ratio: {big_t / small_t:.1f}x")
        # ru_maxrss is in KiB on Linux (bytes on macOS).
        scale = 1e6 if sys.platform == "darwin" else 1e3
        print(
            f"process peak resident size: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale:.0f} MB"
        )
        if args.profile:
            profile(fresh, big, args.profile)


if __name__ == "__main__":
    main()
