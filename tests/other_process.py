"""Another process holding a project, for tests of what a second program sees.

``holding_write_lock(path)`` keeps a write transaction open (as a busy CLI or sqlite3
shell would); ``editing_in_a_window(path)`` claims the project for editing (as a
second Annotator window would). Each yields the process once it holds what it must,
and ends it when the block ends.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path


@contextmanager
def _holding(code: str) -> Iterator[subprocess.Popen[str]]:
    """Run ``code`` (which prints "ready" when it holds the project, then waits on stdin)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield holder
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


def holding_write_lock(path: Path) -> AbstractContextManager[subprocess.Popen[str]]:
    return _holding(f"""
        import sqlite3, sys
        conn = sqlite3.connect({str(path)!r}, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO settings VALUES ('k', 'v')")
        print("ready", flush=True)
        sys.stdin.read()
    """)


def editing_in_a_window(path: Path) -> AbstractContextManager[subprocess.Popen[str]]:
    return _holding(f"""
        import sys
        from annotator.store import Project
        p = Project.open({str(path)!r})
        assert p.claim_editor()
        print("ready", flush=True)
        sys.stdin.read()
    """)
