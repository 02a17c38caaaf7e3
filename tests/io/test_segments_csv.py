"""Coded segments CSV: one row per coding out, and codings back in without drifting off their words."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from csv_helpers import read_rows, write_file
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.changes import ChangeSet
from annotator.core.errors import InvalidInput
from annotator.core.models import Coding
from annotator.io.tables.codebook_csv import export_codebook, import_codebook
from annotator.io.tables.segments_csv import COLUMNS, export_segments, import_segments
from annotator.store import Project


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    return read_rows(path, COLUMNS)


def snapshot(project: Project, path: Path) -> bytes:
    export_segments(project, path)
    return path.read_bytes()


def twin(source: Project, path: Path) -> Project:
    """A fresh project with the same documents (same order) and codebook, but no codings."""
    fresh = Project.create(path)
    for d in source.documents():
        fresh.add_document(d.title, source.document_text(d.id), source_name=d.source_name)
    export_codebook(source, path.with_suffix(".codebook.csv"))
    import_codebook(fresh, path.with_suffix(".codebook.csv"))
    return fresh


# -- export ----------------------------------------------------------------------
def test_export_writes_one_row_per_coding_by_document_then_start(sample, tmp_path: Path) -> None:
    path = tmp_path / "segments.csv"
    assert export_segments(sample.project, path) == 4
    rows = read_csv_rows(path)
    SPEECH = sample.speech.text
    assert [(r["document"], r["code_path"], r["coder"], int(r["start"])) for r in rows] == [
        ("Speech", "Norms/Norm-shaper", "Ann", 0),
        ("Speech", "Geopolitical rivalry", "Ann", SPEECH.index("The US")),
        ("Speech", "Geopolitical rivalry", "Ben", SPEECH.index("technological")),
        ("Emoji post", "Geopolitical rivalry", "Ben", 0),
    ]
    texts = {"Speech": SPEECH, "Emoji post": sample.emoji.text}
    for r in rows:
        assert r["text"] == texts[r["document"]][int(r["start"]) : int(r["end"])]
    assert rows[3]["text"] == "Tech 🤖 rivalry 🇺🇸🇨🇳"


def test_export_can_be_limited_to_codes_coders_and_documents(sample, tmp_path: Path) -> None:
    p, path = sample.project, tmp_path / "s.csv"
    assert export_segments(p, path, code_ids=[sample.rivalry.id]) == 3
    assert export_segments(p, path, coder_ids=[sample.ann.id]) == 2
    assert export_segments(p, path, document_ids=[sample.emoji.id]) == 1
    assert export_segments(p, path, code_ids=[sample.rivalry.id], coder_ids=[sample.ben.id],
                           document_ids=[sample.speech.id]) == 1  # fmt: skip
    assert [r["coder"] for r in read_csv_rows(path)] == ["Ben"]


def test_formula_like_text_is_neutralised_in_the_file_and_exact_after_import(
    project, tmp_path: Path
) -> None:
    text = "=SUM(A1) costs -5 for @user\n+more"
    doc = project.add_document("Sheet", text)
    code = project.add_code("@mention")
    coder = project.add_coder("=Eve")
    for start, end in ((0, 8), (15, 17), (22, 27), (28, 33)):
        project.add_coding(doc.id, code.id, coder.id, start, end, memo="-note")
    path = tmp_path / "s.csv"
    first = snapshot(project, path)
    rows = read_csv_rows(path)
    assert [r["text"] for r in rows] == ["'=SUM(A1)", "'-5", "'@user", "'+more"]
    assert {(r["code_path"], r["coder"], r["memo"]) for r in rows} == {
        ("'@mention", "'=Eve", "'-note")
    }
    assert (rows[0]["start"], rows[0]["end"]) == ("0", "8")  # numbers stay plain numbers
    fresh = twin(project, tmp_path / "fresh.sqlite")
    import_segments(fresh, path)
    assert snapshot(fresh, tmp_path / "again.csv") == first
    fresh.close()


def test_documents_sharing_a_title_are_named_by_file_name_or_id(project, tmp_path: Path) -> None:
    a = project.add_document("Same", "first text", source_name="a.txt")
    b = project.add_document("Same", "second text", source_name="b.txt")
    c = project.add_document("Same", "third text")
    coder, code = project.add_coder("Ann"), project.add_code("X")
    for doc in (a, b, c):
        project.add_coding(doc.id, code.id, coder.id, 0, 5)
    path = tmp_path / "s.csv"
    export_segments(project, path)
    assert [r["document"] for r in read_csv_rows(path)] == ["a.txt", "b.txt", c.id]
    for row, doc in zip(read_csv_rows(path), (a, b, c), strict=True):
        assert project.find_document(row["document"]).id == doc.id


# -- round trips -----------------------------------------------------------------
def test_export_import_export_of_the_sample_gives_the_same_file(sample, tmp_path: Path) -> None:
    first = snapshot(sample.project, tmp_path / "a.csv")
    fresh = twin(sample.project, tmp_path / "fresh.sqlite")
    report = import_segments(fresh, tmp_path / "a.csv")
    assert (report.added, report.skipped, report.codes_created, report.coders_created) == (
        4,
        0,
        0,
        2,
    )
    assert snapshot(fresh, tmp_path / "b.csv") == first
    fresh.close()


def test_reimporting_the_same_file_is_harmless_and_reported(sample, tmp_path: Path) -> None:
    p = sample.project
    first = snapshot(p, tmp_path / "a.csv")
    seen: list[ChangeSet] = []
    p.subscribe(seen.append)
    report = import_segments(p, tmp_path / "a.csv")
    assert (report.added, report.skipped) == (0, 4)
    assert "4 already in the project (skipped)" in str(report)
    assert seen == []  # nothing was written
    assert snapshot(p, tmp_path / "b.csv") == first


texts = st.lists(
    st.text(alphabet=st.sampled_from(list("ab ,\"'\r\n=-@+\té🤖🇺🇸")), min_size=1, max_size=40),
    min_size=1, max_size=3,
)  # fmt: skip
spans = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 2),
              st.sampled_from(["Ann", "@bob", "=eve", "Zoë 🤖"]),
              st.text(alphabet=st.sampled_from(list("x ,\"\r\n=-@")), max_size=8)),
    max_size=25,
)  # fmt: skip
CODE_NAMES = ["=Top", "Sub, with comma", "-neg/slash"]


@settings(max_examples=40, deadline=None)
@given(texts, spans)
def test_any_codings_survive_export_and_import_into_a_twin_project(
    raw_texts: list[str], raw_spans: list
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        source = Project.create(d / "a.sqlite")
        # CRLF and lone CR in the source become \n in the stored text; offsets index that.
        docs = [
            source.add_document(f"Doc {i}", f"Doc {i}:\r\n{t}") for i, t in enumerate(raw_texts)
        ]
        top = source.add_code(CODE_NAMES[0])
        codes = [top, source.add_code(CODE_NAMES[1], top.id), source.add_code(CODE_NAMES[2])]
        coders = {name: source.ensure_coder(name) for name in ("Ann", "@bob", "=eve", "Zoë 🤖")}
        codings, passages = [], set()
        for doc_i, a, b, code_i, coder, memo in raw_spans:
            doc = docs[doc_i % len(docs)]
            length = len(doc.text)
            start = a % length
            end = start + 1 + b % (length - start)
            passage = (doc.id, codes[code_i].id, coders[coder].id, start, end)
            if passage not in passages:  # one coder codes a passage with a code once
                passages.add(passage)
                codings.append(
                    Coding(
                        document_id=doc.id,
                        code_id=codes[code_i].id,
                        coder_id=coders[coder].id,
                        start=start,
                        end=end,
                        memo=memo,
                    )
                )
        source.add_codings(codings)
        first = snapshot(source, d / "a.csv")
        rows = read_csv_rows(d / "a.csv")
        assert len(rows) == len(codings)
        fresh = twin(source, d / "b.sqlite")
        report = import_segments(fresh, d / "a.csv")
        assert report.added == len(codings)
        assert snapshot(fresh, d / "b.csv") == first
        assert {(c.id, c.start, c.end, c.memo) for c in fresh.codings()} == {
            (c.id, c.start, c.end, c.memo) for c in codings
        }
        source.close()
        fresh.close()


# -- importing hand-made files ---------------------------------------------------
def test_a_minimal_file_adds_codings_with_new_ids_and_missing_coders(
    sample, tmp_path: Path
) -> None:
    p = sample.project
    path = write_file(
        tmp_path / "s.csv", "document,code_path,coder,start,end\r\nspeech.txt,Norms,Zed,3,8\r\n"
    )
    report = import_segments(p, path)
    assert (report.added, report.coders_created) == (1, 1)
    zed = p.find_coder("Zed")
    [coding] = p.codings(coder_ids=[zed.id])
    assert (coding.document_id, coding.code_id, coding.start, coding.end) == (
        sample.speech.id,
        sample.norms.id,
        3,
        8,
    )


def test_ids_are_kept_when_they_are_uuids_in_any_spelling(sample, tmp_path: Path) -> None:
    p = sample.project
    canonical, upper, braced = (
        "0f0e0d0c-0b0a-4908-8706-050403020100",
        "0F0E0D0C-0B0A-4908-8706-050403020101",
        "{0f0e0d0c-0b0a-4908-8706-050403020102}",
    )
    path = write_file(
        tmp_path / "s.csv",
        HEAD
        + "".join(
            f"{cid},Speech,Norms,Ann,{n},9,,,\n"
            for n, cid in enumerate([canonical, upper, braced, "not-a-uuid", ""])
        ),
    )
    assert import_segments(p, path).added == 5
    ids = {c.id for c in p.codings(sample.speech.id, code_ids=[sample.norms.id])}
    assert (
        {canonical, upper.lower(), braced[1:-1]} <= ids
        and "not-a-uuid" not in ids
        and len(ids) == 5
    )


def test_the_quoted_text_may_use_other_line_endings(sample, tmp_path: Path) -> None:
    start = sample.speech.text.index("AI.")
    quoted = sample.speech.text[start : start + 10].replace("\n", "\r\n")
    path = tmp_path / "s.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["document", "code_path", "coder", "start", "end", "text"],
                                  ["Speech", "Norms", "Ann", start, start + 10, quoted]])  # fmt: skip
    assert import_segments(sample.project, path).added == 1


def test_missing_codes_are_refused_unless_create_codes_is_asked(sample, tmp_path: Path) -> None:
    p = sample.project
    content = "document,code_path,coder,start,end\nSpeech,New/Deeper/Leaf,Ann,0,5\nSpeech,Norms/Extra,Ann,0,5\n"
    path = write_file(tmp_path / "s.csv", content)
    with pytest.raises(
        InvalidInput, match=r"^s\.csv, row 2: no code 'New/Deeper/Leaf' in the codebook"
    ):
        import_segments(p, path)
    assert len(p.codes()) == 3
    report = import_segments(p, path, create_codes=True)
    assert (report.added, report.codes_created) == (2, 4)
    leaf = p.find_code("New/Deeper/Leaf")
    assert p.find_code("Norms/Extra").parent_id == sample.norms.id
    assert [c.start for c in p.codings(code_ids=[leaf.id])] == [0]


def test_an_import_is_one_action_and_one_undo_step(sample, tmp_path: Path) -> None:
    p = sample.project
    before = snapshot(p, tmp_path / "before.csv")
    seen: list[ChangeSet] = []
    p.subscribe(seen.append)
    path = write_file(tmp_path / "s.csv", "document,code_path,coder,start,end\n"
                      "Speech,Brand/New,Nia,0,5\nEmoji post,Norms,Nia,0,4\n")  # fmt: skip
    import_segments(p, path, create_codes=True)
    assert len(seen) == 1 and seen[0].label == "Import coded segments s.csv"
    assert {rc.table for rc in seen[0].rows} == {"coders", "codes", "codings"}
    p.undo()
    assert snapshot(p, tmp_path / "after.csv") == before
    assert [c.name for c in p.coders()] == ["Ann", "Ben"]


# -- refusals ----------------------------------------------------------------------
HEAD = "id,document,code_path,coder,start,end,text,memo,created\n"
GOOD = ",Speech,Norms,Ann,0,5,China,,\n"
BAD_FILES = [
    ("", r"^s\.csv is empty\.$"),
    ("Speech,Norms,Ann,0,5\n", r"^s\.csv, row 1: no header row found"),
    ("document,code_path,coder,start\nSpeech,Norms,Ann,0\n", r"^s\.csv, row 1: the header lacks the column\(s\) end"),
    (HEAD + GOOD + ",Nowhere,Norms,Ann,0,5,,,\n", r"^s\.csv, row 3: No document 'Nowhere' in the project"),
    (HEAD + ",Speech,Nope,Ann,0,5,,,\n", r"^s\.csv, row 2: no code 'Nope' in the codebook"),
    (HEAD + ",Speech,Norms, ,0,5,,,\n", r"^s\.csv, row 2: the coder is empty; every coding needs a coder"),
    (HEAD + ",Speech,Norms,Ann,zero,5,,,\n", r"^s\.csv, row 2: start 'zero' is not a whole number"),
    (HEAD + ",Speech,Norms,Ann,zero,five,,,\n", r"^s\.csv, row 2: start 'zero' is not a whole number"),
    (HEAD + GOOD + ",Speech,Norms,Ann,0, 5x,,,\n", r"^s\.csv, row 3: end '5x' is not a whole number"),
    (HEAD + ",Speech,Norms,Ann,5,5,,,\n", r"^s\.csv, row 2: offsets 5\.\.5 are impossible in 'Speech'"),
    (HEAD + ",Speech,Norms,Ann,0,100000,,,\n", r"^s\.csv, row 2: offsets 0\.\.100000 are impossible in 'Speech' \(need 0 <= start < end <= 164\)"),
    (HEAD + GOOD + ",Speech,Norms,Ann,1,6,China,,\n",
     r"^s\.csv, row 3: the offsets 1\.\.6 do not match the quoted text: the document has 'hina ' there, the file quotes 'China'"),
    (HEAD + ",Speech,Norms,Ann,0,5,,,yesterday\n", r"^s\.csv, row 2: created 'yesterday' is not a date and time"),
    (HEAD + ",Speech,Norms,Ann,0,5,,,2024-05-01T10:00:00Z\n,Speech,Norms,Ann,1,5,,,2024-05-01T10:00:00Z\n"
     ",Speech,Norms,Ann,2,5,,,2024-13-01T10:00:00Z\n", r"^s\.csv, row 4: created '2024-13-01T10:00:00Z' is not a date"),
    (HEAD + "abc,Speech,Norms,Ann,0,5,,,\nabc,Speech,Norms,Ann,1,5,,,\n", r"^s\.csv, row 3: the coding id abc is already in row 2"),
    (HEAD + ',Speech,Norms,Ann,0,5,"China\n', r"^s\.csv, row 2 \(line 2\): not valid CSV"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_bad_files_are_refused_with_file_and_row_and_change_nothing(
    sample, tmp_path: Path, content: str, message: str
) -> None:
    p = sample.project
    before = snapshot(p, tmp_path / "before.csv")
    with pytest.raises(InvalidInput, match=message):
        import_segments(p, write_file(tmp_path / "s.csv", content))
    assert snapshot(p, tmp_path / "after.csv") == before
    assert [c.name for c in p.coders()] == ["Ann", "Ben"]


def test_an_import_leaves_garbage_collection_as_it_found_it(sample, tmp_path: Path) -> None:
    import gc

    assert gc.isenabled()
    import_segments(sample.project, write_file(tmp_path / "s.csv", HEAD + GOOD))
    assert gc.isenabled()
    with pytest.raises(InvalidInput):
        import_segments(
            sample.project, write_file(tmp_path / "bad.csv", HEAD + ",Nowhere,Norms,Ann,0,5,,,\n")
        )
    assert gc.isenabled()
    gc.disable()
    try:
        import_segments(
            sample.project,
            write_file(tmp_path / "s2.csv", HEAD + ",Speech,Norms,Ben,0,5,China,,\n"),
        )
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_existing_id_with_other_values_is_refused(sample, tmp_path: Path) -> None:
    p = sample.project
    path = tmp_path / "s.csv"
    export_segments(p, path)
    rows = read_csv_rows(path)
    rows[1]["memo"] = "changed"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(
        InvalidInput,
        match=rf"row 3: a coding with id {rows[1]['id']} already exists .*different values",
    ):
        import_segments(p, path)


def test_a_file_that_is_not_utf8_is_refused(sample, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes((HEAD + ",Speech,Norms,Ann,0,5,,Café,\n").encode("latin-1"))
    with pytest.raises(InvalidInput, match=r"s\.csv is not UTF-8 text .*line 2"):
        import_segments(sample.project, path)


# -- duplicates ------------------------------------------------------------------------
def write_csv_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_file_without_ids_adds_no_copies_and_says_how_many_it_skipped(
    sample, tmp_path: Path
) -> None:
    p = sample.project
    export_segments(p, tmp_path / "s.csv")
    rows = read_csv_rows(tmp_path / "s.csv")
    for r in rows:
        r["id"] = ""
    rows[0]["memo"] = "a thought from the file"
    rows.append(dict(rows[1]))  # and one row twice
    path = write_csv_rows(tmp_path / "s.csv", rows)
    report = import_segments(p, path)
    assert (report.added, report.skipped, report.duplicates, report.memos_joined) == (0, 0, 5, 1)
    assert str(report) == (
        "0 codings added, 0 already in the project (skipped), "
        "5 duplicates skipped (1 memo joined to the coding kept)."
    )
    assert len(p.codings()) == 4
    assert p.codings(document_id=sample.speech.id)[0].memo == "a thought from the file"
    seen: list[ChangeSet] = []
    p.subscribe(seen.append)
    again = import_segments(p, path)  # the memo is there now: nothing at all to write
    assert (again.added, again.duplicates, again.memos_joined) == (0, 5, 0)
    assert seen == []


def test_rows_repeating_an_earlier_row_add_one_coding(sample, tmp_path: Path) -> None:
    p = sample.project
    row = "Speech,Norms,Zed,3,8,,{memo},\n"
    path = write_file(tmp_path / "s.csv", "id,document,code_path,coder,start,end,text,memo,created\n"
                      + ",".join(["", row.format(memo="first")]) + ",".join(["", row.format(memo="")])
                      + ",".join(["", row.format(memo="second")]))  # fmt: skip
    report = import_segments(p, path)
    assert (report.added, report.duplicates, report.memos_joined, report.coders_created) == (
        1,
        2,
        1,
        1,
    )
    assert str(report) == (
        "1 codings added, 0 already in the project (skipped), "
        "2 duplicates skipped (1 memo joined to the coding kept), 1 coder added."
    )
    [coding] = p.codings(coder_ids=[p.find_coder("Zed").id])
    assert (coding.start, coding.end, coding.memo) == (3, 8, "first\n\nsecond")


def test_a_report_without_duplicates_does_not_mention_them() -> None:
    from annotator.io.tables.segments_csv import SegmentsImportReport

    assert (
        str(SegmentsImportReport(2, 1, 0, 0))
        == "2 codings added, 1 already in the project (skipped)."
    )
    assert "1 duplicate skipped." in str(SegmentsImportReport(0, 0, 0, 0, duplicates=1))


def test_an_import_checks_ids_and_duplicates_inside_its_transaction(sample, tmp_path: Path) -> None:
    """Another window storing the same coding while the file is being read cannot make
    the import store a copy of it."""
    p = sample.project
    other = Project.open(p.path)
    path = write_file(
        tmp_path / "s.csv", "document,code_path,coder,start,end\nSpeech,Norms,Ann,3,8\n"
    )
    original = p.action

    def action(label: str):  # the other window writes just before our transaction starts
        if not p.conn.in_transaction:
            other.add_coding(sample.speech.id, sample.norms.id, sample.ann.id, 3, 8)
        return original(label)

    p.action = action  # type: ignore[method-assign]
    try:
        report = import_segments(p, path)
    finally:
        other.close()
    assert (report.added, report.duplicates) == (0, 1)
    assert (
        len([c for c in p.codings(code_ids=[sample.norms.id]) if (c.start, c.end) == (3, 8)]) == 1
    )


def test_rows_name_documents_as_find_document_does(project: Project, tmp_path: Path) -> None:
    a = project.add_document("Same", "first text here", source_name="a.txt")
    b = project.add_document("Same", "second text here", source_name="b.txt")
    c = project.add_document("Other", "third text here", source_name="c.txt")
    project.add_code("X")
    refs = [a.id, "b.txt", "other", "C.TXT", "Other"]
    path = write_file(
        tmp_path / "s.csv",
        "document,code_path,coder,start,end\n"
        + "".join(f"{ref},X,Ann,0,{i + 1}\n" for i, ref in enumerate(refs)),
    )
    assert [project.find_document(ref).id for ref in refs] == [a.id, b.id, c.id, c.id, c.id]
    import_segments(project, path)
    assert sorted((k.end, k.document_id) for k in project.codings()) == [
        (1, a.id),
        (2, b.id),
        (3, c.id),
        (4, c.id),
        (5, c.id),
    ]
    path = write_file(
        tmp_path / "s.csv", "document,code_path,coder,start,end\nOther,X,Ann,0,9\nSame,X,Ann,0,5\n"
    )
    with pytest.raises(
        InvalidInput, match=r"^s\.csv, row 3: 'Same' names 2 documents; use the document id\.$"
    ):
        import_segments(project, path)


def test_a_coding_changed_by_another_coder_names_them_in_updated_by(sample, tmp_path: Path) -> None:
    p = sample.project
    bens = next(c for c in p.codings() if c.coder_id == sample.ben.id)
    p.update_coding(bens.id, code_id=sample.norms.id, by=sample.ann.id)
    export_segments(p, tmp_path / "s.csv")
    rows = {r["id"]: r for r in read_rows(tmp_path / "s.csv", COLUMNS)}
    assert rows[bens.id]["coder"] == "Ben"  # still Ben's coding
    assert rows[bens.id]["updated_by"] == "Ann"  # but Ann changed it
    assert {r["updated_by"] for i, r in rows.items() if i != bens.id} == {""}
    p.undo()
    assert p.coding(bens.id).updated_by == ""  # undo puts back who had changed it: nobody
