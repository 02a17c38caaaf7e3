"""Structured files are read in a worker process that is killed at its deadline, on cancel, or
when it exhausts its memory cap; reading stays separate from storing.

The slow and greedy files here are real inputs to a real parser (markdown-it on a storm of
"![", and on a large file) with the limits turned down, so each test takes about a
second; the worker is the same code the import uses.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import docx
import pytest

from annotator.core.errors import InvalidInput
from annotator.io.sources import isolated
from annotator.io.sources.batch import ImportReport, extract_many, import_files, store_extracted
from annotator.io.sources.extract import ExtractedSource
from annotator.io.sources.isolated import Cancelled, IsolatedReader
from annotator.store import Project


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def good_docx(path: Path, text: str = "Words in Word.") -> Path:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return write(path, out.getvalue())


def stalling_markdown(path: Path) -> Path:
    """markdown-it takes tens of seconds on this (600 KB of "![")."""
    return write(path, "![" * 300_000)


def greedy_markdown(path: Path) -> Path:
    """6 MB of ordinary paragraphs: markdown-it's tokens for it take some 500 MB."""
    return write(
        path,
        "".join(f"Paragraph {i} with a *sentence* or two of words.\n\n" for i in range(120_000)),
    )


def test_a_file_past_the_deadline_is_refused_and_the_next_file_gets_a_fresh_worker(
    tmp_path: Path,
) -> None:
    slow = stalling_markdown(tmp_path / "storm.md")
    good = good_docx(tmp_path / "good.docx")
    with IsolatedReader(deadline=1.0) as reader:
        with pytest.raises(InvalidInput) as caught:
            reader.extract(slow, "md")
        assert str(caught.value) == (
            "storm.md took longer than 1 s to read; it may be damaged or built to stall readers."
        )
        assert reader._process is None  # killed, not waited for
        assert reader.extract(good, "docx").text == "Words in Word."


def test_a_file_that_exhausts_the_memory_cap_is_refused_and_the_next_is_read(
    tmp_path: Path,
) -> None:
    greedy = greedy_markdown(tmp_path / "big.md")
    good = good_docx(tmp_path / "good.docx")
    with IsolatedReader(memory_limit=150 * 1024**2) as reader:
        with pytest.raises(
            InvalidInput,
            match=r"^big\.md (needs more than 150 MB of memory to read|made the reader stop)",
        ):
            reader.extract(greedy, "md")
        assert reader.extract(good, "docx").text == "Words in Word."


def test_refusals_from_the_worker_are_the_extractors_own(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.docx", b"\x00\x01 not a zip" * 20)
    with (
        IsolatedReader() as reader,
        pytest.raises(InvalidInput, match=r"^broken\.docx cannot be read as a Word document"),
    ):
        reader.extract(broken, "docx")


def test_cancel_mid_file_kills_the_worker_and_ends_the_batch(tmp_path: Path) -> None:
    paths = [stalling_markdown(tmp_path / "storm.md"), write(tmp_path / "after.txt", "Never read.")]
    started = time.monotonic()

    def cancelled() -> bool:
        return time.monotonic() - started > 0.5

    assert list(extract_many(paths, cancelled=cancelled)) == []


def test_reader_raises_cancelled_while_a_file_is_read(tmp_path: Path) -> None:
    slow = stalling_markdown(tmp_path / "storm.md")
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > 20  # some polls after the worker is ready and reading

    with IsolatedReader(cancelled=cancelled) as reader:
        with pytest.raises(Cancelled):
            reader.extract(slow, "md")
        assert reader._process is None


def test_import_files_honours_cancelled_mid_file(project: Project, tmp_path: Path) -> None:
    first = write(tmp_path / "first.txt", "Read and stored.")
    paths = [
        first,
        stalling_markdown(tmp_path / "storm.md"),
        write(tmp_path / "last.txt", "Never."),
    ]
    started = time.monotonic()
    report = import_files(project, paths, cancelled=lambda: time.monotonic() - started > 0.5)
    assert report.cancelled and not report.ok
    assert [d.source_name for d in project.documents()] == ["first.txt"]


def test_extract_many_reads_without_storing_and_store_extracted_stores(
    project: Project, tmp_path: Path
) -> None:
    paths = [
        write(tmp_path / "a.txt", "Plain text."),
        good_docx(tmp_path / "b.docx"),
        write(tmp_path / "c.md", "# Heading\n\nMark *down*."),
        write(tmp_path / "d.pptx", "slides"),
        write(tmp_path / "e.txt", "Plain text."),  # the same text as a.txt
    ]
    results = list(extract_many(paths, formats={"c.md": "md"}))
    assert project.documents() == []  # reading stored nothing
    assert [p for p, _ in results] == paths
    assert [type(r) for _, r in results] == [
        ExtractedSource,
        ExtractedSource,
        ExtractedSource,
        str,
        ExtractedSource,
    ]
    assert "d.pptx cannot be imported" in str(results[3][1])

    report = ImportReport()
    for path, result in results:
        store_extracted(
            project,
            path,
            result,
            report,
            attributes={"batch": "1"} if path.name == "b.docx" else None,
        )
    assert [d.source_name for d in report.imported] == ["a.txt", "b.docx", "c.md"]
    assert [p.name for p, _ in report.failed] == ["d.pptx"]
    assert [p.name for p, _ in report.duplicates] == ["e.txt"]
    assert project.document_attributes(report.imported[1].id)["batch"] == "1"


def test_plain_text_is_read_without_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import benchmark reads 100 text files: no process is started for them."""

    def no_worker(self: IsolatedReader) -> None:
        raise AssertionError("a worker was started for plain text")

    monkeypatch.setattr(IsolatedReader, "_worker", no_worker)
    paths = [write(tmp_path / f"{i}.txt", f"Text {i}.") for i in range(3)]
    assert [r.text for _, r in extract_many(paths) if not isinstance(r, str)] == [
        "Text 0.",
        "Text 1.",
        "Text 2.",
    ]


def test_without_a_worker_files_are_still_read_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no process can be started, reading still works, with the extractors' own limits."""

    class NoProcesses:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def start(self) -> None:
            raise OSError(11, "Resource temporarily unavailable")

    real = isolated.multiprocessing.get_context

    def context(method: str) -> object:
        ctx = real(method)
        monkeypatch.setattr(ctx, "Process", NoProcesses)
        return ctx

    monkeypatch.setattr(isolated.multiprocessing, "get_context", context)
    with IsolatedReader() as reader:
        assert reader.extract(good_docx(tmp_path / "b.docx"), "docx").text == "Words in Word."
