"""``python -m annotator`` runs the command-line interface (no arguments: the GUI)."""

from annotator.cli import main

raise SystemExit(main())
