"""Hostile or broken .qdpx files: each is refused with one sentence and leaves nothing behind."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from annotator.core.errors import InvalidInput
from annotator.io import files
from annotator.io.refi import ExchangeCancelled, export_qdpx, import_qdpx
from annotator.store import Project

QDE = (
    '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
    '<Users><User guid="00000000-0000-4000-8000-000000000001" name="Ann"/></Users>'
    '<CodeBook><Codes><Code guid="00000000-0000-4000-8000-0000000000c1" name="Trust" isCodable="true"/></Codes></CodeBook>'
    '<Sources><TextSource guid="00000000-0000-4000-8000-0000000000d1" name="Doc" plainTextPath="{path}">'
    '<PlainTextSelection guid="00000000-0000-4000-8000-0000000000e1" startPosition="0" endPosition="5">'
    '<Coding guid="00000000-0000-4000-8000-0000000000f1" creatingUser="00000000-0000-4000-8000-000000000001">'
    '<CodeRef targetGUID="00000000-0000-4000-8000-0000000000c1"/></Coding></PlainTextSelection>'
    "</TextSource></Sources></Project>"
)


def build(path: Path, members: dict[str, bytes], *, links: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in links:
                info.external_attr = 0o120777 << 16
            archive.writestr(info, body)
    return path


def good_members(path: str = "internal://d1.txt") -> dict[str, bytes]:
    return {"project.qde": QDE.format(path=path).encode(), "sources/d1.txt": b"Hello world"}


def test_a_sound_small_file_opens(tmp_path: Path) -> None:
    report = import_qdpx(build(tmp_path / "ok.qdpx", good_members()), tmp_path / "p.sqlite")
    assert (report.documents, report.codings) == (1, 1)
    with Project.open(tmp_path / "p.sqlite") as p:
        c = p.codings()[0]
        assert p.document_text(c.document_id)[c.start : c.end] == "Hello"


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>'
)
EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    b'<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>'
)


@pytest.mark.parametrize(
    "members, links, words",
    [
        ({"project.qde": BILLION_LAUGHS}, (), "document type"),
        ({"project.qde": EXTERNAL}, (), "document type"),
        ({**good_members(), "../evil.txt": b"x"}, (), "outside its folder"),
        ({**good_members(), "/etc/cron.d/evil": b"x"}, (), "outside its folder"),
        ({**good_members(), "sources/..\\..\\evil.txt": b"x"}, (), "outside its folder"),
        (
            {**good_members(), "sources/link.txt": b"/etc/passwd"},
            ("sources/link.txt",),
            "symbolic link",
        ),
        ({**good_members(), "sources/bomb.txt": b"\0" * 5_000_000}, (), "zip bomb"),
        ({"sources/d1.txt": b"Hello"}, (), "no project file"),
        ({**good_members(), "other.QDE": b"<Project/>"}, (), "2 project files"),
        (
            {"project.qde": b"<Project xmlns='urn:QDA-XML:project:1.0' name='x'><Users>"},
            (),
            "not well-formed",
        ),
        ({"project.qde": b"<CodeBook/>"}, (), "not <Project>"),
    ],
)
def test_hostile_archives_are_refused_and_no_project_is_created(
    tmp_path: Path, members: dict[str, bytes], links: tuple[str, ...], words: str
) -> None:
    source = build(tmp_path / "bad.qdpx", members, links=links)
    target = tmp_path / "p.sqlite"
    with pytest.raises(InvalidInput, match=words):
        import_qdpx(source, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.qdpx"]


def test_too_many_members_or_too_large_unpacked_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(files, "MAX_MEMBERS", 3)
    many = {**good_members(), "sources/a.txt": b"a", "sources/b.txt": b"b"}
    with pytest.raises(InvalidInput, match="4 files"):
        import_qdpx(build(tmp_path / "many.qdpx", many), tmp_path / "p.sqlite")
    assert not (tmp_path / "p.sqlite").exists()


def test_something_that_is_not_a_zip_gets_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "fake.qdpx"
    path.write_bytes(b"<Project/> not a zip archive")
    with pytest.raises(InvalidInput, match="damaged or of another kind"):
        import_qdpx(path, tmp_path / "p.sqlite")


def test_a_text_path_climbing_out_of_the_archive_is_skipped_and_said(tmp_path: Path) -> None:
    members = good_members("internal://../../../../etc/passwd")
    report = import_qdpx(build(tmp_path / "climb.qdpx", members), tmp_path / "p.sqlite")
    assert report.documents == 0
    assert report.skipped and "not in the archive" in report.skipped[0][1]
    assert sum(report.unplaced.values()) == 1


def test_an_existing_project_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "p.sqlite"
    target.write_bytes(b"precious")
    with pytest.raises(InvalidInput, match="already exists"):
        import_qdpx(build(tmp_path / "ok.qdpx", good_members()), target)
    assert target.read_bytes() == b"precious"


def test_a_cancelled_import_leaves_no_file(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    asked = iter([False, False, True])
    with pytest.raises(ExchangeCancelled):
        import_qdpx(
            build(tmp_path / "ok.qdpx", good_members()), tmp_path / "p.sqlite",
            progress=lambda d, t: calls.append((d, t)), cancel=lambda: next(asked, True),
        )  # fmt: skip
    assert calls and sorted(p.name for p in tmp_path.iterdir()) == ["ok.qdpx"]


def test_a_cancelled_export_leaves_the_old_file(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.sqlite") as p:
        p.add_document("Doc", "Some words here.")
        target = tmp_path / "out.qdpx"
        target.write_bytes(b"old")
        with pytest.raises(ExchangeCancelled):
            export_qdpx(p, target, cancel=lambda: True)
        assert target.read_bytes() == b"old"
        assert not [x for x in tmp_path.iterdir() if x.name.endswith(".part")]
        seen: list[tuple[int, int]] = []
        export_qdpx(p, target, progress=lambda d, t: seen.append((d, t)))
        assert seen[-1][0] == seen[-1][1] and zipfile.is_zipfile(io.BytesIO(target.read_bytes()))
