"""The main window: assembles the panels around one open project.

It owns the project, its undo stack, the researcher's ``app.session.Session``
(who is coding, which coders each view shows; its actions run through the undo
stack) and the ``WorkbenchState`` over it; the panels do the work, through
``CodingActions`` (``app.operations``) for every coding edit. Layout, geometry
and recent projects persist in QSettings.
``MainWindow(project_path)`` builds everything without showing the window.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import shiboken6
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout, QWidget

from annotator.app.session import Session
from annotator.core.changes import ChangeSet
from annotator.core.errors import AnnotatorError, ProjectInUse
from annotator.store import Project
from annotator.ui.codebook.code_tree import CodeTreePanel
from annotator.ui.document.coding_margin import CodingMargin
from annotator.ui.document.document_view import DocumentView
from annotator.ui.document.find_bar import FindBar
from annotator.ui.panels.coder_bar import CoderBar
from annotator.ui.panels.details_pane import DetailsPane
from annotator.ui.panels.document_list import DocumentListPanel
from annotator.ui.panels.segment_list import SegmentListPanel
from annotator.ui.shell.menus import build_menus
from annotator.ui.shell.window_layout import Fold, PanelFitter, clamp_to_screen
from annotator.ui.widgets import commands, messages
from annotator.ui.widgets.bridge import ProjectEvents
from annotator.ui.widgets.coding_actions import CodingActions
from annotator.ui.widgets.state import WorkbenchState
from annotator.ui.widgets.theme import THEME_KEY, apply_theme, current_theme

#: Bump when the dock layout changes so an old saved state is not restored onto it.
LAYOUT_VERSION = 1
MAX_RECENT = 8
#: Seconds an edit waits for another program's write before saying the project is busy:
#: long enough for a CLI command to finish, short enough not to freeze the window for long.
BUSY_TIMEOUT = 3.0
#: How often (ms) the window asks whether another program changed the project: one
#: cheap PRAGMA, so that CLI edits show up within a second.
OUTSIDE_POLL_MS = 1000
#: How long (ms) scrolling must pause before the reading position is saved.
READING_SAVE_MS = 1000
#: Menu actions that change the project; a read-only window disables them.
EDITING_ACTIONS = (
    "actionImportDocuments",
    "actionImportCodebook",
    "actionMergeCopy",
    "actionApplyCode",
    "actionCodeWithNewCode",
    "actionCodeInVivo",
    "actionReassignCoding",
    "actionCodingMemo",
    "actionRemoveCoding",
    "actionAddCoder",
)


class ViewFindTarget:
    """Adapts the document view to the find bar's protocol."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def document_text(self) -> str | None:
        doc = self._window.state.current_document_id
        return self._window.project.document_text(doc) if doc else None

    def set_find_matches(self, spans: list[tuple[int, int]], current: int | None) -> None:
        self._window.document_view.set_find_matches(spans, current)

    def select_span(self, start: int, end: int) -> None:
        self._window.document_view.select_span(start, end)


class MainWindow(QMainWindow):
    def __init__(
        self,
        project_path: str | Path,
        settings: QSettings | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings if settings is not None else QSettings()
        self.project = Project.open(
            Path(project_path), read_only=read_only, busy_timeout=BUSY_TIMEOUT
        )
        if not self.project.claim_editor():
            holder = self.project.editor_elsewhere()  # "" when it is a window of this process
            where = f"another window ({holder})" if holder else "another window of this app"
            name = self.project.path.name
            self.project.close()
            raise ProjectInUse(f"{name} is already open for editing in {where}.")
        self.events = ProjectEvents(self.project, self)
        # An undo or redo that cannot be applied says so in a message.
        self.stack = commands.UndoHistory(
            self.project, self, report=lambda m: messages.show_error(self, m)
        )
        self.stack.setObjectName("undoHistory")
        self.session = Session(self.project, run=commands.runner(self.stack))
        self.state = WorkbenchState(self, session=self.session)
        self.state.watch(self.events)  # blind coding follows undo, redo, other programs
        self.coding_actions = CodingActions(self.project, self.stack, self.state, self)
        self.coding_actions.ask_coder = self._ask_coder
        self._build_panels()
        # The text keeps a readable width; the side panels give way (window_layout).
        self.panels = PanelFitter(
            self,
            list(self.docks.values()),
            self.document_view.text_edit,
            CodingMargin.MAX_WIDTH,
            LAYOUT_VERSION,
        )
        self.menu_actions = build_menus(self)
        self.panels.foldChanged.connect(self._on_fold)
        self._build_quick_keys()
        self.setAcceptDrops(True)
        self._clamped = False
        self._default_pending = False
        self.resize(1400, 900)
        self._restore()
        self.state.currentDocumentChanged.connect(self._drop_foreign_coding)
        # The open document and reading position are remembered as they change, not only on
        # quit: after a crash the app reopens where the researcher was working. Scrolling
        # is remembered once it has paused for a moment.
        self._reading_timer = QTimer(self)
        self._reading_timer.setSingleShot(True)
        self._reading_timer.setInterval(READING_SAVE_MS)
        self._reading_timer.timeout.connect(self._remember_reading)
        self.state.currentDocumentChanged.connect(lambda _d: self._remember_reading())
        self.document_view.text_edit.verticalScrollBar().valueChanged.connect(
            lambda _v: self._reading_timer.start()
        )
        self.state.activeCoderChanged.connect(lambda _c: self._update_title())
        self.state.activeCoderChanged.connect(self._remember_coder)
        self.state.activeCoderChanged.connect(self._acting_as)
        self._acting_as(self.state.active_coder_id)  # the coder restored from the last session
        self.events.changed.connect(self._on_changes)
        self.events.reloaded.connect(self._on_reloaded)
        self.coding_actions.notice.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self._update_title()
        if self.project.read_only:
            self._disable_editing()
        self._seen_history = self.project.last_history_id()
        self._outside_timer = QTimer(self)
        self._outside_timer.setObjectName("outsideChangeTimer")
        self._outside_timer.timeout.connect(self.check_outside_changes)
        self._outside_timer.start(OUTSIDE_POLL_MS)

    # -- construction --------------------------------------------------------------
    def _build_panels(self) -> None:
        p, ev, st, state = self.project, self.events, self.stack, self.state
        self.document_view = DocumentView(p, ev, state, self.coding_actions)
        self.find_bar = FindBar(ViewFindTarget(self))
        self.find_bar.hide()
        central = QWidget()
        central.setObjectName("centralArea")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.document_view, 1)
        self.setCentralWidget(central)
        state.currentDocumentChanged.connect(lambda _d: self.find_bar.refresh())

        self.document_list = DocumentListPanel(p, ev, st, state)
        self.code_tree = CodeTreePanel(p, ev, st, state, self.coding_actions)
        self.details = DetailsPane(p, ev, st, state, self.coding_actions)
        self.segments = SegmentListPanel(p, ev, state)
        self.docks: dict[str, QDockWidget] = {}
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        for key, title, widget, area in (
            ("documents", "Documents", self.document_list, left),
            ("codebook", "Codebook", self.code_tree, left),
            ("details", "Details", self.details, right),
            ("segments", "Retrieved segments", self.segments, right),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"{key}Dock")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[key] = dock
        self.code_tree.codeActivated.connect(self.apply_code_to_selection)

        self.coder_bar = CoderBar(p, ev, state)
        self.toolbar = self.addToolBar("Main")
        self.toolbar.setObjectName("mainToolbar")

    def _build_quick_keys(self) -> None:
        # Digits 1-9 apply the code holding that quick key, while the document has focus.
        for digit in range(1, 10):
            shortcut = QShortcut(QKeySequence(str(digit)), self.document_view)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda d=digit: self.apply_quick_key(d))

    # -- coding ----------------------------------------------------------------------
    def _selection(self) -> tuple[str, int, int] | None:
        doc = self.state.current_document_id
        span = self.document_view.selection_span()
        if doc is None or span is None:
            return None
        return doc, span[0], span[1]

    def report(self, err: AnnotatorError | str) -> None:
        messages.show_error(self, err)

    def apply_code_to_selection(self, code_id: str) -> bool:
        sel = self._selection()
        if sel is None:
            self.report("Select some text in the document first, then choose the code.")
            return False
        try:
            self.coding_actions.apply(code_id, *sel)
        except AnnotatorError as err:
            self.report(err)
            return False
        return True

    def apply_quick_key(self, digit: int) -> bool:
        code = next((c for c in self.project.codes() if c.quick_key == digit), None)
        if code is None:
            self.statusBar().showMessage(
                f"No code has quick key {digit} (set one in the codebook).", 4000
            )
            return False
        return self.apply_code_to_selection(code.id)

    def pick_and_apply(self) -> bool:
        from annotator.ui.widgets.code_picker import pick_code

        sel = self._selection()
        if sel is None:
            self.report("Select some text in the document first.")
            return False
        result = pick_code(self, self.project, self.coding_actions.recent_codes)
        if result is None or (result.code_id is None and not result.new_name):
            return False
        try:
            # The chosen code, or a new one ("Parent/Child" creates Child under Parent).
            if result.code_id is not None:
                self.coding_actions.code(*sel, code_id=result.code_id)
            else:
                self.coding_actions.code(*sel, new_name=result.new_name)
        except AnnotatorError as err:
            self.report(err)
            return False
        return True

    # -- undo / redo ---------------------------------------------------------------------
    def undo(self) -> None:
        if not self.stack.canUndo():
            return
        self.details.commit_pending()  # a half-typed field becomes its own step first
        changes = self.stack.undo()
        if changes:
            self._show_replayed(changes)

    def redo(self) -> None:
        if not self.stack.canRedo():
            return
        self.details.commit_pending()
        if not self.stack.canRedo():  # committing an edit ends the redo history
            return
        changes = self.stack.redo()
        if changes:
            self._show_replayed(changes)

    def _show_replayed(self, changes: ChangeSet) -> None:
        """Bring into view what an undo or redo changed, so no change happens unseen."""
        for rc in changes.rows:
            if rc.table == "documents" and rc.after is not None:
                self.state.set_current_document(rc.after["id"])
                return
            if rc.table == "codings":
                shown = rc.after if rc.after is not None else rc.before
                assert shown is not None
                try:
                    self.project.document_length(shown["document_id"])
                except AnnotatorError:
                    return  # its document went with the same step: nothing to show
                self.state.reveal(shown["document_id"], shown["start"], shown["end"])
                self.state.set_current_coding(rc.after["id"] if rc.after is not None else None)
                return

    # -- window state ------------------------------------------------------------------
    def _drop_foreign_coding(self, document_id: object) -> None:
        """A coding selected in another document is no longer "the selected coding":
        the Coding menu must never act on something off screen."""
        coding = self.state.current_coding_id
        if coding is None:
            return
        try:
            if self.project.coding(coding).document_id == document_id:
                return
        except AnnotatorError:
            pass
        self.state.set_current_coding(None)

    def _update_title(self) -> None:
        if self.project.read_only:
            self.setWindowTitle(
                f"{self.project.path.stem} — read-only ({self.project.read_only_reason}) — Annotator"
            )
            return
        coder = self.state.active_coder_id
        name = self.project.coder(coder).name if coder else "no coder chosen"
        self.setWindowTitle(f"{self.project.path.stem} — coding as {name} — Annotator")

    def _disable_editing(self) -> None:
        """A read-only window: the commands that would change the project are off (the
        store refuses any edit that still gets through, with one sentence)."""
        for name in EDITING_ACTIONS:
            self.menu_actions[name].setEnabled(False)
        self.setAcceptDrops(False)
        self.statusBar().showMessage(
            f"Read-only: {self.project.read_only_reason}. Changes saved elsewhere appear here as they are made."
        )

    def check_outside_changes(self) -> bool:
        """Another program (the CLI, another window) committed to the project: show it.

        Also the window's idle moment to finish a bulk action's checkpoint."""
        self.project.checkpoint()
        try:
            changed = self.project.outside_change()
        except AnnotatorError:
            return False
        except Exception:  # the file went away or broke under us: say so once, stop asking
            self._outside_timer.stop()
            self.report(
                f"{self.project.path.name} can no longer be read; close this window and reopen it."
            )
            return False
        if changed:
            # The history says row by row what another program did: views follow it as they
            # follow our own actions. A write that left no history (another tool's SQL, a
            # pruned step) leaves only a full re-read.
            steps = self.project.changes_since(self._seen_history, skip_own=True)
            self._seen_history = self.project.last_history_id()
            if steps:
                for step in steps:
                    self.events.changed.emit(step.compact())
            else:
                self.events.reload()
            self.stack.notify()
            self.statusBar().showMessage(
                "Another program changed this project; the window now shows its changes.", 8000
            )
        return changed

    def backup_on_open(self) -> None:
        """The rolling automatic backup of this project (File -> Automatic backups)."""
        from annotator.store.backups import rolling_backup
        from annotator.ui.shell.file_actions import backups_kept

        if self.project.read_only:
            return
        try:
            made = rolling_backup(self.project, keep=backups_kept(self.settings))
        except AnnotatorError as err:
            self.statusBar().showMessage(f"No automatic backup: {err}", 8000)
            return
        if made is not None:
            self.statusBar().showMessage(f"Backed up to {made}", 6000)

    def _on_reloaded(self) -> None:
        """Another program changed the file (the panels have re-read it): nothing stays
        selected or active that is no longer in the store."""
        s, p = self.state, self.project
        for item_id, lookup, clear in (
            (s.current_coding_id, p.coding, s.set_current_coding),
            (s.current_code_id, p.code, s.set_current_code),
            (s.current_document_id, p.document_length, s.set_current_document),
            (s.active_coder_id, p.coder, s.set_active_coder),
        ):
            try:
                if item_id is not None:
                    lookup(item_id)
            except AnnotatorError:  # NotFound: gone from the file
                clear(None)
        self._update_title()  # the active coder may have been renamed

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.touches("coders"):
            self._update_title()
        # Nothing stays "selected" once it is gone (deleted, merged away, or undone).
        gone = {rc.key[0] for rc in changes.rows if rc.after is None}
        if self.state.current_coding_id in gone:
            self.state.set_current_coding(None)
        if self.state.current_code_id in gone:
            self.state.set_current_code(self.code_tree.current_code_id())
        if self.state.current_document_id in gone:
            self.state.set_current_document(None)

    def _project_key(self, name: str) -> str:
        # A stable key per project file (Python's hash() changes between runs).
        digest = hashlib.sha1(str(self.project.path.resolve()).encode()).hexdigest()[:16]
        return f"projects/{digest}/{name}"

    def _acting_as(self, _coder_id: str | None) -> None:
        """The session records the new coder as the history's actor, and Undo takes this
        coder's own steps: the Edit menu's labels change."""
        self.stack.notify()

    def _remember_coder(self, coder_id: str | None) -> None:
        if coder_id:
            self.settings.setValue(self._project_key("coder"), coder_id)

    def _remember_reading(self) -> None:
        doc = self.state.current_document_id
        self.settings.setValue(self._project_key("document"), doc or "")
        position = self.document_view.reading_position(doc) if doc else None
        self.settings.setValue(
            self._project_key("position"), position if position is not None else 0
        )

    def _restore_reading(self) -> None:
        """Reopen the document the researcher was reading, at the same place."""
        doc = str(self.settings.value(self._project_key("document")) or "")
        if not doc or doc not in {d.id for d in self.project.documents()}:
            return
        self.state.set_current_document(doc)
        try:
            position = int(self.settings.value(self._project_key("position")) or 0)
            self.document_view.restore_reading_position(doc, position)
        except (AnnotatorError, TypeError, ValueError):
            pass  # a stale position (the file changed elsewhere): the top will do

    def _restore(self) -> None:
        if self.settings.contains(THEME_KEY):
            apply_theme(current_theme(self.settings))  # the theme chosen last time
        geometry = self.settings.value("window/geometry")
        self._restored_geometry = geometry is not None and self.restoreGeometry(geometry)
        clamp_to_screen(self)  # a geometry saved on a larger screen, or one gone since
        state = self.settings.value("window/state")
        if state is None or not self.restoreState(state, LAYOUT_VERSION):
            self._default_layout()
        coder = self.settings.value(self._project_key("coder"))
        if coder and coder in {c.id for c in self.project.coders()}:
            self.state.set_active_coder(str(coder))
        self._restore_reading()
        self.add_recent(self.project.path)

    def _default_layout(self) -> None:
        """First launch: side panels wide enough to read code names and titles (about a
        third and a quarter of the window), as long as the text keeps its readable width."""
        d = self.docks
        self._default_pending = True  # again once shown: only then are the sizes real
        width, least = self.width(), self.panels.panel_min_width()
        left, right = max(least, round(width * 0.3)), max(least, round(width * 0.27))
        over = left + right + self.panels.text_min_width() - width
        if over > 0:  # a small window: both panels give way alike, down to their minimum
            give = min(over, left + right - 2 * least)
            left -= give // 2
            right -= give - give // 2
        self.resizeDocks([d["documents"], d["details"]], [left, right], Qt.Orientation.Horizontal)
        self.resizeDocks([d["documents"], d["codebook"]], [300, 560], Qt.Orientation.Vertical)
        self.resizeDocks([d["details"], d["segments"]], [480, 380], Qt.Orientation.Vertical)

    def add_recent(self, path: Path) -> None:
        recent = [p for p in self.recent_projects() if p != str(path.resolve())]
        recent.insert(0, str(path.resolve()))
        self.settings.setValue("recentProjects", recent[:MAX_RECENT])
        self.settings.setValue("lastProject", str(path.resolve()))

    def recent_projects(self) -> list[str]:
        value = self.settings.value("recentProjects") or []
        return [str(v) for v in ([value] if isinstance(value, str) else value)]

    def _ask_coder(self) -> bool:
        """Who is coding? asked when a code is chosen with nobody chosen yet."""
        from annotator.ui.shell.app import ask_for_coder

        ask_for_coder(self)
        return not self.needs_coder()

    def needs_coder(self) -> bool:
        return self.state.active_coder_id is None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._clamped:  # now the window manager's frame is known: fit it too
            self._clamped = True
            if self._restored_geometry:
                clamp_to_screen(self)
        if self._default_pending:
            self._default_pending = False
            self._default_layout()
            self._default_pending = False

    def _on_fold(self, fold: Fold) -> None:
        self.menu_actions["actionShowPanelsButton"].setVisible(fold == Fold.HIDDEN)
        if fold == Fold.HIDDEN:
            self.statusBar().showMessage(
                "Side panels hidden to keep the text readable; Show panels brings them back.",
                10000,
            )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.details.commit_pending()
        search = getattr(self, "_search_dialog", None)
        if search is not None:
            search.runner.stop()  # its connection closes before the project does
        disagreements = getattr(self, "_disagreements", None)
        if disagreements is not None:
            disagreements.runner.stop()
        compare = getattr(self, "_compare_window", None)
        if compare is not None and shiboken6.isValid(compare):
            compare.close()  # stops its comparison before the project closes
        self._remember_reading()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.panels.layout_state())
        self.settings.sync()
        self._outside_timer.stop()
        self._reading_timer.stop()
        self.events.detach()
        self.project.close()
        super().closeEvent(event)

    # -- drag files onto the window to import them ------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        from annotator.ui.shell.file_actions import import_paths

        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            import_paths(self, paths)
