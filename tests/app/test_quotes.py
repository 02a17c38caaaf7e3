"""Finding a quoted passage in a text (``annotator code --quote``)."""

from __future__ import annotations

import pytest

from annotator.app.operations import find_quote
from annotator.core.errors import InvalidInput, NotFound


def test_find_quote_tolerates_rewrapped_white_space():
    text = "We must build\ncapacity in developing countries."
    assert text[slice(*find_quote(text, "build capacity", None))] == "build\ncapacity"
    with pytest.raises(NotFound):
        find_quote(text, "missing words", None)
    with pytest.raises(InvalidInput, match=r"occurs once; say which with --occurrence 1\.\.1"):
        find_quote(text, "build", 3)


def test_a_quote_matches_whole_words_only():
    text = "The other one. Then the end."
    # Not inside "other" (nor "Then"): the only whole-word "the" is unambiguous.
    assert find_quote(text, "the", None) == (text.index("the end"), text.index("the end") + 3)
