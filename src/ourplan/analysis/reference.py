"""Comparing a sample with a published reference from summary statistics alone.

Published norms (for example a questionnaire's validation sample) usually give only a
mean, an SD and an n, so the comparison is the two-sample t-test computed from those
summaries.  Welch's test is the default because a service's sample and a published norm
rarely share a variance and Welch loses little when they do (Delacre, Lakens & Leys,
2017); ``method="pooled"`` gives Student's equal-variance test.  Both match R's
``t.test`` on the same data (``var.equal = FALSE`` / ``TRUE``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.grouping import to_float_array

METHODS: tuple[str, ...] = ("welch", "pooled")


@dataclass(frozen=True)
class Summary:
    """Mean, standard deviation (n − 1 denominator) and size of one sample."""

    mean: float
    sd: float
    n: int


@dataclass(frozen=True)
class ReferenceComparison:
    """Sample minus reference: difference, its t-test and a 95% interval.

    ``cohens_d`` divides the difference by the pooled SD whichever test is used, so that
    it reads the same as a published d.
    """

    method: str
    sample: Summary
    reference: Summary
    difference: float
    se: float
    t: float
    df: float
    p: float
    ci95: tuple[float, float]
    cohens_d: float


def summarise(values: Sequence[float]) -> Summary:
    """Mean, SD and n of ``values``, ignoring missing ones."""
    data = to_float_array(values)
    data = data[~np.isnan(data)]
    if data.size < 2:
        raise AnalysisError(f"A sample summary needs at least two values; found {data.size}.")
    return Summary(mean=float(data.mean()), sd=float(data.std(ddof=1)), n=int(data.size))


def _check(summary: Summary, side: str) -> None:
    if not all(math.isfinite(v) for v in (summary.mean, summary.sd)):
        raise AnalysisError(f"The {side} mean and SD must be finite numbers.")
    if summary.sd < 0:
        raise AnalysisError(f"The {side} SD cannot be negative (got {summary.sd}).")
    if summary.n < 2:
        raise AnalysisError(f"The {side} n must be at least 2 (got {summary.n}).")


def compare_with_reference(
    sample: Summary, reference: Summary, method: str = "welch"
) -> ReferenceComparison:
    """Two-sided two-sample t-test of ``sample`` against ``reference`` from summaries."""
    if method not in METHODS:
        raise AnalysisError(f"Unknown t-test {method!r}; use welch or pooled.")
    _check(sample, "sample")
    _check(reference, "reference")
    n1, n2 = sample.n, reference.n
    v1, v2 = sample.sd**2 / n1, reference.sd**2 / n2
    pooled_var = ((n1 - 1) * sample.sd**2 + (n2 - 1) * reference.sd**2) / (n1 + n2 - 2)
    if method == "welch":
        se = math.sqrt(v1 + v2)
        # Welch–Satterthwaite degrees of freedom.
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)) if se > 0 else math.nan
    else:
        se = math.sqrt(pooled_var * (1 / n1 + 1 / n2))
        df = float(n1 + n2 - 2)
    if se == 0:
        raise AnalysisError("Both SDs are zero, so the difference has no standard error.")
    difference = sample.mean - reference.mean
    t = difference / se
    p = float(2 * special.stdtr(df, -abs(t)))
    half = float(special.stdtrit(df, 0.975)) * se
    d = difference / math.sqrt(pooled_var) if pooled_var > 0 else math.nan
    return ReferenceComparison(
        method=method,
        sample=sample,
        reference=reference,
        difference=difference,
        se=se,
        t=t,
        df=df,
        p=p,
        ci95=(difference - half, difference + half),
        cohens_d=d,
    )


def reference_report(comparison: ReferenceComparison) -> dict[str, Any]:
    """A comparison as plain data for JSON."""
    c = comparison
    return {
        "method": c.method,
        "sample": {"mean": c.sample.mean, "sd": c.sample.sd, "n": c.sample.n},
        "reference": {"mean": c.reference.mean, "sd": c.reference.sd, "n": c.reference.n},
        "difference": c.difference,
        "se": c.se,
        "t": c.t,
        "df": c.df,
        "p": c.p,
        "ci95": [c.ci95[0], c.ci95[1]],
        "cohens_d": None if math.isnan(c.cohens_d) else c.cohens_d,
    }


__all__ = [
    "METHODS",
    "ReferenceComparison",
    "Summary",
    "compare_with_reference",
    "reference_report",
    "summarise",
]
