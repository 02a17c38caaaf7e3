"""Results of the agreement statistics: a figure, or the reason it is undefined, with its counts.

Every statistic returns a frozen dataclass deriving from ``Figure``: ``value`` is a finite
float, or None with ``reason`` saying why the figure is undefined (one category only,
nothing pairable, zero expected disagreement, the wrong number of coders...). No result
ever holds NaN or infinity: ``checked`` turns a non-finite value into an undefined figure
before it is stored. Each result also carries the counts it was computed from, so a
report (CLI table, JSON, the GUI) can show them next to the figure.

``to_dict`` gives plain JSON-ready data (Python floats and ints, string keys, None for
undefined), the same for every consumer.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Undefined:
    """Why a figure has no value. Falsy, so ``figure.value or Undefined(...)`` reads naturally."""

    reason: str

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"undefined ({self.reason})"


def checked(value: float | None, reason: str | None = None) -> tuple[float | None, str | None]:
    """``(value, reason)`` with a non-finite value (NaN, inf) turned into an undefined one."""
    if value is None:
        return None, reason or "not computed"
    value = float(value)
    if not math.isfinite(value):
        return None, reason or "the computation gave no finite number"
    return value, None


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One statistic: its id (a key of ``explain.EXPLANATIONS``), value or undefined reason."""

    statistic: str
    value: float | None
    reason: str | None = None

    def __post_init__(self) -> None:
        value, reason = checked(self.value, self.reason)
        if value is not None and self.reason is not None:
            value = None  # a reason given means undefined, whatever value came with it
            reason = self.reason
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "reason", reason)

    @property
    def defined(self) -> bool:
        return self.value is not None

    @property
    def undefined(self) -> Undefined | None:
        return None if self.reason is None else Undefined(self.reason)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


def label(value: Hashable) -> str:
    """A value as a key of JSON output: strings as they are, integral numbers without '.0'."""
    if isinstance(value, str):
        return value
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def plain(obj: object) -> Any:
    """JSON-ready data: numpy scalars to Python numbers, mappings with string keys, tuples to lists."""
    if isinstance(obj, Figure):
        return obj.to_dict()
    if isinstance(obj, Undefined):
        return {"value": None, "reason": obj.reason}
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating | float):
        value = float(obj)
        return value if math.isfinite(value) else None
    if isinstance(obj, Mapping):
        return {label(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    return obj


@dataclass(frozen=True, kw_only=True)
class AlphaResult(Figure):
    """Krippendorff's alpha with what it was computed from.

    ``units`` counts the pairable units (two or more values), ``pairable_values`` is n..,
    ``value_counts`` the pairable values n_c of each value, ``coincidences`` the matrix
    o_ck (rows and columns in the order of ``values``).
    """

    statistic: str = "krippendorff_alpha"
    level: str
    units: int
    pairable_values: int
    observed_disagreement: float | None
    expected_disagreement: float | None
    values: tuple[Hashable, ...] = ()
    value_counts: Mapping[Hashable, int] = field(default_factory=dict)
    coincidences: tuple[tuple[float, ...], ...] = ()


@dataclass(frozen=True, kw_only=True)
class PercentAgreement(Figure):
    """Pairwise percent agreement, averaged over the pairable units (a fraction in [0, 1])."""

    statistic: str = "percent_agreement"
    units: int
    pairs: int
    agreeing_pairs: int


@dataclass(frozen=True, kw_only=True)
class TwoCoderResult(Figure):
    """Cohen's kappa, Scott's pi or Bennett's S: ``units`` both coders coded, the observed
    and chance agreement, and each coder's count of every value over those units."""

    coders: tuple[str, ...]
    units: int
    observed_agreement: float | None
    expected_agreement: float | None
    categories: int
    counts: Mapping[str, Mapping[Hashable, int]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class FleissResult(Figure):
    """Fleiss' kappa: ``units`` rated, ``raters`` values per unit, mean observed agreement
    P-bar, chance agreement P-bar-e, each category's proportion p_j and kappa_j."""

    statistic: str = "fleiss_kappa"
    units: int
    raters: int | None
    observed_agreement: float | None
    expected_agreement: float | None
    proportions: Mapping[Hashable, float] = field(default_factory=dict)
    per_category: Mapping[Hashable, Figure] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class BootstrapResult(Figure):
    """Alpha's bootstrap distribution (Krippendorff's algorithm, as in Hayes & Krippendorff's
    KALPHA): ``value`` is alpha itself, ``low``/``high`` the percentile interval at
    ``confidence``, ``p_below`` the share of resamples below each minimum."""

    statistic: str = "krippendorff_alpha_bootstrap"
    samples: int
    draws: int
    seed: int
    confidence: float
    low: float | None = None
    high: float | None = None
    p_below: Mapping[float, float] = field(default_factory=dict)
    undefined_resamples: int = 0


def format_coefficient(value: float | None, missing: str = "n/a") -> str:
    """A coefficient to three places, as a report prints it: a value that rounds to zero
    is "0.000" whatever its sign (a "-0.000" reads as a disagreement that is not there)."""
    if value is None:
        return missing
    shown = f"{value:.3f}"
    return "0.000" if shown == "-0.000" else shown


def format_percent(value: float | None, missing: str = "n/a") -> str:
    """A share as a percentage to two places, as a report prints it: 99.996 % of
    characters agreeing is not perfect agreement, so it never rounds up to 100.00 %."""
    if value is None:
        return missing
    shown = f"{value:.2%}"
    return "99.99%" if shown == "100.00%" and value < 1 else shown
