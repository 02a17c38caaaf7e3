"""Searching every document of a project, as a background read with progress.

``search_read`` checks the query at once (a bad regular expression is said
before anything starts) and returns a ``BackgroundRead`` that searches the
documents one after the other on its own read-only connection. It reports
after each stretch of documents (about every ``REPORT_EVERY`` seconds, and at
the end) with ``Progress(done, total, hits)``, ``hits`` being the hits found
since the previous report, so a results list can fill while the search runs;
a cancelled search stops before the next document, and a document deleted
while the search runs is passed over. The result is the whole
``HitList`` (the reported hits, in order), with ``truncated`` and ``note`` as
``core.search.search_documents`` sets them.
"""

from __future__ import annotations

import time
from pathlib import Path

import regex as rx

from annotator.app.background import BackgroundRead, Reporter
from annotator.core.errors import NotFound
from annotator.core.search import MAX_HITS, Hit, HitList, compile_query, context, find_pattern
from annotator.store import Project

#: Seconds between two progress reports (each may carry a batch of hits).
REPORT_EVERY = 0.05


def search_project(
    project: Project,
    pattern: rx.Pattern[str] | None,
    report: Reporter | None = None,
    *,
    limit: int = MAX_HITS,
    width: int = 60,
    time_budget: float | None = None,
) -> HitList:
    """Every hit of ``pattern`` in the project's documents, in document-list order,
    with progress and batches of hits reported to ``report`` (see the module)."""
    hits = HitList()
    if pattern is None:
        return hits
    documents = project.documents()
    total = len(documents)
    started = last = time.monotonic()
    batch: list[Hit] = []
    done, reported = 0, -1
    for doc in documents:
        if report is not None:
            report.check()
        if time_budget is not None and time.monotonic() - started > time_budget:
            hits.truncated = True
            hits.note = (
                f"The search stopped after {time_budget:g} seconds; "
                "a simpler pattern would search every document."
            )
            break
        try:
            text = project.document_text(doc.id)
        except NotFound:  # deleted (by the window, say) since the list was read
            done += 1
            continue
        spans = find_pattern(text, pattern, limit - len(hits))
        found = [Hit(doc.id, doc.title, s, e, *context(text, s, e, width)) for s, e in spans]
        hits.extend(found)
        batch.extend(found)
        done += 1
        if spans.truncated:  # a hit beyond the limit exists: say so rather than guess
            hits.truncated = True
            hits.note = f"Showing the first {limit:,} matches; narrow the search to see the rest."
            break
        now = time.monotonic()
        if report is not None and now - last >= REPORT_EVERY:
            report(done, total, tuple(batch))
            batch, last, reported = [], now, done
    if report is not None and (batch or reported != done):  # the rest, or at least the end
        report(done, total, tuple(batch))
    return hits


def search_read(
    path: str | Path,
    query: str,
    *,
    regex: bool = False,
    case_sensitive: bool = False,
    whole_word: bool = False,
    limit: int = MAX_HITS,
    width: int = 60,
    time_budget: float | None = None,
) -> BackgroundRead[HitList]:
    """A background read searching every document of the project at ``path``.

    Raises InvalidInput now for an invalid regular expression."""
    pattern = compile_query(
        query, regex=regex, case_sensitive=case_sensitive, whole_word=whole_word
    )

    def work(project: Project, report: Reporter) -> HitList:
        return search_project(
            project, pattern, report, limit=limit, width=width, time_budget=time_budget
        )

    return BackgroundRead(path, work, name=f"Search for '{query}'")
