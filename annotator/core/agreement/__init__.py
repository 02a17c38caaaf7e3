"""Agreement between coders: statistics over a reliability matrix (units × coders).

Pure Python and numpy. Build a ``ReliabilityMatrix`` (``from_rows`` for labels,
``from_array`` for numbers with NaN for missing values), then ask for one statistic or
for ``reliability_report`` (all of them from one pass). Results are frozen dataclasses
(``results``): a finite value, or None with the reason it is undefined, and the counts
behind it. ``explain.EXPLANATIONS`` says what each statistic means.

Over coded text (spans, by interval arithmetic, never per character): ``text`` (character
level, coded text only, document level), ``segments`` (MAXQDA's segment matching),
``unitized`` (Krippendorff's 2004 unitized alpha) and ``disagreements`` (where two coders
differ, for the comparison view to step through and settle).
"""

from annotator.core.agreement.alpha import LEVELS, krippendorff_alpha, per_value_alpha
from annotator.core.agreement.bootstrap import bootstrap_alpha
from annotator.core.agreement.explain import EXPLANATIONS, Explanation
from annotator.core.agreement.matrix import MISSING, ReliabilityMatrix
from annotator.core.agreement.matrix_fleiss import fleiss_kappa
from annotator.core.agreement.matrix_pairs import (
    PairwiseTable,
    bennett_s,
    cohen_kappa,
    pairwise_table,
    percent_agreement,
    scott_pi,
)
from annotator.core.agreement.matrix_report import ReliabilityReport, reliability_report
from annotator.core.agreement.results import (
    AlphaResult,
    BootstrapResult,
    Figure,
    FleissResult,
    PercentAgreement,
    TwoCoderResult,
    Undefined,
)

__all__ = [
    "EXPLANATIONS",
    "LEVELS",
    "MISSING",
    "AlphaResult",
    "BootstrapResult",
    "Explanation",
    "Figure",
    "FleissResult",
    "PairwiseTable",
    "PercentAgreement",
    "ReliabilityMatrix",
    "ReliabilityReport",
    "TwoCoderResult",
    "Undefined",
    "bennett_s",
    "bootstrap_alpha",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "pairwise_table",
    "per_value_alpha",
    "percent_agreement",
    "reliability_report",
    "scott_pi",
]
