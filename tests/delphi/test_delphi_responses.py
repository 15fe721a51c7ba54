"""Loading and validating the wide responses CSV and the statements CSV."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from ourplan.analysis.delphi.responses import (
    read_responses_csv,
    read_statements_csv,
    responses_from_frame,
)
from ourplan.analysis.errors import AnalysisError

GOOD = """respondent_id,group,round,S1,S2
r1,carers,1,5,4
r2,carers,1,3,
r3,professionals,1,1,2
r1,carers,2,5,5
"""


def read(text: str, scale: int = 5, statements=None):
    return read_responses_csv(io.StringIO(text), scale, statements)


def test_reads_a_good_file_with_blanks_as_missing():
    responses = read(GOOD)
    assert responses.statement_ids == ("S1", "S2")
    assert responses.rounds == (1, 2)
    assert responses.groups == ("carers", "professionals")
    ratings = responses.ratings(1)
    assert ratings.shape == (3, 2)
    assert np.isnan(ratings[1, 1])


def test_a_byte_order_mark_and_whitespace_are_tolerated(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("\ufeff" + GOOD.replace("r2,carers,1,3,", "r2 , carers ,1, 3 , "), "utf-8")
    responses = read_responses_csv(path, 5)
    assert responses.frame["respondent_id"].tolist()[:2] == ["r1", "r2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("r1,carers,1,5,4", "r1,carers,1,6,4"), "line 2: rating 6 for S1 is outside"),
        (GOOD.replace("r1,carers,1,5,4", "r1,carers,1,0,4"), "outside the 1–5 scale"),
        (GOOD.replace("r2,carers,1,3,", "r2,carers,1,three,"), "'three' for S1 is not a number"),
        (GOOD.replace("r2,carers,1,3,", "r2,carers,1,NA,"), "'NA' for S1 is not a number"),
        (GOOD.replace("r2,carers,1,3,", "r2,carers,1,3.5,"), "rating 3.5 for S1 is not a whole"),
        (GOOD.replace("r2,carers,1", "r1,carers,1"), "respondent 'r1' appears more than once"),
        (GOOD.replace("r3,professionals", "r3,"), "group is blank"),
        (GOOD.replace("r3,professionals", ",professionals"), "respondent_id is blank"),
        (GOOD.replace("r1,carers,2", "r1,carers,two"), "round 'two' is not a whole number"),
        (GOOD.replace("r1,carers,2", "r1,professionals,2"), "different groups across rounds"),
        (GOOD.replace("round,", "wave,"), "missing: round"),
        (GOOD.replace("S1,S2", "S1,S1"), "repeated column names: S1"),
        ("respondent_id,group,round\nr1,a,1\n", "no statement columns"),
        ("respondent_id,group,round,S1\n", "no rows"),
        ("", "empty"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(text, message):
    with pytest.raises(AnalysisError, match=message):
        read(text)


def test_every_problem_is_listed_up_to_a_limit():
    lines = ["respondent_id,group,round,S1"] + [f"r{i},g,1,9" for i in range(20)]
    with pytest.raises(AnalysisError) as caught:
        read("\n".join(lines) + "\n")
    text = str(caught.value)
    assert "20 problem(s)" in text
    assert "… and 12 more" in text


def test_a_column_missing_from_the_statements_file_is_refused():
    statements = read_statements_csv(io.StringIO("id,topic,text\nS1,care,First statement\n"))
    with pytest.raises(AnalysisError, match="column 'S2' is not a statement id"):
        read(GOOD, statements=statements)


def test_statements_file_is_read_and_checked():
    statements = read_statements_csv(
        io.StringIO('id,topic,text\nS1,care,"First, with a comma"\nS2,,Second\n')
    )
    assert [(s.id, s.topic, s.text) for s in statements] == [
        ("S1", "care", "First, with a comma"),
        ("S2", "", "Second"),
    ]
    with pytest.raises(AnalysisError, match="'S1' appears more than once"):
        read_statements_csv(io.StringIO("id,topic,text\nS1,a,x\nS1,b,y\n"))
    with pytest.raises(AnalysisError, match="needs the columns id, topic and text"):
        read_statements_csv(io.StringIO("code,text\nS1,x\n"))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(AnalysisError, match="File not found"):
        read_responses_csv(tmp_path / "nope.csv", 5)


def test_frames_with_numbers_are_accepted_from_code():
    frame = pd.DataFrame(
        {
            "respondent_id": [1, 2],
            "group": ["a", "b"],
            "round": [1, 1],
            "S1": [4.0, np.nan],
        }
    )
    responses = responses_from_frame(frame, 5)
    assert responses.frame["respondent_id"].tolist() == ["1", "2"]
    assert responses.frame["S1"].isna().tolist() == [False, True]


def test_asking_for_an_absent_round_is_a_clear_error():
    with pytest.raises(AnalysisError, match="Round 3 has no responses; rounds present: 1, 2"):
        read(GOOD).ratings(3)
