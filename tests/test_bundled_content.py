"""The bundled corpus (seeds/ + manifest.json) and the starter codebook CSV are sound.

A researcher's first project is built from these files, so their metadata must
describe the real texts, the codebook must load as a clean two-level tree, and
every code's example must be a passage they can actually find in the corpus.
"""

from __future__ import annotations

import colorsys
import csv
import datetime as dt
import itertools
import json
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from annotator.core.colors import contrast_ratio, highlight_color, to_rgb
from annotator.store import Project

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
MANIFEST = SEEDS / "manifest.json"
CODEBOOK = REPO / "resources" / "codebooks" / "ai-governance.csv"

FIELDS = ("file", "title", "author", "date", "outlet", "genre", "format")
GENRES = {"speech", "op-ed", "academic article", "forum transcript"}
FORMATS = {"txt", "md"}
HEADER = [
    "id", "name", "path", "parent_path", "level", "color", "definition",
    "inclusion", "exclusion", "example", "codings", "documents",
]  # fmt: skip
REQUIRED_CHILDREN = {"Norm-shaper", "Capacity building", "Geopolitical rivalry"}
# "“quoted passage” (NNN source tag)": the tag's number names the seed file it comes from.
EXAMPLE = re.compile(r"^“(?P<quote>[^“”]+)” \((?P<seed>\d{3}) [^()]+\)$")
MARKUP = set("*_<>[]`")


@cache
def manifest() -> list[dict[str, Any]]:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    docs = data["documents"]
    assert isinstance(docs, list)
    return docs


@cache
def codebook() -> list[dict[str, str]]:
    with CODEBOOK.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def collapse(text: str) -> str:
    return " ".join(text.split())


def seed_haystacks(prefix: str) -> list[str]:
    """The seed file numbered ``prefix`` as searchable text (Markdown also without bold marks)."""
    entry = next(d for d in manifest() if d["file"].startswith(prefix + "_"))
    raw = (SEEDS / entry["file"]).read_text(encoding="utf-8")
    out = [collapse(raw)]
    if entry["format"] == "md":
        out.append(collapse(raw.replace("**", "")))
    return out


def lab(color: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour, to judge how far apart two highlights look."""

    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(v) for v in to_rgb(color))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def highlight(color: str) -> str:
    """What a single coding of this colour looks like behind black text on white."""
    return highlight_color([color], "#FFFFFF", alpha=0.45)


def hue_degrees(color: str) -> float:
    r, g, b = (v / 255 for v in to_rgb(color))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


# -- the manifest ------------------------------------------------------------------


def test_manifest_lists_exactly_the_seed_texts_in_file_name_order() -> None:
    on_disk = sorted(p.name for p in SEEDS.glob("*.txt"))
    listed = [d["file"] for d in manifest()]
    assert listed == on_disk


@pytest.mark.parametrize("file", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_manifest_entry_is_complete_and_valid(file: str) -> None:
    entry = next(d for d in manifest() if d.get("file") == file)
    assert set(entry) >= set(FIELDS), f"{entry.get('file')}: missing {set(FIELDS) - set(entry)}"
    for field in FIELDS:
        assert isinstance(entry[field], str) and entry[field].strip(), (
            f"{entry['file']}: empty {field}"
        )
    assert entry["genre"] in GENRES
    assert entry["format"] in FORMATS
    # As precise as the text tells: YYYY, YYYY-MM or YYYY-MM-DD, a real date, not in the future.
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", entry["date"])
    assert m, f"{entry['file']}: bad date {entry['date']!r}"
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    assert dt.date(year, month, day) <= dt.date.today()


def test_the_markdown_article_is_imported_as_markdown() -> None:
    # Footnote markers and link syntax would otherwise be shown (and coded) as literal text.
    for entry in manifest():
        raw = (SEEDS / entry["file"]).read_text(encoding="utf-8")
        if "<sup>" in raw or re.search(r"\]\(https?://", raw):
            assert entry["format"] == "md", entry["file"]
    assert any(d["format"] == "md" for d in manifest())


def test_seed_texts_import_into_a_project_with_their_metadata(project: Project) -> None:
    for entry in manifest():
        text = (SEEDS / entry["file"]).read_text(encoding="utf-8")
        attrs = {k: entry[k] for k in ("author", "date", "outlet", "genre")}
        doc = project.add_document(
            entry["title"],
            text,
            source_name=entry["file"],
            format=entry["format"],
            attributes=attrs,
        )
        assert project.document_attributes(doc.id) == attrs
    assert [d.source_name for d in project.documents()] == [d["file"] for d in manifest()]


# -- the codebook ------------------------------------------------------------------


def test_codebook_is_utf8_with_the_exact_header() -> None:
    raw = CODEBOOK.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), (
        "no byte-order mark: pandas and Python read it as is"
    )
    first = next(csv.reader(raw.decode("utf-8").splitlines()))
    assert first == HEADER


def test_codebook_is_a_two_level_tree_with_children_after_their_parent() -> None:
    rows = codebook()
    assert len(rows) >= 12
    current_parent: str | None = None
    children: dict[str, int] = {}
    for row in rows:
        assert "/" not in row["name"], row["name"]
        assert row["name"] == " ".join(row["name"].split())
        if row["level"] == "1":
            assert row["parent_path"] == "" and row["path"] == row["name"]
            current_parent = row["path"]
            children[current_parent] = 0
        else:
            assert row["level"] == "2", row
            # Children come right after their own parent, never elsewhere.
            assert row["parent_path"] == current_parent, row["path"]
            assert row["path"] == f"{row['parent_path']}/{row['name']}"
            children[row["parent_path"]] += 1
    assert 4 <= len(children) <= 5
    assert all(2 <= n <= 4 for n in children.values()), children


def test_codebook_ids_are_unique_uuid4_and_paths_unique() -> None:
    rows = codebook()
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids)
    for i in ids:
        assert str(uuid.UUID(i)) == i and uuid.UUID(i).version == 4
    paths = [r["path"].casefold() for r in rows]
    assert len(set(paths)) == len(paths)


def test_codebook_has_the_required_child_codes() -> None:
    children = {r["name"] for r in codebook() if r["level"] == "2"}
    assert children >= REQUIRED_CHILDREN


def test_every_code_has_guidance_a_coder_can_apply() -> None:
    for row in codebook():
        for field in ("definition", "inclusion", "exclusion", "example"):
            assert row[field].strip(), f"{row['path']}: empty {field}"
        assert row["inclusion"].startswith("Code when"), row["path"]
        assert row["exclusion"].startswith("Do not code"), row["path"]
        assert row["codings"] == "0" and row["documents"] == "0"


def test_every_example_is_a_verbatim_passage_from_its_seed_text() -> None:
    for row in codebook():
        m = EXAMPLE.fullmatch(row["example"])
        assert m, f"{row['path']}: example is not “quote” (NNN source): {row['example']!r}"
        quote = m["quote"]
        assert 8 <= len(quote.split()) <= 40, f"{row['path']}: quote length"
        entry = next(d for d in manifest() if d["file"].startswith(m["seed"] + "_"))
        if entry["format"] == "md":
            # The passage must read the same in the rendered text as in the file.
            assert not MARKUP & set(quote), f"{row['path']}: markup inside the quote"
        assert any(collapse(quote) in hay for hay in seed_haystacks(m["seed"])), (
            f"{row['path']}: quote not found in {entry['file']}: {quote!r}"
        )


def test_colours_are_distinct_readable_and_grouped_by_family() -> None:
    rows = codebook()
    colours = {r["path"]: r["color"] for r in rows}
    for path, c in colours.items():
        assert re.fullmatch(r"#[0-9A-Fa-f]{6}", c), f"{path}: {c!r}"
        assert contrast_ratio(highlight(c), "#000000") >= 4.5, (
            f"{path}: black text unreadable on {c}"
        )
    for (pa, a), (pb, b) in itertools.combinations(colours.items(), 2):
        ha, hb = lab(highlight(a)), lab(highlight(b))
        delta = sum((x - y) ** 2 for x, y in zip(ha, hb, strict=True)) ** 0.5
        assert delta >= 8, f"{pa} and {pb} look alike as highlights ({a}, {b})"
    for row in rows:
        if row["level"] == "2":
            gap = abs(hue_degrees(row["color"]) - hue_degrees(colours[row["parent_path"]]))
            assert min(gap, 360 - gap) <= 45, f"{row['path']}: hue far from its parent"


def test_codebook_loads_into_a_project_with_its_ids_and_paths(project: Project) -> None:
    ids: dict[str, str] = {}
    for row in codebook():
        code = project.add_code(
            row["name"],
            ids[row["parent_path"]] if row["parent_path"] else None,
            code_id=row["id"],
            color=row["color"],
            definition=row["definition"],
            inclusion=row["inclusion"],
            exclusion=row["exclusion"],
            example=row["example"],
        )
        ids[row["path"]] = code.id
    tree = project.code_tree()
    for row in codebook():
        assert project.find_code(row["path"]).id == row["id"]
        assert tree.path(row["id"]) == row["path"]
    for name in REQUIRED_CHILDREN:
        assert project.find_code(name).name == name


EXAMPLE_CODERS = REPO / "resources" / "example_coders"


def test_example_coders_quote_their_seed_texts_with_the_starter_codebook() -> None:
    """The two-coder example's data: each coding names a seed text and a starter code, and
    its quote occurs in that text exactly once (or at the occurrence it gives)."""
    files = {d["file"] for d in manifest()}
    paths = {r["path"] for r in codebook()}
    coders = sorted(EXAMPLE_CODERS.glob("*.json"))
    assert len(coders) == 2
    for path in coders:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["coder"].startswith("Example coder "), path.name
        for c in data["codings"]:
            assert c["document"] in files and c["code"] in paths, (path.name, c)
            text = (SEEDS / c["document"]).read_text(encoding="utf-8")
            count = text.count(c["quote"])
            assert count == 1 if "occurrence" not in c else count >= c["occurrence"], (
                path.name,
                c["quote"],
            )
