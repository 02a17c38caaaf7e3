"""Writing a document file whole or not at all.

The bytes go to a fresh file next to the destination (same folder, so the final
``os.replace`` is atomic), are flushed to disk, and only then take the
destination's name: a failed or interrupted export never leaves half a document
where the researcher expects the previous one or a complete new one.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from annotator.core.errors import InvalidInput
from annotator.io.files import display_name


def write_atomically(path: str | Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write`` with a binary file that becomes ``path`` once it has succeeded.

    Any OS error (a missing folder, no permission, a full disk, ``path`` being a
    folder) is one ``InvalidInput`` naming the file; the destination is untouched.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        # "x": a name nobody else has, created with the user's normal permissions.
        with tmp.open("xb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as err:
        raise InvalidInput(f"Cannot write {display_name(path)}: {err.strerror or err}.") from err
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_text_atomically(path: str | Path, text: str) -> None:
    """``text`` as UTF-8 (no byte-order mark: Markdown and HTML tools do not want one)."""
    data = text.encode("utf-8")
    write_atomically(path, lambda fh: fh.write(data))
