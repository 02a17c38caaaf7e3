"""Annotator: qualitative coding of source texts.

Layers (imports point down only): ``cli`` -> ``ui`` -> ``io`` -> ``store`` -> ``core``.
"""

__version__ = "0.1.0"
