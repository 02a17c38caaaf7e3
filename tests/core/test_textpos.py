"""OffsetMap: store offsets (code points) and Qt positions (UTF-16 units) must agree
exactly, or every highlight after an emoji lands on the wrong words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.textpos import OffsetMap


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


TEXTS = st.lists(
    st.sampled_from([*"ab \n", "é", "e\u0301", "中", "ع", "🤖", "🇺🇸", "𝒳", "\U0010fffd"]),
    max_size=50,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_every_code_point_position_maps_to_python_s_own_utf16_count_and_back(text):
    m = OffsetMap(text)
    assert m.length == len(text)
    assert m.length_utf16 == utf16_len(text)
    assert m.identity == (utf16_len(text) == len(text))
    for cp in range(len(text) + 1):
        u16 = m.to_utf16(cp)
        assert u16 == utf16_len(text[:cp])
        assert m.to_codepoint(u16) == cp
        assert m.to_codepoint(u16, round_up=True) == cp


def test_a_position_inside_a_surrogate_pair_rounds_to_the_character_s_edges():
    text = "a🤖b"
    m = OffsetMap(text)
    # UTF-16: a=0, 🤖=1..2, b=3; position 2 lies between the two halves of 🤖.
    assert m.to_codepoint(2) == 1
    assert m.to_codepoint(2, round_up=True) == 2
    assert m.to_utf16(2) == 3


def test_positions_outside_the_text_are_refused():
    m = OffsetMap("🤖🤖")
    with pytest.raises(ValueError):
        m.to_utf16(3)
    with pytest.raises(ValueError):
        m.to_utf16(-1)
    with pytest.raises(ValueError):
        m.to_codepoint(5)
    assert m.to_codepoint(4) == 2


def test_long_text_with_many_emoji_converts_quickly_and_exactly():
    text = ("word 🤖 " * 20000) + "end"
    m = OffsetMap(text)
    cp = text.index("end")
    assert m.to_utf16(cp) == utf16_len(text[:cp])
    assert m.to_codepoint(m.to_utf16(cp)) == cp
