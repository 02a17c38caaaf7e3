"""The price of durability: one coding per action with synchronous=NORMAL vs FULL.

Two projects (same codebook, coders and seed texts) in the same temporary folder
(on disk, not tmpfs: ``--dir`` to choose another), one with ``PRAGMA synchronous``
set to NORMAL after opening, one with FULL. 2,000 ``add_coding`` actions each, each
its own transaction, alternating between the two projects in blocks of 100 so that
both see the same machine load. Prints the median, 95th percentile and worst time
per action and the total.

    .venv/bin/python bench/bench_durability.py
    .venv/bin/python bench/bench_durability.py --actions 500 --dir ~/somewhere
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.core.errors import AnnotatorError  # noqa: E402
from annotator.store import Project  # noqa: E402

MODES = ("NORMAL", "FULL")


def setup(path: Path, mode: str) -> tuple[Project, list[str], list[str], list[tuple[str, str]]]:
    p = Project.create(path)
    coders = [p.add_coder(n).id for n in ("Ann", "Ben", "Chen")]
    codes = [p.add_code(f"Code {i}").id for i in range(20)]
    docs = []
    for f in sorted((ROOT / "seeds").glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        docs.append((p.add_document(f.stem, text, source_name=f.name).id, text))
    p.conn.execute(f"PRAGMA synchronous = {mode}")
    return p, coders, codes, docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--actions", type=int, default=2000, help="single-coding actions per mode (default 2000)"
    )
    ap.add_argument(
        "--block", type=int, default=100, help="actions in a row on one project (default 100)"
    )
    ap.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="folder for the two projects (default: a temp folder)",
    )
    args = ap.parse_args(argv)

    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="annotator-durability-", dir=args.dir) as tmp:
        projects = {m: setup(Path(tmp) / f"{m.lower()}.sqlite", m) for m in MODES}
        times: dict[str, list[float]] = {m: [] for m in MODES}
        done = 0
        while done < args.actions:
            n = min(args.block, args.actions - done)
            for mode in MODES:
                p, coders, codes, docs = projects[mode]
                made = 0
                while made < n:
                    doc, text = rng.choice(docs)
                    start = rng.randrange(0, len(text) - 300)
                    end = start + rng.randint(20, 300)
                    if not text[start:end].strip():
                        continue
                    t = time.perf_counter()
                    try:
                        p.add_coding(doc, rng.choice(codes), rng.choice(coders), start, end)
                    except AnnotatorError:
                        continue  # the same passage, code and coder drawn twice
                    times[mode].append(time.perf_counter() - t)
                    made += 1
            done += n
        sync = {m: projects[m][0].conn.execute("PRAGMA synchronous").fetchone()[0] for m in MODES}
        for p, *_ in projects.values():
            p.close()

    print(
        f"add_coding x{args.actions} per mode, one transaction each, blocks of {args.block} alternating "
        f"(folder: {args.dir or tempfile.gettempdir()})"
    )
    for mode in MODES:
        ts = sorted(times[mode])
        p95 = ts[int(0.95 * (len(ts) - 1))]
        print(
            f"  synchronous={mode:<6} (pragma {sync[mode]}): median {statistics.median(ts) * 1000:.3f} ms, "
            f"p95 {p95 * 1000:.3f} ms, max {ts[-1] * 1000:.2f} ms, total {sum(ts):.2f} s"
        )
    extra = statistics.median(times["FULL"]) - statistics.median(times["NORMAL"])
    print(
        f"  FULL costs {extra * 1000:+.3f} ms per action at the median "
        f"({statistics.median(times['FULL']) / statistics.median(times['NORMAL']):.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
