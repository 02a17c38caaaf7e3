"""``annotator reliability FILE.csv``: agreement statistics of a reliability matrix in a CSV file.

The file has ReCal's layout (``io.tables.reliability_csv``): a header naming the coders,
one row per unit, an empty cell for a missing value. The command prints a table of every
statistic with the counts it was computed from, or with ``--json`` one object (its keys
are documented in ``docs/agreement.md``). ``--bootstrap N`` adds alpha's confidence
interval and the probability that alpha is below .667 and .800, from N resamples seeded
with ``--seed`` (the same seed gives the same figures).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Hashable
from typing import Any

from annotator.cli.common import Subcommands, plural
from annotator.core.agreement import LEVELS, Figure, ReliabilityReport, reliability_report
from annotator.core.agreement.bootstrap import DEFAULT_SEED
from annotator.core.agreement.explain import EXPLANATIONS
from annotator.core.agreement.results import format_coefficient
from annotator.core.errors import InvalidInput
from annotator.io.tables.reliability_csv import ReliabilityTable, read_reliability_csv

TWO_CODER = ("cohen_kappa", "scott_pi", "bennett_s")


def _key(minimum: float) -> str:
    return repr(float(minimum))  # 0.667 -> "0.667", 0.8 -> "0.8"


def report_json(table: ReliabilityTable, report: ReliabilityReport) -> dict[str, Any]:
    """The ``--json`` object: headline figures (fractions, null when undefined), the reasons
    for the undefined ones, per-value figures keyed by the values as the file wrote them,
    and every figure's counts under ``details``."""
    spell = table.spelling
    out: dict[str, Any] = {
        "file": table.name,
        "units": report.units,
        "coders": list(report.coders),
        "level": report.level,
    }
    for key, figure in report.figures().items():
        out[key] = figure.value
    per_value: dict[str, Any] = {}
    for value in report.values:
        alpha = report.per_value_alpha[value]
        kappa_j = report.fleiss_kappa.per_category.get(value)
        entry: dict[str, Any] = {
            "krippendorff_alpha": alpha.value,
            "fleiss_kappa": kappa_j.value if kappa_j is not None else None,
            "values": report.value_counts.get(value, 0),
            "pairable_values": alpha.value_counts.get(value, 0),
        }
        reasons = {"krippendorff_alpha": alpha.reason}
        reasons["fleiss_kappa"] = (
            kappa_j.reason if kappa_j is not None else report.fleiss_kappa.reason
        )
        if any(reasons.values()):
            entry["undefined"] = {k: v for k, v in reasons.items() if v}
        per_value[spell.get(value, str(value))] = entry
    out["per_value"] = per_value
    boot = report.bootstrap
    if boot is not None:
        out["krippendorff_alpha_ci"] = (
            [boot.low, boot.high] if boot.low is not None and boot.high is not None else None
        )
        out["p_below"] = {_key(m): q for m, q in boot.p_below.items()} if boot.defined else None
        out["bootstrap"] = {
            "samples": boot.samples,
            "seed": boot.seed,
            "pairs_per_resample": boot.draws,
            "confidence": boot.confidence,
            "single_value_resamples": boot.undefined_resamples,
        }
    out["undefined"] = report.undefined()
    if report.pairwise is not None:
        out["pairwise"] = {
            "pairs": [
                {
                    "coders": list(row.coders),
                    "units": row.units,
                    "percent_agreement": row.percent_agreement.value,
                    "cohen_kappa": row.cohen_kappa.value,
                    "krippendorff_alpha": row.krippendorff_alpha.value,
                }
                for row in report.pairwise.pairs
            ],
            "coders": [
                {
                    "coder": row.coder,
                    "mean_pair_alpha": row.mean_pair_alpha,
                    "alpha_without": row.alpha_without.value,
                }
                for row in report.pairwise.coders
            ],
            "stands_apart": report.pairwise.stands_apart,
        }
    out["details"] = {key: _details(f) for key, f in report.figures().items()}
    return out


def _details(figure: Figure) -> dict[str, Any]:
    # The coincidence matrix may have thousands of rows (interval data): counts only.
    data = figure.to_dict()
    for big in ("coincidences", "values", "per_category"):
        data.pop(big, None)
    return data


def _number(value: float | None) -> str:
    return format_coefficient(value, "—")


def _counts(key: str, f: Any) -> str:
    if f.reason is not None and key in TWO_CODER and not f.units:
        return f"undefined: {f.reason}"
    parts: list[str]
    if key == "percent_agreement":
        parts = [plural(f.units, "unit"), f"{f.agreeing_pairs} of {plural(f.pairs, 'pair')} agree"]
    elif key in TWO_CODER:
        parts = [plural(f.units, "unit") + " coded by both", f"po={_number(f.observed_agreement)}"]
        parts.append(f"pe={_number(f.expected_agreement)}")
    elif key == "fleiss_kappa":
        parts = [plural(f.units, "unit")]
        if f.raters:
            parts += [f"{f.raters} values each", f"P={_number(f.observed_agreement)}"]
            parts.append(f"Pe={_number(f.expected_agreement)}")
    else:
        parts = [plural(f.units, "unit"), plural(f.pairable_values, "pairable value")]
        if f.observed_disagreement is not None:
            parts.append(f"Do={f.observed_disagreement:.4g}, De={f.expected_disagreement:.4g}")
    text = ", ".join(parts)
    return f"undefined: {f.reason} ({text})" if f.reason is not None else text


def report_text(table: ReliabilityTable, report: ReliabilityReport) -> str:
    spell = table.spelling

    def name(value: Hashable) -> str:
        return spell.get(value, str(value))

    lines = [
        f"{table.name}: {plural(report.units, 'unit')}, {plural(len(report.coders), 'coder')} "
        f"({', '.join(report.coders)}), {report.level} level",
        "Values given: " + ", ".join(f"{name(v)} ({n})" for v, n in report.value_counts.items()),
        "",
        f"{'Statistic':33} {'Value':>7}  Computed from",
    ]
    for key, figure in report.figures().items():
        lines.append(
            f"{EXPLANATIONS[key].title:33} {_number(figure.value):>7}  {_counts(key, figure)}"
        )
    boot = report.bootstrap
    if boot is not None:
        if boot.defined:
            lines.append(
                f"{'  95% interval (bootstrap)':33} [{_number(boot.low)}, {_number(boot.high)}]"
                f"  {boot.samples:,} resamples of {plural(boot.draws, 'pair')}, seed {boot.seed}"
            )
            for minimum, q in boot.p_below.items():
                lines.append(f"{f'  P(alpha < {minimum:.3f})':33} {q:>7.3f}")
        else:
            lines.append(f"{'  95% interval (bootstrap)':33} {'—':>7}  undefined: {boot.reason}")
    lines += ["", f"{'Value':20} {'alpha':>7} {'kappa_j':>8}  pairable values"]
    for value in report.values:
        alpha = report.per_value_alpha[value]
        kappa_j = report.fleiss_kappa.per_category.get(value)
        lines.append(
            f"{name(value)[:20]:20} {_number(alpha.value):>7} "
            f"{_number(kappa_j.value if kappa_j else None):>8}  {alpha.value_counts.get(value, 0)}"
        )
    if report.pairwise is not None:
        table_rows = report.pairwise
        lines += ["", f"{'Pair of coders':30} {'units':>6} {'agree':>7} {'kappa':>7} {'alpha':>7}"]
        for row in table_rows.pairs:
            pair = f"{row.coders[0]} – {row.coders[1]}"
            lines.append(
                f"{pair[:30]:30} {row.units:>6} {_number(row.percent_agreement.value):>7} "
                f"{_number(row.cohen_kappa.value):>7} {_number(row.krippendorff_alpha.value):>7}"
            )
        lines += ["", f"{'Coder':30} {'mean alpha of pairs':>20} {'alpha without':>14}"]
        for c in table_rows.coders:
            lines.append(
                f"{c.coder[:30]:30} {_number(c.mean_pair_alpha):>20} "
                f"{_number(c.alpha_without.value):>14}"
            )
        if table_rows.stands_apart is not None:
            lines.append(f"Stands apart: {table_rows.stands_apart}")
    return "\n".join(lines)


def cmd_reliability(args: argparse.Namespace) -> int:
    if args.bootstrap is not None and args.bootstrap < 2:
        raise InvalidInput("--bootstrap needs at least 2 resamples (e.g. --bootstrap 20000).")
    table = read_reliability_csv(args.file, args.level)
    report = reliability_report(table.matrix, args.level, bootstrap=args.bootstrap, seed=args.seed)
    if args.json:
        print(json.dumps(report_json(table, report), ensure_ascii=False, indent=2))
    else:
        print(report_text(table, report))
    return 0


def register(sub: Subcommands) -> None:
    """The ``reliability`` command."""
    p = sub.add_parser(
        "reliability",
        help="agreement statistics of a CSV reliability matrix (coders as columns, units as rows)",
    )
    p.add_argument(
        "file", help="CSV: a header naming the coders, one row per unit, empty = missing"
    )
    p.add_argument("--level", choices=LEVELS, default="nominal", help="level of measurement")
    p.add_argument(
        "--bootstrap", type=int, metavar="N", help="resamples for alpha's confidence interval"
    )
    p.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"bootstrap seed (default {DEFAULT_SEED})"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_reliability)
