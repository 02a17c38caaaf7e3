"""The shown document's codings without Qt: stepping in reading order, following the store."""

from __future__ import annotations

import random

import pytest

from annotator.core.changes import ChangeSet, RowChange
from annotator.core.shown_codings import BULK, ShownCodings


def test_stepping_visits_every_coding_once_in_reading_order_long_ones_too():
    """Against a plain sort: random codings, some longer than the index's LONG limit,
    some sharing a start, far apart and close together."""
    rng = random.Random(5)
    length = 60_000
    spans = []
    for i in range(400):
        start = rng.choice([rng.randrange(0, 1000), rng.randrange(0, length - 10), 30_000])
        size = rng.choice([rng.randint(1, 60), rng.randint(5000, 20_000)])
        spans.append((f"c{i:03d}", "code", "coder", start, min(length, start + size)))
    shown = ShownCodings()
    shown.load(spans)
    order = [k for _s, _e, k in sorted((s, e, k) for k, _c, _d, s, e in spans)]
    rows = shown.rows
    for i, key in enumerate(order):
        row = rows[key]
        assert shown.step(row.start, key, True, length) == order[(i + 1) % len(order)]
        assert shown.step(row.start, key, False, length) == order[i - 1]
    for caret in [0, length, *(rng.randrange(length) for _ in range(50))]:
        after = [k for k in order if rows[k].start >= caret] or order
        before = [k for k in order if rows[k].start < caret] or order
        assert shown.step(caret, None, True, length) == after[0]
        assert shown.step(caret, None, False, length) == before[-1]


@pytest.mark.parametrize("changes", [40, 3000])  # row by row, and past BULK: one sweep
def test_shown_codings_sync_ends_as_a_fresh_load_and_keeps_the_lanes_of_the_rest(changes):
    rng = random.Random(changes)
    coders = ["ann", "ben", "chen"]

    def coding(i: int) -> tuple[str, str, str, int, int]:
        start = rng.randrange(0, 50_000)
        return (
            f"c{i}",
            rng.choice(["x", "y"]),
            rng.choice(coders),
            start,
            start + rng.randint(1, 400),
        )

    before = [coding(i) for i in range(6000)]
    after = list(before)
    for _ in range(changes // 2):  # moved, re-coded or removed
        i = rng.randrange(len(after))
        after[i] = coding(int(after[i][0][1:])) if rng.random() < 0.7 else after[i]
    removed = {after.pop(rng.randrange(len(after)))[0] for _ in range(changes // 4)}
    after += [coding(10_000 + i) for i in range(changes // 4)]

    shown = ShownCodings()
    shown.visible = frozenset({"ann", "ben"})  # Chen's codings are not in the index
    shown.load(before)
    lanes = dict(shown.index.lanes)
    touched, ranges = shown.sync(after)

    fresh = ShownCodings()
    fresh.visible = shown.visible
    fresh.load(after)
    assert shown.rows == fresh.rows
    assert {k: shown.index.span(k) for k in shown.index.lanes} == {
        k: fresh.index.span(k) for k in fresh.index.lanes
    }
    assert shown.lanes_in_use() == shown.index.max_lane + 1
    old = {t[0]: t[1:] for t in before}
    assert touched == {t[0] for t in after if old.get(t[0]) != t[1:]} | removed
    assert len(ranges) >= len(touched)
    if changes <= BULK:  # row by row: what did not change keeps its lane
        assert all(shown.index.lanes[k] == lanes[k] for k in shown.index.lanes if k not in touched)


def test_following_a_change_set_row_by_row_for_the_shown_document_only() -> None:
    def row(cid: str, doc: str, coder: str, start: int, end: int) -> dict[str, object]:
        return {
            "id": cid,
            "document_id": doc,
            "code_id": "x",
            "coder_id": coder,
            "start": start,
            "end": end,
        }

    shown = ShownCodings()
    shown.visible = frozenset({"ann"})
    shown.load([("a", "x", "ann", 0, 10), ("b", "x", "ben", 5, 15)])
    assert "a" in shown and "b" not in shown  # Ben's is kept but not shown
    changes = ChangeSet(
        "edit",
        [
            RowChange(
                "codings", ("a",), row("a", "d1", "ann", 0, 10), row("a", "d1", "ann", 2, 12)
            ),  # resized
            RowChange("codings", ("c",), None, row("c", "d1", "ann", 20, 30)),  # added
            RowChange("codings", ("z",), None, row("z", "d2", "ann", 0, 5)),  # another document's
        ],
    )
    touched, ranges = shown.apply(changes, "d1")
    assert touched == {"a", "c"} and sorted(ranges) == [(0, 10), (2, 12), (20, 30)]
    assert shown.index.span("a") == (2, 12) and "c" in shown and "z" not in shown.rows
    assert shown.containing(6) == ["a"]  # the shown ones only
    assert shown.cycle_at(12, None) == "a"  # just after its last character counts as on it
    shown.visible = None
    shown.reindex()
    assert shown.containing(6) == ["a", "b"]  # shortest first, ties by id
    assert shown.cycle_at(6, "a") == "b" and shown.cycle_at(6, "b") == "a"
