"""Starting the app: which project opens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.io import locations
from annotator.store import Project
from annotator.ui.shell import app


def test_first_start_builds_and_opens_the_bundled_corpus(tmp_path, monkeypatch):
    default = tmp_path / "projects" / "ai-governance.sqlite"
    monkeypatch.setattr(locations, "default_project", lambda: default)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert app._first_project(None, settings) == default
    assert default.exists()


def test_the_last_project_reopens_unless_one_is_named(tmp_path, monkeypatch, project):
    monkeypatch.setattr(locations, "default_project", lambda: tmp_path / "unused.sqlite")
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("lastProject", str(project.path))
    assert app._first_project(None, settings) == project.path
    other = tmp_path / "other.sqlite"
    Project.create(other).close()
    assert app._first_project(str(other), settings) == other
    assert not (tmp_path / "unused.sqlite").exists()


def test_naming_a_project_that_does_not_exist_offers_to_create_it(tmp_path, monkeypatch):
    """Issue 8, item 10: `annotator gui NEW.sqlite` makes the project after asking."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    asked: list[Path] = []
    monkeypatch.setattr(app, "ask_create", lambda path: asked.append(path) or True)
    new = tmp_path / "fieldwork" / "new.sqlite"
    assert app._first_project(str(new), settings) == new
    assert asked == [new]
    with Project.open(new) as p:
        assert p.documents() == []
    monkeypatch.setattr(app, "ask_create", lambda path: False)
    declined = tmp_path / "declined.sqlite"
    assert app._first_project(str(declined), settings) is None
    assert not declined.exists()
