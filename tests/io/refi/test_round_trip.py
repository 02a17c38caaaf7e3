"""Our .qdpx opened again is the same project; our .qdc imported again the same codebook."""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from refi_env import codebook_snapshot

from annotator.core.errors import Conflict
from annotator.io.refi import export_qdc, export_qdpx, import_qdc, import_qdpx
from annotator.io.refi.xml_safety import safe_parser, schema
from annotator.store import Project


def snapshot(project: Project) -> dict[str, object]:
    """What an exchange must keep. (Memo ids and times, coder colours and quick keys are not
    part of the standard; see docs/refi-qda.md.)"""
    docs = project.documents()
    return {
        "documents": [
            (d.id, d.title, project.document_text(d.id), d.source_name, d.format, d.attributes)
            for d in docs
        ],
        "codebook": codebook_snapshot(project),
        "coders": sorted((c.id, c.name) for c in project.coders()),
        "codings": sorted(project.coding_rows()),
        "memos": sorted(
            (m.document_id or "", m.coder_id or "", m.title, m.text)
            for doc in [None, *(d.id for d in docs)]
            for m in project.memos(doc)
        ),
    }


# Text as researchers paste it: emoji, combining marks, CRLF, CJK, quotes, markup characters.
PIECES = [
    "word",
    " ",
    "\n",
    "\r\n",
    "😀",
    "🇭🇺",
    "e\u0301",
    "n\u0303o",
    "中文",
    "“q”",
    "<&>",
    "'\"",
    "\t",
    "ß",
]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)
field = st.lists(
    st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=8)
    | st.sampled_from(["\n", "\r", "\r\n", "\t", "Example: ", "\\Memo: x", "😀"]),
    max_size=5,
).map("".join)


@st.composite
def projects(draw: st.DrawFn) -> dict[str, object]:
    n_codes = draw(st.integers(1, 8))
    # Each code's parent is an earlier code (or none): chains as deep as the codes allow.
    parents = [draw(st.none() | st.integers(0, i - 1)) if i else None for i in range(n_codes)]
    return {
        "docs": draw(st.lists(texts, min_size=1, max_size=3)),
        "parents": parents,
        "code_fields": draw(st.lists(st.tuples(field, field, field, field, field), min_size=n_codes, max_size=n_codes)),
        "coders": draw(st.lists(st.sampled_from(["Ann", "Ben 🚀", "Zoë"]), min_size=1, max_size=3, unique=True)),
        "codings": draw(st.lists(st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 999), st.integers(0, 999), field), max_size=25)),
        "memos": draw(st.lists(st.tuples(st.none() | st.integers(0, 2), field, field.filter(str.strip)), max_size=4)),
        "attributes": draw(st.dictionaries(st.sampled_from(["genre", "année", "date"]), field, max_size=3)),
    }  # fmt: skip


def build(path: Path, spec: dict[str, object]) -> Project:
    p = Project.create(path)
    with p.action("Build"):  # one transaction: one fsync, not fifty
        _fill(p, spec)
    return p


def _fill(p: Project, spec: dict[str, object]) -> None:
    docs = [
        p.add_document(
            f"Doc {i}",
            f"Document {i}: {text}",
            source_name=f"d{i}.txt" if i % 2 else "",
            attributes=spec["attributes"] if i == 0 else None,
        )
        for i, text in enumerate(spec["docs"])  # type: ignore[arg-type]
    ]
    coders = [p.add_coder(name) for name in spec["coders"]]  # type: ignore[attr-defined]
    codes = []
    for i, (parent, fields) in enumerate(zip(spec["parents"], spec["code_fields"], strict=True)):  # type: ignore[call-overload]
        d, inc, exc, ex, memo = fields
        codes.append(p.add_code(f"Code {i} ✓", codes[parent].id if parent is not None else None,
                                definition=d, inclusion=inc, exclusion=exc, example=ex, memo=memo))  # fmt: skip
    for a, b, doc_i, code_i, memo in spec["codings"]:  # type: ignore[attr-defined]
        doc = docs[doc_i % len(docs)]
        text = p.document_text(doc.id)
        start, end = sorted((a % len(text), b % len(text)))
        end = max(end, start + 1)
        if not text[start:end].strip():
            continue  # the store refuses a coding of white space alone
        with contextlib.suppress(Conflict):  # the same passage, code and coder twice
            p.add_coding(doc.id, codes[code_i % len(codes)].id, coders[code_i % len(coders)].id,
                         start, end, memo=memo)  # fmt: skip
    for doc_i, title, text in spec["memos"]:  # type: ignore[attr-defined]
        p.add_memo(text, title=title, document_id=None if doc_i is None else docs[doc_i % len(docs)].id,
                   coder_id=coders[0].id)  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_any_project_survives_qdpx_export_and_import(spec: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with build(folder / "a.sqlite", spec) as original:
            export_qdpx(original, folder / "a.qdpx")
            report = import_qdpx(folder / "a.qdpx", folder / "b.sqlite")
            assert not report.unplaced and not report.skipped and not report.warnings
            with Project.open(folder / "b.sqlite") as copy:
                assert snapshot(copy) == snapshot(original)
            # What we write is valid against the standard's schema.
            with zipfile.ZipFile(folder / "a.qdpx") as archive:
                root = etree.fromstring(archive.read("project.qde"), safe_parser())
            assert schema("project").validate(root)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_any_codebook_survives_qdc_export_and_import(spec: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with (
            build(folder / "a.sqlite", spec) as original,
            Project.create(folder / "b.sqlite") as copy,
        ):
            export_qdc(original, folder / "a.qdc")
            import_qdc(copy, folder / "a.qdc")
            assert codebook_snapshot(copy) == codebook_snapshot(original)
