"""A bulk add of codings checks every row in one pass per kind of check, yet refuses as a
row-by-row check would: the first wrong row, and in it the first wrong thing (document,
offsets, code, coder, id), is the one named; and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.core.errors import AnnotatorError, Conflict, InvalidInput, NotFound


def row(sample: Any, n: int, **change: Any) -> tuple[Any, ...]:
    values = {
        "id": f"bulk-{n}",
        "document_id": sample.speech.id,
        "code_id": sample.norms.id,
        "coder_id": sample.ann.id,
        "start": n,
        "end": n + 3,
        "memo": "",
        "created": "2024-01-01T00:00:00Z",
        "updated": "",
        **change,
    }
    return tuple(values.values())


CASES = [
    # (changes to row 1, changes to row 2), the refusal
    (({}, {"document_id": "nowhere"}), NotFound, "No document with id nowhere"),
    (({"code_id": "nocode"}, {"document_id": "nowhere"}), NotFound, "No code with id nocode"),
    (
        ({"end": 99_999, "code_id": "nocode"}, {}),
        InvalidInput,
        r"Offsets 1\.\.99999 are impossible in 'Speech'",
    ),
    (({"start": "1"}, {}), InvalidInput, r"Offsets 1\.\.4 are impossible"),
    (({"start": 5, "end": 5}, {}), InvalidInput, r"Offsets 5\.\.5"),
    (({"coder_id": "nobody", "code_id": "nocode"}, {}), NotFound, "No code with id nocode"),
    (({"coder_id": "nobody"}, {"code_id": "nocode"}), NotFound, "No coder with id nobody"),
    (({"id": "bulk-0"}, {"document_id": "nowhere"}), Conflict, "hold the id bulk-0 twice"),
    (({"id": "bulk-0", "code_id": "nocode"}, {}), NotFound, "No code with id nocode"),
]


@pytest.mark.parametrize(("changes", "error", "message"), CASES)
def test_the_first_wrong_row_is_named_and_nothing_is_written(sample, changes, error, message):
    p = sample.project
    before = p.coding_rows()
    batch = [row(sample, 0), row(sample, 1, **changes[0]), row(sample, 2, **changes[1])]
    with pytest.raises(error, match=message):
        p.add_coding_rows(batch)
    assert p.coding_rows() == before


def test_an_id_already_stored_is_refused(sample):
    p = sample.project
    taken = p.codings()[0].id
    with pytest.raises(Conflict, match=f"A coding with id {taken} already exists"):
        p.add_coding_rows([row(sample, 0), row(sample, 1, id=taken)])


def test_good_rows_are_all_added_in_one_step(sample):
    p = sample.project
    before = len(p.codings())
    added = p.add_coding_rows([row(sample, n) for n in range(50)])
    assert (added.added, added.duplicates) == (50, 0)
    assert len(p.codings()) == before + 50
    assert [rc.kind for rc in p.last_changes.rows] == ["insert"] * 50
    p.undo()
    assert len(p.codings()) == before
    with pytest.raises(AnnotatorError):
        p.add_coding_rows([row(sample, 0), row(sample, 1, start=-1)])
