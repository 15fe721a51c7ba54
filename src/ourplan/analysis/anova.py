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
from scipy import stats

from ourplan.analysis.descriptives import GroupMoments, group_moments, mean_ci95
from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.grouping import GroupedData, group_data

__all__ = [
    "AnovaResult",
    "GroupSummary",
    "PairwiseComparison",
    "WelchResult",
    "anova_report",
    "games_howell",
    "one_way_anova",
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


@dataclass(frozen=True)
class _Prepared:
    data: GroupedData
    moments: GroupMoments


def _prepare(values: Any, groups: Any, method: str) -> _Prepared:
    data = group_data(values, groups, min_groups=2, min_group_size=2, method=method)
    return _Prepared(data, group_moments(data))


def _group_summaries(m: GroupMoments) -> tuple[GroupSummary, ...]:
    out = []
    for i, label in enumerate(m.labels):
        n = int(m.n[i])
        mean = float(m.means[i])
        sd = math.sqrt(float(m.ss[i]) / (n - 1))
        out.append(GroupSummary(label, n, mean, sd, sd / math.sqrt(n), mean_ci95(mean, sd, n)))
    return tuple(out)


def _anova(prep: _Prepared) -> AnovaResult:
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
        p=float(stats.f.sf(f, df_b, df_w)),
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


def one_way_anova(values: Any, groups: Any) -> AnovaResult:
    """Classical one-way ANOVA of ``values`` by ``groups``.

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


def _welch(prep: _Prepared) -> WelchResult:
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
    return WelchResult(F=f, df1=float(k - 1), df2=df2, p=float(stats.f.sf(f, k - 1, df2)))


def welch_anova(values: Any, groups: Any) -> WelchResult:
    """Welch's one-way ANOVA, which does not assume equal group variances (Welch 1951).

    Raises AnalysisError when a group has no variation (its weight would be infinite).
    """
    return _welch(_prepare(values, groups, "Welch's ANOVA"))


def _ptukey_sf(q: float, k: int, df: float) -> float:
    """Upper tail of the studentized range distribution, clipped into [0, 1]."""
    p = float(stats.studentized_range.sf(q, k, df))
    return min(max(p, 0.0), 1.0)


def _pairs(k: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(k) for j in range(i + 1, k)]


def _tukey(prep: _Prepared, ms_within: float, df_within: int) -> list[PairwiseComparison]:
    m = prep.moments
    # Differences come from the centred means, so large common offsets cost no digits.
    return _tukey_core(m.labels, m.mean_centred, m.n, ms_within, float(df_within))


def _tukey_core(
    labels: Sequence[str],
    means: Sequence[float] | npt.NDArray[np.float64],
    counts: Sequence[int] | npt.NDArray[np.intp],
    ms_error: float,
    df_error: float,
) -> list[PairwiseComparison]:
    k = len(labels)
    q_crit = float(stats.studentized_range.ppf(0.95, k, df_error))
    out = []
    for i, j in _pairs(k):
        diff = float(means[j]) - float(means[i])
        se = math.sqrt(ms_error * (1.0 / float(counts[i]) + 1.0 / float(counts[j])))
        half = q_crit * se / math.sqrt(2.0)
        q = abs(diff) / (se / math.sqrt(2.0))
        out.append(
            PairwiseComparison(
                group_a=labels[i],
                group_b=labels[j],
                diff=diff,
                se=se,
                ci95=(diff - half, diff + half),
                p_adj=_ptukey_sf(q, k, df_error),
                q=q,
                df=float(df_error),
            )
        )
    return out


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


def tukey_hsd(values: Any, groups: Any) -> list[PairwiseComparison]:
    """Tukey's honestly significant difference test (Tukey–Kramer for unequal sizes).

    Uses the pooled within-group mean square: ``se = sqrt(MSW (1/n_a + 1/n_b))``; ``p_adj``
    and the simultaneous 95% CI come from the studentized range distribution with ``k`` means
    and ``N - k`` df, matching R's ``TukeyHSD``.
    """
    prep = _prepare(values, groups, "Tukey's HSD test")
    table = _anova(prep)
    return _tukey(prep, table.ms_within, table.df_within)


def games_howell(values: Any, groups: Any) -> list[PairwiseComparison]:
    """Games–Howell pairwise test: Tukey-style comparisons without equal variances.

    For each pair, ``se = sqrt(s_a²/n_a + s_b²/n_b)`` with Welch–Satterthwaite df, and
    ``p_adj`` / the 95% CI use the studentized range with ``k`` means and that df
    (Games & Howell 1976; as R's ``rstatix::games_howell_test``).
    """
    prep = _prepare(values, groups, "the Games–Howell test")
    m = prep.moments
    error = _zero_variance_error(m, "The Games–Howell test")
    if error is not None:
        raise error
    k = len(m.labels)
    v_over_n = m.variances / m.n
    out = []
    for i, j in _pairs(k):
        diff = float(m.mean_centred[j] - m.mean_centred[i])
        a, b = float(v_over_n[i]), float(v_over_n[j])
        se = math.sqrt(a + b)
        df = (a + b) ** 2 / (a * a / (m.n[i] - 1) + b * b / (m.n[j] - 1))
        q = abs(diff) / (se / math.sqrt(2.0))
        half = float(stats.studentized_range.ppf(0.95, k, df)) * se / math.sqrt(2.0)
        out.append(
            PairwiseComparison(
                group_a=m.labels[i],
                group_b=m.labels[j],
                diff=diff,
                se=se,
                ci95=(diff - half, diff + half),
                p_adj=_ptukey_sf(q, k, df),
                q=q,
                df=float(df),
            )
        )
    return out


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
