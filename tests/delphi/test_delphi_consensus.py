"""Consensus rules on hand-worked examples (counts written out in each test)."""

from __future__ import annotations

import pytest

from ourplan.analysis.delphi.consensus import (
    ConsensusDefinition,
    GroupShares,
    StabilityCriterion,
    StabilityEvidence,
)
from ourplan.analysis.delphi.report import analyse_study
from ourplan.analysis.errors import AnalysisError
from tests.delphi.delphi_panels import make_panel, one_statement


def status_of(responses, definition, round_number=1, statement="S1"):
    result = analyse_study(responses, definition=definition, clusters=None)
    [entry] = [
        s for s in result["statements"] if s["id"] == statement and s["round"] == round_number
    ]
    return entry


def test_defaults_for_five_seven_and_nine_point_scales_are_symmetric():
    five, seven, nine = (ConsensusDefinition(scale=s) for s in (5, 7, 9))
    assert (five.agree_band, five.disagree_band) == ((4, 5), (1, 2))
    assert (seven.agree_band, seven.disagree_band) == ((5, 7), (1, 3))
    assert (nine.agree_band, nine.disagree_band) == ((7, 9), (1, 3))
    assert five.threshold == 0.75
    # agree_min 5 on a 5-point scale mirrors to disagree_max 1.
    assert ConsensusDefinition(scale=5, agree_min=5).disagree_band == (1, 1)


def test_exactly_seventy_five_percent_agreeing_is_consensus():
    # 8 ratings: 5,5,4,4,4,4 agree (6), 3 neutral (1), 2 disagree (1) → 6/8 = 75% ≥ 75%.
    entry = status_of(one_statement({"all": [5, 5, 4, 4, 4, 4, 3, 2]}), ConsensusDefinition())
    assert entry["pct_agree"] == pytest.approx(0.75)
    assert entry["pct_neutral"] == pytest.approx(0.125)
    assert entry["pct_disagree"] == pytest.approx(0.125)
    assert entry["consensus"] == "agree"


def test_seventy_percent_is_short_of_a_seventy_five_percent_threshold():
    # 10 ratings: 7 agree (4,4,4,4,5,5,5), 3 neutral → 70% < 75%: no consensus.
    entry = status_of(one_statement({"all": [4, 4, 4, 4, 5, 5, 5, 3, 3, 3]}), ConsensusDefinition())
    assert entry["pct_agree"] == pytest.approx(0.7)
    assert entry["consensus"] == "none"
    # …but 70% meets a 70% threshold (inclusive).
    entry = status_of(
        one_statement({"all": [4, 4, 4, 4, 5, 5, 5, 3, 3, 3]}),
        ConsensusDefinition(threshold=0.70),
    )
    assert entry["consensus"] == "agree"


def test_consensus_on_disagreement():
    # 8 ratings: 1,1,2,2,2,2 disagree (6/8 = 75%), 3 and 4 → consensus that it is rejected.
    entry = status_of(one_statement({"all": [1, 1, 2, 2, 2, 2, 3, 4]}), ConsensusDefinition())
    assert entry["pct_disagree"] == pytest.approx(0.75)
    assert entry["consensus"] == "disagree"


def test_missing_ratings_are_left_out_of_the_shares():
    # 4 agree of 5 given (one blank) → 80%, not 4/6.
    entry = status_of(one_statement({"all": [4, 4, 5, 5, 2, None]}), ConsensusDefinition())
    assert entry["n"] == 5
    assert entry["pct_agree"] == pytest.approx(0.8)
    assert entry["consensus"] == "agree"


def test_comet_needs_seventy_percent_in_seven_to_nine_and_under_fifteen_percent_in_one_to_three():
    comet = ConsensusDefinition.comet()
    # 20 ratings: 14 in 7–9 (70%), 3 in 1–3 (15%), 3 in 4–6 → 15% is not < 15%: none.
    ratings = [7] * 5 + [8] * 5 + [9] * 4 + [1, 2, 3] + [5, 5, 5]
    assert status_of(one_statement({"all": ratings}, scale=9), comet)["consensus"] == "none"
    # 20 ratings: 14 in 7–9 (70%), 2 in 1–3 (10%), 4 in 4–6 → consensus in.
    ratings = [7] * 5 + [8] * 5 + [9] * 4 + [1, 3] + [5, 5, 5, 6]
    entry = status_of(one_statement({"all": ratings}, scale=9), comet)
    assert (entry["pct_agree"], entry["pct_disagree"]) == (pytest.approx(0.7), pytest.approx(0.1))
    assert entry["consensus"] == "agree"
    # Mirror image: 14 in 1–3 and 2 in 7–9 → consensus out.
    ratings = [1] * 5 + [2] * 5 + [3] * 4 + [7, 9] + [5, 5, 5, 6]
    assert status_of(one_statement({"all": ratings}, scale=9), comet)["consensus"] == "disagree"


def test_a_wide_iqr_blocks_consensus_when_a_maximum_is_set():
    # 10 ratings sorted 1,1,4,4,4,4,5,5,5,5: 8 agree (80%).
    # Type 6 quartiles: Q1 at (10+1)·0.25 = 2.75 → 1 + 0.75·(4 − 1) = 3.25;
    # Q3 at 8.25 → 5 + 0.25·(5 − 5) = 5; IQR = 1.75.
    responses = one_statement({"all": [4, 4, 4, 4, 5, 5, 5, 5, 1, 1]})
    entry = status_of(responses, ConsensusDefinition(max_iqr=1.0))
    assert entry["iqr"] == pytest.approx(1.75)
    assert entry["criteria"]["iqr"] is False
    assert entry["consensus"] == "none"
    entry = status_of(responses, ConsensusDefinition(max_iqr=2.0))
    assert entry["criteria"]["iqr"] is True
    assert entry["consensus"] == "agree"


def test_all_groups_rule_needs_every_group_to_agree():
    # carers 4/4 agree, professionals 2/4 agree → overall 6/8 = 75%.
    responses = one_statement({"carers": [4, 5, 5, 4], "professionals": [4, 4, 2, 3]})
    assert status_of(responses, ConsensusDefinition())["consensus"] == "agree"
    entry = status_of(responses, ConsensusDefinition(all_groups=True))
    assert entry["criteria"]["all_groups"] is False
    assert entry["consensus"] == "none"
    # Both groups 3/4 = 75% → all_groups holds.
    responses = one_statement({"carers": [4, 5, 5, 1], "professionals": [4, 4, 5, 3]})
    assert status_of(responses, ConsensusDefinition(all_groups=True))["consensus"] == "agree"


def _two_rounds(round1, round2):
    ids = ["S1"]
    rows = [(f"r{i}", "all", 1, [v]) for i, v in enumerate(round1)]
    rows += [(f"r{i}", "all", 2, [v]) for i, v in enumerate(round2)]
    return make_panel(rows, ids)


def test_stability_by_change_in_share_agreeing():
    # Round 1: 6/10 agree (60%); round 2: 8/10 agree (80%) → change 20 points.
    responses = _two_rounds([4, 4, 4, 5, 5, 5, 3, 3, 2, 2], [4, 4, 4, 5, 5, 5, 4, 4, 2, 2])
    strict = ConsensusDefinition(stability=StabilityCriterion("pct_change", max_change=0.15))
    entry = status_of(responses, strict, round_number=2)
    assert entry["stability"]["change_agree"] == pytest.approx(0.2)
    assert entry["criteria"]["stable"] is False
    assert entry["consensus"] == "none"
    loose = ConsensusDefinition(stability=StabilityCriterion("pct_change", max_change=0.25))
    assert status_of(responses, loose, round_number=2)["consensus"] == "agree"
    # Without a previous round stability cannot be shown, so round 1 never reaches it.
    first = status_of(_two_rounds([5] * 10, [5] * 10), loose, round_number=1)
    assert (first["stability"], first["criteria"]["stable"], first["consensus"]) == (
        None,
        False,
        "none",
    )


def test_stability_by_paired_wilcoxon():
    # Nobody changes: p = 1, stable.  Everyone moves 3 → 5: a significant shift.
    steady = _two_rounds([4, 4, 5, 5, 4, 5, 4, 5, 4, 5], [4, 4, 5, 5, 4, 5, 4, 5, 4, 5])
    wilcoxon = ConsensusDefinition(stability=StabilityCriterion("wilcoxon", alpha=0.05))
    entry = status_of(steady, wilcoxon, round_number=2)
    assert entry["stability"]["wilcoxon_p"] == 1.0
    assert entry["stability"]["n_pairs"] == 10
    assert entry["consensus"] == "agree"
    moved = _two_rounds([3] * 10, [5] * 10)
    entry = status_of(moved, wilcoxon, round_number=2)
    assert entry["stability"]["wilcoxon_p"] < 0.05
    assert entry["consensus"] == "none"


def test_evaluate_reports_each_criterion():
    definition = ConsensusDefinition(
        max_iqr=1,
        all_groups=True,
        stability=StabilityCriterion(max_change=0.1),
    )
    outcome = definition.evaluate(
        n=10,
        pct_agree=0.8,
        pct_disagree=0.1,
        iqr=1.0,
        groups={"a": GroupShares(5, 0.8, 0.0), "b": GroupShares(5, 0.8, 0.2)},
        stability=StabilityEvidence(change_agree=0.05, change_disagree=0.0),
    )
    assert outcome.status == "agree"
    assert outcome.criteria == {"level": True, "iqr": True, "all_groups": True, "stable": True}
    assert definition.evaluate(n=0, pct_agree=0.0, pct_disagree=0.0).status == "none"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 0.5}, "above 0.5"),
        ({"agree_min": 3, "disagree_max": 3}, "below the lowest agreeing"),
        ({"agree_min": 6}, "between 2 and 5"),
        ({"scale": 10}, "10-point"),
        ({"scale": 2}, "3 to 100 points"),
        ({"max_iqr": -1}, "cannot be negative"),
        ({"max_opposite": 0}, "between 0 and 1"),
    ],
)
def test_unusable_definitions_are_refused(options, message):
    with pytest.raises(AnalysisError, match=message):
        ConsensusDefinition(**options)


def test_a_ten_point_scale_works_when_the_agree_band_is_given():
    definition = ConsensusDefinition(scale=10, agree_min=8)
    assert definition.agree_band == (8, 10)
    assert definition.disagree_band == (1, 3)


def test_definition_is_described_in_plain_words():
    text = ConsensusDefinition.comet().describe()
    assert "70%" in text and "7–9" in text and "fewer than 15%" in text
    assert ConsensusDefinition.comet().as_dict()["name"] == "COMET"


def test_stability_criterion_rejects_unknown_methods():
    with pytest.raises(AnalysisError, match="Unknown stability method"):
        StabilityCriterion("chi2")  # type: ignore[arg-type]
