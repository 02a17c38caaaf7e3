"""``annotator codebook import|export`` with a REFI-QDA ``.qdc``: the extension (or
``--format qdc``) chooses the REFI-QDA reader and writer, so a codebook made in NVivo or
ATLAS.ti comes in with the same command as a CSV one, and goes back out the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from annotator.cli import main
from annotator.store import Project


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    path = tmp_path / "p.sqlite"
    with Project.create(path) as p:
        norms = p.add_code("Norms", definition="Talk of rules.")
        p.add_code("Norm-shaper", norms.id, definition="Sets rules.")
        p.add_code("Rivalry")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def code_names(path: Path) -> list[str]:
    root = etree.parse(str(path)).getroot()
    return [el.get("name", "") for el in root.iter("{*}Code")]


def test_export_to_a_qdc_name_writes_a_refi_qda_codebook(coded, tmp_path, capsys):
    out_file = tmp_path / "codes.qdc"
    code, out, err = run(capsys, "codebook", "export", str(coded), "-o", str(out_file))
    assert code == 0, err
    assert etree.QName(etree.parse(str(out_file)).getroot()).localname == "CodeBook"
    assert code_names(out_file) == ["Norms", "Norm-shaper", "Rivalry"]
    assert "Codebook written to" in out


def test_format_qdc_writes_a_qdc_whatever_the_file_is_called(coded, tmp_path, capsys):
    out_file = tmp_path / "codes.xml"
    code, _, err = run(
        capsys, "codebook", "export", str(coded), "--format", "qdc", "-o", str(out_file)
    )
    assert code == 0, err
    assert code_names(out_file) == ["Norms", "Norm-shaper", "Rivalry"]


def test_import_of_a_qdc_brings_its_codes_in_as_one_undo_step(coded, tmp_path, capsys):
    qdc = tmp_path / "codes.qdc"
    assert run(capsys, "codebook", "export", str(coded), "-o", str(qdc))[0] == 0
    target = tmp_path / "empty.sqlite"
    Project.create(target).close()
    code, out, err = run(capsys, "codebook", "import", str(target), str(qdc))
    assert code == 0, err
    assert "3 codes created, 0 updated, 0 unchanged" in out
    with Project.open(target) as p:
        tree = {c.name: c.parent_id for c in p.codes()}
        norms = next(c for c in p.codes() if c.name == "Norms")
        assert tree == {"Norms": None, "Norm-shaper": norms.id, "Rivalry": None}
        entry = p.undo_entry()
        assert entry is not None and entry.label == "Import codebook codes.qdc"
        p.undo()
        assert p.codes() == []


def test_a_csv_still_imports_as_the_codebook_table(tmp_path, capsys):
    target = tmp_path / "p.sqlite"
    Project.create(target).close()
    table = tmp_path / "codes.csv"
    table.write_text("name,parent_path\nNorms,\nNorm-shaper,Norms\n", encoding="utf-8")
    code, _, err = run(capsys, "codebook", "import", str(target), str(table))
    assert code == 0, err
    with Project.open(target) as p:
        assert sorted(c.name for c in p.codes()) == ["Norm-shaper", "Norms"]


def test_a_qdc_that_is_not_one_fails_with_one_line_and_changes_nothing(coded, tmp_path, capsys):
    bad = tmp_path / "codes.qdc"
    bad.write_text("name\nNorms\n", encoding="utf-8")  # a CSV given the wrong name
    with Project.open(coded) as p:
        before = sorted(c.name for c in p.codes())
    code, out, err = run(capsys, "codebook", "import", str(coded), str(bad))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "codes.qdc" in err
    with Project.open(coded) as p:
        assert sorted(c.name for c in p.codes()) == before
