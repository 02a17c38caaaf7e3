"""Placing the margin's brackets without Qt: the caret's position is a callback."""

from __future__ import annotations

from annotator.core.brackets import Bracket, CoderLanes, place_brackets
from annotator.core.models import Code, Coder
from annotator.core.shown_codings import Row, ShownCodings, coder_marks, document_disagreements

LINE = 10  # code points per line, and pixels per line, of the pretend layout


def caret(cp: int) -> tuple[int, int]:
    """Top and bottom of the caret at ``cp``: line ``cp // LINE``, ``LINE`` pixels high."""
    top = (cp // LINE) * LINE
    return top, top + LINE - 1


def shown(*spans: tuple[str, str, str, int, int]) -> ShownCodings:
    s = ShownCodings()
    s.set_codebook(
        [Code(id="x", name="X", color="#3CB44B"), Code(id="y", name="Y", color="#4363D8")],
        [Coder(id="ann", name="ann"), Coder(id="ben", name="Ben")],
    )
    s.load(spans)
    return s


def by_id(brackets: list[Bracket]) -> dict[str, Bracket]:
    return {b.coding_id: b for b in brackets}


def test_a_bracket_runs_from_the_first_to_the_last_line_of_its_coding() -> None:
    out = by_id(place_brackets(shown(("a", "x", "ann", 12, 35)), 0, 100, caret, 100, None, 4))
    a = out["a"]
    assert (a.top, a.bottom) == (10, 39)  # lines 1 to 3 (the caret before the last character)
    assert not a.open_top and not a.open_bottom and not a.selected
    assert (a.color, a.initial, a.style) == ("#3CB44B", "A", 0)


def test_codings_reaching_out_of_view_have_open_ends() -> None:
    out = by_id(place_brackets(shown(("long", "y", "ben", 0, 200)), 50, 80, caret, 30, "long", 4))
    b = out["long"]
    assert (b.top, b.open_top, b.bottom, b.open_bottom) == (-8, True, 38, True)
    assert b.selected and b.initial == "B" and b.style == 1


def test_overlapping_codings_keep_their_lanes() -> None:
    s = shown(("outer", "x", "ann", 0, 60), ("inner", "y", "ben", 20, 30))
    out = by_id(place_brackets(s, 0, 100, caret, 100, None, 4))
    assert out["outer"].lane != out["inner"].lane
    assert {out[k].lane for k in out} == {s.index.lanes["outer"], s.index.lanes["inner"]}


def test_codings_side_by_side_on_one_line_are_moved_apart() -> None:
    # Not overlapping (one lane in the index), but both on line 0: drawn over each other.
    s = shown(("left", "x", "ann", 0, 4), ("right", "y", "ann", 5, 9))
    assert s.index.lanes["left"] == s.index.lanes["right"]
    out = by_id(place_brackets(s, 0, 100, caret, 100, None, 4))
    assert out["left"].lane != out["right"].lane
    far = shown(
        ("top", "x", "ann", 0, 4), ("below", "y", "ann", 30, 34)
    )  # different lines: one lane
    lanes = by_id(place_brackets(far, 0, 100, caret, 100, None, 4))
    assert lanes["top"].lane == lanes["below"].lane


def test_only_codings_in_view_and_lanes_capped() -> None:
    spans = [(f"c{i}", "x", "ann", i, 50) for i in range(6)]  # six nested: six lanes
    out = place_brackets(shown(*spans, ("away", "x", "ann", 500, 510)), 0, 100, caret, 100, None, 3)
    assert "away" not in {b.coding_id for b in out}
    assert len(out) == 6 and max(b.lane for b in out) == 2


# -- compare mode: a band of lanes per coder -------------------------------------------------
def test_each_compared_coder_gets_a_band_with_a_spare_lane_and_brackets_stay_in_it() -> None:
    s = shown(
        ("a1", "x", "ann", 0, 40),
        ("a2", "y", "ann", 5, 30),  # ann overlaps herself: two lanes, plus a spare
        ("b1", "x", "ben", 0, 20),
    )
    lanes = CoderLanes(["ann", "ben"])
    lanes.load(s.rows)
    assert lanes.widths == {"ann": 3, "ben": 2}
    # The first coder farthest from the text: ben's band is lanes 0-1, ann's 2-4.
    assert lanes.bands() == [("ann", 2, 3), ("ben", 0, 2)]
    out = by_id(place_brackets(s, 0, 100, caret, 100, None, lanes.lanes, lanes))
    assert out["b1"].lane in (0, 1)
    assert {out["a1"].lane, out["a2"].lane} <= {2, 3, 4}
    assert out["a1"].lane != out["a2"].lane


def test_a_band_widens_once_with_a_spare_only_when_overlaps_outgrow_it() -> None:
    s = shown(("a1", "x", "ann", 0, 40), ("b1", "x", "ben", 0, 20))
    lanes = CoderLanes(["ann", "ben"])
    lanes.load(s.rows)
    assert lanes.widths == {"ann": 2, "ben": 2}
    lanes.update("a2", Row("y", "ann", 5, 30))  # a second overlap: the spare lane takes it
    assert not lanes.fit() and lanes.widths["ann"] == 2
    lanes.update("a3", Row("y", "ann", 6, 10))  # a third: widen to three and a spare
    assert lanes.fit() and lanes.widths["ann"] == 4
    lanes.update("a3", None)
    assert not lanes.fit() and lanes.widths["ann"] == 4  # never narrows while shown


def test_a_coding_keeps_its_lane_in_its_band_while_others_come_and_go() -> None:
    s = shown(("a1", "x", "ann", 0, 40), ("a2", "y", "ann", 5, 30))
    lanes = CoderLanes(["ann", "ben"])
    lanes.load(s.rows)
    before = lanes.place("a2")
    lanes.update("a1", None)
    lanes.update("a2", Row("y", "ann", 5, 30))  # the same span: unchanged
    assert lanes.place("a2") == before


def test_coders_sharing_a_first_letter_are_marked_by_the_word_that_differs() -> None:
    marks = coder_marks(
        [("a", "Example coder A (Amira)"), ("b", "Example coder B (Ben)"), ("c", "Chen")]
    )
    assert marks == {"a": "A", "b": "B", "c": "C"}
    # No word tells them apart: numbers, so no two coders carry the same mark.
    assert coder_marks([("x", "Ann"), ("y", "ann")]) == {"x": "1", "y": "2"}
    assert coder_marks([("x", "Ann"), ("y", "Ben")]) == {"x": "A", "y": "B"}


def test_a_documents_disagreements_come_in_start_then_codebook_order() -> None:
    spans = [
        ("y", "ann", 0, 10),
        ("x", "ann", 0, 10),
        ("x", "ben", 0, 10),  # agreed on x at 0..10
        ("x", "ben", 20, 30),
        ("y", "ben", 20, 25),
        ("y", "chen", 40, 50),  # a third coder is not compared
    ]
    found = document_disagreements("d", spans, "ann", "ben", {"y": 0, "x": 1})
    assert [(d.code_id, d.start, d.end) for d in found] == [
        ("y", 0, 10),
        ("y", 20, 25),
        ("x", 20, 30),
    ]
    assert found[0].stretches() == ((0, 10, "ann"),)
