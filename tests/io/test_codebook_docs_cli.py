"""``annotator codebook export``: every format from the command line, chosen by name or
by the output's extension, and one-line failures that leave nothing behind."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from test_codebook_docs import build, docx_blocks, html_soup

from annotator.cli import main
from annotator.io.codebook_docs.formats import CODEBOOK_FORMATS, export_codebook_as, format_for
from annotator.store import Project


@pytest.fixture
def coded_file(tmp_path: Path) -> Path:
    path = tmp_path / "study.sqlite"
    with Project.create(path) as project:
        build(project)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """Exit code, stdout and stderr, as a shell would see them (usage errors exit 2)."""
    try:
        code = main(list(argv))
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def kind(path: Path) -> str:
    """What a file really is, by its content."""
    data = path.read_bytes()
    if data.startswith(b"PK") and "word/document.xml" in zipfile.ZipFile(path).namelist():
        return "docx"
    text = data.decode("utf-8-sig")
    if text.startswith("<!DOCTYPE html>"):
        return "html"
    if text.startswith("# study — Codebook"):
        return "md"
    if next(csv.reader([text.splitlines()[0]]))[:2] == ["id", "name"]:
        return "csv"
    return "unknown"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("c.md", "md"), ("c.markdown", "md"), ("c.html", "html"), ("C.HTM", "html"),
        ("c.docx", "docx"), ("c.csv", "csv"), ("c.txt", "csv"), ("codebook", "csv"),
    ],
)  # fmt: skip
def test_the_format_follows_the_extension_else_csv(
    coded_file: Path, tmp_path: Path, capsys, name: str, expected: str
) -> None:
    target = tmp_path / name
    code, out, err = run(capsys, "codebook", "export", str(coded_file), "-o", str(target))
    assert (code, err) == (0, "")
    assert out == f"Codebook written to {target}\n"
    assert kind(target) == expected


@pytest.mark.parametrize("fmt", ["csv", "md", "html", "docx"])
def test_format_names_the_format_whatever_the_extension(
    coded_file: Path, tmp_path: Path, capsys, fmt: str
) -> None:
    target = tmp_path / "codebook.out"
    code, _, err = run(
        capsys, "codebook", "export", str(coded_file), "--format", fmt, "-o", str(target)
    )
    assert (code, err) == (0, "")
    assert kind(target) == fmt


def test_each_document_written_by_the_cli_holds_the_codebook(
    coded_file: Path, tmp_path: Path, capsys
) -> None:
    for ext in ("md", "html", "docx"):
        assert (
            run(capsys, "codebook", "export", str(coded_file), "-o", str(tmp_path / f"c.{ext}"))[0]
            == 0
        )
    assert "\n#### 1.1.1 Rage\n" in (tmp_path / "c.md").read_text()  # level 3: ####
    assert html_soup(tmp_path / "c.html").find(id="code-1-1-1").get_text() == "1.1.1 Rage"
    assert ("Heading 3", "1.1.1 Rage") in docx_blocks(tmp_path / "c.docx")


def test_an_unknown_format_is_one_line_and_writes_nothing(
    coded_file: Path, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "c.pdf"
    code, out, err = run(
        capsys, "codebook", "export", str(coded_file), "--format", "pdf", "-o", str(target)
    )
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "invalid choice: 'pdf'" in err
    assert not target.exists()


def test_an_unwritable_path_is_one_line_and_leaves_no_file(
    coded_file: Path, tmp_path: Path, capsys
) -> None:
    for target in (tmp_path / "no" / "such" / "c.html", tmp_path):  # a missing folder; a folder
        code, out, err = run(capsys, "codebook", "export", str(coded_file), "-o", str(target))
        assert code == 1 and out == ""
        assert err.startswith("annotator: error: Cannot write ") and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.sqlite"]


def test_an_export_over_an_old_file_replaces_it_whole(
    coded_file: Path, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "c.html"
    target.write_text("an older export")
    assert run(capsys, "codebook", "export", str(coded_file), "-o", str(target))[0] == 0
    assert kind(target) == "html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.html", "study.sqlite"]


def test_export_leaves_the_project_unchanged(coded_file: Path, tmp_path: Path, capsys) -> None:
    with Project.open(coded_file) as project:
        step, codes, codings = project.last_history_id(), project.codes(), project.codings()
    for ext in ("md", "html", "docx"):
        run(capsys, "codebook", "export", str(coded_file), "-o", str(tmp_path / f"c.{ext}"))
    with Project.open(coded_file) as project:
        assert project.last_history_id() == step
        assert (project.codes(), project.codings()) == (codes, codings)


def test_the_format_table_is_what_the_command_offers() -> None:
    """A format added to the table is a choice of ``--format`` and known by its extension."""
    assert list(CODEBOOK_FORMATS) == ["csv", "qdc", "md", "html", "docx"]
    for name, fmt in CODEBOOK_FORMATS.items():
        assert all(format_for(Path(f"x{ext}")) == name for ext in fmt.extensions)
    assert format_for("x.html", "docx") == "docx"


def test_the_library_call_refuses_an_unknown_format(coded_file: Path, tmp_path: Path) -> None:
    from annotator.core.errors import InvalidInput

    with Project.open(coded_file) as project, pytest.raises(InvalidInput, match="'pdf' is not"):
        export_codebook_as(project, tmp_path / "c.pdf", "pdf")
    assert not (tmp_path / "c.pdf").exists()


def test_the_project_file_itself_is_never_overwritten(coded_file: Path, capsys) -> None:
    before = coded_file.read_bytes()
    for target in (coded_file, Path(f"{coded_file}-wal")):
        code, out, err = run(capsys, "codebook", "export", str(coded_file), "-o", str(target))
        assert code == 1 and out == "" and err.count("\n") == 1
        assert "is the project's own file" in err
    assert coded_file.read_bytes() == before
    with Project.open(coded_file) as project:
        assert len(project.codes()) == 6
