"""Benchmark: the full agreement report of 3 coders over 200 documents, 60,000 codings.

Builds a throw-away project (bulk writes: ``add_coding_rows``) of 200 documents
of about 10,000 characters (windows of the seed texts), a codebook of 30 codes
(5 themes of 5 sub-codes) and three coders who code the same 100 passages per
document, each with its boundaries moved by up to 25 characters, one passage in
ten replaced by a passage of their own (so the figures are neither 0 nor 1):
60,000 codings. Then times, several times each, best and median:

* the report through the API (``app.comparison.compare``: every level, every
  code, overall and the pairs), with sub-codes folded into their themes too;
* the disagreements of two coders (``app.comparison.disagreements``);
* ``annotator agreement PROJECT --coders Ann Ben Chen --json`` in a subprocess,
  and, separately, the time to start Python and import the CLI (``import
  annotator.cli``) in one.

Run from the repository root:

    .venv/bin/python bench/bench_agreement.py [--repeat R]

Timings are printed, never asserted: the machine may be busy (the CPU time, this
process's and the CLI subprocesses', is less disturbed by other processes).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from annotator.app.comparison import compare, disagreements  # noqa: E402
from annotator.core.models import new_id, utc_now  # noqa: E402
from annotator.store import Project  # noqa: E402
from annotator.store.codings import CodingRow  # noqa: E402

DOCUMENTS, PASSAGES, CODERS = 200, 100, ("Ann", "Ben", "Chen")


def build(path: Path, seed: int = 1) -> Project:
    rng = random.Random(seed)
    project = Project.create(path)
    corpus = " ".join(t.read_text(encoding="utf-8") for t in sorted((REPO / "seeds").glob("*.txt")))
    if len(corpus) < 20_000:
        raise SystemExit(f"Too little seed text in {REPO / 'seeds'}.")
    docs = []
    for k in range(DOCUMENTS):
        at = rng.randrange(len(corpus) - 10_000)
        text = f"Document {k}\n" + corpus[at : at + rng.randint(8_000, 12_000)]
        docs.append(project.add_document(f"Document {k}", text, source_name=f"doc{k}.txt"))
    coders = [project.add_coder(name) for name in CODERS]
    codes = []
    for i in range(5):
        theme = project.add_code(f"Theme {i}")
        codes.extend(project.add_code(f"Sub-code {j}", theme.id) for j in range(5))
    now = utc_now()
    rows: list[CodingRow] = []

    def passage(length: int) -> tuple[str, int, int]:
        start = rng.randrange(length - 600)
        return rng.choice(codes).id, start, start + rng.randint(20, 500)

    for doc in docs:
        length = len(doc.text)
        for code_id, start, end in (passage(length) for _ in range(PASSAGES)):
            for coder in coders:
                c, s, e = passage(length) if rng.random() < 0.1 else (code_id, start, end)
                s = max(0, s + rng.randint(-25, 25))
                e = min(length, max(s + 1, e + rng.randint(-25, 25)))
                rows.append((new_id(), doc.id, c, coder.id, s, e, "", now, now))
    added = project.add_coding_rows(rows, label="Bench codings")
    print(f"  {added.added:,} codings added ({added.duplicates} duplicates skipped)")
    return project


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the CLI runs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(label: str, fn: Callable[[], object], repeat: int) -> None:
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), _cpu()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(_cpu() - c0)
    print(
        f"{label:<58} best {min(walls) * 1000:7.1f} ms  median "
        f"{statistics.median(walls) * 1000:7.1f} ms  (cpu best {min(cpus) * 1000:.1f} ms)"
    )


def run(argv: list[str]) -> Callable[[], object]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def go() -> object:
        return subprocess.run(argv, check=True, capture_output=True, env=env)

    return go


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        t0 = time.perf_counter()
        project = build(path)
        print(f"Built the project in {time.perf_counter() - t0:.1f} s")
        coder_ids = [project.find_coder(name).id for name in CODERS]
        themes = [c.id for c in project.code_tree().children(None)]
        report = compare(project, coder_ids)
        o = report.overall
        print(
            f"  {len(report.codes)} codes; overall: percent {o.characters.percent_agreement.value:.4f}, "
            f"alpha {o.characters.krippendorff_alpha.value:.3f}, unitized alpha "
            f"{o.unitized_alpha.value:.3f}, segments {o.segment_agreement.value:.3f}, "
            f"coded-only {o.coded_only.value:.3f}"
        )
        timed(
            "API: compare, 3 coders, every code", lambda: compare(project, coder_ids), args.repeat
        )
        timed(
            "API: compare, 3 coders, 5 themes with their sub-codes",
            lambda: compare(project, coder_ids, themes, with_subcodes=True),
            args.repeat,
        )
        timed(
            "API: disagreements of two coders",
            lambda: disagreements(project, coder_ids[0], coder_ids[1]),
            args.repeat,
        )
        project.close()
        python = sys.executable
        timed(
            "CLI: python -c 'import annotator.cli' (start-up)",
            run([python, "-c", "import annotator.cli"]),
            args.repeat,
        )
        timed(
            "CLI: annotator agreement --coders Ann Ben Chen --json",
            run([python, "-m", "annotator", "agreement", str(path), "--coders", *CODERS, "--json"]),
            args.repeat,
        )  # fmt: skip


if __name__ == "__main__":
    main()
