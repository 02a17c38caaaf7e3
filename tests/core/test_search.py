"""Finding text: plain/regex/case/whole-word spans, context excerpts, project-wide search."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import InvalidInput
from annotator.core.search import MAX_HITS, Hit, context, find_all, search_documents

SPEECH = (
    "China will actively participate in global governance of AI.\n"
    "We must build capacity in developing countries.\n"
    "The US and China are locked in a technological rivalry.\n"
)
EMOJI = "Tech 🤖 rivalry 🇺🇸🇨🇳 heats up.\nCapacity 💪 building matters.\n"


def test_plain_search_ignores_case_by_default_and_returns_code_point_spans() -> None:
    spans = find_all(SPEECH, "china")
    assert [SPEECH[s:e] for s, e in spans] == ["China", "China"]
    assert find_all(SPEECH, "china", case_sensitive=True) == []


def test_spans_after_emoji_are_code_points_not_utf16() -> None:
    ((s, e),) = find_all(EMOJI, "heats")
    assert EMOJI[s:e] == "heats"
    assert s == EMOJI.index("heats")  # a UTF-16 offset would be 4 larger (🤖, 🇺, 🇸, 🇨, 🇳 ... )
    assert [EMOJI[s:e] for s, e in find_all(EMOJI, "💪")] == ["💪"]


def test_plain_query_characters_are_literal_not_patterns() -> None:
    text = "costs (in $) rose 3.5% vs 305%"
    assert [text[s:e] for s, e in find_all(text, "3.5%")] == ["3.5%"]
    assert [text[s:e] for s, e in find_all(text, "(in $)")] == ["(in $)"]


def test_whole_word_skips_matches_inside_words() -> None:
    spans = find_all(SPEECH, "in", whole_word=True)
    assert [SPEECH[s - 1 : e + 1] for s, e in spans] == [" in ", " in ", " in "]
    # Punctuation at the query's edge still works (\b alone would fail on "AI.").
    assert [SPEECH[s:e] for s, e in find_all(SPEECH, "AI.", whole_word=True)] == ["AI."]


def test_regex_search_with_lines_anchored_per_line() -> None:
    spans = find_all(SPEECH, r"^\w+", regex=True)
    assert [SPEECH[s:e] for s, e in spans] == ["China", "We", "The"]
    assert [SPEECH[s:e] for s, e in find_all(SPEECH, r"develop\w*|rival\w*", regex=True)] == [
        "developing",
        "rivalry",
    ]


def test_empty_matches_are_skipped_and_empty_query_finds_nothing() -> None:
    assert find_all("banana", "x*", regex=True) == []
    assert find_all("banana", "a*", regex=True) == [(1, 2), (3, 4), (5, 6)]
    assert find_all("banana", "") == []


def test_invalid_regex_is_one_clear_sentence() -> None:
    with pytest.raises(InvalidInput) as err:
        find_all(SPEECH, "(ab", regex=True)
    assert str(err.value) == (
        "'(ab' is not a valid regular expression: missing ), unterminated subpattern at position 0"
    )
    # The same text as a plain query is fine.
    assert find_all("x(ab", "(ab") == [(1, 4)]
    # Whole-word wrapping must not shift the reported position.
    with pytest.raises(InvalidInput, match="at position 2"):
        find_all(SPEECH, "ab)", regex=True, whole_word=True)


def test_hit_count_is_capped_and_says_so() -> None:
    text = "a " * 50
    spans = find_all(text, "a", limit=10)
    assert len(spans) == 10 and spans.truncated
    exact = find_all(text, "a", limit=50)
    assert len(exact) == 50 and not exact.truncated
    assert MAX_HITS == 10_000


def test_context_is_one_line_cut_at_words() -> None:
    s = SPEECH.index("China are")
    before, hit, after = context(SPEECH, s, s + 5, width=25)
    assert hit == "China"
    assert before == "…countries. The US and "  # the line break became a space
    assert after == " are locked in a…"
    assert "\n" not in before + hit + after
    # At the start of the text there is nothing to elide.
    assert context(SPEECH, 0, 5, width=25)[0] == ""


def test_context_of_a_long_hit_is_shortened_in_the_middle() -> None:
    before, hit, after = context(SPEECH, 0, len(SPEECH) - 1, width=10)
    assert hit.startswith("China") and hit.endswith("rivalry.") and " … " in hit
    assert len(hit) < 40 and before == "" and after == ""
    assert hit == "China will … rivalry."  # cut at whole words only


def test_context_rejects_impossible_spans() -> None:
    with pytest.raises(InvalidInput, match="outside the text"):
        context("abc", 2, 9)


def test_search_documents_lists_hits_per_document_in_order() -> None:
    docs = [("d1", "Speech", SPEECH), ("d2", "Emoji post", EMOJI)]
    hits = search_documents(docs, "capacity")
    assert [(h.document_id, h.title, h.match) for h in hits] == [
        ("d1", "Speech", "capacity"),
        ("d2", "Emoji post", "Capacity"),
    ]
    h = hits[1]
    assert isinstance(h, Hit) and EMOJI[h.start : h.end] == "Capacity"
    assert h.after.startswith(" 💪 building")
    assert hits.document_count == 2 and not hits.truncated


def test_search_documents_stops_at_the_limit_across_documents() -> None:
    docs = [(f"d{i}", f"Doc {i}", "rivalry " * 4) for i in range(5)]
    hits = search_documents(docs, "rivalry", limit=6)
    assert len(hits) == 6 and hits.truncated
    assert [h.document_id for h in hits] == ["d0"] * 4 + ["d1"] * 2
    assert "first 6 matches" in hits.note
    assert not search_documents(docs, "rivalry", limit=20).truncated


def test_search_documents_time_budget_stops_between_documents() -> None:
    docs = (("d", "D", "x") for _ in range(3))
    hits = search_documents(docs, "x", time_budget=-1)
    assert hits == [] and hits.truncated and "stopped after" in hits.note


def test_search_documents_reports_bad_regex() -> None:
    with pytest.raises(InvalidInput, match="not a valid regular expression"):
        search_documents([("d", "D", "x")], "[a-", regex=True)


# -- properties ------------------------------------------------------------------

# Letters with case pairs, accented letters, emoji (astral, multi-code-point flags), space, newline.
ALPHABET = st.sampled_from([*list("aAbBéÉ zZ\n"), "🤖", "🇺", "🇸", "💪"])
texts = st.lists(ALPHABET, max_size=60).map("".join)
queries = st.lists(ALPHABET, min_size=1, max_size=4).map("".join)


def _reference_count(text: str, query: str) -> int:
    """Greedy left-to-right non-overlapping count, comparing lower-cased characters."""
    t, q, i, n = text.lower(), query.lower(), 0, 0
    while (i := t.find(q, i)) != -1:
        n += 1
        i += len(q)
    return n


@settings(max_examples=300, deadline=None)
@given(texts, queries)
def test_every_plain_hit_is_the_query_ignoring_case_and_none_are_missed(
    text: str, query: str
) -> None:
    spans = find_all(text, query)
    for s, e in spans:
        assert text[s:e].lower() == query.lower()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert len(spans) == _reference_count(text, query)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.text(min_size=1, max_size=5))
def test_case_sensitive_hits_equal_the_query_in_any_unicode_text(text: str, query: str) -> None:
    spans = find_all(text, query, case_sensitive=True)
    assert all(text[s:e] == query for s, e in spans)
    assert len(spans) == text.count(query)


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_context_hit_is_the_span_on_one_line(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 20)))
    before, hit, after = context(text, start, end, width=10)
    assert hit == re.sub(r"\s+", " ", text[start:end])
    assert "\n" not in before + after
    assert len(before) <= 11 and len(after) <= 11


def test_a_catastrophic_pattern_is_stopped_with_a_message():
    """(a|aa)+$ on 'aaa…b' backtracks exponentially: it must not freeze the window."""
    import time

    from annotator.core.search import compile_query, find_pattern

    pattern = compile_query(r"(a|aa)+$", regex=True)
    started = time.perf_counter()
    with pytest.raises(InvalidInput, match=r"took longer than 0\.2 s"):
        find_pattern("a" * 60 + "b", pattern, timeout=0.2)
    assert time.perf_counter() - started < 5
