"""What the REFI-QDA readers and writers share: our origin, derived GUIDs, times,
progress and cancel, and writing a file so that a failure leaves the target as it was."""

from __future__ import annotations

import os
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


def derived_guid(kind: str, entity_id: str) -> str:
    """A stable GUID for something belonging to ``entity_id`` ("memo", "selection", ...)."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{entity_id}"))


def check_cancel(cancel: Cancel | None, what: str) -> None:
    if cancel is not None and cancel():
        raise ExchangeCancelled(f"{what} was cancelled; nothing was written.")


def read_time(value: str | None) -> str | None:
    """An ISO 8601 time from a file (with or without zone and fractions; without a zone
    it is UTC) in our stored form ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; None if unreadable."""
    if not value:
        return None
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


@contextmanager
def replacing(target: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside ``target`` that becomes ``target`` (``os.replace``) when the
    block ends without an error; on an error (or a cancel) it is removed and ``target``
    is untouched."""
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
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
