"""The command line, as a researcher (or a script) would use it."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import Project

REPO = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(tmp_path, capsys) -> Path:
    path = tmp_path / "demo.sqlite"
    code, out, _ = run(capsys, "demo", str(path))
    assert code == 0 and "5 documents" in out
    return path


def test_demo_builds_the_bundled_corpus_with_metadata_and_codebook(demo, capsys):
    code, out, _ = run(capsys, "info", str(demo), "--json")
    assert code == 0
    info = json.loads(out)
    assert len(info["documents"]) == 5
    assert all(d["attributes"].get("genre") for d in info["documents"])
    paths = {c["path"].split("/")[-1] for c in info["codes"]}
    assert {"Norm-shaper", "Capacity building", "Geopolitical rivalry"} <= paths
    assert len(info["codes"]) >= 12


def test_codebook_examples_quote_the_imported_texts(demo):
    """The starter codebook's examples are verbatim passages of the stored documents."""
    with Project.open(demo) as p:
        texts = [" ".join(p.document_text(d.id).split()) for d in p.documents()]
        for code in p.codes():
            quote = code.example.split("“", 1)[1].rsplit("”", 1)[0]
            assert any(" ".join(quote.split()) in t for t in texts), code.name


def test_code_by_quote_and_by_offsets_then_export(demo, tmp_path, capsys):
    assert run(capsys, "coders", "add", str(demo), "Ann")[0] == 0
    code, out, err = run(
        capsys,
        "code",
        str(demo),
        "--document",
        "000_09fbba7bb405641d.txt",
        "--code",
        "Capacity building",
        "--coder",
        "Ann",
        "--quote",
        "emerging technologies",
    )
    # The phrase occurs several times: the CLI asks which one instead of guessing.
    assert code == 1 and "--occurrence" in err
    code, out, err = run(
        capsys,
        "code",
        str(demo),
        "--document",
        "000_09fbba7bb405641d.txt",
        "--code",
        "Capacity building",
        "--coder",
        "Ann",
        "--quote",
        "emerging technologies",
        "--occurrence",
        "2",
    )
    assert code == 0, err
    coding_id = out.strip()
    code, out, _ = run(
        capsys,
        "code",
        str(demo),
        "--document",
        "000_09fbba7bb405641d.txt",
        "--code",
        "Geopolitical rivalry",
        "--coder",
        "ann",
        "--start",
        "0",
        "--end",
        "7",
    )
    assert code == 0
    target = tmp_path / "segments.csv"
    assert run(capsys, "segments", "export", str(demo), "-o", str(target))[0] == 0
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["id"] for r in rows} >= {coding_id}
    assert any(r["text"].lower() == "emerging technologies" for r in rows)
    assert any(r["text"] == "Remarks" for r in rows)


def test_code_is_the_app_s_operation_done_by_the_coder(tmp_path, capsys):
    """``code`` runs the window's operation: the step is named as in the window, the coder
    is who acted, and a memo is kept."""
    path = tmp_path / "p.sqlite"
    with Project.create(path) as p:
        ben = p.add_coder("Ben")
        doc = p.add_document("Speech", "We must build capacity in developing countries.")
        p.add_code("Capacity")
    code, out, err = run(
        capsys,
        "code",
        str(path),
        "--document",
        "Speech",
        "--code",
        "Capacity",
        "--coder",
        "ben",
        "--quote",
        "build capacity",
        "--memo",
        "Key claim.",
    )
    assert code == 0, err
    with Project.open(path) as p:
        coding = p.coding(out.strip())
        entry = p.history()[-1]
    assert (coding.document_id, coding.coder_id, coding.start, coding.end) == (
        doc.id,
        ben.id,
        8,
        22,
    )
    assert coding.memo == "Key claim."
    assert (entry.label, entry.actor) == ("Code with Capacity", "Ben")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [
                "code",
                "{p}",
                "--document",
                "nope",
                "--code",
                "Norm-shaper",
                "--coder",
                "Ann",
                "--start",
                "0",
                "--end",
                "3",
            ],
            "No document 'nope'",
        ),
        (
            [
                "code",
                "{p}",
                "--document",
                "000_09fbba7bb405641d.txt",
                "--code",
                "Nope",
                "--coder",
                "Ann",
                "--start",
                "0",
                "--end",
                "3",
            ],
            "No code 'Nope'",
        ),
        (
            [
                "code",
                "{p}",
                "--document",
                "000_09fbba7bb405641d.txt",
                "--code",
                "Norm-shaper",
                "--coder",
                "Zed",
                "--start",
                "0",
                "--end",
                "3",
            ],
            "No coder named 'Zed'",
        ),
        (
            [
                "code",
                "{p}",
                "--document",
                "000_09fbba7bb405641d.txt",
                "--code",
                "Norm-shaper",
                "--coder",
                "Ann",
                "--start",
                "5",
                "--end",
                "999999",
            ],
            "impossible",
        ),
        (["coders", "add", "{p}", "ann"], "already exists"),
    ],
)
def test_errors_are_one_line_on_stderr_and_change_nothing(demo, capsys, argv, message):
    run(capsys, "coders", "add", str(demo), "Ann")
    with Project.open(demo) as p:
        before = (len(p.codings()), len(p.coders()))
    code, _out, err = run(capsys, *[a.replace("{p}", str(demo)) for a in argv])
    assert code == 1
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    with Project.open(demo) as p:
        assert (len(p.codings()), len(p.coders())) == before


def test_opening_a_foreign_file_is_a_clear_error(tmp_path, capsys):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("just some notes")
    code, _, err = run(capsys, "info", str(bogus))
    assert code == 1 and "not an Annotator project" in err


def test_import_reports_duplicates_and_failures(tmp_path, capsys):
    project = tmp_path / "p.sqlite"
    run(capsys, "new", str(project))
    good = tmp_path / "a.txt"
    good.write_text("A speech about AI governance.\r\nSecond line 😀\r\n", encoding="utf-8")
    copy = tmp_path / "b.txt"
    copy.write_bytes(good.read_bytes())
    binary = tmp_path / "c.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    code, out, err = run(capsys, "import", str(project), str(good), str(copy), str(binary))
    assert code == 1
    assert "Imported a.txt" in out
    assert "b.txt" in err and "c.txt" in err
    with Project.open(project) as p:
        assert len(p.documents()) == 1
        assert (
            p.document_text(p.documents()[0].id)
            == "A speech about AI governance.\nSecond line 😀\n"
        )


def test_codebook_round_trip_through_the_cli(demo, tmp_path, capsys):
    out1, out2 = tmp_path / "cb1.csv", tmp_path / "cb2.csv"
    assert run(capsys, "codebook", "export", str(demo), "-o", str(out1))[0] == 0
    fresh = tmp_path / "fresh.sqlite"
    run(capsys, "new", str(fresh))
    assert run(capsys, "codebook", "import", str(fresh), str(out1))[0] == 0
    assert run(capsys, "codebook", "export", str(fresh), "-o", str(out2))[0] == 0
    assert out1.read_bytes() == out2.read_bytes()


def test_usage_mistakes_are_one_line(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "annotator",
            "code",
            str(tmp_path / "p.sqlite"),
            "--document",
            "d",
            "--code",
            "c",
            "--coder",
            "a",
            "--start",
            "abc",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "invalid int value: 'abc'" in result.stderr


def test_the_cli_never_imports_qt(tmp_path):
    """core, store, io and the CLI work where Qt is not installed."""
    script = f"""
import sys
sys.modules["PySide6"] = None  # any import of Qt now fails
from annotator.cli import main
assert main(["demo", {str(tmp_path / "q.sqlite")!r}]) == 0
assert main(["info", {str(tmp_path / "q.sqlite")!r}]) == 0
assert not any(m.startswith("PySide6.") for m in sys.modules)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
