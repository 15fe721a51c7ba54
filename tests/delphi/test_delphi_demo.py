"""The synthetic demo study: fixed seed, documented sizes, the paper's statements."""

from __future__ import annotations

import pandas as pd

from ourplan.analysis.delphi.demo import (
    DEMO_RESPONSES_FILE,
    DEMO_STATEMENTS_FILE,
    demo_study,
    random_spec,
    write_panel,
)
from ourplan.analysis.delphi.responses import read_responses_csv, read_statements_csv


def test_same_seed_same_study():
    first, second = demo_study(), demo_study()
    pd.testing.assert_frame_equal(first.responses, second.responses)
    assert not demo_study(seed=1).responses.equals(first.responses)


def test_sizes_follow_the_source_study():
    panel = demo_study()
    counts = panel.responses.groupby(["round", "group"]).size().to_dict()
    assert counts == {
        (1, "carers"): 25,
        (1, "policy makers"): 9,
        (1, "professionals"): 19,
        (1, "service users"): 29,
        (2, "carers"): 10,
        (2, "policy makers"): 9,
        (2, "professionals"): 2,
        (2, "service users"): 9,
    }
    # Round 2 holds only people who answered round 1 (attrition, no newcomers).
    first = set(panel.responses.loc[panel.responses["round"] == 1, "respondent_id"])
    second = set(panel.responses.loc[panel.responses["round"] == 2, "respondent_id"])
    assert second < first
    assert (panel.truth["rounds"] == 2).sum() == 30


def test_statements_are_those_of_the_paper_in_two_topics():
    panel = demo_study()
    assert len(panel.statements) == 20
    assert {s.topic for s in panel.statements} == {"care coordination", "recovery"}
    texts = [s.text for s in panel.statements]
    assert "Being in recovery would mean freedom from symptoms." in texts


def test_written_files_read_back_cleanly(tmp_path):
    responses_path, statements_path = write_panel(demo_study(), tmp_path)
    assert responses_path.name == DEMO_RESPONSES_FILE
    assert statements_path.name == DEMO_STATEMENTS_FILE
    statements = read_statements_csv(statements_path)
    responses = read_responses_csv(responses_path, 5, statements)
    assert responses.rounds == (1, 2)
    assert len(responses.frame) == 82 + 30
    # Ratings are written as whole numbers, blanks for missing.
    header, first_row = responses_path.read_text().splitlines()[:2]
    assert header.startswith("respondent_id,group,round,CC01")
    assert ".0" not in first_row


def test_random_spec_spreads_members_over_groups_and_clusters():
    spec = random_spec(10, 5, n_clusters=2, groups=("a", "b"), retention=0.5)
    assert spec.membership == {
        "a": {"cluster 1": 3, "cluster 2": 2},
        "b": {"cluster 1": 3, "cluster 2": 2},
    }
    assert spec.retained == {"a": 2, "b": 2}
