"""Every matrix coefficient against published worked examples (each test names its source)."""

from __future__ import annotations

import pytest
from agreement_published import (
    COHEN1960_P37,
    COHEN1960_P45,
    FLEISS1971,
    FLEISS1971_KAPPA_J,
    HK2007,
    K2011,
    K2011_ALPHA,
    NVIVO_PERCENT,
    WIKIPEDIA_COHEN,
    WIKIPEDIA_FLEISS,
    ZWICK1988,
    reference_cases,
    rows_from_category_counts,
    rows_from_table,
)

from annotator.core.agreement import (
    ReliabilityMatrix,
    bennett_s,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)


def k2011() -> ReliabilityMatrix:
    return ReliabilityMatrix.from_rows(list(zip(*K2011, strict=True)), ["A", "B", "C", "D"])


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_2011_alpha_at_every_level(level):
    """Krippendorff (2011), Computing Krippendorff's Alpha-Reliability, sect. C-E."""
    result = krippendorff_alpha(k2011(), level)
    assert result.value == pytest.approx(K2011_ALPHA[level], abs=0.0005)
    # Unit 12 has one value only: 11 pairable units, 40 pairable values.
    assert (result.units, result.pairable_values) == (11, 40)


def test_krippendorff_2011_nominal_disagreements():
    """Krippendorff (2011), sect. C: Do = 10/50 ... as the reference notes: Do .2, De .7795."""
    result = krippendorff_alpha(k2011(), "nominal")
    assert result.observed_disagreement == pytest.approx(0.2)
    assert result.expected_disagreement == pytest.approx(0.779487, abs=1e-6)
    assert result.value_counts == {1: 9, 2: 13, 3: 10, 4: 5, 5: 3}


def test_hayes_krippendorff_2007_ordinal_alpha():
    """Hayes & Krippendorff (2007), p. 84: 40 units, 5 observers, ordinal alpha .7598."""
    result = krippendorff_alpha(ReliabilityMatrix.from_rows(HK2007), "ordinal")
    assert result.value == pytest.approx(0.7598, abs=0.00005)


def test_fleiss_1971_kappa_and_per_category():
    """Fleiss (1971), Table 1: kappa .430, P-bar .5556, per-category kappa_j."""
    result = fleiss_kappa(ReliabilityMatrix.from_rows(FLEISS1971))
    assert result.value == pytest.approx(0.430, abs=0.0005)
    assert result.observed_agreement == pytest.approx(0.5556, abs=0.00005)
    assert result.raters == 6 and result.units == 30
    for category, kappa_j in FLEISS1971_KAPPA_J.items():
        assert result.per_category[category].value == pytest.approx(kappa_j, abs=0.005)


def test_wikipedia_fleiss_example():
    """Wikipedia, "Fleiss' kappa": 10 subjects, 14 raters; P-bar .378, P-bar-e .213, kappa .210."""
    result = fleiss_kappa(ReliabilityMatrix.from_rows(rows_from_category_counts(WIKIPEDIA_FLEISS)))
    assert result.observed_agreement == pytest.approx(0.378, abs=0.0005)
    assert result.expected_agreement == pytest.approx(0.213, abs=0.0005)
    assert result.value == pytest.approx(0.210, abs=0.0005)


def test_cohen_1960_kappa_p45():
    """Cohen (1960), p. 45: po .70, pc .41, kappa .492."""
    result = cohen_kappa(ReliabilityMatrix.from_rows(rows_from_table(COHEN1960_P45)))
    assert result.observed_agreement == pytest.approx(0.70)
    assert result.expected_agreement == pytest.approx(0.41, abs=0.005)
    assert result.value == pytest.approx(0.492, abs=0.0005)
    assert result.units == 200


def test_cohen_1960_agreement_below_chance_p37():
    """Cohen (1960), p. 37: po .29 below chance pc .35, so kappa is negative."""
    result = cohen_kappa(ReliabilityMatrix.from_rows(rows_from_table(COHEN1960_P37)))
    assert result.observed_agreement == pytest.approx(0.29, abs=0.005)
    assert result.expected_agreement == pytest.approx(0.35, abs=0.005)
    assert result.value is not None and result.value < 0


def test_wikipedia_cohen_example():
    """Wikipedia, "Cohen's kappa", simple example: po .70, pe .50, kappa .40."""
    result = cohen_kappa(ReliabilityMatrix.from_rows(rows_from_table(WIKIPEDIA_COHEN)))
    assert result.value == pytest.approx(0.4, abs=1e-9)


@pytest.mark.parametrize(("table", "pi", "kappa"), ZWICK1988)
def test_zwick_1988_percent_s_pi_kappa(table, pi, kappa):
    """Zwick (1988), p. 376: same po .60 and S .467, different pi and kappa."""
    rows = [list(pair) for pair, count in table.items() for _ in range(count)]
    matrix = ReliabilityMatrix.from_rows(rows, order=["A", "B", "C", "D"])
    assert percent_agreement(matrix).value == pytest.approx(0.600)
    assert bennett_s(matrix).value == pytest.approx(0.467, abs=0.0005)
    # Zwick prints two decimals for some (.46 for pi = .4595): within .001.
    assert scott_pi(matrix).value == pytest.approx(pi, abs=0.001)
    assert cohen_kappa(matrix).value == pytest.approx(kappa, abs=0.001)


def test_nvivo_percent_agreement_over_characters():
    """NVivo help, percentage agreement: 50 + 800 of 1000 characters agree = 85%."""
    c = NVIVO_PERCENT
    rows = (
        [[1, 1]] * c["both"]
        + [[1, 0]] * c["a_only"]
        + [[0, 1]] * c["b_only"]
        + [[0, 0]] * c["neither"]
    )
    assert percent_agreement(ReliabilityMatrix.from_rows(rows)).value == pytest.approx(
        c["expected"]
    )


# The shared reference file, read at test time (skipped with a reason when it is absent).


def test_reference_file_krippendorff_cases():
    cases = reference_cases("krippendorff_alpha")
    assert cases
    for case in cases:
        rows = list(zip(*case["data"]["matrix"], strict=True))
        result = krippendorff_alpha(ReliabilityMatrix.from_rows(rows), case["level"])
        assert result.value == pytest.approx(case["expected"], abs=case["tolerance"]), case["name"]


def test_reference_file_fleiss_cases():
    for case in reference_cases("fleiss_kappa"):
        result = fleiss_kappa(ReliabilityMatrix.from_rows(case["data"]["ratings"]))
        assert result.value == pytest.approx(case["expected"], abs=case["tolerance"]), case["name"]


def test_reference_file_cohen_cases():
    for case in reference_cases("cohen_kappa"):
        table = case["data"]["table"]
        result = cohen_kappa(ReliabilityMatrix.from_rows(rows_from_table(table)))
        assert result.value == pytest.approx(case["expected"], abs=case["tolerance"]), case["name"]


def test_reference_file_percent_agreement_cases():
    """NVivo's character example as a matrix of characters (coded by A, by B)."""
    for case in reference_cases("percent_agreement_characters"):
        data = case["data"]
        coded = [
            [any(s <= i < e for s, e in data[key]) for key in ("coder_A_spans", "coder_B_spans")]
            for i in range(data["length"])
        ]
        rows = [[int(a), int(b)] for a, b in coded]
        result = percent_agreement(ReliabilityMatrix.from_rows(rows))
        assert result.value == pytest.approx(case["expected"], abs=case["tolerance"]), case["name"]
