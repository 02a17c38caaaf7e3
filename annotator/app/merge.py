"""Merging coders' copies of a project: the preview and the merge, for the window and the CLI.

``preview_merge`` opens each source read-only, plans what it would add to the project
and what conflicts (``core.merge_plan`` has the rules), and writes nothing.
``merge`` does it: every source in one store action, so one undo step takes the whole
merge back; given the preview the researcher saw, it refuses if the project changed
so that the merge would now do something else. ``summary_lines`` words either for
people, the same in the window and on the command line.

A source is refused with one sentence, before anything is read from it or written
to the project, if it is the project itself, is given twice, or cannot be opened
(not a project, damaged, made by a newer version). One made by an older version is
merged from an updated copy in a temporary folder: the coder's file is only read.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.app.session import Session
from annotator.core.errors import InvalidInput, ProjectFileError
from annotator.core.merge_plan import MergePlan, plan_merges
from annotator.io.files import same_file
from annotator.store import Project
from annotator.store.merging import MergeSource, copy_for_update, made_by_older_version


@dataclass(frozen=True)
class MergePreview:
    """What merging the sources does (or did), source by source."""

    target: str
    plans: tuple[MergePlan, ...]

    @property
    def writes_nothing(self) -> bool:
        return all(p.writes_nothing for p in self.plans)


@contextlib.contextmanager
def open_sources(project: Project, paths: Sequence[str | Path]) -> Iterator[list[Project]]:
    """The sources, opened read-only (checked first: not the project, none twice)."""
    sources = [Path(p) for p in paths]
    if not sources:
        raise InvalidInput("Name at least one project to merge.")
    for i, path in enumerate(sources):
        if same_file(path, project.path):
            raise InvalidInput(
                f"{path.name} is the project being merged into: name another copy to merge."
            )
        if any(same_file(path, other) for other in sources[:i]):
            raise InvalidInput(f"{path.name} is named twice: merge each copy once.")
    with contextlib.ExitStack() as stack:
        opened = []
        for path in sources:
            opened.append(stack.enter_context(_open_source(path, stack)))
        yield opened


def _open_source(path: Path, stack: contextlib.ExitStack) -> Project:
    try:
        return Project.open(path, read_only=True)
    except ProjectFileError:
        if not made_by_older_version(path):
            raise
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="annotator-merge-")))
    copy = copy_for_update(path, folder / path.name)
    Project.open(copy).close()  # updates the copy's schema
    return Project.open(copy, read_only=True)


def _label(sources: Sequence[Project]) -> str:
    names = [s.path.name for s in sources]
    return "Merge " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


def preview_merge(
    project: Project, paths: Sequence[str | Path], *, restore_deleted: bool = False
) -> MergePreview:
    """What merging ``paths`` into ``project`` would add and what conflicts; writes nothing."""
    with open_sources(project, paths) as sources:
        sides = [s.merge_side() for s in sources]
    plans = plan_merges(project.merge_side(), sides, restore_deleted=restore_deleted)
    return MergePreview(project.path.name, plans)


def merge(
    session: Session,
    paths: Sequence[str | Path],
    *,
    restore_deleted: bool = False,
    expected: MergePreview | None = None,
) -> MergePreview:
    """Merge ``paths`` into the session's project: one action, one undo step.

    With ``expected`` (the preview shown), nothing is written unless the merge still
    does exactly what that preview said."""
    project = session.project
    with open_sources(project, paths) as sources:
        label = _label(sources)
        merged = [MergeSource(s.merge_side(), s.document_text) for s in sources]
        plans = session.act(
            label,
            lambda: project.merge_sources(
                merged,
                label,
                restore_deleted=restore_deleted,
                expected=expected.plans if expected is not None else None,
            ),
        )
    return MergePreview(project.path.name, plans)


# -- words ------------------------------------------------------------------------------------
_KINDS = {
    "documents": ("document", "documents"),
    "codes": ("code", "codes"),
    "coders": ("coder", "coders"),
    "codings": ("coding", "codings"),
    "memos": ("memo", "memos"),
    "attributes": ("attribute", "attributes"),
    # Texts the target's codes left empty (a definition, a memo), and memos on its codings.
    "code texts": ("code text", "code texts"),
    "coding memos": ("memo on a coding", "memos on codings"),
}


def kind_label(kind: str) -> str:
    """What a count is of, for a table's first column: "Documents", "Memos on codings"."""
    return _KINDS.get(kind, (kind, kind))[1].capitalize()


def counts(values: dict[str, int]) -> str:
    """ "3 documents, 1 coder, 25,000 codings": the non-zero counts, or "nothing"."""
    parts = []
    for kind, n in values.items():
        if n:
            singular, plural = _KINDS.get(kind, (kind, kind))
            parts.append(f"{n:,} {singular if n == 1 else plural}")
    return ", ".join(parts) or "nothing"


def summary_lines(preview: MergePreview, *, done: bool) -> list[str]:
    """The preview (``done`` False) or the merge's report, one line per item."""
    lines: list[str] = []
    for plan in preview.plans:
        verb = "Merged" if done else "Merging"
        lines.append(f"{verb} {plan.source} into {plan.target}:")
        lines.append(f"  {'added' if done else 'adds'}: {counts(plan.added())}")
        lines.append(f"  already there: {counts(dict(plan.present))}")
        if plan.matches:
            found = "; ".join(f"{m.subject} ({m.kind}: {m.detail})" for m in plan.matches)
            lines.append(f"  matched: {found}")
        if plan.conflicts:
            n = len(plan.conflicts)
            lines.append(f"  {n} conflict{'s' if n != 1 else ''}:")
            for c in plan.conflicts:
                lines.append(
                    f"    {c.kind}: {c.subject}: here {c.target}; in {plan.source} {c.source}; "
                    f"{c.outcome}"
                )
        else:
            lines.append("  no conflicts")
    if not done:
        lines.append("Dry run: nothing was written.")
    elif preview.writes_nothing:
        lines.append("Nothing to add: the project already holds all of it.")
    return lines
