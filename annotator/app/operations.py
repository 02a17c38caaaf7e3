"""Coding operations and their policies: what "code this", "re-assign that" mean, once.

Every function here is one undoable action on ``session.project`` (run by
``session.act`` under the label named here, the one the Edit menu and the
history show), and returns what it did: ``Coded`` for coding text, ``Edited``
for an edit of a coding. Failures are ``AnnotatorError``s with one sentence;
then nothing changed.

Policies:

- Text is coded by the active coder (the store checks the offsets and that
  the passage holds some words).
- Pick-then-apply: ``code_span`` and ``code_spans`` take either the chosen
  code (``code_id``) or the name of a code to create (``new_name``). A new
  name is a path: ``Parent/Child`` creates ``Child`` under the existing code
  ``Parent`` (``\\/`` is a slash inside a name). Creating and coding are one
  step.
- Coding many spans (search hits) skips the spans the active coder has
  already coded with that code, so pressing "Code all" twice adds nothing.
- The other-coder rule: removing, re-assigning, resizing or editing the memo
  of a coding that is not the active coder's asks first, through the
  ``confirm(question) -> bool`` the caller passes (a dialog in the window); a
  "no" changes nothing and returns ``Edited(done=False)``.
- A code used to code text goes first among the session's recent codes.

``find_quote`` turns a quoted passage into offsets (the command line's
``code --quote``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from annotator.app.session import Session
from annotator.core.changes import ChangeSet
from annotator.core.codebook import join_path, name_key, split_path
from annotator.core.errors import InvalidInput, NotFound
from annotator.core.models import Code, Coding, clean_name
from annotator.core.passages import widen
from annotator.store import Project

T = TypeVar("T")

#: ``confirm(question)``: whether the researcher says yes to ``question``.
Confirm = Callable[[str], bool]
#: A passage to code: (document id, start, end) in code points.
Span = tuple[str, int, int]

#: The longest in-vivo code name (longer selections are cut at a word and marked "…").
IN_VIVO_LIMIT = 80


@dataclass(frozen=True)
class Coded:
    """What coding text did: the code applied (``created``: made by this operation),
    the codings added, how many spans were left alone because the coder had already
    coded them with that code, and the action's record (empty if nothing was done)."""

    code: Code
    codings: tuple[Coding, ...]
    created: bool = False
    skipped: int = 0
    changes: ChangeSet = field(default_factory=ChangeSet)

    @property
    def coding(self) -> Coding:
        """The coding added (operations on one span)."""
        return self.codings[0]


@dataclass(frozen=True)
class Edited:
    """What an edit of a coding did. ``coding`` is the coding after the edit (for a
    removal: as it was); ``done`` is False when the researcher declined to edit
    another coder's coding, and then nothing changed."""

    coding: Coding
    done: bool = True
    changes: ChangeSet = field(default_factory=ChangeSet)


# -- helpers ---------------------------------------------------------------------------
def _act(session: Session, label: str, work: Callable[[], T]) -> tuple[T, ChangeSet]:
    """Run ``work`` as the action ``label``; its result and what the action wrote."""
    record: list[ChangeSet] = []

    def run() -> T:
        # Joins the action the session's runner opened: the ChangeSet is that action's record.
        with session.project.action(label) as changes:
            record.append(changes)
            return work()

    result = session.act(label, run)
    return result, (record[0].compact() if record else ChangeSet(label))


def _passages(n: int) -> str:
    return f"{n} passage" if n == 1 else f"{n} passages"


@dataclass(frozen=True)
class _NewCode:
    name: str
    parent_id: str | None
    #: Parents the path names that do not exist yet, outermost first: made in the same
    #: step as the code (the researcher said yes to that).
    missing: tuple[str, ...] = ()

    def make(self, project: Project) -> Code:
        """Add the missing parents, then the code (inside the caller's action)."""
        parent = self.parent_id
        for name in self.missing:
            parent = project.add_code(name, parent).id
        return project.add_code(self.name, parent)


def _new_code(
    session: Session, new_name: str, parent_id: str | None, confirm: Confirm | None = None
) -> _NewCode:
    """Where a code named by the path ``new_name`` goes: its name and its parent (the
    path's leading names are codes under ``parent_id``, None: the top level). Leading
    names with no code yet are refused, unless ``confirm`` says yes to making them."""
    parts = split_path(new_name)
    if not parts:
        raise InvalidInput("A code needs a name.")
    tree = session.project.code_tree()
    if parent_id is not None and parent_id not in tree.codes:
        raise NotFound(f"No parent code with id {parent_id}.")
    parent = parent_id
    for depth, part in enumerate(parts[:-1]):
        key = name_key(part)
        found = next((c for c in tree.children(parent) if name_key(c.name) == key), None)
        if found is None:
            missing = tuple(clean_name(p) for p in parts[depth:-1])
            where = f"under '{tree.path(parent)}'" if parent is not None else "at the top level"
            shown = join_path(list(missing))
            if confirm is not None and confirm(
                f"There is no code '{shown}' {where} yet. Create it, with '{parts[-1]}' under it?"
            ):
                return _NewCode(clean_name(parts[-1]), parent, missing)
            raise NotFound(
                f"There is no code '{part}' {where} to create '{parts[-1]}' under; "
                "create it first, or choose another name."
            )
        parent = found.id
    return _NewCode(clean_name(parts[-1]), parent)


def _one_of(code_id: str | None, new_name: str | None) -> None:
    if (code_id is None) == (new_name is None):
        raise InvalidInput("Choose a code, or name a new one.")


# -- coding text -------------------------------------------------------------------------
def code_span(
    session: Session,
    document_id: str,
    start: int,
    end: int,
    *,
    code_id: str | None = None,
    new_name: str | None = None,
    parent_id: str | None = None,
    memo: str = "",
    confirm: Confirm | None = None,
) -> Coded:
    """Code ``[start, end)`` of a document as the active coder: with the chosen code
    (``code_id``), or with a new code named by the path ``new_name`` (under
    ``parent_id``, None: the top level), created in the same step; parents the path
    names that do not exist are made too if ``confirm`` says yes (else refused)."""
    _one_of(code_id, new_name)
    coder = session.require_coder()
    project = session.project
    if code_id is not None:
        code = project.code(code_id)
        coding, changes = _act(
            session,
            f"Code with {code.name}",
            lambda: project.add_coding(document_id, code.id, coder, start, end, memo=memo),
        )
        session.used(code.id)
        return Coded(code, (coding,), changes=changes)
    assert new_name is not None
    new = _new_code(session, new_name, parent_id, confirm)

    def run() -> tuple[Code, Coding]:
        made = new.make(project)
        return made, project.add_coding(document_id, made.id, coder, start, end, memo=memo)

    (code, coding), changes = _act(session, f"Code with new code {new.name}", run)
    session.used(code.id)
    return Coded(code, (coding,), created=True, changes=changes)


def code_with_new_code(
    session: Session,
    name: str,
    document_id: str,
    start: int,
    end: int,
    parent_id: str | None = None,
) -> Coded:
    """Create a code (``name`` may be a path ``Parent/Child``) and code the span with it."""
    return code_span(session, document_id, start, end, new_name=name, parent_id=parent_id)


def in_vivo_name(text: str) -> str:
    """The code name the words ``text`` make: white space folded, long ones cut at a word."""
    words = " ".join(text.split())
    if not words:
        raise InvalidInput("Select some words to use as the code's name.")
    if len(words) > IN_VIVO_LIMIT:
        words = words[:IN_VIVO_LIMIT].rsplit(" ", 1)[0] + "…"
    return words


def code_in_vivo(
    session: Session, document_id: str, start: int, end: int, parent_id: str | None = None
) -> Coded:
    """The selected words become a new code (named exactly so: a slash in them is no
    path), applied to them."""
    name = in_vivo_name(session.project.document_text(document_id)[start:end])
    return code_span(
        session, document_id, start, end, new_name=join_path([name]), parent_id=parent_id
    )


def widen_spans(project: Project, spans: Sequence[Span], unit: str) -> list[Span]:
    """Each span widened to its sentence or paragraph (``core.passages``; "hit" keeps it
    as it is), in order; hits widened to one passage (two hits in one sentence) become
    one span. Each document's text is read once."""
    if unit == "hit":
        return list(dict.fromkeys(spans))
    texts: dict[str, str] = {}
    out: list[Span] = []
    for doc, start, end in spans:
        if doc not in texts:
            texts[doc] = project.document_text(doc)
        out.append((doc, *widen(texts[doc], start, end, unit)))
    return list(dict.fromkeys(out))


def code_spans(
    session: Session,
    spans: Sequence[Span],
    *,
    code_id: str | None = None,
    new_name: str | None = None,
    parent_id: str | None = None,
    confirm: Confirm | None = None,
) -> Coded:
    """Code several (document, start, end) spans in one step (search hits), with the
    chosen code or a new one (as ``code_span``). Spans the active coder has already
    coded with the chosen code are skipped (``Coded.skipped``); if every span is,
    nothing is done and ``Coded.codings`` is empty."""
    _one_of(code_id, new_name)
    coder = session.require_coder()
    if not spans:
        raise InvalidInput("There is nothing to code.")
    unique = list(dict.fromkeys(spans))
    project = session.project
    if code_id is not None:
        code = project.code(code_id)

        def uncoded() -> list[Span]:
            done = {
                (c.document_id, c.start, c.end)
                for c in project.codings(code_ids=[code.id], coder_ids=[coder])
            }
            return [s for s in unique if s not in done]

        todo = uncoded()
        if not todo:
            return Coded(code, (), skipped=len(spans))

        def run() -> list[Coding]:
            # Checked again inside the transaction: another window may have coded some since.
            return [project.add_coding(d, code.id, coder, s, e) for d, s, e in uncoded()]

        codings, changes = _act(session, f"Code {_passages(len(todo))} with {code.name}", run)
        session.used(code.id)
        return Coded(code, tuple(codings), skipped=len(spans) - len(codings), changes=changes)
    assert new_name is not None
    new = _new_code(session, new_name, parent_id, confirm)

    def run_new() -> tuple[Code, list[Coding]]:
        made = new.make(project)
        return made, [project.add_coding(d, made.id, coder, s, e) for d, s, e in unique]

    (made, codings), changes = _act(
        session, f"Code {_passages(len(unique))} with new code {new.name}", run_new
    )
    session.used(made.id)
    return Coded(
        made, tuple(codings), created=True, skipped=len(spans) - len(unique), changes=changes
    )


# -- editing a coding: the other-coder rule -------------------------------------------------
def _allowed(session: Session, coding: Coding, what: str, confirm: Confirm) -> bool:
    """Whether ``coding`` may be edited: it is the active coder's, or the researcher
    said yes to doing ``what`` to another coder's coding."""
    if session.is_mine(coding.coder_id):
        return True
    project = session.project
    owner = project.coder(coding.coder_id).name
    code = project.code(coding.code_id).name
    return confirm(f"This {code} coding is {owner}'s. {what} anyway?")


def remove_coding(session: Session, coding_id: str, *, confirm: Confirm) -> Edited:
    """Remove a coding (another coder's only after ``confirm`` says yes)."""
    project = session.project
    coding = project.coding(coding_id)
    name = project.code(coding.code_id).name
    if not _allowed(session, coding, "Remove it", confirm):
        return Edited(coding, done=False)
    _, changes = _act(session, f"Remove coding {name}", lambda: project.remove_coding(coding_id))
    return Edited(coding, changes=changes)


def reassign_coding(session: Session, coding_id: str, code_id: str, *, confirm: Confirm) -> Edited:
    """Give a coding another code (another coder's only after ``confirm`` says yes)."""
    project = session.project
    coding = project.coding(coding_id)
    new = project.code(code_id)
    if coding.code_id == code_id:
        return Edited(coding)
    if not _allowed(session, coding, f"Re-assign it to {new.name}", confirm):
        return Edited(coding, done=False)
    after, changes = _act(
        session,
        f"Re-assign coding to {new.name}",
        lambda: project.update_coding(coding_id, code_id=code_id, by=session.active_coder_id or ""),
    )
    return Edited(after, changes=changes)


def resize_coding(
    session: Session, coding_id: str, start: int, end: int, *, confirm: Confirm
) -> Edited:
    """Move a coding's start and end (another coder's only after ``confirm`` says yes)."""
    project = session.project
    coding = project.coding(coding_id)
    if (coding.start, coding.end) == (start, end):
        return Edited(coding)
    name = project.code(coding.code_id).name
    if not _allowed(session, coding, "Change the passage it covers", confirm):
        return Edited(coding, done=False)
    after, changes = _act(
        session,
        f"Resize coding {name}",
        lambda: project.update_coding(
            coding_id, start=start, end=end, by=session.active_coder_id or ""
        ),
    )
    return Edited(after, changes=changes)


def set_coding_memo(session: Session, coding_id: str, memo: str, *, confirm: Confirm) -> Edited:
    """Replace a coding's memo (another coder's only after ``confirm`` says yes)."""
    project = session.project
    coding = project.coding(coding_id)
    if coding.memo == memo:
        return Edited(coding)
    name = project.code(coding.code_id).name
    if not _allowed(session, coding, "Change its memo", confirm):
        return Edited(coding, done=False)
    after, changes = _act(
        session,
        f"Edit memo of coding {name}",
        lambda: project.update_coding(coding_id, memo=memo, by=session.active_coder_id or ""),
    )
    return Edited(after, changes=changes)


# -- quotes ----------------------------------------------------------------------------------
def find_quote(text: str, quote: str, occurrence: int | None) -> tuple[int, int]:
    """Offsets of ``quote`` in ``text``; white space in the quote matches any run of
    white space (quotes copied from a PDF or e-mail often re-wrap lines). Several
    occurrences need ``occurrence`` (1-based) to say which."""
    words = quote.split()
    if not words:
        raise InvalidInput("The quote is empty.")
    # Whole words at the ends: "the" must not match inside "other".
    head = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
    tail = r"(?!\w)" if re.search(r"\w$", words[-1]) else ""
    pattern = re.compile(head + r"\s+".join(re.escape(w) for w in words) + tail)
    hits = [(m.start(), m.end()) for m in pattern.finditer(text)]
    if not hits:
        raise NotFound(f'The quote "{quote[:60]}" does not occur in the document.')
    if occurrence is None:
        if len(hits) > 1:
            raise InvalidInput(
                f"The quote occurs {len(hits)} times; say which with --occurrence 1..{len(hits)}."
            )
        return hits[0]
    if not 1 <= occurrence <= len(hits):
        times = "once" if len(hits) == 1 else f"{len(hits)} times"
        raise InvalidInput(f"The quote occurs {times}; say which with --occurrence 1..{len(hits)}.")
    return hits[occurrence - 1]
