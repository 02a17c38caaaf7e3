"""Colours for codes: a readable default palette, blending of overlaps, contrast.

Pure functions on ``#RRGGBB`` strings so the view only asks and draws.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from annotator.core.errors import InvalidInput

#: Distinct, mid-saturation colours that stay readable as highlights in light and dark themes.
PALETTE = [
    "#E6194B", "#3CB44B", "#FFE119", "#4363D8", "#F58231", "#911EB4",
    "#42D4F4", "#F032E6", "#BFEF45", "#FABED4", "#469990", "#DCBEFF",
    "#9A6324", "#FFD8B1", "#800000", "#AAFFC3", "#808000", "#000075",
]  # fmt: skip

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$")
_SHORT = re.compile(r"^#?([0-9a-fA-F]{3})$")
_RGB = re.compile(r"^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*[\d.]+\s*)?\)$", re.I)


def normalise_color(value: str) -> str:
    """Accept ``#rgb``, ``#rrggbb``, ``#rrggbbaa`` or ``rgb(r,g,b)``; return ``#RRGGBB``."""
    v = value.strip()
    if m := _HEX.match(v):
        return "#" + m.group(1).upper()
    if m := _SHORT.match(v):
        return "#" + "".join(c * 2 for c in m.group(1)).upper()
    if m := _RGB.match(v):
        parts = [int(x) for x in m.groups()]
        if all(0 <= p <= 255 for p in parts):
            return "#{:02X}{:02X}{:02X}".format(*parts)
    raise InvalidInput(f"'{value}' is not a colour (expected #RRGGBB).")


def to_rgb(color: str) -> tuple[int, int, int]:
    c = normalise_color(color)
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def to_hex(rgb: Sequence[float]) -> str:
    r, g, b = (max(0, min(255, round(x))) for x in rgb)
    return f"#{r:02X}{g:02X}{b:02X}"


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance, 0 (black) .. 1 (white)."""

    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = to_rgb(color)
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text_color(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``."""
    return (
        "#000000"
        if contrast_ratio(background, "#000000") >= contrast_ratio(background, "#FFFFFF")
        else "#FFFFFF"
    )


def ensure_contrast(color: str, backgrounds: Sequence[str], minimum: float) -> str:
    """``color``, moved toward black or white just far enough to contrast at least
    ``minimum`` (WCAG ratio) with every one of ``backgrounds``.

    A quiet grey or a code's colour keeps its look where it is already legible, and
    only darkens (light theme) or lightens (dark theme) where it is not: a navy swatch
    on a dark list gets a lighter rim, a pale yellow one on white a darker rim.
    """
    if not backgrounds:
        return normalise_color(color)
    # The extreme that contrasts best with the darkest or lightest background we must beat.
    worst = min(
        backgrounds, key=lambda b: max(contrast_ratio(b, "#000000"), contrast_ratio(b, "#FFFFFF"))
    )
    target = to_rgb(readable_text_color(worst))
    start = to_rgb(color)
    for step in range(21):  # 5 % steps: fine enough that the rim is not overdone
        t = step / 20
        mixed = to_hex([s * (1 - t) + e * t for s, e in zip(start, target, strict=True)])
        if all(contrast_ratio(mixed, b) >= minimum for b in backgrounds):
            return mixed
    return to_hex(target)


def highlight_color(colors: Sequence[str], base: str, alpha: float = 0.45) -> str:
    """The background for text covered by ``colors``: each laid over ``base`` with ``alpha``.

    Overlaps come out as a visible mix instead of one code hiding another. The
    alpha shrinks a little per layer so deep overlaps do not turn to mud.
    """
    out = [float(x) for x in to_rgb(base)]
    if not colors:
        return to_hex(out)
    a = alpha if len(colors) == 1 else max(0.3, alpha * 0.85)
    for color in colors:
        rgb = to_rgb(color)
        out = [o * (1 - a) + c * a for o, c in zip(out, rgb, strict=True)]
    return to_hex(out)


def next_palette_color(used: Iterable[str]) -> str:
    """The first palette colour not yet used (cycling once all are)."""
    taken = [normalise_color(c) for c in used if c]
    for color in PALETTE:
        if color not in taken:
            return color
    return PALETTE[len(taken) % len(PALETTE)]
