"""The application layer: what a researcher can do with a project, without Qt.

Between the store (how a project is kept) and the faces that show it (the
desktop window, the command line), this package holds the operations and
their policies, once, so that the GUI and the CLI code text by the same
rules:

- ``session``: who is coding (the store's ``actor`` kept in step), which
  coders each view shows, recently used codes, and how an action is run (the
  window runs it through its undo history);
- ``operations``: coding, re-assigning, resizing, annotating and removing,
  each one action with one undo label, returning what changed; editing
  another coder's coding asks first;
- ``background``: long reads on a second, read-only connection, with progress
  and cancelling, for a thread that is not the GUI's;
- ``search``: searching every document as such a read.

Panels only ask and draw; nothing here imports Qt (an import-linter contract).
"""
