"""Where two coders differ: the regions a researcher steps through and settles.

For one document and code, each coder's codings are taken as the characters
they cover (overlapping or touching codings merged into one stretch). Every
maximal stretch coded by one coder and not the other is a difference. The
differences are grouped into *regions*: the connected components of both
coders' stretches taken together (stretches that share characters are
connected; ones that only touch are not), leaving out components where the two
coders coded exactly the same. A region says where it lies and what each coder
coded inside it, so a window can show both versions side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from annotator.core.agreement.intervals import Span, union


@dataclass(frozen=True)
class Disagreement:
    document_id: str
    code_id: str
    start: int  # the region covering the spans involved
    end: int
    spans: Mapping[
        str, tuple[tuple[int, int], ...]
    ]  # coder_id -> that coder's (unioned) spans of this code inside [start, end)

    def stretches(self) -> tuple[tuple[int, int, str], ...]:
        """The maximal stretches inside the region coded by one coder only:
        ``(start, end, coder_id)`` sorted by start."""
        out: list[tuple[int, int, str]] = []
        coders = list(self.spans)
        for coder in coders:
            others = union(s for c in coders if c != coder for s in self.spans[c])
            for start, end in self.spans[coder]:
                out.extend((s, e, coder) for s, e in _minus((start, end), others))
        return tuple(sorted(out))


def _minus(span: Span, others: Sequence[Span]) -> list[Span]:
    """``span`` without the characters of sorted, disjoint ``others``."""
    start, end = span
    out: list[Span] = []
    for s, e in others:
        if e <= start or s >= end:
            continue
        if s > start:
            out.append((start, s))
        start = max(start, e)
    if start < end:
        out.append((start, end))
    return out


def find(
    document_id: str,
    code_id: str,
    first: tuple[str, Iterable[Span]],
    second: tuple[str, Iterable[Span]],
) -> list[Disagreement]:
    """The disagreement regions of two coders ``(coder_id, spans)`` in one document,
    for one code, sorted by start."""
    (id_a, raw_a), (id_b, raw_b) = first, second
    a, b = union(raw_a), union(raw_b)
    out: list[Disagreement] = []
    # One sweep over both coders' stretches in order of start: a region grows while the
    # next stretch starts inside it (each coder's own stretches never touch each other).
    tagged = sorted([(s, e, 0) for s, e in a] + [(s, e, 1) for s, e in b])
    k = 0
    while k < len(tagged):
        start, end, _ = tagged[k]
        members: tuple[list[Span], list[Span]] = ([], [])
        while k < len(tagged) and tagged[k][0] < end:
            s, e, who = tagged[k]
            members[who].append((s, e))
            end = max(end, e)
            k += 1
        mine, theirs = tuple(members[0]), tuple(members[1])
        if mine != theirs:
            spans = MappingProxyType({id_a: mine, id_b: theirs})
            out.append(Disagreement(document_id, code_id, start, end, spans))
    return out
