"""How well a code matches what was typed in a picker: its own name first, then its path.

A researcher typing "secur" wants *Security risks*, not *Geopolitical rivalry* whose
parent happens to be *Competition and security*. So matches come in tiers:

0. the code's name is exactly what was typed (ignoring case and spacing);
1. the name starts with it;
2. every typed word is in the code's own name;
3. every typed word is somewhere in its path (a parent's name matched).

Within a tier, recently used codes come first (most recent first), then the codebook's
order: recency only breaks ties. Nothing typed: recent codes, then the codebook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.codebook import name_key


@dataclass(frozen=True)
class Candidate:
    """A code as a picker lists it."""

    id: str
    name: str
    path: str


def tier(candidate: Candidate, query: str) -> int | None:
    """The match tier of ``candidate`` for ``query`` (lower is better), None if no match."""
    words = query.casefold().split()
    if not words:
        return 3
    name = candidate.name.casefold()
    key = name_key(query)
    if name_key(candidate.name) == key:
        return 0
    if name.startswith(" ".join(words)):
        return 1
    if all(w in name for w in words):
        return 2
    path = candidate.path.casefold()
    if all(w in path for w in words):
        return 3
    return None


def rank(
    candidates: Sequence[Candidate], query: str, recent: Sequence[str] = ()
) -> list[Candidate]:
    """The candidates that match ``query``, best first (see the module docstring)."""
    recency = {cid: i for i, cid in enumerate(dict.fromkeys(recent))}
    scored = []
    for order, c in enumerate(candidates):
        t = tier(c, query)
        if t is not None:
            scored.append((t, recency.get(c.id, len(recency)), order, c))
    scored.sort(key=lambda s: s[:3])
    return [s[3] for s in scored]
