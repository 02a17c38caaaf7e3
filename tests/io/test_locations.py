"""Where the bundled data and the default project live."""

from __future__ import annotations

from pathlib import Path

from annotator.io import locations


def test_from_a_checkout_projects_live_in_projects_folder():
    assert locations.in_checkout()
    root = Path(__file__).resolve().parents[2]
    assert locations.default_project() == root / "projects" / "ai-governance.sqlite"
    assert locations.starter_codebook().is_file()
    assert (locations.seeds_dir() / "manifest.json").is_file()


def test_installed_projects_go_to_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(locations, "in_checkout", lambda: False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert (
        locations.default_project() == tmp_path / "Annotator" / "projects" / "ai-governance.sqlite"
    )
    # The wheel carries seeds/ and resources/ inside the package.
    assert locations.data_root() == Path(locations.__file__).resolve().parents[1] / "_data"
