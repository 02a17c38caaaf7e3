"""Errors a researcher may see: each carries one clear, human sentence.

Every failure that bad input can cause is an ``AnnotatorError`` (or a subclass);
the CLI prints its message on one line and the GUI shows it in a dialog.
Anything else escaping is a bug.
"""


class AnnotatorError(Exception):
    """A problem the user can understand and act on; ``str(err)`` says what and where."""


class NotFound(AnnotatorError):
    """A document, code, coder or coding that was asked for does not exist."""


class Conflict(AnnotatorError):
    """The action would break a rule: duplicate name, cycle, duplicate document."""


class InvalidInput(AnnotatorError):
    """Malformed values: impossible offsets, empty names, broken files."""


class ProjectFileError(AnnotatorError):
    """The file is not an Annotator project, is corrupt, or is from a newer version."""


class ProjectBusy(AnnotatorError):
    """Another program holds the project's write lock for longer than we wait."""


class ReadOnlyProject(AnnotatorError):
    """The project is open for reading only; nothing can be changed."""


class ProjectInUse(AnnotatorError):
    """Another window (in this or another process) already edits the project."""
