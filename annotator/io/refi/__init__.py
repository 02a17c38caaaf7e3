"""REFI-QDA exchange: codebooks (``.qdc``) and whole projects (``.qdpx``) with NVivo,
ATLAS.ti, MAXQDA, QualCoder, Taguette and the like.

- ``export_qdc(project, path)`` / ``import_qdc(project, path) -> report``
- ``export_qdpx(project, path, progress=None, cancel=None) -> report``
- ``import_qdpx(path, project_path, progress=None, cancel=None) -> report``

What we write validates against the standard's schemas (``annotator/_schemas``);
what we read may break them (real files do), which gives warnings, not failures.
``docs/refi-qda.md`` describes the mapping.
"""

from annotator.io.refi.common import ExchangeCancelled
from annotator.io.refi.qdc_read import QdcImportReport, import_qdc
from annotator.io.refi.qdc_write import export_qdc
from annotator.io.refi.qdpx_read import QdpxImportReport, import_qdpx
from annotator.io.refi.qdpx_write import QdpxExportReport, export_qdpx

__all__ = [
    "ExchangeCancelled",
    "QdcImportReport",
    "QdpxExportReport",
    "QdpxImportReport",
    "export_qdc",
    "export_qdpx",
    "import_qdc",
    "import_qdpx",
]
