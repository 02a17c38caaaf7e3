"""Importing files into a project: one document per file, bad files reported, nothing half-done."""

from __future__ import annotations

import os
from pathlib import Path

import docx
import pytest

from annotator.core.changes import ChangeSet
from annotator.core.errors import InvalidInput
from annotator.io.sources import extract as extract_module
from annotator.io.sources.batch import import_files
from annotator.io.sources.extract import extract
from annotator.store import Project


def write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_files_of_several_formats_become_documents(project: Project, tmp_path: Path) -> None:
    speech = write(tmp_path, "speech.txt", "China will participate.\r\nIn governance 🤖.\r\n")
    notes = write(tmp_path, "notes.md", "# Notes\n\nSome **bold** words.\n")
    word = tmp_path / "op-ed.docx"
    document = docx.Document()
    document.core_properties.author = "Zhang Weiwei"
    document.add_paragraph("Finding the same wavelength")
    document.save(str(word))

    report = import_files(
        project, [speech, notes, word], attributes={"op-ed.docx": {"genre": "op-ed"}}
    )

    assert report.ok and not report.failed and not report.duplicates
    stored = {d.source_name: d for d in project.documents()}
    assert set(stored) == {"speech.txt", "notes.md", "op-ed.docx"}
    assert [d.title for d in report.imported] == [
        "China will participate.",
        "Notes",
        "Finding the same wavelength",
    ]
    assert (
        project.document_text(stored["speech.txt"].id)
        == "China will participate.\nIn governance 🤖.\n"
    )
    assert project.document_text(stored["notes.md"].id) == "Notes\n\nSome bold words."
    assert (stored["notes.md"].format, stored["op-ed.docx"].format) == ("md", "docx")
    assert stored["op-ed.docx"].attributes["genre"] == "op-ed"
    assert stored["op-ed.docx"].attributes["author"] == "Zhang Weiwei"


def test_given_attributes_win_over_file_metadata(project: Project, tmp_path: Path) -> None:
    page = write(tmp_path, "p.html", '<meta name="author" content="Wrong"><p>Body text.</p>')
    report = import_files(
        project, [page], attributes={"p.html": {"author": "Right", "outlet": "CD"}}
    )
    assert project.document_attributes(report.imported[0].id) == {"author": "Right", "outlet": "CD"}


def test_format_override_reads_markdown_named_txt(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "paper.txt", "## **Shaping AI's Future?**\n\nText<sup>1</sup>.\n")
    report = import_files(project, [path], formats={"paper.txt": "md"})
    doc = report.imported[0]
    assert (doc.title, doc.format) == ("Shaping AI's Future?", "md")
    assert project.document_text(doc.id) == "Shaping AI's Future?\n\nText¹."


def test_same_text_twice_is_a_duplicate_not_a_failure(project: Project, tmp_path: Path) -> None:
    first = write(tmp_path, "a.txt", "The same speech.\n")
    copy = write(tmp_path, "b.txt", "The same speech.\r\n")  # equal once line ends are normalised
    import_files(project, [first])
    report = import_files(project, [copy])
    assert report.imported == [] and report.failed == []
    assert report.duplicates == [(copy, report.duplicates[0][1])]
    assert "b.txt has the same text as 'The same speech.'" in report.duplicates[0][1]
    assert report.ok
    assert len(project.documents()) == 1


def test_a_failing_file_leaves_the_others_imported_and_changes_nothing(
    project: Project, tmp_path: Path
) -> None:
    good1 = write(tmp_path, "one.txt", "First text.")
    broken = write(tmp_path, "broken.docx", b"\x00\x01 not a zip at all" * 20)
    good2 = write(tmp_path, "two.txt", "Second text.")
    commits: list[ChangeSet] = []
    project.subscribe(commits.append)

    report = import_files(project, [good1, broken, good2])

    assert [d.source_name for d in report.imported] == ["one.txt", "two.txt"]
    assert report.failed == [(broken, report.failed[0][1])]
    assert "broken.docx cannot be read as a Word document" in report.failed[0][1]
    assert not report.ok
    assert [d.source_name for d in project.documents()] == ["one.txt", "two.txt"]
    # One commit per imported document, none for the broken file.
    assert len(commits) == 2
    assert all(
        {rc.table for rc in cs.rows} <= {"documents", "document_attributes"} for cs in commits
    )


def test_an_invalid_attribute_fails_that_file_without_a_partial_document(
    project: Project, tmp_path: Path
) -> None:
    path = write(tmp_path, "a.txt", "Some text.")
    report = import_files(project, [path], attributes={"a.txt": {"   ": "no name"}})
    assert report.failed and report.failed[0][0] == path
    assert project.documents() == []


def test_notes_from_decoding_are_reported_per_file(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "legacy.txt", "Café “talks”".encode("cp1252"))
    report = import_files(project, [path])
    assert report.notes == [(path, "decoded as Windows-1252 (not UTF-8)")]
    assert project.document_text(report.imported[0].id) == "Café “talks”"


def test_progress_is_called_before_each_file_and_at_the_end(
    project: Project, tmp_path: Path
) -> None:
    paths = [write(tmp_path, f"{i}.txt", f"Text number {i}.") for i in range(3)]
    calls: list[tuple[int, int, Path, int]] = []

    def progress(done: int, total: int, path: Path) -> None:
        calls.append((done, total, path, len(project.documents())))

    import_files(project, paths, progress=progress)
    # Each call comes before its file is stored: the document count lags by one.
    assert calls == [
        (0, 3, paths[0], 0),
        (1, 3, paths[1], 1),
        (2, 3, paths[2], 2),
        (3, 3, paths[2], 3),
    ]


def test_progress_returning_false_cancels_the_rest(project: Project, tmp_path: Path) -> None:
    paths = [write(tmp_path, f"{i}.txt", f"Text number {i}.") for i in range(4)]
    seen: list[int] = []

    def progress(done: int, total: int, path: Path) -> bool:
        seen.append(done)
        return done < 2

    report = import_files(project, paths, progress=progress)
    assert seen == [0, 1, 2]
    assert report.cancelled and not report.ok
    assert [d.source_name for d in project.documents()] == ["0.txt", "1.txt"]


# -- files that cannot be sources -----------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"gone\.txt does not exist"):
        extract(tmp_path / "gone.txt")


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InvalidInput, match=r"folder\.txt is a folder"):
        extract(folder)


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"empty\.txt is empty"):
        extract(write(tmp_path, "empty.txt", b""))


def test_blank_file_has_no_text(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"blank\.txt has no text to import"):
        extract(write(tmp_path, "blank.txt", " \r\n\t\n"))


def test_oversized_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "MAX_BYTES", 10)
    with pytest.raises(InvalidInput, match=r"big\.txt is too large to import"):
        extract(write(tmp_path, "big.txt", "more than ten bytes of text"))


def test_binary_file_named_txt(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"photo\.txt looks like a binary file"):
        extract(write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("data.xlsx", r"data\.xlsx cannot be imported: spreadsheets are not source texts"),
        ("old.doc", r"old\.doc cannot be imported: it is an old Word 97-2003 file"),
        ("image.png", r"image\.png cannot be imported: \.png files are not supported"),
        ("README", r"README has no file extension"),
    ],
)
def test_unsupported_suffix(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        extract(write(tmp_path, name, "words"))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "locked.txt", "secret")
    path.chmod(0)
    try:
        with pytest.raises(InvalidInput, match=r"locked\.txt cannot be read: permission denied"):
            extract(path)
    finally:
        path.chmod(0o600)


def test_every_bad_file_in_a_batch_is_reported_by_name(project: Project, tmp_path: Path) -> None:
    paths = [
        tmp_path / "missing.txt",
        write(tmp_path, "empty.txt", b""),
        write(tmp_path, "slides.pptx", "x"),
        write(tmp_path, "ok.txt", "Fine."),
    ]
    report = import_files(project, paths)
    assert [p for p, _ in report.failed] == paths[:3]
    for path, message in report.failed:
        assert path.name in message
    assert [d.source_name for d in report.imported] == ["ok.txt"]


def test_read_error_is_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same as above where the tests run as root: the OS refusal itself is simulated."""
    path = write(tmp_path, "locked.txt", "secret")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InvalidInput, match=r"locked\.txt cannot be read: permission denied"):
        extract(path)
