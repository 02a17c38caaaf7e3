"""No export overwrites the open project: a slip like ``-o p.sqlite`` would move the
export over the database (and lose it). Every command that writes a file refuses its
own project, its ``-wal`` and ``-shm``, and a link to it, with one line and exit 1."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.io.example_coders import build_example_project
from annotator.store import Project

A, B = "Example coder A (Amira)", "Example coder B (Ben)"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ex") / "example.sqlite"
    build_example_project(path).close()
    return path


COMMANDS = {
    "qdpx export": ["qdpx", "export", "{p}", "-o", "{o}"],
    "qdc export": ["qdc", "export", "{p}", "-o", "{o}"],
    "codebook export": ["codebook", "export", "{p}", "-o", "{o}"],
    "segments export": ["segments", "export", "{p}", "-o", "{o}"],
    "agreement -o": ["agreement", "{p}", "--coders", A, B, "-o", "{o}"],
    "disagreements -o": ["disagreements", "{p}", "--coders", A, B, "-o", "{o}"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("target", ["itself", "wal", "link"])
def test_no_export_overwrites_its_own_project(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, target: str
) -> None:
    project = tmp_path / "p.sqlite"
    project.write_bytes(example.read_bytes())
    output = {"itself": project, "wal": Path(f"{project}-wal"), "link": tmp_path / "l.sqlite"}[
        target
    ]
    if target == "link":
        output.symlink_to(project)
    before = project.read_bytes()
    args = [a.format(p=project, o=output) for a in COMMANDS[command]]
    assert main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "the project's own file" in err[0] and "Nothing was written" in err[0]
    assert project.read_bytes() == before
    with Project.open(project) as p:
        assert len(p.codings()) == 126


def test_exchange_files_are_readable_by_colleagues_and_links_stay_links(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """mkstemp's private 0600 is not kept: the mode follows the umask, or the mode of the
    file replaced; a link given as the output keeps pointing at the file written."""
    old = os.umask(0o022)
    try:
        assert main(["qdpx", "export", str(example), "-o", str(tmp_path / "e.qdpx")]) == 0
        assert main(["qdc", "export", str(example), "-o", str(tmp_path / "e.qdc")]) == 0
        for name in ("e.qdpx", "e.qdc"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
        shared = tmp_path / "shared.qdc"
        shared.write_text("old")
        shared.chmod(0o664)
        link = tmp_path / "link.qdc"
        link.symlink_to(shared)
        assert main(["qdc", "export", str(example), "-o", str(link)]) == 0
        assert link.is_symlink() and stat.S_IMODE(shared.stat().st_mode) == 0o664
        assert shared.read_text(encoding="utf-8").startswith("<?xml")
    finally:
        os.umask(old)
