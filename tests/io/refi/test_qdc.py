"""REFI-QDA codebooks (.qdc): what NVivo, ATLAS.ti, MAXQDA and Taguette read, and what they write."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from refi_env import codebook_snapshot

from annotator.core.errors import InvalidInput
from annotator.io.refi import export_qdc, import_qdc
from annotator.io.refi.description import CodeTexts, compose, parse
from annotator.io.refi.xml_safety import safe_parser, schema
from annotator.store import Project


@pytest.fixture
def coded(project: Project) -> Project:
    norms = project.add_code(
        "Norms",
        color="#3366CC",
        definition="Claims about rules.\nExclude when: this line is part of the definition",
        inclusion="A rule is named.",
        exclusion="Mere description.",
        example="“We set the standard.”",
        memo="Check with Ben.",
    )
    shaper = project.add_code("Norm-shaper", norms.id, color="#AA0000", definition="Sets rules.")
    project.add_code("Deep", shaper.id, definition="Example: starts with a heading word")
    project.add_code("Rivalry 🚀", color="#00AA00")
    project.add_code("A/B & <c>", norms.id)
    return project


def test_export_is_valid_against_the_standard_and_keeps_our_ids_as_guids(
    coded: Project, tmp_path: Path
) -> None:
    path = tmp_path / "book.qdc"
    assert export_qdc(coded, path) == 5
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark
    root = etree.fromstring(data, safe_parser())
    assert schema("codebook").validate(root), schema("codebook").error_log
    ns = {"c": "urn:QDA-XML:codebook:1.0"}
    guids = [el.get("guid") for el in root.iterfind(".//c:Code", ns)]
    assert sorted(guids) == sorted(c.id for c in coded.codes())
    top = root.find("c:Codes", ns)
    assert [el.get("name") for el in top] == ["Norms", "Rivalry 🚀"]
    norms = top[0]
    assert norms.get("color") == "#3366CC"
    assert [el.get("name") for el in norms.iterfind("c:Code", ns)] == ["Norm-shaper", "A/B & <c>"]
    description = norms.find("c:Description", ns).text
    assert description.startswith("Definition: Claims about rules.\n")
    assert "\n\nInclude when: A rule is named.\n\nExclude when: Mere description." in description
    assert description.endswith("Memo: Check with Ben.")


def test_export_then_import_into_a_new_project_gives_the_same_codebook(
    coded: Project, tmp_path: Path
) -> None:
    path = tmp_path / "book.qdc"
    export_qdc(coded, path)
    with Project.create(tmp_path / "other.sqlite") as other:
        report = import_qdc(other, path)
        assert (report.created, report.updated, report.warnings) == (5, 0, ())
        assert codebook_snapshot(other) == codebook_snapshot(coded)


def test_importing_our_own_export_back_changes_nothing(coded: Project, tmp_path: Path) -> None:
    path = tmp_path / "book.qdc"
    export_qdc(coded, path)
    before = codebook_snapshot(coded)
    report = import_qdc(coded, path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert codebook_snapshot(coded) == before


def test_a_renamed_code_is_found_by_its_guid_and_renamed_back(
    coded: Project, tmp_path: Path
) -> None:
    path = tmp_path / "book.qdc"
    export_qdc(coded, path)
    before = codebook_snapshot(coded)
    shaper = coded.find_code("Norms/Norm-shaper")
    coded.update_code(shaper.id, name="Shaper", definition="changed")
    report = import_qdc(coded, path)
    assert (report.created, report.updated) == (0, 1)
    assert codebook_snapshot(coded) == before


def test_import_into_an_existing_project_is_one_undo_step(coded: Project, tmp_path: Path) -> None:
    other = tmp_path / "other.qdc"
    other.write_text(
        '<?xml version="1.0" encoding="utf-8"?>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="11111111-2222-4333-8444-555555555555" name="Norms" isCodable="true">'
        "<Description>New definition</Description>"
        '<Code guid="21111111-2222-4333-8444-555555555555" name="Fresh" isCodable="true"/>'
        "</Code></Codes></CodeBook>",
        encoding="utf-8",
    )
    before = codebook_snapshot(coded)
    report = import_qdc(coded, other)
    assert (report.created, report.updated) == (1, 1)
    norms = coded.find_code("Norms")
    assert norms.definition == "New definition"
    # Another tool's GUIDs are not ours: "Norms" was matched by its place, not made twice.
    assert coded.find_code("Norms/Fresh").parent_id == norms.id
    coded.undo()
    assert codebook_snapshot(coded) == before


def test_every_sample_codebook_imports_with_warnings_not_failures(
    samples: Path, project: Project
) -> None:
    atlas = import_qdc(project, samples / "atlasti234_requal_testfixture.qdc")
    assert atlas.created == 1 and atlas.warnings == ()
    code = project.find_code("code1")
    assert (code.color, code.definition, code.id) == (
        "#46AA00", "description", "1ff58b12-6f6f-4b0c-8be5-bbdc91f55294"
    )  # fmt: skip
    taguette = import_qdc(project, samples / "taguette141_uto_tag_codebook.qdc")
    assert taguette.created == 3
    assert any("Sets" in w for w in taguette.warnings)  # the empty <Sets/> the schema forbids
    assert any("no colour" in w for w in taguette.warnings)
    assert project.find_code("xsd:element name").color  # given one from the palette


def test_the_codebook_inside_every_sample_project_reads(samples: Path, tmp_path: Path) -> None:
    """A .qde (the project XML of a .qdpx) given as a codebook brings its codes."""
    import zipfile

    expected = {"nvivo": 152, "maxqda": 307, "atlasti23": 3, "specannex": 14}
    for qdpx in sorted(samples.glob("*.qdpx")):
        with zipfile.ZipFile(qdpx) as archive:
            member = next(n for n in archive.namelist() if n.lower().endswith(".qde"))
            (tmp_path / "project.qde").write_bytes(archive.read(member))
        with Project.create(tmp_path / f"{qdpx.stem}.sqlite") as p:
            report = import_qdc(p, tmp_path / "project.qde")
            want = next(v for k, v in expected.items() if qdpx.name.startswith(k))
            assert report.created == len(p.codes()) == want, qdpx.name


def test_namespace_variants_braced_guids_odd_colours_and_repeated_names_are_tolerated(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "odd.qdc"
    path.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1:0"><Codes>'
        '<Code guid="{A1B2C3D4-0000-4000-8000-000000000001}" name="Braced" isCodable="true" color="rgb(255, 0, 0)"/>'
        '<Code guid="code-7" name="Not a GUID" isCodable="false"/>'
        '<Code guid="a1b2c3d4-0000-4000-8000-000000000002" name="Twin" isCodable="true" color="#0f0"/>'
        '<Code guid="a1b2c3d4-0000-4000-8000-000000000003" name="twin" isCodable="true" color="#12345678"/>'
        "</Codes><Sets/></CodeBook>",
        encoding="utf-8",
    )
    report = import_qdc(project, path)
    assert report.created == 4
    text = " ".join(report.warnings)
    assert "1:0" in text and "not a GUID" in text and "numbered" in text
    braced = project.find_code("Braced")
    assert (braced.id, braced.color) == ("a1b2c3d4-0000-4000-8000-000000000001", "#FF0000")
    assert project.find_code("Twin").color == "#00FF00"
    assert project.find_code("twin (2)").color == "#123456"


@pytest.mark.parametrize(
    "body, words",
    [
        (b"not xml at all", "not well-formed"),
        (b"<CodeBook><Codes>", "not well-formed"),
        (
            b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"/>',
            "without a codebook",
        ),
        (b"<Other/>", "root element is <Other>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><CodeBook><Codes><Code guid="x" name="&c;" isCodable="true"/></Codes></CodeBook>',
            "document type",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<CodeBook><Codes><Code guid="x" name="&x;" isCodable="true"/></Codes></CodeBook>',
            "document type",
        ),
    ],
)
def test_a_malformed_or_hostile_codebook_is_refused_and_changes_nothing(
    coded: Project, tmp_path: Path, body: bytes, words: str
) -> None:
    path = tmp_path / "bad.qdc"
    path.write_bytes(body)
    before = codebook_snapshot(coded)
    with pytest.raises(InvalidInput, match=words):
        import_qdc(coded, path)
    assert codebook_snapshot(coded) == before


def test_a_failed_export_leaves_the_old_file_in_place(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "book.qdc"
    path.write_bytes(b"old")
    with pytest.raises(InvalidInput, match="empty"):
        export_qdc(project, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


heading_words = st.sampled_from(
    [
        "Definition:",
        "Include when:",
        "exclude WHEN :",
        "Example:",
        "Memo:",
        "\\Example:",
        "\\\\Memo:",
        "Examples:",
    ]
)
field_text = st.lists(
    st.one_of(
        heading_words,
        st.text(st.characters(blacklist_categories=["Cs"]), max_size=12),
        st.just("\n"),
        st.just(""),
    ),
    max_size=8,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(field_text, field_text, field_text, field_text, field_text)
def test_any_texts_survive_the_description_layout(d: str, i: str, e: str, x: str, m: str) -> None:
    texts = CodeTexts(d, i, e, x, m)
    assert parse(compose(texts)) == texts
    assert parse(compose(texts, with_memo=False)) == CodeTexts(d, i, e, x, "")
