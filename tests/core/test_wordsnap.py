"""Word snapping: a sloppy drag codes whole words, in any script, never nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.wordsnap import (
    is_word_char,
    joined,
    next_word_end,
    next_word_start,
    prev_word_end,
    prev_word_start,
    snap_to_words,
)


def snapped(text: str, fragment: str, occurrence: int = 0) -> str:
    """Snap the selection of ``fragment`` (its n-th occurrence) and return the text it covers."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(fragment, start + 1)
    a, b = snap_to_words(text, start, start + len(fragment))
    return text[a:b]


def test_partial_words_widen_and_surrounding_space_and_punctuation_is_trimmed():
    text = "We must build capacity, in developing countries."
    assert snapped(text, "uild capac") == "build capacity"
    assert snapped(text, " capacity, ") == "capacity"
    assert snapped(text, "ntries.") == "countries"
    assert snapped(text, "W") == "We"


def test_apostrophes_inside_words_belong_to_the_word():
    text = "China's role isn't 'small' at all"
    assert snapped(text, "Chin") == "China's"
    assert snapped(text, "n't") == "isn't"
    # Quotes around a word are punctuation, not part of it.
    assert snapped(text, "'small'") == "small"
    curly = "the people\u2019s republic"
    assert snapped(curly, "peo") == "people\u2019s"


def test_emoji_between_words_is_kept_and_emoji_alone_is_not_lost():
    text = "Tech 🤖 rivalry 🇺🇸🇨🇳 heats up."
    assert snapped(text, "ch 🤖 riv") == "Tech 🤖 rivalry"
    # Only emoji selected: there is no word to snap to, so the selection stays.
    assert snapped(text, "🇺🇸🇨🇳") == "🇺🇸🇨🇳"
    assert snapped(text, " 🤖 ") == " 🤖 "


def test_each_chinese_character_is_a_word_of_its_own():
    text = "中国积极参与全球治理。"
    assert snapped(text, "参") == "参"
    assert snapped(text, "积极参与") == "积极参与"
    assert snapped(text, "全球治理。") == "全球治理"
    mixed = "AI治理 governance"
    assert snapped(mixed, "I治") == "AI治"
    assert snapped(mixed, "理 gov") == "理 governance"


def test_combining_marks_and_arabic_stay_with_their_letters():
    decomposed = "cafe\u0301 society"  # é as e + COMBINING ACUTE
    assert snapped(decomposed, "caf") == "cafe\u0301"
    assert snapped(decomposed, "\u0301") == "cafe\u0301"
    arabic = "الحوكمة العالمية للذكاء"
    assert snapped(arabic, "وكم") == "الحوكمة"
    vowelled = "كَتَبَ الدَّرْسَ"
    assert snapped(vowelled, "تَ") == "كَتَبَ"


def test_out_of_range_and_reversed_offsets_are_clamped():
    text = "hello world"
    assert snap_to_words(text, 8, 2) == (0, 11)
    assert snap_to_words(text, -5, 3) == (0, 5)
    assert snap_to_words(text, 4, 4) == (4, 4)


def test_word_steps_for_keyboard_resizing():
    text = "one two, three"
    assert next_word_end(text, 0) == 3
    assert next_word_end(text, 3) == 7
    assert prev_word_end(text, 7) == 3
    assert prev_word_end(text, 3) == 0
    assert next_word_start(text, 0) == 4
    assert next_word_start(text, 4) == 9
    assert prev_word_start(text, 9) == 4
    assert prev_word_start(text, 4) == 0
    assert next_word_end(text, len(text)) == len(text)


ALPHABET = st.sampled_from(
    [
        *"abcXYZ019 ,.;-\n'\u2019",
        "\u0301",
        "\u064e",
        "🤖",
        "🇺",
        "中",
        "国",
        "治",
        "ك",
        "ت",
        "ب",
        "\u200c",
        "é",
        "ß",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join), st.data())
def test_snap_properties(text, data):
    n = len(text)
    s = data.draw(st.integers(0, n))
    e = data.draw(st.integers(s, n))
    a, b = snap_to_words(text, s, e)
    assert 0 <= a <= b <= n
    words = [i for i in range(s, e) if is_word_char(text, i)]
    if not words:
        assert (a, b) == (s, e)
        return
    first, last = words[0], words[-1]
    # Never empty, covers every word character that was selected ...
    assert a <= first and b > last
    # ... starts and ends on word characters at word boundaries ...
    assert is_word_char(text, a) and is_word_char(text, b - 1)
    assert not joined(text, a) and not joined(text, b)
    # ... and widens only through the words the selection touched.
    assert all(joined(text, i) for i in range(a + 1, first + 1))
    assert all(joined(text, i) for i in range(last + 1, b))
    # Snapping twice changes nothing.
    assert snap_to_words(text, a, b) == (a, b)


@settings(max_examples=200, deadline=None)
@given(st.lists(ALPHABET, max_size=30).map("".join), st.data())
def test_word_steps_move_in_the_right_direction_to_boundaries(text, data):
    pos = data.draw(st.integers(0, len(text)))
    nxt, prv = next_word_end(text, pos), prev_word_end(text, pos)
    assert pos <= nxt <= len(text) and 0 <= prv <= pos
    for i in (nxt, prv):
        assert i in (0, len(text)) or (is_word_char(text, i - 1) and not joined(text, i))
    start = next_word_start(text, pos)
    assert start == len(text) or (is_word_char(text, start) and not joined(text, start))
