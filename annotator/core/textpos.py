"""Conversion between the store's offsets (code points) and Qt's (UTF-16 code units).

Python ``str`` indices count code points; Qt's ``QTextCursor`` positions count
UTF-16 code units, in which every character outside the Basic Multilingual
Plane (most emoji, some CJK) counts two. The view converts at its boundary
through one ``OffsetMap`` per document and nowhere else.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts positions in one text; O(log k) per call for k astral characters."""

    __slots__ = ("_astral_cp", "_astral_u16", "length", "length_utf16")

    def __init__(self, text: str) -> None:
        # Code-point index of every astral character, and the same in UTF-16 units.
        self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_u16 = [cp + i for i, cp in enumerate(self._astral_cp)]
        self.length = len(text)
        self.length_utf16 = len(text) + len(self._astral_cp)

    @property
    def identity(self) -> bool:
        """True when both counts agree everywhere (no astral characters)."""
        return not self._astral_cp

    def to_utf16(self, cp: int) -> int:
        """UTF-16 position of code-point position ``cp`` (0 <= cp <= len(text))."""
        if not 0 <= cp <= self.length:
            raise ValueError(f"position {cp} is outside the text (0..{self.length})")
        return cp + bisect_left(self._astral_cp, cp)

    def to_codepoint(self, u16: int, *, round_up: bool = False) -> int:
        """Code-point position of UTF-16 position ``u16``.

        A position between the two halves of a surrogate pair is moved to the
        character's start, or past its end with ``round_up`` (for a selection's end).
        """
        if not 0 <= u16 <= self.length_utf16:
            raise ValueError(f"position {u16} is outside the text (0..{self.length_utf16})")
        k = bisect_left(self._astral_u16, u16)  # astral characters starting before u16
        if k > 0 and self._astral_u16[k - 1] + 1 == u16:
            # Inside a surrogate pair.
            return self._astral_cp[k - 1] + (1 if round_up else 0)
        return u16 - k
