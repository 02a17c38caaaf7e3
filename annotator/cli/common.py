"""What every command shares: opening a project, waiting for a busy one, one-line usage errors."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import NoReturn

from annotator.core.text import plural
from annotator.store import Project

__all__ = [
    "BUSY_TIMEOUT",
    "PROG",
    "OneLineParser",
    "Subcommands",
    "busy_timeout",
    "open_project",
    "plural",
]

PROG = "annotator"
#: Seconds a command waits for another program (the app, another command) that is
#: writing the project, before it says who holds it and gives up without changing anything.
BUSY_TIMEOUT = 15.0


def busy_timeout() -> float:
    """``ANNOTATOR_BUSY_TIMEOUT`` (seconds) lets a script wait longer or fail faster."""
    try:
        return max(0.0, float(os.environ.get("ANNOTATOR_BUSY_TIMEOUT", BUSY_TIMEOUT)))
    except ValueError:
        return BUSY_TIMEOUT


def open_project(path: str) -> Project:
    return Project.open(Path(path), busy_timeout=busy_timeout())


class OneLineParser(argparse.ArgumentParser):
    """Usage mistakes, like every other error, are one line on stderr (exit 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


#: The ``add_subparsers`` action every command module registers its commands on.
Subcommands = argparse._SubParsersAction
