"""Colours: parsing, contrast-aware text colour, visible blending of overlaps."""

from __future__ import annotations

import pytest

from annotator.core.colors import (
    PALETTE,
    contrast_ratio,
    ensure_contrast,
    highlight_color,
    next_palette_color,
    normalise_color,
    readable_text_color,
)
from annotator.core.errors import InvalidInput


@pytest.mark.parametrize(
    ("raw", "expect"),
    [
        ("#abc", "#AABBCC"),
        ("aabbcc", "#AABBCC"),
        ("#AABBCCFF", "#AABBCC"),
        ("rgb(255, 0, 16)", "#FF0010"),
    ],
)
def test_colours_in_the_forms_other_tools_write(raw, expect):
    assert normalise_color(raw) == expect


def test_a_non_colour_is_refused_with_its_value_named():
    with pytest.raises(InvalidInput, match="'blue-ish' is not a colour"):
        normalise_color("blue-ish")


@pytest.mark.parametrize("base", ["#FFFFFF", "#1E1E1E"])
def test_highlighted_text_stays_readable_in_light_and_dark_themes(base):
    for color in PALETTE:
        for layers in ([color], [color, PALETTE[0]], [color, PALETTE[3], PALETTE[5]]):
            bg = highlight_color(layers, base)
            assert contrast_ratio(bg, readable_text_color(bg)) >= 4.5


def test_overlaps_blend_to_a_colour_different_from_each_part():
    a, b = "#E6194B", "#4363D8"
    both = highlight_color([a, b], "#FFFFFF")
    assert both not in (highlight_color([a], "#FFFFFF"), highlight_color([b], "#FFFFFF"))


def test_new_codes_get_an_unused_palette_colour():
    assert next_palette_color([PALETTE[0], PALETTE[1]]) == PALETTE[2]


@pytest.mark.parametrize("background", ["#FFFFFF", "#F7F7F7", "#1E1E1E", "#2B2B2B"])
@pytest.mark.parametrize("color", [*PALETTE, "#808080", "#9E9E9E"])
def test_a_colour_is_moved_just_far_enough_to_be_seen_on_its_background(
    color: str, background: str
) -> None:
    for minimum in (3.0, 4.5):
        shown = ensure_contrast(color, [background], minimum)
        assert contrast_ratio(shown, background) >= minimum
        if contrast_ratio(color, background) >= minimum:
            assert shown == normalise_color(color)  # already seen: left as it is


def test_a_colour_must_be_seen_on_every_background_given() -> None:
    shown = ensure_contrast("#000075", ["#1E1E1E", "#262626"], 3.0)
    assert min(contrast_ratio(shown, b) for b in ("#1E1E1E", "#262626")) >= 3.0
    assert shown != "#FFFFFF"  # a lighter navy, not white
