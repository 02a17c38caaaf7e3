"""Mouse gestures in a real X window (Xvfb and xdotool), where click timing is the X
server's: offscreen Qt synthesises double-clicks itself. Skipped where Xvfb or xdotool
is not installed (``apt-get install xvfb xdotool``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.passages import paragraph_span

HERE = Path(__file__).parent
pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xdotool")), reason="needs Xvfb and xdotool"
)


@pytest.fixture
def display() -> Iterator[str]:
    name = f":{90 + os.getpid() % 9}"
    server = subprocess.Popen(
        ["Xvfb", name, "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    if server.poll() is not None:
        pytest.skip(f"Xvfb could not start on {name}")
    try:
        yield name
    finally:
        server.terminate()
        server.wait(10)


def test_triple_click_selects_the_paragraph_in_a_real_x_window(display: str, tmp_path) -> None:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run(
        [sys.executable, str(HERE / "x_window" / "triple_click.py"), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if "could not load the Qt platform plugin" in done.stderr:
        pytest.skip("Qt's xcb platform libraries are not installed")
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    text, word = seen["text"], seen["word"]
    assert seen["double"] == [word, word + len("governance")]
    assert seen["triple"] == list(paragraph_span(text, word))
    start, end = seen["triple"]
    assert "\n\n" not in text[start:end] and end - start > 200  # a paragraph, not the text
