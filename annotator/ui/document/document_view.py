"""The document view: read a text, see its codings, code it.

``DocumentView`` shows the current document in a read-only, selectable text
area with a margin of coding brackets (``coding_margin``). Codings are drawn as
highlights in their code's colour (``highlights``), only for the coders the
text shows (``state.visible_coders("text")``).

Speed is designed in: the document's codings live in a ``SpanIndex``
(``core.shown_codings.ShownCodings``); on open, scroll, resize or change, only
the codings that touch the visible range become ExtraSelections and brackets
(placed by ``core.brackets``). A store change
updates the index for just the rows it names, then re-highlights the visible
range: the text is never reloaded. After a change made outside this window
(``ProjectEvents.reloaded``) the codebook and the document's codings are re-read
whole; the text is not (texts never change), so the scroll position and the
selection stay where they were.

Qt counts positions in UTF-16 units and the store in code points. Every
conversion goes through the document's ``OffsetMap``, here and in
``highlights`` (the view boundary), nowhere else.

With "snap to words" on, a mouse (or Shift+arrow) selection is widened to whole
words when the button (or Shift) is let go, on screen as well: what is
highlighted as selected is exactly what a code will be applied to.

Keyboard navigation: ``select_coding_at_cursor`` selects the coding under the
caret (again: the next one there), ``select_next_coding``/``select_previous_coding``
step through the shown codings in reading order, wrapping at the ends; they ask
the ``SpanIndex`` about the caret's neighbourhood, never scan all codings.

Each document keeps its reading position (the line at the top and the caret)
for the session: switching away and back returns to the same passage unless a
reveal asks for a span. ``reading_position``/``restore_reading_position`` let
the window keep it across sessions. Positions are code points, so a different
window width (lines wrapping elsewhere) still shows the same passage.

Interaction: click a highlight to select its coding (the shortest under the
mouse), click plain text to clear; Delete/Backspace removes the selected coding;
Alt+Shift+Left/Right moves its end by a word, Alt+Ctrl+Left/Right its start;
dragging the selected coding's first or last edge resizes it; dragging a text
selection carries a span the code tree accepts; the context menu codes,
removes, re-assigns and edits memos. The mouse and keys are handled by
``document_text.DocumentText`` and the menu is built by
``document_menu.build_context_menu``; both act through this view.

The margin reserves a spare lane beyond the document's deepest overlap when the
document is shown, and widens (again with a spare) only if coding goes deeper:
coding an overlap does not make the text reflow under the reader.

Compare mode (``set_compare(coder_a, coder_b)``, ``compare_mode.CompareMode``)
shows two coders side by side: a band of margin lanes each, the stretches where
they differ marked in the text and the margin, F9 / Shift+F9
(``next_disagreement``/``previous_disagreement``) stepping through them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QPalette
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from annotator.app.session import TEXT
from annotator.core.brackets import Bracket, place_brackets
from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError, InvalidInput, NotFound
from annotator.core.shown_codings import ShownCodings
from annotator.core.textpos import OffsetMap
from annotator.core.wordsnap import snap_to_words
from annotator.store import Project
from annotator.ui.document.coding_margin import CodingMargin
from annotator.ui.document.compare_mode import CompareMode, mark_color
from annotator.ui.document.document_menu import build_context_menu
from annotator.ui.document.document_text import EDGE_GRAB, RESIZE_HELP, DocumentText
from annotator.ui.document.highlights import (
    HighlightBuilder,
    Piece,
    caret_rect,
    char_at,
    cursor_at,
    span_cursor,
    visible_range,
)
from annotator.ui.widgets import messages
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.code_picker import choose_code, pick_code
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.state import WorkbenchState, span_mime

# EDGE_GRAB and RESIZE_HELP live with the text area that uses them; importable here as before.
__all__ = ["EDGE_GRAB", "RESIZE_HELP", "DocumentView"]


class DocumentView(QWidget):
    """The current document with its codings, coded by mouse, keyboard and menu."""

    #: The selection changed: ``(start, end)`` in code points (snapped if on), or None.
    selectionSpanChanged = Signal(object)
    #: Compare mode stepped to a disagreement: its index in ``compare.found``.
    disagreementChanged = Signal(int)
    #: Compare mode was entered (True) or left (False).
    compareChanged = Signal(bool)
    #: A short message for the status bar (compare mode's wrap-arounds and refusals).
    notice = Signal(str)

    def __init__(
        self,
        project: Project,
        events: ProjectEvents,
        state: WorkbenchState,
        actions: CodingActions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project, self.events, self.state = project, events, state
        self.coding_actions = actions  # not ``self.actions``: QWidget.actions() is taken
        self.shown = ShownCodings()
        self.shown.visible = state.visible_coders(TEXT)
        self._builder = HighlightBuilder()
        self._doc_id: str | None = None
        self._text = ""
        self._offsets = OffsetMap("")
        self._pieces: list[Piece] = []
        self._find: list[tuple[int, int, int]] = []
        self._find_current: int | None = None
        self._built: tuple[int, int] | None = None
        self._bracket_cache: tuple[tuple[Any, ...], list[Bracket]] | None = None
        self._carets: dict[int, tuple[int, int]] = {}
        self._caret_key: tuple[Any, ...] | None = None
        self._find_sels: list[QTextEdit.ExtraSelection] = []
        self._emphasised: str | None = state.current_coding_id
        self._version = 0  # bumped whenever what is drawn may differ
        self._snap = False
        #: A selection made whole by a gesture (a triple-click's paragraph, with its final
        #: full stop): snapping to words, which trims punctuation, leaves it as it is.
        self.exact_selection: tuple[int, int] | None = None
        #: Per document shown this session: (code point at the top, selection anchor, caret).
        self._reading: dict[str, tuple[int, int, int]] = {}
        self._last_span: tuple[int, int] | None = None
        #: How many times highlights were built (tests and the bench read it).
        self.builds = 0

        self.compare = CompareMode(self)
        self._edit = DocumentText(self, self)
        self._edit.setPlaceholderText("Open a document from the list to read and code it.")
        self.margin = CodingMargin(self.brackets, self.shown.describe, self._edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._edit)

        self.shown.set_codebook(project.codes(), project.coders())
        self._edit.verticalScrollBar().valueChanged.connect(self._on_scroll)
        self._edit.verticalScrollBar().actionTriggered.connect(self._on_user_scroll)
        self._edit.horizontalScrollBar().valueChanged.connect(self._on_scroll)
        self._edit.updateRequest.connect(self._on_update_request)
        self._edit.selectionChanged.connect(self._on_selection_changed)
        self.margin.codingClicked.connect(self.state.set_current_coding)
        events.changed.connect(self._on_changed)
        events.reloaded.connect(self.reload)
        state.currentDocumentChanged.connect(self._on_current_document)
        state.revealRequested.connect(self._on_reveal)
        state.viewCodersChanged.connect(self._on_visible_coders)
        state.currentCodingChanged.connect(self._on_current_coding)
        self._place_margin()
        if state.current_document_id is not None:
            self.show_document(state.current_document_id)

    # -- public API --------------------------------------------------------------------
    @property
    def text_edit(self) -> QPlainTextEdit:
        return self._edit

    @property
    def offsets(self) -> OffsetMap:
        """Code points <-> UTF-16 positions of the shown document."""
        return self._offsets

    @property
    def document_id(self) -> str | None:
        return self._doc_id

    @property
    def snap_to_words(self) -> bool:
        return self._snap

    @snap_to_words.setter
    def snap_to_words(self, on: bool) -> None:
        self._snap = bool(on)
        self._edit.snap_selection()
        self._on_selection_changed()

    @property
    def pieces(self) -> list[Piece]:
        """The highlight pieces currently on the text (the visible range only)."""
        return list(self._pieces)

    @property
    def built_range(self) -> tuple[int, int] | None:
        """The code-point range the current highlights were built for."""
        return self._built

    def show_document(self, document_id: str | None) -> None:
        """Show a document (None: nothing). Reads its text and codings, once."""
        if document_id is not None:
            text = self.project.document_text(document_id)
            spans = self.project.coding_spans(document_id)
        else:
            text, spans = "", []
        self._remember()
        # Qt fires scroll and resize signals while the text changes: until the OffsetMap
        # matches Qt's text again, nothing is shown (visible_range is empty).
        self._doc_id = None
        self._edit.release_hold()
        self._built = self._find_current = None
        self._edit.forget_edge_edit()
        self._find, self._find_sels, self._pieces = [], [], []
        self._edit.setExtraSelections([])
        self.shown.load(spans)
        # Size the margin before the text is laid out, so it is laid out once; one lane
        # to spare, so that coding one more overlap does not reflow the text.
        self.margin.set_lanes(
            self.compare.loaded() if self.compare.active else self.shown.lanes_in_use() + 1
        )
        self._place_margin()
        self._edit.setPlainText(text)
        self._text, self._offsets = text, OffsetMap(text)
        saved = self._reading.get(document_id) if document_id is not None else None
        if saved is not None:
            # Back where the researcher left it; done before the document counts as shown,
            # so the scroll does not build highlights for the top of the text first.
            self._restore(*saved)
        self._doc_id = document_id
        self._changed()
        if saved is not None:  # the margin may have widened and the text reflowed
            self._edit.hold_top(self._edit.top_position())
        self._on_selection_changed()
        self.state.set_current_document(document_id)

    def selection_span(self) -> tuple[int, int] | None:
        """The selected text as code points ``(start, end)``, or None if nothing is selected."""
        cursor = self._edit.textCursor()
        if self._doc_id is None or not cursor.hasSelection():
            return None
        start = self._offsets.to_codepoint(cursor.selectionStart())
        end = self._offsets.to_codepoint(cursor.selectionEnd(), round_up=True)
        # Selections made whole by a gesture stay exactly so: a triple-click's paragraph,
        # and a disagreement stepped to (F9), which settling codes as it is.
        exact = (self.exact_selection, self.compare.selected_region())
        if self._snap and (start, end) not in exact:
            start, end = snap_to_words(self._text, start, end)
        return (start, end) if end > start else None

    def select_span(self, start: int, end: int) -> None:
        """Select code points ``[start, end)`` and scroll so that the start is centred."""
        if self._doc_id is None or not 0 <= start <= end <= len(self._text):
            raise InvalidInput(
                f"Offsets {start}..{end} are outside this document (0..{len(self._text)})."
            )
        self._edit.setTextCursor(span_cursor(self._edit.document(), self._offsets, end, start))
        self._edit.hold_centred()
        self._refresh()

    # -- compare mode -------------------------------------------------------------------------
    def set_compare(
        self,
        coder_a: str | None,
        coder_b: str | None = None,
        code_ids: Sequence[str] | None = None,
    ) -> None:
        """Compare two coders in the text (their codings only, a band of margin lanes each,
        their differences in ``code_ids``, or every code, marked); ``set_compare(None)``
        restores the normal view. A bad choice (an unknown coder or code, the same coder
        twice) raises an ``AnnotatorError`` and changes nothing."""
        if coder_a is None or coder_b is None:
            if not self.compare.active:
                return
            self.compare.leave()
            self.shown.visible = self.state.visible_coders(TEXT)
        else:
            self.compare.enter(coder_a, coder_b, code_ids)
            self.shown.visible = frozenset((coder_a, coder_b))
        self.shown.reindex()
        compare = self.compare.active
        self.margin.mark_color = QColor(mark_color(self._edit.palette()))
        self.margin.set_compare(
            self.compare.bands() if compare else None, self.compare.marked_lines
        )
        # Between layouts: the margin is sized afresh for what is now shown.
        self.margin.set_lanes(self.compare.loaded() if compare else self.shown.lanes_in_use() + 1)
        self._place_margin()
        self._changed()
        self.compareChanged.emit(compare)

    def next_disagreement(self) -> int | None:
        """Compare mode: select the next stretch where the coders differ (across documents,
        wrapping at the end with a notice). Its index, or None (with a notice) if none."""
        return self.compare.step(forward=True)

    def previous_disagreement(self) -> int | None:
        """Compare mode: select the previous disagreement (see ``next_disagreement``)."""
        return self.compare.step(forward=False)

    def raw_selection(self) -> tuple[int, int]:
        """The selection as code points (start, end), as it is on screen (not snapped)."""
        cursor = self._edit.textCursor()
        to_cp = self._offsets.to_codepoint
        return to_cp(cursor.selectionStart()), to_cp(cursor.selectionEnd(), round_up=True)

    def caret_span(self, cp: int) -> tuple[int, int]:
        """Top and bottom (viewport y) of the caret at code point ``cp``."""
        return self._caret(cp)

    def focus_text(self) -> None:
        """Give the keyboard to the text (the caret keys, Delete and the resize keys)."""
        self._edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- keyboard navigation of codings ------------------------------------------------
    def select_coding_at_cursor(self) -> str | None:
        """Select the shortest shown coding containing the caret (the selection's start);
        called again, the next one covering that spot, round. Returns its id, or None
        (nothing changes) if no coding is there."""
        if self._doc_id is None:
            return None
        caret = self._caret_cp()
        cid = self.shown.cycle_at(caret, self.state.current_coding_id)
        if cid is not None:
            self._go_to_coding(cid, caret)
        return cid

    def select_next_coding(self) -> str | None:
        """Select the next shown coding in reading order after the selected coding (or the
        caret), wrapping to the first; the caret moves to its start. None if none is shown."""
        return self._step_coding(forward=True)

    def select_previous_coding(self) -> str | None:
        """Select the shown coding before the selected coding (or the caret), wrapping to
        the last; the caret moves to its start. None if none is shown."""
        return self._step_coding(forward=False)

    def _step_coding(self, forward: bool) -> str | None:
        if self._doc_id is None:
            return None
        cid = self.shown.step(
            self._caret_cp(), self.state.current_coding_id, forward, len(self._text)
        )
        if cid is not None:
            self._go_to_coding(cid, self.shown.rows[cid].start)
        return cid

    def _go_to_coding(self, coding_id: str, caret: int) -> None:
        """Select a coding with the caret at ``caret`` (no text selection, so the coding's
        own colours show), scrolled into view, and the keyboard on the text."""
        self._edit.release_hold()
        lo, hi = self.visible_range()
        self._edit.setTextCursor(cursor_at(self._edit.document(), self._offsets.to_utf16(caret)))
        if not lo <= caret < hi:  # from elsewhere: show it with the lines around it
            self._edit.centerCursor()
        self.state.set_current_coding(coding_id)
        self.focus_text()

    def _caret_cp(self) -> int:
        return self._offsets.to_codepoint(self._edit.textCursor().selectionStart())

    # -- reading position ------------------------------------------------------------------
    def reading_position(self, document_id: str) -> int | None:
        """The code point at the start of the top line in view for ``document_id``: live
        for the shown document, else as it was left this session (None if never shown)."""
        if document_id == self._doc_id:
            return self._edit.top_position()
        saved = self._reading.get(document_id)
        return saved[0] if saved is not None else None

    def restore_reading_position(self, document_id: str, cp: int) -> None:
        """Show the line holding code point ``cp`` at the top (with the caret there) now if
        ``document_id`` is shown, else when it is next shown. Raises InvalidInput if ``cp``
        is outside the document, NotFound if there is no such document."""
        shown = document_id == self._doc_id
        length = len(self._text) if shown else self.project.document_length(document_id)
        if isinstance(cp, bool) or not isinstance(cp, int) or not 0 <= cp <= length:
            raise InvalidInput(f"Reading position {cp!r} is outside the document (0..{length}).")
        if not shown:
            self._reading[document_id] = (cp, cp, cp)
            return
        self._restore(cp, cp, cp)
        self._refresh()

    def _remember(self) -> None:
        """Keep the shown document's reading position for when it is shown again."""
        doc = self._doc_id
        top = self.reading_position(doc) if doc is not None else None
        if doc is None or top is None:
            return
        cursor = self._edit.textCursor()
        to_cp = self._offsets.to_codepoint
        self._reading[doc] = (top, to_cp(cursor.anchor()), to_cp(cursor.position()))

    def _restore(self, top: int, anchor: int, caret: int) -> None:
        """Put the caret (and selection) back, then the line holding ``top`` at the top;
        it stays there while the window settles, until the researcher scrolls."""
        n = self._offsets.length
        top, anchor, caret = (min(max(v, 0), n) for v in (top, anchor, caret))
        # The caret first: setting it scrolls to it, the reading position wins.
        self._edit.setTextCursor(span_cursor(self._edit.document(), self._offsets, anchor, caret))
        self._edit.hold_top(top)

    def set_find_matches(self, spans: list[tuple[int, int]], current: int | None) -> None:
        """Draw find matches (code points) over the codings; ``current`` indexes ``spans``."""
        n = len(self._text)
        bad = next(((s, e) for s, e in spans if not 0 <= s < e <= n), None)
        if bad is not None:
            raise InvalidInput(f"Find match {bad[0]}..{bad[1]} is outside this document (0..{n}).")
        self._find = sorted((s, e, i) for i, (s, e) in enumerate(spans))
        self._find_current = current
        self._refresh(force=True)

    def coding_at(self, pos: QPoint) -> str | None:
        """The shortest shown coding under viewport point ``pos``."""
        cp = self._char_at(pos)
        return None if cp is None else self.shown.shortest_at(cp)

    def tooltip_at(self, pos: QPoint) -> str:
        """Codes and coders of the codings under viewport point ``pos`` ("" if none)."""
        cp = self._char_at(pos)
        keys = [] if cp is None else self.shown.at(cp)
        lines = [self.shown.describe(k) for k in keys]
        if self.state.current_coding_id in keys:
            lines.append(RESIZE_HELP)
        return "\n".join(lines)

    def span_mime(self) -> QMimeData | None:
        """The drag payload for the current selection (None without one)."""
        span = self.selection_span()
        if span is None or self._doc_id is None:
            return None
        return span_mime(self._doc_id, *span)

    # -- store changes -------------------------------------------------------------------
    def _on_changed(self, changes: ChangeSet) -> None:
        codebook = changes.touches("codes") or changes.touches("coders")
        if codebook:
            # Names, paths and colours: the codebook is small; the document is not re-read.
            self.shown.set_codebook(self.project.codes(), self.project.coders())
        doc = self._doc_id
        deleted = {rc.key[0] for rc in changes.of("documents") if rc.after is None}
        if doc in deleted:
            self.show_document(None)
        for gone in deleted:  # after show_document, which remembers the shown one
            self._reading.pop(gone, None)
        if doc in deleted:
            return
        touched: set[str] = set()
        ranges: list[tuple[int, int]] = []
        if doc is not None:
            touched, ranges = self.shown.apply(changes, doc)
            current = self.state.current_coding_id
            if current in touched and current not in self.shown.rows:
                self.state.set_current_coding(None)
        self.compare.follow(changes, touched)
        if codebook or len(ranges) > 64:  # a recolour, or an import: rebuild what is in view
            self._changed()
        elif touched:
            self._version += 1
            self._patch(ranges)

    def reload(self) -> None:
        """Re-read the codebook and the shown document's codings (another program changed
        the file). The text stays (texts never change), so do the scroll position and the
        selection; a deleted document is closed, a deleted selected coding deselected."""
        self.shown.set_codebook(self.project.codes(), self.project.coders())
        doc = self._doc_id
        gone = {d for d in {*self._reading, *([doc] if doc else [])} if not self._exists(d)}
        if doc in gone:
            self.show_document(None)
        for d in gone:  # after show_document, which remembers the shown one
            self._reading.pop(d, None)
        if doc is None or doc in gone:
            return
        # Only the codings that differ are re-indexed: the others keep their margin lanes.
        touched, _ranges = self.shown.sync(self.project.coding_spans(doc))
        current = self.state.current_coding_id
        if current in touched and current not in self.shown.rows:
            self.state.set_current_coding(None)  # removed elsewhere
        self.compare.reload()
        self._changed()  # names and colours may have changed too: redraw what is in view

    def _exists(self, document_id: str) -> bool:
        try:
            self.project.document_length(document_id)
        except NotFound:
            return False
        return True

    def _changed(self) -> None:
        self._version += 1
        self._refresh(force=True)

    def _fit_margin(self, lanes: int) -> bool:
        """Give the margin ``lanes`` lanes (and a spare; compare mode's bands have theirs)
        if it has fewer; True if it got wider (the text reflowed). It does not narrow
        while a document is shown, so the text does not reflow as one scrolls; past its
        widest, more lanes only pack closer."""
        width = self.margin.preferred_width()
        spare = 0 if self.compare.active else 1
        if lanes <= self.margin.lanes or not self.margin.set_lanes(lanes + spare):
            return False
        if self.margin.preferred_width() == width:
            return False
        self._place_margin()
        return True

    # -- drawing the visible range -----------------------------------------------------------
    def visible_range(self) -> tuple[int, int]:
        """Code points ``[lo, hi)`` from the first to the last (partly) visible line."""
        return visible_range(self._edit, self._offsets) if self._doc_id is not None else (0, 0)

    def _refresh(self, force: bool = False) -> None:
        """Rebuild the highlights if the visible range moved (or ``force``)."""
        lo, hi = self.visible_range()
        if not force and self._built == (lo, hi):
            return
        pal = self._edit.palette()
        before = (self._builder.base, self._builder.text)
        self._builder.set_palette(
            pal.color(QPalette.ColorRole.Base).name(), pal.color(QPalette.ColorRole.Text).name()
        )
        force = force or before != (self._builder.base, self._builder.text)
        doc = self._edit.document()
        self._pieces = self._build(lo, hi) if force else self._scrolled(lo, hi)
        self._find_sels = self._builder.find_selections(
            doc, self._offsets, self._find, self._find_current, lo, hi
        )
        self._built = (lo, hi)
        self._show_selections()

    def _scrolled(self, lo: int, hi: int) -> list[Piece]:
        """Pieces for a new visible range, reusing those already built inside it: a
        wheel step builds only the lines it uncovers, not the whole screen again."""
        if self._built is None:
            return self._build(lo, hi)
        kept = [p for p in self._pieces if p.start >= lo and p.end <= hi]
        if not kept:
            return self._build(lo, hi)
        # Old pieces are cut at old boundaries, so building up to the first kept piece
        # and from the last one leaves no seam and no piece twice.
        return self._build(lo, kept[0].start) + kept + self._build(kept[-1].end, hi)

    def _build(self, lo: int, hi: int) -> list[Piece]:
        shown = self.shown
        spans = [(k, *shown.index.span(k)) for k in shown.overlapping(lo, hi)] if hi > lo else []
        colors = {k: shown.color(k) for k, _, _ in spans}
        current = self.state.current_coding_id if self.state.current_coding_id in colors else None
        return self._builder.coding_pieces(
            self._edit.document(), self._offsets, spans, colors, lo, hi, current
        )

    def _patch(self, ranges: list[tuple[int, int]], *, lanes_may_change: bool = True) -> None:
        """Rebuild only the pieces within ``ranges`` (a change, a newly selected coding):
        the cost follows the change, not the number of codings on screen."""
        if self._built is None:
            return
        lo, hi = self._built
        patched = False
        for a, b in ranges:
            a, b = max(a, lo), min(b, hi)
            if a >= b:
                continue
            patched = True
            starts = [p.start for p in self._pieces]
            # Widen to whole pieces so that none is left half-built.
            i = max(bisect_right(starts, a) - 1, 0)
            if i < len(self._pieces) and self._pieces[i].end <= a:
                i += 1
            j = bisect_left(starts, b)
            if i < j:
                a, b = min(a, self._pieces[i].start), max(b, self._pieces[j - 1].end)
            self._pieces[i:j] = self._build(a, b)
        if patched:
            self._show_selections(check_lanes=lanes_may_change)
        elif self._fit_margin(self.shown.lanes_in_use()):  # out of view: only the margin may widen
            self._refresh(force=True)

    def _show_selections(self, *, check_lanes: bool = True) -> None:
        self._edit.setExtraSelections([p.selection for p in self._pieces] + self._find_sels)
        if self.compare.overlay is not None:
            self.compare.overlay.sync()
        self.builds += 1
        if not check_lanes:  # emphasis moved to another coding: no bracket changed lane
            self.margin.update()
            return
        if self.compare.lanes is not None:  # each coder's band, widened if outgrown
            self.compare.lanes.fit()
            needed = self.compare.lanes.lanes
            self.margin.mark_color = QColor(mark_color(self._edit.palette()))
            self.margin.set_compare(self.compare.bands(), self.compare.marked_lines)
        else:
            # Lanes in use in the document, and more if brackets side by side on a line need.
            needed = max([self.shown.lanes_in_use()] + [b.lane + 1 for b in self.brackets()])
        if self._fit_margin(needed):
            self._refresh(force=True)  # the text reflowed; lanes only grow, so this ends
            return
        self.margin.update()

    def _on_update_request(self, rect: Any, dy: int) -> None:
        if self.compare.overlay is not None:  # scrolling moved it with the text: put it back
            self.compare.overlay.sync()
        if dy:
            self.margin.update()
        else:
            self.margin.update(0, rect.y(), self.margin.width(), rect.height())

    def _place_margin(self) -> None:
        width = self.margin.preferred_width()
        self._edit.setViewportMargins(width, 0, 0, 0)
        cr = self._edit.contentsRect()
        self.margin.setGeometry(cr.left(), cr.top(), width, cr.height())

    def _layout_key(self) -> tuple[Any, ...]:
        edit = self._edit
        return (
            edit.verticalScrollBar().value(),
            edit.horizontalScrollBar().value(),
            edit.viewport().size().toTuple(),
            self._doc_id,
            self.margin.lanes,
            self.compare.lanes.lanes if self.compare.lanes is not None else 0,
        )

    def _caret(self, cp: int) -> tuple[int, int]:
        """Top and bottom (viewport y) of the caret at ``cp``; remembered until the layout
        or scroll position changes (``brackets`` clears it), so a change costs only its own."""
        span = self._carets.get(cp)
        if span is None:
            rect = caret_rect(self._edit, self._offsets, cp)
            span = self._carets[cp] = (rect.top(), rect.bottom())
        return span

    def brackets(self) -> list[Bracket]:
        """Brackets for the codings in view (the margin draws these); cached until
        scroll, resize or change."""
        layout = self._layout_key()
        if layout != self._caret_key:
            self._caret_key, self._carets = layout, {}
        key = (
            self._version,
            self._built,
            self.state.current_coding_id,
            layout,
            self.compare.coders,
        )
        if self._bracket_cache is None or self._bracket_cache[0] != key:
            bands = self.compare.lanes
            out = (
                []
                if self._built is None or self._doc_id is None
                else place_brackets(
                    self.shown,
                    *self._built,
                    self._caret,
                    self._edit.viewport().height(),
                    self.state.current_coding_id,
                    CodingMargin.MAX_LANES if bands is None else bands.lanes,
                    bands,
                )
            )
            self._bracket_cache = (key, out)
        return self._bracket_cache[1]

    # -- for the text area and the menu -------------------------------------------------------------
    def context_menu(self, pos: QPoint) -> QMenu:
        """The right-click menu at viewport point ``pos``."""
        # The pickers are looked up here, at call time, so that replacing this module's
        # ``pick_code``/``choose_code`` (as the tests do) replaces the dialogs the menu runs.
        return build_context_menu(self, pos, self, pick_code, choose_code)

    def _char_at(self, pos: QPoint) -> int | None:
        return char_at(self._edit, self._offsets, pos) if self._doc_id is not None else None

    def _current(self) -> str | None:
        """The selected coding, if it is in this document and shown."""
        cid = self.state.current_coding_id
        return cid if cid is not None and cid in self.shown else None

    def _exec_drag(self, data: QMimeData) -> None:
        drag = QDrag(self._edit)
        drag.setMimeData(data)
        drag.exec(Qt.DropAction.CopyAction | Qt.DropAction.LinkAction, Qt.DropAction.CopyAction)

    def _run(self, operation: Callable[[], object]) -> None:
        try:
            operation()
        except AnnotatorError as err:
            messages.show_error(self, err)

    # -- state -----------------------------------------------------------------------------------
    def _on_current_document(self, document_id: object) -> None:
        if document_id != self._doc_id:
            self._run(
                lambda: self.show_document(document_id if isinstance(document_id, str) else None)
            )

    def _on_reveal(self, document_id: str, start: int, end: int) -> None:
        if document_id != self._doc_id:
            self._run(lambda: self.show_document(document_id))
        if document_id == self._doc_id:
            self._run(lambda: self.select_span(start, end))

    def _on_scroll(self, _value: int) -> None:
        self._refresh()

    def _on_user_scroll(self, _action: int) -> None:
        self._edit.release_hold()

    def _on_visible_coders(self, _view: object) -> None:
        visible = self.state.visible_coders(TEXT)
        if visible == self.shown.visible or self.compare.active:
            return  # another view's set, or compare mode's two coders (restored on leaving)
        self.shown.visible = visible
        self.shown.reindex()
        self._changed()

    def _on_current_coding(self, coding_id: object) -> None:
        # Re-draw only the old and the new selected coding.
        ranges = [
            self.shown.rows[c][2:] for c in (self._emphasised, coding_id) if c in self.shown.rows
        ]
        self._emphasised = coding_id if isinstance(coding_id, str) else None
        self._patch(ranges, lanes_may_change=False)

    def _on_selection_changed(self) -> None:
        span = self.selection_span()
        if span != self._last_span:
            self._last_span = span
            self.selectionSpanChanged.emit(span)
