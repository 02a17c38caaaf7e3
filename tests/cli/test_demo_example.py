"""``annotator demo --example-coders``: the bundled corpus with two example coders, in one command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_with_example_coders_builds_both_coders_and_their_codings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "example.sqlite"
    code, out, err = run(capsys, "demo", "--example-coders", str(path))
    assert code == 0 and err == ""
    assert "5 documents, 22 codes, 2 example coders" in out and "Amira" in out and "Ben" in out
    code, out, _ = run(capsys, "info", str(path), "--json")
    info = json.loads(out)
    assert [c["name"] for c in info["coders"]] == [
        "Example coder A (Amira)",
        "Example coder B (Ben)",
    ]
    coded = [d for d in info["documents"] if d["codings"]]
    assert [d["source"] for d in coded] == ["000_09fbba7bb405641d.txt", "001_6e5dcfb1a997df14.txt"]
    assert info["codings"] >= 80
    _, out, _ = run(capsys, "history", str(path), "--last", "1")
    assert "Add example codings" in out and "2 coders added" in out


def test_an_existing_project_is_rebuilt_only_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "example.sqlite"
    assert run(capsys, "demo", str(path))[0] == 0
    code, _, err = run(capsys, "demo", "--example-coders", str(path))
    assert code == 1 and "--force" in err
    code, out, _ = run(capsys, "demo", "--example-coders", "--force", str(path))
    assert code == 0 and "2 example coders" in out
    code, out, _ = run(capsys, "demo", "--force", str(path))
    assert code == 0 and "coders" not in out  # without the flag: the plain corpus project
