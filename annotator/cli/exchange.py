"""REFI-QDA on the command line: ``annotator qdpx export|import`` and ``annotator qdc export|import``.

The same functions as the window's File menu (``annotator.io.refi``). Each prints a
summary afterwards: what came in or went out, what was skipped and why.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.cli.common import OneLineParser, Subcommands, open_project, plural
from annotator.io.refi import export_qdc, export_qdpx, import_qdc, import_qdpx
from annotator.io.refi.common import Progress


def cmd_qdpx(args: argparse.Namespace) -> int:
    if args.qdpx_command == "export":
        with open_project(args.project) as project:
            written = export_qdpx(project, Path(args.output), progress=_progress(args))
        print(f"Exported {args.output}: {written}")
        return 0
    report = import_qdpx(Path(args.file), Path(args.output), progress=_progress(args))
    print(f"Created {args.output} from {args.file}: {report}")
    return 0


def cmd_qdc(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        if args.qdc_command == "export":
            count = export_qdc(project, Path(args.output))
            print(f"Exported {plural(count, 'code')} to {args.output}")
            return 0
        report = import_qdc(project, Path(args.file))
    print(f"Imported {args.file}: {report}")
    return 0


def _progress(args: argparse.Namespace) -> Progress | None:
    """With ``--progress``, "done/total" on stderr as the work goes (for scripts that show it)."""
    if not args.progress:
        return None

    def show(done: int, total: int) -> None:
        print(f"{done}/{total}", file=sys.stderr, flush=True)

    return show


def register(sub: Subcommands) -> None:
    """qdpx export PROJECT -o FILE.qdpx; qdpx import FILE.qdpx -o PROJECT;
    qdc export PROJECT -o FILE.qdc; qdc import PROJECT FILE.qdc."""
    p = sub.add_parser(
        "qdpx", help="exchange whole projects with NVivo, ATLAS.ti, MAXQDA (REFI-QDA)"
    )
    psub = p.add_subparsers(dest="qdpx_command", required=True, parser_class=OneLineParser)
    q = psub.add_parser("export", help="write the project as a .qdpx")
    q.add_argument("project")
    q.add_argument("-o", "--output", required=True, help="the .qdpx to write")
    q.add_argument("--progress", action="store_true", help="report progress on stderr")
    q = psub.add_parser("import", help="open a .qdpx as a new project")
    q.add_argument("file", help="the .qdpx to read")
    q.add_argument("-o", "--output", required=True, help="the new project file")
    q.add_argument("--progress", action="store_true", help="report progress on stderr")
    p.set_defaults(func=cmd_qdpx)

    p = sub.add_parser(
        "qdc", help="exchange codebooks with NVivo, ATLAS.ti, MAXQDA (REFI-QDA .qdc)"
    )
    csub = p.add_subparsers(dest="qdc_command", required=True, parser_class=OneLineParser)
    q = csub.add_parser("export", help="write the codebook as a .qdc")
    q.add_argument("project")
    q.add_argument("-o", "--output", required=True, help="the .qdc to write")
    q = csub.add_parser("import", help="bring a .qdc's codes into the project (one undo step)")
    q.add_argument("project")
    q.add_argument("file", help="the .qdc to read")
    p.set_defaults(func=cmd_qdc)
