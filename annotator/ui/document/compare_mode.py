"""Compare mode of the document view: two coders side by side in the text.

``CompareMode`` belongs to a ``DocumentView``. Entered with two coders
(``DocumentView.set_compare``), it shows only their codings, gives each coder a
band of lanes in the margin (``core.brackets.CoderLanes``, labelled with the
coder's letter), and marks every stretch coded by one of them and not the
other: a thick bar under its lines in the text (``MarkOverlay``, drawn over the
text so it shows whatever the highlights below) and a strip beside the lines in
the margin.
F9 / Shift+F9 (``step``) select the next / previous disagreement, across
documents, wrapping at the ends with a status message, and emit the view's
``disagreementChanged(index)`` (the index into ``disagreements``) so that a
list of disagreements can follow.

The project's disagreements are computed once, when compare mode is entered
(``app.comparison.disagreements``; ``Disagreements`` keeps them by document).
After a change only the documents whose codings changed are recomputed: the
shown one from the codings the view already holds
(``core.shown_codings.document_disagreements``), another from its own codings.
A step never recomputes anything; drawing asks only about the visible range.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QWidget

from annotator.app.comparison import disagreements
from annotator.core.agreement.disagreements import Disagreement
from annotator.core.brackets import CoderLanes
from annotator.core.changes import ChangeSet
from annotator.core.colors import ensure_contrast
from annotator.core.shown_codings import document_disagreements
from annotator.store import Project
from annotator.ui.document.highlights import line_rects
from annotator.ui.widgets.theme import NON_TEXT_CONTRAST

if TYPE_CHECKING:
    from annotator.ui.document.document_view import DocumentView

#: The disagreement mark (a red that reads as "look here"), adjusted to each palette.
MARK_COLOR = "#D62728"


def mark_color(palette: QPalette) -> str:
    """The mark's colour, moved just far enough to be seen on the text and the margin."""
    backgrounds = [
        palette.color(QPalette.ColorRole.Base).name(),
        palette.color(QPalette.ColorRole.Window).name(),
    ]
    return ensure_contrast(MARK_COLOR, backgrounds, NON_TEXT_CONTRAST)


class Disagreements:
    """Two coders' disagreements by document, in the project's order, indexed as one list."""

    def __init__(
        self,
        project: Project,
        coder_a: str,
        coder_b: str,
        code_ids: Sequence[str] | None = None,
    ) -> None:
        self.project, self.coders = project, (coder_a, coder_b)
        self.code_ids = tuple(code_ids) if code_ids is not None else None
        found = disagreements(project, coder_a, coder_b, code_ids)  # checks the choice first
        chosen = set(code_ids) if code_ids is not None else None
        walk = [c.id for c in project.code_tree().walk() if chosen is None or c.id in chosen]
        self.code_order = {code: i for i, code in enumerate(walk)}
        self.docs = [d.id for d in project.documents()]
        self._by_doc: dict[str, list[Disagreement]] = {d: [] for d in self.docs}
        for found_one in found:
            self._by_doc[found_one.document_id].append(found_one)
        self._offsets: list[int] = []
        self._count()

    def _count(self) -> None:
        # _offsets[i]: the global index of document i's first disagreement.
        self._offsets = [0, *accumulate(len(self._by_doc[d]) for d in self.docs)]

    def __len__(self) -> int:
        return self._offsets[-1]

    def at(self, index: int) -> Disagreement:
        i = bisect_right(self._offsets, index) - 1
        return self._by_doc[self.docs[i]][index - self._offsets[i]]

    def in_document(self, document_id: str) -> list[Disagreement]:
        return self._by_doc.get(document_id, [])

    def index_of(self, document_id: str, k: int) -> int:
        return self._offsets[self.docs.index(document_id)] + k

    def replace(self, document_id: str, found: list[Disagreement]) -> None:
        """The document's disagreements after its codings changed."""
        if document_id not in self._by_doc:  # a document added after compare mode began
            self.docs.append(document_id)
        self._by_doc[document_id] = found
        self._count()

    def forget(self, document_id: str) -> None:
        if document_id in self._by_doc:
            del self._by_doc[document_id]
            self.docs.remove(document_id)
            self._count()

    def recompute(self, document_id: str) -> list[Disagreement]:
        """One document's disagreements from its codings (a few hundred rows, not all)."""
        spans = [
            (code, coder, s, e) for _, code, coder, s, e in self.project.coding_spans(document_id)
        ]
        return document_disagreements(document_id, spans, *self.coders, self.code_order)

    def key(self, d: Disagreement) -> tuple[int, int, int]:
        """A region's place in its document's order."""
        return d.start, self.code_order.get(d.code_id, len(self.code_order)), d.end

    def step(
        self,
        document_id: str | None,
        caret: int,
        current: int | None,
        forward: bool,
        ref: Disagreement | None = None,
    ) -> tuple[int | None, bool]:
        """The disagreement after (before) ``current``; else after (before) where ``ref``
        was in the shown document (a region just settled), else after (before) the
        caret. True with it if that wrapped past the end (start); None if there is none."""
        total = len(self)
        if not total:
            return None, False
        if current is not None:
            target = current + (1 if forward else -1)
        elif document_id in self._by_doc:
            mine, i = self._by_doc[document_id], self.docs.index(document_id)
            if ref is not None:
                keys, at = [self.key(d) for d in mine], self.key(ref)
                k = bisect_right(keys, at) if forward else bisect_left(keys, at) - 1
            else:
                starts = [d.start for d in mine]
                k = bisect_left(starts, caret)  # forward: starting at or after the caret
                k = k if forward else k - 1
            target = self._offsets[i] + k
        else:
            target = 0 if forward else total - 1
        if 0 <= target < total:
            return target, False
        return (0 if forward else total - 1), True


class CompareMode:
    """The compare mode of one ``DocumentView``; inactive until ``enter``."""

    def __init__(self, view: DocumentView) -> None:
        self.view = view
        self.found: Disagreements | None = None
        self.lanes: CoderLanes | None = None
        self.current: int | None = None  # the disagreement last stepped to
        self._last: Disagreement | None = None  # ... kept when settling made it go away
        self.overlay: MarkOverlay | None = None
        self._version = 0  # bumped whenever the shown document's stretches may differ
        self._rects: tuple[tuple[object, ...], list[QRect]] | None = None
        self._stretches: list[tuple[int, int, str]] = []  # the shown document's, by start
        self._longest = 0

    @property
    def active(self) -> bool:
        return self.found is not None

    @property
    def coders(self) -> tuple[str, str] | None:
        return self.found.coders if self.found is not None else None

    def enter(self, coder_a: str, coder_b: str, code_ids: Sequence[str] | None = None) -> None:
        """Compare two coders, on ``code_ids`` only if given (raises an ``AnnotatorError``
        for a bad choice, changing nothing)."""
        self.found = Disagreements(self.view.project, coder_a, coder_b, code_ids)
        self.lanes = CoderLanes([coder_a, coder_b])
        self.current = self._last = None
        if self.overlay is None:
            self.overlay = MarkOverlay(self)
        self.overlay.sync()

    def leave(self) -> None:
        self.found = self.lanes = None
        self.current = self._last = None
        self._stretches, self._rects = [], None
        if self.overlay is not None:
            self.overlay.sync()

    def bands(self) -> list[tuple[str, int, int]]:
        """(coder's letter, first lane, width) for the margin's labels."""
        if self.lanes is None:
            return []
        marks = self.view.shown.marks
        return [(marks.get(c, "?"), first, width) for c, first, width in self.lanes.bands()]

    # -- following the shown document ------------------------------------------------------
    def loaded(self) -> int:
        """A document was shown: lay out its lanes; returns the lanes the margin needs."""
        if self.lanes is None:
            return 1
        self.lanes.load(self.view.shown.rows)
        self._document_changed(self._current_region())
        return self.lanes.lanes

    def follow(self, changes: ChangeSet, touched: set[str]) -> None:
        """After a store change: the shown document's lanes and disagreements from its rows,
        other documents' disagreements re-read if their codings changed."""
        found, doc = self.found, self.view.document_id
        if found is None or self.lanes is None:
            return
        before = self._current_region()
        if changes.touches("codes"):  # the codebook's order decides the order of regions
            self.enter(*found.coders, found.code_ids)
            self.lanes.load(self.view.shown.rows)
            self._document_changed(before)
            return
        for gone in (rc.key[0] for rc in changes.of("documents") if rc.after is None):
            found.forget(gone)
        others = {
            d
            for rc in changes.of("codings")
            for d in rc.values("document_id")
            if d != doc and d in found.docs
        }
        for other in others:
            found.replace(other, found.recompute(other))
        rows = self.view.shown.rows
        for cid in touched:
            self.lanes.update(cid, rows.get(cid))
        self._document_changed(before)

    def reload(self) -> None:
        """Another program changed the file: recompute everything."""
        if self.found is not None:
            self.enter(*self.found.coders, self.found.code_ids)
            self.loaded()

    def _current_region(self) -> Disagreement | None:
        found, current = self.found, self.current
        if found is None or current is None or current >= len(found):
            return None
        return found.at(current)

    def _document_changed(self, before: Disagreement | None) -> None:
        """Recompute the shown document's disagreements; keep ``current`` if it survived."""
        found, doc = self.found, self.view.document_id
        if found is None:
            return
        if doc is not None:
            spans = [(r.code_id, r.coder_id, r.start, r.end) for r in self.view.shown.rows.values()]
            found.replace(doc, document_disagreements(doc, spans, *found.coders, found.code_order))
        self.current = None
        if before is not None:
            mine = found.in_document(before.document_id)
            if before in mine:
                self.current = found.index_of(before.document_id, mine.index(before))
        self._version += 1
        self._stretches = sorted(s for d in found.in_document(doc or "") for s in d.stretches())
        self._longest = max((e - s for s, e, _ in self._stretches), default=0)

    # -- drawing ------------------------------------------------------------------------------
    def stretches_in(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """The shown document's disagreement stretches (start, end, coder) touching [lo, hi)."""
        out = []
        for s, e, coder in self._stretches[bisect_left(self._stretches, (lo - self._longest,)) :]:
            if s >= hi:
                break
            if e > lo:
                out.append((s, e, coder))
        return out

    def mark_rects(self) -> list[QRect]:
        """Viewport rectangles of the text's disagreement marks: a bar under each line
        of each stretch in view."""
        view, built = self.view, self.view.built_range
        if not self.active or built is None:
            return []
        edit = view.text_edit
        # Laying out lines costs: the rectangles are kept until what is shown moves.
        key = (
            self._version,
            built,
            edit.verticalScrollBar().value(),
            edit.horizontalScrollBar().value(),
            edit.viewport().size().toTuple(),
        )
        if self._rects is not None and self._rects[0] == key:
            return self._rects[1]
        thick = MarkOverlay.THICK
        rects = [
            QRect(r.left(), r.bottom() - thick + 1, r.width(), thick)
            for s, e, _coder in self.stretches_in(*built)
            for r in line_rects(edit, view.offsets, s, e)
        ]
        self._rects = (key, rects)
        return rects

    def marked_lines(self) -> list[tuple[int, int]]:
        """Viewport y ranges of the lines holding a disagreement, for the margin's strip."""
        view = self.view
        built = view.built_range
        if not self.active or built is None:
            return []
        height = view.text_edit.viewport().height()
        out = []
        for s, e, _coder in self.stretches_in(*built):
            top = view.caret_span(s)[0] if s >= built[0] else 0
            bottom = view.caret_span(e - 1)[1] if e <= built[1] else height
            out.append((max(top, 0), min(bottom, height)))
        return out

    # -- stepping ---------------------------------------------------------------------------
    def selected_region(self) -> tuple[int, int] | None:
        """The span of the disagreement last stepped to, if it is in the shown document."""
        d = self._current_region()
        return (
            (d.start, d.end) if d is not None and d.document_id == self.view.document_id else None
        )

    def step(self, forward: bool) -> int | None:
        """Select the next (previous) disagreement; its index, or None if there is none."""
        view, found = self.view, self.found
        if found is None:
            view.notice.emit("Not comparing coders: View → Compare coders in the text… first.")
            return None
        doc, selected = view.document_id, view.raw_selection()
        current, last = self.current, self._last
        if current is not None:
            d = found.at(current) if current < len(found) else None
            if d is None or d.document_id != doc or selected != (d.start, d.end):
                current = None  # the researcher moved on: go from the caret
        if last is not None and (last.document_id != doc or selected != (last.start, last.end)):
            last = None
        index, wrapped = found.step(doc, selected[0], current, forward, last)
        if index is None:
            view.notice.emit("These two coders do not differ anywhere: nothing to step to.")
            return None
        d = found.at(index)
        if d.document_id != doc:
            view.show_document(d.document_id)
        view.select_span(d.start, d.end)
        self.current, self._last = index, d
        view.focus_text()
        if wrapped:
            where = "first" if forward else "last"
            view.notice.emit(
                f"Went round to the {where} disagreement ({index + 1} of {len(found)})."
            )
        view.disagreementChanged.emit(index)
        return index


class MarkOverlay(QWidget):
    """A see-through layer over the text viewport that draws the disagreement marks.

    A text format cannot draw a thick line, and a background would hide the code
    colours; this layer draws a bar under each line of a stretch, on top of
    everything. Mouse and wheel events pass through to the text. It is the text
    area's child beside the viewport (as the margin is), not the viewport's, which
    would carry it along when scrolling; the view calls ``sync`` to keep it on the
    viewport when that moves or resizes."""

    THICK = 2

    def __init__(self, mode: CompareMode) -> None:
        super().__init__(mode.view.text_edit)
        self.mode = mode
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.hide()

    def sync(self) -> None:
        """Cover the viewport while comparing, else hide."""
        if not self.mode.active:
            self.hide()
            return
        viewport = self.mode.view.text_edit.viewport().geometry()
        if self.geometry() != viewport:
            self.setGeometry(viewport)
        if not self.isVisible():
            self.show()
            self.raise_()
        # No update() here: being see-through, this layer repaints the text under it, so
        # asking for it would paint the whole text twice; it is repainted with the text.

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        color = QColor(mark_color(self.mode.view.text_edit.palette()))
        for rect in self.mode.mark_rects():
            if rect.intersects(event.rect()):
                painter.fillRect(rect, color)
        painter.end()
