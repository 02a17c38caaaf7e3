"""Published worked examples, hard-coded so the tests run without the shared reference folder.

Each constant names its source. ``reference_cases`` reads the same kind of examples from
``agreement_examples.json`` in the shared reference folder, when that folder exists.
"""

from __future__ import annotations

import json

import pytest
from conftest import AGREEMENT_EXAMPLES

N = None

#: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", sect. C-E, and
#: Krippendorff (2004), Content Analysis 2nd ed., p. 230: 4 observers, 12 units, missing
#: data. Rows are observers here (as printed); alpha nominal .743, ordinal .815,
#: interval .849, ratio .797.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
K2011_ALPHA = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}

#: Hayes & Krippendorff (2007), Communication Methods and Measures 1(1):77-89, p. 84:
#: 40 units, 5 observers, ordinal judgements 0-3; alpha (ordinal) = .7598, and the
#: bootstrap resamples "239 pairs of judgments".
HK2007 = [
    (1, 1, 2, N, 2), (1, 1, 0, 1, N), (2, 3, 3, 3, N), (N, 0, 0, N, 0), (0, 0, 0, N, 0),
    (0, 0, 0, N, 0), (1, 0, 2, N, 1), (1, N, 2, 0, N), (2, 2, 2, N, 2), (2, 1, 1, 1, N),
    (N, 1, 0, 0, N), (0, 0, 0, 0, N), (1, 2, 2, 2, N), (3, 3, 2, 2, 3), (1, 1, 1, N, 1),
    (1, 1, 1, N, 1), (2, 1, 2, N, 2), (1, 2, 3, 3, N), (1, 1, 0, 1, N), (0, 0, 0, N, 0),
    (0, 0, 1, 1, N), (0, 0, N, 0, 0), (2, 3, 3, 3, N), (0, 0, 0, 0, N), (1, 2, N, 2, 2),
    (0, 1, 1, 1, N), (0, 0, 0, 1, 0), (1, 2, 1, 2, N), (1, 1, 2, 2, N), (1, 1, 2, N, 2),
    (1, 1, 0, N, 0), (2, 1, 2, 1, N), (2, 2, N, 2, 2), (3, 2, 2, 2, N), (2, 2, 2, N, 2),
    (2, 2, 3, N, 2), (2, 2, 2, N, 2), (2, 2, N, 1, 2), (2, 2, 2, 2, N), (1, 1, 1, N, 1),
]  # fmt: skip

#: Fleiss (1971), Psychological Bulletin 76(5):378-382, Table 1: 30 patients, 6 ratings
#: each, 5 diagnoses; kappa = .430, P-bar = .5556, and per-category kappa_j as the shared
#: reference file transcribes them (.248/.248/.517/.470/.565).
FLEISS1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip
FLEISS1971_KAPPA_J = {1: 0.248, 2: 0.248, 3: 0.517, 4: 0.470, 5: 0.565}

#: Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories
#: (counts per category); P-bar = .378, P-bar-e = .213, kappa = .210.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip

#: Cohen (1960), Educational and Psychological Measurement 20(1):37-46, p. 45: 200 cases,
#: judges A (rows) and B (columns), 3 categories; po = .70, pc = .41, kappa = .492.
COHEN1960_P45 = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]
#: Cohen (1960), p. 37: po = .29, pc = .35 (agreement below chance).
COHEN1960_P37 = [[25, 12, 3], [13, 2, 15], [12, 16, 2]]

#: Zwick (1988), Psychological Bulletin 103(3):374-378, p. 376: three 4-category tables of
#: 100 cases with po = .60 and S = .467; pi / kappa .467/.467, .444/.444, .460/.474.
ZWICK1988 = [
    ({("A", "A"): 20, ("A", "D"): 5, ("B", "B"): 10, ("B", "C"): 15, ("C", "B"): 15,
      ("C", "C"): 10, ("D", "A"): 5, ("D", "D"): 20}, 0.467, 0.467),
    ({("A", "A"): 20, ("A", "B"): 10, ("A", "C"): 10, ("B", "A"): 10, ("B", "B"): 10,
      ("C", "A"): 10, ("C", "C"): 10, ("D", "D"): 20}, 0.444, 0.444),
    ({("A", "A"): 20, ("A", "B"): 5, ("A", "C"): 5, ("A", "D"): 10, ("B", "B"): 10,
      ("B", "C"): 5, ("B", "D"): 5, ("C", "B"): 5, ("C", "C"): 10, ("C", "D"): 5,
      ("D", "D"): 20}, 0.460, 0.474),
]  # fmt: skip

#: Wikipedia, "Cohen's kappa", simple example: 50 proposals, Yes/Yes 20, Yes/No 5,
#: No/Yes 10, No/No 15; po = .70, pe = .50, kappa = .40.
WIKIPEDIA_COHEN = [[20, 5], [10, 15]]

#: NVivo help, "How is the percentage agreement calculated?": a 1000-character source,
#: 50 characters coded by both users, 150 by one only, 800 by neither: 85%.
#: (Here each character is a unit, coded 1 or 0 by each user.)
NVIVO_PERCENT = {"both": 50, "a_only": 75, "b_only": 75, "neither": 800, "expected": 0.85}


def rows_from_table(
    table: list[list[int]], labels: list[object] | None = None
) -> list[list[object]]:
    """Two coders' units from a contingency table (coder 1 rows, coder 2 columns)."""
    labels = labels or list(range(1, len(table) + 1))
    rows: list[list[object]] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            rows.extend([[labels[i], labels[j]]] * count)
    return rows


def rows_from_category_counts(counts: list[list[int]]) -> list[list[object]]:
    """Units × raters from a table of how many raters chose each category per unit."""
    return [[j + 1 for j, n in enumerate(unit) for _ in range(n)] for unit in counts]


#: Where ``tests/conftest.py`` finds the shared material.
REFERENCE_FOLDERS = (AGREEMENT_EXAMPLES.parent,)


def reference_cases(measure: str) -> list[dict[str, object]]:
    """Cases of ``measure`` in the shared reference file; skips when the folder is absent."""
    for folder in REFERENCE_FOLDERS:
        path = folder / "agreement_examples.json"
        if path.is_file():
            cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
            return [c for c in cases if c["measure"] == measure]
    pytest.skip("the shared reference folder (shared/reference/agreement_examples.json) is absent")
