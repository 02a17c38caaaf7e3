"""annotator qdpx / qdc: REFI-QDA exchange from a script, with a summary afterwards."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import Project


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    path = tmp_path / "p.sqlite"
    with Project.create(path) as p:
        doc = p.add_document("Speech", "We set the standard 🚀 for others.\r\nThey follow.")
        code = p.add_code("Norm-shaper", definition="Sets rules.", example="We set the standard")
        ann = p.add_coder("Ann")
        p.add_coding(doc.id, code.id, ann.id, 0, 19, memo="clear case")
        p.add_memo("Why this speech", document_id=doc.id)
    return path


def test_qdpx_export_then_import_prints_what_moved(coded: Path, tmp_path: Path, capsys) -> None:
    out_file = tmp_path / "p.qdpx"
    code, out, err = run(capsys, "qdpx", "export", str(coded), "-o", str(out_file), "--progress")
    assert code == 0, err
    assert "1 document, 1 code, 1 coder, 1 coding, 1 memo" in out
    assert err.splitlines()[-1].split("/")[0] == err.splitlines()[-1].split("/")[1]  # done == total
    assert "project.qde" in zipfile.ZipFile(out_file).namelist()
    code, out, err = run(capsys, "qdpx", "import", str(out_file), "-o", str(tmp_path / "q.sqlite"))
    assert code == 0, err
    assert "1 coding," in out and "code points" in out
    with Project.open(tmp_path / "q.sqlite") as q:
        c = q.codings()[0]
        assert q.document_text(c.document_id)[c.start : c.end] == "We set the standard"
        assert c.memo == "clear case"


def test_qdpx_import_of_the_spec_example_lists_what_was_skipped_and_why(
    tmp_path: Path, capsys, samples: Path
) -> None:
    target = tmp_path / "s.sqlite"
    code, out, _ = run(
        capsys,
        "qdpx",
        "import",
        str(samples / "specannex_skyloom_TestProject.qdpx"),
        "-o",
        str(target),
    )
    assert code == 0
    assert (
        "Not placed: 7 codings: their source was skipped (its text is not in the archive)." in out
    )
    assert "Skipped source 'Mabel.txt'" in out and "picture source, not a text" in out


def test_qdc_export_and_import_with_one_line_errors(coded: Path, tmp_path: Path, capsys) -> None:
    book = tmp_path / "book.qdc"
    assert run(capsys, "qdc", "export", str(coded), "-o", str(book)) == (
        0,
        f"Exported 1 code to {book}\n",
        "",
    )
    code, out, _ = run(capsys, "qdc", "import", str(coded), str(book))
    assert code == 0 and "0 codes created, 0 updated, 1 unchanged." in out
    bad = tmp_path / "bad.qdc"
    bad.write_text("<CodeBook><Codes>")
    code, out, err = run(capsys, "qdc", "import", str(coded), str(bad))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "not well-formed" in err


def test_qdpx_import_refuses_to_overwrite_a_project(coded: Path, tmp_path: Path, capsys) -> None:
    run(capsys, "qdpx", "export", str(coded), "-o", str(tmp_path / "p.qdpx"))
    before = coded.read_bytes()
    code, _, err = run(capsys, "qdpx", "import", str(tmp_path / "p.qdpx"), "-o", str(coded))
    assert code == 1 and "already exists" in err
    assert coded.read_bytes() == before


def test_a_qdpx_made_by_zipping_a_folder_imports_its_texts(
    coded: Path, tmp_path: Path, capsys
) -> None:
    """ "Compress" on a Mac puts every member under the folder's name: the sources are
    looked for beside the project file, not only at the top of the archive."""
    flat = tmp_path / "p.qdpx"
    assert run(capsys, "qdpx", "export", str(coded), "-o", str(flat))[0] == 0
    nested = tmp_path / "nested.qdpx"
    with zipfile.ZipFile(flat) as src, zipfile.ZipFile(nested, "w") as out:
        for name in src.namelist():
            out.writestr(f"My project/{name}", src.read(name))
    code, out, err = run(capsys, "qdpx", "import", str(nested), "-o", str(tmp_path / "n.sqlite"))
    assert code == 0, err
    assert "Skipped" not in out + err
    with Project.open(tmp_path / "n.sqlite") as q:
        c = q.codings()[0]
        assert q.document_text(c.document_id)[c.start : c.end] == "We set the standard"
