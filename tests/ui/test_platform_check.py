"""Starting the window on a Linux desktop without Qt's X11 libraries: one line naming
what to install, instead of Qt's hint-less abort (issue 8, item 9)."""

from __future__ import annotations

import ctypes

from annotator.ui import platform_check
from annotator.ui.shell import app


def test_missing_xcb_libraries_are_named_with_the_install_command(monkeypatch, capsys):
    real = ctypes.CDLL

    def cdll(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name in ("libxcb-cursor.so.0", "libxcb-icccm.so.4"):
            raise OSError(f"{name}: cannot open shared object file")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(ctypes, "CDLL", cdll)
    monkeypatch.setattr(platform_check, "uses_xcb", lambda environ=None: True)
    monkeypatch.setattr(app.QApplication, "instance", staticmethod(lambda: None))
    assert app.run_app(None) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4" in err
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4" in err


def test_which_platform_qt_will_use():
    assert platform_check.uses_xcb({"DISPLAY": ":0"})
    assert not platform_check.uses_xcb({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"})
    assert not platform_check.uses_xcb({"WAYLAND_DISPLAY": "wayland-0"})
    assert platform_check.uses_xcb({"QT_QPA_PLATFORM": "xcb"})
