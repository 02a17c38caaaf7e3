"""Comparing coders: the Compare coders window, its table models and pickers, and the
two-coder example that opens it."""
