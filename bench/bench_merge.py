"""Benchmark: merge one coder's copy into another's (budget: under 3 s).

Builds a project of 100 documents (made of sentences from ``seeds/*.txt``, 200,000
characters each: 20 MB of text), three coders, a two-level codebook of 60 codes and
25,000 codings; copies it twice, and gives each copy 25,000 codings of its own, so
each holds 50,000 codings of which 25,000 the other lacks. Then times, each on a fresh
copy of the target:

- the preview (``annotator merge --dry-run``: both sides read, the plan made);
- the merge (``annotator merge``: the same, written as one action with its history);
- merging the same copy again (nothing to add);
- undoing the merge (one step, 25,000 codings taken out).

Prints the best and median wall-clock and CPU times. Run from the repository root:

    .venv/bin/python bench/bench_merge.py [--repeat R] [--codings N] [--profile N]

``--profile N`` runs one merge under ``cProfile`` and prints the N functions that took
the most time of their own. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from seed_text import sentences  # noqa: E402

from annotator.app.merge import merge, preview_merge  # noqa: E402
from annotator.app.session import Session  # noqa: E402
from annotator.core.models import new_id  # noqa: E402
from annotator.store import Project  # noqa: E402
from annotator.store.backups import save_copy  # noqa: E402

DOCUMENTS = 100
DOCUMENT_SIZE = 200_000
BUDGET = 3.0


def add_codings(project: Project, n: int, rng: random.Random, taken: set[tuple]) -> None:
    """``n`` codings of random passages no other coding of the project (or copy) has."""
    docs = [(d.id, d.length) for d in project.documents()]
    codes = [c.id for c in project.codes()]
    coders = [c.id for c in project.coders()]
    rows = []
    while len(rows) < n:
        doc, length = rng.choice(docs)
        start = rng.randrange(length - 400)
        passage = (doc, rng.choice(codes), rng.choice(coders), start, start + rng.randint(5, 400))
        if passage in taken:
            continue
        taken.add(passage)
        memo = "A memo." if rng.random() < 0.05 else ""
        rows.append((new_id(), *passage, memo, "2024-01-01T00:00:00Z", ""))
    project.add_coding_rows(rows, "Bench codings")


def build(folder: Path, shared: int, own: int) -> tuple[Path, Path]:
    rng = random.Random(1)
    pool = sentences()
    base = folder / "base.sqlite"
    taken: set[tuple] = set()
    with Project.create(base) as project:
        for i in range(DOCUMENTS):
            parts = [f"Document {i}"]
            size = 0
            while size < DOCUMENT_SIZE:
                paragraph = " ".join(rng.choice(pool) for _ in range(rng.randint(3, 8)))
                parts.append(paragraph)
                size += len(paragraph) + 2
            project.add_document(f"Document {i:03d}", "\n\n".join(parts)[:DOCUMENT_SIZE])
        for name in ("Ann", "Ben", "Chen"):
            project.add_coder(name)
        for i in range(10):
            theme = project.add_code(f"Theme {i}")
            for j in range(5):
                project.add_code(f"Code {i}.{j}", theme.id)
        add_codings(project, shared, rng, taken)
        paths = (
            save_copy(project, folder / "target.sqlite"),
            save_copy(project, folder / "coder-b.sqlite"),
        )
    for path in paths:
        with Project.open(path) as copy:
            add_codings(copy, own, rng, taken)
    return paths


def timed(run: Callable[[], object], prepare: Callable[[], None], repeat: int) -> str:
    walls, cpus = [], []
    for _ in range(repeat):
        prepare()
        w, c = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return (
        f"best {min(walls):6.3f} s, median {statistics.median(walls):6.3f} s wall; "
        f"CPU best {min(cpus):6.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--codings", type=int, default=25_000, help="shared and own, each")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        target, source = build(folder, args.codings, args.codings)
        print(
            f"Built two copies of {DOCUMENTS} documents ({DOCUMENTS * DOCUMENT_SIZE / 1e6:.0f} MB "
            f"of text), {2 * args.codings:,} codings each, {args.codings:,} of them new to the "
            f"other, in {time.perf_counter() - t0:.1f} s"
        )
        work = folder / "work.sqlite"

        def fresh() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(target, work)

        def preview() -> None:
            with Project.open(work, read_only=True) as p:
                (plan,) = preview_merge(p, [source]).plans
                assert plan.added()["codings"] == args.codings

        def do_merge() -> None:
            with Project.open(work) as p:
                (plan,) = merge(Session(p), [source]).plans
                assert plan.added()["codings"] == args.codings

        def merged() -> None:
            fresh()
            do_merge()

        def again() -> None:
            with Project.open(work) as p:
                assert merge(Session(p), [source]).writes_nothing

        def undo() -> None:
            with Project.open(work) as p:
                p.undo()

        print(f"preview (dry run)   {timed(preview, fresh, args.repeat)}")
        print(f"merge               {timed(do_merge, fresh, args.repeat)}  (budget {BUDGET:.0f} s)")
        print(f"merge again         {timed(again, merged, args.repeat)}")
        print(f"undo the merge      {timed(undo, merged, args.repeat)}")
        if args.profile:
            fresh()
            profiler = cProfile.Profile()
            profiler.runcall(do_merge)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
