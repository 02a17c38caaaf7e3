"""Coders, memos and document attributes: the operations behind their dialogs.

Each function is one undoable action on ``session.project`` run by ``session.act``
under the label named here (the one the Edit menu and the history show). Failures
are ``AnnotatorError``s with one sentence; then nothing changed.

Policies:

- The coder one is coding as cannot be merged away or deleted: the history
  records each step under its coder's name and Undo takes that coder's own
  steps, so the step that removed the active coder could be undone by nobody.
  The researcher chooses another coder in the toolbar first.
- A memo's author is the active coder (none when nobody is coding yet). A memo
  with no document is a journal entry: the project journal is those memos.
- A new attribute may not take a name the document already has (in any case):
  it would silently overwrite that attribute's value.

``merge_question`` and ``delete_question`` word the confirmations with the
counts the researcher needs to decide (how many codings, how many folded).
"""

from __future__ import annotations

from annotator.app.session import Session
from annotator.core.errors import Conflict, InvalidInput
from annotator.core.models import Coder, Memo
from annotator.core.text import plural
from annotator.store.coders import CoderMerge, CoderRemoval


def _become(n: int) -> str:
    return "becomes" if n == 1 else "become"


# -- coders ------------------------------------------------------------------------------
def _not_active(session: Session, coder_id: str, doing: str) -> Coder:
    coder = session.project.coder(coder_id)
    if session.is_mine(coder_id):
        raise InvalidInput(
            f"You are coding as {coder.name}: choose another coder in the toolbar "
            f"before {doing} {coder.name}."
        )
    return coder


def rename_coder(session: Session, coder_id: str, name: str) -> Coder:
    """Rename a coder; a name another coder has (in any case) is refused (Conflict)."""
    old = session.project.coder(coder_id)
    new = " ".join(name.split())
    if not new:
        raise InvalidInput("A coder needs a name.")
    if new == old.name:
        return old
    return session.act(
        f"Rename coder {old.name} to {new}", lambda: session.project.rename_coder(coder_id, new)
    )


def merge_coders(session: Session, source_id: str, target_id: str) -> CoderMerge:
    """Merge ``source`` into ``target`` (the same person under two names), one step."""
    source = _not_active(session, source_id, "merging")
    target = session.project.coder(target_id)
    return session.act(
        f"Merge coder {source.name} into {target.name}",
        lambda: session.project.merge_coders(source_id, target_id),
    )


def delete_coder(session: Session, coder_id: str) -> CoderRemoval:
    """Delete a coder with their codings (their memos stay, without an author), one step."""
    coder = _not_active(session, coder_id, "deleting")
    return session.act(f"Delete coder {coder.name}", lambda: session.project.delete_coder(coder_id))


def merge_question(session: Session, source_id: str, target_id: str) -> str:
    """The confirmation for merging ``source`` into ``target``, with its counts."""
    p = session.project
    source, target = p.coder(source_id).name, p.coder(target_id).name
    plan = p.coder_merge_preview(source_id, target_id)
    parts = [f"{source}'s {plural(plan.codings, 'coding')} {_become(plan.codings)} {target}'s"]
    if plan.folded:
        same = "it is" if plan.folded == 1 else "they are"
        parts[0] += (
            f" ({plan.folded} of them {target} coded exactly alike: {same} folded into "
            f"{target}'s, memos joined)"
        )
    if plan.memos:
        parts.append(f"{source}'s {plural(plan.memos, 'memo')} {_become(plan.memos)} {target}'s")
    parts.append(f"the coder {source} is removed")
    body = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return (
        f"Merge {source} into {target}?\n\n{body[0].upper()}{body[1:]}.\n\nEdit → Undo reverses it."
    )


def delete_question(session: Session, coder_id: str) -> str:
    """The confirmation for deleting a coder, naming what goes with them."""
    p = session.project
    name = p.coder(coder_id).name
    plan = p.coder_removal_preview(coder_id)
    if plan.codings:
        what = f"Delete {name} and {name}'s {plural(plan.codings, 'coding')}?"
    else:
        what = f"Delete {name}? {name} has no codings."
    kept = (
        f" {name}'s {plural(plan.memos, 'memo')} {'is' if plan.memos == 1 else 'are'} kept, "
        "without an author."
        if plan.memos
        else ""
    )
    undo = f"{name} and the codings" if plan.codings else name
    return f"{what}{kept}\n\nEdit → Undo restores {undo}."


# -- memos -------------------------------------------------------------------------------
def _memo_name(memo: Memo) -> str:
    return memo.title or "untitled memo"


def add_memo(session: Session, document_id: str | None, title: str, text: str) -> Memo:
    """A memo on ``document_id`` (None: a journal entry), by the active coder."""
    where = "journal entry" if document_id is None else "memo"
    name = f" {' '.join(title.split())}" if title.strip() else ""
    return session.act(
        f"Add {where}{name}",
        lambda: session.project.add_memo(
            text, title=title, document_id=document_id, coder_id=session.active_coder_id
        ),
    )


def edit_memo(
    session: Session, memo_id: str, *, title: str | None = None, text: str | None = None
) -> Memo:
    """Change a memo's title and/or text; an edit that changes nothing is no step."""
    old = session.project.memo(memo_id)
    return session.act(
        f"Edit memo {_memo_name(old)}",
        lambda: session.project.update_memo(memo_id, title=title, text=text),
    )


def delete_memo(session: Session, memo_id: str) -> None:
    old = session.project.memo(memo_id)
    session.act(f"Delete memo {_memo_name(old)}", lambda: session.project.delete_memo(memo_id))


# -- document attributes -------------------------------------------------------------------
def set_attribute(session: Session, document_id: str, name: str, value: str) -> None:
    """Change the value of a document's attribute."""
    title = session.project.document(document_id, with_text=False).title
    session.act(
        f"Set {name} of {title}",
        lambda: session.project.set_document_attribute(document_id, name, value),
    )


def add_attribute(session: Session, document_id: str, name: str, value: str = "") -> str:
    """A new attribute; a name the document already has (in any case) is refused.
    Returns the name as stored (white space tidied)."""
    p = session.project
    title = p.document(document_id, with_text=False).title
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("An attribute needs a name.")
    clash = next(
        (n for n in p.document_attributes(document_id) if n.casefold() == clean.casefold()), None
    )
    if clash is not None:
        raise Conflict(f"'{title}' already has an attribute named '{clash}'.")
    session.act(
        f"Add attribute {clean} to {title}",
        lambda: p.set_document_attribute(document_id, clean, value),
    )
    return clean


def rename_attribute(session: Session, document_id: str, name: str, new_name: str) -> str:
    """Rename a document's attribute (its value kept); returns the new name as stored."""
    p = session.project
    title = p.document(document_id, with_text=False).title
    clean = " ".join(new_name.split())
    if clean != name:
        session.act(
            f"Rename attribute {name} of {title} to {clean}",
            lambda: p.rename_document_attribute(document_id, name, clean),
        )
    return clean


def remove_attribute(session: Session, document_id: str, name: str) -> None:
    title = session.project.document(document_id, with_text=False).title
    session.act(
        f"Remove attribute {name} of {title}",
        lambda: session.project.remove_document_attribute(document_id, name),
    )
