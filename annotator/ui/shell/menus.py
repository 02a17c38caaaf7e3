"""The window's menus and toolbar: every command as a named QAction.

Each QAction has a stable objectName (layouts persist, tests find them) and,
where one exists, the platform's standard shortcut. The Coding menu's edits go
through the window's ``CodingActions`` (``app.operations``): re-assigning,
editing the memo of or removing another coder's coding asks first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from annotator.core.errors import AnnotatorError
from annotator.ui.document.compare_dialog import toggle_compare
from annotator.ui.shell import exchange_actions, file_actions
from annotator.ui.widgets import messages, theme

if TYPE_CHECKING:
    from annotator.ui.panels.disagreement_list import DisagreementWindow
    from annotator.ui.shell.main_window import MainWindow

StdKey = QKeySequence.StandardKey
_FALLBACK_KEYS = {
    StdKey.Quit: "Ctrl+Q",
    StdKey.Find: "Ctrl+F",
    StdKey.New: "Ctrl+N",
    StdKey.Open: "Ctrl+O",
}


def build_menus(w: MainWindow) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}

    def act(
        name: str,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | StdKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, w)
        action.setObjectName(name)
        if shortcut is not None:
            keys = QKeySequence(shortcut) if not isinstance(shortcut, QKeySequence) else shortcut
            if keys.isEmpty() and isinstance(shortcut, StdKey):
                # Some platforms define no key for a standard action (Quit on Linux).
                keys = QKeySequence(_FALLBACK_KEYS.get(shortcut, ""))
            action.setShortcut(keys)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        # Tests and the window find actions by name: two with one name would be one lost.
        assert name not in actions, f"two menu actions named {name}"
        actions[name] = action
        return action

    bar = w.menuBar()
    # -- File ----------------------------------------------------------------------------
    file_menu = bar.addMenu("&File")
    _name_menu(file_menu, "File")
    file_menu.addAction(
        act(
            "actionNewProject",
            "&New project…",
            lambda: _switch(w, file_actions.ask_new_project(w)),
            StdKey.New,
        )
    )
    file_menu.addAction(
        act(
            "actionOpenProject",
            "&Open project…",
            lambda: _switch(w, file_actions.ask_open_project(w)),
            StdKey.Open,
        )
    )
    recent_menu = QMenu("Open &recent", w)
    _name_menu(recent_menu, "RecentProjects")
    recent_menu.aboutToShow.connect(lambda: _fill_recent(w, recent_menu))
    file_menu.addMenu(recent_menu)
    file_menu.addSeparator()
    file_menu.addAction(
        act(
            "actionImportDocuments",
            "&Import documents…",
            lambda: file_actions.ask_import(w),
            "Ctrl+I",
            "Import texts (txt, md, docx, pdf, html, odt, rtf); or drop files on the window",
        )
    )
    file_menu.addAction(
        act(
            "actionImportCodebook",
            "Import code&book (.qdc, .csv)…",
            lambda: exchange_actions.ask_import_codebook(w),
        )
    )
    file_menu.addAction(
        act(
            "actionImportQdpx",
            "Import REFI-QDA &project (.qdpx)…",
            lambda: exchange_actions.ask_import_qdpx(w),
            tip="Open a project from NVivo, ATLAS.ti, MAXQDA… as a new project file",
        )
    )
    file_menu.addSeparator()
    file_menu.addAction(
        act(
            "actionExportCodebook",
            "Export codebook as (.csv, .qdc, .md, .html, .docx)…",
            lambda: exchange_actions.ask_export_codebook(w),
        )
    )
    file_menu.addAction(
        act(
            "actionExportQdpx",
            "Export project as REFI-QDA (.qdpx)…",
            lambda: exchange_actions.ask_export_qdpx(w),
            tip="The whole project, for NVivo, ATLAS.ti, MAXQDA and other REFI-QDA tools",
        )
    )
    file_menu.addAction(
        act(
            "actionExportSegments",
            "Export coded segments (CSV)…",
            lambda: file_actions.ask_export_segments(w),
        )
    )
    file_menu.addSeparator()
    file_menu.addAction(
        act(
            "actionMergeCopy",
            "&Merge a coder's copy…",
            lambda: exchange_actions.ask_merge(w),
            tip="Bring another copy's documents, codes, codings and memos into this project",
        )
    )
    file_menu.addSeparator()
    file_menu.addAction(
        act(
            "actionSaveCopy",
            "Save a &copy…",
            lambda: file_actions.ask_save_copy(w),
            tip="Write the project as it is now to another file; this one stays open",
        )
    )
    file_menu.addAction(
        act(
            "actionAutomaticBackups",
            "Automatic &backups…",
            lambda: file_actions.ask_backups(w),
            tip="How many backups to keep, made each time the project opens",
        )
    )
    file_menu.addSeparator()
    file_menu.addAction(act("actionQuit", "&Quit", w.close, StdKey.Quit))

    # -- Edit ----------------------------------------------------------------------------
    edit_menu = bar.addMenu("&Edit")
    _name_menu(edit_menu, "Edit")
    # Own actions (the history is the project's, in the file): the window first commits a
    # half-typed field as its own step, then undoes, then shows where the change was.
    undo = act("actionUndo", "&Undo", w.undo, StdKey.Undo)
    redo = act("actionRedo", "&Redo", w.redo, StdKey.Redo)
    for action, verb, can, text in (
        (undo, "Undo", w.stack.canUndo, w.stack.undoText),
        (redo, "Redo", w.stack.canRedo, w.stack.redoText),
    ):
        action.setIconText(verb)  # the toolbar button keeps a short, steady label
        if verb == "Redo":
            # Ctrl+Y on some platforms, Ctrl+Shift+Z on others: accept both everywhere.
            keys = [QKeySequence(StdKey.Redo), QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
            action.setShortcuts(list({k.toString(): k for k in keys if not k.isEmpty()}.values()))
        _follow_stack(w, action, verb, can, text)
    edit_menu.addAction(undo)
    edit_menu.addAction(redo)
    edit_menu.addAction(
        act(
            "actionHistory",
            "&History…",
            lambda: _history(w),
            tip="Every step taken on this project, who took it and when",
        )
    )
    edit_menu.addSeparator()
    edit_menu.addAction(act("actionFind", "&Find in document…", _show_find(w), StdKey.Find))
    edit_menu.addAction(
        act("actionSearchAll", "Search &all documents…", lambda: _search_all(w), "Ctrl+Shift+F")
    )
    edit_menu.addSeparator()

    # -- Coding --------------------------------------------------------------------------
    coding_menu = bar.addMenu("&Coding")
    _name_menu(coding_menu, "Coding")
    coding_menu.addAction(
        act(
            "actionApplyCode",
            "&Apply code…",
            w.pick_and_apply,
            "Ctrl+K",
            "Pick a code by typing its name and apply it to the selected text",
        )
    )
    coding_menu.addAction(
        act("actionCodeWithNewCode", "Code with &new code…", lambda: _new_code(w), "Ctrl+Shift+K")
    )
    coding_menu.addAction(
        act(
            "actionCodeInVivo",
            "Code &in vivo",
            lambda: _in_vivo(w),
            "Ctrl+Shift+V",
            "Make the selected words a new code and apply it",
        )
    )
    coding_menu.addSeparator()
    coding_menu.addAction(
        act(
            "actionSelectCodingAtCursor",
            "Select coding at &cursor",
            w.document_view.select_coding_at_cursor,
            "F7",
            "Select the coding under the caret; again for the next one there",
        )
    )
    coding_menu.addAction(
        act("actionNextCoding", "Ne&xt coding", w.document_view.select_next_coding, "F8")
    )
    coding_menu.addAction(
        act(
            "actionPreviousCoding",
            "Pre&vious coding",
            w.document_view.select_previous_coding,
            "Shift+F8",
        )
    )
    coding_menu.addAction(
        act("actionReassignCoding", "&Re-assign selected coding…", lambda: _reassign(w), "Ctrl+R")
    )
    coding_menu.addAction(
        act("actionCodingMemo", "Edit selected coding's &memo…", lambda: _coding_memo(w), "Ctrl+M")
    )
    coding_menu.addAction(
        act(
            "actionRemoveCoding",
            "Re&move selected coding",
            lambda: _remove(w),
            tip="Remove the selected coding (Delete in the text)",
        )
    )
    coding_menu.addSeparator()
    snap = act(
        "actionSnapToWords",
        "&Snap selections to whole words",
        lambda: setattr(w.document_view, "snap_to_words", actions["actionSnapToWords"].isChecked()),
    )
    snap.setCheckable(True)
    snap.setChecked(bool(w.settings.value("snapToWords", True, type=bool)))
    w.document_view.snap_to_words = snap.isChecked()
    snap.toggled.connect(lambda on: w.settings.setValue("snapToWords", on))
    coding_menu.addAction(snap)

    # -- Codes (the code tree's own actions) ---------------------------------------------
    codes_menu = bar.addMenu("C&odes")
    _name_menu(codes_menu, "Codes")
    for action in w.code_tree.actions_by_name.values():
        codes_menu.addAction(action)
        actions[action.objectName()] = action

    # -- Coders ----------------------------------------------------------------------------
    coders_menu = bar.addMenu("Co&ders")
    _name_menu(coders_menu, "Coders")
    coders_menu.addAction(act("actionAddCoder", "&New coder…", w.coder_bar.ask_new_coder))
    coders_menu.addAction(
        act("actionShowAllCoders", "Show &all coders", lambda: w.coder_bar.set_view("all"))
    )
    coders_menu.addAction(
        act("actionShowMine", "Show &my codings only", lambda: w.coder_bar.set_view("mine"))
    )
    coders_menu.addSeparator()
    coders_menu.addAction(
        act("actionManageCoders", "Mana&ge coders…", lambda: _people(w, "coders"))
    )
    coders_menu.addAction(
        act(
            "actionCompareCoders",
            "&Compare coders…",
            lambda: show_compare(w),
            "Ctrl+Shift+C",
            "How far coders agree, per code and overall",
        )
    )
    coders_menu.addSeparator()
    blind = act(
        "actionBlindCoding",
        "&Blind coding",
        lambda: _blind(w, actions["actionBlindCoding"]),
        tip="Each coder sees only their own codings until the coders are compared",
    )
    blind.setCheckable(True)
    blind.setChecked(w.state.blind_coding)
    w.state.blindCodingChanged.connect(blind.setChecked)  # undo, redo, another program
    coders_menu.addAction(blind)
    coders_menu.addAction(
        act("actionDisagreements", "&Disagreements…", lambda: open_disagreements(w),
            tip="Step through two coders' disagreements and settle them into a consensus")
    )  # fmt: skip

    # -- Document: memos and attributes of the open document; the project journal ----------
    document_menu = bar.addMenu("Documen&t")
    _name_menu(document_menu, "Document")
    document_menu.addAction(
        act("actionDocumentMemos", "&Memos…", lambda: _people(w, "memos"), "Ctrl+Shift+M",
            "Notes on the open document")
    )  # fmt: skip
    document_menu.addAction(
        act("actionDocumentAttributes", "&Attributes…", lambda: _people(w, "attributes"),
            tip="The open document's attributes (genre, year, outlet…)")
    )  # fmt: skip
    document_menu.addSeparator()
    document_menu.addAction(
        act("actionProjectJournal", "Project &journal…", lambda: _people(w, "journal"), "Ctrl+J",
            "Notes on the whole project: memos on no document")
    )  # fmt: skip

    # -- View --------------------------------------------------------------------------------
    view_menu = bar.addMenu("&View")
    _name_menu(view_menu, "View")
    # Keyboard-only work: jump between the parts of the window.
    for key, (name, label, target) in enumerate(
        (
            ("actionGoDocuments", "Go to &documents", lambda: w.document_list.view),
            ("actionGoText", "Go to the &text", lambda: w.document_view.text_edit),
            ("actionGoCodebook", "Go to the &codebook", lambda: w.code_tree.view),
            ("actionGoSegments", "Go to retrieved &segments", lambda: w.segments.view),
            ("actionGoDetails", "Go to d&etails", lambda: w.details.name_edit),
        ),
        start=1,
    ):
        view_menu.addAction(act(name, label, _focus(w, target), f"Ctrl+{key}"))
    view_menu.addSeparator()
    for dock in w.docks.values():
        toggle = dock.toggleViewAction()
        toggle.setObjectName(f"actionToggle{dock.objectName()[0].upper()}{dock.objectName()[1:]}")
        actions[toggle.objectName()] = toggle
        view_menu.addAction(toggle)

    # The one click back to panels hidden to keep the text readable (window_layout).
    tip = "Show the side panels hidden to keep the text readable in a small window"
    view_menu.addAction(act("actionShowPanels", "Show &panels", w.panels.show_panels, tip=tip))
    show_panels = act("actionShowPanelsButton", "Show panels", w.panels.show_panels, tip=tip)
    show_panels.setVisible(False)  # on the toolbar only while panels are hidden
    _theme_menu(w, view_menu, actions)
    # Compare mode of the text (ui/document/compare_mode.py, compare_dialog.py).
    view_menu.addSeparator()
    compare = act("actionCompareInText", "Compare coders in the te&xt…",
                  lambda: compare.setChecked(toggle_compare(w.document_view, compare.isChecked())),
                  tip="Two coders side by side in the text, their differences marked")  # fmt: skip
    compare.setCheckable(True)
    w.document_view.compareChanged.connect(compare.setChecked)  # set_compare from elsewhere
    view_menu.addAction(compare)
    view_menu.addAction(act("actionNextDisagreement", "&Next disagreement",
                            w.document_view.next_disagreement, "F9"))  # fmt: skip
    view_menu.addAction(act("actionPreviousDisagreement", "Pre&vious disagreement",
                            w.document_view.previous_disagreement, "Shift+F9"))  # fmt: skip
    w.document_view.notice.connect(lambda text: w.statusBar().showMessage(text, 6000))

    # -- Help --------------------------------------------------------------------------------
    help_menu = bar.addMenu("&Help")
    _name_menu(help_menu, "Help")
    help_menu.addAction(
        act("actionOpenTwoCoderExample", "Open the &two-coder example", lambda: _example(w),
            tip="The bundled corpus coded by two example coders, compared")
    )  # fmt: skip

    # -- Toolbar ------------------------------------------------------------------------------
    tb = w.toolbar
    toggle_tb = tb.toggleViewAction()
    toggle_tb.setObjectName("actionToggleMainToolbar")
    view_menu.addAction(toggle_tb)
    actions[toggle_tb.objectName()] = toggle_tb
    # What must never go behind the overflow "››" comes first (a narrow window drops the
    # last items): the way back to hidden panels, then who is coding and whose codings
    # are shown. Import, last, is also in the File menu and takes dropped files.
    tb.addAction(show_panels)
    tb.addWidget(w.coder_bar)
    tb.addSeparator()
    for name in ("actionUndo", "actionRedo", "actionApplyCode", "actionFind"):
        tb.addAction(actions[name])
    tb.addSeparator()
    tb.addAction(actions["actionImportDocuments"])
    return actions


def _theme_menu(w: MainWindow, view_menu: QMenu, actions: dict[str, QAction]) -> None:
    """View -> Theme: Light, Dark or the system's, applied at once and remembered."""
    menu = view_menu.addMenu("T&heme")
    _name_menu(menu, "Theme")
    group = QActionGroup(menu)
    group.setExclusive(True)
    chosen = theme.current_theme(w.settings)
    for name, label in (("light", "&Light"), ("dark", "&Dark"), ("system", "&System")):
        action = QAction(label, menu)
        action.setObjectName(f"actionTheme{name.capitalize()}")
        action.setCheckable(True)
        action.setChecked(name == chosen)
        action.triggered.connect(
            lambda _c=False, t=name: theme.choose_theme(w.settings, cast(theme.Theme, t))
        )
        group.addAction(action)
        menu.addAction(action)
        actions[action.objectName()] = action


def _follow_stack(
    w: MainWindow, action: QAction, verb: str, can: Callable[[], bool], text: Callable[[], str]
) -> None:
    """Keep an undo/redo action's text ("Undo Code with Norm-shaper") and state current."""

    def update() -> None:
        if not (shiboken6.isValid(w.stack) and shiboken6.isValid(action)):
            return  # the history emits while the window is being torn down
        label = text()
        action.setEnabled(can() and not w.project.read_only)
        action.setText(f"&{verb} {label}" if label else f"&{verb}")
        action.setToolTip(f"{verb} {label}" if label else verb)

    w.stack.changed.connect(update)
    update()


def _focus(w: MainWindow, target: Callable[[], QWidget]) -> Callable[[], None]:
    def go() -> None:
        widget = target()
        dock = next((d for d in w.docks.values() if d.isAncestorOf(widget)), None)
        if dock is not None:
            dock.show()
            dock.raise_()
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    return go


def _selected_coding(w: MainWindow) -> str | None:
    coding = w.state.current_coding_id
    if coding is None:
        messages.show_error(
            w, "Select a coding first: click its highlight or its bracket in the margin."
        )
    return coding


def _reassign(w: MainWindow) -> None:
    from annotator.ui.widgets.code_picker import choose_code

    coding = _selected_coding(w)
    if coding is None:
        return
    try:
        current = w.project.coding(coding).code_id
        code = choose_code(w, w.project, "Re-assign coding to", {current})
        if code is not None:
            w.coding_actions.reassign(coding, code)
    except AnnotatorError as err:
        messages.show_error(w, err)


def _coding_memo(w: MainWindow) -> None:
    from PySide6.QtWidgets import QInputDialog

    coding = _selected_coding(w)
    if coding is None:
        return
    try:
        old = w.project.coding(coding).memo
        memo, ok = QInputDialog.getMultiLineText(w, "Coding memo", "Memo:", old)
        if ok and memo != old:
            w.coding_actions.set_memo(coding, memo)
    except AnnotatorError as err:
        messages.show_error(w, err)


def _remove(w: MainWindow) -> None:
    coding = _selected_coding(w)
    if coding is not None:
        try:
            w.coding_actions.remove(coding)
        except AnnotatorError as err:
            messages.show_error(w, err)


def _name_menu(menu: QMenu, name: str) -> None:
    menu.setObjectName(f"menu{name}")
    menu.menuAction().setObjectName(f"menu{name}Action")


def _show_find(w: MainWindow) -> Callable[[], None]:
    def show() -> None:
        w.find_bar.show()
        w.find_bar.focus_query()

    return show


def _search_all(w: MainWindow) -> None:
    from annotator.ui.panels.search_dialog import SearchDialog

    dialog = getattr(w, "_search_dialog", None)
    if dialog is None:
        dialog = SearchDialog(w.project, w.events, w.state, w.coding_actions, w)
        w._search_dialog = dialog  # type: ignore[attr-defined]
    dialog.show()
    dialog.raise_()


def _new_code(w: MainWindow) -> None:
    sel = w._selection()
    if sel is None:
        messages.show_error(w, "Select some text in the document first.")
        return
    w.coding_actions.ask_new_code(w, *sel)


def _in_vivo(w: MainWindow) -> None:
    sel = w._selection()
    if sel is None:
        messages.show_error(w, "Select the words to use as a code first.")
        return
    try:
        w.coding_actions.code_in_vivo(*sel)
    except AnnotatorError as err:
        messages.show_error(w, err)


def _fill_recent(w: MainWindow, menu: QMenu) -> None:
    menu.clear()
    for path in w.recent_projects():
        action = menu.addAction(Path(path).name)
        action.setToolTip(path)
        action.triggered.connect(lambda _c=False, p=path: _switch(w, Path(p)))
    if menu.isEmpty():
        menu.addAction("(none)").setEnabled(False)


def _switch(w: MainWindow, path: Path | None) -> None:
    """Open ``path`` in a new window and close this one (its work is already saved)."""
    if path is None or path.resolve() == w.project.path.resolve():
        return
    from annotator.ui.shell.app import open_window

    try:
        window = open_window(path, w.settings, w)
    except (AnnotatorError, OSError) as err:
        messages.show_error(w, str(err))
        return
    if window is None:
        return
    w.close()
    QApplication.processEvents()


def _blind(w: MainWindow, action: QAction) -> None:
    from annotator.ui.widgets.blind_coding import switch

    switch(w, w.state, action.isChecked())
    action.setChecked(w.state.blind_coding)  # as it is, if it could not be switched


def open_disagreements(
    w: MainWindow,
    coder_a: str | None = None,
    coder_b: str | None = None,
    code_id: str | None = None,
) -> DisagreementWindow | None:
    """Open (or bring forward) the disagreement list, on two coders and a code if given
    (the Compare coders window's double-click). Under blind coding it asks first; None
    if the researcher said no."""
    from annotator.ui.panels.disagreement_list import DisagreementWindow
    from annotator.ui.widgets.blind_coding import ask_before_comparing

    if not ask_before_comparing(w, w.state):
        return None
    window = getattr(w, "_disagreements", None)
    if window is None or not shiboken6.isValid(window):
        undo = [w.menu_actions[n] for n in ("actionUndo", "actionRedo")]
        window = DisagreementWindow(
            w.project, w.events, w.stack, w.state, w, selection=w._selection, undo_actions=undo
        )
        w._disagreements = window  # type: ignore[attr-defined]
    if coder_a is not None and coder_b is not None:
        window.show_for(coder_a, coder_b, code_id)
        return window
    if window.listing is None:
        window.refresh()
    window.present()
    return window


def _history(w: MainWindow) -> None:
    from annotator.ui.panels.history_dialog import HistoryDialog

    dialog = HistoryDialog(w.project, w.settings, w)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()


def _people(w: MainWindow, kind: str) -> None:
    """Open (or bring forward) the dialog for coders, the journal, or the open document's
    memos or attributes: one per kind and document, kept while it is open."""
    from annotator.ui.panels.attributes_dialog import AttributesDialog
    from annotator.ui.panels.coders_dialog import CodersDialog
    from annotator.ui.panels.memo_dialog import MemoDialog

    doc = w.state.current_document_id if kind in ("memos", "attributes") else None
    if kind in ("memos", "attributes") and doc is None:
        messages.show_error(w, "Open a document first (click it in the list of documents).")
        return
    open_dialogs: dict[tuple[str, str | None], QWidget] = w.__dict__.setdefault("_people", {})
    dialog = open_dialogs.get((kind, doc))
    if dialog is None or not shiboken6.isValid(dialog):
        base = (w.project, w.events, w.stack, w.state)
        if kind == "coders":
            dialog = CodersDialog(*base, parent=w)
        elif kind == "attributes":
            assert doc is not None
            dialog = AttributesDialog(*base, doc, parent=w)
        else:
            dialog = MemoDialog(*base, doc, parent=w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        open_dialogs[(kind, doc)] = dialog
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()


def show_compare(w: MainWindow, coder_ids: list[str] | None = None) -> QWidget | None:
    """Open (or bring forward) the window's Compare coders window; compare ``coder_ids``
    if given. Under blind coding it asks first; None if the researcher said no."""
    from annotator.ui.compare.compare_window import CompareWindow
    from annotator.ui.widgets.blind_coding import ask_before_comparing

    if not ask_before_comparing(w, w.state):
        return None
    window = getattr(w, "_compare_window", None)
    if window is None or not shiboken6.isValid(window):
        window = CompareWindow(w.project, w.events, w.settings, w)
        # Double-clicking a code lists its disagreements between the first two coders.
        window.codeChosen.connect(
            lambda code_id, cw=window: _disagreements_of(w, cw.current_coders(), code_id)
        )
        w._compare_window = window  # type: ignore[attr-defined]
    if coder_ids:
        window.set_coders(coder_ids)
    window.show()
    window.raise_()
    window.activateWindow()
    return cast(QWidget, window)


def _disagreements_of(w: MainWindow, coders: list[str], code_id: str) -> None:
    if len(coders) >= 2:
        open_disagreements(w, coders[0], coders[1], code_id)


def _example(w: MainWindow) -> None:
    """Help -> Open the two-coder example: build or reopen it, open it here (as File ->
    Open does), then compare its two coders."""
    from annotator.ui.compare.example import example_coder_ids, prepare_example

    path = prepare_example(w)
    if path is None:
        return
    target = w
    if path.resolve() != w.project.path.resolve():
        from annotator.ui.shell.app import open_window

        try:
            opened = open_window(path, w.settings, w)
        except (AnnotatorError, OSError) as err:
            messages.show_error(w, str(err))
            return
        if opened is None:
            return
        target = opened
        w.close()
        QApplication.processEvents()
    show_compare(target, example_coder_ids(target.project))
