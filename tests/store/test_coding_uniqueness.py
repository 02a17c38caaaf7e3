"""One coder, one code, one passage: nothing lets a second copy of a coding in.

Not two writers (two windows or processes on one file), not a bulk import, not an
undo or redo; the file itself refuses one (a unique index), and every refusal is a
``Conflict`` that names the coder and the code.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import pytest

from annotator.core.errors import Conflict
from annotator.core.models import Coding
from annotator.store import Project
from annotator.store.codings import join_memos

TWIN = "Ann has already coded exactly this passage with Norm-shaper."


def snapshot(p: Project) -> list[tuple[Any, ...]]:
    return sorted(tuple(r) for r in p.conn.execute("SELECT * FROM codings"))


def let_the_other_write_after(
    p: Project, method: str, write: Callable[[], object]
) -> dict[str, Any]:
    """Make ``p.<method>`` (a check) run ``write`` in another thread once it has passed,
    and give that write time to finish before ``p`` goes on to its own write: the
    interleaving "both check, then both write". If ``p`` checks inside its transaction,
    the other write waits for ``p`` to commit, then sees ``p``'s coding."""
    original = getattr(p, method)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = write()
        except Exception as err:
            outcome["error"] = err

    def check_then_let_the_other_write(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if "thread" not in outcome:
            outcome["thread"] = threading.Thread(target=run)
            outcome["thread"].start()
            outcome["thread"].join(timeout=0.5)  # it ends at once unless we hold the file
            outcome["finished_in_between"] = not outcome["thread"].is_alive()
        return result

    setattr(p, method, check_then_let_the_other_write)
    return outcome


@pytest.mark.parametrize(
    "method", ["_check_span", "_check_refs", "_check_words", "_check_not_coded"]
)
def test_two_writers_cannot_both_store_the_same_coding(sample, method):
    p = sample.project
    other = Project.open(p.path)
    try:
        args = (sample.speech.id, sample.norm_shaper.id, sample.ann.id, 60, 80)
        outcome = let_the_other_write_after(p, method, lambda: other.add_coding(*args))
        p.add_coding(*args)
        outcome["thread"].join()
        assert outcome["finished_in_between"] is False  # it waited for our transaction
        assert isinstance(outcome.get("error"), Conflict) and str(outcome["error"]) == TWIN
        assert (
            len([c for c in p.codings() if (c.code_id, c.coder_id, c.start, c.end) == args[1:]])
            == 1
        )
    finally:
        other.close()


def test_a_resize_and_another_writers_coding_cannot_meet_on_one_passage(sample):
    p = sample.project
    other = Project.open(p.path)
    try:
        mine = p.add_coding(sample.speech.id, sample.norm_shaper.id, sample.ann.id, 60, 70)
        outcome = let_the_other_write_after(
            p,
            "_check_words",
            lambda: other.add_coding(
                sample.speech.id, sample.norm_shaper.id, sample.ann.id, 60, 80
            ),
        )
        p.update_coding(mine.id, end=80)
        outcome["thread"].join()
        assert str(outcome["error"]) == TWIN
        assert p.coding(mine.id).end == 80
    finally:
        other.close()


def test_the_file_itself_refuses_a_copy(sample):
    c = sample.project.codings()[0]
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        sample.project.conn.execute(
            'INSERT INTO codings (id, document_id, code_id, coder_id, start, "end", created) '
            "VALUES ('copy', ?, ?, ?, ?, ?, 'now')",
            (c.document_id, c.code_id, c.coder_id, c.start, c.end),
        )


def test_a_redo_that_would_store_a_copy_is_a_clear_conflict(sample):
    p = sample.project
    p.actor = "Ann"  # each window redoes its own steps: another's action keeps Ann's redo
    other = Project.open(p.path)
    other.actor = "Ben"
    try:
        args = (sample.speech.id, sample.norm_shaper.id, sample.ann.id, 60, 80)
        p.add_coding(*args)
        p.undo()
        again = other.add_coding(*args)  # coded anew by another window meanwhile
        before = snapshot(p)
        redo = p.redo_entry()
        assert redo is not None and redo.label == "Apply code"
        with pytest.raises(Conflict) as err:
            p.redo()
        assert str(err.value) == TWIN
        assert snapshot(p) == before
        assert p.coding(again.id)
        assert p.redo_entry() == redo, "a refused redo changes nothing, the history included"
        # A re-assignment replayed onto a copy is refused the same way.
        moved = p.add_coding(sample.speech.id, sample.rivalry.id, sample.ann.id, 60, 80)
        p.update_coding(moved.id, code_id=sample.norms.id)
        p.undo()
        assert p.coding(moved.id).code_id == sample.rivalry.id
        other.add_coding(sample.speech.id, sample.norms.id, sample.ann.id, 60, 80)
        before = snapshot(p)
        with pytest.raises(
            Conflict, match=r"^Ann has already coded exactly this passage with Norms\.$"
        ):
            p.redo()
        assert snapshot(p) == before
    finally:
        other.close()


# -- bulk adds ---------------------------------------------------------------------------------
def coding(sample, start: int, end: int, memo: str = "", **kw: Any) -> Coding:
    values = {
        "document_id": sample.speech.id,
        "code_id": sample.norms.id,
        "coder_id": sample.ann.id,
        **kw,
    }
    return Coding(start=start, end=end, memo=memo, **values)


def test_bulk_add_skips_copies_of_stored_and_earlier_codings_and_keeps_their_memos(sample):
    p = sample.project
    stored = p.add_coding(sample.speech.id, sample.norms.id, sample.ann.id, 0, 10, memo="stored")
    before = snapshot(p)
    batch = [
        coding(sample, 0, 10),  # a copy of the stored one
        coding(sample, 0, 10, memo="from the file"),  # another, saying more
        coding(sample, 20, 30, memo="new"),
        coding(sample, 20, 30, memo="new"),  # an exact copy of the row before
        coding(sample, 20, 30, memo="more"),
        coding(sample, 20, 30, coder_id=sample.ben.id),  # another coder may code it
        coding(sample, 0, 10, memo="stored"),  # says nothing new
    ]
    result = p.add_codings(batch)
    assert (result.added, result.duplicates, result.memos_joined) == (2, 5, 2)
    assert p.coding(stored.id).memo == "stored\n\nfrom the file"
    assert p.coding(stored.id).updated
    ann_20 = [c for c in p.codings(coder_ids=[sample.ann.id]) if c.start == 20]
    assert [(c.id, c.memo) for c in ann_20] == [(batch[2].id, "new\n\nmore")]
    # One action: undo gives back exactly what was there, redo the import.
    after = snapshot(p)
    p.undo()
    assert snapshot(p) == before
    p.redo()
    assert snapshot(p) == after


def test_bulk_add_of_nothing_new_writes_nothing(sample):
    p = sample.project
    seen: list[object] = []
    p.subscribe(seen.append)
    copies = [Coding(**{**c.model_dump(), "id": f"copy-{i}"}) for i, c in enumerate(p.codings())]
    result = p.add_codings(copies)
    assert (result.added, result.duplicates, result.memos_joined) == (0, 4, 0)
    assert seen == []


def test_bulk_add_refuses_ids_already_taken_and_writes_nothing(sample):
    p = sample.project
    before = snapshot(p)
    taken = p.codings()[0].id
    with pytest.raises(Conflict, match=f"^A coding with id {taken} already exists.$"):
        p.add_codings([coding(sample, 40, 50), coding(sample, 50, 60, id=taken)])
    with pytest.raises(Conflict, match="hold the id twice-id twice"):
        p.add_codings(
            [coding(sample, 40, 50, id="twice-id"), coding(sample, 50, 60, id="twice-id")]
        )
    assert snapshot(p) == before


def test_bulk_add_records_every_row_for_undo_and_redo(sample):
    p = sample.project
    batch = [coding(sample, s, s + 5) for s in (50, 10, 30)]
    p.add_codings(batch)
    changes = p.last_changes
    assert [(rc.kind, rc.table) for rc in changes.rows] == [("insert", "codings")] * 3
    assert {rc.key for rc in changes.rows} == {(c.id,) for c in batch}
    assert all(rc.after == p.coding(rc.key[0]).model_dump() for rc in changes.rows)


def test_bulk_add_leaves_the_page_cache_as_it_was(sample):
    p = sample.project
    before = p.conn.execute("PRAGMA cache_size").fetchone()[0]
    p.add_codings([coding(sample, 40, 50)])
    assert p.conn.execute("PRAGMA cache_size").fetchone()[0] == before


# -- indexes -------------------------------------------------------------------------------
def plan(p: Project, sql: str, *args: object) -> str:
    return " | ".join(r[3] for r in p.conn.execute("EXPLAIN QUERY PLAN " + sql, args))


def test_the_document_view_still_reads_spans_from_one_covering_index(sample):
    p = sample.project
    p.conn.execute("ANALYZE")  # as PRAGMA optimize may leave it
    sql = 'SELECT id, code_id, coder_id, start, "end" FROM codings WHERE document_id = ?'
    assert (
        plan(p, sql, "x")
        == "SEARCH codings USING COVERING INDEX codings_document_spans (document_id=?)"
    )


def test_lookups_by_code_use_the_unique_index(sample):
    p = sample.project
    assert "USING INDEX codings_one_per_passage (code_id=?)" in plan(
        p, 'SELECT id, document_id, coder_id, start, "end" FROM codings WHERE code_id = ?', "x"
    )
    assert "COVERING INDEX codings_one_per_passage" in plan(
        p, "SELECT code_id, count(*), count(DISTINCT document_id) FROM codings GROUP BY code_id"
    )


# -- memos ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kept", "other", "joined"),
    [
        ("", "", ""),
        ("a", "", "a"),
        ("", "b", "b"),
        ("a", "b", "a\n\nb"),
        ("a", "a", "a"),
        ("a\n\nb", "b", "a\n\nb"),
        ("a\n\nb", "a", "a\n\nb"),
        ("ab", "b", "ab\n\nb"),  # a part, not any substring
        ("x\n\ny\n\nz", "y", "x\n\ny\n\nz"),
    ],
)
def test_join_memos(kept, other, joined):
    assert join_memos(kept, other) == joined


def test_merging_codes_folds_copies_without_repeating_a_memo(sample):
    p = sample.project
    a = p.add_coding(sample.speech.id, sample.norms.id, sample.ann.id, 0, 10, memo="same")
    b = p.add_coding(sample.speech.id, sample.rivalry.id, sample.ann.id, 0, 10, memo="same")
    p.merge_codes(sample.norms.id, sample.rivalry.id)
    [kept] = [c for c in p.codings() if (c.start, c.end, c.coder_id) == (0, 10, sample.ann.id)]
    assert (kept.id, kept.memo) == (b.id, "same")
    assert a.id not in {c.id for c in p.codings()}
