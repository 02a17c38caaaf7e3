"""The assembled window: a researcher's session from opening to quitting."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.document.highlights import caret_rect

LEFT, NOMOD = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


@pytest.fixture
def window(qtbot, sample, settings) -> MainWindow:
    path = sample.project.path
    w = MainWindow(path, settings)
    qtbot.addWidget(w)
    w.state.set_active_coder(sample.ann.id)
    w.state.set_current_document(sample.speech.id)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    return w


def select(w: MainWindow, start: int, end: int) -> None:
    """A real mouse drag over the text, from code point ``start`` to ``end``."""
    view = w.document_view
    vp = view.text_edit.viewport()

    def at(cp: int) -> QPoint:
        rect = caret_rect(view.text_edit, view.offsets, cp)
        return QPoint(rect.x(), rect.center().y())

    QTest.mousePress(vp, LEFT, NOMOD, at(start))
    QTest.mouseMove(vp, at(end))
    QTest.mouseRelease(vp, LEFT, NOMOD, at(end))


def fresh(project_path: Path) -> Project:
    return Project.open(project_path)


def test_builds_without_showing_with_stable_object_names(qtbot, sample, settings):
    w = MainWindow(sample.project.path, settings)
    qtbot.addWidget(w)
    assert not w.isVisible()
    for name in (
        "documentList",
        "documentView",
        "codeTree",
        "codeDetails",
        "segmentList",
        "coderSelector",
    ):
        assert w.findChild(QWidget, name) is not None, name
    unnamed = [a.text() for a in w.findChildren(QAction) if a.text() and not a.objectName()]
    assert unnamed == []
    shortcuts = {a.objectName(): a.shortcut().toString() for a in w.findChildren(QAction)}
    assert shortcuts["actionUndo"] and shortcuts["actionRedo"] and shortcuts["actionFind"]
    assert (
        shortcuts["actionOpenProject"]
        and shortcuts["actionQuit"]
        and shortcuts["actionImportDocuments"]
    )
    # Two actions on one key make Qt fire neither ("ambiguous shortcut"): each key once.
    keys = [k for n, k in shortcuts.items() if k and n in w.menu_actions]
    assert sorted(keys) == sorted(set(keys)), [k for k in set(keys) if keys.count(k) > 1]


def test_active_coder_is_in_the_title_and_the_toolbar(window, sample, qtbot):
    assert "coding as Ann" in window.windowTitle()
    selector = window.coder_bar.selector
    qtbot.mouseClick(selector, LEFT)  # opens the list of coders
    popup = selector.view()
    qtbot.waitUntil(popup.isVisible)
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # the combo ignores a release at once
    ben = popup.visualRect(selector.model().index(selector.findData(sample.ben.id), 0))
    qtbot.mouseClick(popup.viewport(), LEFT, pos=ben.center())
    assert not popup.isVisible()
    assert "coding as Ben" in window.windowTitle()
    assert window.state.active_coder_id == sample.ben.id


def test_quick_key_codes_the_mouse_selection_and_undo_redo_work(window, sample, errors):
    window.project.update_code(sample.norms.id, quick_key=4)
    select(window, 0, 5)
    window.document_view.text_edit.setFocus()
    QTest.keyClick(window.document_view.text_edit, Qt.Key.Key_4)
    with fresh(sample.project.path) as p:  # committed: another connection sees it at once
        new = [c for c in p.codings(code_ids=[sample.norms.id])]
    assert errors == []
    assert [(c.start, c.end, c.coder_id) for c in new] == [(0, 5, sample.ann.id)]
    undo = window.menu_actions["actionUndo"]
    assert "Norms" in undo.text()
    undo.trigger()
    assert window.project.codings(code_ids=[sample.norms.id]) == []
    window.menu_actions["actionRedo"].trigger()
    assert len(window.project.codings(code_ids=[sample.norms.id])) == 1


def test_double_clicking_a_code_applies_it_to_the_selection(window, sample, qtbot, errors):
    select(window, 0, 5)
    tree = window.code_tree
    row = tree.view.visualRect(tree.proxy.mapFromSource(tree.model.index_of(sample.rivalry.id)))
    # A real double-click: the first click (press, release), then the double-click event.
    qtbot.mouseClick(tree.view.viewport(), LEFT, pos=row.center())
    qtbot.mouseDClick(tree.view.viewport(), LEFT, pos=row.center())
    spans = {
        (c.start, c.end)
        for c in window.project.codings(code_ids=[sample.rivalry.id], coder_ids=[sample.ann.id])
    }
    assert (0, 5) in spans and errors == []


def test_coding_without_a_selection_says_so(window, sample, errors):
    window.document_view.text_edit.textCursor().clearSelection()
    assert window.apply_code_to_selection(sample.rivalry.id) is False
    assert errors and "Select some text" in errors[0]


def test_undo_crosses_documents(window, sample):
    select(window, 0, 5)
    window.apply_code_to_selection(sample.norms.id)
    window.state.set_current_document(sample.emoji.id)
    select(window, 0, 4)
    window.apply_code_to_selection(sample.norms.id)
    assert len(window.project.codings(code_ids=[sample.norms.id])) == 2
    window.stack.undo()
    window.stack.undo()
    assert window.project.codings(code_ids=[sample.norms.id]) == []


def test_layout_and_recent_projects_persist(qtbot, sample, settings):
    w = MainWindow(sample.project.path, settings)
    qtbot.addWidget(w)
    w.show()
    w.docks["segments"].hide()
    w.state.set_active_coder(sample.ben.id)
    w.close()
    w2 = MainWindow(sample.project.path, settings)
    qtbot.addWidget(w2)
    assert w2.docks["segments"].isHidden()
    assert w2.state.active_coder_id == sample.ben.id  # the last coder on this project
    assert w2.recent_projects()[0] == str(sample.project.path.resolve())
    assert all(isinstance(d, QDockWidget) and d.objectName() for d in w2.docks.values())


def test_dropping_files_imports_them(window, tmp_path, errors):
    a = tmp_path / "op-ed.txt"
    a.write_text("An op-ed on AI governance and capacity building.\n", encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(a))])
    event = QDropEvent(QPoint(10, 10).toPointF(), Qt.DropAction.CopyAction, data, LEFT, NOMOD)
    window.dropEvent(event)
    titles = [d.title for d in window.project.documents()]
    assert "An op-ed on AI governance and capacity building." in titles
    # The new document is opened.
    assert window.state.current_document_id == window.project.find_document("op-ed.txt").id
    assert errors == []


def test_quitting_keeps_everything(qtbot, sample, settings):
    w = MainWindow(sample.project.path, settings)
    qtbot.addWidget(w)
    w.state.set_active_coder(sample.ann.id)
    w.state.set_current_document(sample.speech.id)
    w.show()
    select(w, 0, 5)
    w.apply_code_to_selection(sample.rivalry.id)
    w.close()
    with fresh(sample.project.path) as p:
        assert any((c.start, c.end) == (0, 5) for c in p.codings(code_ids=[sample.rivalry.id]))


def test_search_all_dialog_opens(window):
    window.menu_actions["actionSearchAll"].trigger()
    dialog = window.findChild(QWidget, "searchDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.close()
    QApplication.processEvents()


def test_an_import_is_one_undo_step(window, tmp_path, errors):
    from annotator.ui.shell.file_actions import import_paths

    files = []
    for i in range(5):
        f = tmp_path / f"doc{i}.txt"
        f.write_text(f"Document number {i} on AI governance.\n", encoding="utf-8")
        files.append(f)
    before = len(window.project.documents())
    import_paths(window, files)
    assert len(window.project.documents()) == before + 5
    assert window.menu_actions["actionUndo"].text() == "&Undo Import 5 documents"
    window.undo()
    assert len(window.project.documents()) == before
    window.redo()
    assert len(window.project.documents()) == before + 5


def test_undo_commits_a_half_typed_field_first_and_keeps_history_linear(window, sample, qtbot):
    """Typing in the details pane, then Undo: the typed text is its own step, undone first."""
    select(window, 0, 5)
    window.apply_code_to_selection(sample.norms.id)
    window.state.set_current_code(sample.norms.id)
    field = window.details.code_fields["definition"]
    field.setFocus()
    qtbot.keyClicks(field, "Talk about norms, rules and standards.")
    window.undo()  # undoes the definition edit, which was committed just before
    assert window.project.code(sample.norms.id).definition == "Talk about rules and norms."
    assert len(window.project.codings(code_ids=[sample.norms.id])) == 1
    window.undo()  # then the coding
    assert window.project.codings(code_ids=[sample.norms.id]) == []
    window.redo()
    window.redo()
    assert window.project.code(sample.norms.id).definition == (
        "Talk about norms, rules and standards.Talk about rules and norms."
    )  # typed at the caret
    assert not window.stack.canRedo()


def test_undo_shows_the_document_it_changed(window, sample):
    select(window, 0, 5)
    coding = window.coding_actions.apply(sample.rivalry.id, sample.speech.id, 0, 5)
    window.state.set_current_document(sample.emoji.id)
    window.undo()
    assert window.state.current_document_id == sample.speech.id
    window.redo()
    assert window.state.current_coding_id == coding.id


def test_a_new_coding_is_selected_and_never_hidden_by_the_show_filter(window, sample):
    window.coder_bar.set_view("chosen", frozenset([sample.ben.id]))  # Ann is coding, Ben shown
    select(window, 0, 5)
    assert window.apply_code_to_selection(sample.norms.id)
    coding = window.project.codings(code_ids=[sample.norms.id])[0]
    assert window.state.current_coding_id == coding.id
    assert window.state.coder_visible(sample.ann.id)
    assert "shown again" in window.statusBar().currentMessage()


def test_keyboard_moves_between_the_parts_of_the_window(window):
    for name, widget in (
        ("actionGoCodebook", window.code_tree.view),
        ("actionGoText", window.document_view.text_edit),
        ("actionGoDocuments", window.document_list.view),
        ("actionGoSegments", window.segments.view),
    ):
        window.menu_actions[name].trigger()
        assert widget.hasFocus(), name


def test_coding_menu_reassigns_and_annotates_the_selected_coding(
    window, sample, monkeypatch, errors
):
    from PySide6.QtWidgets import QInputDialog

    from annotator.ui.widgets import code_picker

    select(window, 0, 5)
    window.apply_code_to_selection(sample.norms.id)
    coding = window.state.current_coding_id
    monkeypatch.setattr(code_picker, "choose_code", lambda *_a: sample.rivalry.id)
    window.menu_actions["actionReassignCoding"].trigger()
    assert window.project.coding(coding).code_id == sample.rivalry.id
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a: ("Hedged claim.", True))
    window.menu_actions["actionCodingMemo"].trigger()
    assert window.project.coding(coding).memo == "Hedged claim."
    window.state.set_current_coding(None)
    window.menu_actions["actionRemoveCoding"].trigger()
    assert errors and "Select a coding first" in errors[-1]


def test_reopening_returns_to_the_document_and_place_being_read(qtbot, project, settings):
    coder = project.add_coder("Ann")
    text = "".join(f"Paragraph {i} on AI governance and rivalry.\n" for i in range(2000))
    doc = project.add_document("Long", text)
    project.add_document("Short", "A short text.")
    w = MainWindow(project.path, settings)
    qtbot.addWidget(w)
    w.state.set_active_coder(coder.id)
    w.state.set_current_document(doc.id)
    w.show()
    w.document_view.restore_reading_position(doc.id, text.index("Paragraph 1500"))
    place = w.document_view.reading_position(doc.id)
    w.close()
    w2 = MainWindow(project.path, settings)
    qtbot.addWidget(w2)
    w2.show()
    assert w2.state.current_document_id == doc.id
    assert w2.document_view.reading_position(doc.id) == place


def test_a_half_typed_field_committed_by_another_action_does_not_take_its_undo_step(
    window, sample, qtbot
):
    """Removing a coding from the menu while a definition is half-typed: the removal is
    undoable as such, and so is the definition edit (neither replaces the other)."""
    select(window, 0, 5)
    window.apply_code_to_selection(sample.rivalry.id)
    coding = window.state.current_coding_id
    window.state.set_current_code(sample.rivalry.id)
    field = window.details.code_fields["definition"]
    field.setFocus()
    qtbot.keyClicks(field, "Great powers. ")
    window.coding_actions.remove(coding)
    labels = [window.stack.text(i) for i in range(window.stack.count())]
    assert labels[-2:] == [
        "Edit definition of Geopolitical rivalry",
        "Remove coding Geopolitical rivalry",
    ]
    window.undo()
    assert window.project.coding(coding).code_id == sample.rivalry.id


def test_deleting_the_selected_coding_s_code_clears_the_selection(window, sample, errors):
    select(window, 0, 5)
    window.apply_code_to_selection(sample.norms.id)
    window.code_tree.delete(sample.norms.id, "delete")
    assert window.state.current_coding_id is None
    window.menu_actions["actionCodingMemo"].trigger()  # nothing selected: a message, no traceback
    assert errors and "Select a coding first" in errors[-1]


def test_a_failed_undo_is_reported(window, sample, errors):
    select(window, 0, 5)
    window.apply_code_to_selection(sample.norms.id)
    coding = window.state.current_coding_id
    with Project.open(sample.project.path) as other:  # someone else edits the same coding
        other.update_coding(coding, memo="changed elsewhere")
    window.undo()
    assert errors and "changed since" in errors[-1]


def test_importing_a_codebook_is_one_undo_step(window, tmp_path, errors):
    from annotator.ui.shell.exchange_actions import import_codebook

    path = tmp_path / "cb.csv"
    path.write_text("name,path\r\nBrand new,Brand new\r\n", encoding="utf-8")
    assert import_codebook(window, path)
    assert window.project.find_code("Brand new")
    window.undo()
    assert all(c.name != "Brand new" for c in window.project.codes())
    assert errors == []


def test_undo_history_survives_closing_and_reopening_the_project(qtbot, sample, settings):
    """The history lives in the project file: after a relaunch, Edit -> Undo names the
    last step and undoes it."""
    first = MainWindow(sample.project.path, settings)
    qtbot.addWidget(first)
    first.state.set_active_coder(sample.ann.id)
    first.state.set_current_document(sample.speech.id)
    first.show()
    qtbot.waitExposed(first)
    select(first, 0, 5)
    assert first.apply_code_to_selection(sample.norms.id)
    coding = first.state.current_coding_id
    first.close()
    with fresh(sample.project.path) as other:  # another coder's later step is not Ann's to undo
        other.actor = "Ben"
        other.add_coder("Cem")
    second = MainWindow(sample.project.path, settings)
    qtbot.addWidget(second)
    undo = second.menu_actions["actionUndo"]
    assert undo.isEnabled() and undo.text() == f"&Undo Code with {sample.norms.name}"
    undo.trigger()
    with fresh(sample.project.path) as p:
        assert coding not in {c.id for c in p.codings()}
    assert second.menu_actions["actionRedo"].text() == f"&Redo Code with {sample.norms.name}"


def test_after_a_crash_the_app_reopens_the_document_being_worked_in(qtbot, sample, settings):
    """Issue 8, item 17: the open document and reading position are saved as they change."""
    first = MainWindow(sample.project.path, settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.state.set_current_document(sample.emoji.id)
    # No closeEvent: the process dies here (its file is let go as a dead process's would be).
    # What was saved must already be in the settings.
    settings.sync()
    first.events.detach()
    first.project.close()
    second = MainWindow(sample.project.path, settings)
    qtbot.addWidget(second)
    assert second.state.current_document_id == sample.emoji.id


def test_choosing_a_code_with_nobody_coding_asks_who_is_coding_then_applies_it(
    qtbot, sample, settings, monkeypatch
):
    """Issue 8, item 8: no status-bar refusal that is easy to miss; the question, then the coding."""
    from PySide6.QtWidgets import QInputDialog

    w = MainWindow(sample.project.path, settings)
    qtbot.addWidget(w)
    w.state.set_current_document(sample.speech.id)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    assert w.needs_coder()
    asked: list[str] = []
    monkeypatch.setattr(
        QInputDialog, "getItem", lambda *a, **k: asked.append(a[1]) or ("Ben", True)
    )
    select(w, 0, 5)
    assert w.apply_code_to_selection(sample.norms.id)
    assert asked == ["Who is coding?"]
    assert w.state.active_coder_id == sample.ben.id
    with fresh(sample.project.path) as p:
        assert [(c.coder_id, c.start, c.end) for c in p.codings(code_ids=[sample.norms.id])] == [
            (sample.ben.id, 0, 5)
        ]
