"""Codebook import speed: a fresh import and a re-import that renames every code.

Target (issue 7): 1,000 codes imported in under 0.3 s, and re-imported with every
name changed in under 0.5 s. Codebooks of 250 and 1,000 codes in three levels
(categories, codes, sub-codes), each with a definition, inclusion and exclusion
criteria and an example, as a real coding manual has.

    .venv/bin/python bench/bench_codebook_import.py            # timings
    .venv/bin/python bench/bench_codebook_import.py --profile  # and where 1,000 codes' time goes

Before the one-pass plan (per-code update_code/move_code, each rebuilding the tree):
250 codes 0.35 s fresh / 4.7 s renaming, 1,000 codes 5.8 s / 71 s (one run each).
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.io.tables.codebook_csv import export_codebook, import_codebook  # noqa: E402
from annotator.io.tables.csv_files import read_csv, write_csv  # noqa: E402
from annotator.store import Project  # noqa: E402

RUNS = 3


def _codebook_csv(path: Path, n: int) -> None:
    """``n`` codes: about n/25 categories of 4 codes with 5 sub-codes each."""
    header = [
        "name",
        "path",
        "parent_path",
        "color",
        "definition",
        "inclusion",
        "exclusion",
        "example",
    ]
    rows: list[list[str | int]] = []
    i = 0
    category = 0
    while i < n:
        category += 1
        top = f"Category {category}"
        rows.append([top, top, "", "#4363D8", f"Talk about theme {category}.", "", "", ""])
        i += 1
        for c in range(4):
            if i >= n:
                break
            mid = f"{top}/Code {category}.{c}"
            rows.append(
                [
                    f"Code {category}.{c}",
                    mid,
                    top,
                    "#3CB44B",
                    "A definition " * 8,
                    "Include when " * 5,
                    "Exclude when " * 5,
                    "An example quote.",
                ]
            )
            i += 1
            for s in range(5):
                if i >= n:
                    break
                rows.append(
                    [
                        f"Sub {category}.{c}.{s}",
                        f"{mid}/Sub {category}.{c}.{s}",
                        mid,
                        "#E6194B",
                        "A sub-code definition " * 6,
                        "",
                        "",
                        "",
                    ]
                )
                i += 1
    write_csv(path, header, rows)


def _renamed(export: Path, out: Path) -> None:
    """The exported codebook with every code's name changed (ids kept, so codes match by id)."""
    table = read_csv(export, required=("id", "name"))
    header = ["id", "name", "color", "definition", "inclusion", "exclusion", "example"]
    id_to_new = {r.get("id"): f"{r.get('name')} (renamed)" for r in table.rows}
    rows = [
        [
            r.get("id"),
            id_to_new[r.get("id")],
            r.get("color"),
            r.get("definition"),
            r.get("inclusion"),
            r.get("exclusion"),
            r.get("example"),
        ]
        for r in table.rows
    ]
    # Without path columns the codes matched by id are renamed where they are.
    write_csv(out, header, rows)


def measure(n: int, tmp: Path) -> tuple[list[float], list[float]]:
    source = tmp / f"codebook-{n}.csv"
    _codebook_csv(source, n)
    fresh: list[float] = []
    rename: list[float] = []
    for run in range(RUNS):
        project = Project.create(tmp / f"bench-{n}-{run}.sqlite")
        t0 = time.perf_counter()
        import_codebook(project, source)
        fresh.append(time.perf_counter() - t0)
        assert len(project.codes()) == n
        exported = tmp / f"exported-{n}-{run}.csv"
        export_codebook(project, exported)
        renamed = tmp / f"renamed-{n}-{run}.csv"
        _renamed(exported, renamed)
        t0 = time.perf_counter()
        import_codebook(project, renamed)
        rename.append(time.perf_counter() - t0)
        assert all(c.name.endswith("(renamed)") for c in project.codes())
        project.close()
    return fresh, rename


def profile(n: int, tmp: Path) -> None:
    """cProfile of one fresh import and one renaming re-import of ``n`` codes."""
    source = tmp / f"profile-{n}.csv"
    _codebook_csv(source, n)
    project = Project.create(tmp / f"profile-{n}.sqlite")
    for title, path in (("fresh", source), ("renaming all", tmp / f"profile-renamed-{n}.csv")):
        if title != "fresh":
            export_codebook(project, tmp / "profile-exported.csv")
            _renamed(tmp / "profile-exported.csv", path)
        prof = cProfile.Profile()
        prof.runcall(import_codebook, project, path)
        print(f"\n-- {n} codes, {title}: the ten functions taking most time of their own")
        pstats.Stats(prof).sort_stats("tottime").print_stats(10)
    project.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print(f"Codebook CSV import, best and median of {RUNS} runs")
        for n in (250, 1000):
            fresh, rename = measure(n, tmp)
            print(
                f"  {n:5d} codes: fresh {min(fresh):.3f} s (median {statistics.median(fresh):.3f} s); "
                f"renaming all {min(rename):.3f} s (median {statistics.median(rename):.3f} s)"
            )
        if "--profile" in sys.argv[1:]:
            profile(1000, tmp)


if __name__ == "__main__":
    main()
