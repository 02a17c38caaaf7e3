"""Settling disagreements into a consensus coder: each decision one undoable step.

``settle`` writes a decision (``core.settlement``'s ``Resolution``) for one
region of one document and code as codings of a consensus coder: the coder
named by the researcher ("Consensus" unless they choose another name), created
in the same step if the project has none by that name. Inside the region the
consensus coding of that code becomes exactly the decision; the compared
coders' codings are never touched.

Whether a region is settled is kept in the project as a small record (in the
project's settings, one entry per consensus coder, document and code, written in the
same step as the codings, so undo takes both back): "accept none" writes no
coding, yet the region is settled. A record settles a disagreement only while
the coders' spans there are as they were when it was settled.

``adopt_agreements`` starts a consensus from the passages both coders coded
exactly alike (no disagreement there), in one step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from annotator.app.session import Session
from annotator.core import settlement as rules
from annotator.core.changes import ChangeSet
from annotator.core.codebook import name_key
from annotator.core.errors import InvalidInput
from annotator.core.models import Coder, Coding, clean_name, utc_now
from annotator.core.settlement import DisagreementLike, How, RegionLike, Resolution, Settlement
from annotator.store import Project

T = TypeVar("T")

#: The consensus coder's name unless the researcher chooses another.
CONSENSUS = "Consensus"


@dataclass(frozen=True)
class SettleResult:
    """What settling did: the consensus coder (``created``: made by this step), the
    consensus codings added, removed, and cut back to their part outside the region,
    the record kept, and the step's record of changes (for the views to refresh)."""

    consensus: Coder
    settlement: Settlement
    added: tuple[Coding, ...] = ()
    removed: tuple[Coding, ...] = ()
    resized: tuple[Coding, ...] = ()
    created: bool = False
    changes: ChangeSet = field(default_factory=ChangeSet)


@dataclass(frozen=True)
class Adopted:
    """What ``adopt_agreements`` did: the consensus coder, how many passages it added
    (passages it already held are not added twice), and the step's changes."""

    consensus: Coder
    added: int
    created: bool = False
    changes: ChangeSet = field(default_factory=ChangeSet)


def _act(session: Session, label: str, work: Callable[[], T]) -> tuple[T, ChangeSet]:
    """Run ``work`` as the session's action ``label``; its result and what it wrote."""
    record: list[ChangeSet] = []

    def run() -> T:
        with session.project.action(label) as changes:  # joins the runner's action
            record.append(changes)
            return work()

    result = session.act(label, run)
    return result, (record[0].compact() if record else ChangeSet(label))


def record_key(consensus_id: str, document_id: str, code_id: str) -> str:
    """The settings key of a consensus coder's settlements of one code in one document."""
    return f"settlements/{consensus_id}/{document_id}/{code_id}"


def find_consensus(project: Project, name: str = CONSENSUS) -> Coder | None:
    """The coder named ``name`` (any case), or None."""
    key = name_key(clean_name(name))
    return next((c for c in project.coders() if name_key(c.name) == key), None)


def _consensus(project: Project, name: str, compared: Iterable[str]) -> tuple[Coder, bool]:
    """The consensus coder (added if missing) and whether it was added; it must not be
    one of the coders compared, whose codings settling never changes."""
    coder = find_consensus(project, name)
    if coder is not None and coder.id in set(compared):
        raise InvalidInput(
            f"{coder.name} is one of the coders being compared; choose another name "
            "for the consensus coder."
        )
    return (coder, False) if coder is not None else (project.add_coder(clean_name(name)), True)


def _how(project: Project, resolution: Resolution) -> str:
    if resolution.how is How.ACCEPT:
        who = resolution.coder_id
        return f"accept {project.coder(who).name}" if who is not None else "accept"
    return {How.NONE: "accept none"}.get(resolution.how, resolution.how.value)


def settle(
    session: Session,
    document_id: str,
    code_id: str,
    region: RegionLike,
    resolution: Resolution,
    consensus_name: str = CONSENSUS,
) -> SettleResult:
    """Write ``resolution`` for ``region`` of a document and code as the consensus coder's
    coding, replacing that coder's codings of the code within the region, and record the
    region as settled: one step, named "Settle disagreement: CODE (HOW)"."""
    project = session.project
    length = project.document_length(document_id)
    code = project.code(code_id)
    spans = rules.check_region(region, length)
    result = rules.check_spans(resolution.spans, length)
    if resolution.how is How.ACCEPT:
        if resolution.coder_id is None:
            raise InvalidInput("Say whose version to accept.")
        project.coder(resolution.coder_id)  # NotFound for a coder the project lacks
    decided = Resolution(resolution.how, result, resolution.coder_id)
    where = rules.area(region, decided)
    label = f"Settle disagreement: {code.name} ({_how(project, decided)})"

    def run() -> SettleResult:
        consensus, created = _consensus(
            project, consensus_name, [*spans, *filter(None, [decided.coder_id])]
        )
        text = project.document_text(document_id)
        # Plain rows, not models: the consensus may hold thousands of codings of this code.
        mine = project.coding_rows(document_id, [code_id], [consensus.id])
        plan = rules.replacement(((r[0], r[4], r[5]) for r in mine), where, result, text)
        removed = tuple(project.remove_coding(i) for i in plan.remove)
        resized = tuple(project.update_coding(i, start=s, end=e) for i, s, e in plan.resize)
        added = tuple(
            project.add_coding(document_id, code_id, consensus.id, s, e) for s, e in plan.add
        )
        inside = tuple((c.start, c.end) for c in added if where[0] <= c.start and c.end <= where[1])
        made = Settlement(
            document_id,
            code_id,
            region.start,
            region.end,
            spans,
            decided.how,
            rules.normalise(inside),
            decided.coder_id,
            utc_now(),
        )
        key = record_key(consensus.id, document_id, code_id)
        project.set_setting(key, rules.recorded(project.setting(key), made, where))
        return SettleResult(consensus, made, added, removed, resized, created)

    done, changes = _act(session, label, run)
    return SettleResult(
        done.consensus,
        done.settlement,
        done.added,
        done.removed,
        done.resized,
        done.created,
        changes,
    )


def settlements(
    project: Project,
    consensus_id: str,
    document_ids: Iterable[str] | None = None,
    code_ids: Iterable[str] | None = None,
) -> list[Settlement]:
    """The settlements recorded for a consensus coder, in these documents and codes
    (None: all)."""
    docs = [d.id for d in project.documents()] if document_ids is None else list(document_ids)
    codes = [c.id for c in project.codes()] if code_ids is None else list(code_ids)
    return [
        s
        for doc in dict.fromkeys(docs)
        for code in dict.fromkeys(codes)
        for s in rules.decode(doc, code, project.setting(record_key(consensus_id, doc, code)))
    ]


def settled_regions(
    project: Project, consensus_id: str | None, disagreements: Sequence[DisagreementLike]
) -> list[DisagreementLike]:
    """Those of ``disagreements`` the consensus coder has settled as they now stand (no
    consensus coder yet: none), so a view can say "12 of 30 settled"."""
    if consensus_id is None:
        return []
    places = dict.fromkeys((d.document_id, d.code_id) for d in disagreements)
    index = rules.SettledIndex(
        s
        for doc, code in places
        for s in rules.decode(doc, code, project.setting(record_key(consensus_id, doc, code)))
    )
    return [d for d in disagreements if index.settled(d)]


def adopt_agreements(
    session: Session,
    coder_a: str,
    coder_b: str,
    *,
    document_ids: Iterable[str] | None = None,
    consensus_name: str = CONSENSUS,
) -> Adopted:
    """Give the consensus coder, in one step, every passage both coders coded exactly
    alike with a code (in these documents; None: all): where they agree there is
    nothing to settle, and the consensus starts from it."""
    project = session.project
    for coder in (coder_a, coder_b):
        project.coder(coder)
    if coder_a == coder_b:
        raise InvalidInput("Choose two different coders to compare.")
    docs = [d.id for d in project.documents()] if document_ids is None else list(document_ids)
    for doc in docs:
        project.document_length(doc)  # NotFound for a document the project lacks

    def run() -> Adopted:
        consensus, created = _consensus(project, consensus_name, [coder_a, coder_b])
        coded: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
        for doc in docs:
            for _id, code, coder, start, end in project.coding_spans(doc):
                if coder in (coder_a, coder_b):
                    coded.setdefault((doc, code, coder), []).append((start, end))
        new: list[Coding] = []
        for doc, code in sorted({(d, c) for d, c, _ in coded}):
            for start, end in rules.agreed(
                coded.get((doc, code, coder_a), ()), coded.get((doc, code, coder_b), ())
            ):
                new.append(
                    Coding(
                        document_id=doc, code_id=code, coder_id=consensus.id, start=start, end=end
                    )
                )
        report = project.add_codings(new, "Adopt agreed passages")
        return Adopted(consensus, report.added, created)

    done, changes = _act(session, "Start consensus from agreed passages", run)
    return Adopted(done.consensus, done.added, done.created, changes)
