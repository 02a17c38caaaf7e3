"""Interval arithmetic on coded spans: unions, coverage by several coders, overlaps.

A span is a half-open ``(start, end)`` pair of code-point offsets. Everything
here works on sorted lists of spans with sweeps over their boundaries, so the
cost grows with the number of spans, never with the length of the text: the
agreement figures count characters without ever making an array per character.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Span = tuple[int, int]


def union(spans: Iterable[Span]) -> list[Span]:
    """The characters covered by ``spans`` as sorted, disjoint, non-touching spans.

    Spans that overlap or touch merge: a coder's codings of one code are the set
    of characters they cover, so ``[0, 5)`` and ``[5, 9)`` are one stretch ``[0, 9)``.
    Empty spans (``start >= end``) cover nothing and are dropped.
    """
    out: list[Span] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def coverage(coders: Sequence[Sequence[Span]]) -> dict[int, int]:
    """Characters by the set of coders covering them, for each coder's disjoint spans.

    The key is a bit mask (bit ``i`` set: coder ``i`` covers the character); the
    value is how many characters have exactly that set. Characters nobody covers
    are not counted here (the caller knows the text's length). One sweep over the
    sorted span boundaries of all coders.
    """
    events: list[tuple[int, int]] = []
    for i, spans in enumerate(coders):
        bit = 1 << i
        for start, end in spans:
            events.append((start, bit))
            events.append((end, -bit))
    if not events:
        return {}
    # At one position, ends (negative) sort before starts: touching spans never count
    # as covering the same character, which they do not.
    events.sort()
    counted = [0] * (1 << len(coders))  # by mask; index 0 (nobody) is never read
    mask = 0
    at = events[0][0]
    for pos, change in events:
        counted[mask] += pos - at
        at = pos
        mask += change  # bits are set and cleared one at a time: + and - are | and & ~
    return {m: n for m, n in enumerate(counted) if m and n}


def overlaps(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int, int, int]]:
    """``(i, j, shared)`` for every span ``a[i]`` that shares ``shared > 0`` characters
    with ``b[j]``; both lists sorted and disjoint (a two-pointer merge, in order)."""
    out: list[tuple[int, int, int]] = []
    na, nb = len(a), len(b)
    if not na or not nb:
        return out
    i = j = 0
    s1, e1 = a[0]
    s2, e2 = b[0]
    while True:  # a hot loop of every comparison: plain locals, no generator
        shared = (e1 if e1 < e2 else e2) - (s1 if s1 > s2 else s2)
        if shared > 0:
            out.append((i, j, shared))
        if e1 <= e2:  # the span that ends first can overlap nothing further on
            i += 1
            if i == na:
                return out
            s1, e1 = a[i]
        else:
            j += 1
            if j == nb:
                return out
            s2, e2 = b[j]
