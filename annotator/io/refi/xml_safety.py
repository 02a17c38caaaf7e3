"""Reading and checking REFI-QDA XML safely: one parser configuration, the schemas, names.

Every REFI-QDA file is untrusted. ``io.files.check_xml_prolog`` (and, inside a
.qdpx, ``check_archive``) refuses a document type declaration before lxml sees
the bytes; the parser here is configured so that even then no entity is
expanded, no DTD loaded and nothing fetched from the network. Elements are
read by their local name: real files use the namespaces ``...:1.0``, ``...:1:0``
and ``...:0:4`` (or none), so the namespace is checked once, as a warning.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from annotator.core.errors import InvalidInput
from annotator.io.files import check_xml_prolog

Kind = Literal["codebook", "project"]

NAMESPACES: dict[Kind, str] = {
    "codebook": "urn:QDA-XML:codebook:1.0",
    "project": "urn:QDA-XML:project:1.0",
}
_SCHEMA_FILES: dict[Kind, str] = {"codebook": "Codebook.xsd", "project": "Project.xsd"}
_SCHEMA_DIR = Path(__file__).resolve().parents[2] / "_schemas" / "refi-qda"

#: The namespaces seen in the wild for each kind (1.0 is the standard's; the others are
#: spellings some versions of ATLAS.ti and NVivo wrote).
_NAMESPACE = re.compile(r"^urn:QDA-XML:(codebook|project):(1[.:]0|0[.:]4)$", re.I)

#: How many schema errors an import lists as warnings before saying "and N more".
MAX_SCHEMA_WARNINGS = 3


def safe_parser(schema: etree.XMLSchema | None = None) -> etree.XMLParser:
    """An lxml parser that expands no entity, loads no DTD, fetches nothing, and keeps
    the tree within libxml2's normal limits (``huge_tree`` off)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        schema=schema,
    )


def iterparse_options() -> dict[str, Any]:
    """The same safety settings for ``etree.iterparse``."""
    return {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
    }


def parse_xml(data: bytes, name: str, what: str) -> etree._Element:
    """The root element of ``data``; one ``InvalidInput`` naming ``name`` when it is not
    well-formed XML or declares a document type."""
    check_xml_prolog(data, name, what)
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as err:
        raise InvalidInput(
            f"{name} cannot be read as {what}: it is not well-formed XML ({err})."
        ) from err


@functools.cache
def schema(kind: Kind) -> etree.XMLSchema:
    """The standard's schema for ``kind``, parsed with the safe parser (cached)."""
    path = _SCHEMA_DIR / _SCHEMA_FILES[kind]
    return etree.XMLSchema(etree.parse(str(path), safe_parser()))


def local(tag: object) -> str:
    """An element's name without its namespace ("" for comments and the like)."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def namespace_of(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def namespace_warning(root: etree._Element, kind: Kind, name: str) -> str | None:
    """A warning if the root's namespace is not the standard's 1.0 one (read anyway)."""
    ns = namespace_of(root.tag)
    if ns == NAMESPACES[kind]:
        return None
    if not ns:
        return f"{name} has no REFI-QDA namespace; read as {NAMESPACES[kind]}."
    if _NAMESPACE.match(ns):
        return f"{name} uses the namespace {ns}; read as {NAMESPACES[kind]}."
    return f"{name} uses an unknown namespace {ns}; read as {NAMESPACES[kind]}."


def schema_warnings(root: etree._Element, kind: Kind, name: str) -> list[str]:
    """Where ``root`` departs from the standard's schema, as warnings (import is lenient).

    A file in another spelling of the namespace is checked as if it used the standard's,
    so its real deviations show rather than one "wrong namespace" error."""
    ns = namespace_of(root.tag)
    if ns != NAMESPACES[kind]:
        root = _renamespaced(root, NAMESPACES[kind])
    checker = schema(kind)
    if checker.validate(root):
        return []
    errors = list(checker.error_log)
    shown = [
        f"{name} departs from the REFI-QDA schema: line {e.line}: {e.message}"
        for e in errors[:MAX_SCHEMA_WARNINGS]
    ]
    if len(errors) > MAX_SCHEMA_WARNINGS:
        shown.append(
            f"{name}: {len(errors) - MAX_SCHEMA_WARNINGS} more departures from the schema."
        )
    return shown


def _renamespaced(root: etree._Element, ns: str) -> etree._Element:
    """A copy of ``root`` with every element in namespace ``ns`` (attributes kept)."""
    copy = etree.fromstring(etree.tostring(root), safe_parser())
    for el in copy.iter():
        if isinstance(el.tag, str):
            el.tag = f"{{{ns}}}{local(el.tag)}"
    etree.cleanup_namespaces(copy)
    return copy


def check_valid(data: bytes, kind: Kind, name: str) -> None:
    """Refuse to write ``data`` unless it is valid against the standard's schema: what we
    write must open in every other tool. A failure here is a bug of ours, said plainly."""
    try:
        etree.fromstring(data, safe_parser(schema(kind)))
    except etree.XMLSyntaxError as err:
        raise InvalidInput(
            f"{name} was not written: the file would not be valid REFI-QDA ({err}). "
            "Nothing was changed; please report this."
        ) from err


#: Characters XML 1.0 cannot hold at all (not even as character references).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#9;",
    }
)


class Escaper:
    """Escapes text for the XML we write by hand, counting characters XML cannot hold
    (C0 controls other than tab and newlines): those are left out, and the export says
    how many."""

    def __init__(self) -> None:
        self.dropped = 0

    def _clean(self, value: str) -> str:
        if _NOT_XML.search(value) is None:
            return value
        cleaned, count = _NOT_XML.subn("", value)
        self.dropped += count
        return cleaned

    def text(self, value: str) -> str:
        return self._clean(value).translate(_TEXT_ESCAPES)

    def attr(self, value: str) -> str:
        return self._clean(value).translate(_ATTR_ESCAPES)
