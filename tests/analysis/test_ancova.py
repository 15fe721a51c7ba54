"""Tests for ourplan.analysis.ancova.

References, in order of authority:

* emmeans' documented output for its ``fiber`` data set (Montgomery, Design and Analysis of
  Experiments, Table 15.10): ``emmeans(lm(strength ~ diameter + machine, data = fiber),
  pairwise ~ machine)`` and ``sigma(fiber.lm) = 1.595`` from the ``eff_size`` example.
* A tiny data set whose least-squares answer is worked out by hand (below).
* An independent "extra sum of squares" computation with ``numpy.linalg.lstsq``.
* statsmodels with sum coding and ``anova_lm(typ=3)``: a labelled *secondary* check.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from ourplan.analysis.ancova import ancova, ancova_report, holm_adjust
from ourplan.analysis.errors import AnalysisError

FIBER = pd.DataFrame(
    {
        "machine": list("AAAAABBBBBCCCCC"),
        "strength": [36, 41, 39, 42, 49, 40, 48, 39, 45, 44, 35, 37, 42, 34, 32],
        "diameter": [20, 25, 24, 25, 32, 22, 28, 22, 30, 28, 21, 23, 26, 21, 15],
    }
)


def test_fiber_adjusted_means_match_emmeans() -> None:
    # emmeans(fiber.lm, "machine"): emmean, SE, df, lower.CL, upper.CL (printed to 3 s.f.)
    published = {
        "A": (40.4, 0.724, 38.8, 42.0),
        "B": (41.4, 0.744, 39.8, 43.1),
        "C": (38.8, 0.788, 37.1, 40.5),
    }
    res = ancova(FIBER, "strength", "machine", ["diameter"])
    assert res.df_residual == 11
    assert res.sigma == pytest.approx(1.595, abs=5e-4)
    assert [m.group for m in res.adjusted_means] == ["A", "B", "C"]
    for m in res.adjusted_means:
        mean, se, lo, hi = published[m.group]
        assert m.mean == pytest.approx(mean, abs=0.05)
        assert m.se == pytest.approx(se, abs=5e-4)
        assert m.ci95[0] == pytest.approx(lo, abs=0.05)
        assert m.ci95[1] == pytest.approx(hi, abs=0.05)
        assert m.n == 5


def test_fiber_pairwise_matches_emmeans_and_holm() -> None:
    # emmeans contrasts "A - B" etc.: estimate, SE, t.ratio. Ours are b - a, so signs flip.
    published = {
        ("A", "B"): (-1.04, 1.01, -1.024),
        ("A", "C"): (1.58, 1.11, 1.431),
        ("B", "C"): (2.62, 1.15, 2.283),
    }
    res = ancova(FIBER, "strength", "machine", ["diameter"])
    assert [(c.group_a, c.group_b) for c in res.pairwise] == list(published)
    for c in res.pairwise:
        est, se, t = published[(c.group_a, c.group_b)]
        assert -c.diff == pytest.approx(est, abs=0.005)
        assert c.se == pytest.approx(se, abs=0.005)
        assert -c.t == pytest.approx(t, abs=5e-4)
        assert c.p == pytest.approx(2 * stats.t.sf(abs(c.t), 11), rel=1e-12)
    # Holm by hand: sort raw p ascending, multiply by 3, 2, 1, then enforce monotonicity.
    raw = [c.p for c in res.pairwise]
    order = sorted(range(3), key=lambda i: raw[i])
    expected = [0.0] * 3
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (3 - rank) * raw[i]))
        expected[i] = running
    assert [c.p_adj for c in res.pairwise] == pytest.approx(expected, rel=1e-12)
    assert res.p_adjust == "holm"


def test_fiber_type3_secondary_check_against_statsmodels() -> None:
    """SECONDARY check (not a reference): statsmodels OLS, Sum coding, anova_lm(typ=3)."""
    smf = pytest.importorskip("statsmodels.formula.api")
    sm = pytest.importorskip("statsmodels.api")
    fit = smf.ols("strength ~ C(machine, Sum) + diameter", FIBER).fit()
    table = sm.stats.anova_lm(fit, typ=3)
    res = ancova(FIBER, "strength", "machine", ["diameter"])
    assert pytest.approx(table.loc["C(machine, Sum)", "F"], rel=1e-10) == res.factor.F
    assert res.factor.p == pytest.approx(table.loc["C(machine, Sum)", "PR(>F)"], rel=1e-9)
    assert res.factor.ss == pytest.approx(table.loc["C(machine, Sum)", "sum_sq"], rel=1e-10)
    (cov,) = res.covariates
    assert (cov.name, cov.kind, cov.df1, cov.df2) == ("diameter", "numeric", 1, 11)
    assert pytest.approx(table.loc["diameter", "F"], rel=1e-10) == cov.F
    assert res.ss_residual == pytest.approx(table.loc["Residual", "sum_sq"], rel=1e-12)


def test_hand_worked_categorical_covariate() -> None:
    """A 2 x 2 layout whose cell means are exactly additive, so the answer is known exactly.

    Cell means: (a, m) 10, (a, f) 14, (b, m) 20, (b, f) 24: group effect b - a = 10 and
    category effect f - m = 4. With additive cell means the additive model reproduces them,
    so the residuals are the deviations from cell means: SS = 2 + 2 + 4 + 2 = 10 on
    11 - 3 = 8 df. Adjusted means put the covariate at its sample proportions, 6 m and 5 f of
    11 rows: a = 10 + 4 * 5/11, b = 20 + 4 * 5/11. (emmeans' default equal weighting
    would give 12 and 22 instead.)
    """
    cells = {
        ("a", "m"): [9, 11],
        ("a", "f"): [13, 14, 15],
        ("b", "m"): [19, 21, 19, 21],
        ("b", "f"): [23, 25],
    }
    rows = [(g, s, y) for (g, s), ys in cells.items() for y in ys]
    frame = pd.DataFrame(rows, columns=["g", "sex", "y"])
    res = ancova(frame, "y", "g", ["sex"])
    a, b = res.adjusted_means
    assert a.mean == pytest.approx(float(10 + Fraction(20, 11)), abs=1e-12)
    assert b.mean == pytest.approx(float(20 + Fraction(20, 11)), abs=1e-12)
    assert res.pairwise[0].diff == pytest.approx(10.0, abs=1e-12)
    assert res.ss_residual == pytest.approx(10.0, abs=1e-12)
    assert res.df_residual == 8
    assert res.sigma == pytest.approx(math.sqrt(10 / 8), rel=1e-14)
    (sex,) = res.covariates
    assert (sex.kind, sex.df1) == ("categorical", 1)
    # Raw means differ (12.4 and 21.333...): the adjustment did something.
    assert frame.groupby("g")["y"].mean().tolist() == pytest.approx([12.4, 128 / 6])


def _design(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    parts = [np.ones((len(frame), 1))]
    for col in columns:
        if frame[col].dtype.kind in "fiu":
            parts.append(frame[[col]].to_numpy(dtype=float))
        else:
            parts.append(pd.get_dummies(frame[col], drop_first=True).to_numpy(dtype=float))
    return np.hstack(parts)


def _rss(x: np.ndarray, y: np.ndarray) -> float:
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    return float(((y - x @ coef) ** 2).sum())


def _random_frame(seed: int, n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.choice(["ctl", "tx1", "tx2", "tx3"], n)
    age = rng.normal(40, 12, n)
    dose = rng.gamma(2.0, 3.0, n)
    site = rng.choice(["north", "south", "east"], n, p=[0.5, 0.3, 0.2])
    shift = {"ctl": 0.0, "tx1": 1.0, "tx2": 0.3, "tx3": -0.5}
    y = np.array([shift[x] for x in g]) + 0.05 * age - 0.2 * dose + rng.normal(0, 1, n)
    y = y + np.where(site == "south", 0.7, 0.0)
    return pd.DataFrame({"y": y, "g": g, "age": age, "dose": dose, "site": site})


def test_type3_equals_extra_sum_of_squares() -> None:
    """Each term's SS equals RSS(without the term) - RSS(full), computed independently."""
    frame = _random_frame(1)
    terms = ["g", "age", "dose", "site"]
    res = ancova(frame, "y", "g", ["age", "dose", "site"])
    y = frame["y"].to_numpy()
    rss_full = _rss(_design(frame, terms), y)
    assert res.ss_residual == pytest.approx(rss_full, rel=1e-11)
    for test in [res.factor, *res.covariates]:
        reduced = [t for t in terms if t != test.name]
        extra = _rss(_design(frame, reduced), y) - rss_full
        assert test.ss == pytest.approx(extra, rel=1e-9)
        df2 = len(frame) - _design(frame, terms).shape[1]
        assert pytest.approx(extra / test.df1 / (rss_full / df2), rel=1e-9) == test.F
    assert [c.df1 for c in res.covariates] == [1, 1, 2]


def test_multiple_covariates_secondary_check_against_statsmodels() -> None:
    """SECONDARY check: statsmodels Sum-coded fit, Type III table and mean-row predictions."""
    smf = pytest.importorskip("statsmodels.formula.api")
    sm = pytest.importorskip("statsmodels.api")
    frame = _random_frame(2)
    fit = smf.ols("y ~ C(g, Sum) + age + dose + C(site, Sum)", frame).fit()
    table = sm.stats.anova_lm(fit, typ=3)
    res = ancova(frame, "y", "g", ["age", "dose", "site"])
    assert pytest.approx(table.loc["C(g, Sum)", "F"], rel=1e-9) == res.factor.F
    for cov, row in zip(res.covariates, ["age", "dose", "C(site, Sum)"], strict=True):
        assert pytest.approx(table.loc[row, "F"], rel=1e-9) == cov.F
        assert cov.p == pytest.approx(table.loc[row, "PR(>F)"], rel=1e-8)
    # Adjusted mean = prediction with every design column at its mean, group columns set.
    x = pd.DataFrame(fit.model.exog, columns=fit.model.exog_names)
    means = x.mean()
    group_cols = [c for c in x.columns if c.startswith("C(g, Sum)")]
    for i, m in enumerate(res.adjusted_means):
        grid_row = means.copy()
        grid_row[group_cols] = -1.0 if i == len(group_cols) else 0.0
        if i < len(group_cols):
            grid_row[group_cols[i]] = 1.0
        vec = grid_row[fit.params.index].to_numpy()
        pred = float(vec @ fit.params.to_numpy())
        se = math.sqrt(float(vec @ fit.cov_params().to_numpy() @ vec))
        assert m.mean == pytest.approx(pred, rel=1e-11)
        assert m.se == pytest.approx(se, rel=1e-9)
        t_crit = stats.t.ppf(0.975, fit.df_resid)
        assert m.ci95[0] == pytest.approx(pred - t_crit * se, rel=1e-9)


def test_listwise_deletion_and_missing_markers() -> None:
    frame = FIBER.copy().astype({"strength": float, "diameter": float})
    frame.loc[0, "strength"] = np.nan
    frame.loc[6, "diameter"] = np.nan
    frame["machine"] = frame["machine"].astype(object)
    frame.loc[12, "machine"] = None
    res = ancova(frame, "strength", "machine", ["diameter"])
    assert (res.n_used, res.n_dropped) == (12, 3)
    assert [m.n for m in res.adjusted_means] == [4, 4, 4]


def test_text_columns_with_numbers_are_numeric_and_forced_categorical() -> None:
    frame = FIBER.assign(diameter=FIBER["diameter"].astype(str), batch=["1", "2", "3"] * 5)
    res = ancova(frame, "strength", "machine", ["diameter", "batch"])
    assert [c.kind for c in res.covariates] == ["numeric", "numeric"]
    base = ancova(FIBER.assign(batch=[1, 2, 3] * 5), "strength", "machine", ["diameter", "batch"])
    assert pytest.approx(base.factor.F, rel=1e-12) == res.factor.F
    forced = ancova(frame, "strength", "machine", ["diameter", "batch"], categorical=["batch"])
    assert [(c.kind, c.df1) for c in forced.covariates] == [("numeric", 1), ("categorical", 2)]
    words = ancova(frame.assign(batch=["x", "y", "z"] * 5), "strength", "machine", ["batch"])
    assert (words.covariates[0].kind, words.covariates[0].df1) == ("categorical", 2)


def test_large_offsets_do_not_cost_accuracy() -> None:
    base = ancova(FIBER, "strength", "machine", ["diameter"])
    moved = FIBER.assign(strength=FIBER["strength"] + 1e9, diameter=FIBER["diameter"] + 1e9)
    res = ancova(moved, "strength", "machine", ["diameter"])
    assert pytest.approx(base.factor.F, rel=1e-9) == res.factor.F
    assert pytest.approx(base.covariates[0].F, rel=1e-9) == res.covariates[0].F
    assert res.adjusted_means[0].mean - 1e9 == pytest.approx(base.adjusted_means[0].mean, abs=1e-6)


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------


@st.composite
def balanced_frames(draw: st.DrawFn) -> pd.DataFrame:
    """Every group gets the same covariate values (and category counts), in its own order."""
    k = draw(st.integers(2, 4))
    pattern = draw(
        st.lists(st.integers(-50, 50), min_size=3, max_size=6, unique=True).map(
            lambda xs: [x / 2 for x in xs]
        )
    )
    cats = draw(st.lists(st.sampled_from(["u", "v"]), min_size=len(pattern), max_size=len(pattern)))
    rows = []
    for gi in range(k):
        perm = draw(st.permutations(range(len(pattern))))
        for j in perm:
            y = draw(st.integers(-200, 200)) / 4
            rows.append((f"grp{gi}", pattern[j], cats[j], y))
    return pd.DataFrame(rows, columns=["g", "x", "c", "y"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=balanced_frames(), use_category=st.booleans())
def test_balanced_covariate_adjusted_means_equal_raw_means(
    frame: pd.DataFrame, use_category: bool
) -> None:
    covariates = ["x", "c"] if use_category and frame["c"].nunique() == 2 else ["x"]
    if frame["y"].nunique() < 2:
        return
    try:
        res = ancova(frame, "y", "g", covariates)
    except AnalysisError as exc:
        # Only degenerate draws (a perfect fit) may be refused.
        assert "fits every value exactly" in str(exc) or "determined" in str(exc)
        return
    raw = frame.groupby("g")["y"].mean()
    for m in res.adjusted_means:
        assert m.mean == pytest.approx(raw[m.group], abs=1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    shift=st.integers(-(10**8), 10**8),
    scale=st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3),
)
def test_shift_scale_and_relabel_leave_tests_unchanged(seed: int, shift: int, scale: float) -> None:
    frame = _random_frame(seed, n=40)
    base = ancova(frame, "y", "g", ["age", "site"])
    moved = frame.assign(y=(frame["y"] + shift) * scale, age=frame["age"] * scale + shift)
    rename = {"ctl": "z", "tx1": "y", "tx2": "x", "tx3": "w"}
    moved["g"] = moved["g"].map(rename)
    res = ancova(moved, "y", "g", ["age", "site"])
    assert pytest.approx(base.factor.F, rel=1e-7) == res.factor.F
    assert res.factor.p == pytest.approx(base.factor.p, rel=1e-6, abs=1e-300)
    assert [c.F for c in res.covariates] == pytest.approx([c.F for c in base.covariates], rel=1e-7)
    by_name = {m.group: m for m in res.adjusted_means}
    for m in base.adjusted_means:
        got = by_name[rename[m.group]]
        assert got.mean == pytest.approx((m.mean + shift) * scale, rel=1e-9, abs=1e-6 * abs(scale))
        assert got.se == pytest.approx(m.se * abs(scale), rel=1e-7)


# --------------------------------------------------------------------------------------
# Errors and helpers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "covariates", "message"),
    [
        (FIBER.assign(strength=["x", *FIBER["strength"][1:]]), ["diameter"], r"'x' in row 1"),
        (FIBER.assign(machine="A"), ["diameter"], r"at least 2 groups.*only 1"),
        (FIBER.iloc[:11], ["diameter"], r"Group 'C' has only 1 complete row"),
        (FIBER.assign(strength=np.nan), ["diameter"], r"No row has the value"),
        (
            FIBER.iloc[[0, 1, 5, 6]].assign(s=["u", "v", "v", "u"]),
            ["diameter", "s"],
            r"no residual degrees of freedom",
        ),
        (FIBER.assign(k=3.0), ["k"], r"Covariate 'k' has the same value in every row"),
        (FIBER.assign(d2=FIBER["diameter"] * 2.5 + 1), ["diameter", "d2"], r"Covariate 'd2'"),
        (FIBER.assign(s="only"), ["s"], r"only one category \('only'\)"),
        (FIBER, ["nope"], r"Column 'nope' is not in the data"),
        (FIBER, ["strength"], r"must all be different columns"),
    ],
)
def test_clear_errors(frame: pd.DataFrame, covariates: list[str], message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        ancova(frame, "strength", "machine", covariates)


def test_covariate_determined_by_group_is_refused() -> None:
    frame = FIBER.assign(site=FIBER["machine"].map({"A": 1.0, "B": 2.0, "C": 3.0}))
    with pytest.raises(AnalysisError, match="Covariate 'site' is fully determined"):
        ancova(frame, "strength", "machine", ["site"])


def test_holm_adjust_by_hand() -> None:
    # p = (0.01, 0.04, 0.03, 0.005), m = 4: sorted 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06,
    # 0.04*1=0.04 -> monotone 0.06.
    got = holm_adjust([0.01, 0.04, 0.03, 0.005])
    assert got.tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm_adjust([0.9, 0.8]).tolist() == [1.0, 1.0]


def test_ancova_report_shape_and_types() -> None:
    report = ancova_report(FIBER, "strength", "machine", ["diameter"])
    json.dumps(report, allow_nan=False)
    assert set(report) >= {
        "n_used",
        "n_dropped",
        "factor",
        "covariates",
        "adjusted_means",
        "pairwise",
    }
    assert set(report["factor"]) >= {"F", "df1", "df2", "p"}
    assert set(report["covariates"][0]) >= {"name", "F", "df1", "df2", "p"}
    assert set(report["adjusted_means"][0]) >= {"group", "mean", "se", "ci95"}
    assert set(report["pairwise"][0]) >= {"group_a", "group_b", "diff", "p_adj"}
    assert type(report["n_used"]) is int and type(report["factor"]["F"]) is float
    assert type(report["factor"]["df1"]) is int
    assert all(type(v) is float for v in report["adjusted_means"][0]["ci95"])
    assert report["covariates"][0]["name"] == "diameter"
