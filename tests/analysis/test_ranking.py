"""Top items by mean, with subscales and deterministic tie-breaking."""

from __future__ import annotations

import pandas as pd
import pytest

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.ranking import ranking_report, top_items


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team": ["1", "1", "2", "2", None],
            "q1": [1, 2, 3, 4, 5],
            "q2": [2, 1, 4, 3, 9],
            "q3": [5, 5, None, None, 1],
        }
    )


def test_overall_ranking_by_mean() -> None:
    [overall] = top_items(frame(), ["q1", "q2", "q3"], k=5)
    assert overall.group == "all"
    assert overall.n == 5
    # q2: 19/5 = 3.8, q3: 11/3 ≈ 3.67, q1: 15/5 = 3.0
    assert [(i.rank, i.item) for i in overall.items] == [(1, "q2"), (2, "q3"), (3, "q1")]
    assert overall.items[1].n == 3
    assert overall.items[1].mean == pytest.approx(11 / 3)


def test_per_group_with_subscales_and_ties_broken_by_item_order() -> None:
    rankings = top_items(
        frame(), ["q1", "q2", "q3"], group="team", k=2, subscales={"q1": "Hope", "q3": "Control"}
    )
    assert [r.group for r in rankings] == ["1", "2"]  # the unlabelled row is left out
    team1, team2 = rankings
    assert [(i.item, i.subscale, i.mean) for i in team1.items] == [
        ("q3", "Control", 5.0),
        ("q1", "Hope", 1.5),  # q1 and q2 tie at 1.5: q1 comes first in the questionnaire
    ]
    # Team 2 never answered q3, so it is not ranked there; q1 and q2 tie at 3.5.
    assert [(i.item, i.subscale) for i in team2.items] == [("q1", "Hope"), ("q2", None)]


def test_tie_order_follows_the_item_list_not_the_column_order() -> None:
    data = pd.DataFrame({"a": [1, 1], "b": [1, 1], "c": [1, 1]})
    [r] = top_items(data, ["c", "a", "b"], k=3)
    assert [i.item for i in r.items] == ["c", "a", "b"]


def test_numeric_group_labels_are_text() -> None:
    data = pd.DataFrame({"g": [1.0, 2.0, 10.0], "a": [1, 2, 3]})
    assert [r.group for r in top_items(data, ["a"], group="g")] == ["1", "10", "2"]


def test_report_is_plain_data() -> None:
    report = ranking_report(top_items(frame(), ["q1", "q2"], group="team", k=1), 1)
    assert report == {
        "top": 1,
        "groups": [
            {
                "group": "1",
                "n": 2,
                "items": [{"rank": 1, "item": "q1", "subscale": None, "mean": 1.5, "n": 2}],
            },
            {
                "group": "2",
                "n": 2,
                "items": [{"rank": 1, "item": "q1", "subscale": None, "mean": 3.5, "n": 2}],
            },
        ],
    }


@pytest.mark.parametrize(
    ("items", "kwargs", "message"),
    [
        (["q1", "nope"], {}, "Unknown column"),
        (["q1"], {"group": "ward"}, "Unknown column"),
        (["q1"], {"k": 0}, "at least 1"),
        ([], {}, "no item columns"),
        (["q1", "q1"], {}, "more than once"),
    ],
)
def test_errors(items: list[str], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        top_items(frame(), items, **kwargs)  # type: ignore[arg-type]


def test_non_numeric_item_names_column_row_and_value() -> None:
    data = pd.DataFrame({"q1": ["3", "often", "2"]})
    with pytest.raises(AnalysisError, match=r"Column 'q1' .* row 2 has 'often'"):
        top_items(data, ["q1"])


def test_all_missing_items() -> None:
    data = pd.DataFrame({"q1": [None, None]}, dtype=float)
    with pytest.raises(AnalysisError, match="Every item answer is missing"):
        top_items(data, ["q1"])
