"""Writing the codebook as REFI-QDA: a ``.qdc`` file, and the ``CodeBook`` of a ``.qdpx``.

Each code is a ``Code`` element nested under its parent, in the codebook's sibling
order, with ``guid`` = our code id (UUID4, so the same code keeps its GUID across
exports), ``color`` as ``#RRGGBB``, ``isCodable="true"`` (we have no folder codes),
and its definition, criteria and example in ``Description`` (``description``'s
headed layout). A ``.qdc`` has no notes, so a code's memo joins its Description
under ``Memo:``; in a ``.qdpx`` it is a ``Note`` the code points at with ``NoteRef``.

The XML is built as escaped strings (fast, and the order of the schema's
sequences is ours to keep) and validated against the standard's schema before
anything is written; the file is written to a temporary name beside the target
and moved into place, so a failed export leaves the target as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.codebook import CodeTree
from annotator.core.errors import InvalidInput
from annotator.core.models import Code
from annotator.io.files import refuse_project_file
from annotator.io.refi.common import ORIGIN, replacing
from annotator.io.refi.description import CodeTexts, compose
from annotator.io.refi.xml_safety import NAMESPACES, Escaper, check_valid
from annotator.store import Project


def code_texts(code: Code) -> CodeTexts:
    return CodeTexts(code.definition, code.inclusion, code.exclusion, code.example, code.memo)


def codes_xml(
    tree: CodeTree,
    esc: Escaper,
    *,
    memo_in_description: bool,
    memo_notes: dict[str, str] | None = None,
) -> Iterator[str]:
    """The ``<Codes>`` element of ``tree``, in pieces. ``memo_notes`` (code id -> note
    GUID) adds a ``NoteRef`` to each code with a memo (a project's CodeBook)."""
    yield "<Codes>"

    def code_xml(code: Code) -> Iterator[str]:
        attrs = (
            f'guid="{esc.attr(code.id)}" name="{esc.attr(code.name)}" isCodable="true" '
            f'color="{esc.attr(code.color.upper())}"'
        )
        description = compose(code_texts(code), with_memo=memo_in_description)
        children = tree.children(code.id)
        note = memo_notes.get(code.id) if memo_notes else None
        if not (description or children or note):
            yield f"<Code {attrs}/>"
            return
        yield f"<Code {attrs}>"
        if description:
            yield f"<Description>{esc.text(description)}</Description>"
        if note:
            yield f'<NoteRef targetGUID="{note}"/>'
        for child in children:
            yield from code_xml(child)
        yield "</Code>"

    for top in tree.children(None):
        yield from code_xml(top)
    yield "</Codes>"


def codebook_document(project: Project) -> tuple[bytes, int, Escaper]:
    """The .qdc XML of the project's codebook, validated; with the number of codes."""
    tree = project.code_tree()
    if not tree.codes:
        raise InvalidInput("The codebook is empty: there is no code to export.")
    esc = Escaper()
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<CodeBook xmlns="{NAMESPACES["codebook"]}" origin="{esc.attr(ORIGIN)}">',
        *codes_xml(tree, esc, memo_in_description=True),
        "</CodeBook>\n",
    ]
    data = "".join(parts).encode("utf-8")
    return data, len(tree.codes), esc


def export_qdc(project: Project, path: str | Path) -> int:
    """Write the codebook to ``path`` as a REFI-QDA codebook (.qdc); returns the number of
    codes written. The file is valid against ``Codebook.xsd`` or is not written."""
    target = Path(path)
    refuse_project_file(project.path, target, "the codebook")
    data, count, _ = codebook_document(project)
    check_valid(data, "codebook", target.name)
    with replacing(target) as fh:
        fh.write(data)
    return count
