"""Feedback for participants between rounds.

Before round r + 1 each participant sees, for every statement, how the panel rated it
in round r (the distribution, median and share agreeing), the same for each
stakeholder group, and their own round-r rating.  This is plain data for the web views
to render; it uses the same summaries as the analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ourplan.analysis.delphi.consensus import ConsensusDefinition
from ourplan.analysis.delphi.groups import merge_groups
from ourplan.analysis.delphi.responses import DelphiResponses
from ourplan.analysis.delphi.summary import QuantileMethod, summarise
from ourplan.analysis.errors import AnalysisError


def _describe(row: dict[Any, Any], scale: int) -> dict[str, Any]:
    median = float(row["median"])
    pct_agree = float(row["pct_agree"])
    return {
        "n": int(row["n"]),
        "median": None if median != median else median,
        "pct_agree": None if pct_agree != pct_agree else pct_agree,
        "counts": {str(r): int(row[f"count_{r}"]) for r in range(1, scale + 1)},
    }


def round_feedback(
    responses: DelphiResponses,
    round_number: int,
    *,
    definition: ConsensusDefinition | None = None,
    merge: Sequence[str] = (),
    respondent_id: str | None = None,
    quantile_method: QuantileMethod = "type6",
) -> dict[str, Any]:
    """The round's results per statement, overall and by group, with one person's ratings.

    ``respondent_id`` adds ``your_rating`` (``None`` when they skipped the statement);
    it must have answered that round.
    """
    definition = definition or ConsensusDefinition(scale=responses.scale)
    rows = responses.round_frame(round_number)
    own: dict[str, float] | None = None
    if respondent_id is not None:
        mine = rows[rows["respondent_id"] == str(respondent_id)]
        if mine.empty:
            raise AnalysisError(
                f"Respondent {respondent_id!r} did not answer round {round_number}."
            )
        own = {sid: float(mine.iloc[0][sid]) for sid in responses.statement_ids}
    merged = merge_groups(responses, merge)
    summary = summarise(merged, definition, quantile_method)
    scale = responses.scale
    groups: dict[str, dict[str, Any]] = {}
    for row in summary.by_group[summary.by_group["round"] == round_number].to_dict("records"):
        groups.setdefault(str(row["statement"]), {})[str(row["group"])] = _describe(row, scale)
    statements = []
    for row in summary.overall[summary.overall["round"] == round_number].to_dict("records"):
        sid = str(row["statement"])
        entry = {"id": sid, **_describe(row, scale), "by_group": groups.get(sid, {})}
        if own is not None:
            rating = own[sid]
            entry["your_rating"] = None if rating != rating else int(rating)
        statements.append(entry)
    return {
        "round": round_number,
        "definition": definition.as_dict(),
        "statements": statements,
    }


__all__ = ["round_feedback"]
