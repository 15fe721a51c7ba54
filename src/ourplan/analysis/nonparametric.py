"""Kruskal–Wallis rank test and Dunn's post-hoc comparisons.

Both follow the textbook definitions that R's ``kruskal.test`` and ``dunn.test`` use:
ranks over the pooled sample (ties get the average rank), H corrected for ties, a
chi-squared reference distribution with k − 1 degrees of freedom, and Dunn's z with the
same tie correction.  Everything is vectorised because the Delphi analysis calls
:func:`kruskal_wallis` thousands of times on a few thousand respondents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import special

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.grouping import group_data

# Values may hold None/NaN (missing) and come as lists, arrays or pandas Series.
Values = Sequence[float | None] | NDArray[Any] | pd.Series
Groups = Sequence[object] | NDArray[Any] | pd.Series
ADJUST_METHODS: tuple[str, ...] = ("holm", "bonferroni", "none")


@dataclass(frozen=True)
class KruskalGroup:
    """One group's share of a Kruskal–Wallis test."""

    group: str
    n: int
    median: float
    mean_rank: float


@dataclass(frozen=True)
class KruskalResult:
    """Kruskal–Wallis H (tie-corrected), its chi-squared p-value and effect size."""

    H: float
    df: int
    p: float
    epsilon_squared: float
    n: int
    groups: list[KruskalGroup]


@dataclass(frozen=True)
class DunnComparison:
    """Dunn's z for one pair; z > 0 means ``group_a`` has the higher mean rank."""

    group_a: str
    group_b: str
    z: float
    p: float
    p_adj: float


@dataclass(frozen=True)
class _Ranked:
    """Pooled ranks of cleaned groups, shared by the test and the post-hoc."""

    labels: list[str]
    sizes: NDArray[np.int64]
    mean_ranks: NDArray[np.float64]
    medians: NDArray[np.float64]
    n: int
    tie_sum: float  # sum over tie blocks of t³ − t


def _rank_groups(values: Values, groups: Groups) -> _Ranked:
    data = group_data(values, groups, min_groups=2, method="the Kruskal–Wallis test")
    n = data.n
    codes = data.codes
    sizes = data.counts.astype(np.int64)
    # Ranks need only the order of the values; the centred copy has the same order.
    pooled = data.centred
    # One sort gives the average ranks, the tie-block sizes and (below) the medians.
    # Ties share their average rank, so this sort need not be stable (and the default is
    # several times faster than mergesort).
    order = np.argsort(pooled)
    ordered = pooled[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    counts = np.diff(np.r_[starts, n])
    average = starts + (counts + 1) / 2.0  # 1-based average rank of each tie block
    ranks = np.empty(n, dtype=float)
    ranks[order] = np.repeat(average, counts)
    rank_sums = np.bincount(codes, weights=ranks, minlength=data.k)
    tie_sum = float(np.sum(counts.astype(float) ** 3 - counts))
    # A stable sort by group of the value-sorted rows leaves each group's values in order
    # (radix sort when the codes fit in 16 bits).
    group_of = codes[order].astype(np.uint16) if data.k < 2**16 else codes[order]
    within = ordered[np.argsort(group_of, kind="stable")] + data.offset
    first = np.r_[0, np.cumsum(sizes)[:-1]]
    medians = (within[first + (sizes - 1) // 2] + within[first + sizes // 2]) / 2.0
    return _Ranked(
        labels=list(data.labels),
        sizes=sizes,
        mean_ranks=rank_sums / sizes,
        medians=medians,
        n=n,
        tie_sum=tie_sum,
    )


def _tie_factor(ranked: _Ranked) -> float:
    n = ranked.n
    factor = 1.0 - ranked.tie_sum / float(n**3 - n)
    if factor <= 0.0:
        raise AnalysisError(
            "All values are equal, so the Kruskal–Wallis test cannot be computed "
            "(every observation has the same rank)."
        )
    return factor


def _kruskal_from_ranked(ranked: _Ranked) -> KruskalResult:
    n = ranked.n
    factor = _tie_factor(ranked)
    # H = 12 / (N(N+1)) Σ n_i (R̄_i − (N+1)/2)², then divided by the tie correction.
    centred = ranked.mean_ranks - (n + 1) / 2.0
    h = 12.0 / (n * (n + 1)) * float(np.sum(ranked.sizes * centred**2)) / factor
    df = len(ranked.labels) - 1
    p = float(special.chdtrc(df, h))
    # Tomczak & Tomczak (2014): ε² = H / ((n² − 1) / (n + 1)) = H / (n − 1).
    epsilon_squared = h / ((n**2 - 1) / (n + 1)) if n > 1 else float("nan")
    groups = [
        KruskalGroup(
            group=label,
            n=int(ranked.sizes[i]),
            median=float(ranked.medians[i]),
            mean_rank=float(ranked.mean_ranks[i]),
        )
        for i, label in enumerate(ranked.labels)
    ]
    return KruskalResult(
        H=float(h), df=df, p=p, epsilon_squared=float(epsilon_squared), n=n, groups=groups
    )


def kruskal_wallis(values: Values, groups: Groups) -> KruskalResult:
    """Kruskal–Wallis H test of ``values`` across ``groups``.

    Rows with a missing value or group are dropped and labels become text, reported in
    sorted order (the rules of :mod:`ourplan.analysis.grouping`).  Raises
    :class:`AnalysisError` for fewer than two groups with data or when every value is equal
    (H is then undefined).  A group of one is allowed, as in R's ``kruskal.test``.
    """
    return _kruskal_from_ranked(_rank_groups(values, groups))


def adjust_pvalues(p: Sequence[float] | NDArray[np.float64], method: str = "holm") -> list[float]:
    """Adjust p-values for multiple comparisons (``holm``, ``bonferroni`` or ``none``)."""
    if method not in ADJUST_METHODS:
        raise AnalysisError(
            f"Unknown p-value adjustment {method!r}; use one of {', '.join(ADJUST_METHODS)}."
        )
    raw = np.asarray(p, dtype=float)
    m = raw.size
    if method == "none" or m == 0:
        return [float(v) for v in raw]
    if method == "bonferroni":
        return [float(v) for v in np.minimum(raw * m, 1.0)]
    # Holm: step-down, multiply the i-th smallest by (m − i), keep the sequence monotone.
    order = np.argsort(raw, kind="mergesort")
    stepped = np.maximum.accumulate(raw[order] * (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return [float(v) for v in adjusted]


def _dunn_from_ranked(ranked: _Ranked, adjust: str) -> list[DunnComparison]:
    n = ranked.n
    factor = _tie_factor(ranked)
    # Dunn (1964) with the tie correction: var = (N(N+1)/12 − Σ(t³−t)/(12(N−1)))(1/nᵢ + 1/nⱼ);
    # N(N+1)/12 times the H tie factor is the same quantity.
    sigma2 = n * (n + 1) / 12.0 * factor
    k = len(ranked.labels)
    a_idx, b_idx = np.triu_indices(k, 1)
    se = np.sqrt(sigma2 * (1.0 / ranked.sizes[a_idx] + 1.0 / ranked.sizes[b_idx]))
    z = (ranked.mean_ranks[a_idx] - ranked.mean_ranks[b_idx]) / se
    p = 2.0 * special.ndtr(-np.abs(z))
    p_adj = adjust_pvalues(p, adjust)
    return [
        DunnComparison(
            group_a=ranked.labels[a],
            group_b=ranked.labels[b],
            z=float(z[i]),
            p=float(p[i]),
            p_adj=p_adj[i],
        )
        for i, (a, b) in enumerate(zip(a_idx.tolist(), b_idx.tolist(), strict=True))
    ]


def dunn_test(values: Values, groups: Groups, adjust: str = "holm") -> list[DunnComparison]:
    """Dunn's pairwise z-tests on the pooled Kruskal–Wallis ranks.

    Pairs come in sorted label order (``group_a`` < ``group_b``); p-values are two-sided
    and adjusted over all pairs by Holm's method unless ``adjust`` says otherwise.
    """
    return _dunn_from_ranked(_rank_groups(values, groups), adjust)


def kruskal_report(values: Values, groups: Groups, adjust: str = "holm") -> dict[str, Any]:
    """Kruskal–Wallis with Dunn's comparisons as plain data for JSON."""
    ranked = _rank_groups(values, groups)
    result = _kruskal_from_ranked(ranked)
    dunn = _dunn_from_ranked(ranked, adjust)
    return {
        "test": "kruskal-wallis",
        "n": result.n,
        "H": result.H,
        "df": result.df,
        "p": result.p,
        "epsilon_squared": result.epsilon_squared,
        "groups": [
            {"group": g.group, "n": g.n, "median": g.median, "mean_rank": g.mean_rank}
            for g in result.groups
        ],
        "adjust": adjust,
        "dunn": [
            {"group_a": d.group_a, "group_b": d.group_b, "z": d.z, "p": d.p, "p_adj": d.p_adj}
            for d in dunn
        ],
    }


__all__ = [
    "ADJUST_METHODS",
    "DunnComparison",
    "KruskalGroup",
    "KruskalResult",
    "adjust_pvalues",
    "dunn_test",
    "kruskal_report",
    "kruskal_wallis",
]
