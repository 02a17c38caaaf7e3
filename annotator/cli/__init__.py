"""The command line: the same operations as the GUI, without Qt (``annotator.app``).

Every error prints one line to stderr and exits non-zero. With no subcommand, or
``annotator gui [PROJECT]``, the desktop app starts. Each group of commands lives
in its own module with a ``register(sub)`` that adds its parsers.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence

from annotator.cli import agreement, exchange, merge, project_commands, reliability
from annotator.cli.common import BUSY_TIMEOUT, PROG, OneLineParser, plural
from annotator.core.errors import AnnotatorError

__all__ = ["BUSY_TIMEOUT", "build_parser", "main", "plural"]

#: Modules whose ``register(sub)`` adds commands, in the order ``--help`` lists them.
COMMAND_MODULES = [project_commands, exchange, merge, reliability, agreement]


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="Qualitative coding of source texts.")
    sub = parser.add_subparsers(dest="command", parser_class=OneLineParser)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui", *([] if argv is None else list(argv))])
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # so a closed pipe shows here, not at interpreter exit
        return code
    except AnnotatorError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`annotator info p.sqlite | head -1`): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:
        print(
            f"{PROG}: error: {err.strerror or err}: {err.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 1
    except (
        sqlite3.Error
    ) as err:  # the file failed under us (disk, permissions): one line, no traceback
        print(f"{PROG}: error: the project file failed: {err}.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
