"""The text stays readable in any window, and the window stays on the screen.

The text is the point of the window, so it keeps a readable width (``READABLE_CHARS``
average characters, whatever the font or scale) and the side panels give way, in
the order a reader of NVivo or QualCoder would expect:

1. *wide*: the researcher's own layout; the panels shrink, down to
   ``PANEL_CHARS`` characters each, before the text loses a character;
2. *tabbed*: when two columns of panels no longer fit beside the text, the
   right-hand panels become tabs on the left-hand ones (Details beside Documents,
   Retrieved segments beside Codebook): every panel is one click away;
3. *hidden*: when even one column does not fit (a tiny or highly scaled
   window), the docked panels are hidden and the text has the whole width; the
   toolbar's and View menu's "Show panels" brings them back in one click (as tabs,
   until the window is resized).

Growing the window unfolds the same way back, to the layout the researcher had.
That layout, not a folded one, is what the window saves. ``clamp_to_screen``
keeps a restored geometry (too large, or on a screen that is gone) on the screen.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QPlainTextEdit,
    QStyle,
    QToolBar,
    QWidget,
)

#: The text keeps at least this many average characters per line.
READABLE_CHARS = 45
#: A side panel can shrink to this many average characters before it folds away.
PANEL_CHARS = 28
#: The share of the window the one column of tabbed panels may take.
TABBED_SHARE = 0.4
#: The window itself can be made this small (the panels give way before the text).
WINDOW_MINIMUM = QSize(360, 260)

_LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
_RIGHT = Qt.DockWidgetArea.RightDockWidgetArea


class Fold(enum.Enum):
    WIDE = "wide"
    TABBED = "tabbed"
    HIDDEN = "hidden"


class PanelFitter(QObject):
    """Folds ``window``'s docks so that ``text`` keeps ``READABLE_CHARS`` characters.

    It follows the window's size and font (and the text's font); ``fit`` decides.
    ``margin_width`` is the widest the coding margin inside the text area gets.
    """

    foldChanged = Signal(object)  # Fold

    def __init__(
        self,
        window: QMainWindow,
        docks: list[QDockWidget],
        text: QPlainTextEdit,
        margin_width: int,
        layout_version: int,
    ) -> None:
        super().__init__(window)
        self._window, self._docks, self._text = window, docks, text
        self._margin_width, self._version = margin_width, layout_version
        self.fold = Fold.WIDE
        self._wide_state: QByteArray | None = None  # the researcher's layout while folded
        self._roomy_state: QByteArray | None = None  # the last layout with panels at ease
        self._roomy_sizes: dict[QDockWidget, QSize] = {}  # and its panels' sizes
        self._wide_sizes: dict[QDockWidget, QSize] = {}
        self._wide_columns = 2  # side columns of that layout
        self._folded_as = Fold.TABBED
        self._auto_hidden: list[QDockWidget] = []
        self._held: QSize | None = None  # "Show panels" at this size: do not fold again
        self._busy = False
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit)
        window.setMinimumSize(WINDOW_MINIMUM)
        self.apply_minimums()
        window.installEventFilter(self)
        text.installEventFilter(self)
        for dock in docks:  # a panel the researcher moved: that is their layout now
            dock.dockLocationChanged.connect(self._forget_roomy)
            dock.topLevelChanged.connect(self._forget_roomy)

    def _forget_roomy(self, *_args: object) -> None:
        if not self._busy:
            self._roomy_state, self._roomy_sizes = None, {}

    # -- widths ----------------------------------------------------------------------
    def text_min_width(self) -> int:
        """The text area's width that leaves ``READABLE_CHARS`` characters in its viewport
        (with the document's own margins), beside the widest coding margin."""
        t = self._text
        chars = t.fontMetrics().averageCharWidth() * READABLE_CHARS
        inner = round(2 * t.document().documentMargin())
        bar = t.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, t)
        return chars + inner + self._margin_width + bar + 2 * t.frameWidth()

    def panel_min_width(self) -> int:
        return self._window.fontMetrics().averageCharWidth() * PANEL_CHARS

    def apply_minimums(self) -> None:
        """Minimum widths from the current fonts: the text's, and each panel's."""
        self._text.setMinimumWidth(self.text_min_width() if self.fold != Fold.HIDDEN else 0)
        for dock in self._docks:
            widget = dock.widget()
            if widget is not None:
                # Explicit: a panel's own hint (a row of buttons) must not hold the text back.
                widget.setMinimumWidth(self.panel_min_width())

    def _column_width(self) -> int:
        """What one column of docks takes at its narrowest, with its separator."""
        sep = self._window.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent)
        hint = max((d.minimumSizeHint().width() for d in self._docks), default=0)
        return max(hint, self.panel_min_width()) + sep

    def _columns(self) -> int:
        """Side columns the researcher's layout has (top and bottom docks take no width)."""
        areas = {self._window.dockWidgetArea(d) for d in self._shown_docked()}
        return len(areas & {_LEFT, _RIGHT})

    def _central_extra(self) -> int:
        """What the central area adds around the text area (the find bar's frame, margins)."""
        central = self._window.centralWidget()
        layout = central.layout() if central is not None else None
        if layout is None:
            return 0
        margins = layout.contentsMargins()
        return margins.left() + margins.right()

    def _roomy(self) -> bool:
        """No panel squeezed yet: a shrinking window takes from the text first, down to
        its readable width, and only then from the panels."""
        central = self._window.centralWidget()
        if central is None or central.width() <= self.text_min_width() + self._central_extra():
            return False
        return all(d.width() > self.panel_min_width() for d in self._shown_docked())

    def wanted_fold(self, width: int) -> Fold:
        text = self.text_min_width() + self._central_extra()
        columns = self._columns() if self.fold == Fold.WIDE else self._wide_columns
        column = self._column_width()
        if width >= text + columns * column:
            return Fold.WIDE
        if width >= text + column:
            return Fold.TABBED
        return Fold.HIDDEN

    # -- folding ---------------------------------------------------------------------
    def fit(self) -> None:
        """Fold or unfold the panels for the window's current width."""
        if self._busy or not self._window.isVisible():
            return
        size = self._window.size()
        if self.fold == Fold.WIDE and self._roomy():
            # The layout as the researcher sees it at ease, before a shrinking window
            # squeezes the panels: what unfolding goes back to.
            self._roomy_state = self._window.saveState(self._version)
            self._roomy_sizes = {d: d.size() for d in self._shown_docked()}
        if self._held is not None:
            if self._held == size:
                return
            self._held = None
        self._go(self.wanted_fold(size.width()))

    def show_panels(self) -> None:
        """The one click back: hidden panels come back as tabs beside the text, and stay
        until the window is resized (the text is then narrower than it likes)."""
        if self.fold != Fold.HIDDEN:
            for dock in self._docks:
                if dock.toggleViewAction().isChecked():
                    dock.raise_()
            return
        self._go(Fold.TABBED, force=True)
        self._held = self._window.size()

    def layout_state(self) -> QByteArray:
        """The layout to remember: the researcher's own, not a fold made for a small window."""
        if self.fold != Fold.WIDE and self._wide_state is not None:
            self._unfold()
            state = self._window.saveState(self._version)
            self._go(self._folded_as, force=True)
            return state
        return self._window.saveState(self._version)

    def _go(self, fold: Fold, force: bool = False) -> None:
        if fold == self.fold and not force:
            return
        self._busy = True
        try:
            if self.fold != Fold.WIDE:
                self._unfold()
            if fold != Fold.WIDE:
                if self.fold == Fold.WIDE:
                    self._wide_state = self._roomy_state or self._window.saveState(self._version)
                    self._wide_sizes = dict(self._roomy_sizes)
                self._wide_columns = self._columns()
                self._folded_as = fold
                if fold == Fold.TABBED:
                    self._tabify()
                else:
                    self._hide()
            self.fold = fold
            self.apply_minimums()
        finally:
            self._busy = False
        self.foldChanged.emit(fold)

    def _shown_docked(self) -> list[QDockWidget]:
        return [d for d in self._docks if d.toggleViewAction().isChecked() and not d.isFloating()]

    def _tabify(self) -> None:
        """Right-hand panels become tabs on the left-hand ones, top to bottom in pairs."""
        shown = self._shown_docked()
        left = self._groups(shown, _LEFT)
        right = [d for group in self._groups(shown, _RIGHT) for d in group]
        if not left or not right:
            return  # one column already
        fronts = [group[0] for group in left]
        for i, dock in enumerate(right):
            self._window.tabifyDockWidget(fronts[min(i, len(fronts) - 1)], dock)
        for front in fronts:
            front.raise_()  # the left column looks as it did, with more tabs
        # The one column may take what the text does not need, up to a share of the window.
        width = self._window.width()
        spare = width - self.text_min_width() - self._central_extra() - self._column_width()
        column = min(round(width * TABBED_SHARE), self.panel_min_width() + max(0, spare))
        # After the tabs are laid out (now the old column width would win).
        QTimer.singleShot(
            0,
            lambda: self._window.resizeDocks(
                fronts, [column] * len(fronts), Qt.Orientation.Horizontal
            ),
        )

    def _groups(self, docks: list[QDockWidget], area: Qt.DockWidgetArea) -> list[list[QDockWidget]]:
        """``area``'s docks by tab group, top to bottom; the group's front tab first."""
        seen: set[int] = set()
        groups: list[list[QDockWidget]] = []
        for dock in sorted(
            (d for d in docks if self._window.dockWidgetArea(d) == area),
            key=lambda d: (d.y(), d.visibleRegion().isEmpty()),
        ):
            if id(dock) in seen:
                continue
            group = [dock] + [
                d
                for d in self._window.tabifiedDockWidgets(dock)
                if d in docks and id(d) not in seen
            ]
            seen.update(id(d) for d in group)
            groups.append(group)
        return groups

    def _hide(self) -> None:
        self._auto_hidden = self._shown_docked()
        for dock in self._auto_hidden:
            dock.hide()

    def _unfold(self) -> None:
        """Back to the researcher's layout, keeping the panels they showed or closed since."""
        toolbars = {bar: bar.isVisible() for bar in self._window.findChildren(QToolBar)}
        wanted = {
            d: d.toggleViewAction().isChecked() or d in self._auto_hidden for d in self._docks
        }
        if self._wide_state is not None:
            self._window.restoreState(self._wide_state, self._version)
        for dock, shown in wanted.items():
            dock.setVisible(shown)
        for bar, shown in toolbars.items():
            bar.setVisible(shown)
        self._auto_hidden = []
        # A restored state's sizes are squeezed into the window it was restored in; give
        # the panels back their sizes once the layout has the window's new size.
        sizes = {d: size for d, size in self._wide_sizes.items() if d.isVisible()}
        QTimer.singleShot(0, lambda: self._resize_docks(sizes))

    def _resize_docks(self, sizes: dict[QDockWidget, QSize]) -> None:
        if not sizes or self.fold != Fold.WIDE:
            return
        docks = list(sizes)
        w = self._window
        w.resizeDocks(docks, [sizes[d].width() for d in docks], Qt.Orientation.Horizontal)
        w.resizeDocks(docks, [sizes[d].height() for d in docks], Qt.Orientation.Vertical)

    # -- events ----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.apply_minimums()
            if watched is self._window or watched is self._text:
                self.fit()
        elif watched is self._window and kind in (QEvent.Type.Resize, QEvent.Type.Show):
            # Once the window's layout has settled at the new size.
            self._fit_timer.start()
        return False


def clamp_to_screen(window: QWidget) -> bool:
    """Move and shrink ``window`` so its frame lies on a screen's available area
    (a geometry saved on a larger or a disconnected screen). True if it changed."""
    if window.isMaximized() or window.isFullScreen():
        return False
    frame = window.frameGeometry()
    screen = QGuiApplication.screenAt(frame.center()) or QGuiApplication.primaryScreen()
    if screen is None:
        return False
    avail = screen.availableGeometry()
    geometry = window.geometry()
    extra_w = frame.width() - geometry.width()  # the window manager's frame
    extra_h = frame.height() - geometry.height()
    width = max(window.minimumWidth(), min(geometry.width(), avail.width() - extra_w))
    height = max(window.minimumHeight(), min(geometry.height(), avail.height() - extra_h))
    fw, fh = width + extra_w, height + extra_h
    left = max(avail.left(), min(frame.left(), avail.right() + 1 - fw))
    top = max(avail.top(), min(frame.top(), avail.bottom() + 1 - fh))
    wanted = QRect(left, top, fw, fh)
    if wanted == frame:
        return False
    window.resize(width, height)
    window.move(left, top)  # move() places the frame's top-left corner
    return True
