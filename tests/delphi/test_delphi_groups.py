"""Group comparisons: Kruskal–Wallis against R's documented results, and merging."""

from __future__ import annotations

import numpy as np
import pytest

from ourplan.analysis.delphi.consensus import ConsensusDefinition
from ourplan.analysis.delphi.groups import merge_groups, merge_mapping, parse_merge
from ourplan.analysis.delphi.report import analyse_study
from ourplan.analysis.errors import AnalysisError
from tests.delphi.delphi_panels import make_panel, one_statement


def kruskal_of(responses, definition, **options):
    result = analyse_study(responses, definition=definition, clusters=None, **options)
    [entry] = result["statements"]
    return entry["kruskal"]


def test_hollander_wolfe_example_matches_r_kruskal_test():
    # R: x <- c(2.9, 3.0, 2.5, 2.6, 3.2); y <- c(3.8, 2.7, 4.0, 2.4);
    #    z <- c(2.8, 3.4, 3.7, 2.2, 2.0); kruskal.test(list(x, y, z))
    #    → Kruskal-Wallis chi-squared = 0.77143, df = 2, p-value = 0.68
    # The test uses ranks only, so ratings ×10 on a 1–40 scale give the same result.
    x = [29, 30, 25, 26, 32]
    y = [38, 27, 40, 24]
    z = [28, 34, 37, 22, 20]
    responses = one_statement({"x": x, "y": y, "z": z}, scale=40)
    test = kruskal_of(responses, ConsensusDefinition(scale=40, agree_min=30))
    assert test["H"] == pytest.approx(0.77143, abs=5e-6)
    assert test["df"] == 2
    assert round(test["p"], 2) == 0.68
    assert test["n"] == 14
    assert test["significant"] is False


# R's datasets::PlantGrowth (weight by group).
PLANT_GROWTH = {
    "ctrl": [4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14],
    "trt1": [4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69],
    "trt2": [6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26],
}


def test_plant_growth_example_matches_r_kruskal_test():
    # R: kruskal.test(weight ~ group, data = PlantGrowth)
    #    → Kruskal-Wallis chi-squared = 7.9882, df = 2, p-value = 0.01842
    # Each weight becomes its dense rank among the distinct weights (the tie at 4.17
    # stays a tie), a rating on a scale with as many points as distinct weights.
    distinct = sorted({w for weights in PLANT_GROWTH.values() for w in weights})
    rank = {w: i + 1 for i, w in enumerate(distinct)}
    ratings = {g: [rank[w] for w in weights] for g, weights in PLANT_GROWTH.items()}
    scale = len(distinct)
    assert scale == 29
    responses = one_statement(ratings, scale=scale)
    test = kruskal_of(responses, ConsensusDefinition(scale=scale, agree_min=20))
    assert test["H"] == pytest.approx(7.9882, abs=5e-5)
    assert test["df"] == 2
    assert test["p"] == pytest.approx(0.01842, abs=5e-6)
    assert test["significant"] is True
    # trt2 has the highest share at or above rating 20 and is reported as agreeing most.
    assert test["most_agreeing"] == "trt2"
    assert test["least_agreeing"] == "trt1"


def test_groups_that_agree_most_and_least_are_named():
    # carers 4/4 agree, service users 2/4, professionals 0/4.
    responses = one_statement(
        {
            "carers": [5, 5, 4, 4],
            "service users": [4, 4, 3, 3],
            "professionals": [1, 2, 2, 3],
        }
    )
    test = kruskal_of(responses, ConsensusDefinition())
    assert (test["most_agreeing"], test["least_agreeing"]) == ("carers", "professionals")
    assert test["significant"] is True
    assert test["mean_ranks"]["carers"] > test["mean_ranks"]["professionals"]


def test_equal_ratings_give_no_test_but_a_note():
    responses = one_statement({"a": [4, 4], "b": [4, 4, 4]})
    test = kruskal_of(responses, ConsensusDefinition())
    assert test["H"] is None and test["p"] is None and test["significant"] is False
    assert test["note"]


def test_one_group_gives_no_test_but_a_note():
    test = kruskal_of(one_statement({"a": [1, 4, 5]}), ConsensusDefinition())
    assert test["p"] is None and test["note"]  # the shared test explains why


def test_merging_small_groups_names_them_with_a_plus():
    # Two professionals and three policy makers become one group of five.
    responses = one_statement(
        {"professionals": [4, 5], "policy makers": [3, 3, 4], "carers": [1, 2, 2, 1]}
    )
    merged = merge_groups(responses, ["professionals+policy makers"])
    assert merged.groups == ("carers", "professionals+policy makers")
    result = analyse_study(responses, merge=["professionals+policy makers"], clusters=None)
    [entry] = result["statements"]
    assert set(entry["by_group"]) == {"carers", "professionals+policy makers"}
    assert entry["by_group"]["professionals+policy makers"]["n"] == 5
    assert result["rounds"][0]["n_by_group"] == {"carers": 4, "professionals+policy makers": 5}
    assert entry["kruskal"]["df"] == 1


@pytest.mark.parametrize(
    ("merges", "message"),
    [
        (["carers+friends"], "'friends', which is not in the responses"),
        (["carers"], "two or more groups"),
        (["carers+"], "two or more groups"),
        (["carers+carers"], "names a group twice"),
        (["carers+nurses", "nurses+doctors"], "is in two merges"),
    ],
)
def test_bad_merges_are_refused(merges, message):
    with pytest.raises(AnalysisError, match=message):
        merge_mapping(["carers", "nurses", "doctors"], merges)


def test_parse_merge_strips_spaces():
    assert parse_merge(" carers + service users ") == ("carers", "service users")


def test_holm_adjustment_is_reported_per_round():
    rng = np.random.default_rng(3)
    ids = [f"S{j}" for j in range(5)]
    rows = [
        (f"r{i}", "ab"[i % 2], 1, list(rng.integers(1, 6, size=5).astype(float))) for i in range(30)
    ]
    result = analyse_study(make_panel(rows, ids), clusters=None)
    for entry in result["statements"]:
        k = entry["kruskal"]
        assert k["p_holm"] >= k["p"]
