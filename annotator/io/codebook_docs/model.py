"""What a codebook document says, whatever its format: the shared model of the writers.

``codebook_document(project)`` reads the project once (through store methods) and
returns a ``CodebookDocument``: the title, the date, and every code in tree order
with its number (``1.2.3``), level, colour, the fields that are filled in, and its
usage by each coder. The Markdown, HTML and DOCX writers only lay this out, so the
three say the same thing and a test of the model covers what all of them count.

Counts are those of the codebook tree in the window: a code's own codings and the
documents they are in, and for a code with sub-codes also the totals with its
sub-codes (codings summed; documents counted once however many sub-codes touch
them). They are given per coder (every coder who has coded anything in the
project) and for all coders together.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from annotator.core.codebook import CodeTree
from annotator.core.text import plural
from annotator.store import Project

#: The code's text fields as documents label them, in the order they appear.
FIELDS: tuple[tuple[str, str], ...] = (
    ("definition", "Definition"),
    ("inclusion", "Use when"),
    ("exclusion", "Do not use when"),
    ("example", "Example"),
    ("memo", "Memo"),
)

#: The total row's label in the usage tables.
ALL_CODERS = "All coders"

#: Characters XML 1.0 (and so DOCX) cannot hold, and that HTML and Markdown would only
#: show as noise: C0 controls other than tab and line feed, DEL, lone surrogates,
#: U+FFFE/U+FFFF. Imported texts can carry them (a stray form feed from a PDF).
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CSS_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


def clean_text(text: str) -> str:
    """``text`` with line breaks as ``\\n`` and characters no document can hold removed."""
    return _UNSHOWABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def paragraphs(text: str) -> list[list[str]]:
    """A field's text as paragraphs (split at blank lines), each a list of its lines,
    trailing spaces dropped. Writers keep both: a definition's line breaks mean something."""
    out: list[list[str]] = []
    for block in re.split(r"\n[ \t]*\n", clean_text(text).strip()):
        lines = [line.rstrip() for line in block.split("\n")]
        lines = [line for line in lines if line.strip()]
        if lines:
            out.append(lines)
    return out


@dataclass(frozen=True)
class Usage:
    """Codings and the number of distinct documents they are in."""

    codings: int = 0
    documents: int = 0


@dataclass(frozen=True)
class UsageRow:
    """One coder's (or all coders') use of a code: its own, and with its sub-codes."""

    coder: str
    own: Usage
    with_subcodes: Usage


@dataclass(frozen=True)
class CodeEntry:
    """One code as a document presents it."""

    id: str
    name: str
    path: str
    #: 1 for a top-level code.
    level: int
    #: Its place in the hierarchy, ``1.2.3``: the third sub-code of the second of the first.
    number: str
    #: ``#RRGGBB``, or "" when the stored value is not one (then no swatch is drawn).
    color: str
    #: (label, text) of every field that is filled in, in ``FIELDS`` order.
    fields: tuple[tuple[str, str], ...]
    #: The path of its parent ("" at the top level).
    parent_path: str
    has_subcodes: bool
    #: One row per coder who has coded anything in the project.
    usage: tuple[UsageRow, ...]
    #: All coders together.
    total: UsageRow

    @property
    def used(self) -> bool:
        """Whether anyone has applied this code or one of its sub-codes."""
        return self.total.with_subcodes.codings > 0

    @property
    def anchor(self) -> str:
        """An id for links to it, made of its number only (never of its name)."""
        return "code-" + self.number.replace(".", "-")


@dataclass(frozen=True)
class CodebookDocument:
    """Everything a codebook document shows."""

    #: The project's name (its file name without the extension).
    project: str
    #: The day it was made, ``YYYY-MM-DD``.
    date: str
    codes: tuple[CodeEntry, ...]
    #: Coders who have coded anything, in the project's order.
    coders: tuple[str, ...]
    documents: int
    codings: int

    @property
    def title(self) -> str:
        return f"{self.project} — Codebook"

    def summary(self) -> str:
        """One line under the title: when, and how much the codebook holds and has been used."""
        parts = [
            f"Exported from Annotator on {self.date}",
            plural(len(self.codes), "code"),
            plural(self.documents, "document"),
        ]
        if self.coders:
            parts.append(f"{plural(len(self.coders), 'coder')} ({', '.join(self.coders)})")
        parts.append(plural(self.codings, "coding"))
        return " · ".join(parts) + "."


#: What a document says in place of the codes when there are none.
EMPTY_CODEBOOK = "This codebook has no codes yet."
#: What a code's entry says in place of the usage table when nobody has applied it.
NOT_USED = "Not applied by any coder yet."


def codebook_document(project: Project, *, today: date | None = None) -> CodebookDocument:
    """Read the codebook, its coders and its usage from ``project`` (store methods only)."""
    tree = project.code_tree()
    coder_names = {c.id: clean_text(c.name) for c in project.coders()}
    # One pass over every coding: per code and coder, the number of codings and the set of
    # their documents; own counts and the totals with sub-codes (a document counted once
    # however many sub-codes touch it) both follow from these.
    tallies: dict[str, dict[str, _Tally]] = defaultdict(dict)
    n_codings = 0
    for _id, document_id, code_id, coder_id, *_rest in project.coding_rows():
        tally = tallies[code_id].get(coder_id)
        if tally is None:
            tally = tallies[code_id][coder_id] = _Tally()
        tally.codings += 1
        tally.documents.add(document_id)
        n_codings += 1
    used_by = {coder for per_code in tallies.values() for coder in per_code}
    coders = [cid for cid in coder_names if cid in used_by]

    def usage(code_ids: list[str], coder_ids: list[str]) -> Usage:
        codings, documents = 0, set[str]()
        for code_id in code_ids:
            per_coder = tallies.get(code_id, {})
            for coder_id in coder_ids:
                tally = per_coder.get(coder_id)
                if tally is not None:
                    codings += tally.codings
                    documents |= tally.documents
        return Usage(codings, len(documents))

    numbers = _numbers(tree)
    entries: list[CodeEntry] = []
    for code in tree.walk():
        subtree = tree.subtree(code.id)
        mine = [code.id]
        rows = tuple(
            UsageRow(coder_names[c], usage(mine, [c]), usage(subtree, [c])) for c in coders
        )
        total = UsageRow(ALL_CODERS, usage(mine, coders), usage(subtree, coders))
        color = code.color if _CSS_COLOR.fullmatch(code.color or "") else ""
        texts = ((label, clean_text(getattr(code, key) or "").strip()) for key, label in FIELDS)
        fields = tuple((label, text) for label, text in texts if text)
        entries.append(
            CodeEntry(
                id=code.id,
                name=clean_text(code.name),
                path=clean_text(tree.path(code.id)),
                level=tree.level(code.id),
                number=numbers[code.id],
                color=color.upper(),
                fields=fields,
                parent_path=clean_text(tree.path(code.parent_id)) if code.parent_id else "",
                has_subcodes=len(subtree) > 1,
                usage=rows,
                total=total,
            )
        )
    return CodebookDocument(
        project=clean_text(project.path.stem),
        date=(today or date.today()).isoformat(),
        codes=tuple(entries),
        coders=tuple(coder_names[c] for c in coders),
        documents=len(project.documents()),
        codings=n_codings,
    )


@dataclass
class _Tally:
    """One coder's codings of one code, counted as they are read."""

    codings: int = 0
    documents: set[str] = field(default_factory=set)


def _numbers(tree: CodeTree) -> dict[str, str]:
    """Every code's hierarchical number, ``1``, ``1.1``, ``1.2.1``, in display order."""
    out: dict[str, str] = {}
    stack: list[tuple[str | None, str]] = [(None, "")]
    kids = tree.child_ids()
    while stack:
        parent, prefix = stack.pop()
        for i, cid in enumerate(kids.get(parent, ()), start=1):
            out[cid] = f"{prefix}{i}"
            stack.append((cid, f"{prefix}{i}."))
    return out
