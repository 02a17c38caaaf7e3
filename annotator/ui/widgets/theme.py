"""The window's theme: light, dark, or the system's, chosen in View -> Theme.

``apply_theme`` sets the application palette, so every open widget (and every one
made later) follows at once; "system" gives back the platform's own palette and
style. The choice is kept in QSettings (``THEME_KEY``) and applied when a window
opens. Light and dark are fixed palettes whose text colours were chosen for WCAG
contrast (4.5 for text, 3 for rims and lines); the helpers at the bottom give the
colours custom-painted parts should use (quiet counts, swatch rims, error text)
so that they stay readable in whatever palette is in force, the system's included.
"""

from __future__ import annotations

from typing import Literal, cast

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from annotator.core.colors import ensure_contrast, highlight_color

Theme = Literal["light", "dark", "system"]
THEMES: tuple[Theme, ...] = ("light", "dark", "system")
THEME_KEY = "view/theme"
#: WCAG AA: body text, and non-text parts one must see (rims, lines).
TEXT_CONTRAST = 4.5
NON_TEXT_CONTRAST = 3.0
#: Palettes only draw as given with a style that honours them (native Windows and
#: macOS styles ignore most roles): light and dark use Fusion.
PALETTE_STYLE = "Fusion"

_R = QPalette.ColorRole
_ROLES: dict[str, _R] = {
    "window": _R.Window,
    "window_text": _R.WindowText,
    "base": _R.Base,
    "alternate_base": _R.AlternateBase,
    "text": _R.Text,
    "placeholder": _R.PlaceholderText,
    "button": _R.Button,
    "button_text": _R.ButtonText,
    "bright_text": _R.BrightText,
    "highlight": _R.Highlight,
    "highlighted_text": _R.HighlightedText,
    "tooltip_base": _R.ToolTipBase,
    "tooltip_text": _R.ToolTipText,
    "link": _R.Link,
    "link_visited": _R.LinkVisited,
    "light": _R.Light,
    "midlight": _R.Midlight,
    "mid": _R.Mid,
    "dark": _R.Dark,
    "shadow": _R.Shadow,
}

#: Fusion's light look, with a placeholder grey dark enough for AA on white and on the
#: alternate rows (Qt's default, black at half alpha, is 3.9:1 on white).
LIGHT: dict[str, str] = {
    "window": "#EFEFEF",
    "window_text": "#000000",
    "base": "#FFFFFF",
    "alternate_base": "#F7F7F7",
    "text": "#000000",
    "placeholder": "#696969",
    "button": "#EFEFEF",
    "button_text": "#000000",
    "bright_text": "#FFFFFF",
    "highlight": "#2C70AA",
    "highlighted_text": "#FFFFFF",
    "tooltip_base": "#FFFFDC",
    "tooltip_text": "#000000",
    "link": "#0B57D0",
    "link_visited": "#6A3AB2",
    "light": "#FFFFFF",
    "midlight": "#CACACA",
    "mid": "#B8B8B8",
    "dark": "#9F9F9F",
    "shadow": "#767676",
}
DARK: dict[str, str] = {
    "window": "#2B2B2B",
    "window_text": "#E6E6E6",
    "base": "#1E1E1E",
    "alternate_base": "#262626",
    "text": "#E6E6E6",
    "placeholder": "#9E9E9E",
    "button": "#353535",
    "button_text": "#E6E6E6",
    "bright_text": "#FF8A80",
    "highlight": "#3D6FB4",
    "highlighted_text": "#FFFFFF",
    "tooltip_base": "#3A3A3A",
    "tooltip_text": "#E6E6E6",
    "link": "#8AB4F8",
    "link_visited": "#C58AF9",
    "light": "#555555",
    "midlight": "#444444",
    "mid": "#3A3A3A",
    "dark": "#1A1A1A",
    "shadow": "#0F0F0F",
}
#: Disabled text: still legible (3:1, as for inactive controls), visibly fainter.
DISABLED_TEXT = {"light": "#858585", "dark": "#7C7C7C"}

_system_style: str | None = None  # the style the app started with, for "system"


def palette_for(theme: Theme) -> QPalette:
    """The palette of ``theme``; "system" is the platform's (the style's own)."""
    if theme == "system":
        return QPalette()
    colors = DARK if theme == "dark" else LIGHT
    pal = QPalette()
    for name, role in _ROLES.items():
        pal.setColor(role, QColor(colors[name]))
    for role in (_R.WindowText, _R.Text, _R.ButtonText, _R.PlaceholderText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT[theme]))
    return pal


def apply_theme(theme: Theme) -> None:
    """Use ``theme`` in every window of the app, now."""
    global _system_style
    app = cast(QApplication, QApplication.instance())
    if _system_style is None:
        _system_style = app.style().name()
    wanted = PALETTE_STYLE if theme != "system" else _system_style
    if app.style().name().casefold() != wanted.casefold():
        style = QStyleFactory.create(wanted)
        if style is not None:
            app.setStyle(style)
    # A default palette resets the application's to the platform's.
    app.setPalette(palette_for(theme))


def current_theme(settings: QSettings) -> Theme:
    value = str(settings.value(THEME_KEY, "system") or "system")
    return cast(Theme, value) if value in THEMES else "system"


def choose_theme(settings: QSettings, theme: Theme) -> None:
    """The researcher chose ``theme``: apply it and remember it for the next launch."""
    apply_theme(theme)
    settings.setValue(THEME_KEY, theme)


# -- colours for custom-painted parts ---------------------------------------------------
def solid(color: QColor, over: QColor) -> str:
    """``color`` as it shows over ``over`` (alpha composited), as ``#RRGGBB``."""
    return highlight_color([color.name()], over.name(), alpha=color.alphaF())


def list_backgrounds(palette: QPalette) -> list[str]:
    """What a list or tree row is drawn on: the Base and the alternate rows."""
    return [palette.color(_R.Base).name(), palette.color(_R.AlternateBase).name()]


def quiet_text_color(palette: QPalette) -> QColor:
    """The placeholder grey for quiet figures (zero counts) in a list, darkened or
    lightened just enough to be readable text on the list's rows."""
    base = palette.color(_R.Base)
    grey = solid(palette.color(_R.PlaceholderText), base)
    return QColor(ensure_contrast(grey, list_backgrounds(palette), TEXT_CONTRAST))


def swatch_rim_color(fill: str, palette: QPalette) -> QColor:
    """The rim of a code's colour swatch on a list: a shade of the colour itself that
    stands out from the rows (a navy swatch on a dark list gets a lighter rim)."""
    return QColor(ensure_contrast(fill, list_backgrounds(palette), NON_TEXT_CONTRAST))


def error_text_color(palette: QPalette, error: str) -> QColor:
    """``error`` (a red) as readable text on the palette's window colour."""
    return QColor(ensure_contrast(error, [palette.color(_R.Window).name()], TEXT_CONTRAST))
