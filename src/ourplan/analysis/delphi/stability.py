"""Stability of ratings between consecutive rounds.

Two measures per statement and round (from the second round present on):

* the absolute change in the share agreeing and in the share disagreeing, both computed
  over everyone who rated the statement in each round;
* a paired Wilcoxon signed-rank test on the respondents who rated the statement in both
  rounds (zero differences dropped, normal approximation when ties make the exact test
  unavailable, as in scipy's defaults).  When nobody changed their rating, p is 1.

Which measure decides "stable" is part of the :class:`ConsensusDefinition`.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ourplan.analysis.delphi.consensus import StabilityEvidence
from ourplan.analysis.delphi.responses import DelphiResponses
from ourplan.analysis.delphi.summary import RatingSummary

StabilityKey = tuple[str, int]


def _paired_wilcoxon(before: np.ndarray, after: np.ndarray) -> tuple[float | None, int]:
    """Two-sided p of a paired Wilcoxon test and the number of pairs used."""
    both = ~np.isnan(before) & ~np.isnan(after)
    n_pairs = int(both.sum())
    if n_pairs == 0:
        return None, 0
    differences = after[both] - before[both]
    if not np.any(differences):
        return 1.0, n_pairs  # nobody moved: as stable as it gets
    with warnings.catch_warnings():
        # scipy warns about ties and small samples; the approximation is what we want.
        warnings.simplefilter("ignore")
        result = stats.wilcoxon(differences, zero_method="wilcox")
    p = float(result.pvalue)
    return (p if np.isfinite(p) else None), n_pairs


def stability_evidence(
    responses: DelphiResponses, summary: RatingSummary
) -> dict[StabilityKey, StabilityEvidence]:
    """Change since the previous round for every statement in rounds after the first."""
    evidence: dict[StabilityKey, StabilityEvidence] = {}
    shares = {
        (str(row["statement"]), int(row["round"])): (
            float(row["pct_agree"]),
            float(row["pct_disagree"]),
        )
        for row in summary.overall.to_dict("records")
    }
    rounds = responses.rounds
    ids = list(responses.statement_ids)
    for previous, current in itertools.pairwise(rounds):
        before_rows = responses.round_frame(previous).set_index("respondent_id")
        after_rows = responses.round_frame(current).set_index("respondent_id")
        paired = before_rows.index.intersection(after_rows.index)
        before = before_rows.loc[paired, ids].to_numpy(dtype=float, na_value=np.nan)
        after = after_rows.loc[paired, ids].to_numpy(dtype=float, na_value=np.nan)
        for j, sid in enumerate(ids):
            now = shares[(sid, current)]
            then = shares[(sid, previous)]
            p, n_pairs = _paired_wilcoxon(before[:, j], after[:, j])
            evidence[(sid, current)] = StabilityEvidence(
                change_agree=_change(now[0], then[0]),
                change_disagree=_change(now[1], then[1]),
                wilcoxon_p=p,
                n_pairs=n_pairs,
            )
    return evidence


def _change(now: float, then: float) -> float | None:
    change = abs(now - then)
    return change if np.isfinite(change) else None


def stability_frame(evidence: dict[StabilityKey, StabilityEvidence]) -> pd.DataFrame:
    """The evidence as a table: statement, round, changes, Wilcoxon p and pairs."""
    return pd.DataFrame(
        [
            {
                "statement": sid,
                "round": rnd,
                "change_agree": e.change_agree,
                "change_disagree": e.change_disagree,
                "wilcoxon_p": e.wilcoxon_p,
                "n_pairs": e.n_pairs,
            }
            for (sid, rnd), e in evidence.items()
        ],
        columns=["statement", "round", "change_agree", "change_disagree", "wilcoxon_p", "n_pairs"],
    )


__all__ = ["StabilityKey", "stability_evidence", "stability_frame"]
