"""What the REFI-QDA readers and writers share: our origin, derived GUIDs, times,
progress and cancel, and writing a file so that a failure leaves the target as it was."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from annotator import __version__
from annotator.core.errors import AnnotatorError, InvalidInput

ORIGIN = f"Annotator {__version__}"

#: ``progress(done, total)``: called now and then during long work (a GUI's progress bar).
Progress = Callable[[int, int], None]
#: ``cancel()``: asked now and then; True stops the work, which then leaves nothing behind.
Cancel = Callable[[], bool]

#: Namespace of the name-based GUIDs we derive for things that have no id of their own
#: (a code's memo note, a coding's selection, a variable): the same input, the same GUID.
GUID_NAMESPACE = uuid.UUID("6f1b3c52-6d2e-4f0a-9a57-3d8f0e1c2b7a")


class ExchangeCancelled(AnnotatorError):
    """The export or import was cancelled; nothing was written."""


_NAMESPACE_BYTES = GUID_NAMESPACE.bytes


def derived_guid(kind: str, entity_id: str) -> str:
    """A stable GUID for something belonging to ``entity_id`` ("memo", "selection", ...):
    ``uuid.uuid5`` computed directly (the uuid module's version costs 10 µs a call, and an
    export derives one per coding)."""
    digest = bytearray(
        hashlib.sha1(_NAMESPACE_BYTES + f"{kind}:{entity_id}".encode()).digest()[:16]
    )
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


#: Our own stored form of a time, which needs no parsing (most times in our own files).
_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
#: A GUID already in the form we store (lower case, no braces).
_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def uuid_of(key: str) -> str | None:
    """``key`` (a ``guid_key``) as a lower-case UUID, or None: the fast path of
    ``codebook_plan.canonical_uuid`` for the form nearly every GUID already has."""
    if _CANONICAL.fullmatch(key):
        return key
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return None


def check_cancel(cancel: Cancel | None, what: str) -> None:
    if cancel is not None and cancel():
        raise ExchangeCancelled(f"{what} was cancelled; nothing was written.")


def read_time(value: str | None) -> str | None:
    """An ISO 8601 time from a file (with or without zone and fractions; without a zone
    it is UTC) in our stored form ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; None if unreadable."""
    if not value:
        return None
    if _STORED_TIME.fullmatch(value):
        return value
    return _parse_time(value)


@functools.lru_cache(maxsize=4096)
def _parse_time(value: str) -> str | None:
    text = value.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _umask() -> int:
    """The process's umask, read without changing it (``os.umask`` sets it to read it,
    which another thread creating a file at that moment would feel)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


@contextmanager
def replacing(target: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside ``target`` that becomes ``target`` (``os.replace``) when the
    block ends without an error; on an error (or a cancel) it is removed and ``target``
    is untouched."""
    if target.is_symlink():  # write the file the link points to, and keep the link
        target = Path(os.path.realpath(target))
    folder = target.parent
    if target.is_dir():
        raise InvalidInput(f"{target.name} is a folder; give a file name to write.")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except FileNotFoundError as err:
        raise InvalidInput(
            f"Cannot write {target.name}: the folder {folder} does not exist."
        ) from err
    except PermissionError as err:
        raise InvalidInput(
            f"Cannot write {target.name}: the folder {folder} is not writable."
        ) from err
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); an exchange file is for sharing: the mode
        # a file gets here, or the one the file being replaced had.
        os.chmod(temp, _mode_for(target))
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
