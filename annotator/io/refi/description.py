"""A code's definition, criteria, example (and memo) in one REFI-QDA ``Description``.

The standard gives a code one free-text ``Description``. We write our fields into
it as plain text with headed paragraphs, which reads well in NVivo, ATLAS.ti and
MAXQDA and parses back into the same fields::

    Definition: Claims that a state sets rules others follow.

    Include when: the text names a rule and who should follow it.

    Exclude when: ...

    Example: “...”

The format, exactly:

- A section is a heading line ``<Heading>: <value>``; the headings we write are
  ``Definition``, ``Include when``, ``Exclude when``, ``Example`` and (in a .qdc,
  which has no notes) ``Memo``. Only non-empty fields are written, in that order,
  separated by one blank line. A code with nothing but a definition is written as
  the bare definition, without its heading.
- Reading, a line is a heading when it starts with one of those words (or
  ``Inclusion``, ``Exclusion``, ``Examples``, ``Inclusion criteria``, ``Exclusion
  criteria``, ``Description``), in any case, then optional spaces and a colon.
  Text before the first heading is the definition; a description without any
  heading (what other tools write) is all definition.
- A value's own lines that would read as a heading are escaped with one leading
  backslash (``\\Example: like this``); a line of backslashes before a heading gets
  one more. Reading removes exactly one. So a definition that itself says
  "Exclude when: ..." on a line of its own comes back unchanged, and any text
  round-trips exactly (``parse(compose(f)) == f``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The fields in the order they are written, with the heading each is written under.
HEADINGS: tuple[tuple[str, str], ...] = (
    ("definition", "Definition"),
    ("inclusion", "Include when"),
    ("exclusion", "Exclude when"),
    ("example", "Example"),
    ("memo", "Memo"),
)

#: Headings recognised when reading (lower case), and the field each fills.
_READ: dict[str, str] = {
    "definition": "definition",
    "description": "definition",
    "include when": "inclusion",
    "inclusion": "inclusion",
    "inclusion criteria": "inclusion",
    "exclude when": "exclusion",
    "exclusion": "exclusion",
    "exclusion criteria": "exclusion",
    "example": "example",
    "examples": "example",
    "memo": "memo",
}
_WORDS = "|".join(sorted((re.escape(w) for w in _READ), key=len, reverse=True))
#: A heading line: the heading, optional spaces, a colon, then (after one optional space) the value.
_HEADING = re.compile(rf"^({_WORDS})[ \t]*:[ ]?(.*)$", re.IGNORECASE | re.DOTALL)
#: A line that must be escaped (or unescaped): backslashes, then what reads as a heading.
_ESCAPED = re.compile(rf"^(\\*)(?=(?:{_WORDS})[ \t]*:)", re.IGNORECASE)


@dataclass(frozen=True)
class CodeTexts:
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    memo: str = ""


def _escape_lines(value: str, *, first: bool) -> str:
    """Escape the lines of ``value`` that would read as headings (the first line too,
    unless it follows a heading on the same line)."""
    lines = value.split("\n")
    out = [
        line if i == 0 and not first else _ESCAPED.sub(lambda m: "\\" + m.group(1), line, count=1)
        for i, line in enumerate(lines)
    ]
    return "\n".join(out)


def compose(texts: CodeTexts, *, with_memo: bool = True) -> str:
    """The ``Description`` for these fields ("" when all are empty)."""
    present = [
        (field, heading)
        for field, heading in HEADINGS
        if getattr(texts, field) and (with_memo or field != "memo")
    ]
    if not present:
        return ""
    if [f for f, _ in present] == ["definition"]:
        return _escape_lines(texts.definition, first=True)
    return "\n\n".join(
        f"{heading}: {_escape_lines(getattr(texts, field), first=False)}"
        for field, heading in present
    )


def parse(description: str) -> CodeTexts:
    """The fields a ``Description`` holds (see the module's format); never fails."""
    sections: list[tuple[str, list[str]]] = []
    field, lines, headed = "definition", [], False
    for line in description.split("\n"):
        heading = _HEADING.match(line)
        if heading is None:
            escaped = _ESCAPED.match(line)
            lines.append(line[1:] if escaped and escaped.group(1) else line)
            continue
        if lines and lines[-1] == "":
            lines.pop()  # the blank line between sections belongs to neither
        if lines or headed:
            sections.append((field, lines))
        field, lines, headed = _READ[heading.group(1).lower()], [heading.group(2)], True
    sections.append((field, lines))
    values: dict[str, str] = {}
    for name, body in sections:
        text = "\n".join(body)
        # A field headed twice (another tool's text): both parts, a blank line apart.
        values[name] = f"{values[name]}\n\n{text}" if name in values else text
    return CodeTexts(**{f: values.get(f, "") for f, _ in HEADINGS})
