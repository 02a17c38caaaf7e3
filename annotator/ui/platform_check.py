"""Before the window starts on Linux: are the X11 libraries Qt's xcb platform needs there?

Without them Qt aborts with "could not load the Qt platform plugin 'xcb'" and no hint.
PySide6's wheels bring Qt but not these system libraries, and a fresh desktop install
often lacks a few (libxcb-cursor0 is the usual one). This finds the missing ones by
loading each, so the app can say in one line what to install.
"""

from __future__ import annotations

import ctypes
import os
import sys

#: The shared libraries Qt 6's xcb platform plugin links against, with the Debian/Ubuntu
#: package that provides each.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
}


def uses_xcb(environ: dict[str, str] | None = None) -> bool:
    """Whether Qt will try its X11 platform here (Linux, and no other platform asked for)."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return False
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] == "xcb"
    # With only a Wayland session, Qt picks wayland; with a DISPLAY it picks xcb.
    return bool(env.get("DISPLAY")) or not env.get("WAYLAND_DISPLAY")


def missing_libraries() -> list[str]:
    """The xcb libraries that cannot be loaded."""
    missing = []
    for name in XCB_LIBRARIES:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def advice(missing: list[str]) -> str:
    """One line: what is missing and the command that installs it."""
    packages = " ".join(dict.fromkeys(XCB_LIBRARIES[m] for m in missing))
    return (
        f"The window cannot start: Qt's X11 platform needs {', '.join(missing)}, which "
        f"{'is' if len(missing) == 1 else 'are'} not installed. Install with: sudo apt-get install {packages}"
    )
