"""Picker ranking: a code's own name beats its parent's; exact and prefix first; recency breaks ties."""

from __future__ import annotations

from annotator.core.code_match import Candidate, rank

CODES = [
    Candidate("cat", "Competition and security", "Competition and security"),
    Candidate("riv", "Geopolitical rivalry", "Competition and security/Geopolitical rivalry"),
    Candidate("exp", "Export controls", "Competition and security/Export controls"),
    Candidate("sec", "Security risks", "Competition and security/Security risks"),
    Candidate("soc", "Cybersecurity", "Governance/Cybersecurity"),
]


def ids(query: str, recent: tuple[str, ...] = ()) -> list[str]:
    return [c.id for c in rank(CODES, query, recent)]


def test_a_codes_own_name_ranks_above_a_parents_even_when_the_other_is_recent():
    assert ids("secur", recent=("riv",))[:2] == ["sec", "cat"]
    assert ids("secur", recent=("riv",)).index("soc") < ids("secur", recent=("riv",)).index("riv")


def test_an_exact_name_comes_first_then_prefixes():
    assert ids("security risks")[0] == "sec"
    assert ids("Export")[0] == "exp"


def test_recency_breaks_ties_within_a_tier():
    assert ids("competition")[:1] == ["cat"]
    parent_only = [i for i in ids("competition", recent=("exp",)) if i != "cat"]
    assert parent_only[0] == "exp"


def test_nothing_typed_lists_recent_codes_first_then_the_codebook():
    assert ids("", recent=("sec", "riv")) == ["sec", "riv", "cat", "exp", "soc"]


def test_codes_that_do_not_match_are_left_out():
    assert ids("zzz") == []
