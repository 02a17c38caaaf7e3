"""Reading structured source files in a worker process that is killed, not waited for.

Why: the parsers behind PDF, Word, OpenDocument, Rich Text, HTML and Markdown
(pypdf, python-docx, lxml, striprtf, markdown-it) are large libraries written
for well-formed files. A small damaged or hostile file can keep one busy for
minutes (a 70 KB PDF held pypdf for two; markdown-it is quadratic on a storm of
``![``) or make it allocate gigabytes, and a Python thread cannot be stopped
from outside. A process can. The extractors keep their own limits (sizes, tag
counts, characters, pages, seconds): this is the second line of defence, for
whatever those limits did not foresee.

How: ``IsolatedReader`` starts one worker process and hands it files one at a
time: the path and format go over a pipe, the worker runs ``extract.extract``
and sends back the ``ExtractedSource`` or the refusal. The parent waits at most
``DEADLINE_SECONDS`` per file, checking the caller's cancel flag meanwhile;
past the deadline, or on cancel, it kills the worker. The worker caps its own
address space (``RLIMIT_AS``, ``MEMORY_LIMIT_BYTES``), so a parser that grows
without end gets a ``MemoryError`` (or dies) instead of swapping the machine;
the worker sends its output to /dev/null, so a library that prints (odfpy did)
never reaches the terminal. A killed or dead worker is replaced by a fresh one
for the next file; one that is fine serves the whole batch (starting one costs
a few tenths of a second, most of it importing the parsers).

The worker is started with the 'spawn' method, never 'fork': the GUI process
runs Qt threads, and a forked copy of a process with threads can deadlock on a
lock some other thread held. As always with 'spawn', the worker imports the
program's main module, so a script that imports files must keep its work under
``if __name__ == "__main__":``. Where no worker can be started at all (no new
processes allowed, a main module that cannot be imported again), files are read
in the calling process with the extractors' own limits, and a warning is logged. Plain text is read in the calling process: its
decoding is linear and bounded by the file size limit, and a round trip to the
worker would cost more than the decoding (the import benchmark reads 100 such
files).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from annotator.core import errors
from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.io.files import display_name
from annotator.io.sources.extract import ExtractedSource, extract

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

log = logging.getLogger(__name__)

#: Longest one file may take to read, in seconds. A real source of any format reads in
#: well under a few seconds; a file still being read after this is stalling its parser.
DEADLINE_SECONDS = 20.0
#: Address space the worker may use (bytes). The extractors' own limits keep a real
#: document to a few hundred MB; the interpreter and its libraries take some 300 MB of
#: address space before reading anything.
MEMORY_LIMIT_BYTES = 2 * 1024**3
#: Longest a fresh worker may take to start (import the parsers), in seconds: generous,
#: because the machine may be busy; the per-file deadline starts only once it is ready.
START_SECONDS = 60.0
#: How often the parent looks at the caller's cancel flag while it waits, in seconds.
POLL_SECONDS = 0.05

#: Formats read in the calling process (see the module docstring).
IN_PROCESS_FORMATS = frozenset({"txt"})


class Cancelled(Exception):
    """The caller's cancel check asked to stop while a file was being read (the worker was killed)."""


class IsolatedReader:
    """Reads files in a worker process with a deadline and a memory cap; see the module docstring.

    Use as a context manager (or call ``close``) so the worker ends with the batch.
    ``cancelled`` is polled while waiting; when it returns True the worker is killed
    and ``extract`` raises ``Cancelled``.
    """

    def __init__(
        self,
        *,
        deadline: float = DEADLINE_SECONDS,
        memory_limit: int | None = MEMORY_LIMIT_BYTES,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self.deadline = deadline
        self.memory_limit = memory_limit
        self.cancelled = cancelled
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        #: Set when no worker process can be started here: files are then read in this
        #: process, with only the extractors' own limits.
        self._unavailable = False

    def __enter__(self) -> IsolatedReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------

    def extract(self, path: Path, format: str) -> ExtractedSource:
        """``extract.extract(path, format=format)``, run in the worker.

        Raises ``InvalidInput`` naming the file when it is refused, takes longer than
        the deadline, or exhausts the worker's memory; ``Cancelled`` when the cancel
        check asked to stop.
        """
        path = Path(path)
        name = display_name(path.name or path)
        conn = self._worker()
        if conn is None:
            return extract(path, format=format)
        try:
            conn.send((os.fspath(path), format))
        except OSError:  # the worker died between two files
            self._kill()
            conn = self._worker()
            if conn is None:
                return extract(path, format=format)
            conn.send((os.fspath(path), format))
        reply = self._wait(conn, self.deadline, name)
        return self._result(reply, name)

    def _wait(self, conn: Connection, seconds: float, name: str) -> tuple[str, Any]:
        """The worker's next message; kills it on deadline, cancel or death."""
        limit = time.monotonic() + seconds
        while True:
            if self.cancelled is not None and self.cancelled():
                self._kill()
                raise Cancelled()
            remaining = limit - time.monotonic()
            if remaining <= 0:
                self._kill()
                raise InvalidInput(
                    f"{name} took longer than {seconds:.0f} s to read; "
                    "it may be damaged or built to stall readers."
                )
            try:
                if conn.poll(min(remaining, POLL_SECONDS)):
                    reply: tuple[str, Any] = conn.recv()
                    return reply
            except (EOFError, OSError):
                pass  # the worker is gone: said below
            else:
                process = self._process
                if process is not None and process.is_alive():
                    continue
                if conn.poll(0):  # it wrote its answer, then ended
                    continue
            code = self._process.exitcode if self._process is not None else None
            self._kill()
            raise InvalidInput(self._died(name, code))

    def _result(self, reply: tuple[str, Any], name: str) -> ExtractedSource:
        status, value = reply
        if status == "ok":
            assert isinstance(value, ExtractedSource)
            return value
        if status == "refused":
            kind, message = value
            error = getattr(errors, kind, InvalidInput)
            if not (isinstance(error, type) and issubclass(error, AnnotatorError)):
                error = InvalidInput
            raise error(message)
        if status == "memory":
            self._kill()  # its heap may be exhausted or in pieces: the next file gets a fresh one
            raise InvalidInput(
                f"{name} needs more than {self._limit_text()} of memory to read; "
                "it may be damaged or built to exhaust memory."
            )
        # Anything else escaping extract() is a bug, as it would be in this process.
        self._kill()
        raise RuntimeError(f"Reading {name} failed in the worker process: {value}")

    def _died(self, name: str, code: int | None) -> str:
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return (
            f"{name} made the reader stop ({how}); it may be damaged or built to exhaust "
            f"memory (the limit is {self._limit_text()})."
        )

    def _limit_text(self) -> str:
        if self.memory_limit is None:
            return "the memory available"
        if self.memory_limit >= 1024**3:
            return f"{self.memory_limit / 1024**3:g} GB"
        return f"{self.memory_limit / 1024**2:.0f} MB"

    # -- the worker's life -------------------------------------------------------------

    def _worker(self) -> Connection | None:
        """The connection to a ready worker, starting one if needed (None: none can start)."""
        if self._unavailable:
            return None
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self._kill()
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve, args=(child, self.memory_limit), name="annotator-reader", daemon=True
        )
        try:
            process.start()
        except OSError as err:  # no processes to be had here (a sandbox, a limit on processes)
            log.warning(
                "Reading files without a worker process (%s): no deadline or memory cap", err
            )
            parent.close()
            child.close()
            self._unavailable = True
            return None
        child.close()
        self._process, self._conn = process, parent
        try:
            status, _ = self._wait(parent, START_SECONDS, "the reader")
        except InvalidInput as err:
            log.warning(
                "Reading files without a worker process (%s): no deadline or memory cap", err
            )
            self._unavailable = True
            return None
        assert status == "ready"
        return parent

    def _kill(self) -> None:
        """End the worker now, whatever it is doing."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5)
            if process.exitcode is not None:
                process.close()  # frees its pipe to the process at once, not at garbage collection
        if conn is not None:
            conn.close()

    def close(self) -> None:
        """Let the worker finish and end (killing it if it does not)."""
        process, conn = self._process, self._conn
        if process is not None and conn is not None and process.is_alive():
            try:
                conn.send(None)
                process.join(2)
            except OSError:
                pass
        self._kill()


def _serve(conn: Connection, memory_limit: int | None) -> None:
    """The worker: read each requested file, reply, until told to stop (``None``)."""
    _cap_memory(memory_limit)
    _silence()
    # Import the parsers now, once, rather than within the first file's deadline.
    from annotator.io.sources import markup as extract_markup  # noqa: F401
    from annotator.io.sources import office as extract_office  # noqa: F401
    from annotator.io.sources import pdf as extract_pdf  # noqa: F401

    for module in ("docx", "pypdf", "bs4", "lxml.etree", "markdown_it", "striprtf.striprtf"):
        with contextlib.suppress(ImportError):  # then that format is refused when asked for
            __import__(module)
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        path, fmt = request
        reply: tuple[str, Any]
        try:
            reply = ("ok", extract(Path(path), format=fmt))
        except AnnotatorError as err:
            reply = ("refused", (type(err).__name__, str(err)))
        except MemoryError:
            reply = ("memory", None)
        except Exception as err:  # a bug: reported as such by the parent
            reply = ("bug", f"{type(err).__name__}: {err}")
        try:
            conn.send(reply)
        except MemoryError:
            return  # the parent sees the worker end and says why
        if reply[0] == "memory":
            return


def _cap_memory(limit: int | None) -> None:
    """Limit this process's address space to ``limit`` bytes where the system allows it."""
    if limit is None:
        return
    try:
        import resource
    except ImportError:  # Windows: no such limit; the extractors' own limits remain
        return
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (ValueError, OSError):  # macOS refuses RLIMIT_AS: carry on without it
        pass


def _silence() -> None:
    """Send this process's output to /dev/null: libraries that print must not reach the user."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the process)
