"""``annotator reliability FILE.csv`` as a researcher (or a script) would use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main

#: Krippendorff (2011), sect. C: 4 observers (columns), 12 units (rows), missing data.
K2011_CSV = """A,B,C,D
1,1,,1
2,2,3,2
3,3,3,3
3,3,3,3
2,2,2,2
1,2,3,4
4,4,4,4
1,1,2,1
2,2,2,2
,5,5,5
,,1,1
,3,,
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_json_contract_on_krippendorffs_example(tmp_path, capsys):
    code, out, err = run(capsys, "reliability", write(tmp_path, K2011_CSV), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["units"] == 12 and data["coders"] == ["A", "B", "C", "D"]
    assert data["level"] == "nominal"
    assert data["krippendorff_alpha"] == pytest.approx(0.743, abs=0.0005)
    assert data["cohen_kappa"] is None and data["scott_pi"] is None and data["bennett_s"] is None
    assert data["fleiss_kappa"] is None
    assert data["undefined"]["fleiss_kappa"] == "units have unequal numbers of values"
    assert 0 <= data["percent_agreement"] <= 1
    assert set(data["per_value"]) == {"1", "2", "3", "4", "5"}
    assert data["per_value"]["5"]["krippendorff_alpha"] == pytest.approx(1.0)
    assert set(data["per_value"]["1"]) >= {"krippendorff_alpha", "fleiss_kappa"}
    assert data["pairwise"]["stands_apart"] == "C"
    assert "krippendorff_alpha_ci" not in data


@pytest.mark.parametrize(
    ("level", "alpha"), [("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_levels(tmp_path, capsys, level, alpha):
    code, out, _ = run(
        capsys, "reliability", write(tmp_path, K2011_CSV), "--level", level, "--json"
    )
    assert code == 0
    assert json.loads(out)["krippendorff_alpha"] == pytest.approx(alpha, abs=0.0005)


def test_bootstrap_gives_interval_and_risks_reproducibly(tmp_path, capsys):
    path = write(tmp_path, K2011_CSV)
    args = ("reliability", path, "--bootstrap", "2000", "--seed", "5", "--json")
    _, first, _ = run(capsys, *args)
    _, second, _ = run(capsys, *args)
    data = json.loads(first)
    assert first == second
    low, high = data["krippendorff_alpha_ci"]
    assert low < data["krippendorff_alpha"] < high
    assert set(data["p_below"]) == {"0.667", "0.8"}
    assert all(0 <= q <= 1 for q in data["p_below"].values())


def test_two_coders_labels_as_written_and_fleiss(tmp_path, capsys):
    text = "Ann,Ben\nyes,yes\nno,no\nyes,no\n maybe ,maybe\nno,no\n"
    code, out, _ = run(capsys, "reliability", write(tmp_path, text), "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data["per_value"]) == {"yes", "no", "maybe"}
    assert data["percent_agreement"] == pytest.approx(0.8)
    for key in ("cohen_kappa", "scott_pi", "bennett_s", "fleiss_kappa"):
        assert isinstance(data[key], float)
    assert data["bennett_s"] == pytest.approx((0.8 - 1 / 3) / (1 - 1 / 3))
    assert isinstance(data["per_value"]["yes"]["fleiss_kappa"], float)


def test_table_shows_figures_with_their_counts(tmp_path, capsys):
    code, out, _ = run(capsys, "reliability", write(tmp_path, K2011_CSV), "--bootstrap", "500")
    assert code == 0
    assert "Krippendorff's alpha" in out and "0.743" in out
    assert "40 pairable values" in out and "11 units" in out
    assert "units have unequal numbers of values" in out
    assert "95% interval" in out and "Stands apart: C" in out


def test_semicolons_and_byte_order_mark(tmp_path, capsys):
    text = "\ufeffA;B\n1;1\n2;2\n1;2\n"
    code, out, _ = run(capsys, "reliability", write(tmp_path, text), "--json")
    assert code == 0 and json.loads(out)["coders"] == ["A", "B"]


BAD = {
    "no header": ("1,2\n1,1\n2,2\n", "no header row"),
    "one coder": ("A\n1\n2\n", "one coder"),
    "ragged": ("A,B\n1,1\n2,2,2\n", "row 3: has 3 cells"),
    "empty": ("", "is empty"),
    "no unit with two values": ("A,B\n1,\n,2\n", "no unit has values from two coders"),
    "header only": ("A,B\n", "no units"),
    "repeated coder": ("A,A\n1,1\n", "appears twice"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_and_exit_1(tmp_path, capsys, case):
    text, message = BAD[case]
    code, out, err = run(capsys, "reliability", write(tmp_path, text))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err


@pytest.mark.parametrize("level", ["interval", "ratio", "ordinal"])
def test_non_numbers_at_a_numeric_level(tmp_path, capsys, level):
    code, _, err = run(
        capsys, "reliability", write(tmp_path, "A,B\n1,1\n2,two\n"), "--level", level
    )
    assert code == 1 and err.count("\n") == 1
    assert "row 3: 'two' is not a number" in err


def test_missing_file_and_binary_file(tmp_path, capsys):
    code, _, err = run(capsys, "reliability", str(tmp_path / "nope.csv"))
    assert code == 1 and err.count("\n") == 1
    code, _, err = run(capsys, "reliability", write(tmp_path, "A,B\n1,\x001\n"))
    assert code == 1 and err.count("\n") == 1 and "NUL" in err
