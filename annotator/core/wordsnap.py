"""Snap a text selection to whole words, and step word by word.

Researchers code meaning, and meaning comes in words: a drag that starts in the
middle of "governance" or ends on the space after it should code the word, not
"overnance ". ``snap_to_words`` widens a span to the words it touches and trims
the white space and punctuation around it. The step functions move a coding's
boundary by one word for keyboard resizing.

What counts as a word character: Unicode letters and digits, combining marks
attached to them (Arabic vowel signs, accents typed as two code points), and an
apostrophe or zero-width (non-)joiner *between* two letters ("don't",
Persian ZWNJ). Chinese and Japanese are written without spaces, so each CJK
character is a word of its own. Offsets are Python ``str`` indices (code points).
"""

from __future__ import annotations

import unicodedata

#: Characters that belong to a word only when letters stand on both sides.
INNER = frozenset("'\u2019\u02bc\u200c\u200d")


def is_cjk(ch: str) -> bool:
    """Han ideographs, kana and their extensions: scripts without spaces between words."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF  # CJK Unified Ideographs
        or 0x3400 <= o <= 0x4DBF  # Extension A
        or 0x20000 <= o <= 0x3FFFF  # Extensions B.. (astral)
        or 0xF900 <= o <= 0xFAFF  # Compatibility ideographs
        or 0x3040 <= o <= 0x30FF  # Hiragana, Katakana
        or 0x31F0 <= o <= 0x31FF  # Katakana phonetic extensions
        or 0xFF66 <= o <= 0xFF9F  # Half-width katakana
    )


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def _base(text: str, i: int) -> int:
    """Index of the character that the combining marks at ``i`` attach to (-1 if none)."""
    while i >= 0 and _is_mark(text[i]):
        i -= 1
    return i


def is_word_char(text: str, i: int) -> bool:
    """Whether ``text[i]`` is part of a word (see the module docstring)."""
    ch = text[i]
    if ch.isalnum():
        return True
    if _is_mark(ch):
        b = _base(text, i)
        return b >= 0 and text[b].isalnum()
    if ch in INNER:
        if not 0 < i < len(text) - 1:
            return False
        before, after = _base(text, i - 1), i + 1
        return (
            before >= 0
            and text[before].isalnum()
            and text[after].isalnum()
            and not is_cjk(text[before])
            and not is_cjk(text[after])
        )
    return False


def joined(text: str, i: int) -> bool:
    """True when ``text[i-1]`` and ``text[i]`` belong to the same word, i.e. ``i``
    is *not* a word boundary (0 < i < len(text))."""
    if not 0 < i < len(text):
        return False
    if not (is_word_char(text, i) and is_word_char(text, i - 1)):
        return False
    if _is_mark(text[i]):  # a mark always sticks to what it decorates
        return True
    b = _base(text, i - 1)
    return not (is_cjk(text[b]) or is_cjk(text[i]))


def word_start_at(text: str, pos: int) -> int:
    """``pos`` moved left to the start of the word it is inside (unchanged at a boundary)."""
    while pos > 0 and joined(text, pos):
        pos -= 1
    return pos


def word_end_at(text: str, pos: int) -> int:
    """``pos`` moved right to the end of the word it is inside (unchanged at a boundary)."""
    while pos < len(text) and joined(text, pos):
        pos += 1
    return pos


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words and trim white space/punctuation around it.

    A selection without any word character (only emoji, punctuation or spaces)
    is returned as it is (clamped to the text), so it can still be coded; a
    selection with word characters never comes back empty.
    """
    n = len(text)
    s, e = sorted((max(0, min(start, n)), max(0, min(end, n))))
    a, b = s, e
    while a < b and not is_word_char(text, a):
        a += 1
    while b > a and not is_word_char(text, b - 1):
        b -= 1
    if a == b:
        return s, e
    return word_start_at(text, a), word_end_at(text, b)


def _is_word_start(text: str, i: int) -> bool:
    return i < len(text) and is_word_char(text, i) and not joined(text, i)


def _is_word_end(text: str, i: int) -> bool:
    return i > 0 and is_word_char(text, i - 1) and not joined(text, i)


def next_word_end(text: str, pos: int) -> int:
    """The first end of a word after ``pos`` (``len(text)`` if there is none)."""
    i = pos + 1
    while i < len(text) and not _is_word_end(text, i):
        i += 1
    return min(i, len(text))


def prev_word_end(text: str, pos: int) -> int:
    """The last end of a word before ``pos`` (0 if there is none)."""
    i = pos - 1
    while i > 0 and not _is_word_end(text, i):
        i -= 1
    return max(i, 0)


def next_word_start(text: str, pos: int) -> int:
    """The first start of a word after ``pos`` (``len(text)`` if there is none)."""
    i = pos + 1
    while i < len(text) and not _is_word_start(text, i):
        i += 1
    return min(i, len(text))


def prev_word_start(text: str, pos: int) -> int:
    """The last start of a word before ``pos`` (0 if there is none)."""
    i = pos - 1
    while i > 0 and not _is_word_start(text, i):
        i -= 1
    return max(i, 0)
