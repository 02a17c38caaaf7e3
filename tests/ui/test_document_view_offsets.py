"""The text the view highlights is exactly the text the store says was coded.

Qt counts UTF-16 units, the store code points; emoji, combining marks, CJK,
Arabic, CRLF input and very long lines are where a view goes wrong. Here the
highlighted text is read back from Qt's own cursors (what the researcher sees)
and compared with ``text[start:end]`` from the store, and a real mouse or
cursor selection is read back through ``selection_span()``.
"""

from __future__ import annotations

import itertools
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from annotator.core.models import Coding
from annotator.core.text import normalise_newlines
from annotator.store import Project
from annotator.ui.document.document_view import DocumentView
from annotator.ui.document.highlights import caret_rect
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.commands import UndoHistory
from annotator.ui.widgets.state import WorkbenchState

PIECES = [
    "word", "Governance", " ", " ", "\n", "\r\n", "\r", ",", ".", "🤖", "🇺🇸", "👩‍💻", "𝒳",
    "e\u0301", "a\u0308\u0323", "中国", "治理", "العالمية", "كَتَبَ", "Straße", "\t",
]  # fmt: skip
TEXTS = (
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=40)
    .map("".join)
    .filter(lambda t: t.strip())
)
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Bench:
    """A project with one document and its view, built per hypothesis example."""

    def __init__(self, qtbot, raw: str, spans: list[tuple[int, int]], size=(900, 2000)) -> None:
        self._dir = tempfile.TemporaryDirectory()
        self.project = Project.create(Path(self._dir.name) / "p.sqlite")
        ann = self.project.add_coder("Ann")
        ben = self.project.add_coder("Ben")
        code = self.project.add_code("Theme")
        self.doc = self.project.add_document("Doc", raw)
        self.text = self.project.document_text(self.doc.id)
        coders = [ann.id, ben.id]
        self.project.add_codings(
            [
                Coding(
                    document_id=self.doc.id, code_id=code.id, coder_id=coders[i % 2], start=s, end=e
                )
                for i, (s, e) in enumerate(spans)
            ]
        )
        self.codings = self.project.codings(document_id=self.doc.id)
        state = WorkbenchState()
        state.set_active_coder(ann.id)
        stack = UndoHistory(self.project)
        self.view = DocumentView(
            self.project,
            ProjectEvents(self.project),
            state,
            CodingActions(self.project, stack, state),
        )
        qtbot.addWidget(self.view)
        self.view.resize(*size)
        self.view.show()
        qtbot.waitExposed(self.view)
        state.set_current_document(self.doc.id)

    def close(self) -> None:
        self.view.close()
        self.project.close()
        self._dir.cleanup()

    def highlighted(self, coding_id: str) -> tuple[str, tuple[int, int]]:
        """Text Qt highlights for the coding, and the code-point range it covers."""
        pieces = [p for p in self.view.pieces if coding_id in p.keys]
        assert pieces, "coding not drawn"
        # The pieces of one coding tile it without gaps, in Qt positions too.
        for a, b in itertools.pairwise(pieces):
            assert a.end == b.start
            assert a.selection.cursor.selectionEnd() == b.selection.cursor.selectionStart()
        text = "".join(p.selection.cursor.selectedText() for p in pieces).replace("\u2029", "\n")
        return text, (pieces[0].start, pieces[-1].end)


def spans_for(text_len: int, data) -> list[tuple[int, int]]:
    n = data.draw(st.integers(0, 8))
    out = []
    for _ in range(n):
        s = data.draw(st.integers(0, text_len - 1))
        e = data.draw(st.integers(s + 1, min(text_len, s + 60)))
        out.append((s, e))
    return out


@SETTINGS
@given(TEXTS, st.data())
def test_every_coding_highlights_exactly_its_stored_text(qtbot, raw, data):
    text = normalise_newlines(raw)
    bench = Bench(qtbot, raw, spans_for(len(text), data))
    try:
        assert bench.text == text  # CRLF and CR were normalised at import
        assert bench.view.text_edit.toPlainText() == text
        assert bench.view.built_range == (0, len(text))  # the whole (short) text is in view
        for c in bench.codings:
            shown, covered = bench.highlighted(c.id)
            assert covered == (c.start, c.end)
            assert shown == text[c.start : c.end]
    finally:
        bench.close()


@SETTINGS
@given(TEXTS, st.data())
def test_a_mouse_selection_reads_back_as_the_text_qt_selected(qtbot, raw, data):
    bench = Bench(qtbot, raw, [])
    try:
        view, text = bench.view, bench.text
        a = data.draw(st.integers(0, len(text)))
        b = data.draw(st.integers(0, len(text)))
        pa = caret_rect(view.text_edit, view.offsets, a)
        pb = caret_rect(view.text_edit, view.offsets, b)
        vp = view.text_edit.viewport()
        press, release = QPoint(pa.x(), pa.center().y()), QPoint(pb.x(), pb.center().y())
        QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, press)
        QTest.mouseMove(vp, release)
        QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, release)
        qt_text = view.text_edit.textCursor().selectedText().replace("\u2029", "\n")
        span = view.selection_span()
        if span is None:
            assert qt_text == ""
        else:
            assert text[span[0] : span[1]] == qt_text
    finally:
        bench.close()


@SETTINGS
@given(TEXTS, st.data())
def test_a_keyboard_cursor_selection_reads_back_exactly(qtbot, raw, data):
    bench = Bench(qtbot, raw, [])
    try:
        view, text = bench.view, bench.text
        cursor = view.text_edit.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        cursor.movePosition(
            QTextCursor.MoveOperation.NextCharacter,
            QTextCursor.MoveMode.MoveAnchor,
            data.draw(st.integers(0, 20)),
        )
        cursor.movePosition(
            QTextCursor.MoveOperation.NextCharacter,
            QTextCursor.MoveMode.KeepAnchor,
            data.draw(st.integers(1, 40)),
        )
        view.text_edit.setTextCursor(cursor)
        qt_text = cursor.selectedText().replace("\u2029", "\n")
        span = view.selection_span()
        assert (span is None and qt_text == "") or text[span[0] : span[1]] == qt_text
        # And back: select_span selects exactly the stored text.
        if span is not None:
            view.select_span(*span)
            assert (
                view.text_edit.textCursor().selectedText().replace("\u2029", "\n")
                == text[span[0] : span[1]]
            )
    finally:
        bench.close()


def test_a_100000_character_line_highlights_exactly_wherever_it_is_scrolled(qtbot):
    rng = random.Random(7)
    words = ["governance", "AI", "🤖", "中国", "e\u0301tat", "العالمية", "rivalry,", "𝒳"]
    text = " ".join(rng.choice(words) for _ in range(20_000))[:100_000]
    spans = [(s, s + rng.randint(1, 400)) for s in sorted(rng.sample(range(99_000), 12))]
    spans.append((99_990, 100_000))  # the very end
    bench = Bench(qtbot, text, spans, size=(700, 400))
    try:
        view = bench.view
        assert "\n" not in bench.text and len(bench.text) == 100_000
        lo, hi = view.built_range
        assert hi - lo < 5_000  # one long paragraph, but only the visible lines are highlighted
        for c in bench.codings:
            view.select_span(c.start, c.end)  # reveal: scrolls there
            shown, (a, b) = bench.highlighted(c.id)
            lo, hi = view.built_range
            assert (a, b) == (max(c.start, lo), min(c.end, hi))
            assert shown == bench.text[a:b]
            assert view.selection_span() == (c.start, c.end)
            assert view.text_edit.textCursor().selectedText() == bench.text[c.start : c.end]
    finally:
        bench.close()
