"""Benchmark: export and re-import a .qdpx of 100 documents (20 MB of text), 50,000 codings.

Budget: each under 3 s. Builds a project of 100 documents of about 200,000 characters
each (sentences from ``seeds/*.txt`` shuffled, with an emoji now and then and CRLF
line ends, so positions need converting), a two-level codebook of 60 codes with
definitions, three coders and 50,000 codings of random spans (one in ten with a
memo); exports it with ``export_qdpx`` and opens the file as a new project with
``import_qdpx``. Prints the best and median wall-clock and CPU times of each, the
file's size, and (with ``--profile N``) the N functions that took the most time of
their own in one import. Run from the repository root:

    .venv/bin/python bench/bench_qdpx.py [--documents N] [--codings N] [--repeat R] [--profile N]

Timings are printed, never asserted: the machine may be busy.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from seed_text import sentences  # noqa: E402

from annotator.core.models import new_id, utc_now  # noqa: E402
from annotator.io.refi import export_qdpx, import_qdpx  # noqa: E402
from annotator.store import Project  # noqa: E402

BUDGET = 3.0
DOCUMENT_SIZE = 200_000


def build(path: Path, documents: int, codings: int, rng: random.Random) -> Project:
    pool = sentences()
    project = Project.create(path)
    with project.action("Build the benchmark project"):
        docs = []
        for i in range(documents):
            parts: list[str] = [f"Document {i}\r\n"]
            size = 0
            while size < DOCUMENT_SIZE:
                s = rng.choice(pool)
                if rng.random() < 0.05:
                    s += " 🚀"
                parts.append(s + ("\r\n" if rng.random() < 0.2 else " "))
                size += len(s) + 1
            docs.append(
                project.add_document(f"Document {i}", "".join(parts), attributes={"n": str(i)})
            )
        coders = [project.add_coder(name) for name in ("Ann", "Ben", "Chen")]
        codes = []
        for g in range(6):
            parent = project.add_code(f"Group {g}", definition=f"Group {g} of codes.")
            codes += [
                project.add_code(
                    f"Code {g}.{k}", parent.id, definition="A code.", example="An example."
                )
                for k in range(9)
            ]
        lengths = {d.id: len(project.document_text(d.id)) for d in docs}
        rows = []
        now = utc_now()
        for n in range(codings):
            doc = rng.choice(docs)
            start = rng.randrange(lengths[doc.id] - 2000)
            rows.append((new_id(), doc.id, rng.choice(codes).id, rng.choice(coders).id, start,
                         start + rng.randint(20, 1500), "a memo" if n % 10 == 0 else "", now, ""))  # fmt: skip
        project.add_coding_rows(rows)
    return project


def timed(run: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return walls, cpus


def show(label: str, walls: list[float], cpus: list[float]) -> None:
    verdict = "within" if min(walls) < BUDGET else "OVER"
    print(
        f"{label:<8} best {min(walls):.2f} s, median {statistics.median(walls):.2f} s wall; "
        f"best {min(cpus):.2f} s CPU ({verdict} the {BUDGET:.0f} s budget)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        project = build(folder / "source.sqlite", args.documents, args.codings, rng)
        chars = sum(d.length for d in project.documents())
        print(
            f"Built {args.documents} documents ({chars / 1e6:.1f} M characters), "
            f"{len(project.coding_rows())} codings in {time.perf_counter() - t0:.1f} s"
        )
        target = folder / "project.qdpx"
        walls, cpus = timed(lambda: export_qdpx(project, target), args.repeat)
        print(f"File: {target.stat().st_size / 1e6:.1f} MB")
        show("export", walls, cpus)
        runs = iter(range(1_000_000))

        def reimport() -> None:
            report = import_qdpx(target, folder / f"copy{next(runs)}.sqlite")
            assert report.codings == args.codings and not report.unplaced, report

        walls, cpus = timed(reimport, args.repeat)
        show("import", walls, cpus)
        project.close()
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(import_qdpx, target, folder / "profiled.sqlite")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
