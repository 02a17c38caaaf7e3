"""Starting the app: which project opens."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from annotator.io import locations
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
    assert app._first_project(str(other), settings) == other
    assert not (tmp_path / "unused.sqlite").exists()
