"""The two-coder example: two invented coders' honest, differing codings of two seed texts.

A newcomer opens it to try comparing coders and settling their disagreements at
once, so the example must load completely, hold enough real work to compare,
and disagree the way two thoughtful researchers do: often alike, not always.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.errors import InvalidInput
from annotator.core.settlement import Spans, normalise
from annotator.io.example_coders import (
    LABEL,
    build_example_project,
    example_dir,
    locate,
    read_example_coders,
)
from annotator.store import Project

Coded = dict[tuple[str, str], Spans]  # (document id, code id) -> a coder's unioned spans


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    project = build_example_project(tmp_path_factory.mktemp("example") / "example.sqlite")
    yield project
    project.close()


def coded(project: Project, coder_id: str) -> Coded:
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for c in project.codings(coder_ids=[coder_id]):
        spans.setdefault((c.document_id, c.code_id), []).append((c.start, c.end))
    return {key: normalise(s) for key, s in spans.items()}


def characters(spans: Spans) -> set[int]:
    return {i for start, end in spans for i in range(start, end)}


def binary_alpha(a: set[int], b: set[int], units: int) -> float:
    """Krippendorff's alpha of two coders' yes/no per unit (here: per character and code)."""
    disagree = len(a ^ b)
    ones = len(a) + len(b)
    values = 2 * units
    expected = 2 * ones * (values - ones) / (values * (values - 1))
    return 1 - (disagree / units) / expected


def test_every_coding_of_both_example_coders_is_in_the_project(example: Project) -> None:
    coders = example.coders()
    assert [c.name for c in coders] == ["Example coder A (Amira)", "Example coder B (Ben)"]
    written = {c.coder: len(c.codings) for c in read_example_coders()}
    for coder in coders:
        assert len(example.codings(coder_ids=[coder.id])) == written[coder.name] >= 40


def test_each_coding_covers_exactly_its_quote(example: Project) -> None:
    documents = {d.source_name: d.id for d in example.documents()}
    for data in read_example_coders():
        coder = example.find_coder(data.coder)
        stored = {
            (c.document_id, c.code_id, example.document_text(c.document_id)[c.start : c.end])
            for c in example.codings(coder_ids=[coder.id])
        }
        for c in data.codings:
            key = (documents[c.document], example.find_code(c.code).id, c.quote)
            assert key in stored, (data.coder, c.quote)


def test_both_coders_coded_the_same_two_documents(example: Project) -> None:
    docs = [
        {c.document_id for c in example.codings(coder_ids=[coder.id])} for coder in example.coders()
    ]
    assert docs[0] == docs[1] and len(docs[0]) == 2


def test_the_coders_agree_on_some_passages_and_disagree_on_others(example: Project) -> None:
    a, b = (coded(example, c.id) for c in example.coders())
    places = a.keys() | b.keys()
    alike = [k for k in places if a.get(k) == b.get(k)]
    differ = [k for k in places if a.get(k) != b.get(k)]
    assert alike and differ
    # Each coder coded some passage with a code the other never used there.
    assert a.keys() - b.keys() and b.keys() - a.keys()
    # And they drew different boundaries around passages both coded.
    assert any(a[k] != b[k] and characters(a[k]) & characters(b[k]) for k in a.keys() & b.keys())


def test_agreement_is_realistic_neither_perfect_nor_random(example: Project) -> None:
    a, b = (coded(example, c.id) for c in example.coders())
    documents = {d for d, _ in a.keys() | b.keys()}
    length = sum(example.document_length(d) for d in documents)
    codes = sorted({code for _, code in a.keys() | b.keys()})
    ours: set[int] = set()
    theirs: set[int] = set()
    for i, code in enumerate(codes):
        offset = i * length
        for d in sorted(documents):
            ours |= {offset + x for x in characters(a.get((d, code), ()))}
            theirs |= {offset + x for x in characters(b.get((d, code), ()))}
            offset += example.document_length(d)
    assert 0.5 <= binary_alpha(ours, theirs, length * len(codes)) <= 0.8


def test_the_example_is_one_step_that_undo_takes_back(tmp_path: Path) -> None:
    from annotator.io.demo import BUILDER

    with build_example_project(tmp_path / "example.sqlite") as project:
        assert [e.label for e in project.history()][-1] == LABEL
        assert project.undo_entry() is None  # the builder's step: no researcher undoes it
        project.actor = BUILDER
        project.undo()
        assert project.coders() == [] and project.codings() == []
        assert len(project.documents()) == 5


def broken_copy(tmp_path: Path, quote: str, **extra: object) -> Path:
    """The bundled example with the first coding of the first coder changed."""
    folder = tmp_path / "coders"
    shutil.copytree(example_dir(), folder)
    first = sorted(folder.glob("*.json"))[0]
    data = json.loads(first.read_text(encoding="utf-8"))
    data["codings"][0].update(quote=quote, **extra)
    first.write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_a_quote_not_in_the_text_refuses_the_example_and_leaves_no_file(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "China will lead the world in everything.")
    path = tmp_path / "example.sqlite"
    with pytest.raises(InvalidInput, match=r"Amira.*China will lead.*does not occur"):
        build_example_project(path, folder=folder)
    assert not path.exists() and not list(tmp_path.glob("example.sqlite*"))


def test_a_repeated_quote_needs_its_occurrence(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "emerging technologies")
    with pytest.raises(InvalidInput, match=r"occurs \d+ times; give its occurrence"):
        build_example_project(tmp_path / "a.sqlite", folder=folder)
    folder = broken_copy(tmp_path / "again", "emerging technologies", occurrence=3)
    with build_example_project(tmp_path / "b.sqlite", folder=folder) as project:
        speech = project.find_document("000_09fbba7bb405641d.txt").id
        text = project.document_text(speech)
        third = locate(text, "emerging technologies", 3)
        assert text.count("emerging technologies", 0, third[0]) == 2
        amira = project.coders()[0].id
        assert third in {(c.start, c.end) for c in project.codings(speech, coder_ids=[amira])}


def test_a_malformed_coder_file_is_refused_with_its_name(tmp_path: Path) -> None:
    folder = tmp_path / "coders"
    folder.mkdir()
    (folder / "carla.json").write_text('{"coder": "Carla", "codings": [{"quote": "x"}]}')
    with pytest.raises(InvalidInput, match=r"carla\.json cannot be read: codings\.0\.document"):
        read_example_coders(folder)


def test_locate_finds_quotes_character_for_character() -> None:
    text = "the other theme, the end"
    assert locate(text, "other") == (4, 9)
    assert locate(text, "the", 4) == (17, 20)  # "the" inside "other" counts: exact text
    with pytest.raises(InvalidInput, match="occurs 4 times, not 5"):
        locate(text, "the", 5)
    with pytest.raises(InvalidInput, match="occurs 4 times; give its occurrence"):
        locate(text, "the")
    with pytest.raises(InvalidInput, match="does not occur"):
        locate(text, "the  end")


def test_nobody_can_undo_the_building_of_the_bundled_project(tmp_path) -> None:
    """First launch, the "Who is coding?" question cancelled: Ctrl+Z must not take the
    corpus apart. The build's steps are the builder's, in the audit trail, not undoable."""
    from annotator.io.demo import BUILDER, build_demo

    with build_demo(tmp_path / "d.sqlite") as project:
        for actor in ("", "Ann"):
            project.actor = actor
            assert project.undo_entry() is None
        assert {e.actor for e in project.history()} == {BUILDER}
