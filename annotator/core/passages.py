"""The sentence and the paragraph around a passage: what a triple-click selects, and what
"Code all" widens a search hit to.

Positions are code points, as the store counts them. Both spans leave out the white
space at their ends, so coding one never codes a line break.

A paragraph is what the text's own layout says one is. Texts whose paragraphs are set
apart by blank lines (most articles, our Markdown and DOCX imports) may wrap a paragraph
over several lines; in those, a paragraph runs from blank line to blank line. Texts with
no blank line at all (a transcript, a PDF's extracted text) put one paragraph per line.
"""

from __future__ import annotations

import re

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
#: Where a sentence ends: its closing mark, then any closing quotes or brackets. Full
#: stops of CJK text need no space after them.
_SENTENCE_END = re.compile(r"(?:[.!?…]+[\"'”’»)\]]*(?=\s|$))|[。！？]+[」』”’）]*")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraph_span(text: str, pos: int) -> tuple[int, int]:
    """The paragraph holding code point ``pos`` (on a blank line: the next paragraph
    after it, else the one before), without its surrounding white space."""
    pos = max(0, min(pos, len(text)))
    if _BLANK_LINE.search(text) is not None:
        starts = [0, *(m.end() for m in _BLANK_LINE.finditer(text))]
        ends = [*(m.start() for m in _BLANK_LINE.finditer(text)), len(text)]
        for start, end in zip(starts, ends, strict=True):
            if pos <= end:
                span = _trimmed(text, start, end)
                if span[0] < span[1] or end == len(text):
                    return span
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    span = _trimmed(text, start, len(text) if end < 0 else end)
    if span[0] == span[1] and text.strip():  # a blank line: the paragraph before it
        return paragraph_span(text, start - 1) if start > 0 else span
    return span


def sentence_span(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """The sentence(s) holding ``text[start:end]`` (a position when ``end`` is None),
    within its paragraph: from after the previous sentence's end to the end of the one
    the passage ends in."""
    end = start if end is None else end
    p_start, p_end = paragraph_span(text, start)
    if end > p_end:  # the passage runs into later paragraphs: up to the one it ends in
        p_end = paragraph_span(text, max(start, end - 1))[1]
    begin = p_start
    for m in _SENTENCE_END.finditer(text, p_start, p_end):
        if m.end() <= start:
            begin = m.end()
        elif m.end() >= max(end, start + 1):
            return _trimmed(text, begin, m.end())
    return _trimmed(text, begin, p_end)


def widen(text: str, start: int, end: int, unit: str) -> tuple[int, int]:
    """``start, end`` widened to the ``unit``: "hit" (as is), "sentence" or "paragraph"."""
    if unit == "hit":
        return start, end
    if unit == "sentence":
        return sentence_span(text, start, end)
    if unit == "paragraph":
        first = paragraph_span(text, start)
        last = paragraph_span(text, max(start, end - 1))
        return first[0], max(first[1], last[1])
    raise ValueError(f"unknown unit {unit!r}")
