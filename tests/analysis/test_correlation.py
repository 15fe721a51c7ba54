"""Correlations against R's ``cor.test`` examples, NIST StRD and independent code."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ourplan.analysis.correlation import (
    cohen_label,
    correlate,
    correlate_report,
    correlation_matrix,
    fisher_ci,
)
from ourplan.analysis.errors import AnalysisError

# ?cor.test: Hollander & Wolfe (1973), p. 187f.
HW_X = [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1]
HW_Y = [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8]

# NIST StRD "Norris" (y, x); certified R-squared 0.999993745883712.
NORRIS = [
    (0.1, 0.2), (338.8, 337.4), (118.1, 118.2), (888.0, 884.6), (9.2, 10.1), (228.1, 226.5),
    (668.5, 666.3), (998.5, 996.3), (449.1, 448.6), (778.9, 777.0), (559.2, 558.2),
    (0.3, 0.4), (0.1, 0.6), (778.1, 775.5), (668.8, 666.9), (339.3, 338.0), (448.9, 447.5),
    (10.8, 11.6), (557.7, 556.0), (228.3, 228.1), (998.0, 995.8), (888.8, 887.6),
    (119.6, 120.2), (0.3, 0.3), (0.6, 0.3), (557.6, 556.8), (339.3, 339.1), (888.0, 887.2),
    (998.5, 999.0), (778.9, 779.0), (10.2, 11.1), (117.6, 118.3), (228.9, 229.2),
    (668.4, 669.1), (449.2, 448.9), (0.2, 0.5),
]  # fmt: skip


def test_pearson_matches_r_cor_test() -> None:
    # cor.test(x, y): t = 1.8411, df = 7, p-value = 0.1082,
    # 95 percent confidence interval: -0.1497426 0.8955795; cor 0.5711816
    c = correlate(HW_X, HW_Y)
    assert c.r == pytest.approx(0.5711816, abs=5e-8)
    assert c.n == 9
    t = c.r * math.sqrt((c.n - 2) / (1 - c.r**2))
    assert t == pytest.approx(1.8411, abs=5e-5)
    assert c.p == pytest.approx(0.1082, abs=5e-5)
    assert c.ci95 == pytest.approx((-0.1497426, 0.8955795), abs=5e-8)
    assert c.label == "large"
    assert c.method == "pearson"


def test_spearman_matches_r_cor_test_exact() -> None:
    # cor.test(x, y, method = "spearman"): S = 48, p-value = 0.0968, rho 0.6
    c = correlate(HW_X, HW_Y, method="spearman")
    assert c.r == pytest.approx(0.6)
    s = (c.n**3 - c.n) * (1 - c.r) / 6
    assert s == pytest.approx(48)
    assert c.p == pytest.approx(0.0968, abs=5e-5)


def test_spearman_edgeworth_matches_as89() -> None:
    # n = 10 with S = Σd² = 36: R's AS 89 gives P(S ≤ 36) = 0.005825634 by its Edgeworth
    # series (pspearman(36, 10, approximation = "AS89") in the pspearman package docs),
    # and cor.test reports twice that.
    x = list(range(1, 11))
    y = [4, 2, 3, 1, 8, 6, 7, 5, 9, 10]
    assert sum((a - b) ** 2 for a, b in zip(x, y, strict=True)) == 36
    c = correlate(x, y, method="spearman")
    assert c.r == pytest.approx(1 - 6 * 36 / 990)
    assert c.p == pytest.approx(2 * 0.005825634, rel=1e-7)


def test_exact_spearman_distribution_matches_pspearman() -> None:
    # pspearman(36, 10, approximation = "exact") = 0.005265377: the exact null
    # distribution our small-n branch enumerates, checked here at n = 10.
    from ourplan.analysis.correlation import _s_counts

    counts = _s_counts(10)
    assert counts.sum() == math.factorial(10)
    assert counts[:37].sum() / counts.sum() == pytest.approx(0.005265377, rel=1e-7)


def test_spearman_with_ties_uses_t_approximation_like_r() -> None:
    # With ties R's cor.test falls back to the t approximation, as scipy does.
    x = [1, 2, 2, 3, 4, 5, 5, 6]
    y = [2, 1, 3, 3, 5, 4, 6, 6]
    c = correlate(x, y, method="spearman")
    reference = stats.spearmanr(x, y)
    assert c.r == pytest.approx(reference.statistic)
    assert c.p == pytest.approx(reference.pvalue)


def test_pearson_norris_certified_r() -> None:
    y, x = zip(*NORRIS, strict=True)
    c = correlate(list(x), list(y))
    assert c.r == pytest.approx(math.sqrt(0.999993745883712), rel=1e-13)
    assert c.n == 36


def test_fisher_interval_and_labels() -> None:
    lo, hi = fisher_ci(0.5, 28)
    # tanh(atanh(0.5) ± 1.959964/5)
    assert lo == pytest.approx(math.tanh(math.atanh(0.5) - 1.959964 / 5), abs=1e-6)
    assert hi == pytest.approx(math.tanh(math.atanh(0.5) + 1.959964 / 5), abs=1e-6)
    assert all(math.isnan(v) for v in fisher_ci(0.5, 3))
    assert fisher_ci(1.0, 10) == (1.0, 1.0)
    labels = [cohen_label(r) for r in (0.0, 0.0999, 0.1, -0.2999, 0.3, 0.4999, -0.5, 0.99)]
    assert labels == [
        "negligible",
        "negligible",
        "small",
        "small",
        "medium",
        "medium",
        "large",
        "large",
    ]


def test_pairwise_deletion_in_pair_form() -> None:
    x = [1.0, 2.0, None, 4.0, 5.0, 6.0]
    y = [2.0, 1.0, 3.0, float("nan"), 5.0, 7.0]
    c = correlate(x, y)
    assert c.n == 4
    assert c.r == pytest.approx(stats.pearsonr([1, 2, 5, 6], [2, 1, 5, 7]).statistic)


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_matrix_matches_pandas_and_pair_form_with_missing(method: str) -> None:
    rng = np.random.default_rng(7)
    data = rng.normal(size=(300, 5))
    data[:, 1] += data[:, 0]
    data[:, 3] = np.round(data[:, 3])  # ties
    frame = pd.DataFrame(data, columns=list("abcde")).mask(rng.random((300, 5)) < 0.15)
    matrix = correlation_matrix(frame, method=method)
    expected = frame.corr(method="pearson" if method == "pearson" else "spearman")
    assert np.allclose(matrix.r, expected.to_numpy(), atol=1e-12)
    for i in range(5):
        for j in range(i + 1, 5):
            pair = correlate(frame.iloc[:, i], frame.iloc[:, j], method=method)
            assert matrix.r[i, j] == pytest.approx(pair.r, abs=1e-12)
            assert matrix.p[i, j] == pytest.approx(pair.p, rel=1e-9)
            assert matrix.n[i, j] == pair.n
            assert matrix.pair(i, j).ci95 == pytest.approx(pair.ci95)


def test_spearman_matrix_on_likert_items_with_missing_matches_scipy() -> None:
    rng = np.random.default_rng(11)
    latent = rng.normal(size=400)
    items = np.clip(np.round(latent[:, None] + rng.normal(size=(400, 4)) + 3), 1, 5)
    frame = pd.DataFrame(items, columns=["q1", "q2", "q3", "q4"])
    frame = frame.mask(rng.random(frame.shape) < 0.2)
    frame["cont"] = latent  # a continuous column takes the other path
    matrix = correlation_matrix(frame, method="spearman")
    for i in range(5):
        for j in range(i + 1, 5):
            both = frame.iloc[:, [i, j]].dropna()
            reference = stats.spearmanr(both.iloc[:, 0], both.iloc[:, 1])
            assert matrix.r[i, j] == pytest.approx(reference.statistic, abs=1e-12)
            assert matrix.p[i, j] == pytest.approx(reference.pvalue, rel=1e-9)
            assert matrix.n[i, j] == len(both)


def test_complete_matrix_uses_one_product_and_matches_numpy() -> None:
    rng = np.random.default_rng(3)
    data = rng.normal(size=(1000, 6))
    frame = pd.DataFrame(data, columns=[f"v{i}" for i in range(6)])
    matrix = correlation_matrix(frame)
    assert np.allclose(matrix.r, np.corrcoef(data, rowvar=False), atol=1e-13)
    assert (matrix.n == 1000).all()
    assert np.isnan(np.diag(matrix.p)).all()


def test_report_contract_and_undefined_cells_are_none() -> None:
    frame = pd.DataFrame(
        {"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5], "flat": [1.0] * 5, "text": list("vwxyz")}
    )
    report = correlate_report(frame)  # default: numeric columns only
    pairs = report["pairs"]
    assert [(p["x"], p["y"]) for p in pairs] == [("a", "b"), ("a", "flat"), ("b", "flat")]
    assert set(pairs[0]) >= {"x", "y", "method", "r", "n", "p", "ci95", "label"}
    assert pairs[0]["r"] == pytest.approx(0.8)
    assert pairs[1]["r"] is None and pairs[1]["p"] is None and pairs[1]["ci95"] == [None, None]
    assert pairs[1]["label"] == "undefined"


@pytest.mark.parametrize(
    ("x", "y", "method", "message"),
    [
        ([1, 2], [1, 2], "pearson", "at least 3 complete pairs"),
        ([1, 1, 1, 1], [1, 2, 3, 4], "pearson", "same value"),
        ([1, 2, 3], [1, 2], "pearson", "different lengths"),
        ([1, 2, 3], [1, 2, 3], "kendall", "Unknown correlation method"),
        (["a", "b", "c"], [1, 2, 3], "pearson", "numbers only"),
    ],
)
def test_pair_errors(x: list[object], y: list[object], method: str, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        correlate(x, y, method=method)  # type: ignore[arg-type]


def test_matrix_errors() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]})
    with pytest.raises(AnalysisError, match="Unknown column"):
        correlation_matrix(frame, ["a", "nope"])
    with pytest.raises(AnalysisError, match="at least two numeric columns"):
        correlation_matrix(frame)
    with pytest.raises(AnalysisError, match="numbers only"):
        correlation_matrix(frame, ["a", "b"])


finite = st.floats(-1e3, 1e3, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(finite, finite), min_size=4, max_size=30),
    st.floats(0.01, 100),
    st.floats(-1e3, 1e3),
)
def test_r_is_invariant_to_shift_and_scale(
    pairs: list[tuple[float, float]], scale: float, shift: float
) -> None:
    x = np.array([p[0] for p in pairs])
    y = np.array([p[1] for p in pairs])
    if np.ptp(x) < 1e-3 or np.ptp(y) < 1e-3:
        return  # (nearly) constant: r undefined or dominated by rounding
    for method in ("pearson", "spearman"):
        base = correlate(x, y, method=method)
        moved = correlate(x * scale + shift, y, method=method)
        flipped = correlate(-x, y, method=method)
        if method == "pearson" or len(set(x * scale + shift)) == len(set(x)):
            assert moved.r == pytest.approx(base.r, abs=1e-7)
        assert flipped.r == pytest.approx(-base.r, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-20, 20), st.integers(-20, 20)), min_size=4, max_size=30))
def test_spearman_is_invariant_to_monotone_transforms(pairs: list[tuple[int, int]]) -> None:
    x = np.array([p[0] for p in pairs], dtype=float)
    y = np.array([p[1] for p in pairs], dtype=float)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return
    base = correlate(x, y, method="spearman")
    moved = correlate(x**3 + 2 * x, np.exp(y / 10), method="spearman")
    assert moved.r == pytest.approx(base.r, abs=1e-12)
    assert moved.p == pytest.approx(base.p, rel=1e-9)
