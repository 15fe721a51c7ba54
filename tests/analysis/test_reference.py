"""t-tests from summary statistics against R's ``t.test`` on the sleep data."""

from __future__ import annotations

import pytest

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.reference import (
    Summary,
    compare_with_reference,
    reference_report,
    summarise,
)

# R's sleep data (Student 1908): extra hours of sleep, group 1 and group 2.
GROUP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
GROUP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_welch_is_the_default_and_matches_r() -> None:
    # t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p-value = 0.07939,
    # 95 percent confidence interval: -3.3654832 0.2054832; means 0.75 and 2.33
    result = compare_with_reference(summarise(GROUP_1), summarise(GROUP_2))
    assert result.method == "welch"
    assert result.difference == pytest.approx(0.75 - 2.33)
    assert result.t == pytest.approx(-1.8608, abs=5e-5)
    assert result.df == pytest.approx(17.776, abs=5e-4)
    assert result.p == pytest.approx(0.07939, abs=5e-6)
    assert result.ci95 == pytest.approx((-3.3654832, 0.2054832), abs=5e-8)


def test_pooled_matches_r_var_equal() -> None:
    # t.test(extra ~ group, data = sleep, var.equal = TRUE): t = -1.8608, df = 18,
    # p-value = 0.07919, 95 percent confidence interval: -3.363874 0.203874
    result = compare_with_reference(summarise(GROUP_1), summarise(GROUP_2), method="pooled")
    assert result.df == 18
    assert result.t == pytest.approx(-1.8608, abs=5e-5)
    assert result.p == pytest.approx(0.07919, abs=5e-6)
    assert result.ci95 == pytest.approx((-3.363874, 0.203874), abs=5e-7)


def test_published_summaries_only() -> None:
    # Equal SDs and ns: Welch and pooled agree; d = difference / SD.
    sample = Summary(mean=14.0, sd=5.0, n=50)
    norm = Summary(mean=12.0, sd=5.0, n=50)
    welch = compare_with_reference(sample, norm)
    pooled = compare_with_reference(sample, norm, method="pooled")
    assert welch.t == pytest.approx(pooled.t)
    assert welch.df == pytest.approx(98)
    assert welch.t == pytest.approx(2.0)  # 2 / sqrt(25/50 + 25/50)
    assert welch.cohens_d == pytest.approx(0.4)
    report = reference_report(welch)
    assert report["ci95"] == [pytest.approx(welch.ci95[0]), pytest.approx(welch.ci95[1])]
    assert report["sample"] == {"mean": 14.0, "sd": 5.0, "n": 50}


@pytest.mark.parametrize(
    ("sample", "reference", "method", "message"),
    [
        (Summary(1, 1, 1), Summary(1, 1, 10), "welch", "n must be at least 2"),
        (Summary(1, -1, 5), Summary(1, 1, 10), "welch", "cannot be negative"),
        (Summary(1, 0, 5), Summary(2, 0, 10), "welch", "no standard error"),
        (Summary(1, 1, 5), Summary(1, 1, 10), "student", "Unknown t-test"),
        (Summary(float("nan"), 1, 5), Summary(1, 1, 10), "welch", "finite"),
    ],
)
def test_bad_summaries(sample: Summary, reference: Summary, method: str, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        compare_with_reference(sample, reference, method)


def test_summarise_ignores_missing_and_needs_two_values() -> None:
    s = summarise([1.0, None, 3.0])  # type: ignore[list-item]
    assert (s.mean, s.n) == (2.0, 2)
    assert s.sd == pytest.approx(2**0.5)
    with pytest.raises(AnalysisError, match="at least two values"):
        summarise([1.0])
