"""The entities of a project as pydantic models.

These are the values the store hands out and the io layer reads and writes.
Offsets are Python ``str`` indices (Unicode code points) into the document's
stored text, half-open ``[start, end)``. Every entity has a UUID string id so
that projects from different coders merge without collisions.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from annotator.core.errors import InvalidInput


def new_id() -> str:
    """A fresh entity id (UUID4, lower-case, no braces)."""
    return str(uuid.uuid4())


def utc_now() -> str:
    """The current time as an ISO-8601 UTC string with a ``Z`` suffix."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Entity(BaseModel):
    """Base: immutable once made, compared by value."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def clean_name(value: str) -> str:
    """Collapse runs of white space; refuse an empty name (InvalidInput)."""
    cleaned = " ".join(str(value).split())
    if not cleaned:
        raise InvalidInput("A name cannot be empty.")
    if "\x00" in cleaned:
        raise InvalidInput("A name cannot contain a NUL character.")
    return cleaned


def _validated_name(value: str) -> str:
    try:
        return clean_name(value)
    except InvalidInput as err:  # pydantic reports ValueErrors as validation errors
        raise ValueError(str(err)) from err


Name = Annotated[str, AfterValidator(_validated_name)]


class Coder(Entity):
    id: str = Field(default_factory=new_id)
    name: Name
    color: str = ""
    created: str = Field(default_factory=utc_now)


class Document(Entity):
    """A source text. ``text`` never changes after import."""

    id: str = Field(default_factory=new_id)
    title: str
    text: str
    source_name: str = ""
    format: str = "txt"
    sha256: str = ""
    imported_at: str = Field(default_factory=utc_now)


class DocumentSummary(Entity):
    """A document without its text, for lists."""

    id: str
    title: str
    source_name: str
    format: str
    length: int
    imported_at: str
    codings: int = 0
    attributes: dict[str, str] = Field(default_factory=dict)


class Code(Entity):
    id: str = Field(default_factory=new_id)
    name: Name
    parent_id: str | None = None
    color: str = "#999999"
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    memo: str = ""
    sort_order: int = 0
    quick_key: int | None = None


class Coding(Entity):
    id: str = Field(default_factory=new_id)
    document_id: str
    code_id: str
    coder_id: str
    start: int
    end: int
    memo: str = ""
    created: str = Field(default_factory=utc_now)
    updated: str = ""
    #: The id of the coder who last changed it ("" if nobody has since it was made).
    updated_by: str = ""


class Memo(Entity):
    """A free memo on the project or on a document (code and coding memos live on them)."""

    id: str = Field(default_factory=new_id)
    document_id: str | None = None
    coder_id: str | None = None
    title: str = ""
    text: str = ""
    created: str = Field(default_factory=utc_now)
    updated: str = ""
