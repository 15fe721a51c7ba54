"""Cohen's kappa and coder agreement, checked against published worked examples."""

from __future__ import annotations

import pytest

from ourplan.analysis.delphi.coding_agreement import (
    coding_agreement,
    cohen_kappa,
    kappa_from_table,
)
from ourplan.analysis.errors import AnalysisError

# Altman (1991) Practical Statistics for Medical Research, Table 14.3 (Boyd et al. 1982):
# two radiologists grading 85 xeromammograms as normal / benign / suspected / cancer.
# The same data are Stata's `rate2` example in [R] kappa: `kap rada radb` reports
# agreement 63.53%, expected agreement 30.82%, kappa 0.4728.
ALTMAN_RADIOLOGISTS = [
    [21, 12, 0, 0],
    [4, 17, 1, 0],
    [3, 9, 15, 2],
    [0, 0, 0, 1],
]


def test_kappa_matches_altmans_radiologist_example() -> None:
    result = kappa_from_table(ALTMAN_RADIOLOGISTS, ["normal", "benign", "suspected", "cancer"])
    assert result.n == 85
    assert result.observed == pytest.approx(0.6353, abs=5e-5)
    assert result.expected == pytest.approx(0.3082, abs=5e-5)
    assert result.kappa == pytest.approx(0.4728, abs=5e-5)


def test_kappa_matches_ucla_stata_faq_example_with_unused_category() -> None:
    # UCLA IDRE Stata FAQ "How can I calculate kappa when raters don't use the same
    # rating categories?": 12 films rated 1-3; the second rater never uses 3.
    # `kap rater1 rater2` prints agreement 66.67%, expected 33.33%, kappa 0.5000.
    rater1 = ["1"] * 4 + ["2"] * 4 + ["3"] * 4
    rater2 = ["1"] * 4 + ["2"] * 4 + ["2"] * 4
    result = cohen_kappa(rater1, rater2)
    assert result.observed == pytest.approx(0.6667, abs=5e-5)
    assert result.expected == pytest.approx(0.3333, abs=5e-5)
    assert result.kappa == pytest.approx(0.5000, abs=5e-5)


def test_kappa_from_paired_labels_equals_kappa_from_their_table() -> None:
    labels = ["normal", "benign", "suspected", "cancer"]
    a: list[str] = []
    b: list[str] = []
    for i, row in enumerate(ALTMAN_RADIOLOGISTS):
        for j, count in enumerate(row):
            a += [labels[i]] * count
            b += [labels[j]] * count
    assert cohen_kappa(a, b).kappa == pytest.approx(0.4728, abs=5e-5)


def test_two_by_two_textbook_example() -> None:
    # Two readers, 50 grant proposals: yes/yes 20, yes/no 5, no/yes 10, no/no 15:
    # pₒ = 0.70, pₑ = 0.5·0.6 + 0.5·0.4 = 0.50, κ = 0.40 (the usual textbook illustration).
    result = kappa_from_table([[20, 5], [10, 15]])
    assert result.observed == pytest.approx(0.70)
    assert result.expected == pytest.approx(0.50)
    assert result.kappa == pytest.approx(0.40)


def test_kappa_is_undefined_when_both_coders_use_one_category_only() -> None:
    result = cohen_kappa(["yes"] * 5, ["yes"] * 5)
    assert result.observed == 1.0
    assert result.kappa is None


def test_kappa_rejects_unequal_lists() -> None:
    with pytest.raises(AnalysisError, match="same units"):
        cohen_kappa(["a", "b"], ["a"])


def test_theme_agreement_builds_a_two_by_two_table_per_theme() -> None:
    units = ["u1", "u2", "u3", "u4", "u5"]
    a = {"u1": {"T1"}, "u2": {"T1", "T2"}, "u3": {"T2"}, "u4": set()}
    b = {"u1": {"T1"}, "u2": {"T1"}, "u3": {"T2"}, "u4": {"T2"}}
    result = coding_agreement(units, a, b, ["T1", "T2"])
    # u5 is uncoded by both and left out by default.
    assert result.n_units == 4
    assert result.uncoded_units == 1
    t1, t2 = result.themes
    assert (t1.both, t1.only_a, t1.only_b, t1.neither) == (2, 0, 0, 2)
    assert t1.percent == 1.0 and t1.kappa == pytest.approx(1.0)
    assert (t2.both, t2.only_a, t2.only_b, t2.neither) == (1, 1, 1, 1)
    # pₒ = 0.5, pₑ = 0.5·0.5 + 0.5·0.5 = 0.5, κ = 0.
    assert t2.percent == 0.5 and t2.kappa == pytest.approx(0.0)
    # Pooled: mean pₒ = 0.75, mean pₑ = (0.5 + 0.5)/2 = 0.5 → κ = 0.5.
    assert result.percent == pytest.approx(0.75)
    assert result.pooled_kappa == pytest.approx(0.5)


def test_uncoded_units_count_as_agreement_only_when_asked() -> None:
    units = ["u1", "u2", "u3"]
    a = {"u1": {"T1"}, "u2": set()}
    b = {"u1": set(), "u2": {"T1"}}
    without = coding_agreement(units, a, b, ["T1"])
    with_uncoded = coding_agreement(units, a, b, ["T1"], include_uncoded=True)
    assert without.percent == 0.0
    assert with_uncoded.n_units == 3
    assert with_uncoded.percent == pytest.approx(1 / 3)


def test_codings_with_unknown_theme_are_refused() -> None:
    with pytest.raises(AnalysisError, match="not in the codebook"):
        coding_agreement(["u1"], {"u1": {"X"}}, {}, ["T1"])
