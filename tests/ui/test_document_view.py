"""The document view driven like a researcher drives it: mouse, keys, menus, undo.

Each test checks what the view shows (highlights, selection, tooltip) and what
the store holds afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from name_dialogs import TypeNames
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QKeyEvent, QPalette, QTextFormat
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QToolTip
from window_env import answering

from annotator.core.colors import contrast_ratio, relative_luminance
from annotator.core.errors import InvalidInput
from annotator.core.models import Coding
from annotator.store import Project
from annotator.ui.document import document_view as dv_module
from annotator.ui.document.document_view import DocumentView
from annotator.ui.document.highlights import FIND_COLOR, FIND_CURRENT_COLOR, caret_rect
from annotator.ui.widgets import messages
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.code_picker import PickResult
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.name_dialog import NameDialog
from annotator.ui.widgets.state import SPAN_MIME, WorkbenchState, read_span_mime

LEFT = Qt.MouseButton.LeftButton
NOMOD = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@dataclass
class Env:
    view: DocumentView
    project: Project
    state: WorkbenchState
    stack: UndoHistory
    actions: CodingActions


def make_env(
    qtbot, project: Project, coder_id: str, document_id: str | None, size=(800, 600)
) -> Env:
    events = ProjectEvents(project)
    stack = UndoHistory(project)
    state = WorkbenchState()
    state.set_active_coder(coder_id)
    actions = CodingActions(project, stack, state)
    view = DocumentView(project, events, state, actions)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    if document_id is not None:
        state.set_current_document(document_id)
    return Env(view, project, state, stack, actions)


@pytest.fixture
def env(qtbot, sample):
    return make_env(qtbot, sample.project, sample.ann.id, sample.speech.id)


def point(view: DocumentView, cp: int) -> QPoint:
    """Viewport point on the caret position before code point ``cp``."""
    rect = caret_rect(view.text_edit, view.offsets, cp)
    return QPoint(rect.x(), rect.center().y())


def inside(view: DocumentView, cp: int) -> QPoint:
    """Viewport point in the middle of the character at ``cp`` (same line)."""
    a, b = point(view, cp), point(view, cp + 1)
    return QPoint((a.x() + b.x()) // 2, a.y())


def mouse_select(view: DocumentView, start: int, end: int) -> None:
    vp = view.text_edit.viewport()
    QTest.mousePress(vp, LEFT, NOMOD, point(view, start))
    QTest.mouseMove(vp, point(view, end))
    QTest.mouseRelease(vp, LEFT, NOMOD, point(view, end))


def click(view: DocumentView, pos: QPoint) -> None:
    QTest.mouseClick(view.text_edit.viewport(), LEFT, NOMOD, pos)


def highlighted(view: DocumentView, coding_id: str) -> str:
    """The text the view highlights for a coding (its pieces' cursors, joined)."""
    return "".join(
        p.selection.cursor.selectedText() for p in view.pieces if coding_id in p.keys
    ).replace("\u2029", "\n")


def test_the_view_is_a_read_only_selectable_text_with_a_margin(env, sample):
    edit = env.view.text_edit
    assert edit.objectName() == "documentView"
    assert edit.isReadOnly()
    assert edit.toPlainText() == sample.project.document_text(sample.speech.id)
    assert env.view.margin.isVisible() and env.view.margin.width() > 0
    assert edit.viewportMargins().left() == env.view.margin.width()


def test_mouse_selection_is_reported_in_code_points_after_emoji(qtbot, sample):
    env = make_env(qtbot, sample.project, sample.ann.id, sample.emoji.id)
    text = sample.project.document_text(sample.emoji.id)
    spans = []
    env.view.selectionSpanChanged.connect(spans.append)
    start = text.index("heats")
    mouse_select(env.view, start, start + len("heats up"))
    assert env.view.selection_span() == (start, start + len("heats up"))
    assert spans[-1] == (start, start + len("heats up"))
    # Qt's own view of the selection agrees with the store's text.
    assert env.view.text_edit.textCursor().selectedText() == "heats up"


def test_snap_to_words_widens_a_sloppy_mouse_selection(env, sample):
    text = sample.project.document_text(sample.speech.id)
    start = text.index("ctively participate")
    mouse_select(env.view, start, start + len("ctively partic"))
    assert text[slice(*env.view.selection_span())] == "ctively partic"
    assert env.view.text_edit.textCursor().selectedText() == "ctively partic"
    env.view.snap_to_words = True
    assert text[slice(*env.view.selection_span())] == "actively participate"
    # The selection on screen follows: it is what a code would be applied to.
    assert env.view.text_edit.textCursor().selectedText() == "actively participate"


def test_a_snapped_mouse_selection_shows_as_snapped_on_release(env, sample):
    view, text = env.view, sample.project.document_text(sample.speech.id)
    view.snap_to_words = True
    start = text.index("ctively participate")
    mouse_select(view, start, start + len("ctively partic"))
    assert view.text_edit.textCursor().selectedText() == "actively participate"
    assert text[slice(*view.selection_span())] == "actively participate"
    env.actions.recent_codes = [sample.norms.id]
    next(
        a for a in view.context_menu(inside(view, start)).actions() if a.text() == "Code with Norms"
    ).trigger()
    coding = sample.project.coding(env.state.current_coding_id)
    assert text[coding.start : coding.end] == "actively participate"
    # Dragged backwards: the same words, and the selection keeps its direction.
    mouse_select(view, text.index("developing") + 4, text.index("capacity") + 2)
    cursor = view.text_edit.textCursor()
    assert cursor.selectedText() == "capacity in developing"
    assert cursor.position() < cursor.anchor()


def test_a_snapped_selection_at_the_bottom_edge_does_not_scroll(qtbot, project):
    coder, _code, doc, text = long_project(project, lines=400)
    env = make_env(qtbot, project, coder.id, doc.id, size=(700, 400))
    view, edit = env.view, env.view.text_edit
    view.snap_to_words = True
    bar, vp = edit.verticalScrollBar(), edit.viewport()
    bar.setValue(50)
    # The last line is cut by the viewport's edge: end the drag inside a word there.
    last = view.offsets.to_codepoint(edit.cursorForPosition(QPoint(0, vp.height() - 2)).position())
    end = text.index("global", last) + 3
    start = text.rindex("governance", 0, last) + 2
    assert caret_rect(edit, view.offsets, end).bottom() > vp.height()
    at = QPoint(point(view, end).x(), vp.height() - 2)
    QTest.mousePress(vp, LEFT, NOMOD, point(view, start))
    QTest.mouseMove(vp, at)
    value = bar.value()
    QTest.mouseRelease(vp, LEFT, NOMOD, at)
    assert edit.textCursor().selectedText().endswith("global")
    assert bar.value() == value


def test_a_snapped_keyboard_selection_shows_as_snapped_when_shift_is_released(env, sample):
    view, text, edit = env.view, sample.project.document_text(sample.speech.id), env.view.text_edit
    view.snap_to_words = True
    cursor = edit.textCursor()
    cursor.setPosition(text.index("global") + 2)
    edit.setTextCursor(cursor)
    edit.setFocus()
    shift = Qt.KeyboardModifier.ShiftModifier
    # Shift held down while Right is pressed three times (QTest would press and release
    # Shift around every key).
    for _ in range(3):
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, Qt.Key.Key_Right, shift))
    assert edit.textCursor().selectedText() == "oba"  # extending a character at a time...
    QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Shift, NOMOD))
    assert edit.textCursor().selectedText() == "global"  # ...and whole words once done
    assert view.selection_span() == (text.index("global"), text.index("global") + 6)


def test_codings_are_highlighted_with_their_exact_text(env, sample):
    text = sample.project.document_text(sample.speech.id)
    for coding in sample.project.codings(document_id=sample.speech.id):
        assert highlighted(env.view, coding.id) == text[coding.start : coding.end]


def long_project(project: Project, lines: int = 2500):
    """A long document with a coding on every line, by one coder."""
    coder = project.add_coder("Dee")
    code = project.add_code("Theme", color="#4363D8")
    text = "".join(f"Line {i} says something about global governance.\n" for i in range(lines))
    doc = project.add_document("Long", text)
    starts = [i for i in range(len(text)) if i == 0 or text[i - 1] == "\n"]
    project.add_codings(
        [
            Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=s, end=s + 20)
            for s in starts
        ],
        label="Import",
    )
    return coder, code, doc, text


def test_applying_a_code_updates_only_the_visible_range_without_reloading(
    qtbot, project, monkeypatch
):
    coder, code, doc, text = long_project(project)
    env = make_env(qtbot, project, coder.id, doc.id)
    view = env.view
    lo, hi = view.built_range
    assert hi < len(text) // 10  # only the first screen was built
    assert len(view.pieces) < 100  # ...out of 2500 codings

    # A change must not re-read the document or all its codings.
    def no_reload(*_a, **_k):
        raise AssertionError("the view re-read the document on a change")

    revision = view.text_edit.document().revision()
    monkeypatch.setattr(view, "show_document", no_reload)
    monkeypatch.setattr(project, "coding_spans", no_reload)
    # The first coding beside another on a line widens the margin by a lane (the text
    # reflows once and is highlighted again); after that, one change is one build.
    first = text.index("governance")
    env.actions.apply(code.id, doc.id, first, first + len("governance"))
    builds = view.builds
    start = text.index("governance", first + 1)
    coding = env.actions.apply(code.id, doc.id, start, start + len("governance"))
    # One build for the new coding, and small patches as the selection moves to it
    # from the previous one: never a rebuild of the whole screen per coding on it.
    assert view.builds - builds <= 3
    assert highlighted(view, coding.id) == "governance"
    lo, hi = view.built_range
    assert hi < len(text) // 10
    assert all(p.start < hi and p.end > lo for p in view.pieces)
    assert view.text_edit.document().revision() == revision


def test_delete_key_removes_the_selected_coding_and_undo_brings_it_back(env, sample):
    view, project = env.view, sample.project
    text = project.document_text(sample.speech.id)
    coding = next(c for c in project.codings(document_id=sample.speech.id) if c.start == 0)
    click(view, inside(view, text.index("actively")))
    assert env.state.current_coding_id == coding.id
    QTest.keyClick(view.text_edit, Qt.Key.Key_Delete)
    assert coding.id not in {c.id for c in project.codings()}
    assert highlighted(view, coding.id) == ""
    assert env.state.current_coding_id is None
    env.stack.undo()
    assert project.coding(coding.id).start == 0
    assert highlighted(view, coding.id) == text[coding.start : coding.end]


def test_clicking_a_highlight_selects_the_shortest_coding_and_plain_text_clears(env, sample):
    view, project = env.view, sample.project
    text = project.document_text(sample.speech.id)
    codings = project.codings(document_id=sample.speech.id)
    # "technological" is covered by Ann's longer and Ben's shorter rivalry coding.
    ben = next(c for c in codings if c.coder_id == sample.ben.id)
    click(view, inside(view, text.index("technological") + 3))
    assert env.state.current_coding_id == ben.id
    # The selected coding is emphasised (underlined).
    assert any(p.selection.format.fontUnderline() for p in view.pieces if ben.id in p.keys)
    click(view, inside(view, text.index("We must")))
    assert env.state.current_coding_id is None
    assert not any(p.selection.format.fontUnderline() for p in view.pieces)


def test_hovering_a_highlight_lists_codes_and_coders(env, sample):
    text = sample.project.document_text(sample.speech.id)
    tip = env.view.tooltip_at(inside(env.view, text.index("technological") + 2))
    assert "Geopolitical rivalry — Ann" in tip and "Geopolitical rivalry — Ben" in tip
    assert "Norms/Norm-shaper — Ann" in env.view.tooltip_at(inside(env.view, 3))
    assert env.view.tooltip_at(inside(env.view, text.index("We must"))) == ""


def test_keyboard_resizing_moves_boundaries_by_words(env, sample):
    view, project = env.view, sample.project
    text = project.document_text(sample.speech.id)
    coding = next(c for c in project.codings(document_id=sample.speech.id) if c.start == 0)
    env.state.set_current_coding(coding.id)
    view.text_edit.setFocus()
    alt_shift = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier
    alt_ctrl = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier
    QTest.keyClick(view.text_edit, Qt.Key.Key_Left, alt_shift)  # end back to "AI" (drops ".")
    assert project.coding(coding.id).end == text.index(" of AI") + 6
    QTest.keyClick(view.text_edit, Qt.Key.Key_Left, alt_shift)  # end back to "of"
    assert project.coding(coding.id).end == text.index(" of AI") + 3
    QTest.keyClick(view.text_edit, Qt.Key.Key_Right, alt_ctrl)  # start forward to "will"
    assert project.coding(coding.id).start == text.index("will")
    assert highlighted(view, coding.id) == text[text.index("will") : text.index(" of AI") + 3]
    QTest.keyClick(view.text_edit, Qt.Key.Key_Left, alt_ctrl)  # start back to "China"
    QTest.keyClick(view.text_edit, Qt.Key.Key_Right, alt_shift)  # end forward to "AI" again
    assert (project.coding(coding.id).start, project.coding(coding.id).end) == (0, 58)
    for _ in range(5):  # each key press was one undo step
        env.stack.undo()
    assert (project.coding(coding.id).start, project.coding(coding.id).end) == (0, 59)


def test_dragging_the_end_edge_of_the_selected_coding_resizes_it(env, sample):
    view, project = env.view, sample.project
    text = project.document_text(sample.speech.id)
    coding = next(c for c in project.codings(document_id=sample.speech.id) if c.start == 0)
    env.state.set_current_coding(coding.id)
    vp = view.text_edit.viewport()
    new_end = text.index(" governance")
    QTest.mousePress(vp, LEFT, CTRL, point(view, coding.end))  # Ctrl: the edge is a grip
    QTest.mouseMove(vp, point(view, new_end))
    QTest.mouseRelease(vp, LEFT, CTRL, point(view, new_end))
    assert (project.coding(coding.id).start, project.coding(coding.id).end) == (0, new_end)
    assert highlighted(view, coding.id) == text[:new_end]
    env.stack.undo()
    assert project.coding(coding.id).end == coding.end


def test_a_plain_drag_from_the_first_word_of_a_new_coding_selects_text_for_a_second_code(
    env, sample
):
    """Issue 8, item 2: the coding just made is selected, and its edge is under the press;
    a press-and-drag without Ctrl still selects text, and the second code is applied."""
    view, project = env.view, sample.project
    text = project.document_text(sample.speech.id)
    start, end = text.index("developing countries"), text.index("developing countries") + 20
    first = env.actions.code(sample.speech.id, start, end, code_id=sample.rivalry.id)
    assert env.state.current_coding_id == first.coding.id  # the new coding is selected
    vp = view.text_edit.viewport()
    QTest.mousePress(vp, LEFT, NOMOD, point(view, start))
    QTest.mouseMove(vp, point(view, start + 5))
    QTest.mouseMove(vp, point(view, start + 10))
    QTest.mouseRelease(vp, LEFT, NOMOD, point(view, start + 10))
    assert (project.coding(first.coding.id).start, project.coding(first.coding.id).end) == (
        start,
        end,
    )  # not resized
    assert view.selection_span() == (start, start + 10)
    assert "Resize" not in env.stack.undoText()
    second = env.actions.code(sample.speech.id, start, start + 10, code_id=sample.norms.id)
    assert (second.coding.start, second.coding.end) == (start, start + 10)


def test_dragging_the_start_edge_snaps_to_a_word_when_snapping_is_on(env, sample, monkeypatch):
    view, project = env.view, sample.project
    text = project.document_text(sample.speech.id)
    coding = next(
        c for c in project.codings(document_id=sample.speech.id) if c.coder_id == sample.ben.id
    )
    asked: list[str] = []  # Ben's coding, Ann coding: she is asked first, and says yes
    monkeypatch.setattr(
        messages, "confirm", lambda _parent, question, title="": asked.append(question) or True
    )
    env.state.set_current_coding(coding.id)
    view.snap_to_words = True
    vp = view.text_edit.viewport()
    target = text.index("US and") + 1  # inside "US"
    QTest.mousePress(vp, LEFT, CTRL, point(view, coding.start))
    QTest.mouseMove(vp, point(view, target))
    QTest.mouseRelease(vp, LEFT, CTRL, point(view, target))
    assert project.coding(coding.id).start == text.index("US and")
    assert asked == [
        "This Geopolitical rivalry coding is Ben's. Change the passage it covers anyway?"
    ]


def test_dragging_a_selection_out_carries_the_span(env, sample, monkeypatch):
    view = env.view
    text = sample.project.document_text(sample.speech.id)
    start = text.index("capacity")
    mouse_select(view, start, start + len("capacity"))
    dragged = []
    monkeypatch.setattr(view, "_exec_drag", dragged.append)
    vp = view.text_edit.viewport()
    QTest.mousePress(vp, LEFT, NOMOD, inside(view, start + 2))
    QTest.mouseMove(vp, inside(view, start + 6) + QPoint(0, 30))
    QTest.mouseRelease(vp, LEFT, NOMOD, inside(view, start + 6) + QPoint(0, 30))
    assert len(dragged) == 1 and dragged[0].hasFormat(SPAN_MIME)
    assert read_span_mime(dragged[0]) == (sample.speech.id, start, start + len("capacity"))


def test_hidden_coders_are_not_drawn(env, sample):
    view = env.view
    ben_ids = {c.id for c in sample.project.codings(coder_ids=[sample.ben.id])}
    assert any(set(p.keys) & ben_ids for p in view.pieces)
    env.state.set_visible_coders(frozenset({sample.ann.id}))
    assert not any(set(p.keys) & ben_ids for p in view.pieces)
    assert not any(b.coding_id in ben_ids for b in view.brackets())
    env.state.set_visible_coders(None)
    assert any(set(p.keys) & ben_ids for p in view.pieces)


def test_find_matches_are_drawn_on_top_of_codings(env, sample):
    view = env.view
    text = sample.project.document_text(sample.speech.id)
    a, b = text.index("global"), text.index("capacity")
    view.set_find_matches([(a, a + 6), (b, b + 8)], 1)
    selections = view.text_edit.extraSelections()
    finds = selections[len(view.pieces) :]  # after the coding pieces: painted over them
    assert [s.cursor.selectedText() for s in finds] == ["global", "capacity"]
    assert finds[0].format.background().color() == QColor(FIND_COLOR)
    assert finds[1].format.background().color() == QColor(FIND_CURRENT_COLOR)
    view.set_find_matches([], None)
    assert len(view.text_edit.extraSelections()) == len(view.pieces)
    with pytest.raises(InvalidInput):
        view.set_find_matches([(0, len(text) + 5)], None)


def test_reveal_opens_the_document_selects_and_scrolls_to_the_span(qtbot, project):
    coder, _code, doc, text = long_project(project, lines=1500)
    env = make_env(qtbot, project, coder.id, None, size=(700, 400))
    start = text.index("Line 1200 ")
    env.state.reveal(doc.id, start, start + 9)
    assert env.view.document_id == doc.id
    assert env.view.selection_span() == (start, start + 9)
    lo, hi = env.view.built_range
    assert lo <= start < hi  # scrolled there, and highlights built for it
    # Centred: the span's line sits near the middle of the viewport.
    y = caret_rect(env.view.text_edit, env.view.offsets, start).center().y()
    height = env.view.text_edit.viewport().height()
    assert height * 0.3 < y < height * 0.7


def test_context_menu_codes_the_selection(env, sample, monkeypatch):
    view, project = env.view, sample.project
    text = project.document_text(sample.speech.id)
    start = text.index("developing countries")
    mouse_select(view, start, start + len("developing countries"))
    env.actions.recent_codes = [sample.norms.id]
    menu = view.context_menu(inside(view, start + 2))
    labels = [a.text() for a in menu.actions()]
    assert (
        "Code with Norms" in labels and "Code with new code…" in labels and "Code in vivo" in labels
    )
    next(a for a in menu.actions() if a.text() == "Code with Norms").trigger()
    coding = project.coding(env.state.current_coding_id)
    assert (coding.code_id, coding.start, coding.end) == (sample.norms.id, start, start + 20)
    assert highlighted(view, coding.id) == "developing countries"

    typed = TypeNames("Norms", "Capacity building")  # a taken name first: said, not lost
    with answering(NameDialog, typed):
        next(
            a
            for a in view.context_menu(inside(view, start)).actions()
            if a.text() == "Code with new code…"
        ).trigger()
    new = project.find_code("Capacity building")
    assert [field for _m, field in typed.refusals] == ["Norms"]
    assert project.coding(env.state.current_coding_id).code_id == new.id

    next(
        a for a in view.context_menu(inside(view, start)).actions() if a.text() == "Code in vivo"
    ).trigger()
    assert (
        project.code(project.coding(env.state.current_coding_id).code_id).name
        == "developing countries"
    )


def test_context_menu_on_a_coding_removes_reassigns_and_edits_its_memo(env, sample, monkeypatch):
    view, project = env.view, sample.project
    text = project.document_text(sample.speech.id)
    coding = next(c for c in project.codings(document_id=sample.speech.id) if c.start == 0)
    at = inside(view, text.index("participate"))

    monkeypatch.setattr(dv_module, "choose_code", lambda *a, **k: sample.rivalry.id)
    next(a for a in view.context_menu(at).actions() if a.text() == "Re-assign to…").trigger()
    assert project.coding(coding.id).code_id == sample.rivalry.id
    assert "Geopolitical rivalry — Ann" in view.tooltip_at(at)

    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("Key claim.", True))
    next(a for a in view.context_menu(at).actions() if a.text() == "Edit memo…").trigger()
    assert project.coding(coding.id).memo == "Key claim."

    remove = next(
        a for a in view.context_menu(at).actions() if a.text().startswith("Remove coding")
    )
    remove.trigger()
    assert coding.id not in {c.id for c in project.codings()}
    assert highlighted(view, coding.id) == ""


def test_coding_without_an_active_coder_shows_one_clear_error(env, sample, monkeypatch):
    shown = []
    monkeypatch.setattr(messages, "show_error", lambda parent, err, *a: shown.append(str(err)))
    env.state.set_active_coder(None)
    text = sample.project.document_text(sample.speech.id)
    start = text.index("capacity")
    mouse_select(env.view, start, start + 8)
    env.actions.recent_codes = [sample.norms.id]
    before = len(sample.project.codings())
    next(
        a
        for a in env.view.context_menu(inside(env.view, start)).actions()
        if a.text() == "Code with Norms"
    ).trigger()
    assert shown == ["Choose who is coding first (the coder box in the toolbar)."]
    assert len(sample.project.codings()) == before


def test_renaming_and_recolouring_update_the_view_without_reloading(env, sample, monkeypatch):
    view, project = env.view, sample.project
    monkeypatch.setattr(project, "document_text", lambda *_: pytest.fail("document re-read"))
    coding = next(c for c in project.codings(document_id=sample.speech.id) if c.start == 0)
    project.update_code(sample.norm_shaper.id, color="#000075", name="Shaper")
    project.rename_coder(sample.ann.id, "Annette")
    piece = next(p for p in view.pieces if p.keys == (coding.id,))
    assert (
        piece.selection.format.background().color().blue()
        > piece.selection.format.background().color().red()
    )
    assert "Norms/Shaper — Annette" in view.tooltip_at(inside(view, 3))


def test_deleting_the_shown_document_empties_the_view(env, sample):
    sample.project.delete_document(sample.speech.id)
    assert env.view.document_id is None
    assert env.view.text_edit.toPlainText() == ""
    assert env.view.pieces == []


def test_dark_palette_gets_dark_highlights_with_readable_text(env, sample):
    view = env.view
    pal = view.palette()
    pal.setColor(QPalette.ColorRole.Base, QColor("#1E1E1E"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#E0E0E0"))
    view.setPalette(pal)
    env.state.set_current_coding(sample.project.codings(document_id=sample.speech.id)[0].id)
    assert view.pieces
    for p in view.pieces:
        fmt = p.selection.format
        background = fmt.background().color().name()
        assert relative_luminance(background) < 0.3
        # The text keeps the theme's colour unless a foreground was needed for contrast.
        text = (
            fmt.foreground().color().name()
            if fmt.hasProperty(QTextFormat.Property.ForegroundBrush)
            else "#E0E0E0"
        )
        assert contrast_ratio(background, text) >= 4.5


def test_light_palette_text_stays_legible_on_every_blend(env, sample):
    view = env.view
    env.state.set_current_coding(sample.project.codings(document_id=sample.speech.id)[1].id)
    text_color = view.text_edit.palette().color(QPalette.ColorRole.Text).name()
    assert view.pieces
    for p in view.pieces:
        fmt = p.selection.format
        text = (
            fmt.foreground().color().name()
            if fmt.hasProperty(QTextFormat.Property.ForegroundBrush)
            else text_color
        )
        assert contrast_ratio(fmt.background().color().name(), text) >= 4.5


def test_code_with_picker_applies_the_chosen_or_a_new_code(env, sample, monkeypatch):
    view, project = env.view, sample.project
    text = project.document_text(sample.speech.id)
    start = text.index("capacity")
    mouse_select(view, start, start + len("capacity"))
    monkeypatch.setattr(dv_module, "pick_code", lambda *a, **k: PickResult(sample.rivalry.id, None))
    next(
        a for a in view.context_menu(inside(view, start)).actions() if a.text() == "Code with…"
    ).trigger()
    coding = project.coding(env.state.current_coding_id)
    assert (coding.code_id, coding.start, coding.end) == (sample.rivalry.id, start, start + 8)
    monkeypatch.setattr(dv_module, "pick_code", lambda *a, **k: PickResult(None, "Capacity"))
    next(
        a for a in view.context_menu(inside(view, start)).actions() if a.text() == "Code with…"
    ).trigger()
    assert project.code(project.coding(env.state.current_coding_id).code_id).name == "Capacity"
    assert env.stack.count() == 2  # creating the code and coding with it is one undo step


def test_tooltips_appear_on_hover_over_text_and_brackets(env, sample):
    view = env.view
    text = sample.project.document_text(sample.speech.id)
    vp = view.text_edit.viewport()
    pos = inside(view, text.index("technological") + 2)
    QApplication.sendEvent(vp, QHelpEvent(QEvent.Type.ToolTip, pos, vp.mapToGlobal(pos)))
    assert "Geopolitical rivalry — Ben" in QToolTip.text()
    bracket = next(b for b in view.brackets() if b.initial == "B")
    at = QPoint(view.margin.lane_x(bracket.lane), (bracket.top + bracket.bottom) // 2)
    QApplication.sendEvent(
        view.margin, QHelpEvent(QEvent.Type.ToolTip, at, view.margin.mapToGlobal(at))
    )
    assert QToolTip.text() == "Geopolitical rivalry — Ben"
    QToolTip.hideText()


def test_a_passage_revealed_before_the_window_settles_stays_centred(qtbot, project):
    _coder, _code, doc, text = long_project(project, lines=1500)
    events, stack, state = ProjectEvents(project), UndoHistory(project), WorkbenchState()
    view = DocumentView(project, events, state, CodingActions(project, stack, state))
    qtbot.addWidget(view)
    view.resize(300, 120)  # as when a window is built, before its geometry is restored
    start = text.index("Line 900 ")
    state.reveal(doc.id, start, start + 8)
    view.show()
    qtbot.waitExposed(view)
    view.resize(700, 600)
    y = caret_rect(view.text_edit, view.offsets, start).center().y()
    height = view.text_edit.viewport().height()
    assert height * 0.3 < y < height * 0.7
    # Once the researcher scrolls, resizing no longer pulls the view back.
    bar = view.text_edit.verticalScrollBar()
    bar.triggerAction(bar.SliderAction.SliderPageStepAdd)
    value = bar.value()
    view.resize(700, 500)
    assert abs(bar.value() - value) <= 1


def test_wheel_scrolling_reuses_built_pieces_and_stays_exact(qtbot, project):
    """Scrolling a few lines builds only the uncovered lines, and every highlight
    still shows exactly its coding's text, with no piece drawn twice."""
    coder, code, doc, text = long_project(project)
    env = make_env(qtbot, project, coder.id, doc.id)
    view = env.view
    for coding in project.codings(document_id=doc.id)[:400:3]:  # overlaps on screen
        project.add_coding(doc.id, code.id, coder.id, coding.start, min(len(text), coding.end + 30))
    bar = view.text_edit.verticalScrollBar()
    for _ in range(15):
        built_before = {id(p.selection) for p in view.pieces}
        bar.setValue(bar.value() + 3 * bar.singleStep())
        reused = sum(1 for p in view.pieces if id(p.selection) in built_before)
        assert reused > len(view.pieces) // 2  # most of the screen was kept
        lo, hi = view.built_range
        starts = [p.start for p in view.pieces]
        assert starts == sorted(starts)
        assert all(a.end <= b.start for a, b in zip(view.pieces, view.pieces[1:], strict=False))
        for coding_id in {k for p in view.pieces for k in p.keys}:
            c = project.coding(coding_id)
            assert highlighted(view, coding_id) == text[max(c.start, lo) : min(c.end, hi)]


def test_double_click_selects_a_word_and_triple_click_its_paragraph_ready_to_code(env, sample):
    """Issue 8, item 7 (in a real X window too: test_real_x_window.py). With snapping to
    words on, the paragraph keeps its final full stop."""
    view, project = env.view, sample.project
    view.snap_to_words = True
    text = project.document_text(sample.speech.id)
    vp = view.text_edit.viewport()
    at = inside(view, text.index("developing") + 3)
    QTest.mouseDClick(vp, LEFT, NOMOD, at)
    assert view.selection_span() == (text.index("developing"), text.index("developing") + 10)
    QTest.mousePress(vp, LEFT, NOMOD, at)  # the third click, at once
    QTest.mouseRelease(vp, LEFT, NOMOD, at)
    start, end = view.selection_span() or (0, 0)
    assert text[start:end] == paragraph_of(text, text.index("developing"))
    coded = env.actions.code(sample.speech.id, start, end, code_id=sample.norms.id)
    assert (coded.coding.start, coded.coding.end) == (start, end)


def test_a_click_long_after_a_double_click_is_a_plain_click(env, sample, qtbot):
    view, project = env.view, sample.project
    text = project.document_text(sample.speech.id)
    vp = view.text_edit.viewport()
    at = inside(view, text.index("developing") + 3)
    QTest.mouseDClick(vp, LEFT, NOMOD, at)
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    QTest.mousePress(vp, LEFT, NOMOD, at)
    QTest.mouseRelease(vp, LEFT, NOMOD, at)
    assert view.selection_span() is None  # a click inside the word: the caret, no paragraph


def paragraph_of(text: str, pos: int) -> str:
    """The paragraph by hand: the stretch between blank lines (the sample has them) or
    line breaks around ``pos``."""
    breaks = "\n\n" if "\n\n" in text else "\n"
    start = text.rfind(breaks, 0, pos)
    start = 0 if start < 0 else start + len(breaks)
    end = text.find(breaks, pos)
    return text[start : len(text) if end < 0 else end].strip()
