"""Helpers shared by the Delphi tests: build validated panels from plain rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ourplan.analysis.delphi.responses import DelphiResponses, responses_from_frame


def make_panel(
    rows: Sequence[tuple[str, str, int, Sequence[Any]]],
    statement_ids: Sequence[str],
    scale: int = 5,
) -> DelphiResponses:
    """Rows of (respondent, group, round, ratings) → validated responses."""
    records = []
    for respondent, group, round_number, ratings in rows:
        record: dict[str, object] = {
            "respondent_id": respondent,
            "group": group,
            "round": round_number,
        }
        record.update(dict(zip(statement_ids, ratings, strict=True)))
        records.append(record)
    frame = pd.DataFrame(records, columns=["respondent_id", "group", "round", *statement_ids])
    return responses_from_frame(frame, scale)


def one_statement(
    ratings_by_group: Mapping[str, Sequence[Any]], scale: int = 5, round_number: int = 1
) -> DelphiResponses:
    """A one-statement study ("S1"): each rating from its own respondent."""
    rows = []
    for group, ratings in ratings_by_group.items():
        for i, rating in enumerate(ratings):
            rows.append((f"{group}-{i}", group, round_number, [rating]))
    return make_panel(rows, ["S1"], scale)
