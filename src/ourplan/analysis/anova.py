"""One-way ANOVA, Welch's ANOVA, and the Tukey HSD and Games–Howell post-hoc tests.

Conventions shared by every function here:

* Input is ``(values, groups)``, cleaned by :mod:`ourplan.analysis.grouping`: missing values
  are dropped, labels become strings, groups are sorted by label.
* Every group needs at least 2 non-missing values (each group's SD and CI are reported, and
  Welch/Games–Howell need a variance per group), and there must be at least 2 groups.
* Pairwise results list, for sorted groups ``g0 < g1 < ...``, the pairs ``(gi, gj)`` with
  ``i < j`` and ``diff = mean(gj) - mean(gi)`` (R's ``TukeyHSD`` "b-a" convention).

Accuracy: sums of squares are built from values centred on a provisional centre and from
two-pass group means (see :func:`ourplan.analysis.descriptives.group_moments`), so data with
a large constant part (NIST StRD SmLs07-09) keep their digits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from ourplan.analysis import studentized_range
from ourplan.analysis.descriptives import GroupMoments, group_moments, mean_ci95
from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.grouping import GroupedData, group_data

__all__ = [
    "AnovaResult",
    "GroupSummary",
    "OneWayAnalysis",
    "OneWaySample",
    "PairwiseComparison",
    "WelchResult",
    "analyse_one_way",
    "anova_report",
    "games_howell",
    "one_way_anova",
    "prepare_one_way",
    "tukey_from_summary",
    "tukey_hsd",
    "welch_anova",
]


@dataclass(frozen=True)
class GroupSummary:
    """Size, mean, SD, standard error and t-based 95% CI of the mean of one group."""

    group: str
    n: int
    mean: float
    sd: float
    sem: float
    ci95: tuple[float, float]


@dataclass(frozen=True)
class AnovaResult:
    """Classical (equal-variance) one-way ANOVA table plus per-group summaries."""

    F: float
    df_between: int
    df_within: int
    p: float
    ss_between: float
    ss_within: float
    ss_total: float
    ms_between: float
    ms_within: float
    eta_squared: float
    groups: tuple[GroupSummary, ...]
    n: int
    n_dropped: int


@dataclass(frozen=True)
class WelchResult:
    """Welch's heteroscedastic one-way ANOVA (R's ``oneway.test(var.equal = FALSE)``)."""

    F: float
    df1: float
    df2: float
    p: float


@dataclass(frozen=True)
class PairwiseComparison:
    """One pair from a post-hoc test; ``diff = mean(group_b) - mean(group_a)``.

    ``se`` is the standard error of ``diff``; ``q`` the studentized-range statistic
    ``|diff| / (se / √2)``; ``df`` the degrees of freedom used; ``p_adj`` is adjusted for all
    pairs through the studentized range distribution.
    """

    group_a: str
    group_b: str
    diff: float
    se: float
    ci95: tuple[float, float]
    p_adj: float
    q: float
    df: float


@dataclass(frozen=True, eq=False)
class OneWaySample:
    """Grouped data cleaned, coded and summarised once (see :func:`prepare_one_way`).

    Every one-way function here accepts it in place of ``(values, groups)``, so an ANOVA
    table and its post-hoc tests share one pass over the data.
    """

    data: GroupedData
    moments: GroupMoments


def prepare_one_way(values: Any, groups: Any) -> OneWaySample:
    """Clean and code ``(values, groups)`` and compute group sizes, means and sums of squares.

    Raises AnalysisError for unusable input: fewer than 2 groups, or a group with fewer
    than 2 values (the one-way analyses all need a variance per group).
    """
    return _prepare(values, groups, "one-way ANOVA")


def _prepare(values: Any, groups: Any, method: str) -> OneWaySample:
    if isinstance(values, OneWaySample):
        if groups is not None:
            raise TypeError("Pass either a prepared OneWaySample or (values, groups).")
        return values
    data = group_data(values, groups, min_groups=2, min_group_size=2, method=method)
    return OneWaySample(data, group_moments(data))


def _group_summaries(m: GroupMoments) -> tuple[GroupSummary, ...]:
    out = []
    for i, label in enumerate(m.labels):
        n = int(m.n[i])
        mean = float(m.means[i])
        sd = math.sqrt(float(m.ss[i]) / (n - 1))
        out.append(GroupSummary(label, n, mean, sd, sd / math.sqrt(n), mean_ci95(mean, sd, n)))
    return tuple(out)


def _anova(prep: OneWaySample) -> AnovaResult:
    m = prep.moments
    n_total = int(m.n.sum())
    k = len(m.labels)
    # Grand mean and SS between from the (few) group means with exact-rounded summation.
    grand = math.fsum(float(ni) * float(mi) for ni, mi in zip(m.n, m.mean_centred, strict=True))
    grand /= n_total
    ss_between = math.fsum(
        float(ni) * (float(mi) - grand) ** 2 for ni, mi in zip(m.n, m.mean_centred, strict=True)
    )
    ss_within = math.fsum(float(s) for s in m.ss)
    df_b, df_w = k - 1, n_total - k
    if ss_within <= 0.0:
        raise AnalysisError(
            "Every group's values are all identical, so there is no variation within groups "
            "and the ANOVA F statistic is undefined."
        )
    ms_b, ms_w = ss_between / df_b, ss_within / df_w
    f = ms_b / ms_w
    ss_total = ss_between + ss_within
    return AnovaResult(
        F=f,
        df_between=df_b,
        df_within=df_w,
        p=float(special.fdtrc(df_b, df_w, f)),
        ss_between=ss_between,
        ss_within=ss_within,
        ss_total=ss_total,
        ms_between=ms_b,
        ms_within=ms_w,
        eta_squared=ss_between / ss_total,
        groups=_group_summaries(m),
        n=n_total,
        n_dropped=prep.data.n_dropped,
    )


def one_way_anova(values: Any, groups: Any = None) -> AnovaResult:
    """Classical one-way ANOVA of ``values`` by ``groups`` (or of a :class:`OneWaySample`).

    ``F = MS_between / MS_within`` on ``(k - 1, N - k)`` df; ``eta_squared = SS_between /
    SS_total``. Raises AnalysisError for unusable input (see the module docstring) or when
    there is no variation within any group.
    """
    return _anova(_prepare(values, groups, "one-way ANOVA"))


def _zero_variance_error(m: GroupMoments, method: str) -> AnalysisError | None:
    for label, ss in zip(m.labels, m.ss, strict=True):
        if ss <= 0.0:
            return AnalysisError(
                f"{method} needs some variation within every group, "
                f"but all values in group {label!r} are identical."
            )
    return None


def _welch(prep: OneWaySample) -> WelchResult:
    m = prep.moments
    error = _zero_variance_error(m, "Welch's ANOVA")
    if error is not None:
        raise error
    k = len(m.labels)
    n = m.n.astype(np.float64)
    w = n / m.variances
    w_sum = float(w.sum())
    centre = float(np.dot(w, m.mean_centred)) / w_sum
    a = float(np.dot(w, (m.mean_centred - centre) ** 2)) / (k - 1)
    tmp = float(np.sum((1.0 - w / w_sum) ** 2 / (n - 1.0)))
    b = 1.0 + 2.0 * (k - 2) / (k * k - 1.0) * tmp
    f = a / b
    df2 = (k * k - 1.0) / (3.0 * tmp)
    return WelchResult(F=f, df1=float(k - 1), df2=df2, p=float(special.fdtrc(k - 1, df2, f)))


def welch_anova(values: Any, groups: Any = None) -> WelchResult:
    """Welch's one-way ANOVA, which does not assume equal group variances (Welch 1951).

    Raises AnalysisError when a group has no variation (its weight would be infinite).
    """
    return _welch(_prepare(values, groups, "Welch's ANOVA"))


def _pairs(k: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Indices (i, j), i < j, of every pair of k groups in the order (0,1), (0,2), …, (1,2)."""
    i, j = np.triu_indices(k, 1)
    return i.astype(np.intp), j.astype(np.intp)


def _tukey(prep: OneWaySample, ms_within: float, df_within: int) -> list[PairwiseComparison]:
    m = prep.moments
    # Differences come from the centred means, so large common offsets cost no digits.
    return _tukey_core(m.labels, m.mean_centred, m.n, ms_within, float(df_within))


def _comparisons(
    labels: Sequence[str],
    i: npt.NDArray[np.intp],
    j: npt.NDArray[np.intp],
    diff: npt.NDArray[np.float64],
    se: npt.NDArray[np.float64],
    df: npt.NDArray[np.float64],
    k: int,
) -> list[PairwiseComparison]:
    """Every pair's q, adjusted p and simultaneous 95% interval, in one call per quantity."""
    scaled = se / math.sqrt(2.0)
    q = np.abs(diff) / scaled
    # Tukey's pairs share one df (one quantile); Games–Howell's each have their own.
    distinct, inverse = np.unique(df, return_inverse=True)
    critical = np.asarray(studentized_range.ppf(0.95, k, distinct))[inverse.ravel()]
    p_adj = np.asarray(studentized_range.sf(q, k, df))
    half = critical * scaled
    low, high = diff - half, diff + half
    return [
        PairwiseComparison(
            group_a=labels[a],
            group_b=labels[b],
            diff=float(diff[n]),
            se=float(se[n]),
            ci95=(float(low[n]), float(high[n])),
            p_adj=min(max(float(p_adj[n]), 0.0), 1.0),
            q=float(q[n]),
            df=float(df[n]),
        )
        for n, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True))
    ]


def _tukey_core(
    labels: Sequence[str],
    means: Sequence[float] | npt.NDArray[np.float64],
    counts: Sequence[int] | npt.NDArray[np.intp],
    ms_error: float,
    df_error: float,
) -> list[PairwiseComparison]:
    k = len(labels)
    i, j = _pairs(k)
    mean = np.asarray(means, dtype=np.float64)
    inverse_n = 1.0 / np.asarray(counts, dtype=np.float64)
    diff = mean[j] - mean[i]
    se = np.sqrt(ms_error * (inverse_n[i] + inverse_n[j]))
    return _comparisons(labels, i, j, diff, se, np.full(diff.shape, float(df_error)), k)


def tukey_from_summary(
    means: Mapping[str, float],
    counts: Mapping[str, int],
    ms_error: float,
    df_error: float,
) -> list[PairwiseComparison]:
    """Tukey–Kramer comparisons from group means and sizes plus an error mean square.

    For when the error term comes from a larger model, e.g. one factor of a balanced
    multi-factor design (R's ``TukeyHSD(aov(y ~ a + b), "b")``). Groups are sorted by label.
    """
    labels = sorted(means)
    if sorted(counts) != labels:
        raise AnalysisError("Means and counts must be given for the same groups.")
    if len(labels) < 2:
        raise AnalysisError("Tukey's HSD test needs at least 2 groups.")
    if not (ms_error > 0 and df_error >= 1):
        raise AnalysisError("The error mean square must be positive and have at least 1 df.")
    return _tukey_core(
        labels, [means[g] for g in labels], [counts[g] for g in labels], ms_error, df_error
    )


def tukey_hsd(values: Any, groups: Any = None) -> list[PairwiseComparison]:
    """Tukey's honestly significant difference test (Tukey–Kramer for unequal sizes).

    Uses the pooled within-group mean square: ``se = sqrt(MSW (1/n_a + 1/n_b))``; ``p_adj``
    and the simultaneous 95% CI come from the studentized range distribution with ``k`` means
    and ``N - k`` df, matching R's ``TukeyHSD``.
    """
    prep = _prepare(values, groups, "Tukey's HSD test")
    table = _anova(prep)
    return _tukey(prep, table.ms_within, table.df_within)


def games_howell(values: Any, groups: Any = None) -> list[PairwiseComparison]:
    """Games–Howell pairwise test: Tukey-style comparisons without equal variances.

    For each pair, ``se = sqrt(s_a²/n_a + s_b²/n_b)`` with Welch–Satterthwaite df, and
    ``p_adj`` / the 95% CI use the studentized range with ``k`` means and that df
    (Games & Howell 1976; as R's ``rstatix::games_howell_test``).
    """
    return _games_howell(_prepare(values, groups, "the Games–Howell test"))


def _games_howell(prep: OneWaySample) -> list[PairwiseComparison]:
    m = prep.moments
    error = _zero_variance_error(m, "The Games–Howell test")
    if error is not None:
        raise error
    k = len(m.labels)
    i, j = _pairs(k)
    v_over_n = m.variances / m.n
    n = m.n.astype(np.float64)
    diff = m.mean_centred[j] - m.mean_centred[i]
    a, b = v_over_n[i], v_over_n[j]
    se = np.sqrt(a + b)
    df = (a + b) ** 2 / (a * a / (n[i] - 1.0) + b * b / (n[j] - 1.0))
    return _comparisons(m.labels, i, j, diff, se, df, k)


@dataclass(frozen=True)
class OneWayAnalysis:
    """An ANOVA table with Welch's ANOVA and post-hoc tests, from one preparation.

    ``welch`` is None (with the reason in ``welch_error``) when a group has no variation;
    ``games_howell`` is None when it was not asked for or cannot be computed (the reason,
    if any, in ``games_howell_error``).
    """

    anova: AnovaResult
    welch: WelchResult | None
    welch_error: str | None
    tukey: tuple[PairwiseComparison, ...]
    games_howell: tuple[PairwiseComparison, ...] | None = None
    games_howell_error: str | None = None


def analyse_one_way(
    values: Any, groups: Any = None, *, welch: bool = True, games_howell: bool = False
) -> OneWayAnalysis:
    """One-way ANOVA, Welch's ANOVA, Tukey's HSD (and optionally Games–Howell) together.

    The same numbers as :func:`one_way_anova`, :func:`welch_anova`, :func:`tukey_hsd` and
    :func:`games_howell`, with the data cleaned and summarised once.  Raises AnalysisError
    when the classical ANOVA cannot be run; Welch's ANOVA and Games–Howell failing (a
    group without variation) is recorded instead.
    """
    prep = _prepare(values, groups, "one-way ANOVA")
    table = _anova(prep)
    welch_result: WelchResult | None = None
    welch_error: str | None = None
    if welch:
        try:
            welch_result = _welch(prep)
        except AnalysisError as exc:
            welch_error = str(exc)
    howell: tuple[PairwiseComparison, ...] | None = None
    howell_error: str | None = None
    if games_howell:
        try:
            howell = tuple(_games_howell(prep))
        except AnalysisError as exc:
            howell_error = str(exc)
    return OneWayAnalysis(
        anova=table,
        welch=welch_result,
        welch_error=welch_error,
        tukey=tuple(_tukey(prep, table.ms_within, table.df_within)),
        games_howell=howell,
        games_howell_error=howell_error,
    )


def _num(x: float) -> float | None:
    """A JSON-safe float: NaN/inf become None."""
    x = float(x)
    return x if math.isfinite(x) else None


def anova_report(values: Any, groups: Any) -> dict[str, Any]:
    """The JSON-ready summary used by ``ourplan analyse anova``: plain Python types only.

    Shape: ``n``, ``n_dropped``, ``groups`` (group, n, mean, sd, sem, ci95), ``anova``
    (F, df_between, df_within, p, ss_between, ss_within, ss_total, eta_squared), ``welch``
    (F, df1, df2, p — all None plus an ``error`` message when a group has no variation) and
    ``tukey`` (group_a, group_b, diff, se, ci95, p_adj).
    """
    prep = _prepare(values, groups, "one-way ANOVA")
    table = _anova(prep)
    try:
        w = _welch(prep)
        welch: dict[str, Any] = {"F": _num(w.F), "df1": _num(w.df1), "df2": _num(w.df2)}
        welch["p"] = _num(w.p)
    except AnalysisError as exc:
        welch = {"F": None, "df1": None, "df2": None, "p": None, "error": str(exc)}
    tukey = _tukey(prep, table.ms_within, table.df_within)
    return {
        "n": table.n,
        "n_dropped": table.n_dropped,
        "groups": [
            {
                "group": g.group,
                "n": g.n,
                "mean": _num(g.mean),
                "sd": _num(g.sd),
                "sem": _num(g.sem),
                "ci95": [_num(g.ci95[0]), _num(g.ci95[1])],
            }
            for g in table.groups
        ],
        "anova": {
            "F": _num(table.F),
            "df_between": table.df_between,
            "df_within": table.df_within,
            "p": _num(table.p),
            "ss_between": _num(table.ss_between),
            "ss_within": _num(table.ss_within),
            "ss_total": _num(table.ss_total),
            "eta_squared": _num(table.eta_squared),
        },
        "welch": welch,
        "tukey": [
            {
                "group_a": c.group_a,
                "group_b": c.group_b,
                "diff": _num(c.diff),
                "se": _num(c.se),
                "ci95": [_num(c.ci95[0]), _num(c.ci95[1])],
                "p_adj": _num(c.p_adj),
            }
            for c in tukey
        ],
    }
