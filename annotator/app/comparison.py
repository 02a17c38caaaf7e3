"""Comparing coders: read a project's codings for a comparison and hand them to core.

``compare`` gives every agreement figure (``core.agreement.text.compare_text``)
for chosen coders, codes (each optionally with its sub-codes) and documents;
``disagreements`` gives the regions where two coders differ, in document order.
Both only read, so they are safe on a background thread's own read-only
connection (``comparison_read`` makes such a ``BackgroundRead``). Bad choices
(an unknown coder, code or document, a coder named twice, fewer than two coders,
fewer than two of them with codings to compare) raise an ``AnnotatorError``
saying so, and nothing is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annotator.app.background import BackgroundRead, Reporter
from annotator.core.agreement import disagreements as found
from annotator.core.agreement.disagreements import Disagreement
from annotator.core.agreement.segments import DEFAULT_OVERLAP, check_overlap
from annotator.core.agreement.text import CodedSpan, ComparisonReport, compare_text
from annotator.core.codebook import CodeTree
from annotator.core.errors import InvalidInput
from annotator.core.models import DocumentSummary
from annotator.store import Project


def _coders(project: Project, coder_ids: Sequence[str]) -> list[str]:
    names = {c.id: c.name for c in project.coders()}
    for coder_id in coder_ids:
        if coder_id not in names:
            project.coder(coder_id)  # raises NotFound, naming the id
    if len(set(coder_ids)) != len(coder_ids):
        twice = next(c for c in coder_ids if list(coder_ids).count(c) > 1)
        raise InvalidInput(f"The coder {names[twice]} is named twice; name each coder once.")
    if len(coder_ids) < 2:
        raise InvalidInput("Comparing coders needs at least two coders.")
    return list(coder_ids)


def _documents(project: Project, document_ids: Sequence[str] | None) -> list[DocumentSummary]:
    docs = project.documents()
    if document_ids is None:
        return docs
    by_id = {d.id: d for d in docs}
    for doc_id in document_ids:
        if doc_id not in by_id:
            project.document(doc_id, with_text=False)  # raises NotFound
    chosen = set(document_ids)
    return [d for d in docs if d.id in chosen]  # in the project's order


def _code_targets(
    tree: CodeTree, code_ids: Sequence[str] | None, with_subcodes: bool
) -> tuple[list[str], dict[str, list[str]]]:
    """The codes to report (in codebook order when not chosen) and, for each stored code,
    the reported codes its codings count for (itself; with sub-codes, every chosen ancestor)."""
    if code_ids is None:
        chosen = [c.id for c in tree.walk()]
    else:
        for code_id in code_ids:
            if code_id not in tree.codes:
                raise InvalidInput(f"No code with id {code_id}.")
        chosen = list(dict.fromkeys(code_ids))
    targets: dict[str, list[str]] = {}
    for code_id in chosen:
        for member in tree.subtree(code_id) if with_subcodes else [code_id]:
            targets.setdefault(member, []).append(code_id)
    return chosen, targets


def _spans(
    project: Project, coder_ids: Sequence[str], targets: dict[str, list[str]]
) -> list[CodedSpan]:
    """The chosen coders' codings, each once for every reported code it counts for
    (core passes over other codes and documents)."""
    rows = project.comparison_spans(coder_ids)
    if all(len(to) == 1 and to[0] == code for code, to in targets.items()):
        return rows  # no sub-codes folded in: every coding counts for its own code only
    return [
        (doc, target, coder, start, end)
        for doc, code, coder, start, end in rows
        for target in targets.get(code, ())
    ]


def _check_coded(project: Project, report: ComparisonReport) -> None:
    """Refuse a comparison in which fewer than two coders have a segment to compare."""
    coded = [c for c, n in report.overall.segments.items() if n]
    if len(coded) < 2:
        names = {c.id: c.name for c in project.coders()}
        who = ", ".join(names[c] for c in coded) or "none of them"
        raise InvalidInput(
            "Fewer than two of the chosen coders have codings of these codes in these "
            f"documents (coded: {who}); there is nothing to compare."
        )


def compare(
    project: Project,
    coder_ids: Sequence[str],
    code_ids: Sequence[str] | None = None,
    with_subcodes: bool = False,
    document_ids: Sequence[str] | None = None,
    overlap: float = DEFAULT_OVERLAP,
) -> ComparisonReport:
    """Agreement of ``coder_ids`` (two or more) per code and overall, over every character
    of the chosen documents (all by default), for the chosen codes (all by default)."""
    check_overlap(overlap)
    coders = _coders(project, coder_ids)
    chosen, targets = _code_targets(project.code_tree(), code_ids, with_subcodes)
    docs = _documents(project, document_ids)
    spans = _spans(project, coders, targets)
    report = compare_text(coders, [(d.id, d.length) for d in docs], chosen, spans, overlap)
    _check_coded(project, report)
    return report


def disagreements(
    project: Project,
    coder_a: str,
    coder_b: str,
    code_ids: Sequence[str] | None = None,
    document_ids: Sequence[str] | None = None,
) -> list[Disagreement]:
    """Every region where two coders differ, by document (the project's order), then start,
    then code (codebook order)."""
    coders = _coders(project, [coder_a, coder_b])
    tree = project.code_tree()
    chosen, targets = _code_targets(tree, code_ids, False)
    docs = _documents(project, document_ids)
    doc_order = {d.id: i for i, d in enumerate(docs)}
    grouped: dict[tuple[str, str], tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
    for doc, code, coder, start, end in _spans(project, coders, targets):
        if doc not in doc_order or code not in targets:
            continue
        pair = grouped.setdefault((doc, code), ([], []))
        pair[0 if coder == coder_a else 1].append((start, end))
    code_order = {c: i for i, c in enumerate(chosen)}
    out: list[Disagreement] = []
    for (doc, code), (mine, theirs) in grouped.items():
        out.extend(found.find(doc, code, (coder_a, mine), (coder_b, theirs)))
    out.sort(key=lambda d: (doc_order[d.document_id], d.start, code_order[d.code_id], d.end))
    return out


def comparison_read(
    path: str | Path,
    coder_ids: Sequence[str],
    code_ids: Sequence[str] | None = None,
    with_subcodes: bool = False,
    document_ids: Sequence[str] | None = None,
    overlap: float = DEFAULT_OVERLAP,
) -> BackgroundRead[ComparisonReport]:
    """``compare`` as a background read on its own read-only connection to ``path``."""
    check_overlap(overlap)

    def work(project: Project, report: Reporter) -> ComparisonReport:
        report(0, 1)
        result = compare(project, coder_ids, code_ids, with_subcodes, document_ids, overlap)
        report(1, 1)
        return result

    return BackgroundRead(path, work, name="Compare coders")
