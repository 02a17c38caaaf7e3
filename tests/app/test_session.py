"""The session: who is coding (the history's actor in step), the coders each view shows,
recent codes, and how actions run."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import Sample

from annotator.app import operations
from annotator.app.session import CODEBOOK, RECENT_LIMIT, SEGMENTS, TEXT, CoderSets, Session
from annotator.core.errors import InvalidInput, NotFound


def test_the_active_coder_is_the_history_s_actor(sample: Sample) -> None:
    p = sample.project
    session = Session(p)
    assert session.active_coder_id is None and p.actor == ""
    session.set_active_coder(sample.ben.id)
    assert session.active_coder_id == sample.ben.id and p.actor == "Ben"
    operations.code_span(session, sample.speech.id, 0, 5, code_id=sample.norms.id)
    assert p.history()[-1].actor == "Ben" and p.history()[-1].label == "Code with Norms"
    session.set_active_coder(None)
    assert p.actor == ""


def test_an_unknown_coder_is_refused_and_nothing_changes(sample: Sample) -> None:
    session = Session(sample.project)
    session.set_active_coder(sample.ann.id)
    with pytest.raises(NotFound):
        session.set_active_coder("no-such-coder")
    assert session.active_coder_id == sample.ann.id and sample.project.actor == "Ann"


def test_coding_needs_a_coder(sample: Sample) -> None:
    session = Session(sample.project)
    with pytest.raises(InvalidInput, match="Choose who is coding first"):
        session.require_coder()


def test_actions_run_through_the_session_s_runner_under_their_label(sample: Sample) -> None:
    seen: list[str] = []

    def run(label: str, operation: Callable[[], object]) -> object:
        seen.append(label)
        with sample.project.action(label):
            return operation()

    session = Session(sample.project, run=run)  # type: ignore[arg-type]
    session.set_active_coder(sample.ann.id)
    operations.code_span(session, sample.speech.id, 0, 5, code_id=sample.rivalry.id)
    assert seen == ["Code with Geopolitical rivalry"]


def test_recent_codes_most_recent_first_and_bounded(sample: Sample) -> None:
    session = Session(sample.project)
    for i in range(RECENT_LIMIT + 3):
        session.used(f"code{i}")
    session.used("code5")
    assert session.recent_codes[0] == "code5" and len(session.recent_codes) == RECENT_LIMIT
    assert session.recent_codes.count("code5") == 1


# -- coders shown per view --------------------------------------------------------------
def test_every_view_shares_one_set_by_default() -> None:
    sets = CoderSets()
    heard: list[str | None] = []
    sets.subscribe(heard.append)
    assert all(sets.visible(v) is None for v in (TEXT, CODEBOOK, SEGMENTS))
    assert sets.set_visible({"ann"}, TEXT)  # a view without its own set changes the shared one
    assert all(sets.visible(v) == {"ann"} for v in (None, TEXT, CODEBOOK, SEGMENTS))
    assert heard == [None]
    assert not sets.set_visible(frozenset({"ann"}))  # no change: nobody is told
    assert heard == [None]
    assert sets.shows("ann", SEGMENTS) and not sets.shows("ben", SEGMENTS)


def test_a_comparison_view_holds_its_own_set() -> None:
    sets = CoderSets({"ann"})
    heard: list[str | None] = []
    unsubscribe = sets.subscribe(heard.append)
    sets.separate("comparison")
    assert sets.has_own("comparison") and sets.visible("comparison") == {"ann"}
    assert heard == []  # it shows what it showed
    sets.set_visible({"ann", "ben"}, "comparison")
    assert sets.visible("comparison") == {"ann", "ben"} and sets.visible(TEXT) == {"ann"}
    sets.set_visible(None)  # the shared set: every other view
    assert sets.visible(TEXT) is None and sets.visible("comparison") == {"ann", "ben"}
    assert heard == ["comparison", None]
    sets.rejoin("comparison")
    assert not sets.has_own("comparison") and sets.visible("comparison") is None
    assert heard == ["comparison", None, "comparison"]
    unsubscribe()
    sets.set_visible({"ben"})
    assert len(heard) == 3


def test_reveal_shows_a_hidden_coder_in_that_view_only() -> None:
    sets = CoderSets({"ben"})
    sets.separate(SEGMENTS)
    assert not sets.reveal("ben", TEXT)  # shown already
    assert sets.reveal("ann", TEXT)
    assert sets.visible(TEXT) == {"ann", "ben"} and sets.visible(SEGMENTS) == {"ben"}
    everyone = CoderSets()
    assert not everyone.reveal("ann")  # everyone is shown: nothing to do
