"""Per-statement summaries: quartile methods, shares, groups, invariance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ourplan.analysis.delphi.consensus import ConsensusDefinition
from ourplan.analysis.delphi.responses import responses_from_frame
from ourplan.analysis.delphi.summary import (
    quantile_from_counts,
    rating_counts,
    summarise,
)
from tests.delphi.delphi_panels import make_panel, one_statement


def test_type6_and_type7_quartiles_on_a_hand_worked_example():
    # Ratings 1,2,3,4,5,5,5 (n = 7).
    # Type 6: Q1 at 8·0.25 = 2 → 2; Q3 at 8·0.75 = 6 → 5; IQR 3.
    # Type 7: Q1 at 6·0.25 + 1 = 2.5 → 2.5; Q3 at 6·0.75 + 1 = 5.5 → 5; IQR 2.5.
    counts = rating_counts(np.array([1, 2, 3, 4, 5, 5, 5], dtype=float), 5)
    assert counts[:, 0].tolist() == [1, 1, 1, 1, 3]
    assert quantile_from_counts(counts, 0.25, "type6")[0] == 2.0
    assert quantile_from_counts(counts, 0.75, "type6")[0] == 5.0
    assert quantile_from_counts(counts, 0.25, "type7")[0] == 2.5
    assert quantile_from_counts(counts, 0.5, "type6")[0] == 4.0


def test_empty_column_gives_nan():
    counts = rating_counts(np.array([[np.nan], [np.nan]]), 5)
    assert np.isnan(quantile_from_counts(counts, 0.5)[0])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 9), min_size=1, max_size=60),
    st.sampled_from([0.1, 0.25, 0.5, 0.75, 0.9]),
)
def test_quantiles_from_counts_match_numpy(ratings, p):
    # numpy's "weibull" is Hyndman & Fan type 6 and "linear" is type 7.
    values = np.array(ratings, dtype=float)
    counts = rating_counts(values, 9)
    assert quantile_from_counts(counts, p, "type6")[0] == pytest.approx(
        np.quantile(values, p, method="weibull")
    )
    assert quantile_from_counts(counts, p, "type7")[0] == pytest.approx(
        np.quantile(values, p, method="linear")
    )


def test_summary_by_group_and_overall():
    responses = make_panel(
        [
            ("a1", "carers", 1, [5, 1]),
            ("a2", "carers", 1, [4, None]),
            ("b1", "professionals", 1, [2, 2]),
            ("b2", "professionals", 1, [3, 5]),
        ],
        ["S1", "S2"],
    )
    summary = summarise(responses, ConsensusDefinition())
    overall = summary.overall.set_index("statement")
    # S1: 5, 4, 2, 3 → 2 agree, 1 neutral, 1 disagree of 4.
    s1 = overall.loc["S1"]
    assert [s1["n"], s1["pct_agree"], s1["pct_neutral"], s1["pct_disagree"]] == [
        4,
        0.5,
        0.25,
        0.25,
    ]
    assert overall.loc["S1", "median"] == 3.5
    # S2: 1, 2, 5 (one blank) → n 3.
    assert overall.loc["S2", "n"] == 3
    s2 = overall.loc["S2"]
    assert [s2["count_1"], s2["count_2"], s2["count_5"]] == [1, 1, 1]
    groups = summary.by_group.set_index(["group", "statement"])
    assert groups.loc[("carers", "S1"), "median"] == 4.5
    assert groups.loc[("carers", "S2"), "n"] == 1
    assert groups.loc[("professionals", "S1"), "pct_disagree"] == 0.5


def test_shares_always_add_up_to_one():
    rng = np.random.default_rng(1)
    ratings = rng.integers(1, 8, size=(40, 6)).astype(float)
    ratings[rng.random(ratings.shape) < 0.1] = np.nan
    rows = [(f"r{i}", "g", 1, list(row)) for i, row in enumerate(ratings)]
    summary = summarise(make_panel(rows, [f"S{j}" for j in range(6)], 7), ConsensusDefinition(7))
    total = summary.overall[["pct_agree", "pct_neutral", "pct_disagree"]].sum(axis=1)
    assert np.allclose(total, 1.0)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_permuting_respondents_does_not_change_summaries(data):
    n = data.draw(st.integers(2, 25))
    ratings = data.draw(
        st.lists(
            st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=3, max_size=3),
            min_size=n,
            max_size=n,
        )
    )
    groups = data.draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    frame = pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(n)],
            "group": groups,
            "round": 1,
            **{f"S{j}": [row[j] for row in ratings] for j in range(3)},
        }
    )
    order = data.draw(st.permutations(range(n)))
    shuffled = frame.iloc[list(order)].reset_index(drop=True)
    first = summarise(responses_from_frame(frame, 5), ConsensusDefinition())
    second = summarise(responses_from_frame(shuffled, 5), ConsensusDefinition())
    pd.testing.assert_frame_equal(first.overall, second.overall)
    pd.testing.assert_frame_equal(first.by_group, second.by_group)


def test_statement_nobody_rated_has_no_median_and_no_consensus():
    responses = make_panel([("a", "g", 1, [4, None]), ("b", "g", 1, [5, None])], ["S1", "S2"])
    summary = summarise(responses, ConsensusDefinition())
    row = summary.overall.set_index("statement").loc["S2"]
    assert row["n"] == 0 and np.isnan(row["median"]) and np.isnan(row["pct_agree"])


def test_definition_and_responses_must_share_a_scale():
    from ourplan.analysis.errors import AnalysisError

    with pytest.raises(AnalysisError, match="9-point scale but the responses use a 5-point"):
        summarise(one_statement({"g": [1, 2]}), ConsensusDefinition(scale=9))
