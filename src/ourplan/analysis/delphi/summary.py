"""Per-statement descriptive statistics: overall and by group, for every round.

Ratings are whole numbers on 1..N, so everything is computed from the count of each
rating per statement: one pass over the data, exact medians and quartiles.

Quartiles use Hyndman & Fan's type 6 by default (position (n + 1)p, linear interpolation
between order statistics): the method SPSS uses for its percentiles, which most
published Delphi studies (including the source study) report.  Type 7, R's and numpy's
default (position (n − 1)p + 1), is available as ``quantile_method="type7"``.  The IQR
is Q3 − Q1 and the median is the same under both methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ourplan.analysis.delphi.consensus import ConsensusDefinition
from ourplan.analysis.delphi.responses import DelphiResponses
from ourplan.analysis.errors import AnalysisError

QuantileMethod = Literal["type6", "type7"]
QUANTILE_METHODS: tuple[str, ...] = ("type6", "type7")
STAT_COLUMNS: tuple[str, ...] = (
    "n",
    "median",
    "q1",
    "q3",
    "iqr",
    "pct_agree",
    "pct_neutral",
    "pct_disagree",
)


def rating_counts(ratings: NDArray[np.float64], scale: int) -> NDArray[np.int64]:
    """Count of each rating 1..scale per column: shape (scale, statements)."""
    values = np.asarray(ratings, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    counts = np.zeros((scale, values.shape[1]), dtype=np.int64)
    for rating in range(1, scale + 1):
        counts[rating - 1] = np.count_nonzero(values == rating, axis=0)
    return counts


def quantile_from_counts(
    counts: NDArray[np.int64], p: float, method: QuantileMethod = "type6"
) -> NDArray[np.float64]:
    """The p-quantile of each column of rating counts (NaN where a column is empty)."""
    if method not in QUANTILE_METHODS:
        raise AnalysisError(f"Unknown quantile method {method!r}; use type6 or type7.")
    counts = np.asarray(counts, dtype=np.int64)
    n = counts.sum(axis=0)
    cumulative = counts.cumsum(axis=0)
    # 1-based position h of the quantile among the n sorted ratings.
    h = (n + 1) * p if method == "type6" else (n - 1) * p + 1
    h = np.clip(h, 1, np.maximum(n, 1))
    low = np.floor(h).astype(np.int64)
    high = np.minimum(low + 1, np.maximum(n, 1))

    def order_statistic(k: NDArray[np.int64]) -> NDArray[np.float64]:
        # The k-th smallest rating is the first rating whose cumulative count reaches k.
        return (cumulative < k[None, :]).sum(axis=0).astype(float) + 1.0

    x_low = order_statistic(low)
    x_high = order_statistic(high)
    result = x_low + (h - low) * (x_high - x_low)
    return np.where(n > 0, result, np.nan)


def describe_ratings(
    ratings: NDArray[np.float64],
    definition: ConsensusDefinition,
    quantile_method: QuantileMethod = "type6",
) -> dict[str, NDArray[np.float64] | NDArray[np.int64]]:
    """n, median, quartiles, IQR and band shares for each column of ``ratings``."""
    counts = rating_counts(ratings, definition.scale)
    n = counts.sum(axis=0)
    agree_lo, _ = definition.agree_band
    _, disagree_hi = definition.disagree_band
    agree = counts[agree_lo - 1 :].sum(axis=0)
    disagree = counts[:disagree_hi].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct_agree = np.where(n > 0, agree / n, np.nan)
        pct_disagree = np.where(n > 0, disagree / n, np.nan)
        pct_neutral = np.where(n > 0, (n - agree - disagree) / n, np.nan)
    q1 = quantile_from_counts(counts, 0.25, quantile_method)
    q3 = quantile_from_counts(counts, 0.75, quantile_method)
    return {
        "n": n,
        "median": quantile_from_counts(counts, 0.5, quantile_method),
        "q1": q1,
        "q3": q3,
        "iqr": q3 - q1,
        "pct_agree": pct_agree,
        "pct_neutral": pct_neutral,
        "pct_disagree": pct_disagree,
        "counts": counts,
    }


@dataclass(frozen=True, eq=False)
class RatingSummary:
    """Descriptive statistics per statement and round, overall and by group.

    Both frames have ``statement``, ``round``, :data:`STAT_COLUMNS` and ``count_1`` …
    ``count_N``; ``by_group`` also has ``group``.  Rows follow round, then statement order.
    """

    overall: pd.DataFrame
    by_group: pd.DataFrame
    scale: int
    quantile_method: QuantileMethod


def _frame(
    stats: dict[str, NDArray[np.float64] | NDArray[np.int64]],
    statement_ids: tuple[str, ...],
    round_number: int,
    scale: int,
) -> pd.DataFrame:
    frame = pd.DataFrame({"statement": list(statement_ids), "round": round_number})
    for column in STAT_COLUMNS:
        frame[column] = stats[column]
    for rating in range(1, scale + 1):
        frame[f"count_{rating}"] = stats["counts"][rating - 1]
    return frame


def summarise(
    responses: DelphiResponses,
    definition: ConsensusDefinition,
    quantile_method: QuantileMethod = "type6",
) -> RatingSummary:
    """Describe every statement in every round, overall and within each group."""
    if definition.scale != responses.scale:
        raise AnalysisError(
            f"The consensus definition is for a {definition.scale}-point scale but the "
            f"responses use a {responses.scale}-point scale."
        )
    overall: list[pd.DataFrame] = []
    by_group: list[pd.DataFrame] = []
    ids = responses.statement_ids
    for round_number in responses.rounds:
        rows = responses.round_frame(round_number)
        ratings = rows[list(ids)].to_numpy(dtype=float, na_value=np.nan)
        stats = describe_ratings(ratings, definition, quantile_method)
        overall.append(_frame(stats, ids, round_number, responses.scale))
        groups = rows["group"].to_numpy()
        for group in sorted(set(groups.tolist())):
            in_group = ratings[groups == group]
            part = _frame(
                describe_ratings(in_group, definition, quantile_method),
                ids,
                round_number,
                responses.scale,
            )
            part.insert(0, "group", group)
            by_group.append(part)
    return RatingSummary(
        overall=pd.concat(overall, ignore_index=True),
        by_group=pd.concat(by_group, ignore_index=True),
        scale=responses.scale,
        quantile_method=quantile_method,
    )


__all__ = [
    "QUANTILE_METHODS",
    "STAT_COLUMNS",
    "QuantileMethod",
    "RatingSummary",
    "describe_ratings",
    "quantile_from_counts",
    "rating_counts",
    "summarise",
]
