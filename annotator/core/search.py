"""Finding words or patterns in document texts, and showing each hit in context.

``find_all`` is what "Find in document" (Ctrl+F) and "Search documents" both
use: plain text or a regular expression, optionally case-sensitive and
whole-word, returning code-point spans ``[start, end)`` that can be coded
directly. ``context`` cuts a one-line before/hit/after excerpt for a results
list; ``search_documents`` runs one query over a whole project.

Patterns run on the ``regex`` module, which can be interrupted: a pattern
that backtracks catastrophically (``(a+)+$``) stops after ``TIMEOUT`` seconds
with a clear message instead of freezing the window. The output is bounded
too: at most ``MAX_HITS`` hits are collected (the result says when it
stopped), and ``search_documents`` stops starting new documents after an
optional time budget.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

import regex as rx  # interruptible: see TIMEOUT

from annotator.core.errors import InvalidInput

#: The most hits one search collects; more than this is not something a person reads.
MAX_HITS = 10_000
#: Seconds one pattern may run over one text before it is stopped.
TIMEOUT = 5.0

_WS = re.compile(r"\s+")


class Matches(list[tuple[int, int]]):
    """Spans in order; ``truncated`` is True when the search stopped at its limit."""

    truncated: bool = False


def compile_query(
    query: str, *, regex: bool = False, case_sensitive: bool = False, whole_word: bool = False
) -> rx.Pattern[str] | None:
    """The compiled pattern for a query, or None for an empty query.

    Raises InvalidInput naming the problem when ``regex`` is set and the
    pattern does not compile.
    """
    if not query:
        return None
    # MULTILINE so ^ and $ mean the start and end of a line, as in any editor.
    flags = rx.MULTILINE | (0 if case_sensitive else rx.IGNORECASE)
    if regex:
        try:
            # Checked alone first, with Python's own syntax and messages, so the error
            # position refers to what the user typed.
            re.compile(query, re.MULTILINE | (0 if case_sensitive else re.IGNORECASE))
        except re.error as err:
            raise InvalidInput(f"'{query}' is not a valid regular expression: {err}") from err
        except (OverflowError, RecursionError) as err:
            raise InvalidInput(f"'{query}' is too large or deeply nested to search for.") from err
        body = query
    else:
        body = rx.escape(query)
    if whole_word:
        # Look-arounds rather than \b so "AI." or "(US)" still work: the hit
        # must simply not continue a word on either side.
        body = rf"(?<!\w)(?:{body})(?!\w)"
    return rx.compile(body, flags)


def find_pattern(
    text: str,
    pattern: rx.Pattern[str] | None,
    limit: int | None = MAX_HITS,
    timeout: float = TIMEOUT,
) -> Matches:
    """Non-overlapping, non-empty match spans of ``pattern`` in ``text``, in order.

    Raises InvalidInput if the pattern runs longer than ``timeout`` seconds.
    """
    out = Matches()
    if pattern is None:
        return out
    try:
        for m in pattern.finditer(text, timeout=timeout):
            start, end = m.span()
            if start == end:  # "a*" or "^" match nothing visible: nothing to show or code
                continue
            if limit is not None and len(out) >= limit:
                out.truncated = True
                break
            out.append((start, end))
    except TimeoutError as err:
        raise InvalidInput(
            f"The pattern '{pattern.pattern[:60]}' took longer than {timeout:g} s and was stopped; "
            "it backtracks too much. Try a simpler pattern."
        ) from err
    return out


def find_all(
    text: str,
    query: str,
    *,
    regex: bool = False,
    case_sensitive: bool = False,
    whole_word: bool = False,
    limit: int | None = MAX_HITS,
) -> Matches:
    """Spans ``(start, end)`` (code points) of every match of ``query`` in ``text``.

    Matches are non-overlapping and in order; empty matches are skipped. At most
    ``limit`` are returned (then ``result.truncated`` is True). Raises
    InvalidInput for an invalid regular expression.
    """
    pattern = compile_query(
        query, regex=regex, case_sensitive=case_sensitive, whole_word=whole_word
    )
    return find_pattern(text, pattern, limit)


def _shorten_before(s: str, width: int, more: bool) -> str:
    """Keep the last ``width`` characters, cut at a word start, with "…" if anything was dropped."""
    if len(s) > width:
        cut_mid_word = not s[-width - 1].isspace() and not s[-width].isspace()
        s, more = s[-width:], True
        space = s.find(" ")
        # Drop the partial word, unless that would leave nothing at all.
        if cut_mid_word and 0 <= space < len(s) - 1:
            s = s[space + 1 :]
    s = s.lstrip()
    return "…" + s if more else s


def _shorten_after(s: str, width: int, more: bool) -> str:
    """Keep the first ``width`` characters, cut at a word end, with "…" if anything was dropped."""
    if len(s) > width:
        cut_mid_word = not s[width - 1].isspace() and not s[width].isspace()
        s, more = s[:width], True
        space = s.rfind(" ")
        if cut_mid_word and space > 0:
            s = s[:space]
    s = s.rstrip()
    return s + "…" if more else s


def context(text: str, start: int, end: int, width: int = 60) -> tuple[str, str, str]:
    """``(before, hit, after)`` around ``text[start:end]`` on one line.

    White space (including line breaks) is collapsed to single spaces; before
    and after hold at most about ``width`` characters each and are cut at word
    boundaries, marked with "…". A space between the hit and its neighbours is
    kept (``"the "``, ``"AI"``, ``" race"``) so the three parts read as one line.
    A very long hit is shortened in the middle.
    """
    if not 0 <= start <= end <= len(text):
        raise InvalidInput(f"Span {start}..{end} is outside the text (0..{len(text)}).")
    # Read a generous window: collapsing white space can shrink it a lot.
    reach = 4 * width + 8
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    before = _shorten_before(_WS.sub(" ", text[lo:start]), width, lo > 0)
    after = _shorten_after(_WS.sub(" ", text[end:hi]), width, hi < len(text))
    hit = _WS.sub(" ", text[start:end])
    if len(hit) > 3 * width:
        half = 3 * width // 2
        head = _shorten_after(hit, half, False).rstrip("…")
        tail = _shorten_before(hit, half, False).lstrip("…")
        hit = f"{head} … {tail}"
    return before, hit, after


@dataclass(frozen=True)
class Hit:
    """One match in one document, with its context for display."""

    document_id: str
    title: str
    start: int
    end: int
    before: str
    match: str
    after: str


class HitList(list[Hit]):
    """Hits in document order; ``truncated`` and ``note`` say if the search stopped early."""

    truncated: bool = False
    note: str = ""

    @property
    def document_count(self) -> int:
        return len({h.document_id for h in self})


def search_documents(
    project_texts: Iterable[tuple[str, str, str]],
    query: str,
    *,
    regex: bool = False,
    case_sensitive: bool = False,
    whole_word: bool = False,
    limit: int = MAX_HITS,
    width: int = 60,
    time_budget: float | None = None,
) -> HitList:
    """Every hit of ``query`` in ``(document_id, title, text)`` triples, in order.

    Stops after ``limit`` hits, or once ``time_budget`` seconds have passed
    (checked between documents); then ``truncated`` is set and ``note`` says
    so in a sentence. Raises InvalidInput for an invalid regular expression.
    """
    pattern = compile_query(
        query, regex=regex, case_sensitive=case_sensitive, whole_word=whole_word
    )
    hits = HitList()
    if pattern is None:
        return hits
    started = time.monotonic()
    for doc_id, title, text in project_texts:
        if time_budget is not None and time.monotonic() - started > time_budget:
            hits.truncated = True
            hits.note = (
                f"The search stopped after {time_budget:g} seconds; "
                "a simpler pattern would search every document."
            )
            break
        spans = find_pattern(text, pattern, limit - len(hits))
        for s, e in spans:
            hits.append(Hit(doc_id, title, s, e, *context(text, s, e, width)))
        if spans.truncated:  # a hit beyond the limit exists: say so rather than guess
            hits.truncated = True
            hits.note = f"Showing the first {limit:,} matches; narrow the search to see the rest."
            break
    return hits
