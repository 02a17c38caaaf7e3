"""Every file dialog of the app, made so that showing it can never loosen the open project.

Qt's default file icon provider (and a platform dialog running in our process)
opens each listed file to sniff its type, then closes it; closing any
descriptor of the open project drops SQLite's POSIX locks on it, after which
another process may delete the WAL under us (``store.guard`` explains it, and
holds the project through locks a close cannot drop). So the dialogs here are
Qt's own widget dialogs with an icon provider that judges by name only, and
they never list an open project's ``-wal``, ``-shm`` or ``-journal`` files,
which nobody means to pick anyway.

Each dialog remembers its own last folder (importing documents, exporting,
opening projects): researchers import from one folder and export to another.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import (
    QFileInfo,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    QSortFilterProxyModel,
)
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QStyle, QWidget

from annotator.store import guard

#: SQLite's companion files: never offered, never opened by a dialog.
_COMPANIONS = ("-wal", "-shm", "-journal")


class NameOnlyIcons(QAbstractFileIconProvider):
    """Folder or file icons decided from the name and kind alone; no file is opened."""

    def icon(self, what: object) -> QIcon:
        style = QApplication.style()
        if isinstance(what, QFileInfo) and what.isDir():
            return style.standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        if (
            isinstance(what, QAbstractFileIconProvider.IconType)
            and what == QAbstractFileIconProvider.IconType.Folder
        ):
            return style.standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        return style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


class _HideCompanions(QSortFilterProxyModel):
    """Leaves out SQLite's -wal/-shm/-journal files from the listing."""

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if isinstance(model, QFileSystemModel):
            name = model.fileName(model.index(row, 0, parent))
            if name.endswith(_COMPANIONS):
                return False
        return True


def _settings_key(purpose: str) -> str:
    return f"dialogs/{purpose}/folder"


def _start_folder(settings: QSettings | None, purpose: str, fallback: Path | None) -> str:
    if settings is not None:
        saved = str(settings.value(_settings_key(purpose)) or "")
        if saved and Path(saved).is_dir():
            return saved
    if fallback is not None and fallback.is_dir():
        return str(fallback)
    return str(Path.home())


def make_dialog(parent: QWidget | None, title: str, folder: str, name_filter: str) -> QFileDialog:
    """A file dialog that opens no file it lists (see the module docstring)."""
    dialog = QFileDialog(parent, title, folder, name_filter)
    dialog.setObjectName("fileDialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setOption(QFileDialog.Option.DontUseCustomDirectoryIcons, True)
    provider = NameOnlyIcons()
    dialog.setIconProvider(provider)
    dialog._icon_provider = provider  # type: ignore[attr-defined]  # kept alive with the dialog
    dialog.setProxyModel(_HideCompanions(dialog))
    return dialog


def _run(dialog: QFileDialog, settings: QSettings | None, purpose: str) -> list[Path]:
    if not dialog.exec():
        return []
    chosen = [Path(f) for f in dialog.selectedFiles()]
    if chosen and settings is not None:
        settings.setValue(_settings_key(purpose), str(chosen[0].parent))
    return chosen


def open_files(
    parent: QWidget | None,
    settings: QSettings | None,
    purpose: str,
    title: str,
    name_filter: str,
    fallback: Path | None = None,
) -> list[Path]:
    """Existing files to read (several allowed)."""
    dialog = make_dialog(parent, title, _start_folder(settings, purpose, fallback), name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    return _run(dialog, settings, purpose)


def open_file(
    parent: QWidget | None,
    settings: QSettings | None,
    purpose: str,
    title: str,
    name_filter: str,
    fallback: Path | None = None,
) -> Path | None:
    """One existing file to read."""
    dialog = make_dialog(parent, title, _start_folder(settings, purpose, fallback), name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    chosen = _run(dialog, settings, purpose)
    return chosen[0] if chosen else None


def save_file(
    parent: QWidget | None,
    settings: QSettings | None,
    purpose: str,
    title: str,
    default_name: str,
    name_filter: str,
    fallback: Path | None = None,
) -> Path | None:
    """A file to write; the dialog asks before replacing an existing one. A name typed
    without an extension gets the chosen filter's first one ("notes" as Markdown is
    "notes.md")."""
    dialog = make_dialog(parent, title, _start_folder(settings, purpose, fallback), name_filter)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(_first_suffix(dialog.selectedNameFilter()))
    dialog.filterSelected.connect(lambda chosen: dialog.setDefaultSuffix(_first_suffix(chosen)))
    dialog.selectFile(default_name)
    chosen = _run(dialog, settings, purpose)
    return chosen[0] if chosen else None


def _first_suffix(name_filter: str) -> str:
    """ "md" for "Markdown (*.md *.markdown)"; "" for a filter of no one extension."""
    match = re.search(r"\*\.([\w.]+)", name_filter)
    return match.group(1) if match else ""


def is_open_project_file(path: Path) -> bool:
    """Whether ``path`` is an open project's own file (reading it would loosen its locks)."""
    return guard.is_held(path)
