"""``annotator agreement`` and ``annotator disagreements``, as a researcher or a script uses them."""

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
TEXT = "One two three four five six seven eight nine ten.\n" * 4  # 204 characters
OTHER = "A second text, coded by nobody at all.\n"

KEYS = {
    "code", "percent_agreement", "cohen_kappa", "krippendorff_alpha", "unitized_alpha",
    "segments", "matched_segments", "segment_agreement", "coded_only_agreement",
    "documents_agreement",
}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    """Ann and Ben code 'Themes/Numbers' alike but for one boundary; Ann alone codes
    'Themes/Words'; Cem codes nothing; 'Unused' nobody codes; two documents."""
    path = tmp_path / "coded.sqlite"
    p = Project.create(path)
    doc = p.add_document("Numbers text", TEXT, source_name="numbers.txt")
    p.add_document("Other text", OTHER, source_name="other.txt")
    ann, ben = p.add_coder("Ann"), p.add_coder("Ben")
    p.add_coder("Cem")
    themes = p.add_code("Themes")
    numbers = p.add_code("Numbers", themes.id)
    words = p.add_code("Words", themes.id)
    p.add_code("Unused")
    p.add_coding(doc.id, numbers.id, ann.id, 0, 50)
    p.add_coding(doc.id, numbers.id, ben.id, 0, 50)
    p.add_coding(doc.id, numbers.id, ann.id, 100, 150)
    p.add_coding(doc.id, numbers.id, ben.id, 100, 140)
    p.add_coding(doc.id, words.id, ann.id, 60, 70)
    p.close()
    return path


def test_json_gives_every_figure_per_code_and_overall(coded, capsys):
    code, out, err = run(capsys, "agreement", str(coded), "--coders", "Ann", "Ben", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["coders"] == ["Ann", "Ben"]
    assert [c["code"] for c in data["codes"]] == ["Themes/Numbers", "Themes/Words"]
    for entry in [*data["codes"], data["overall"]]:
        assert set(entry) >= KEYS
    numbers = data["codes"][0]
    total = len(TEXT) + len(OTHER)
    assert numbers["percent_agreement"] == pytest.approx((total - 10) / total, abs=1e-6)
    assert numbers["coded_only_agreement"] == pytest.approx(90 / 100)
    assert numbers["segments"] == {"Ann": 2, "Ben": 2}
    assert numbers["matched_segments"] == 1  # 40 of 50 shared: under 90%
    assert numbers["segment_agreement"] == pytest.approx(1 / 3)
    assert numbers["documents_agreement"] == 1.0
    assert numbers["cohen_kappa"] is not None and numbers["krippendorff_alpha"] is not None
    assert numbers["counts"]["cohen_kappa"] == {
        "both": 90, "only_first": 10, "only_second": 0, "neither": total - 100,
    }  # fmt: skip
    words = data["codes"][1]
    assert words["coded_only_agreement"] == 0.0 and words["segments"] == {"Ann": 1, "Ben": 0}
    assert data["overall"]["code"] is None
    assert data["overall"]["matched_segments"] == 1
    assert data["overall"]["unitized_alpha"] is not None


def test_json_with_three_coders_has_no_cohen_kappa_but_pairs(coded, capsys):
    code, out, _ = run(capsys, "agreement", str(coded), "--coders", "Ann", "Ben", "Cem", "--json")
    assert code == 0
    numbers = json.loads(out)["codes"][0]
    assert numbers["cohen_kappa"] is None
    assert "two coders" in numbers["undefined"]["cohen_kappa"]
    assert [p["coders"] for p in numbers["pairwise"]] == [
        ["Ann", "Ben"],
        ["Ann", "Cem"],
        ["Ben", "Cem"],
    ]
    assert numbers["pairwise"][0]["cohen_kappa"] is not None


def test_choosing_codes_documents_sub_codes_and_overlap(coded, capsys):
    base = ("agreement", str(coded), "--coders", "Ann", "Ben", "--json")
    code, out, _ = run(capsys, *base, "--code", "Numbers")
    assert code == 0 and [c["code"] for c in json.loads(out)["codes"]] == ["Themes/Numbers"]
    code, out, _ = run(capsys, *base, "--code", "Themes", "--with-subcodes")
    (themes,) = json.loads(out)["codes"]
    assert themes["code"] == "Themes" and themes["segments"] == {"Ann": 3, "Ben": 2}
    code, out, _ = run(capsys, *base, "--document", "Numbers text", "--overlap", "0.8")
    data = json.loads(out)
    assert data["documents"] == 1 and data["overlap"] == 0.8
    assert data["codes"][0]["matched_segments"] == 2  # 40 of 50 is enough at 80%


def test_the_table_is_readable(coded, capsys):
    code, out, _ = run(capsys, "agreement", str(coded), "--coders", "Ann", "Ben")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Coders: Ann, Ben; 2 documents"
    assert lines[1].split()[:3] == ["Code", "Agree", "Kappa"]
    assert any(line.startswith("Themes/Numbers ") for line in lines)
    assert any(line.startswith("All codes ") for line in lines)
    # undefined figures say why, not NaN
    assert "nan" not in out.lower()


def test_csv_report_is_guarded_against_formulas(coded, tmp_path, capsys):
    with Project.open(coded) as p:
        p.add_coding(
            p.find_document("Numbers text").id, p.add_code("=HYPERLINK(x)").id,
            p.find_coder("Ann").id, 0, 10,
        )  # fmt: skip
    target = tmp_path / "report.csv"
    code, out, _ = run(capsys, "agreement", str(coded), "--coders", "Ann", "Ben", "-o", str(target))
    assert code == 0 and str(target) in out
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["code"] for r in rows] == [
        "Themes/Numbers",
        "Themes/Words",
        "'=HYPERLINK(x)",
        "All codes",
    ]
    assert float(rows[0]["segment_agreement"]) == pytest.approx(1 / 3)
    assert rows[0]["segments Ann"] == "2"
    assert rows[1]["segment_kappa"] != "" and rows[-1]["unitized_alpha"] != ""


def test_disagreements_list_each_coders_offsets_and_text(coded, tmp_path, capsys):
    code, out, _ = run(capsys, "disagreements", str(coded), "--coders", "Ann", "Ben", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["code"], r["start"], r["end"]) for r in rows] == [
        ("Themes/Words", 60, 70),
        ("Themes/Numbers", 100, 150),
    ]
    numbers = rows[1]
    assert numbers["document"] == "Numbers text"
    assert numbers["coders"]["Ann"] == [{"start": 100, "end": 150, "text": TEXT[100:150]}]
    assert numbers["coders"]["Ben"] == [{"start": 100, "end": 140, "text": TEXT[100:140]}]
    assert rows[0]["coders"]["Ben"] == []

    code, out, _ = run(capsys, "disagreements", str(coded), "--coders", "Ann", "Ben")
    assert code == 0 and out.splitlines()[-1] == "2 disagreements"
    assert "Ben: (not coded)" in out

    target = tmp_path / "dis.csv"
    code, out, _ = run(
        capsys, "disagreements", str(coded), "--coders", "Ann", "Ben", "--code", "Numbers",
        "-o", str(target),
    )  # fmt: skip
    assert code == 0 and out.startswith("1 disagreement written")
    with target.open(encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["Ann start"] == "100" and row["Ben end"] == "140"
    assert row["Ann text"] == TEXT[100:150]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["agreement", "--coders", "Ann", "Zoe"], "No coder named 'Zoe'"),
        (["agreement", "--coders", "Ann", "Ben", "--code", "Nope"], "No code 'Nope'"),
        (["agreement", "--coders", "Ann"], "at least two coders"),
        (["agreement", "--coders", "Ann", "Ann"], "named twice"),
        (["agreement", "--coders", "Ann", "Cem"], "Fewer than two of the chosen coders"),
        (["agreement", "--coders", "Ann", "Ben", "--code", "Unused"], "Fewer than two"),
        (["agreement", "--coders", "Ann", "Ben", "--document", "Nope"], "No document 'Nope'"),
        (["agreement", "--coders", "Ann", "Ben", "--overlap", "0"], "overlap"),
        (["agreement", "--coders", "Ann", "Ben", "--overlap", "2"], "overlap"),
        (["disagreements", "--coders", "Ann"], "exactly two coders"),
        (["disagreements", "--coders", "Ann", "Ben", "Cem"], "exactly two coders"),
        (["disagreements", "--coders", "Ann", "Zoe"], "No coder named 'Zoe'"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(coded, capsys, argv, message):
    before = coded.read_bytes()
    code, out, err = run(capsys, argv[0], str(coded), *argv[1:])
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("annotator: error: ")
    assert coded.read_bytes() == before


def test_agreement_runs_where_qt_is_not_installed(coded):
    script = f"""
import sys
sys.modules["PySide6"] = None
from annotator.cli import main
assert main(["agreement", {str(coded)!r}, "--coders", "Ann", "Ben", "--json"]) == 0
assert main(["disagreements", {str(coded)!r}, "--coders", "Ann", "Ben"]) == 0
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert '"coders"' in result.stdout
