"""Benchmark: Krippendorff's alpha, ours against the ``krippendorff`` package (PyPI).

Nominal data, 3 coders × 1,000,000 units, 10 categories, 5% of values missing
(budget: at most a tenth of the package's time and of its peak memory, the same alpha
to 1e-9). The data is made once, saved as a ``.npy`` file in a temporary folder, and
each measurement runs in a fresh process that loads it, so that neither side pays for
the other's memory. Each child reports:

- wall-clock and CPU time of the computation alone (best of ``--repeat`` runs);
- its peak resident memory (``ru_maxrss``) after loading the data and after computing,
  and the difference: the memory the computation itself took at its peak (numpy's
  allocations included, which tracemalloc does not see reliably).

Ours is timed from the float array (coders × units, NaN for missing, the package's
input) to alpha: building the ``ReliabilityMatrix`` (encoding the values) is included.
Without the package installed (``pip install -e '.[bench]'``) ours is measured alone.
Run from the repository root:

    .venv/bin/python bench/bench_krippendorff.py [--units N] [--coders M] [--repeat R]

Figures are printed, never asserted: the machine may be busy.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def make_data(path: Path, units: int, coders: int, categories: int, missing: float) -> None:
    """Coders who agree often: each copies the unit's 'true' value with probability 0.7,
    else picks any category; then ``missing`` of all values are removed."""
    rng = np.random.default_rng(2007)
    truth = rng.integers(0, categories, size=units)
    data = np.empty((coders, units), dtype=np.float64)
    for c in range(coders):
        guess = rng.integers(0, categories, size=units)
        data[c] = np.where(rng.random(units) < 0.7, truth, guess)
        data[c][rng.random(units) < missing] = np.nan
    np.save(path, data)


def child(which: str, path: Path, repeat: int) -> None:
    sys.path.insert(0, str(REPO))
    if which == "ours":
        from annotator.core.agreement import ReliabilityMatrix, krippendorff_alpha

        def compute(data: np.ndarray) -> float:
            value = krippendorff_alpha(ReliabilityMatrix.from_array(data.T), "nominal").value
            assert value is not None
            return value
    else:
        import krippendorff

        def compute(data: np.ndarray) -> float:
            return float(krippendorff.alpha(data, level_of_measurement="nominal"))

    data = np.load(path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    walls, cpus, value = [], [], 0.0
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        value = compute(data)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "alpha": value,
                "wall": min(walls),
                "cpu": min(cpus),
                "rss_loaded_mb": before / 1024,
                "rss_peak_mb": after / 1024,
                "computation_mb": (after - before) / 1024,
            }
        )
    )


def measure(which: str, path: Path, repeat: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, "--data", str(path), "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--coders", type=int, default=3)
    parser.add_argument("--categories", type=int, default=10)
    parser.add_argument("--missing", type=float, default=0.05)
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the best is shown")
    parser.add_argument("--child", choices=["ours", "package"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.repeat)
        return
    have_package = importlib.util.find_spec("krippendorff") is not None
    print(
        f"Krippendorff's alpha, nominal: {args.coders} coders × {args.units:,} units, "
        f"{args.categories} categories, {args.missing:.0%} missing"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.npy"
        make_data(path, args.units, args.coders, args.categories, args.missing)
        ours = measure("ours", path, args.repeat)
        rows = [("annotator", ours)]
        theirs = None
        if have_package:
            # The package takes several seconds and GBs at this size: one run is enough.
            theirs = measure("package", path, 1)
            rows.append(("krippendorff (PyPI)", theirs))
        else:
            print(
                "The krippendorff package is not installed (pip install -e '.[bench]'): ours alone."
            )
    print(f"{'':22}{'alpha':>14}{'wall s':>9}{'cpu s':>9}{'peak MB':>9}{'compute MB':>12}")
    for name, r in rows:
        print(
            f"{name:22}{r['alpha']:14.10f}{r['wall']:9.3f}{r['cpu']:9.3f}"
            f"{r['rss_peak_mb']:9.0f}{r['computation_mb']:12.1f}"
        )
    if theirs is not None:
        print(
            f"ours / package: time {ours['wall'] / theirs['wall']:.3f}, "
            f"computation memory {ours['computation_mb'] / max(theirs['computation_mb'], 1e-9):.3f}, "
            f"peak memory {ours['rss_peak_mb'] / theirs['rss_peak_mb']:.3f}; "
            f"|difference in alpha| = {abs(ours['alpha'] - theirs['alpha']):.1e}"
        )


if __name__ == "__main__":
    main()
