"""Where bundled data and project files live, in a checkout and when installed.

From a source checkout (``seeds/manifest.json`` beside ``pyproject.toml``) the
corpus and codebook are read from the checkout and projects go to
``projects/``. Installed as a package, the same files ship inside the wheel
(``annotator/_data``) and projects go to the user's data folder (platformdirs).
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

_PACKAGE = Path(__file__).resolve().parents[1]
_CHECKOUT = _PACKAGE.parent

DEFAULT_PROJECT_NAME = "ai-governance.sqlite"


def in_checkout() -> bool:
    return (_CHECKOUT / "pyproject.toml").is_file() and (
        _CHECKOUT / "seeds" / "manifest.json"
    ).is_file()


def data_root() -> Path:
    """The folder holding ``seeds/`` and ``resources/``."""
    return _CHECKOUT if in_checkout() else _PACKAGE / "_data"


def seeds_dir() -> Path:
    return data_root() / "seeds"


def resources_dir() -> Path:
    return data_root() / "resources"


def starter_codebook() -> Path:
    return resources_dir() / "codebooks" / "ai-governance.csv"


def projects_dir() -> Path:
    if in_checkout():
        return _CHECKOUT / "projects"
    return Path(platformdirs.user_data_dir("Annotator", appauthor=False)) / "projects"


def default_project() -> Path:
    return projects_dir() / DEFAULT_PROJECT_NAME
