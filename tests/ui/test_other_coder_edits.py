"""Changing another coder's coding in the window asks first, whatever the gesture.

Ann is coding; Ben's coding of "technological rivalry" is selected the way a
researcher selects it (a click on its highlight, where it is the shortest). Then
the real gesture: Ctrl+R (re-assign), Ctrl+M (memo), Alt+Shift+Right (resize),
Delete (remove), or typing in the details pane's memo. Each asks (the question
is ``messages.confirm``, answered here); a "no" leaves the file and the history
as they were, a "yes" makes the edit. Ann's own codings are edited without a
question.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import SPEECH, Sample
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot
from window_env import LEFT, NOMOD, show_window

from annotator.core.models import Coding
from annotator.store import Project
from annotator.ui import MainWindow
from annotator.ui.document.highlights import caret_rect
from annotator.ui.widgets import code_picker, messages

Key, Mod = Qt.Key, Qt.KeyboardModifier
QUESTION = "This Geopolitical rivalry coding is Ben's. "


class Answers:
    """Stands in for the confirmation dialog: records the questions, gives one answer."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answer = False
        self.questions: list[str] = []
        monkeypatch.setattr(messages, "confirm", self)

    def __call__(self, _parent: object, question: str, title: str = "Annotator") -> bool:
        self.questions.append(question)
        return self.answer


@pytest.fixture
def answers(monkeypatch) -> Answers:
    return Answers(monkeypatch)


@pytest.fixture
def window(qtbot, sample, settings) -> MainWindow:
    return show_window(qtbot, sample.project.path, settings, sample.ann.id, sample.speech.id)


def on_char(w: MainWindow, cp: int) -> QPoint:
    """The middle of the character at code point ``cp``."""
    view = w.document_view
    a = caret_rect(view.text_edit, view.offsets, cp)
    b = caret_rect(view.text_edit, view.offsets, cp + 1)
    return QPoint((a.x() + b.x()) // 2, a.center().y())


def click_coding(w: MainWindow, cp: int) -> str:
    """Click the text at ``cp``: the shortest coding there becomes the selected one."""
    QTest.mouseClick(w.document_view.text_edit.viewport(), LEFT, NOMOD, on_char(w, cp))
    coding = w.state.current_coding_id
    assert coding is not None
    return coding


def bens(w: MainWindow, sample: Sample) -> Coding:
    coding = w.project.coding(click_coding(w, SPEECH.index("technological") + 3))
    assert coding.coder_id == sample.ben.id
    return coding


def stored(sample: Sample) -> tuple[list[Coding], int]:
    """The codings in the file (read by another connection) and the length of its history."""
    with Project.open(sample.project.path) as p:
        return p.codings(), len(p.history())


def press(w: MainWindow, key: Key, mods: Mod) -> None:
    QTest.keyClick(w.document_view.text_edit, key, mods)


def reassign(w: MainWindow, sample: Sample, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    monkeypatch.setattr(code_picker, "choose_code", lambda *_a, **_k: sample.norms.id)
    return lambda: press(w, Key.Key_R, Mod.ControlModifier)


def memo(w: MainWindow, sample: Sample, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    monkeypatch.setattr(
        QInputDialog, "getMultiLineText", lambda *_a, **_k: ("Ben's reading, I think.", True)
    )
    return lambda: press(w, Key.Key_M, Mod.ControlModifier)


def resize(w: MainWindow, sample: Sample, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    return lambda: press(w, Key.Key_Right, Mod.AltModifier | Mod.ShiftModifier)


def remove(w: MainWindow, sample: Sample, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    return lambda: press(w, Key.Key_Delete, Mod.NoModifier)


GESTURES = {
    "Ctrl+R re-assigns": (reassign, "Re-assign it to Norms anyway?"),
    "Ctrl+M edits the memo": (memo, "Change its memo anyway?"),
    "Alt+Shift+Right resizes": (resize, "Change the passage it covers anyway?"),
    "Delete removes": (remove, "Remove it anyway?"),
}


@pytest.mark.parametrize("gesture", list(GESTURES))
def test_a_no_leaves_another_coder_s_coding_as_it_was(
    qtbot: QtBot,
    window: MainWindow,
    sample: Sample,
    answers: Answers,
    errors: list[str],
    monkeypatch: pytest.MonkeyPatch,
    gesture: str,
) -> None:
    make, question = GESTURES[gesture]
    coding = bens(window, sample)
    before = stored(sample)
    make(window, sample, monkeypatch)()
    assert answers.questions == [QUESTION + question] and errors == []
    assert stored(sample) == before
    assert window.state.current_coding_id == coding.id  # still selected, unchanged


@pytest.mark.parametrize("gesture", list(GESTURES))
def test_a_yes_edits_another_coder_s_coding(
    qtbot: QtBot,
    window: MainWindow,
    sample: Sample,
    answers: Answers,
    errors: list[str],
    monkeypatch: pytest.MonkeyPatch,
    gesture: str,
) -> None:
    make, question = GESTURES[gesture]
    answers.answer = True
    coding = bens(window, sample)
    steps = stored(sample)[1]
    make(window, sample, monkeypatch)()
    assert answers.questions == [QUESTION + question] and errors == []
    after, steps_after = stored(sample)
    assert steps_after == steps + 1
    changed = {c.id: c for c in after}.get(coding.id)
    if gesture == "Delete removes":
        assert changed is None
    elif gesture == "Ctrl+R re-assigns":
        assert changed is not None and changed.code_id == sample.norms.id
    elif gesture == "Ctrl+M edits the memo":
        assert changed is not None and changed.memo == "Ben's reading, I think."
    else:
        assert changed is not None and changed.start == coding.start and changed.end > coding.end
    if changed is not None:
        assert changed.coder_id == sample.ben.id  # it stays Ben's
        assert changed.updated_by == sample.ann.id  # and says who changed it
        assert "by Ann" in window.details.coding_times.text()


@pytest.mark.parametrize("gesture", list(GESTURES))
def test_the_active_coder_s_own_coding_is_edited_without_a_question(
    qtbot: QtBot,
    window: MainWindow,
    sample: Sample,
    answers: Answers,
    errors: list[str],
    monkeypatch: pytest.MonkeyPatch,
    gesture: str,
) -> None:
    make, _question = GESTURES[gesture]
    click_coding(window, SPEECH.index("The US") + 1)  # Ann's rivalry coding
    own = window.project.coding(window.state.current_coding_id or "")
    assert own.coder_id == sample.ann.id
    steps = stored(sample)[1]
    make(window, sample, monkeypatch)()
    assert answers.questions == [] and errors == []
    assert stored(sample)[1] == steps + 1


def test_the_details_pane_asks_before_another_coder_s_memo_is_changed(
    qtbot: QtBot, window: MainWindow, sample: Sample, answers: Answers, errors: list[str]
) -> None:
    coding = bens(window, sample)
    field = window.details.coding_memo
    before = stored(sample)
    qtbot.mouseClick(field.viewport(), LEFT)
    qtbot.keyClicks(field, "Not mine to say.")
    qtbot.keyClick(field, Key.Key_Return, Mod.ControlModifier)  # commits the memo
    assert answers.questions == [QUESTION + "Change its memo anyway?"] and errors == []
    assert stored(sample) == before
    assert field.toPlainText() == coding.memo  # back to what is stored
    answers.answer = True
    qtbot.keyClicks(field, "Ben's, noted by Ann.")
    qtbot.keyClick(field, Key.Key_Return, Mod.ControlModifier)
    assert len(answers.questions) == 2
    with Project.open(sample.project.path) as p:
        assert p.coding(coding.id).memo == "Ben's, noted by Ann."
