"""The history's rows column: what ``encode`` writes, undo, redo and ``changes_since`` read
back as the very RowChanges the action recorded, for every kind of change and table; a
bulk import's rows are one compact run that still names each document it touches."""

from __future__ import annotations

import json
import random

import pytest
from test_undo_sequences import WORDS, random_action

from annotator.core.changes import ChangeSet, RowChange
from annotator.core.errors import AnnotatorError
from annotator.store import Project
from annotator.store.history import encode, summarise


def _same(decoded: list[RowChange], rows: list[RowChange]) -> None:
    assert decoded == rows
    for got, want in zip(decoded, rows, strict=True):  # column order too, and value types
        for a, b in ((got.before, want.before), (got.after, want.after)):
            assert (a is None) == (b is None)
            if a is not None and b is not None:
                assert list(a.items()) == list(b.items())
                assert [type(v) for v in a.values()] == [type(v) for v in b.values()]
        assert got.key == want.key and type(got.key) is tuple


def _coding(n: int, doc: str, **extra: object) -> dict[str, object]:
    return {
        "id": f"c{n:03d}",
        "document_id": doc,
        "code_id": f"k{n % 3}",
        "coder_id": "ann",
        "start": n,
        "end": n + 5,
        "memo": "" if n % 4 else f'memo «{n}» "quoted"',
        "created": f"2024-01-01T00:00:{n % 60:02d}Z",
        "updated": "",
        "updated_by": "",
        **extra,
    }


def test_encode_then_decode_gives_back_the_same_row_changes(project):
    doc = project.add_document("Speech", "We build capacity together. " * 50)
    other = project.add_document("Other", "Another text entirely.")
    gone = project.add_document("Gone", "A text whose document is deleted.")
    project.delete_document(gone.id)  # its text is kept in removed_texts for undo
    doc_row = project._get_row("documents", (doc.id,))
    gone_row = {
        **doc_row,
        "id": gone.id,
        "title": "Gone",
        "text": "A text whose document is deleted.",
    }
    assert doc_row is not None and doc_row["text"].startswith("We build")
    codings = [_coding(n, doc.id if n % 5 else other.id) for n in range(40)]
    rows = [
        *(RowChange("codings", (c["id"],), None, c) for c in codings),  # a run: shared strings
        RowChange(
            "codes",
            ("k1",),
            {"id": "k1", "name": "A", "parent_id": None, "sort_order": 0},
            {"id": "k1", "name": "B", "parent_id": "k0", "sort_order": 2},
        ),
        RowChange("settings", ("s",), None, {"key": "s", "value": "1"}),
        RowChange("settings", ("t",), None, {"value": "2", "key": "t"}),  # other column order
        RowChange("codings", ("c001",), codings[1], {**codings[1], "memo": "x", "start": 2}),
        RowChange("codings", ("c002",), codings[2], None),
        RowChange("codings", ("c003",), codings[3], None),
        RowChange(
            "document_attributes",
            (doc.id, "genre"),
            None,
            {"document_id": doc.id, "name": "genre", "value": "speech"},
        ),
        RowChange("documents", (doc.id,), None, dict(doc_row)),
        RowChange("documents", (doc.id,), dict(doc_row), {**doc_row, "title": "Renamed"}),
        RowChange("documents", (gone.id,), dict(gone_row), None),
        # An update whose images differ in columns, and values of several types.
        RowChange(
            "memos", ("m",), {"id": "m", "text": "a"}, {"id": "m", "text": "b", "title": "t"}
        ),
        RowChange(
            "codes",
            ("q",),
            None,
            {"id": "q", "quick_key": 1, "weight": 1.0, "flag": None, "n": "1"},
        ),
        *(RowChange("codings", (c["id"],), c, None) for c in codings[10:30]),
        *(
            RowChange("codings", (c["id"],), c, {**c, "code_id": "k9", "updated": "now"})
            for c in codings[5:25]
        ),
    ]
    changes = ChangeSet("Everything", rows)
    stored = encode(changes)
    _same(project._decode(stored), rows)
    assert (
        project.conn.execute("SELECT count(*) FROM documents WHERE id = ?", (gone.id,)).fetchone()[
            0
        ]
        == 0
    )
    assert "We build capacity" not in stored and "whose document" not in stored, (
        "texts are not copied"
    )
    assert _same(project._decode(encode(ChangeSet("Nothing"))), []) is None


def test_a_run_of_codings_is_one_run_that_names_each_document(project):
    rows = [
        RowChange("codings", (c["id"],), None, c)
        for c in (_coding(n, f"doc-{n % 2}") for n in range(100))
    ]
    stored = encode(ChangeSet("Import", rows))
    runs = json.loads(stored)
    assert len(runs) == 1 and runs[0][:3] == ["codings", "insert", list(rows[0].after or {})]
    assert runs[0][3][1] == {"v": ["doc-0", "doc-1"], "i": [n % 2 for n in range(100)]}
    # Pruning keeps a deleted document's text while some kept history row names the document.
    assert '"doc-0"' in stored and '"doc-1"' in stored
    old_size = len(json.dumps([["codings", None, rc.after] for rc in rows], separators=(",", ":")))
    assert len(stored) < old_size * 0.6
    _same(project._decode(stored), rows)


def test_every_action_reads_back_from_the_history_as_it_was_recorded(project):
    rnd = random.Random(7)
    coders = [project.add_coder(n).id for n in ("Ann", "Ben")]
    for i in range(3):
        project.add_document(
            f"D{i}", " ".join(rnd.choice(WORDS) for _ in range(150)), attributes={"g": str(i)}
        )
    checked = 0
    for _ in range(200):
        action = random_action(project, rnd, coders)
        if action is None:
            continue
        seen = project.last_history_id()
        try:
            action()
        except AnnotatorError:
            continue
        entry = project.last_history_id()
        if entry == seen:  # it changed nothing: no history line
            assert not project.last_changes
            continue
        _same(project.entry_changes(entry).rows, project.last_changes.rows)
        checked += 1
        if rnd.random() < 0.2:  # the undo's own line reads back too (another window follows it)
            project.undo()
            _same(project.entry_changes(project.last_history_id()).rows, project.last_changes.rows)
            project.redo()
            _same(project.entry_changes(project.last_history_id()).rows, project.last_changes.rows)
    assert checked > 100


def test_a_bulk_import_undoes_redoes_and_reads_back_exactly(project):
    ann = project.add_coder("Ann")
    code = project.add_code("Theme")
    docs = [project.add_document(f"D{i}", f"word {i} " * 400) for i in range(3)]
    before = project.last_history_id()
    rows = [
        (
            f"00000000-0000-4000-8000-{n:012d}",
            docs[n % 3].id,
            code.id,
            ann.id,
            n,
            n + 4,
            f"memo {n}" if n % 7 == 0 else "",
            "2024-05-01T10:00:00.000000Z",
            "",
        )
        for n in range(300)
    ]
    project.add_coding_rows(rows)
    recorded = project.last_changes
    assert summarise(recorded) == "300 codings added"
    with Project.open(project.path) as other:
        changes = other.changes_since(before)
        assert changes is not None and len(changes) == 1
        _same(changes[0].rows, recorded.rows)
    project.undo()
    assert project.codings() == []
    project.redo()
    assert len(project.codings()) == 300
    _same(project.entry_changes(project.last_history_id()).rows, recorded.rows)


@pytest.mark.parametrize("repeat", [False, True])
def test_summarise_merges_repeated_rows_only_when_there_are_some(repeat):
    a = {"id": "a", "name": "A"}
    rows = [
        RowChange("codes", ("a",), None, a),
        RowChange("codes", ("b",), {"id": "b"}, {"id": "b"}),
        RowChange("codes", ("c",), {"id": "c", "name": "C"}, {"id": "c", "name": "D"}),
    ]
    if repeat:
        rows.append(RowChange("codes", ("a",), a, None))  # added then removed: no change at all
    changes = ChangeSet("x", rows)
    assert changes.rewrites() is repeat
    assert summarise(changes) == ("1 code changed" if repeat else "1 code added, 1 code changed")
    assert [rc.key for rc in changes.compact().rows] == ([("c",)] if repeat else [("a",), ("c",)])
