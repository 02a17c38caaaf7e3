"""``annotator merge TARGET SOURCE... [--dry-run]``: bring coders' copies into one project.

The same preview and merge as the window (``annotator.app.merge``): the summary says
what is added and what conflicts; ``--dry-run`` opens the target read-only and writes
nothing. The merge itself is one step in the project's history.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from annotator.app.merge import MergePreview, merge, preview_merge, summary_lines
from annotator.app.session import Session
from annotator.cli.common import Subcommands, busy_timeout
from annotator.store import Project


def _as_json(preview: MergePreview, *, done: bool) -> str:
    return json.dumps(
        {
            "target": preview.target,
            "written": done and not preview.writes_nothing,
            "sources": [
                {
                    "source": plan.source,
                    "adds": plan.added(),
                    "already_there": dict(plan.present),
                    "matched": [dataclasses.asdict(m) for m in plan.matches],
                    "conflicts": [dataclasses.asdict(c) for c in plan.conflicts],
                }
                for plan in preview.plans
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


def cmd_merge(args: argparse.Namespace) -> int:
    target = Path(args.target)
    with Project.open(target, read_only=args.dry_run, busy_timeout=busy_timeout()) as project:
        if args.dry_run:
            preview = preview_merge(project, args.sources, restore_deleted=args.restore_deleted)
        else:
            preview = merge(Session(project), args.sources, restore_deleted=args.restore_deleted)
    done = not args.dry_run
    print(
        _as_json(preview, done=done) if args.json else "\n".join(summary_lines(preview, done=done))
    )
    return 0


def register(sub: Subcommands) -> None:
    """The merge command."""
    p = sub.add_parser(
        "merge",
        help="bring other copies' documents, codes, coders, codings and memos into a project",
        description=(
            "Merge each SOURCE project into TARGET, in one step: what TARGET lacks is added; "
            "where both differ TARGET keeps its own and the conflict is listed."
        ),
    )
    p.add_argument("target", metavar="TARGET", help="the project to merge into")
    p.add_argument("sources", metavar="SOURCE", nargs="+", help="a coder's copy (read only)")
    p.add_argument(
        "--dry-run", action="store_true", help="show what would be added and what conflicts"
    )
    p.add_argument(
        "--restore-deleted",
        action="store_true",
        help="bring back what TARGET deleted (by default it stays deleted)",
    )
    p.add_argument("--json", action="store_true", help="the summary as JSON")
    p.set_defaults(func=cmd_merge)
