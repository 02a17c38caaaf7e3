"""How a reliability figure is graded and drawn: a word, a sign and a readable colour.

Krippendorff's thresholds (alpha of at least .800: rely on the data; from .667:
tentative conclusions only; below: not reliable) grade the alpha columns. Each
grade has a word and a sign so it never rests on colour alone, and a colour that
is darkened or lightened until it reads as text (WCAG 4.5:1) on the list rows of
whatever palette is in force, the dark one included.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

from annotator.core.colors import ensure_contrast
from annotator.ui.widgets.theme import TEXT_CONTRAST, list_backgrounds

#: Krippendorff (2004), Content Analysis, 2nd ed., sect. 12.4.
RELIABLE, TENTATIVE = 0.800, 0.667


@dataclass(frozen=True)
class Grade:
    word: str
    sign: str
    color: str  # the hue, before it is fitted to the palette


GRADES = {
    "reliable": Grade("reliable", "✓", "#2E7D32"),
    "tentative": Grade("tentative", "~", "#B26A00"),
    "not reliable": Grade("not reliable", "✗", "#C62828"),
}


def grade(value: float | None) -> Grade | None:
    """The grade of an alpha; None when it is undefined."""
    if value is None:
        return None
    # compare what is shown (three decimals): .7996 shows as 0.800 and must read reliable
    shown = round(value, 3)
    if shown >= RELIABLE:
        return GRADES["reliable"]
    if shown >= TENTATIVE:
        return GRADES["tentative"]
    return GRADES["not reliable"]


def grade_color(g: Grade, palette: QPalette) -> QColor:
    """The grade's colour as readable text on the palette's list rows."""
    return QColor(ensure_contrast(g.color, list_backgrounds(palette), TEXT_CONTRAST))
