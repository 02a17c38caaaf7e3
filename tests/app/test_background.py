"""Background reads without Qt: a second, read-only connection; progress; cancelling."""

from __future__ import annotations

import threading

import pytest
from conftest import Sample

from annotator.app import search as app_search
from annotator.app.background import BackgroundRead, Cancelled, Progress, Reporter
from annotator.app.search import search_read
from annotator.core.errors import InvalidInput, ReadOnlyProject
from annotator.core.search import search_documents
from annotator.store import Project


def test_a_read_has_its_own_read_only_connection_that_sees_what_is_committed(
    sample: Sample,
) -> None:
    p = sample.project
    p.add_document("Late", "Added just before the read.")
    seen: list[object] = []

    def work(project: Project, report: Reporter) -> list[str]:
        seen.append(project)
        assert project.read_only
        with pytest.raises(ReadOnlyProject):
            project.add_coder("Mallory")
        return sorted(d.title for d in project.documents())

    assert BackgroundRead(p.path, work).run() == ["Emoji post", "Late", "Speech"]
    assert seen[0] is not p
    p.add_coder("Cem")  # the window's own connection still writes after the read closed its own
    assert "Cem" in {c.name for c in p.coders()}


def test_progress_is_delivered_and_the_result_returned(sample: Sample) -> None:
    got: list[Progress] = []

    def work(project: Project, report: Reporter) -> int:
        for i in range(3):
            report(i + 1, 3, f"step {i}")
        return 42

    assert BackgroundRead(sample.project.path, work).run(got.append) == 42
    assert got == [Progress(1, 3, "step 0"), Progress(2, 3, "step 1"), Progress(3, 3, "step 2")]


def test_cancelling_stops_the_work_at_its_next_report(sample: Sample) -> None:
    steps: list[int] = []
    job: BackgroundRead[int]

    def work(project: Project, report: Reporter) -> int:
        for i in range(1000):
            steps.append(i)
            report(i, 1000)
        return len(steps)

    def progress(p: Progress) -> None:
        if p.done == 4:
            job.cancel()

    job = BackgroundRead(sample.project.path, work)
    with pytest.raises(Cancelled):
        job.run(progress)
    assert steps == [0, 1, 2, 3, 4, 5] and job.cancelled


def test_a_job_cancelled_before_it_starts_opens_nothing(sample: Sample) -> None:
    job = BackgroundRead(sample.project.path, lambda project, report: pytest.fail("ran"))
    job.cancel()
    with pytest.raises(Cancelled):
        job.run()


def test_a_read_runs_on_another_thread_and_is_cancelled_from_this_one(sample: Sample) -> None:
    started, results = threading.Event(), []

    def work(project: Project, report: Reporter) -> str:
        started.set()
        while True:  # until cancelled
            report.check()
            project.documents()

    job = BackgroundRead(sample.project.path, work)

    def run() -> None:
        try:
            results.append(job.run())
        except Cancelled:
            results.append("cancelled")

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(10)
    job.cancel()
    thread.join(10)
    assert not thread.is_alive() and results == ["cancelled"]


# -- searching every document ----------------------------------------------------------------
def test_searching_in_the_background_finds_what_a_search_of_the_texts_finds(sample: Sample) -> None:
    p = sample.project
    texts = [(d.id, d.title, p.document_text(d.id)) for d in p.documents()]
    batches: list[Progress] = []
    hits = search_read(p.path, "capacity").run(batches.append)
    assert hits == search_documents(texts, "capacity") and len(hits) == 2
    assert [h for b in batches for h in b.data] == list(hits)  # every hit reported, in order
    assert batches[-1].done == batches[-1].total == 2


def test_a_bad_pattern_is_said_before_anything_starts(sample: Sample) -> None:
    with pytest.raises(InvalidInput, match="not a valid regular expression"):
        search_read(sample.project.path, "(China", regex=True)


def test_a_document_deleted_while_the_search_runs_is_passed_over(
    sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_search, "REPORT_EVERY", 0.0)  # a report after every document
    p = sample.project
    first, second = (d.id for d in p.documents())

    def progress(report: Progress) -> None:
        if report.done == 1:
            p.delete_document(second)  # committed by "the window" mid-search

    hits = search_read(p.path, "rivalry").run(progress)
    assert {h.document_id for h in hits} == {first}


def test_a_cancelled_search_stops_between_documents(
    sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_search, "REPORT_EVERY", 0.0)
    job = search_read(sample.project.path, "rivalry")
    seen: list[int] = []

    def progress(report: Progress) -> None:
        seen.append(report.done)
        job.cancel()

    with pytest.raises(Cancelled):
        job.run(progress)
    assert seen == [1]
