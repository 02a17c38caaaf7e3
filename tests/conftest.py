"""Shared fixtures. Qt runs offscreen: no test needs a display."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.models import Code, Coder, Document
from annotator.store import Project

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """An empty project file in a temporary folder."""
    p = Project.create(tmp_path / "test.sqlite")
    yield p
    p.close()


@dataclass
class Sample:
    """A small coded project: two documents (one with emoji), three codes, two coders."""

    project: Project
    ann: Coder
    ben: Coder
    speech: Document
    emoji: Document
    norms: Code
    norm_shaper: Code
    rivalry: Code


SPEECH = (
    "China will actively participate in global governance of AI.\n"
    "We must build capacity in developing countries.\n"
    "The US and China are locked in a technological rivalry.\n"
)
EMOJI = "Tech 🤖 rivalry 🇺🇸🇨🇳 heats up.\nCapacity 💪 building matters.\n"


@pytest.fixture
def sample(project: Project) -> Sample:
    ann = project.add_coder("Ann")
    ben = project.add_coder("Ben")
    speech = project.add_document(
        "Speech", SPEECH, source_name="speech.txt", attributes={"genre": "speech"}
    )
    emoji = project.add_document(
        "Emoji post", EMOJI, source_name="emoji.txt", attributes={"genre": "forum"}
    )
    norms = project.add_code("Norms", color="#4363D8", definition="Talk about rules and norms.")
    shaper = project.add_code("Norm-shaper", norms.id, color="#3CB44B")
    rivalry = project.add_code("Geopolitical rivalry", color="#E6194B")
    project.add_coding(speech.id, shaper.id, ann.id, 0, 59)
    project.add_coding(speech.id, rivalry.id, ann.id, SPEECH.index("The US"), len(SPEECH) - 1)
    project.add_coding(
        speech.id, rivalry.id, ben.id, SPEECH.index("technological"), len(SPEECH) - 2
    )
    project.add_coding(emoji.id, rivalry.id, ben.id, 0, EMOJI.index(" heats"))
    return Sample(project, ann, ben, speech, emoji, norms, shaper, rivalry)


# -- the window tests' shared fixtures (Qt imported only when a test asks for them) --------
@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings in the test's folder, so no test reads or changes the user's."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The messages the window would show, in order (no dialog opens)."""
    from annotator.ui.widgets import messages

    seen: list[str] = []
    monkeypatch.setattr(
        messages, "show_error", lambda _parent, err, title="Annotator": seen.append(str(err))
    )
    return seen


# -- the REFI-QDA exchange tests -------------------------------------------------------------
def _shared_folder() -> Path:
    """The shared material (REFI-QDA samples, published agreement examples), not in the
    repository: ``ANNOTATOR_SHARED``, else ``shared/`` beside the checkout (or beside the
    folder holding it, for a worktree), else ``/work/shared``."""
    repo = Path(__file__).resolve().parents[1]
    candidates = [os.environ.get("ANNOTATOR_SHARED", ""), repo.parent / "shared",
                  repo.parent.parent / "shared", "/work/shared"]  # fmt: skip
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return repo.parent / "shared"


SHARED = _shared_folder()
#: Files written by NVivo, MAXQDA, ATLAS.ti and Taguette; ``ANNOTATOR_REFI_SAMPLES`` points
#: elsewhere.
REFI_SAMPLES = Path(
    os.environ.get("ANNOTATOR_REFI_SAMPLES", SHARED / "interop" / "refi-qda" / "samples")
)
#: Published worked examples of agreement coefficients.
AGREEMENT_EXAMPLES = SHARED / "reference" / "agreement_examples.json"


@pytest.fixture
def samples() -> Path:
    """The folder of REFI-QDA files other tools wrote; the test is skipped without it."""
    if not REFI_SAMPLES.is_dir():
        pytest.skip(f"the REFI-QDA sample files are not on this machine ({REFI_SAMPLES})")
    return REFI_SAMPLES
