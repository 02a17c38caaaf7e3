"""Benchmark: import 100 generated .txt sources of 500 KB each into a new project.

Run with ``.venv/bin/python bench/bench_import.py``. The target is under 10 s.
Prints the time for the whole ``import_files`` call and per document.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.io.sources.batch import import_files
from annotator.store import Project

COUNT = 100
SIZE = 500_000
WORDS = [
    "China",
    "AI",
    "governance",
    "norms",
    "standards",
    "rivalry",
    "cooperation",
    "capacity",
    "developing",
    "countries",
    "technology",
    "regulation",
    "ethics",
    "privacy",
    "data",
    "security",
    "leadership",
    "multilateral",
    "dialogue",
    "summit",
    "declaration",
    "人工智能",
    "治理",
    "café",
    "naïve",
    "🤖",
]


def make_text(rng: random.Random, index: int) -> str:
    """About SIZE bytes of UTF-8 prose: sentences, paragraphs, CRLF line ends."""
    lines = [f"Generated source {index}"]
    size = 0
    while size < SIZE:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 24))).capitalize() + "."
        lines.append(sentence)
        size += len(sentence.encode()) + 2
        if rng.random() < 0.2:
            lines.append("")
    return "\r\n".join(lines)


def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = []
        for i in range(COUNT):
            path = root / f"source_{i:03d}.txt"
            path.write_bytes(make_text(rng, i).encode("utf-8"))
            paths.append(path)
        total_mb = sum(p.stat().st_size for p in paths) / 1e6
        with Project.create(root / "bench.sqlite") as project:
            start = time.perf_counter()
            report = import_files(project, paths)
            elapsed = time.perf_counter() - start
        assert len(report.imported) == COUNT, report.failed
    print(
        f"import_files: {COUNT} .txt files, {total_mb:.1f} MB in {elapsed:.2f} s "
        f"({elapsed / COUNT * 1000:.1f} ms per file; target < 10 s)"
    )


if __name__ == "__main__":
    main()
