"""Differences between stakeholder groups: merging small groups and Kruskal–Wallis.

Small groups can be merged before analysis, as the source study merged its two
remaining professionals with the policy makers: a merge is written
``"groupA+groupB"`` and that text becomes the merged group's name.

For every statement and round the ratings are compared across groups with the shared
tie-corrected Kruskal–Wallis test; p < alpha flags a difference (unadjusted, as the
source study did, with Holm-adjusted p alongside because ~80 statements are tested).
The group with the highest share agreeing (then highest median) is reported as the one
agreeing most, and the lowest as the one agreeing least.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ourplan.analysis.delphi.responses import DelphiResponses
from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.nonparametric import KruskalGroup, adjust_pvalues, kruskal_wallis

MERGE_SEPARATOR = "+"


def parse_merge(spec: str) -> tuple[str, ...]:
    """The groups named in a merge like ``"professionals+policy makers"``."""
    members = tuple(part.strip() for part in str(spec).split(MERGE_SEPARATOR))
    if len(members) < 2 or any(not m for m in members):
        raise AnalysisError(
            f"A merge names two or more groups joined by '+', e.g. 'carers+family'; got {spec!r}."
        )
    if len(set(members)) != len(members):
        raise AnalysisError(f"The merge {spec!r} names a group twice.")
    return members


def merge_mapping(groups: Sequence[str], merges: Sequence[str]) -> dict[str, str]:
    """Map each existing group to its name after the merges."""
    present = sorted(set(groups))
    mapping = {g: g for g in present}
    used: dict[str, str] = {}
    for spec in merges:
        members = parse_merge(spec)
        merged_name = MERGE_SEPARATOR.join(members)
        for member in members:
            if member not in mapping:
                raise AnalysisError(
                    f"The merge {spec!r} names the group {member!r}, which is not in the "
                    f"responses; groups present: {', '.join(present)}."
                )
            if member in used:
                raise AnalysisError(
                    f"The group {member!r} is in two merges: {used[member]!r} and {spec!r}."
                )
            used[member] = spec
            mapping[member] = merged_name
    return mapping


def merge_groups(responses: DelphiResponses, merges: Sequence[str]) -> DelphiResponses:
    """Responses with the merged groups relabelled ``groupA+groupB``."""
    if not merges:
        return responses
    original = [str(g) for g in responses.frame["group"]]
    mapping = merge_mapping(original, merges)
    return responses.with_groups([mapping[g] for g in original])


@dataclass(frozen=True)
class GroupComparison:
    """Kruskal–Wallis across groups for one statement in one round.

    Statistics are ``None`` with a ``note`` when the test cannot be computed (fewer than
    two groups rated the statement, or every rating was the same).
    """

    statement: str
    round: int
    n: int
    H: float | None
    df: int | None
    p: float | None
    p_holm: float | None
    epsilon_squared: float | None
    significant: bool
    most_agreeing: str | None
    least_agreeing: str | None
    groups: tuple[KruskalGroup, ...] = ()
    note: str | None = None


def _ranked_groups(shares: list[dict[str, Any]]) -> list[str]:
    """Groups with ratings, from most to least agreeing (share agreeing, then median)."""
    rated = [s for s in shares if s["n"] > 0]
    rated.sort(key=lambda s: (-s["pct_agree"], -s["median"], str(s["group"])))
    return [str(s["group"]) for s in rated]


def compare_groups(
    responses: DelphiResponses,
    by_group: pd.DataFrame,
    alpha: float = 0.05,
) -> list[GroupComparison]:
    """Kruskal–Wallis across groups for every statement and round.

    ``by_group`` is :attr:`RatingSummary.by_group` for the same responses; it supplies
    the shares that rank groups from most to least agreeing.
    """
    if not 0.0 < alpha < 1.0:
        raise AnalysisError(f"alpha must be between 0 and 1; got {alpha}.")
    shares_by_key: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in by_group[["statement", "round", "group", "n", "pct_agree", "median"]].to_dict(
        "records"
    ):
        key = (str(row["statement"]), int(row["round"]))
        shares_by_key.setdefault(key, []).append(
            {k: row[k] for k in ("group", "n", "pct_agree", "median")}
        )
    results: list[GroupComparison] = []
    for round_number in responses.rounds:
        rows = responses.round_frame(round_number)
        groups = rows["group"].astype(str).to_numpy(dtype=object)
        round_results: list[GroupComparison] = []
        for sid in responses.statement_ids:
            values = rows[sid].to_numpy(dtype=float, na_value=np.nan)
            answered = ~np.isnan(values)
            ranked = _ranked_groups(shares_by_key.get((sid, round_number), []))
            most = ranked[0] if len(ranked) > 1 else None
            least = ranked[-1] if len(ranked) > 1 else None
            try:
                test = kruskal_wallis(values[answered], groups[answered])
            except AnalysisError as error:
                round_results.append(
                    GroupComparison(
                        statement=sid,
                        round=round_number,
                        n=int(answered.sum()),
                        H=None,
                        df=None,
                        p=None,
                        p_holm=None,
                        epsilon_squared=None,
                        significant=False,
                        most_agreeing=most,
                        least_agreeing=least,
                        note=str(error),
                    )
                )
                continue
            round_results.append(
                GroupComparison(
                    statement=sid,
                    round=round_number,
                    n=test.n,
                    H=test.H,
                    df=test.df,
                    p=test.p,
                    p_holm=None,
                    epsilon_squared=test.epsilon_squared,
                    significant=test.p < alpha,
                    most_agreeing=most,
                    least_agreeing=least,
                    groups=tuple(test.groups),
                )
            )
        results.extend(_with_holm(round_results))
    return results


def _with_holm(results: list[GroupComparison]) -> list[GroupComparison]:
    """Fill in Holm-adjusted p over the statements tested in one round."""
    tested = [i for i, r in enumerate(results) if r.p is not None]
    adjusted = adjust_pvalues([results[i].p or 0.0 for i in tested], "holm")
    out = list(results)
    for i, p_holm in zip(tested, adjusted, strict=True):
        out[i] = replace(results[i], p_holm=p_holm)
    return out


__all__ = [
    "MERGE_SEPARATOR",
    "GroupComparison",
    "compare_groups",
    "merge_groups",
    "merge_mapping",
    "parse_merge",
]
