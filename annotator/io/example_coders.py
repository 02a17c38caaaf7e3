"""The two-coder example: the bundled corpus with two invented coders' work, to try at once.

``resources/example_coders/`` holds one JSON file per example coder: their name,
a line about how they code, and their codings of two seed texts with the
starter codebook, each as the seed's file name, the code's path, the quoted
passage and, where the quote occurs more than once, which occurrence (1-based).
Quotes rather than offsets keep the data readable and robust; the builder finds
each quote in the stored text and refuses the whole example, naming the coding,
if a quote is not there exactly once (or at the occurrence given).

``build_example_project(path)`` is what Help -> "Open the two-coder example"
and ``annotator demo --example-coders`` call.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.core.models import Coder, Coding
from annotator.io import locations
from annotator.io.demo import build_demo
from annotator.store import Project

#: The one step that adds the example coders and their codings.
LABEL = "Add example codings"


class ExampleCoding(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    document: str = Field(min_length=1)
    code: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    occurrence: int | None = Field(default=None, ge=1)
    memo: str = ""


class ExampleCoder(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    coder: str = Field(min_length=1)
    about: str = ""
    codebook: str = ""
    codings: tuple[ExampleCoding, ...]


@dataclass(frozen=True)
class ExampleReport:
    """What the example added: its coders and how many codings each."""

    coders: tuple[Coder, ...]
    codings: dict[str, int]


def example_dir() -> Path:
    return locations.resources_dir() / "example_coders"


def read_example_coders(folder: Path | None = None) -> list[ExampleCoder]:
    """The example coders in ``folder`` (default: the bundled ones), in file-name order."""
    folder = folder or example_dir()
    files = sorted(folder.glob("*.json"))
    if not files:
        raise InvalidInput(f"There are no example coders in {folder}.")
    coders: list[ExampleCoder] = []
    for path in files:
        try:
            coders.append(ExampleCoder.model_validate(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError) as err:
            detail = (
                "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()[:3])
                if isinstance(err, ValidationError)
                else str(err)
            )
            raise InvalidInput(
                f"The example coder file {path.name} cannot be read: {detail}."
            ) from err
    return coders


def locate(text: str, quote: str, occurrence: int | None = None) -> tuple[int, int]:
    """``[start, end)`` of ``quote`` in ``text``, character for character: it must occur
    exactly once, or at least ``occurrence`` times (then that one, 1-based)."""
    hits: list[int] = []
    at = text.find(quote)
    while at >= 0:
        hits.append(at)
        at = text.find(quote, at + 1)
    if not hits:
        raise InvalidInput("the quote does not occur in the text")
    if occurrence is None and len(hits) > 1:
        raise InvalidInput(f"the quote occurs {len(hits)} times; give its occurrence")
    index = 1 if occurrence is None else occurrence
    if index > len(hits):
        raise InvalidInput(f"the quote occurs {len(hits)} times, not {index}")
    return hits[index - 1], hits[index - 1] + len(quote)


def add_example_codings(
    project: Project, coders: list[ExampleCoder] | None = None
) -> ExampleReport:
    """Add the example coders and their codings to a project holding the bundled corpus
    and starter codebook: one step (``LABEL``), all or nothing."""
    coders = coders if coders is not None else read_example_coders()
    documents = {d.source_name: d.id for d in project.documents()}
    with project.action(LABEL):
        made: list[Coder] = []
        counts: dict[str, int] = {}
        for example in coders:
            coder = project.add_coder(example.coder)
            rows = [_coding(project, documents, coder, example, c) for c in example.codings]
            report = project.add_codings(rows, LABEL)
            if report.duplicates:
                raise InvalidInput(
                    f"{example.coder}'s example codes {report.duplicates} passages twice with "
                    "the same code."
                )
            made.append(coder)
            counts[coder.id] = report.added
    return ExampleReport(tuple(made), counts)


def _coding(
    project: Project,
    documents: dict[str, str],
    coder: Coder,
    example: ExampleCoder,
    coding: ExampleCoding,
) -> Coding:
    where = f'{example.coder}\'s coding "{coding.quote[:50]}" in {coding.document}'
    document_id = documents.get(coding.document)
    if document_id is None:
        raise InvalidInput(f"{where}: the project has no document {coding.document}.")
    try:
        code = project.find_code(coding.code)
        start, end = locate(project.document_text(document_id), coding.quote, coding.occurrence)
    except AnnotatorError as err:
        raise InvalidInput(f"{where}: {err}.") from err
    return Coding(
        document_id=document_id,
        code_id=code.id,
        coder_id=coder.id,
        start=start,
        end=end,
        memo=coding.memo,
    )


def build_example_project(
    path: Path,
    *,
    folder: Path | None = None,
    progress: Callable[[int, int, Path], bool | None] | None = None,
) -> Project:
    """Create ``path``: the bundled-corpus project plus the example coders' codings;
    return it open. As ``build_demo``: complete, or not there at all."""
    coders = read_example_coders(folder)  # a broken example fails before any file is made
    return build_demo(path, progress=progress, then=lambda p: add_example_codings(p, coders))
