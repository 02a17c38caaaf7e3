"""Turning a REFI-QDA selection's positions into offsets of the stored text.

The standard counts Unicode code points from 0 (``endPosition`` one past the last
character) in the source's plain text. NVivo counts UTF-16 code units instead: a
character outside the Basic Multilingual Plane (most emoji) counts two. On the
NVivo 12 sample (600,000 characters, ~890 emoji) almost every selection starts
at a line start when counted in UTF-16 and almost none when counted in code
points: the counting is a property of the producer, so it is chosen from the
file's ``origin`` (``counting_for``). For a producer we do not know, the counting
under which the selections begin and end on word boundaries wins
(``best_counting``), and the import says so.

Either way the positions count the text as the file holds it: a byte-order mark
is not counted (it is no character of the text) and CRLF counts as two (NVivo
for Windows writes CRLF). The store keeps the text with its line endings
normalised to ``\\n``, so a position is converted in two steps: producer units ->
code points of the file's text -> code points of the stored text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from typing import Literal

from annotator.core.textpos import OffsetMap

Counting = Literal["codepoint", "utf16"]

#: Producers known to count UTF-16 code units (the ``origin`` attribute starts so).
_UTF16_PRODUCERS = ("nvivo",)
#: Producers known to count code points, as the standard says.
_CODEPOINT_PRODUCERS = ("annotator", "atlas.ti", "maxqda", "qualcoder", "taguette", "quirkos")

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def counting_for(origin: str) -> Counting | None:
    """The counting a producer uses, from the ``origin`` it writes; None if unknown."""
    name = origin.strip().lower()
    if name.startswith(_UTF16_PRODUCERS):
        return "utf16"
    if name.startswith(_CODEPOINT_PRODUCERS):
        return "codepoint"
    return None


class PositionMap:
    """Converts one source's positions to offsets of its stored (normalised) text.

    ``raw`` is the source's text as the file holds it, byte-order mark removed.
    """

    def __init__(self, raw: str, counting: Counting) -> None:
        self.counting = counting
        self._units = OffsetMap(raw) if counting == "utf16" else None
        self.length = len(raw) + (len(_ASTRAL.findall(raw)) if counting == "utf16" else 0)
        # Where each CRLF's LF stands: the store keeps one character for the pair.
        self._crlf = [m.start() + 1 for m in re.finditer("\r\n", raw)]
        self.raw_length = len(raw)

    def to_stored(self, position: int, *, end: bool = False) -> int | None:
        """The stored offset for a position; None when it lies outside the text. A position
        inside a surrogate pair moves to the character's start (or, for an end, past it)."""
        if not 0 <= position <= self.length:
            return None
        cp = position if self._units is None else self._units.to_codepoint(position, round_up=end)
        # Each CRLF wholly before ``cp`` became one character; a position between CR and
        # LF lands after the (single) newline the pair became.
        return cp - bisect_left(self._crlf, cp)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        s, e = self.to_stored(start), self.to_stored(end, end=True)
        if s is None or e is None:
            return None
        return s, e


def on_boundary(text: str, position: int) -> bool:
    """Whether ``position`` does not cut a word: at either end, or not between two word
    characters (letters, digits, marks)."""
    if position <= 0 or position >= len(text):
        return True
    return not (_wordish(text[position - 1]) and _wordish(text[position]))


def _wordish(char: str) -> bool:
    return char.isalnum() or char == "_" or "\u0300" <= char <= "\u036f"


def boundary_share(text: str, spans: Iterable[tuple[int, int]]) -> float:
    """The share of span ends (starts and ends) on word boundaries (1.0 for no spans)."""
    hits = total = 0
    for start, end in spans:
        total += 2
        hits += on_boundary(text, start) + on_boundary(text, end)
    return hits / total if total else 1.0


def best_counting(raw: str, positions: list[tuple[int, int]]) -> tuple[Counting, float, float]:
    """For an unknown producer: the counting whose selections fall on word boundaries of
    ``raw`` more often, with both shares (code points first). Ties go to the standard's."""
    shares: dict[Counting, float] = {}
    for counting in ("codepoint", "utf16"):
        pm = PositionMap(raw, counting)
        spans = []
        for start, end in positions:
            s = pm.to_stored(start)
            e = pm.to_stored(end, end=True)
            if s is not None and e is not None:
                spans.append((s, e))
        normal = raw.replace("\r\n", "\n")
        placed = len(spans) / len(positions) if positions else 1.0
        shares[counting] = boundary_share(normal, spans) * placed
    choice: Counting = "utf16" if shares["utf16"] > shares["codepoint"] else "codepoint"
    return choice, shares["codepoint"], shares["utf16"]
