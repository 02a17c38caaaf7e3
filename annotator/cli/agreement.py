"""The comparison commands: ``annotator agreement`` and ``annotator disagreements``.

``agreement`` prints how far coders agree, per code and overall, as a table,
as JSON (``--json``) or into a CSV file (``-o``); ``disagreements`` lists every
region where two coders differ with each coder's offsets and text. Coders are
named by name, codes by path or unique name, documents by title, file name or
id; a name that fits nothing, one coder, or fewer than two coders with codings
is one line on stderr and exit 1. Both commands only read the project.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.cli.common import Subcommands, open_project, plural
from annotator.core.agreement.results import format_coefficient, format_percent
from annotator.core.agreement.text import CodeAgreement, ComparisonReport, Figure, PairFigures
from annotator.core.errors import InvalidInput
from annotator.io.files import refuse_project_file
from annotator.store import Project

#: The per-code keys of ``--json`` and of the CSV file, in order.
KEYS = (
    "percent_agreement", "cohen_kappa", "krippendorff_alpha", "unitized_alpha",
    "coded_only_agreement", "matched_segments", "segment_agreement", "segment_kappa",
    "documents_agreement", "documents_kappa", "documents_alpha",
)  # fmt: skip


def _value(figure: Figure) -> float | None:
    return None if figure.value is None else round(figure.value, 6)


def _figures(entry: CodeAgreement | PairFigures) -> dict[str, Figure]:
    """The figures of a code (or the overall ones, or one pair's) under their JSON keys."""
    figures = {
        "percent_agreement": entry.characters.percent_agreement,
        "cohen_kappa": entry.characters.cohen_kappa,
        "krippendorff_alpha": entry.characters.krippendorff_alpha,
        "coded_only_agreement": entry.coded_only,
        "segment_agreement": entry.segment_agreement,
        "segment_kappa": entry.segment_kappa,
        "documents_agreement": entry.documents.percent_agreement,
        "documents_kappa": entry.documents.cohen_kappa,
        "documents_alpha": entry.documents.krippendorff_alpha,
    }
    if isinstance(entry, CodeAgreement):  # (not computed for each pair of coders)
        figures["unitized_alpha"] = entry.unitized_alpha
    return figures


def _entry(
    entry: CodeAgreement, names: dict[str, str], coders: Sequence[str], path: str | None
) -> dict[str, Any]:
    figures = _figures(entry)
    out: dict[str, Any] = {"code": path}
    out.update({key: _value(f) for key, f in figures.items()})
    out["segments"] = {names[c]: n for c, n in entry.segments.items()}
    out["matched_segments"] = entry.segment_tally.matched
    out["undefined"] = {key: f.reason for key, f in figures.items() if f.value is None}
    out["counts"] = {key: dict(f.counts) for key, f in figures.items() if f.counts}
    out["pairwise"] = [
        {
            "coders": [names[coders[p.first]], names[coders[p.second]]],
            **{key: _value(f) for key, f in _figures(p).items()},
            "matched_segments": p.segments.matched,
            "undefined": {key: f.reason for key, f in _figures(p).items() if f.value is None},
        }
        for p in entry.pairs
    ]
    return out


def agreement_json(project: Project, report: ComparisonReport) -> dict[str, Any]:
    """The report as ``--json`` prints it: coders by name, codes by path."""
    names = {c.id: c.name for c in project.coders()}
    tree = project.code_tree()
    coders = report.coder_ids
    return {
        "coders": [names[c] for c in coders],
        "documents": len(report.document_ids),
        "overlap": report.overlap,
        "codes": [
            _entry(e, names, coders, tree.path(e.code_id) if e.code_id else None)
            for e in report.codes
        ],
        "overall": _entry(report.overall, names, coders, None),
    }


def _shown(value: float | int | None, percent: bool = False) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return str(value)
    return format_percent(value) if percent else format_coefficient(value)


def _print_table(data: dict[str, Any]) -> None:
    coders = data["coders"]
    header = [
        "Code",
        "Agree",
        "Kappa",
        "Alpha",
        "u-Alpha",
        "Coded",
        "Segments",
        "Seg agree",
        "Docs",
    ]
    rows = []
    for entry in [*data["codes"], data["overall"]]:
        segments = "/".join(str(entry["segments"][c]) for c in coders)
        rows.append([
            entry["code"] or "All codes",
            _shown(entry["percent_agreement"], True), _shown(entry["cohen_kappa"]),
            _shown(entry["krippendorff_alpha"]), _shown(entry["unitized_alpha"]),
            _shown(entry["coded_only_agreement"], True),
            f"{entry['matched_segments']} of {segments}",
            _shown(entry["segment_agreement"], True), _shown(entry["documents_agreement"], True),
        ])  # fmt: skip
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(f"Coders: {', '.join(coders)}; {plural(data['documents'], 'document')}")
    for row in [header, *rows]:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    matched = "matched" if len(coders) == 2 else "matched (summed over the pairs of coders)"
    print(
        "Agree, Kappa, Alpha: every character of the documents; Coded: of the text anyone "
        f"coded; Segments: {matched} of each coder's ({'/'.join(coders)}) at "
        f"{data['overlap']:.0%} overlap; Docs: code present or absent per document."
    )
    overall = data["overall"]
    if len(coders) > 2 and overall["pairwise"]:
        print("Pairs (all codes):")
        for pair in overall["pairwise"]:
            print(
                f"  {pair['coders'][0]} / {pair['coders'][1]}: kappa {_shown(pair['cohen_kappa'])}, "
                f"alpha {_shown(pair['krippendorff_alpha'])}, agree "
                f"{_shown(pair['percent_agreement'], True)}, segments "
                f"{_shown(pair['segment_agreement'], True)}"
            )
    undefined: dict[tuple[str, str], list[str]] = {}  # (figure, reason) -> codes
    for entry in [*data["codes"], overall]:
        for key, reason in entry["undefined"].items():
            undefined.setdefault((key, reason), []).append(entry["code"] or "All codes")
    for (key, reason), codes in undefined.items():
        print(f"n/a: {key} ({', '.join(codes)}): {reason}")


def _write_csv(path: Path, data: dict[str, Any]) -> int:
    from annotator.io.tables.csv_files import write_csv

    coders = data["coders"]
    header = ["code", *KEYS, *(f"segments {c}" for c in coders)]
    rows = []
    for entry in [*data["codes"], data["overall"]]:
        cells: list[str | int] = [entry["code"] or "All codes"]
        for key in KEYS:
            value = entry[key]
            cells.append("" if value is None else value if isinstance(value, int) else repr(value))
        cells.extend(entry["segments"][c] for c in coders)
        rows.append(cells)
    return write_csv(path, header, rows)


def _choices(project: Project, args: argparse.Namespace) -> dict[str, Any]:
    coders = [project.find_coder(name).id for name in args.coders]
    codes = [project.find_code(ref).id for ref in args.codes] if args.codes else None
    docs = [project.find_document(ref).id for ref in args.documents] if args.documents else None
    return {"coders": coders, "codes": codes, "documents": docs}


def cmd_agreement(args: argparse.Namespace) -> int:
    from annotator.app.comparison import compare

    with open_project(args.project) as project:
        chosen = _choices(project, args)
        report = compare(
            project, chosen["coders"], chosen["codes"], args.with_subcodes, chosen["documents"],
            args.overlap,
        )  # fmt: skip
        data = agreement_json(project, report)
    if args.output:
        refuse_project_file(project.path, args.output, "the report")
        n = _write_csv(Path(args.output), data)
        print(f"Agreement for {plural(n - 1, 'code')} and overall written to {args.output}")
    elif args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _print_table(data)
    return 0


def _disagreement_rows(project: Project, args: argparse.Namespace) -> list[dict[str, Any]]:
    from annotator.app.comparison import disagreements

    if len(args.coders) != 2:
        raise InvalidInput(
            f"Name exactly two coders to list their disagreements, not {len(args.coders)}."
        )
    chosen = _choices(project, args)
    a, b = chosen["coders"]
    names = {c.id: c.name for c in project.coders()}
    titles = {d.id: d.title for d in project.documents()}
    tree = project.code_tree()
    texts: dict[str, str] = {}
    out = []
    for d in disagreements(project, a, b, chosen["codes"], chosen["documents"]):
        text = texts.get(d.document_id)
        if text is None:
            text = texts[d.document_id] = project.document_text(d.document_id)
        out.append({
            "document": titles[d.document_id], "document_id": d.document_id,
            "code": tree.path(d.code_id), "start": d.start, "end": d.end,
            "coders": {
                names[c]: [{"start": s, "end": e, "text": text[s:e]} for s, e in spans]
                for c, spans in d.spans.items()
            },
        })  # fmt: skip
    return out


def cmd_disagreements(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        rows = _disagreement_rows(project, args)
        coders = [project.find_coder(name).name for name in args.coders]
    if args.output:
        from annotator.io.tables.csv_files import write_csv

        refuse_project_file(project.path, args.output, "the disagreements")
        header = ["document", "code", "start", "end"]
        for c in coders:
            header += [f"{c} start", f"{c} end", f"{c} text"]
        records: list[list[str | int]] = []
        for row in rows:
            cells: list[str | int] = [row["document"], row["code"], row["start"], row["end"]]
            for c in coders:
                spans = row["coders"][c]
                if spans:  # several stretches of one coder in a region: first start, last end
                    cells += [
                        spans[0]["start"],
                        spans[-1]["end"],
                        " … ".join(s["text"] for s in spans),
                    ]
                else:
                    cells += ["", "", ""]
            records.append(cells)
        n = write_csv(Path(args.output), header, records)
        print(f"{plural(n, 'disagreement')} written to {args.output}")
    elif args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['document']}  {row['code']}  {row['start']}..{row['end']}")
            for c in coders:
                spans = row["coders"][c]
                shown = "; ".join(f"{s['start']}..{s['end']} {_quote(s['text'])}" for s in spans)
                print(f"  {c}: {shown or '(not coded)'}")
        print(plural(len(rows), "disagreement"))
    return 0


def _quote(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("project")
    p.add_argument("--coders", nargs="+", required=True, metavar="CODER", help="coder names")
    p.add_argument(
        "--code", nargs="+", action="extend", dest="codes", metavar="PATH",
        help="codes by path Parent/Child or name (default: every code)",
    )  # fmt: skip
    p.add_argument(
        "--document", nargs="+", action="extend", dest="documents", metavar="DOC",
        help="documents by title, file name or id (default: every document)",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("-o", "--output", metavar="FILE.csv", help="write a CSV file")


def register(sub: Subcommands) -> None:
    """The comparison commands: agreement, disagreements."""
    p = sub.add_parser("agreement", help="how far coders agree, per code and overall")
    _common(p)
    p.add_argument(
        "--with-subcodes", action="store_true",
        help="count a code's sub-codes' codings as the code's",
    )  # fmt: skip
    p.add_argument(
        "--overlap", type=float, default=0.9,
        help="share of the longer segment two segments must share to match (default 0.9)",
    )  # fmt: skip
    p.set_defaults(func=cmd_agreement)

    p = sub.add_parser("disagreements", help="every passage where two coders differ")
    _common(p)
    p.set_defaults(func=cmd_disagreements)
