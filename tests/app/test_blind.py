"""Blind coding, without Qt: the rule for whose codings a coder may see, and the project
setting behind it (kept in the file, one undo step to change)."""

from __future__ import annotations

from conftest import Sample

from annotator.app import blind
from annotator.app.session import Session
from annotator.store import Project


def test_off_by_default_and_the_show_filter_decides(sample: Sample) -> None:
    p, ann, ben = sample.project, sample.ann.id, sample.ben.id
    assert not blind.is_on(p)
    assert blind.visible_coders(p, ann, None) is None  # everyone
    assert blind.visible_coders(p, ann, [ben]) == {ben}  # even without the active coder


def test_on_each_coder_sees_only_their_own_codings_whatever_show_says(sample: Sample) -> None:
    p, ann, ben = sample.project, sample.ann.id, sample.ben.id
    assert blind.set_blind(Session(p), True)
    assert blind.is_on(p)
    for chosen in (None, [ann, ben], [ben], []):
        assert blind.visible_coders(p, ann, chosen) == {ann}
        assert blind.visible_coders(p, ben, chosen) == {ben}


def test_on_nobody_sees_anything_until_they_say_who_they_are(sample: Sample) -> None:
    blind.set_blind(Session(sample.project), True)
    assert blind.visible_coders(sample.project, None, None) == frozenset()


def test_switching_is_one_undo_step_kept_in_the_file(sample: Sample) -> None:
    p = sample.project
    session = Session(p)
    session.set_active_coder(sample.ann.id)
    assert blind.set_blind(session, True)
    assert not blind.set_blind(session, True)  # already on: no second step
    assert [e.label for e in p.history()][-1] == "Turn blind coding on"
    reader = Project.open(p.path, read_only=True)
    try:
        assert blind.is_on(reader)  # the setting lives in the project file
    finally:
        reader.close()
    changes = p.undo()
    assert blind.changes_blind(changes)
    assert not blind.is_on(p)


def test_only_the_blind_setting_counts_as_switching(sample: Sample) -> None:
    p = sample.project
    with p.action("Other setting") as changes:
        p.set_setting("something/else", "1")
    assert not blind.changes_blind(changes)
    assert not blind.is_on(p)
