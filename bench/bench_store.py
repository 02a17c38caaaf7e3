"""Store speed: adding codings one action at a time through the Python API.

Target (issue 2): 2,000 codings on the five seed texts in under 2 s in total,
each its own transaction (as a researcher's clicks are).

    .venv/bin/python bench/bench_store.py
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.store import Project  # noqa: E402


def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "bench.sqlite")
        coders = [project.add_coder(n) for n in ("Ann", "Ben", "Chen")]
        codes = [project.add_code(f"Code {i}") for i in range(20)]
        docs = []
        for f in sorted((ROOT / "seeds").glob("*.txt")):
            docs.append(
                project.add_document(f.stem, f.read_text(encoding="utf-8"), source_name=f.name)
            )
        lengths = {d.id: len(d.text) for d in docs}
        per_call: list[float] = []
        t0 = time.perf_counter()
        for _ in range(2000):
            d = rng.choice(docs)
            start = rng.randrange(0, lengths[d.id] - 300)
            t = time.perf_counter()
            project.add_coding(
                d.id,
                rng.choice(codes).id,
                rng.choice(coders).id,
                start,
                start + rng.randint(20, 300),
            )
            per_call.append(time.perf_counter() - t)
        total = time.perf_counter() - t0
        print(
            f"add_coding x2000 (one transaction each): total {total:.3f} s "
            f"(target < 2 s); median {statistics.median(per_call) * 1000:.3f} ms, "
            f"max {max(per_call) * 1000:.2f} ms"
        )
        project.close()


if __name__ == "__main__":
    main()
