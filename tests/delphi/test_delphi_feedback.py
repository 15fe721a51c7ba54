"""Feedback shown to participants between rounds."""

from __future__ import annotations

import json

import pytest

from ourplan.analysis.delphi.feedback import round_feedback
from ourplan.analysis.errors import AnalysisError
from tests.delphi.delphi_panels import make_panel


def panel():
    return make_panel(
        [
            ("a", "carers", 1, [5, None]),
            ("b", "carers", 1, [4, 2]),
            ("c", "professionals", 1, [2, 2]),
            ("d", "policy makers", 1, [3, 1]),
            ("a", "carers", 2, [5, 4]),
        ],
        ["S1", "S2"],
    )


def test_feedback_gives_the_distribution_overall_by_group_and_the_own_answer():
    feedback = round_feedback(panel(), 1, respondent_id="a")
    s1, s2 = feedback["statements"]
    # S1 in round 1: 5, 4, 2, 3 → one each of 2, 3, 4, 5; 2 of 4 agree.
    assert s1["counts"] == {"1": 0, "2": 1, "3": 1, "4": 1, "5": 1}
    assert s1["pct_agree"] == 0.5 and s1["median"] == 3.5
    assert s1["by_group"]["carers"]["counts"]["5"] == 1
    assert s1["your_rating"] == 5
    assert s2["your_rating"] is None  # a skipped S2 in round 1
    json.dumps(feedback, allow_nan=False)


def test_feedback_merges_groups_like_the_analysis():
    feedback = round_feedback(panel(), 1, merge=["professionals+policy makers"])
    groups = feedback["statements"][0]["by_group"]
    assert set(groups) == {"carers", "professionals+policy makers"}
    assert groups["professionals+policy makers"]["n"] == 2
    assert "your_rating" not in feedback["statements"][0]


def test_feedback_for_someone_who_did_not_answer_is_an_error():
    with pytest.raises(AnalysisError, match="'b' did not answer round 2"):
        round_feedback(panel(), 2, respondent_id="b")
