"""The margin: one bracket per coding, overlaps side by side, click to select."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from annotator.core.models import Coding
from annotator.store import Project
from annotator.ui.document.coding_margin import CodingMargin
from annotator.ui.document.document_view import DocumentView
from annotator.ui.document.highlights import caret_rect
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

TEXT = "".join(
    f"Paragraph {i} talks about governance and rivalry at some length.\n" for i in range(40)
)


def make(qtbot, project: Project, state: WorkbenchState | None = None) -> DocumentView:
    state = state or WorkbenchState()
    stack = UndoHistory(project)
    view = DocumentView(
        project, ProjectEvents(project), state, CodingActions(project, stack, state)
    )
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def setup(project: Project, spans: list[tuple[int, int, str]]):
    ann, ben = project.add_coder("Ann"), project.add_coder("Ben")
    code = project.add_code("Governance", color="#4363D8")
    doc = project.add_document("Doc", TEXT)
    who = {"ann": ann.id, "ben": ben.id}
    project.add_codings(
        [
            Coding(document_id=doc.id, code_id=code.id, coder_id=who[c], start=s, end=e)
            for s, e, c in spans
        ]
    )
    return doc, code, ann, ben


def line_start(i: int) -> int:
    return TEXT.index(f"Paragraph {i} ")


def test_overlapping_codings_get_their_own_lanes_and_brackets_span_their_lines(qtbot, project):
    outer = (line_start(1), line_start(4) + 5, "ann")
    inner = (line_start(2), line_start(3) + 10, "ben")
    apart = (line_start(6), line_start(6) + 9, "ann")
    doc, _code, _ann, _ben = setup(project, [outer, inner, apart])
    view = make(qtbot, project)
    view.show_document(doc.id)
    by_start = {project.coding(b.coding_id).start: b for b in view.brackets()}
    b_outer, b_inner, b_apart = by_start[outer[0]], by_start[inner[0]], by_start[apart[0]]
    assert b_outer.lane != b_inner.lane
    assert b_apart.lane == 0  # nothing overlaps it: nearest the text
    assert view.margin.lanes == 3  # two in use and one to spare for the next overlap
    # Lanes are narrow: three of them take a slim margin.
    assert abs(view.margin.lane_x(0) - view.margin.lane_x(1)) == CodingMargin.LANE_WIDTH
    assert view.margin.width() <= 3 * CodingMargin.LANE_WIDTH + 10
    edit, offsets = view.text_edit, view.offsets
    assert b_outer.top == caret_rect(edit, offsets, outer[0]).top()
    assert b_outer.bottom == caret_rect(edit, offsets, outer[1] - 1).bottom()
    assert b_outer.top < b_inner.top < b_inner.bottom < b_outer.bottom
    # Coders are told apart: initial and line style.
    assert (b_outer.initial, b_inner.initial) == ("A", "B")
    assert b_outer.style != b_inner.style


def test_codings_side_by_side_on_one_line_are_not_drawn_over_each_other(qtbot, project):
    s = line_start(0)
    doc, *_ = setup(project, [(s, s + 9, "ann"), (s + 14, s + 30, "ben")])
    view = make(qtbot, project)
    view.show_document(doc.id)
    a, b = view.brackets()
    assert a.top == b.top  # the same line...
    assert a.lane != b.lane  # ...so different lanes, though the index let them share one
    assert view.margin.lanes == 2


def test_margin_width_follows_lanes_in_use_up_to_a_cap(qtbot, project):
    nested = [(line_start(0) + i, line_start(20) - i, "ann") for i in range(15)]
    doc, *_ = setup(project, nested)
    view = make(qtbot, project)
    view.show_document(doc.id)
    assert view.margin.lanes == CodingMargin.MAX_LANES
    assert view.margin.width() == view.margin.preferred_width() <= CodingMargin.MAX_WIDTH
    assert view.text_edit.viewportMargins().left() == view.margin.width()
    # The next document starts from its own lanes: a plain one gets a narrow margin again.
    other = project.add_document("Plain", "Nothing coded here.")
    view.show_document(other.id)
    assert view.margin.lanes == 1
    assert view.margin.width() < 2 * CodingMargin.LANE_WIDTH + 10
    assert view.text_edit.viewportMargins().left() == view.margin.width()


def test_lanes_pack_closer_instead_of_widening_past_the_cap():
    widths = []
    for lanes in range(1, CodingMargin.MAX_LANES + 1):
        spacing = CodingMargin.spacing_for(lanes)
        widths.append(2 * CodingMargin.PAD + CodingMargin.TICK + round(lanes * spacing))
        assert spacing >= 6.5  # lines 2-3 px wide stay apart; a tag (7 px) nearly fits
        assert spacing <= CodingMargin.LANE_WIDTH
    assert widths == sorted(widths) and max(widths) <= CodingMargin.MAX_WIDTH
    # The tester's dense document used 11 lanes: 154 px before, at most 90 now.
    assert widths[10] <= 90 and widths[2] == 2 * CodingMargin.PAD + CodingMargin.TICK + 3 * 8


def test_a_dense_margin_keeps_brackets_apart_clickable_and_tagged(qtbot, project):
    nested = [(line_start(0) + i, line_start(20) - i, "ann" if i % 2 else "ben") for i in range(12)]
    doc, *_ = setup(project, nested)
    state = WorkbenchState()
    view = make(qtbot, project, state)
    view.resize(1400, 500)
    view.show_document(doc.id)
    margin = view.margin
    assert margin.lanes == 12 and margin.width() <= CodingMargin.MAX_WIDTH
    brackets = sorted(view.brackets(), key=lambda b: b.lane)
    assert [b.lane for b in brackets] == list(range(12))
    xs = [margin.lane_x(b.lane) for b in brackets]
    assert all(a - b >= 6 for a, b in pairwise(xs))  # lane 0 nearest the text
    # Between two neighbouring lines the margin's background shows: they do not merge.
    y = 200
    image = margin.grab().toImage()
    background = margin.palette().color(margin.backgroundRole())
    for a, b in pairwise(xs):
        assert image.pixelColor((a + b) // 2, y) == background
        assert QColor("#4363D8") in (image.pixelColor(a, y), image.pixelColor(a - 1, y))
    # Each line is clickable: a click on it selects that coding, no other.
    for b in brackets:
        QTest.mouseClick(
            margin,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            QPoint(margin.lane_x(b.lane), y),
        )
        assert state.current_coding_id == b.coding_id
    # Coder tags never overlap; packed this close, neighbours take turns having one, and
    # the selected coding always has its tag.
    tags = margin.tag_rects()
    rects = list(tags.values())
    assert all(
        not r.adjusted(-1, -1, 1, 1).intersects(q)
        for i, r in enumerate(rects)
        for q in rects[i + 1 :]
    )
    assert state.current_coding_id in tags
    assert len(tags) >= 6
    assert all(r.width() == CodingMargin.TAG for r in rects)


def test_clicking_a_bracket_selects_its_coding_and_shows_its_tooltip(qtbot, project):
    outer = (line_start(1), line_start(4) + 5, "ann")
    inner = (line_start(2), line_start(3) + 10, "ben")
    doc, *_ = setup(project, [outer, inner])
    state = WorkbenchState()
    view = make(qtbot, project, state)
    view.show_document(doc.id)
    target = next(b for b in view.brackets() if project.coding(b.coding_id).start == inner[0])
    pos = QPoint(view.margin.lane_x(target.lane), (target.top + target.bottom) // 2)
    assert [b.coding_id for b in view.margin.brackets_at(pos)] == [target.coding_id]
    assert view.margin.tooltip_at(pos) == "Governance — Ben"
    QTest.mouseClick(view.margin, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    assert state.current_coding_id == target.coding_id
    assert next(b for b in view.brackets() if b.coding_id == target.coding_id).selected
    # Clicking empty margin selects nothing new.
    QTest.mouseClick(
        view.margin,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(2, view.margin.height() - 5),
    )
    assert state.current_coding_id == target.coding_id


def test_brackets_are_painted_in_the_code_colour(qtbot, project):
    span = (line_start(2), line_start(5), "ann")
    doc, *_ = setup(project, [span])
    view = make(qtbot, project)
    view.show_document(doc.id)
    (bracket,) = view.brackets()
    image = view.margin.grab().toImage()
    x = view.margin.lane_x(bracket.lane)
    mid = (bracket.top + bracket.bottom) // 2
    assert image.pixelColor(x, mid) == QColor("#4363D8")
    assert image.pixelColor(x, bracket.bottom + 12) != QColor("#4363D8")


def test_only_codings_in_view_get_brackets_and_scrolling_brings_others(qtbot, project):
    spans = [(line_start(i), line_start(i) + 9, "ann") for i in range(40)]
    doc, *_ = setup(project, spans)
    view = make(qtbot, project)
    view.show_document(doc.id)
    first = {project.coding(b.coding_id).start for b in view.brackets()}
    assert line_start(0) in first and line_start(39) not in first
    bar = view.text_edit.verticalScrollBar()
    bar.setValue(bar.maximum())
    last = {project.coding(b.coding_id).start for b in view.brackets()}
    assert line_start(39) in last and line_start(0) not in last
