"""Short explanations of each matrix statistic, for showing next to a figure.

``EXPLANATIONS`` is keyed by the statistic id that results carry (``Figure.statistic``).
Each says the formula in words, what the figure means, when it is undefined, and where
it comes from. ``docs/agreement.md`` gives the long form. The coded-text figures
(``core.agreement.text``: characters, segments, documents, unitized alpha) have
their own entries, keyed as ``annotator agreement --json`` names them and
explained at length in ``docs/agreement.md``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    title: str
    formula: str
    meaning: str
    undefined: str
    citation: str


EXPLANATIONS: dict[str, Explanation] = {
    "percent_agreement": Explanation(
        title="Percent agreement",
        formula=(
            "For each unit coded by two or more coders: the share of its pairs of values that "
            "are the same. Averaged over those units."
        ),
        meaning=(
            "How often coders gave the same value, as a fraction from 0 to 1. It does not "
            "allow for agreement by chance, so it flatters codes that are rare or very common."
        ),
        undefined="No unit was coded by two or more coders.",
        citation="Holsti (1969), Content Analysis for the Social Sciences and Humanities.",
    ),
    "cohen_kappa": Explanation(
        title="Cohen's kappa",
        formula=(
            "(po - pe) / (1 - pe) over the units both coders coded: po the share they agree on, "
            "pe = sum over values of coder 1's share times coder 2's share."
        ),
        meaning=(
            "Agreement beyond what two coders with their own habits would reach by chance: "
            "1 is perfect, 0 is chance level, below 0 worse than chance."
        ),
        undefined=(
            "Not exactly two coders; no unit coded by both; or both used one and the same "
            "value throughout (chance agreement is 1)."
        ),
        citation=(
            "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and "
            "Psychological Measurement 20(1):37-46."
        ),
    ),
    "scott_pi": Explanation(
        title="Scott's pi",
        formula=(
            "(po - pe) / (1 - pe) over the units both coders coded, pe = sum over values of the "
            "square of the two coders' pooled share."
        ),
        meaning=(
            "Like Cohen's kappa, but chance is judged from both coders together, as if they "
            "shared one way of coding; differences in the coders' habits count against them."
        ),
        undefined="Not exactly two coders; no unit coded by both; or one value only.",
        citation=(
            "Scott, W.A. (1955). Reliability of content analysis: the case of nominal scale "
            "coding. Public Opinion Quarterly 19(3):321-325."
        ),
    ),
    "bennett_s": Explanation(
        title="Bennett, Alpert & Goldstein's S",
        formula=(
            "(po - 1/q) / (1 - 1/q) over the units both coders coded, q the number of categories."
        ),
        meaning=(
            "Agreement beyond chance if every category were equally likely; it grows with "
            "the number of categories offered, used or not."
        ),
        undefined="Not exactly two coders; no unit coded by both; or fewer than two categories.",
        citation=(
            "Bennett, E.M., Alpert, R. & Goldstein, A.C. (1954). Communications through "
            "limited response questioning. Public Opinion Quarterly 18(3):303-308."
        ),
    ),
    "fleiss_kappa": Explanation(
        title="Fleiss' kappa",
        formula=(
            "(P - Pe) / (1 - Pe): P the mean over units of the share of agreeing pairs of "
            "values, Pe the sum over categories of the squared share of all values in it."
        ),
        meaning=(
            "Chance-corrected agreement of many raters, each unit rated the same number of "
            "times (who rated it may differ)."
        ),
        undefined=(
            "Units have unequal numbers of values (e.g. missing data), units have one value "
            "each, or every value is the same category."
        ),
        citation=(
            "Fleiss, J.L. (1971). Measuring nominal scale agreement among many raters. "
            "Psychological Bulletin 76(5):378-382."
        ),
    ),
    "fleiss_kappa_per_category": Explanation(
        title="Fleiss' kappa for one category",
        formula=(
            "1 - sum over units of n_j (m - n_j) / (N m (m - 1) p_j (1 - p_j)): n_j the unit's "
            "values in category j, m values per unit, N units, p_j the category's share."
        ),
        meaning="How reliably raters tell this category from all the others.",
        undefined="The category is never used, or it is the only one used.",
        citation="Fleiss (1971), Psychological Bulletin 76(5):378-382, eq. 10.",
    ),
    "krippendorff_alpha": Explanation(
        title="Krippendorff's alpha",
        formula=(
            "1 - Do / De: Do the mean difference between values paired within units, De the "
            "mean difference between any two pairable values; differences by the level "
            "(nominal: same or not; ordinal: ranks between; interval: squared difference; "
            "ratio: squared difference over the sum)."
        ),
        meaning=(
            "Reliability of the coding: 1 perfect, 0 no better than chance. Krippendorff "
            "suggests relying on data with alpha of at least .800, and drawing tentative "
            "conclusions only from .667 up. Any number of coders, missing values allowed."
        ),
        undefined=(
            "No unit has two or more values (nothing pairable), or every pairable value is "
            "the same (no disagreement expected)."
        ),
        citation=(
            "Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability; "
            "Krippendorff (2004), Content Analysis, 2nd ed., ch. 11."
        ),
    ),
    "krippendorff_alpha_per_value": Explanation(
        title="Alpha for one value",
        formula="Nominal alpha of the data recoded to this value versus any other value.",
        meaning="How reliably coders tell this value from all the others.",
        undefined="No pairable value, or none other than this one, is this value.",
        citation="Krippendorff (2004), Content Analysis, 2nd ed., sect. 11.6.",
    ),
    "krippendorff_alpha_bootstrap": Explanation(
        title="Confidence interval of alpha",
        formula=(
            "Krippendorff's bootstrap: many resamples of the pairs of values (as many as the "
            "data has), drawn from the coincidence matrix; each resample's alpha uses the "
            "original expected disagreement. The interval holds the middle 95% of them; q is "
            "the share below a minimum such as .667 or .800."
        ),
        meaning=(
            "How far alpha may be from the value a larger sample of units would give, and the "
            "risk that the data's true alpha falls short of a minimum."
        ),
        undefined="Alpha is undefined, or the coders never disagree (nothing to resample).",
        citation=(
            "Hayes, A.F. & Krippendorff, K. (2007). Answering the call for a standard "
            "reliability measure for coding data. Communication Methods and Measures 1(1):77-89."
        ),
    ),
    "pairwise": Explanation(
        title="Pairs of coders",
        formula=(
            "Cohen's kappa, alpha and percent agreement of each pair of coders; for each coder "
            "the mean alpha of their pairs and alpha of the others without them."
        ),
        meaning=(
            "Shows which coder stands apart: the one whose pairs agree least and without whom "
            "alpha rises."
        ),
        undefined="A pair's figures are undefined as the figures themselves are.",
        citation="Krippendorff (2004), Content Analysis, 2nd ed., sect. 11.4.",
    ),
}

# -- coded text (``core.agreement.text``, ``segments``, ``unitized``): the figures the
# Compare coders window and ``annotator agreement`` show, keyed as ``agreement --json``.
_NVIVO = "As NVivo's coding comparison counts it (every character a unit); docs/agreement.md."
_KRIPP_2004 = (
    "Krippendorff, K. (2004). Measuring the reliability of qualitative text analysis data. "
    "Quality & Quantity 38:787-800."
)
_BRENNAN = (
    "Brennan, R.L. & Prediger, D.J. (1981). Coefficient kappa: some uses, misuses, and "
    "alternatives. Educational and Psychological Measurement 41(3):687-699; as MAXQDA reports it."
)
EXPLANATIONS.update(
    {
        "text_percent_agreement": Explanation(
            title="Percent agreement (characters)",
            formula=(
                "Characters on which all chosen coders agree (all coded it with the code, or none "
                "did), over every character of the chosen documents."
            ),
            meaning=(
                "With two coders NVivo's figure. Near 100% when codes are rare, because uncoded "
                "text agrees: read it beside coded-text agreement."
            ),
            undefined="There is no text to compare.",
            citation=_NVIVO,
        ),
        "text_cohen_kappa": Explanation(
            title="Cohen's kappa (characters)",
            formula=(
                "(p_o - p_e) / (1 - p_e) over every character, p_e from each coder's share of "
                "coded characters."
            ),
            meaning="Agreement beyond chance of two coders: 1 perfect, 0 chance level.",
            undefined=(
                "More than two coders (see the pairs); no text; or one category only (nobody "
                "coded the code, or both coded every character)."
            ),
            citation=(
                "Cohen, J. (1960). Educational and Psychological Measurement 20(1):37-46; " + _NVIVO
            ),
        ),
        "text_krippendorff_alpha": Explanation(
            title="Krippendorff's alpha (characters)",
            formula=(
                "1 - (n - 1) sum_u k_u (m - k_u) / ((m - 1) n_1 n_0): character u coded by k_u of "
                "m coders, n = m x characters, n_1 and n_0 the present and absent values."
            ),
            meaning=(
                "Reliability of the coding, any number of coders: rely on data from .800 up, draw "
                "tentative conclusions only from .667 up."
            ),
            undefined=(
                "No text, or one category only (nobody coded the code, or everyone coded every "
                "character): no disagreement to expect."
            ),
            citation="Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.",
        ),
        "coded_only_agreement": Explanation(
            title="Coded text only",
            formula="Characters all coders coded, over characters any coder coded.",
            meaning="How much of the coded text the coders share (intersection over union).",
            undefined="Nobody coded any text with the code.",
            citation="docs/agreement.md (Coded text), character level.",
        ),
        "segments": Explanation(
            title="Segments per coder",
            formula=(
                "Each coder's stretches of text coded with the code, per document (overlapping "
                "or touching codings of one coder merged)."
            ),
            meaning="How much each coder cut out of the text; the basis of segment matching.",
            undefined="Never undefined (a coder may have none).",
            citation="docs/agreement.md (Coded text), segment level.",
        ),
        "matched_segments": Explanation(
            title="Matched segments",
            formula=(
                "Pairs of two coders' segments that share at least the chosen share (default 90%) "
                "of the longer one, matched one to one, largest overlap first; summed over pairs."
            ),
            meaning="Segments both coders cut out alike, as MAXQDA counts them.",
            undefined="Never undefined (it may be 0).",
            citation="docs/agreement.md (Coded text), segment level.",
        ),
        "segment_agreement": Explanation(
            title="Segment agreement",
            formula="matched / (matched + only the first coder's + only the second's).",
            meaning="The share of segments that found a match in the other coder's.",
            undefined="Neither coder has a segment.",
            citation="As MAXQDA's intercoder agreement reports it; docs/agreement.md.",
        ),
        "segment_kappa": Explanation(
            title="Brennan & Prediger's kappa (segments)",
            formula=(
                "(P_o - P_c) / (1 - P_c): P_o the segment agreement, chance P_c = 1 / K with K "
                "the codes in the comparison (the table's rows)."
            ),
            meaning="Segment agreement beyond the chance of picking the same of K codes.",
            undefined="No segments, or one code only in the comparison (P_c = 1).",
            citation=_BRENNAN,
        ),
        "documents_agreement": Explanation(
            title="Document-level agreement",
            formula=(
                "Documents on which all coders agree that the code is present (coded at least once) "
                "or absent, over the chosen documents."
            ),
            meaning="Whether the coders find the code in the same documents, wherever in them.",
            undefined="There are no documents to compare.",
            citation="docs/agreement.md (Coded text), document level.",
        ),
        "unitized_alpha": Explanation(
            title="Unitized alpha",
            formula=(
                "1 - D_o / D_e over each coder's units and gaps on the documents laid end to end: "
                "overlapping units differ by the squared differences of their ends, a unit inside "
                "the other's gap by its length squared."
            ),
            meaning=(
                "Whether coders cut the same units out of the text, not only the same characters; "
                "read with the usual thresholds (.800, .667)."
            ),
            undefined="Nobody coded a unit, or no disagreement is to be expected.",
            citation=_KRIPP_2004,
        ),
    }
)
