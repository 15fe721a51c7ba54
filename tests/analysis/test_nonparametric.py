"""Kruskal–Wallis and Dunn against R's documented output and hand-worked values."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.nonparametric import (
    adjust_pvalues,
    dunn_test,
    kruskal_report,
    kruskal_wallis,
)

# R's PlantGrowth data set (Dobson 1983), weight by group.
PLANT = {
    "ctrl": [4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14],
    "trt1": [4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69],
    "trt2": [6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26],
}

# ?kruskal.test: Hollander & Wolfe (1973), p. 116, mucociliary efficiency.
HW = {
    "x": [2.9, 3.0, 2.5, 2.6, 3.2],
    "y": [3.8, 2.7, 4.0, 2.4],
    "z": [2.8, 3.4, 3.7, 2.2, 2.0],
}

# R's airquality$Ozone by Month (May–September 1973), None where R has NA.
OZONE = {
    5: [41, 36, 12, 18, None, 28, 23, 19, 8, None, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11,
        1, 11, 4, 32, None, None, None, 23, 45, 115, 37],
    6: [None, None, None, None, None, None, 29, None, 71, 39, None, None, 23, None, None,
        21, 37, 20, 12, 13, None, None, None, None, None, None, None, None, None, None],
    7: [135, 49, 32, None, 64, 40, 77, 97, 97, 85, None, 10, 27, None, 7, 48, 35, 61, 79,
        63, 16, None, None, 80, 108, 20, 52, 82, 50, 64, 59],
    8: [39, 9, 16, 78, 35, 66, 122, 89, 110, None, None, 44, 28, 65, None, 22, 59, 23, 31,
        44, 21, 9, None, 45, 168, 73, None, 76, 118, 84, 85],
    9: [96, 78, 73, 91, 47, 32, 20, 23, 21, 24, 44, 21, 28, 9, 13, 46, 18, 13, 24, 16, 13,
        23, 36, 7, 14, 30, None, 14, 18, 20],
}  # fmt: skip

# seaborn's "exercise" data (pulse by kind), used by scikit-posthocs' tests against R.
EXERCISE = {
    "rest": [85, 85, 88, 90, 92, 93, 97, 97, 94, 80, 82, 83, 91, 92, 91, 83, 83, 84, 87, 88,
             90, 92, 94, 95, 97, 99, 96, 100, 97, 100],
    "walking": [86, 86, 84, 93, 103, 104, 90, 92, 93, 95, 96, 100, 89, 96, 95, 84, 86, 89,
                103, 109, 90, 92, 96, 101, 97, 98, 100, 102, 104, 103],
    "running": [93, 98, 110, 98, 104, 112, 98, 105, 99, 87, 132, 120, 94, 110, 116, 95, 126,
                143, 100, 126, 140, 103, 124, 140, 94, 135, 130, 99, 111, 150],
}  # fmt: skip


def long_form(
    data: Mapping[Any, Sequence[float | None]],
) -> tuple[list[float | None], list[object]]:
    values: list[float | None] = []
    groups: list[object] = []
    for label, block in data.items():
        values.extend(block)
        groups.extend([label] * len(block))
    return values, groups


def test_plantgrowth_matches_r() -> None:
    # kruskal.test(weight ~ group, data = PlantGrowth):
    # Kruskal-Wallis chi-squared = 7.9882, df = 2, p-value = 0.01842
    result = kruskal_wallis(*long_form(PLANT))
    h = result.H
    assert h == pytest.approx(7.9882, abs=5e-5)
    assert result.df == 2
    assert result.p == pytest.approx(0.01842, abs=5e-6)
    assert result.n == 30
    # ε² = H / ((n² − 1)/(n + 1)) = H / 29.
    assert result.epsilon_squared == pytest.approx(result.H / 29)
    # tapply(PlantGrowth$weight, PlantGrowth$group, median): 5.155 4.550 5.435
    assert [g.group for g in result.groups] == ["ctrl", "trt1", "trt2"]
    assert [g.median for g in result.groups] == pytest.approx([5.155, 4.550, 5.435])
    assert [g.n for g in result.groups] == [10, 10, 10]
    # The mean ranks always average to (N + 1) / 2.
    assert np.mean([g.mean_rank for g in result.groups]) == pytest.approx(15.5)


def test_hollander_wolfe_example_from_r_help() -> None:
    # ?kruskal.test: Kruskal-Wallis chi-squared = 0.77143, df = 2, p-value = 0.68
    result = kruskal_wallis(*long_form(HW))
    h = result.H
    assert h == pytest.approx(0.77143, abs=5e-6)
    assert result.df == 2
    assert result.p == pytest.approx(0.68, abs=5e-3)
    assert [g.n for g in result.groups] == [5, 4, 5]


def test_airquality_ozone_by_month_with_missing_values() -> None:
    # kruskal.test(Ozone ~ Month, data = airquality):
    # Kruskal-Wallis chi-squared = 29.267, df = 4, p-value = 6.901e-06
    values, groups = long_form(OZONE)
    assert len(values) == 153 and sum(v is None for v in values) == 37
    result = kruskal_wallis(values, groups)
    h = result.H
    assert h == pytest.approx(29.267, abs=5e-4)
    assert result.df == 4
    assert result.p == pytest.approx(6.901e-06, rel=1e-4)
    assert result.n == 116
    assert [g.group for g in result.groups] == ["5", "6", "7", "8", "9"]
    assert [g.n for g in result.groups] == [26, 9, 26, 26, 29]


def test_dunn_matches_r_with_holm() -> None:
    # R (PMCMR posthoc.kruskal.dunn.test, p.adjust = "holm") on pulse ~ kind, as
    # recorded in scikit-posthocs' test suite: rest–running 9.570998e-09,
    # rest–walking 4.390066e-02, running–walking 1.873208e-04.
    pairs = dunn_test(*long_form(EXERCISE))
    found = {(d.group_a, d.group_b): d for d in pairs}
    assert list(found) == [("rest", "running"), ("rest", "walking"), ("running", "walking")]
    assert found["rest", "running"].p_adj == pytest.approx(9.570998e-09, rel=1e-6)
    assert found["rest", "walking"].p_adj == pytest.approx(4.390066e-02, rel=1e-6)
    assert found["running", "walking"].p_adj == pytest.approx(1.873208e-04, rel=1e-6)
    # Sign: z > 0 when group_a has the higher mean rank.
    assert found["rest", "running"].z < 0 < found["running", "walking"].z


def test_dunn_hand_worked_without_ties() -> None:
    # Ranks: a = {1, 2, 3}, b = {4, 5, 6}; N = 6, no ties.
    # z = (2 − 5) / sqrt(6·7/12 · (1/3 + 1/3)) = −3 / sqrt(7/3)
    pairs = dunn_test([1, 2, 3, 4, 5, 6], ["a", "a", "a", "b", "b", "b"], adjust="none")
    assert len(pairs) == 1
    expected_z = -3 / math.sqrt(7 / 3)
    assert pairs[0].z == pytest.approx(expected_z)
    assert pairs[0].p == pytest.approx(math.erfc(abs(expected_z) / math.sqrt(2)))
    assert pairs[0].p_adj == pairs[0].p


def test_dunn_tie_correction_hand_worked() -> None:
    # Values 1, 1, 2 | 2, 3, 3: ranks 1.5, 1.5, 3.5 | 3.5, 5.5, 5.5, three tie blocks of 2.
    # σ² = N(N+1)/12 − Σ(t³ − t)/(12(N − 1)) = 3.5 − 18/60 = 3.2
    pairs = dunn_test([1, 1, 2, 2, 3, 3], ["a", "a", "a", "b", "b", "b"], adjust="none")
    expected_z = (6.5 / 3 - 14.5 / 3) / math.sqrt(3.2 * (2 / 3))
    assert pairs[0].z == pytest.approx(expected_z)


def test_holm_adjustment_hand_worked() -> None:
    # Sorted 0.01, 0.03, 0.04 → ×3, ×2, ×1 = 0.03, 0.06, 0.04 → monotone 0.03, 0.06, 0.06.
    assert adjust_pvalues([0.01, 0.04, 0.03], "holm") == pytest.approx([0.03, 0.06, 0.06])
    assert adjust_pvalues([0.01, 0.04, 0.5], "bonferroni") == pytest.approx([0.03, 0.12, 1.0])
    assert adjust_pvalues([0.2, 0.9], "none") == [0.2, 0.9]
    with pytest.raises(AnalysisError, match="Unknown p-value adjustment"):
        adjust_pvalues([0.1], "fdr-ish")


def test_report_follows_json_contract() -> None:
    report = kruskal_report(*long_form(PLANT))
    assert {"H", "df", "p", "epsilon_squared", "groups", "dunn"} <= set(report)
    assert set(report["groups"][0]) >= {"group", "n", "median", "mean_rank"}
    assert set(report["dunn"][0]) >= {"group_a", "group_b", "z", "p_adj"}
    assert len(report["dunn"]) == 3
    assert all(type(v) in (int, float, str) for v in report["groups"][0].values())


def test_group_labels_become_text_and_sort() -> None:
    result = kruskal_wallis([1, 2, 3, 4, 5, 6], [2, 2, 10, 10, 1.0, 1.0])
    assert [g.group for g in result.groups] == ["1", "10", "2"]


def test_group_of_one_is_allowed_as_in_r() -> None:
    result = kruskal_wallis([1, 2, 3, 4, 5], ["a", "a", "a", "a", "b"])
    assert result.groups[1].n == 1
    assert result.groups[1].mean_rank == 5


@pytest.mark.parametrize(
    ("values", "groups", "message"),
    [
        ([1, 2, 3], ["a", "a", "a"], "at least 2 groups"),
        ([4, 4, 4, 4], ["a", "a", "b", "b"], "All values are equal"),
        ([None, None, 1], ["a", "b", None], "missing"),
        ([1, "x", 3, 4], ["a", "a", "b", "b"], "not a number"),
    ],
)
def test_unusable_input_raises_analysis_error(
    values: list[object], groups: list[object], message: str
) -> None:
    with pytest.raises(AnalysisError, match=message):
        kruskal_wallis(values, groups)  # type: ignore[arg-type]


samples = st.lists(
    st.tuples(st.integers(0, 9), st.sampled_from(["a", "b", "c", "d"])), min_size=4, max_size=40
).filter(lambda rows: len({g for _, g in rows}) >= 2 and len({v for v, _ in rows}) >= 2)


@settings(max_examples=60, deadline=None)
@given(samples, st.randoms(use_true_random=False))
def test_relabelling_and_reordering_leave_kw_unchanged(
    rows: list[tuple[int, str]], rnd: random.Random
) -> None:
    values = [v for v, _ in rows]
    groups = [g for _, g in rows]
    base = kruskal_wallis(values, groups)
    # Permute the group labels themselves: a → c, b → a, ...
    names = sorted(set(groups))
    renamed = dict(zip(names, rnd.sample(names, len(names)), strict=True))
    relabelled = kruskal_wallis(values, [renamed[g] for g in groups])
    assert math.isclose(relabelled.H, base.H, rel_tol=1e-12, abs_tol=1e-12)
    assert relabelled.p == pytest.approx(base.p, rel=1e-12, abs=1e-15)
    by_label = {g.group: g for g in base.groups}
    for g in relabelled.groups:
        original = next(k for k, v in renamed.items() if v == g.group)
        assert g.mean_rank == pytest.approx(by_label[original].mean_rank)
    # Shuffle the rows.
    order = rnd.sample(range(len(rows)), len(rows))
    shuffled = kruskal_wallis([values[i] for i in order], [groups[i] for i in order])
    assert math.isclose(shuffled.H, base.H, rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=60, deadline=None)
@given(samples, st.floats(0.1, 10), st.floats(-100, 100))
def test_kw_is_invariant_to_monotone_transforms(
    rows: list[tuple[int, str]], scale: float, shift: float
) -> None:
    values = np.array([v for v, _ in rows], dtype=float)
    groups = [g for _, g in rows]
    base = kruskal_wallis(values.tolist(), groups)
    for transformed in (values * scale + shift, np.exp(values / 3), values**3 + values):
        result = kruskal_wallis(transformed.tolist(), groups)
        assert math.isclose(result.H, base.H, rel_tol=1e-9, abs_tol=1e-12)
        assert [g.mean_rank for g in result.groups] == pytest.approx(
            [g.mean_rank for g in base.groups]
        )
