"""The JSON contract of analyse_study and participation across rounds."""

from __future__ import annotations

import json
import math

import pytest

from ourplan.analysis.delphi.consensus import ConsensusDefinition
from ourplan.analysis.delphi.demo import demo_study
from ourplan.analysis.delphi.report import analyse_study, run_analysis
from ourplan.analysis.delphi.responses import Statement, responses_from_frame
from ourplan.analysis.errors import AnalysisError
from tests.delphi.delphi_panels import make_panel


@pytest.fixture(scope="module")
def demo_result():
    panel = demo_study()
    responses = responses_from_frame(panel.responses, 5)
    return analyse_study(
        responses, statements=panel.statements, merge=["professionals+policy makers"]
    )


def test_contract_fields_are_present(demo_result):
    assert {"rounds", "statements", "clusters"} <= set(demo_result)
    for entry in demo_result["rounds"]:
        assert {"round", "n_by_group", "response_rate"} <= set(entry)
    for entry in demo_result["statements"]:
        assert {
            "id",
            "round",
            "n",
            "median",
            "iqr",
            "pct_agree",
            "consensus",
            "by_group",
            "kruskal",
        } <= set(entry)
        assert {"H", "df", "p"} <= set(entry["kruskal"])
        for group in entry["by_group"].values():
            assert {"n", "median", "pct_agree"} <= set(group)
        assert 0.0 <= entry["pct_agree"] <= 1.0
        assert entry["consensus"] in {"agree", "disagree", "none"}
    clusters = demo_result["clusters"]
    assert {"k", "method", "silhouette", "assignments", "composition", "discriminating"} <= set(
        clusters
    )
    for item in clusters["discriminating"]:
        assert {"id", "H", "p"} <= set(item)


def test_result_survives_a_strict_json_round_trip(demo_result):
    text = json.dumps(demo_result, allow_nan=False)
    assert json.loads(text) == demo_result


def test_participation_and_attrition_of_the_demo(demo_result):
    first, second = demo_result["rounds"]
    merged = "professionals+policy makers"
    # Round 1: 29 service users, 25 carers, 19 professionals + 9 policy makers = 82.
    assert first["n_by_group"] == {"carers": 25, merged: 28, "service users": 29}
    assert first["response_rate"] == 1.0
    # Round 2: 9 service users, 10 carers, 2 professionals + 9 policy makers = 30.
    assert second["n_by_group"] == {"carers": 10, merged: 11, "service users": 9}
    assert second["response_rate"] == pytest.approx(30 / 82)
    assert second["response_rate_by_group"]["carers"] == pytest.approx(10 / 25)
    assert second["response_rate_by_group"][merged] == pytest.approx(11 / 28)
    assert second["retained_from_previous"] == 30
    assert second["new_respondents"] == 0


def test_statements_carry_text_and_the_definition_is_reported(demo_result):
    entry = demo_result["statements"][0]
    assert entry["id"] == "CC01" and entry["round"] == 1
    assert entry["topic"] == "care coordination"
    assert entry["text"].startswith("Service users should be active")
    assert len(demo_result["statements"]) == 20 * 2
    assert demo_result["definition"]["threshold"] == 0.75
    assert demo_result["quantile_method"] == "type6"
    assert demo_result["clusters"]["round"] == 2 == demo_result["cluster_round"]


def test_a_round_with_no_ratings_at_all_counts_nobody():
    rows: list[tuple[str, str, int, list[float | None]]] = [
        ("a", "g", 1, [4]),
        ("b", "g", 1, [5]),
        ("a", "g", 2, [None]),
    ]
    result = analyse_study(make_panel(rows, ["S1"]), clusters=None)
    assert [r["n"] for r in result["rounds"]] == [2, 0]
    later = next(s for s in result["statements"] if s["round"] == 2)
    assert later["median"] is None and later["pct_agree"] is None
    json.dumps(result, allow_nan=False)


def test_an_absent_cluster_round_is_an_error():
    rows = [(f"r{i}", "g", 1, [1 + i % 5]) for i in range(5)]
    with pytest.raises(AnalysisError, match="Round 3 has no responses; rounds present: 1"):
        analyse_study(make_panel(rows, ["S1"]), cluster_round=3)


def test_unknown_statement_columns_are_refused_when_statements_are_given():
    rows = [(f"r{i}", "g", 1, [1, 2]) for i in range(3)]
    with pytest.raises(AnalysisError, match="not statement ids in the statements list: S2"):
        analyse_study(make_panel(rows, ["S1", "S2"]), statements=[Statement("S1", "", "x")])
    result = analyse_study(
        make_panel(rows, ["S1", "S2"]),
        statements=[Statement("S1", "", "x"), Statement("S2", "", "y"), Statement("S3", "", "z")],
        clusters=None,
    )
    assert any("S3" in note for note in result["notes"])


def test_run_analysis_keeps_the_typed_pieces():
    panel = demo_study()
    analysis = run_analysis(
        responses_from_frame(panel.responses, 5), definition=ConsensusDefinition(5)
    )
    assert analysis.clustering is not None
    assert analysis.summary.overall.shape[0] == 40
    assert all(not (isinstance(v, float) and math.isnan(v)) for v in analysis.to_dict()["rounds"])
