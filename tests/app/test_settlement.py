"""Settling disagreements into a consensus coder, on a real project file: each decision
one undo step, the compared coders' work untouched, and a count of what is settled."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.app import settlement as settling
from annotator.app.session import Session
from annotator.core import settlement as rules
from annotator.core.errors import InvalidInput, NotFound
from annotator.core.settlement import How, Region
from annotator.store import Project

TEXT = (
    "China proposes new rules for AI. Others should follow them.\n"
    "The US restricts exports of chips. China calls this containment.\n"
)


class Disagreement:
    """A disagreement as the comparison reports it (document, code, region, spans)."""

    def __init__(self, document_id: str, code_id: str, start: int, end: int, spans: Any) -> None:
        self.document_id, self.code_id, self.start, self.end = document_id, code_id, start, end
        self.spans = spans


class World:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.session = Session(project)
        self.ann = project.add_coder("Ann")
        self.ben = project.add_coder("Ben")
        self.doc = project.add_document("Text", TEXT, source_name="t.txt")
        self.norms = project.add_code("Norms")
        self.other = project.add_code("Rivalry")

    def span(self, words: str) -> tuple[int, int]:
        start = TEXT.index(words)
        return start, start + len(words)

    def code(self, coder: str, words: str, code_id: str | None = None) -> None:
        self.project.add_coding(self.doc.id, code_id or self.norms.id, coder, *self.span(words))

    def consensus_spans(self, code_id: str | None = None, name: str = "Consensus") -> list[Any]:
        coder = settling.find_consensus(self.project, name)
        if coder is None:
            return []
        return [
            (c.start, c.end)
            for c in self.project.codings(self.doc.id, [code_id or self.norms.id], [coder.id])
        ]

    def snapshot(self) -> tuple[object, ...]:
        p = self.project
        coders = p.coders()
        keys = [
            settling.record_key(c.id, self.doc.id, code.id)
            for c in coders
            for code in (self.norms, self.other)
        ]
        return (p.codings(), coders, [p.setting(k) for k in keys])


@pytest.fixture
def world(project: Project) -> World:
    w = World(project)
    # Ann codes the first sentence; Ben codes both sentences of the first line.
    w.code(w.ann.id, "China proposes new rules for AI.")
    w.code(w.ben.id, "China proposes new rules for AI. Others should follow them.")
    return w


def region(w: World) -> Disagreement:
    a = w.span("China proposes new rules for AI.")
    b = w.span("China proposes new rules for AI. Others should follow them.")
    return Disagreement(w.doc.id, w.norms.id, b[0], b[1], {w.ann.id: [a], w.ben.id: [b]})


RESOLUTIONS = {
    "accept Ann": (lambda w, r: rules.accept(r, w.ann.id), "China proposes new rules for AI."),
    "accept Ben": (
        lambda w, r: rules.accept(r, w.ben.id),
        "China proposes new rules for AI. Others should follow them.",
    ),
    "union": (
        lambda w, r: rules.union(r),
        "China proposes new rules for AI. Others should follow them.",
    ),
    "overlap": (lambda w, r: rules.overlap(r), "China proposes new rules for AI."),
    "accept none": (lambda w, r: rules.accept_none(r), None),
    "edited": (
        lambda w, r: rules.edited(r, [w.span("new rules for AI")], len(TEXT)),
        "new rules for AI",
    ),
}


@pytest.mark.parametrize("how", RESOLUTIONS)
def test_each_resolution_becomes_the_consensus_coding(world: World, how: str) -> None:
    w, d = world, region(world)
    make, expected = RESOLUTIONS[how]
    resolution = make(w, d)
    done = settling.settle(w.session, w.doc.id, w.norms.id, d, resolution)
    assert done.created and done.consensus.name == "Consensus"
    assert w.consensus_spans() == ([w.span(expected)] if expected else [])
    assert [e.label for e in w.project.history()][-1] == f"Settle disagreement: Norms ({how})"
    assert settling.settled_regions(w.project, done.consensus.id, [d]) == [d]
    # What the views refresh from: the codings written and the record kept.
    assert done.changes.touches("settings")
    assert {c.id for c in done.added} == done.changes.ids("codings") - {c.id for c in done.removed}


def test_the_compared_coders_codings_are_never_changed(world: World) -> None:
    w, d = world, region(world)
    before = [c for c in w.project.codings() if c.coder_id in (w.ann.id, w.ben.id)]
    for resolution in (rules.union(d), rules.accept_none(d), rules.accept(d, w.ann.id)):
        settling.settle(w.session, w.doc.id, w.norms.id, d, resolution)
    after = [c for c in w.project.codings() if c.coder_id in (w.ann.id, w.ben.id)]
    assert after == before


def test_settling_is_one_undo_step_that_restores_exactly(world: World) -> None:
    w, d = world, region(world)
    settling.settle(w.session, w.doc.id, w.norms.id, d, rules.accept(d, w.ben.id))
    before = w.snapshot()
    steps = len([e for e in w.project.history() if e.kind == "action"])
    settling.settle(w.session, w.doc.id, w.norms.id, d, rules.accept(d, w.ann.id))
    assert len([e for e in w.project.history() if e.kind == "action"]) == steps + 1
    assert w.consensus_spans() == [w.span("China proposes new rules for AI.")]
    w.project.undo()
    assert w.snapshot() == before
    w.project.redo()
    assert w.consensus_spans() == [w.span("China proposes new rules for AI.")]
    w.project.undo()
    w.project.undo()  # the first settling, with the consensus coder it created
    assert settling.find_consensus(w.project) is None
    assert all(c.coder_id in (w.ann.id, w.ben.id) for c in w.project.codings())


def test_settling_again_replaces_the_consensus_inside_the_region_only(world: World) -> None:
    w, d = world, region(world)
    consensus = w.project.add_coder("Consensus")
    w.code(consensus.id, "The US restricts exports of chips.")  # elsewhere: kept
    w.code(consensus.id, "Others should follow them.\nThe US")  # reaches out: cut back
    w.code(consensus.id, "Others should follow them.", w.other.id)  # another code: kept
    done = settling.settle(w.session, w.doc.id, w.norms.id, d, rules.accept(d, w.ann.id))
    assert not done.created and done.consensus.id == consensus.id
    assert sorted(w.consensus_spans()) == sorted(
        [
            w.span("China proposes new rules for AI."),
            w.span("\nThe US"),
            w.span("The US restricts exports of chips."),
        ]
    )
    assert w.consensus_spans(w.other.id) == [w.span("Others should follow them.")]


def test_the_consensus_coder_is_named_by_the_researcher(world: World) -> None:
    w, d = world, region(world)
    done = settling.settle(
        w.session, w.doc.id, w.norms.id, d, rules.union(d), consensus_name="  Agreed  version "
    )
    assert done.consensus.name == "Agreed version"
    again = settling.settle(
        w.session, w.doc.id, w.norms.id, d, rules.overlap(d), consensus_name="agreed VERSION"
    )
    assert again.consensus.id == done.consensus.id and not again.created
    assert settling.find_consensus(w.project) is None  # no coder named "Consensus" was made


def test_bad_settlements_are_refused_and_change_nothing(world: World) -> None:
    w, d = world, region(world)
    before = w.snapshot()
    steps = len(w.project.history())
    bad: list[tuple[Any, type[Exception], str]] = [
        (lambda: settling.settle(w.session, w.doc.id, w.norms.id, d, rules.union(d), "ann"),
         InvalidInput, "one of the coders being compared"),
        (lambda: settling.settle(w.session, w.doc.id, w.norms.id, d,
                                 rules.Resolution(How.EDITED, ((0, len(TEXT) + 1),))),
         InvalidInput, "impossible"),
        (lambda: settling.settle(w.session, w.doc.id, w.norms.id,
                                 Region(0, 5, {w.ann.id: [(0, 30)]}), rules.accept_none(d)),
         InvalidInput, "outside the region"),
        (lambda: settling.settle(w.session, "no-such-doc", w.norms.id, d, rules.union(d)),
         NotFound, "document"),
        (lambda: settling.settle(w.session, w.doc.id, "no-such-code", d, rules.union(d)),
         NotFound, "code"),
        (lambda: settling.settle(w.session, w.doc.id, w.norms.id, d,
                                 rules.Resolution(How.ACCEPT, (), "nobody")),
         NotFound, "coder"),
    ]  # fmt: skip
    for call, error, words in bad:
        with pytest.raises(error, match=words):
            call()
    assert w.snapshot() == before and len(w.project.history()) == steps


def test_accept_none_counts_as_settled_and_a_changed_disagreement_does_not(world: World) -> None:
    w, d = world, region(world)
    w.code(w.ann.id, "The US restricts exports of chips.", w.other.id)
    second = Disagreement(
        w.doc.id, w.other.id, *w.span("The US restricts exports of chips."),
        {w.ann.id: [w.span("The US restricts exports of chips.")]},
    )  # fmt: skip
    assert settling.settled_regions(w.project, None, [d, second]) == []
    done = settling.settle(w.session, w.doc.id, w.other.id, second, rules.accept_none(second))
    assert done.added == () and w.consensus_spans(w.other.id) == []
    consensus = done.consensus.id
    assert settling.settled_regions(w.project, consensus, [d, second]) == [second]
    settling.settle(w.session, w.doc.id, w.norms.id, d, rules.accept(d, w.ben.id))
    assert settling.settled_regions(w.project, consensus, [d, second]) == [d, second]
    assert len(settling.settlements(w.project, consensus)) == 2
    # Ann has since coded more there: the disagreement is new, to be looked at again.
    longer = w.span("The US restricts exports of chips. China")
    changed = Disagreement(w.doc.id, w.other.id, *longer, {w.ann.id: [longer]})
    assert settling.settled_regions(w.project, consensus, [d, changed]) == [d]


def test_starting_from_agreed_passages_then_settling_gives_a_full_consensus(world: World) -> None:
    w, d = world, region(world)
    both = "The US restricts exports of chips."
    w.code(w.ann.id, both, w.other.id)
    w.code(w.ben.id, both, w.other.id)
    adopted = settling.adopt_agreements(w.session, w.ann.id, w.ben.id)
    assert adopted.added == 1 and adopted.created
    assert w.consensus_spans(w.other.id) == [w.span(both)] and w.consensus_spans() == []
    assert settling.adopt_agreements(w.session, w.ann.id, w.ben.id).added == 0
    w.project.undo()
    w.project.undo()
    assert settling.find_consensus(w.project) is None
    with pytest.raises(InvalidInput, match="two different coders"):
        settling.adopt_agreements(w.session, w.ann.id, w.ann.id)
    del d


# -- property: accepting A everywhere makes the consensus A's coding ---------------------------------
LETTERS = "abcdefghijklmnopqrstuvwxyz" * 4  # every span holds words

codings = st.lists(
    st.tuples(st.integers(0, 90), st.integers(1, 15)).map(
        lambda p: (p[0], min(p[0] + p[1], len(LETTERS)))
    ),
    max_size=6,
    unique=True,
)


def reference_disagreements(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[Region]:
    """Regions: the connected stretches of what either coded, where the two differ."""
    a_chars = {i for s, e in a for i in range(s, e)}
    b_chars = {i for s, e in b for i in range(s, e)}
    covered = sorted(a_chars | b_chars)
    stretches: list[list[int]] = []
    for i in covered:
        if stretches and i == stretches[-1][1]:
            stretches[-1][1] = i + 1
        else:
            stretches.append([i, i + 1])
    out = []
    for start, end in stretches:
        inside = set(range(start, end))
        if a_chars & inside != b_chars & inside:
            out.append(
                Region(
                    start,
                    end,
                    {
                        "a": [(s, e) for s, e in rules.normalise(a) if start <= s < end],
                        "b": [(s, e) for s, e in rules.normalise(b) if start <= s < end],
                    },
                )
            )
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codings, codings, codings)
def test_accepting_a_everywhere_makes_the_consensus_a_s_coding(
    a: list[tuple[int, int]], b: list[tuple[int, int]], leftover: list[tuple[int, int]]
) -> None:
    with tempfile.TemporaryDirectory() as folder, Project.create(Path(folder) / "p.sqlite") as p:
        ann, ben = p.add_coder("A"), p.add_coder("B")
        consensus = p.add_coder("Consensus")
        doc = p.add_document("Letters", LETTERS, source_name="l.txt")
        code = p.add_code("Code")
        ids = {"a": ann.id, "b": ben.id}
        for coder, spans in ((ann, a), (ben, b), (consensus, leftover)):  # some earlier consensus
            for s, e in spans:
                p.add_coding(doc.id, code.id, coder.id, s, e)
        session = Session(p)
        settling.adopt_agreements(session, ann.id, ben.id)
        for r in reference_disagreements(a, b):
            region = Region(r.start, r.end, {ids[k]: v for k, v in r.spans.items()})
            settling.settle(session, doc.id, code.id, region, rules.accept(region, ann.id))
        got = rules.normalise(
            (c.start, c.end) for c in p.codings(doc.id, [code.id], [consensus.id])
        )
        agreed_or_disputed = rules.span_union(a, b)
        # Inside what the coders coded, the consensus is exactly A's; outside, what it held.
        inside = rules.span_intersection(got, agreed_or_disputed)
        assert inside == rules.normalise(a)
        if not leftover:
            assert got == rules.normalise(a)
