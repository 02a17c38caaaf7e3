"""Pure-Python heart of Annotator: entity models, spans, colours, codebook logic.

Nothing here imports Qt or sqlite; everything is testable in microseconds.
"""
