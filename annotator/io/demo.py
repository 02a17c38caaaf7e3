"""Builds the bundled-corpus project: the seed texts with their metadata and the
starter codebook, so a newcomer opens a real project on first launch."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from annotator.core.errors import InvalidInput
from annotator.io import locations
from annotator.io.sources.batch import ImportReport, import_files
from annotator.io.tables.codebook_csv import import_codebook
from annotator.store import Project

ATTRIBUTES = ("author", "date", "outlet", "genre")


def read_manifest(seeds: Path) -> list[dict[str, str]]:
    path = seeds / "manifest.json"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["documents"]
    except (OSError, ValueError, KeyError) as err:
        raise InvalidInput(f"The corpus manifest {path} cannot be read: {err}.") from err
    return [dict(e) for e in entries]


#: The history's actor for the steps that build the bundled project.
BUILDER = "Annotator (bundled corpus)"


def build_demo(
    path: Path,
    *,
    seeds: Path | None = None,
    codebook: Path | None = None,
    progress: Callable[[int, int, Path], bool | None] | None = None,
    then: Callable[[Project], object] | None = None,
) -> Project:
    """Create ``path`` from the bundled corpus and starter codebook; return it open.

    The file is built under a temporary name and moved into place only when
    complete, so an interrupted build never leaves a half-made project behind.
    ``then`` adds more to the project before it is moved into place (the two-coder
    example adds its coders), so a failure there leaves nothing behind either.
    """
    seeds = seeds or locations.seeds_dir()
    codebook = codebook or locations.starter_codebook()
    manifest = read_manifest(seeds)
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    project = Project.create(partial)
    # The history names who built the project; and as no coder is that actor, nobody's
    # Edit -> Undo takes the corpus apart (with no coder chosen yet, the actor is "").
    project.actor = BUILDER
    try:
        import_codebook(project, codebook)
        files = [seeds / e["file"] for e in manifest]
        attributes = {e["file"]: {k: e[k] for k in ATTRIBUTES if e.get(k)} for e in manifest}
        formats = {e["file"]: e.get("format", "txt") for e in manifest}
        report: ImportReport = import_files(
            project, files, progress=progress, attributes=attributes, formats=formats
        )
        if report.cancelled:
            raise InvalidInput("Building the bundled-corpus project was cancelled.")
        if not report.ok:
            problems = "; ".join(f"{p.name}: {m}" for p, m in report.failed + report.duplicates)
            raise InvalidInput(f"The bundled corpus did not import cleanly: {problems}")
        titles = {e["file"]: e["title"] for e in manifest if e.get("title")}
        with project.action("Title bundled documents"):
            for doc in project.documents():
                if doc.source_name in titles:
                    project.rename_document(doc.id, titles[doc.source_name])
        if then is not None:
            then(project)
    except BaseException:
        project.close()
        partial.unlink(missing_ok=True)
        raise
    project.close()
    partial.replace(path)
    return Project.open(path)


def open_or_build_default() -> Project:
    """The default project, built on first use."""
    path = locations.default_project()
    if path.exists():
        return Project.open(path)
    return build_demo(path)
