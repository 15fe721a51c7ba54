"""The studentized range distribution (``ourplan.analysis.studentized_range``).

References, all outside our code:

* SciPy's ``scipy.stats.studentized_range`` (adaptive QUADPACK integration), computed inside
  the tests, where it is reliable: its cdf in the body of the distribution for df below
  10⁵ (from 10⁵ on SciPy switches to the infinite-df formula, so it is used there only for
  df = inf).  Its sf is 1 − cdf, so it is not used in the far upper tail.
* Exact identities: with k = 2, Q/√2 is |t_ν| (Student's t, ``scipy.special.stdtr``,
  accurate far into the tail); far in the upper tail with large df the range exceeds w
  essentially only through one pair, so P(Q > q) equals C(k, 2) times the k = 2 tail to
  within e^{−q²/12} relative; and P_2 ≤ P_k ≤ C(k, 2) P_2 for every q (the range of k
  values is at least that of two, and the union bound over pairs).
* Printed tables of the upper quantiles (Harter 1960).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from ourplan.analysis import studentized_range as sr

KS = [2, 3, 5, 10, 20, 50]
# df where SciPy's double integral is used (df < 10⁵) and accurate to ~1e-10.
DFS = [2, 5, 10, 30, 100, 1000, 10_000]
PROBABILITIES = np.array([0.05, 0.5, 0.95, 0.999])


def _t_tail(q: np.ndarray, df: float) -> np.ndarray:
    """P(Q > q) for k = 2: 2 P(t_df > q / √2) (df = inf: the normal)."""
    if math.isinf(df):
        return special.erfc(q / 2.0)
    return 2.0 * special.stdtr(df, -q / math.sqrt(2.0))


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("df", DFS)
def test_cdf_sf_and_quantile_agree_with_scipy(k: int, df: int) -> None:
    q = sr.ppf(PROBABILITIES, k, df)
    reference = stats.studentized_range.cdf(q, k, df)
    # The quantile: SciPy's cdf at our quantile gives back p.
    assert np.max(np.abs(reference - PROBABILITIES)) <= 1e-9
    assert np.max(np.abs(sr.cdf(q, k, df) - reference)) <= 1e-9
    assert np.max(np.abs(sr.sf(q, k, df) - (1.0 - reference))) <= 1e-9


@pytest.mark.parametrize("k", KS)
def test_infinite_df_agrees_with_scipys_asymptotic_formula(k: int) -> None:
    q = sr.ppf(PROBABILITIES, k, np.inf)
    # SciPy uses the exact infinite-df integral for any df ≥ 10⁵.
    reference = stats.studentized_range.cdf(q, k, 10**6)
    assert np.max(np.abs(reference - PROBABILITIES)) <= 1e-9
    assert np.max(np.abs(sr.cdf(q, k, np.inf) - reference)) <= 1e-9


@pytest.mark.parametrize("k", [3, 10, 50])
def test_a_million_df_agrees_with_scipy_extrapolated_in_one_over_df(k: int) -> None:
    """df = 10⁶, where SciPy itself only gives the df = inf value.

    The cdf is smooth in x = 1/df; the quadratic through SciPy's values at x = 0, 5e-5 and
    1e-4 (df = inf, 20,000, 10,000) gives df = 10⁶ to within O(x³) ≈ 1e-12.
    """
    q = sr.ppf(PROBABILITIES, k, 10**6)
    f0 = stats.studentized_range.cdf(q, k, 10**6)  # df = inf in SciPy
    f1 = stats.studentized_range.cdf(q, k, 20_000)
    f2 = stats.studentized_range.cdf(q, k, 10_000)
    x, x1, x2 = 1e-6, 5e-5, 1e-4
    reference = (
        f0 * (x - x1) * (x - x2) / (x1 * x2)
        + f1 * x * (x - x2) / (x1 * (x1 - x2))
        + f2 * x * (x - x1) / (x2 * (x2 - x1))
    )
    assert np.max(np.abs(sr.cdf(q, k, 10**6) - reference)) <= 1e-9
    # And it really differs from the infinite-df value at this precision.
    assert np.max(np.abs(f0 - reference)) > 1e-8


# q(0.95; k, df) and q(0.99; k, df) to three decimals (two from 10 up), as printed in
# H. L. Harter (1960), "Tables of range and studentized range", Ann. Math. Statist. 31,
# 1122–1147, and in the textbook appendix tables taken from it.  Each value was checked
# against SciPy before it was put here.
PUBLISHED_QUANTILES = [
    (0.95, 2, 1, 17.97),
    (0.95, 3, 1, 26.98),
    (0.95, 2, 5, 3.635),
    (0.95, 3, 5, 4.602),
    (0.95, 2, 10, 3.151),
    (0.95, 3, 10, 3.877),
    (0.95, 4, 10, 4.327),
    (0.95, 5, 10, 4.654),
    (0.95, 3, 20, 3.578),
    (0.95, 4, 20, 3.958),
    (0.95, 5, 20, 4.232),
    (0.95, 10, 20, 5.008),
    (0.95, 6, 24, 4.373),
    (0.95, 3, 30, 3.486),
    (0.95, 4, 60, 3.737),
    (0.95, 6, 120, 4.096),
    (0.95, 2, math.inf, 2.772),
    (0.95, 3, math.inf, 3.314),
    (0.95, 4, math.inf, 3.633),
    (0.95, 5, math.inf, 3.858),
    (0.95, 10, math.inf, 4.474),
    (0.95, 20, math.inf, 5.012),
    (0.99, 2, 10, 4.482),
    (0.99, 3, 10, 5.270),
    (0.99, 5, 10, 6.136),
    (0.99, 4, 20, 5.018),
    (0.99, 6, 120, 4.872),
    (0.99, 2, math.inf, 3.643),
    (0.99, 3, math.inf, 4.120),
]


@pytest.mark.parametrize(("p", "k", "df", "printed"), PUBLISHED_QUANTILES)
def test_quantiles_match_the_published_tables(p: float, k: int, df: float, printed: float) -> None:
    decimals = 2 if printed >= 10 else 3
    assert round(float(sr.ppf(p, k, df)), decimals) == printed


@pytest.mark.parametrize("df", [1, 1.5, 2, 3, 7.25, 10, 100, 10_000, 10**6, math.inf])
def test_two_means_is_students_t_far_into_the_tail(df: float) -> None:
    q = np.array([0.05, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0, 30.0])
    if df < 100:
        q = np.append(q, [100.0, 1e3, 1e5])
    expected = _t_tail(q, df)
    assert np.max(np.abs(sr.sf(q, 2, df) / expected - 1.0)) <= 1e-10
    assert np.max(np.abs(sr.cdf(q, 2, df) - (1.0 - expected))) <= 1e-12


@pytest.mark.parametrize("k", [3, 5, 10, 50])
@pytest.mark.parametrize("df", [10**5, math.inf])
def test_far_upper_tail_is_the_sum_over_pairs(k: int, df: float) -> None:
    """Where SciPy's 1 − cdf gives 0, the p-value still has its relative accuracy.

    For q = 30 the tail is ~1e-98; the overlap of two pairs' events is e^{−q²/12} ≈ 1e-33
    of it, and with df = 10⁵ the spread of S cannot bring that back.
    """
    q = np.array([25.0, 30.0, 35.0])
    expected = math.comb(k, 2) * _t_tail(q, df)
    assert np.max(np.abs(sr.sf(q, k, df) / expected - 1.0)) <= 1e-9
    assert np.all(1.0 - stats.studentized_range.cdf(q[1:], k, min(df, 10**5)) < 1e-15)


@pytest.mark.parametrize("k", [3, 6, 20])
@pytest.mark.parametrize("df", [1, 2, 5, 20, 200])
def test_tail_lies_between_one_pair_and_all_pairs(k: int, df: float) -> None:
    q = np.geomspace(0.5, 1e4, 40)
    lower = _t_tail(q, df)
    tail = sr.sf(q, k, df)
    positive = lower > 1e-300  # where Student's t does not underflow
    assert np.all(tail[positive] >= lower[positive] * (1 - 1e-12))
    assert np.all(tail[positive] <= math.comb(k, 2) * lower[positive] * (1 + 1e-12))
    assert np.all(np.diff(sr.logsf(q, k, df)) < 0)


def test_logsf_stays_finite_where_sf_underflows() -> None:
    assert sr.sf(80.0, 4, math.inf) == 0.0
    log_tail = sr.logsf(80.0, 4, math.inf)
    # log(C(4,2) erfc(40)) by the asymptotic series of erfc.
    expected = math.log(6) - 1600.0 - math.log(40.0 * math.sqrt(math.pi)) + math.log1p(-1 / 3200)
    assert log_tail == pytest.approx(expected, abs=1e-6)


def test_quantile_round_trip_and_both_tails() -> None:
    p = np.array([1e-12, 1e-6, 0.001, 0.3, 0.5, 0.7, 0.999, 1 - 1e-9])
    for k, df in [(2, 1.0), (4, 3.5), (7, 40.0), (30, 500.0), (12, math.inf)]:
        q = sr.ppf(p, k, df)
        assert np.all(np.diff(q) > 0)
        low = p < 0.5
        assert np.max(np.abs(sr.cdf(q[low], k, df) / p[low] - 1.0)) <= 1e-9
        assert np.max(np.abs(sr.sf(q[~low], k, df) / (1.0 - p[~low]) - 1.0)) <= 1e-8


def test_arguments_broadcast_and_mixed_k_are_evaluated_together() -> None:
    q = np.array([[1.0], [3.0], [5.0]])
    k = np.array([2, 3, 6, 3])
    df = np.array([5.0, 5.0, math.inf, 40.0])
    together = sr.sf(q, k, df)
    assert together.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            assert together[i, j] == pytest.approx(sr.sf(q[i, 0], k[j], df[j]), rel=1e-13)
    assert isinstance(sr.cdf(3.0, 3, 10), float | np.floating)


def test_edges_and_invalid_parameters() -> None:
    assert sr.cdf(0.0, 3, 10) == 0.0 and sr.sf(0.0, 3, 10) == 1.0
    assert sr.cdf(-1.0, 3, 10) == 0.0
    assert sr.cdf(np.inf, 3, 10) == 1.0 and sr.sf(np.inf, 3, 10) == 0.0
    assert sr.ppf(0.0, 3, 10) == 0.0 and sr.ppf(1.0, 3, 10) == np.inf
    for bad in [(3.0, 1, 10), (3.0, 3, 0), (3.0, 3, -2), (np.nan, 3, 10), (3.0, np.nan, 10)]:
        assert np.isnan(sr.cdf(*bad)) and np.isnan(sr.sf(*bad))
    assert np.isnan(sr.ppf(1.5, 3, 10)) and np.isnan(sr.ppf(-0.1, 3, 10))
