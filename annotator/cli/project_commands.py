"""The project commands: create, inspect, import into, code and back up a project.

The same operations as the GUI, without Qt (``annotator.app``); every command that
writes does so in store actions (transactions), so nothing half-written remains.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from annotator.app import operations
from annotator.app.session import Session
from annotator.cli.common import PROG, OneLineParser, Subcommands, open_project, plural
from annotator.core.codebook import split_path
from annotator.core.errors import InvalidInput
from annotator.io import locations
from annotator.io.codebook_docs.formats import (
    CODEBOOK_FORMATS,
    DEFAULT_FORMAT,
    export_codebook_as,
    import_codebook_file,
)
from annotator.store import Project


def cmd_new(args: argparse.Namespace) -> int:
    Project.create(Path(args.project)).close()
    print(f"Created {args.project}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from annotator.io.demo import build_demo
    from annotator.io.example_coders import build_example_project

    path = Path(args.project) if args.project else locations.default_project()
    if path.exists():
        if not args.force:
            raise InvalidInput(f"{path} already exists (use --force to rebuild it).")
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
    project = build_example_project(path) if args.example_coders else build_demo(path)
    docs, codes = len(project.documents()), len(project.codes())
    extra = ""
    if args.example_coders:
        coders = project.coders()
        extra = (
            f", {plural(len(coders), 'example coder')} ({', '.join(c.name for c in coders)}), "
            f"{plural(len(project.codings()), 'coding')}"
        )
    project.close()
    print(f"Built {path}: {docs} documents, {codes} codes{extra}")
    return 0


def project_info(project: Project) -> dict[str, object]:
    tree = project.code_tree()
    counts = project.code_counts()
    return {
        "path": str(project.path),
        "schema_version": project.schema_version,
        "documents": [
            {
                "id": d.id,
                "title": d.title,
                "source": d.source_name,
                "format": d.format,
                "characters": d.length,
                "codings": d.codings,
                "attributes": d.attributes,
            }
            for d in project.documents()
        ],
        "coders": [{"id": c.id, "name": c.name} for c in project.coders()],
        "codes": [
            {
                "id": c.id,
                "path": tree.path(c.id),
                "level": tree.level(c.id),
                "color": c.color,
                "codings": counts.get(c.id, (0, 0))[0],
                "documents": counts.get(c.id, (0, 0))[1],
            }
            for c in tree.walk()
        ],
        "codings": len(project.codings()),
    }


def cmd_info(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        info = project_info(project)
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    docs = info["documents"]
    codes = info["codes"]
    coders = info["coders"]
    assert isinstance(docs, list) and isinstance(codes, list) and isinstance(coders, list)
    print(f"{info['path']} (schema {info['schema_version']})")
    print(
        ", ".join(
            plural(n, what)
            for n, what in (
                (len(docs), "document"),
                (len(codes), "code"),
                (len(coders), "coder"),
                (int(str(info["codings"])), "coding"),
            )
        )
    )
    for d in docs:
        print(f"  {d['title']}  [{d['source']}, {d['characters']} chars, {d['codings']} codings]")
    if coders:
        print("Coders: " + ", ".join(str(c["name"]) for c in coders))
    for c in codes:
        indent = "  " * int(str(c["level"]))
        print(f"{indent}{split_path(str(c['path']))[-1]} ({c['codings']})")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.io.files import display_name
    from annotator.io.sources.batch import import_files

    files = [Path(f) for f in args.files]
    formats = {f.name: args.format for f in files} if args.format else None
    with open_project(args.project) as project:
        report = import_files(project, files, formats=formats)
    for doc in report.imported:
        print(
            f"Imported {display_name(doc.source_name)} as '{doc.title}' ({len(doc.text)} characters)"
        )
    for path, note in report.notes:
        print(f"Note: {display_name(path.name)}: {note}")
    for path, msg in report.duplicates:
        print(f"Skipped {display_name(path.name)}: {msg}", file=sys.stderr)
    for _path, msg in report.failed:
        print(f"{PROG}: error: {msg}", file=sys.stderr)
    return 0 if not report.failed else 1


def cmd_coders(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        if args.coders_command == "add":
            coder = project.add_coder(args.name)
            print(coder.id)
        else:
            for c in project.coders():
                print(f"{c.name}\t{c.id}")
    return 0


def cmd_codebook(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        if args.codebook_command == "import":
            report = import_codebook_file(project, Path(args.file))
            print(f"Codebook imported from {args.file}: {report}")
        else:
            export_codebook_as(project, Path(args.output), args.format)
            print(f"Codebook written to {args.output}")
    return 0


def _add_codebook_commands(sub: Subcommands) -> None:
    """``codebook import PROJECT FILE`` (CSV or .qdc, by extension) and ``codebook export PROJECT [--format F] -o FILE``."""
    p = sub.add_parser(
        "codebook",
        help="import the codebook from CSV or .qdc, or export it as CSV, .qdc or a document",
    )
    csub = p.add_subparsers(dest="codebook_command", required=True, parser_class=OneLineParser)
    q = csub.add_parser(
        "import", help="create or update codes from a codebook CSV or a REFI-QDA .qdc"
    )
    q.add_argument("project")
    q.add_argument("file")
    names = ", ".join(f"{k} ({v.label})" for k, v in CODEBOOK_FORMATS.items())
    q = csub.add_parser("export", help=f"write the codebook as {names}")
    q.add_argument("project")
    q.add_argument("-o", "--output", required=True, help="the file to write")
    q.add_argument(
        "--format",
        choices=list(CODEBOOK_FORMATS),
        help=f"default: from the output's extension, else {DEFAULT_FORMAT}",
    )
    p.set_defaults(func=cmd_codebook)


def cmd_segments(args: argparse.Namespace) -> int:
    from annotator.io.tables.segments_csv import export_segments, import_segments

    with open_project(args.project) as project:
        if args.segments_command == "import":
            report = import_segments(project, Path(args.file))
            print(f"Segments imported from {args.file}: {report}")
        else:
            n = export_segments(project, Path(args.output))
            print(f"{plural(n, 'segment')} written to {args.output}")
    return 0


def cmd_code(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        doc = project.find_document(args.document)
        code = project.find_code(args.code)
        coder = project.find_coder(args.coder)
        if args.quote is not None:
            if args.start is not None or args.end is not None:
                raise InvalidInput("Give either --quote or --start/--end, not both.")
            start, end = operations.find_quote(
                project.document_text(doc.id), args.quote, args.occurrence
            )
        elif args.start is None or args.end is None:
            raise InvalidInput("Give --start and --end, or --quote.")
        else:
            start, end = args.start, args.end
        # As in the window: the coder acts (the history names them), one step named once.
        session = Session(project)
        session.set_active_coder(coder.id)
        coded = operations.code_span(
            session, doc.id, start, end, code_id=code.id, memo=args.memo or ""
        )
    print(coded.coding.id)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from annotator.store.backups import backup_folder, rolling_backup, save_copy

    with open_project(args.project) as project:
        if args.output:
            path = save_copy(project, Path(args.output))
            print(f"Copy written to {path}")
        else:
            made = rolling_backup(project, keep=args.keep)
            if made is None:
                print(
                    f"Unchanged since the newest backup in {backup_folder(project.path)}; none made."
                )
            else:
                print(f"Backed up to {made}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from annotator.io.tables.audit import audit_rows, export_audit

    with open_project(args.project) as project:
        if args.output:
            n = export_audit(project, Path(args.output))
            print(f"{plural(n, 'step')} written to {args.output}")
            return 0
        rows = audit_rows(project)
    if args.json:
        from annotator.io.tables.audit import COLUMNS

        print(
            json.dumps(
                [dict(zip(COLUMNS, r, strict=True)) for r in rows], indent=2, ensure_ascii=False
            )
        )
        return 0
    for step, at, who, label, _kind, what, state, _undoable in (
        rows[-args.last :] if args.last else rows
    ):
        flag = f" [{state}]" if state in ("undone", "dropped") else ""
        print(
            f"{step:>6}  {str(at)[:19].replace('T', ' ')}  {who or '-':<12}  {label}  ({what}){flag}"
        )
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    # Imported here so the CLI itself never needs Qt (or a display).
    from annotator.ui.shell.app import run_app

    return run_app(getattr(args, "project", None))


def _add_csv_commands(sub: argparse._SubParsersAction, name: str, help: str, func: object) -> None:
    """``NAME import PROJECT FILE`` and ``NAME export PROJECT -o FILE``."""
    p = sub.add_parser(name, help=help)
    csub = p.add_subparsers(dest=f"{name}_command", required=True, parser_class=OneLineParser)
    q = csub.add_parser("import")
    q.add_argument("project")
    q.add_argument("file")
    q = csub.add_parser("export")
    q.add_argument("project")
    q.add_argument("-o", "--output", required=True)
    p.set_defaults(func=func)


def register(sub: Subcommands) -> None:
    """The project commands: gui, new, demo, info, import, coders, codebook, segments, backup, history, code."""

    p = sub.add_parser("gui", help="open the desktop app (the default)")
    p.add_argument("project", nargs="?", help="project file (default: the bundled corpus project)")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("new", help="create an empty project file")
    p.add_argument("project")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("demo", help="build the project of the bundled corpus and starter codebook")
    p.add_argument("project", nargs="?", help=f"default: {locations.default_project()}")
    p.add_argument("--force", action="store_true", help="rebuild it if it exists")
    p.add_argument(
        "--example-coders",
        action="store_true",
        help="add two example coders' codings of two texts, to compare and settle",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("info", help="summarise a project")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("import", help="import source files (txt, md, docx, pdf, html, odt, rtf)")
    p.add_argument("project")
    p.add_argument("files", nargs="+")
    p.add_argument("--format", help="treat every file as this format (e.g. md)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("coders", help="list or add coders")
    csub = p.add_subparsers(dest="coders_command", required=True, parser_class=OneLineParser)
    q = csub.add_parser("add")
    q.add_argument("project")
    q.add_argument("name")
    q = csub.add_parser("list")
    q.add_argument("project")
    p.set_defaults(func=cmd_coders)

    _add_codebook_commands(sub)
    _add_csv_commands(sub, "segments", "import or export coded segments as CSV", cmd_segments)

    p = sub.add_parser(
        "backup", help="back the project up (consistent even while the app has it open)"
    )
    p.add_argument("project")
    p.add_argument(
        "-o", "--output", help="write the copy here (default: a rolling backup in NAME.backups/)"
    )
    p.add_argument("--keep", type=int, default=5, help="rolling backups to keep (default 5)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("history", help="the audit trail: every step, who took it and when")
    p.add_argument("project")
    p.add_argument("-o", "--output", help="write it as CSV")
    p.add_argument("--json", action="store_true")
    p.add_argument("--last", type=int, help="only the last N steps")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("code", help="apply a code to a passage; prints the new coding's id")
    p.add_argument("project")
    p.add_argument("--document", required=True, help="title, file name or id")
    p.add_argument("--code", required=True, help="name, path Parent/Child, or id")
    p.add_argument("--coder", required=True, help="coder name (see 'annotator coders add')")
    p.add_argument("--start", type=int)
    p.add_argument("--end", type=int)
    p.add_argument("--quote", help="the passage's text, instead of offsets")
    p.add_argument("--occurrence", type=int, help="which occurrence of the quote (1-based)")
    p.add_argument("--memo")
    p.set_defaults(func=cmd_code)
