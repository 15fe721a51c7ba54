"""Per-group descriptive statistics.

Missing data follow :mod:`ourplan.analysis.grouping`: missing values are dropped and counted
per group (``n_missing``); groups are reported in sorted label order, including groups whose
every value is missing (``n == 0``, statistics NaN).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from ourplan.analysis.grouping import FloatArray, GroupedData, IntArray, group_data

__all__ = ["GroupDescriptives", "GroupMoments", "describe_by_group", "group_moments"]

NAN = float("nan")


@dataclass(frozen=True)
class GroupDescriptives:
    """Summary of one group's non-missing values.

    ``sd`` is the sample SD (n - 1 denominator); ``ci95`` is the t-based 95% interval for the
    mean; quartiles use linear interpolation (R's default type 7, NumPy's ``"linear"``).
    Statistics that need more values than the group has are NaN.
    """

    group: str
    n: int
    n_missing: int
    mean: float
    sd: float
    sem: float
    ci95: tuple[float, float]
    median: float
    q1: float
    q3: float
    iqr: float
    min: float
    max: float


@dataclass(frozen=True)
class GroupMoments:
    """Accurate per-group counts, means and within-group sums of squares.

    Means are stored relative to ``offset`` (``mean = offset + mean_centred``) so that
    differences between groups keep their digits when the data share a large constant part.
    """

    labels: tuple[str, ...]
    n: IntArray
    mean_centred: FloatArray
    ss: FloatArray
    offset: float

    @property
    def means(self) -> FloatArray:
        """Group means on the original scale."""
        return self.mean_centred + self.offset

    @property
    def variances(self) -> FloatArray:
        """Sample variances (NaN for groups of one)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.n > 1, self.ss / (self.n - 1), np.nan)


def group_moments(data: GroupedData) -> GroupMoments:
    """Group sizes, means and sums of squared deviations, vectorised and two-pass.

    Pass one takes provisional means from ``np.bincount`` sums of the centred values; pass
    two sums the deviations from them, which both corrects the mean (the "corrected two-pass"
    algorithm) and gives a sum of squares free of the cancellation that ``Σx² - n·x̄²`` suffers.
    """
    k = data.k
    codes = data.codes
    y = data.centred
    n = np.bincount(codes, minlength=k)
    nf = n.astype(np.float64)
    provisional = np.bincount(codes, weights=y, minlength=k) / nf
    dev = y - provisional[codes]
    correction = np.bincount(codes, weights=dev, minlength=k) / nf
    ss = np.bincount(codes, weights=dev * dev, minlength=k) - nf * correction * correction
    return GroupMoments(
        labels=data.labels,
        n=n.astype(np.intp),
        mean_centred=provisional + correction,
        ss=np.maximum(ss, 0.0),
        offset=data.offset,
    )


def mean_ci95(mean: float, sd: float, n: int) -> tuple[float, float]:
    """t-based 95% confidence interval for a mean (NaN when n < 2)."""
    if n < 2 or not math.isfinite(sd):
        return (NAN, NAN)
    # special.stdtrit is what stats.t.ppf calls, without its per-call overhead.
    half = float(special.stdtrit(n - 1, 0.975)) * sd / math.sqrt(n)
    return (mean - half, mean + half)


def _empty(label: str, n_missing: int) -> GroupDescriptives:
    return GroupDescriptives(
        group=label,
        n=0,
        n_missing=n_missing,
        mean=NAN,
        sd=NAN,
        sem=NAN,
        ci95=(NAN, NAN),
        median=NAN,
        q1=NAN,
        q3=NAN,
        iqr=NAN,
        min=NAN,
        max=NAN,
    )


def describe_by_group(values: Any, groups: Any) -> list[GroupDescriptives]:
    """Describe ``values`` separately for each group label, in sorted label order.

    Raises :class:`~ourplan.analysis.errors.AnalysisError` for non-numeric values, unequal
    lengths, or when every value is missing.
    """
    data = group_data(values, groups, min_groups=1, method="describing groups")
    moments = group_moments(data)
    out: dict[str, GroupDescriptives] = {}
    order = np.argsort(data.codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(data.counts)])
    centred_sorted = data.centred[order]
    for i, label in enumerate(data.labels):
        block = centred_sorted[bounds[i] : bounds[i + 1]]
        n = int(moments.n[i])
        mean = float(moments.means[i])
        sd = math.sqrt(moments.ss[i] / (n - 1)) if n > 1 else NAN
        sem = sd / math.sqrt(n) if n > 1 else NAN
        # Quantiles of the centred values, shifted back: interpolation keeps its digits.
        q1c, medc, q3c = (float(q) for q in np.quantile(block, [0.25, 0.5, 0.75]))
        out[label] = GroupDescriptives(
            group=label,
            n=n,
            n_missing=int(data.n_missing[i]),
            mean=mean,
            sd=sd,
            sem=sem,
            ci95=mean_ci95(mean, sd, n),
            median=medc + data.offset,
            q1=q1c + data.offset,
            q3=q3c + data.offset,
            iqr=q3c - q1c,
            min=float(block.min()) + data.offset,
            max=float(block.max()) + data.offset,
        )
    for label, n_missing in zip(data.empty_labels, data.empty_n_missing, strict=True):
        out[label] = _empty(label, n_missing)
    return [out[label] for label in sorted(out)]
