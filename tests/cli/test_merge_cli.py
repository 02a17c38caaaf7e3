"""``annotator merge TARGET SOURCE... [--dry-run]`` as a researcher runs it: the summary of
what is added and what conflicts, a dry run that writes nothing, one line and exit 1 for a
source that cannot be merged."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import Project


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def project_bytes(path: Path) -> bytes:
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.fixture
def copies(tmp_path, capsys) -> tuple[Path, Path]:
    """The demo project and a coder's copy of it with one new coding and a renamed code."""
    target, source = tmp_path / "project.sqlite", tmp_path / "coder-b.sqlite"
    assert run(capsys, "demo", str(target))[0] == 0
    assert run(capsys, "backup", str(target), "-o", str(source))[0] == 0
    with Project.open(source) as b:
        bea = b.add_coder("Bea")
        doc = b.documents()[0]
        code = b.find_code("Capacity building")
        b.add_coding(doc.id, code.id, bea.id, 0, 12, memo="Opening line.")
        b.update_code(code.id, name="Capacity")
    return target, source


def test_a_dry_run_prints_what_would_be_added_and_the_conflicts_and_writes_nothing(copies, capsys):
    target, source = copies
    before = project_bytes(target)
    code, out, err = run(capsys, "merge", str(target), str(source), "--dry-run")
    assert code == 0 and err == ""
    assert "Merging coder-b.sqlite into project.sqlite:" in out
    assert "  adds: 1 coder, 1 coding" in out
    assert "code renamed: code 'Cooperation and development/Capacity building'" in out
    assert "in coder-b.sqlite 'Capacity'; kept the target's name" in out
    assert out.rstrip().endswith("Dry run: nothing was written.")
    assert project_bytes(target) == before


def test_the_merge_prints_the_same_summary_and_a_second_run_adds_nothing(copies, capsys):
    target, source = copies
    code, out, _ = run(capsys, "merge", str(target), str(source))
    assert code == 0
    assert (
        "Merged coder-b.sqlite into project.sqlite:" in out and "  added: 1 coder, 1 coding" in out
    )
    with Project.open(target) as p:
        bea = p.find_coder("Bea")
        assert [c.memo for c in p.codings(coder_ids=[bea.id])] == ["Opening line."]
    _, out, _ = run(capsys, "history", str(target), "--last", "1")
    assert "Merge coder-b.sqlite" in out and "1 coder added, 1 coding added" in out
    before = project_bytes(target)
    code, out, _ = run(capsys, "merge", str(target), str(source))
    assert code == 0 and "  added: nothing" in out
    assert "Nothing to add: the project already holds all of it." in out
    assert project_bytes(target) == before


def test_json_gives_the_counts_and_conflicts_to_scripts(copies, capsys):
    target, source = copies
    code, out, _ = run(capsys, "merge", str(target), str(source), "--dry-run", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["written"] is False
    (merged,) = report["sources"]
    assert merged["adds"]["codings"] == 1
    assert [c["kind"] for c in merged["conflicts"]] == ["code renamed"]


def test_a_source_that_cannot_be_merged_is_one_line_and_exit_1_with_the_target_untouched(
    copies, capsys, tmp_path
):
    target, source = copies
    text = tmp_path / "notes.txt"
    text.write_text("Not a project.\n")
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(source.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = project_bytes(target)
    for bad, says in (
        (target, "project.sqlite is the project being merged into"),
        (text, "notes.txt is not an Annotator project"),
        (newer, "newer.sqlite was saved by a newer version of Annotator"),
    ):
        for dry in ([], ["--dry-run"]):
            code, out, err = run(capsys, "merge", str(target), str(bad), *dry)
            assert code == 1 and out == ""
            assert err.startswith("annotator: error: ") and says in err
            assert err.count("\n") == 1
    assert project_bytes(target) == before


def test_merge_is_listed_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "merge" in capsys.readouterr().out
