"""Text invariants shared by import and store: line endings and fingerprints."""

from __future__ import annotations

import hashlib


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so offsets mean the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def fingerprint(text: str) -> str:
    """sha256 of the stored (normalised) text: how duplicate imports are recognised."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_line_title(text: str, limit: int = 120) -> str:
    """A title from the first non-blank line, shortened at a word boundary."""
    for line in text.split("\n"):
        line = " ".join(line.strip().strip("#*_ ").split())
        if line:
            if len(line) <= limit:
                return line
            cut = line.rfind(" ", 0, limit)
            return line[: cut if cut > limit // 2 else limit].rstrip() + "…"
    return "Untitled"


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is one ("1 coder", "3 coders"), with
    thousands separated ("25,000 codings"), as every message and summary counts things."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"
