"""Plain, per-character versions of the agreement figures, to check the interval arithmetic.

Each builds one present/absent array per coder and counts, character by
character, exactly as the textbook definitions read: slow, obvious, and
independent of ``annotator.core.agreement``'s sweeps. The property tests of
``test_text_agreement`` and ``test_unitized`` compare against them; the tests at
the end check the references themselves against published values.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import combinations, permutations

import pytest
from conftest import AGREEMENT_EXAMPLES

Spans = Sequence[tuple[int, int]]


def marks(spans: Spans, length: int) -> list[int]:
    out = [0] * length
    for start, end in spans:
        for k in range(start, end):
            out[k] = 1
    return out


def percent(coders: Sequence[list[int]]) -> float | None:
    n = len(coders[0])
    if n == 0:
        return None
    return sum(1 for k in range(n) if len({c[k] for c in coders}) == 1) / n


def kappa(a: list[int], b: list[int]) -> float | None:
    n = len(a)
    observed = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return None if chance == 1 else (observed - chance) / (1 - chance)


def alpha(coders: Sequence[list[int]]) -> float | None:
    """Krippendorff's nominal alpha from its coincidence matrix, unit by unit."""
    m = len(coders)
    o = {(c, k): 0.0 for c in (0, 1) for k in (0, 1)}
    for u in range(len(coders[0])):
        values = [coder[u] for coder in coders]
        for i, j in permutations(range(m), 2):
            o[(values[i], values[j])] += 1 / (m - 1)
    n_c = {c: o[(c, 0)] + o[(c, 1)] for c in (0, 1)}
    n = n_c[0] + n_c[1]
    expected = n_c[0] * n_c[1] * 2
    if expected == 0:
        return None
    return 1 - (n - 1) * (o[(0, 1)] + o[(1, 0)]) / expected


def coded_only(coders: Sequence[list[int]]) -> float | None:
    anyone = sum(1 for k in range(len(coders[0])) if any(c[k] for c in coders))
    everyone = sum(1 for k in range(len(coders[0])) if all(c[k] for c in coders))
    return None if anyone == 0 else everyone / anyone


def sections(row: list[int]) -> list[tuple[int, int, int]]:
    """``(begin, length, is_unit)`` runs of one coder's array."""
    out: list[tuple[int, int, int]] = []
    for k, v in enumerate(row):
        if out and out[-1][2] == v and out[-1][0] + out[-1][1] == k:
            out[-1] = (out[-1][0], out[-1][1] + 1, v)
        else:
            out.append((k, 1, v))
    return out


def _delta(g: tuple[int, int, int], h: tuple[int, int, int]) -> int:
    (b1, l1, u1), (b2, l2, u2) = g, h
    if u1 and u2 and b1 < b2 + l2 and b2 < b1 + l1:
        return (b1 - b2) ** 2 + (b1 + l1 - b2 - l2) ** 2
    if u1 and not u2 and b2 <= b1 and b1 + l1 <= b2 + l2:
        return l1 * l1
    if u2 and not u1 and b1 <= b2 and b2 + l2 <= b1 + l1:
        return l2 * l2
    return 0


def unitized(documents: Sequence[Sequence[list[int]]]) -> tuple[float, float] | None:
    """(D_o, D_e) of Krippendorff's unitized alpha for one value: ``documents`` is, per
    document, one array per coder; every pair of sections is compared."""
    m = len(documents[0])
    big_l = sum(len(doc[0]) for doc in documents)
    observed = 0
    units: list[int] = []
    gaps: list[int] = []
    for doc in documents:
        per_coder = [sections(row) for row in doc]
        for i, j in combinations(range(m), 2):
            observed += 2 * sum(_delta(g, h) for g in per_coder[i] for h in per_coder[j])
        for secs in per_coder:
            units += [n for _, n, u in secs if u]
            gaps += [n for _, n, u in secs if not u]
    if big_l == 0 or not units:
        return None
    n_c = len(units)
    numerator = 0.0
    for n in units:
        numerator += (n_c - 1) * (2 * n**3 - 3 * n**2 + n) / 3
        numerator += n * n * sum(g - n + 1 for g in gaps if g >= n)
    denominator = m * big_l * (m * big_l - 1) - sum(n * (n - 1) for n in units)
    return observed / (m * (m - 1) * big_l**2), 2 / big_l * numerator / denominator


# -- the references themselves -------------------------------------------------------------
EXAMPLES = AGREEMENT_EXAMPLES


def test_reference_kappa_and_alpha_on_the_nvivo_split():
    a = marks([(0, 125)], 1000)
    b = marks([(75, 200)], 1000)
    assert percent([a, b]) == pytest.approx(0.85)
    assert kappa(a, b) == pytest.approx(0.314286, abs=1e-6)
    assert alpha([a, a]) == pytest.approx(1.0)
    assert coded_only([a, b]) == pytest.approx(50 / 200)


@pytest.mark.skipif(not EXAMPLES.exists(), reason="shared reference examples not present")
def test_reference_unitized_alpha_reproduces_krippendorff_2004():
    """The per-character reference gives Krippendorff's (2004) published D_o and D_e too."""
    cases = json.loads(EXAMPLES.read_text(encoding="utf-8"))["cases"]
    data = next(c for c in cases if c["name"] == "K2004_unitizing_value_c")["data"]
    begin, length = data["continuum_begin"], data["continuum_length"]
    rows = [
        marks(
            [
                (u["begin"] - begin, u["begin"] - begin + u["length"])
                for u in coder
                if u["value"] == "c"
            ],
            length,
        )
        for coder in data["coders"]
    ]
    found = unitized([rows])
    assert found is not None
    d_o, d_e = found
    assert d_o == pytest.approx(0.014444, abs=1e-6)
    assert d_e == pytest.approx(0.053222, abs=1e-6)
    assert 1 - d_o / d_e == pytest.approx(0.7286, abs=1e-4)
