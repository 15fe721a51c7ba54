"""The highest-scoring questionnaire items, overall or per group.

Items are ranked by their mean (missing answers ignored).  Equal means keep the items'
order in the questionnaire, so a ranking never depends on floating-point noise or on
the order rows arrive in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.grouping import to_labels
from ourplan.analysis.tables import numeric_column, require_columns

ALL_GROUPS = "all"


@dataclass(frozen=True)
class RankedItem:
    """One item's place in a group's ranking."""

    rank: int
    item: str
    subscale: str | None
    mean: float
    n: int


@dataclass(frozen=True)
class GroupRanking:
    """The top items of one group (``group`` is ``"all"`` when there is no grouping)."""

    group: str
    n: int
    items: list[RankedItem]


def _item_matrix(frame: pd.DataFrame, items: Sequence[str]) -> NDArray[np.float64]:
    require_columns(frame, items)
    if not items:
        return np.empty((len(frame), 0))
    return np.column_stack([numeric_column(frame, item) for item in items])


def _top(
    values: NDArray[np.float64],
    items: Sequence[str],
    subscales: Mapping[str, str],
    k: int,
) -> list[RankedItem]:
    present = ~np.isnan(values)
    counts = present.sum(axis=0)
    sums = np.where(present, values, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    answered = np.flatnonzero(counts > 0)
    # lexsort's last key is primary: highest mean first, then questionnaire order.
    order = answered[np.lexsort((answered, -means[answered]))][:k]
    return [
        RankedItem(
            rank=place + 1,
            item=items[i],
            subscale=subscales.get(items[i]),
            mean=float(means[i]),
            n=int(counts[i]),
        )
        for place, i in enumerate(order.tolist())
    ]


def top_items(
    frame: pd.DataFrame,
    items: Sequence[str],
    group: str | None = None,
    k: int = 5,
    subscales: Mapping[str, str] | None = None,
) -> list[GroupRanking]:
    """The ``k`` items with the highest means, per group when ``group`` is given.

    Groups are sorted by label (labels as text); rows without a group are left out.
    An item nobody in a group answered is not ranked in that group.
    """
    if k < 1:
        raise AnalysisError(f"The number of top items must be at least 1 (got {k}).")
    items = [str(item) for item in items]
    if not items:
        raise AnalysisError("There are no item columns to rank.")
    if len(set(items)) != len(items):
        raise AnalysisError("An item column is listed more than once.")
    mapping = dict(subscales or {})
    values = _item_matrix(frame, items)
    if not np.any(~np.isnan(values)):
        raise AnalysisError("Every item answer is missing, so there is nothing to rank.")
    if group is None:
        return [GroupRanking(ALL_GROUPS, len(frame), _top(values, items, mapping, k))]
    require_columns(frame, [group])
    codes, labels = to_labels(frame[group])
    if not labels:
        raise AnalysisError(f"Every value of the group column {group!r} is missing.")
    return [
        GroupRanking(
            group=label,
            n=int(np.sum(codes == g)),
            items=_top(values[codes == g], items, mapping, k),
        )
        for g, label in enumerate(labels)
    ]


def ranking_report(rankings: Sequence[GroupRanking], k: int) -> dict[str, Any]:
    """Rankings as plain data for JSON."""
    return {
        "top": k,
        "groups": [
            {
                "group": r.group,
                "n": r.n,
                "items": [
                    {
                        "rank": item.rank,
                        "item": item.item,
                        "subscale": item.subscale,
                        "mean": item.mean,
                        "n": item.n,
                    }
                    for item in r.items
                ],
            }
            for r in rankings
        ],
    }


__all__ = ["ALL_GROUPS", "GroupRanking", "RankedItem", "ranking_report", "top_items"]
