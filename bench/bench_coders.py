"""Benchmark: merging and deleting a coder with many codings (prints figures; not a test).

A project with 20 documents, 50 codes and two coders with 50,000 codings each,
10,000 of Ben's identical to Ann's (so a merge folds them, half with memos to
join). Measured: the merge preview the dialog asks with, merging Ben into Ann
(one action), its undo and redo; deleting Ben with his codings, and its undo;
and the coders dialog re-reading its counts after such a step.

Run: ``.venv/bin/python bench/bench_coders.py``
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.core.models import new_id, utc_now
from annotator.store import Project

N_DOCS, N_CODES, PER_CODER, SHARED = 20, 50, 50_000, 10_000
DOC_LENGTH = 50_000


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def seed(p: Project) -> tuple[str, str]:
    rnd = random.Random(7)
    ann, ben = p.add_coder("Ann").id, p.add_coder("Ben").id
    docs = [
        p.add_document(f"Doc {i}", f"{i} " + ("word " * (DOC_LENGTH // 5))).id
        for i in range(N_DOCS)
    ]
    codes = [p.add_code(f"Code {i}").id for i in range(N_CODES)]
    passages: set[tuple[str, str, int, int]] = set()
    while len(passages) < 2 * PER_CODER - SHARED:
        start = rnd.randrange(0, DOC_LENGTH - 200)
        passages.add((rnd.choice(docs), rnd.choice(codes), start, start + rnd.randrange(5, 200)))
    ordered = sorted(passages)
    rnd.shuffle(ordered)
    shared, only_ann = ordered[:SHARED], ordered[SHARED:PER_CODER]
    only_ben = ordered[PER_CODER:]
    now = utc_now()
    rows = []
    for coder, chunk in ((ann, shared + only_ann), (ben, shared + only_ben)):
        for i, (doc, code, start, end) in enumerate(chunk):
            memo = f"{coder[:4]} memo {i}" if i < SHARED and i % 2 == 0 else ""
            rows.append((new_id(), doc, code, coder, start, end, memo, now, ""))
    p.add_coding_rows(rows, "Seed codings")
    return ann, ben


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        p = Project.create(Path(tmp) / "bench.sqlite")
        ann, ben = seed(p)
        print(
            f"{N_DOCS} documents, {N_CODES} codes, 2 coders x {PER_CODER:,} codings "
            f"({SHARED:,} identical)"
        )
        preview = p.coder_merge_preview(ben, ann)
        print(
            f"merge preview (the dialog's question)   {ms(timed(lambda: p.coder_merge_preview(ben, ann)))}"
        )
        print(
            f"  moves {preview.moved:,}, folds {preview.folded:,}, joins {preview.memos_joined:,} memos"
        )
        print(
            f"merge Ben into Ann (one action)          {ms(timed(lambda: p.merge_coders(ben, ann)))}"
        )
        print(f"  undo                                   {ms(timed(p.undo))}")
        print(f"  redo                                   {ms(timed(p.redo))}")
        print(f"  undo again                             {ms(timed(p.undo))}")
        print(f"coder usage (the dialog's counts)        {ms(timed(p.coder_usage))}")
        print(
            f"delete Ben with {PER_CODER:,} codings         {ms(timed(lambda: p.delete_coder(ben)))}"
        )
        print(f"  undo                                   {ms(timed(p.undo))}")
        p.close()


if __name__ == "__main__":
    main()
