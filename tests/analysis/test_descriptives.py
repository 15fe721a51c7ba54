"""Tests for ourplan.analysis.descriptives and the input rules of ourplan.analysis.grouping."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ourplan.analysis.descriptives import describe_by_group
from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.grouping import clean_grouped, group_data, to_float_array


def test_plantgrowth_descriptives(plant_growth: tuple[list[float], list[str]]) -> None:
    weight, group = plant_growth
    res = describe_by_group(weight, group)
    assert [d.group for d in res] == ["ctrl", "trt1", "trt2"]
    ctrl = res[0]
    x = np.asarray(weight[:10])
    assert (ctrl.n, ctrl.n_missing) == (10, 0)
    assert ctrl.mean == pytest.approx(5.032, abs=1e-12)
    assert ctrl.sd == pytest.approx(np.std(x, ddof=1), rel=1e-12)
    assert ctrl.sem == pytest.approx(np.std(x, ddof=1) / math.sqrt(10), rel=1e-12)
    lo, hi = stats.t.interval(0.95, 9, loc=x.mean(), scale=stats.sem(x))
    assert ctrl.ci95 == pytest.approx((lo, hi), rel=1e-12)
    # R: summary(PlantGrowth$weight[1:10]) -> 4.170 4.550 5.155 5.032 5.293 6.110
    assert (ctrl.min, ctrl.q1, ctrl.median, ctrl.q3, ctrl.max) == pytest.approx(
        (4.17, 4.55, 5.155, 5.2925, 6.11), abs=1e-12
    )
    assert ctrl.iqr == pytest.approx(5.2925 - 4.55, abs=1e-12)


def test_quartiles_use_r_type_7() -> None:
    # R: quantile(1:10) -> 0% 1, 25% 3.25, 50% 5.5, 75% 7.75, 100% 10
    (d,) = describe_by_group(list(range(1, 11)), ["x"] * 10)
    assert (d.q1, d.median, d.q3, d.iqr) == (3.25, 5.5, 7.75, 4.5)


def test_missing_values_small_and_empty_groups() -> None:
    values = [1, 2, 3, None, 10, "NA", float("nan"), 4, 5]
    groups = ["b", "b", "b", "b", "c", "z", "z", None, "a"]
    res = {d.group: d for d in describe_by_group(values, groups)}
    assert list(res) == ["a", "b", "c", "z"]
    assert (res["b"].n, res["b"].n_missing, res["b"].sd) == (3, 1, 1.0)
    single = res["c"]
    assert (single.n, single.mean, single.median) == (1, 10.0, 10.0)
    assert math.isnan(single.sd) and math.isnan(single.sem) and math.isnan(single.ci95[0])
    empty = res["z"]
    assert (empty.n, empty.n_missing) == (0, 2)
    assert math.isnan(empty.mean) and math.isnan(empty.median)


def test_large_offset_text_input_keeps_digits() -> None:
    """Decimal text with 13 constant leading digits: SD 0.1 exactly (NIST SmLs07 style)."""
    values = ["1000000000000.4", "1000000000000.3", "1000000000000.5"] * 3
    (d,) = describe_by_group(values, ["g"] * 9)
    assert d.sd == pytest.approx(math.sqrt(0.06 / 8), rel=1e-13)
    assert d.iqr == pytest.approx(0.2, rel=1e-13)
    assert d.mean == pytest.approx(1000000000000.4, rel=1e-16)


def test_describe_errors() -> None:
    with pytest.raises(AnalysisError, match="All values are missing"):
        describe_by_group([None, "", "NA"], ["a", "b", "c"])
    with pytest.raises(AnalysisError, match=r"'seven' in row 2 is not a number"):
        describe_by_group([1, "seven"], ["a", "a"])


# --------------------------------------------------------------------------------------
# grouping: the shared input rules
# --------------------------------------------------------------------------------------


def test_clean_grouped_sorted_labels_and_coercion() -> None:
    out = clean_grouped([1, 2, None, "4.5", 5, np.nan, 7], ["b", "a", "a", 2.0, "b", "2", 10])
    assert list(out) == ["10", "2", "a", "b"]  # plain string order
    assert out["2"].tolist() == [4.5]  # 2.0 and "2" are the same group
    assert out["b"].tolist() == [1.0, 5.0]


def test_clean_grouped_minimums() -> None:
    with pytest.raises(AnalysisError, match="at least 3 groups"):
        clean_grouped([1, 2, 3, 4], ["a", "a", "b", "b"], min_groups=3, method="the test")
    with pytest.raises(AnalysisError, match="Group 'b' has only 1 non-missing value"):
        clean_grouped([1, 2, 3], ["a", "a", "b"], min_group_size=2, method="the test")


def test_group_data_counts_and_offsets() -> None:
    data = group_data(["1000000000000.4", "1000000000000.3", None, "1000000000000.5"], [1, 1, 2, 2])
    assert data.labels == ("1", "2")
    assert data.counts.tolist() == [2, 1]
    assert data.n_missing.tolist() == [0, 1]
    assert data.n_dropped == 1
    # The decimal offset was removed exactly before rounding to float64.
    assert sorted((data.centred).tolist()) == [-0.1, 0.0, 0.1]


@pytest.mark.parametrize(
    "values",
    [
        [1, 2.5, Decimal("3.25"), "4", np.int64(5), np.float32(6.5)],
        np.array([1, 2.5, 3.25, 4, 5, 6.5]),
        pd.Series([1, 2.5, 3.25, 4, 5, 6.5]),
    ],
)
def test_to_float_array_accepts_numeric_types(values: object) -> None:
    assert to_float_array(values).tolist() == [1, 2.5, 3.25, 4, 5, 6.5]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1, object()], "row 2 is not a number"),
        (np.array([True, False]), "true/false flags"),
        (np.zeros((2, 2)), "one-dimensional"),
        ([[1, 2], [3, 4]], r"\[1, 2\] in row 1 is not a number"),
        ("12", "must be a sequence"),
        ([1, "-inf"], "row 2 is infinite"),
    ],
)
def test_to_float_array_errors(values: object, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        to_float_array(values)
