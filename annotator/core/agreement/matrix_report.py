"""Every matrix statistic at once, from one pass over the data: what the CLI and the GUI show.

``reliability_report`` tallies the matrix once (``matrix_counts``) and derives alpha, per-value
alpha, percent agreement, Fleiss' kappa from those counts; the two-coder coefficients when
there are two coders; the pairwise table when there are three or more; and, if asked,
alpha's bootstrap.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from annotator.core.agreement.alpha import (
    alpha_from_tally,
    check_level,
    per_value_alpha_from_tally,
)
from annotator.core.agreement.bootstrap import DEFAULT_SEED, MINIMUMS, bootstrap_alpha
from annotator.core.agreement.matrix import ReliabilityMatrix
from annotator.core.agreement.matrix_counts import tally
from annotator.core.agreement.matrix_fleiss import fleiss_from_tally
from annotator.core.agreement.matrix_pairs import (
    PairwiseTable,
    bennett_s,
    cohen_kappa,
    pairwise_table,
    percent_agreement_from_tally,
    scott_pi,
    value_counts,
)
from annotator.core.agreement.results import (
    AlphaResult,
    BootstrapResult,
    Figure,
    FleissResult,
    PercentAgreement,
    TwoCoderResult,
    plain,
)


@dataclass(frozen=True)
class ReliabilityReport:
    level: str
    units: int
    coders: tuple[str, ...]
    values: tuple[Hashable, ...]
    #: How often each value was given (all units, all coders).
    value_counts: dict[Hashable, int]
    percent_agreement: PercentAgreement
    krippendorff_alpha: AlphaResult
    fleiss_kappa: FleissResult
    per_value_alpha: dict[Hashable, AlphaResult]
    cohen_kappa: TwoCoderResult
    scott_pi: TwoCoderResult
    bennett_s: TwoCoderResult
    pairwise: PairwiseTable | None
    bootstrap: BootstrapResult | None

    def figures(self) -> dict[str, Figure]:
        """The whole-matrix figures by statistic id."""
        return {
            "percent_agreement": self.percent_agreement,
            "cohen_kappa": self.cohen_kappa,
            "scott_pi": self.scott_pi,
            "bennett_s": self.bennett_s,
            "fleiss_kappa": self.fleiss_kappa,
            "krippendorff_alpha": self.krippendorff_alpha,
        }

    def undefined(self) -> dict[str, str]:
        """Reasons of the whole-matrix figures that are undefined, by statistic id."""
        out = {k: f.reason for k, f in self.figures().items() if f.reason is not None}
        if self.bootstrap is not None and self.bootstrap.reason is not None:
            out["krippendorff_alpha_ci"] = self.bootstrap.reason
        return out

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


def reliability_report(
    matrix: ReliabilityMatrix,
    level: str = "nominal",
    *,
    bootstrap: int | None = None,
    seed: int = DEFAULT_SEED,
    minimums: tuple[float, ...] = MINIMUMS,
) -> ReliabilityReport:
    lvl = check_level(level)
    counts = tally(matrix)
    boot = (
        bootstrap_alpha(matrix, lvl, samples=bootstrap, seed=seed, minimums=minimums, counts=counts)
        if bootstrap
        else None
    )
    return ReliabilityReport(
        level=lvl,
        units=matrix.n_units,
        coders=matrix.coders,
        values=matrix.values,
        value_counts=value_counts(matrix),
        percent_agreement=percent_agreement_from_tally(counts),
        krippendorff_alpha=alpha_from_tally(matrix, counts, lvl),
        fleiss_kappa=fleiss_from_tally(matrix, counts),
        per_value_alpha=per_value_alpha_from_tally(matrix, counts),
        cohen_kappa=cohen_kappa(matrix),
        scott_pi=scott_pi(matrix),
        bennett_s=bennett_s(matrix),
        pairwise=pairwise_table(matrix, lvl) if matrix.n_coders >= 3 else None,
        bootstrap=boot,
    )
