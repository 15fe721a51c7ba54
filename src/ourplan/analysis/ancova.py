"""One-way ANCOVA: one grouping factor plus numeric and/or categorical covariates.

Model: ``value ~ group + covariate_1 + ... + covariate_m`` (no interactions), fitted by least
squares with a Householder QR decomposition (NumPy/LAPACK), never the normal equations.

* **Coding**: the factor and categorical covariates use sum-to-zero (deviation) coding, R's
  ``contr.sum``; numeric covariates are centred and scaled (which changes no test).
* **Tests**: Type III sums of squares (each term adjusted for all others), computed as the
  Wald statistic ``b_T' [V_TT]^-1 b_T`` of the term's coefficients, which equals the extra sum
  of squares from dropping the term's columns. Same as ``car::Anova(..., type = 3)`` with
  ``contr.sum`` contrasts.
* **Adjusted means**: model predictions for each group with every covariate column at its
  sample mean. For a numeric covariate that is its mean; for a categorical covariate it is the
  average over its categories weighted by their sample proportions (``emmeans`` with
  ``weights = "proportional"``; note emmeans' default weights categories equally).
* **Pairwise comparisons** of adjusted means use t tests on the residual df with **Holm's**
  step-down adjustment over all ``k(k-1)/2`` pairs. Pairs follow the package convention:
  sorted groups, ``(gi, gj)`` for ``i < j``, ``diff = adjusted(gj) - adjusted(gi)``.
* **Missing data**: listwise deletion; a row missing the value, the group or any covariate is
  dropped (``n_dropped``).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import linalg, stats

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.grouping import FloatArray, IntArray, to_centered, to_labels

__all__ = [
    "AdjustedComparison",
    "AdjustedMean",
    "AncovaResult",
    "TermTest",
    "ancova",
    "ancova_report",
    "holm_adjust",
]

# A column is treated as collinear with the earlier ones when the part of it that they
# cannot explain is below this fraction of its length (sine of the angle between them).
_COLLINEAR_TOL = 1e-9


@dataclass(frozen=True)
class TermTest:
    """Type III F test of one model term (the factor or one covariate)."""

    name: str
    kind: str  # "factor", "numeric" or "categorical"
    ss: float
    F: float
    df1: int
    df2: int
    p: float


@dataclass(frozen=True)
class AdjustedMean:
    """Covariate-adjusted group mean with its standard error and t-based 95% CI."""

    group: str
    n: int
    mean: float
    se: float
    ci95: tuple[float, float]


@dataclass(frozen=True)
class AdjustedComparison:
    """Difference of adjusted means ``mean(group_b) - mean(group_a)``; ``p_adj`` is Holm's."""

    group_a: str
    group_b: str
    diff: float
    se: float
    t: float
    p: float
    p_adj: float


@dataclass(frozen=True)
class AncovaResult:
    """Result of :func:`ancova`."""

    n_used: int
    n_dropped: int
    factor: TermTest
    covariates: tuple[TermTest, ...]
    adjusted_means: tuple[AdjustedMean, ...]
    pairwise: tuple[AdjustedComparison, ...]
    df_residual: int
    ss_residual: float
    sigma: float
    p_adjust: str = "holm"


def holm_adjust(p: Sequence[float] | FloatArray) -> FloatArray:
    """Holm's step-down adjustment: ``p_(i) -> max_{j<=i} min(1, (m - j + 1) p_(j))``."""
    arr = np.asarray(p, dtype=np.float64)
    m = arr.size
    order = np.argsort(arr, kind="stable")
    stepped = np.minimum(1.0, (m - np.arange(m)) * arr[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(stepped)
    return adjusted


@dataclass(frozen=True)
class _Term:
    name: str
    kind: str
    columns: npt.NDArray[np.float64]  # n_used x q
    labels: tuple[str, ...] = ()


def _sum_coding(codes: IntArray, levels: int) -> npt.NDArray[np.float64]:
    """``contr.sum`` columns: level j < last -> e_j, last level -> all -1."""
    out = np.zeros((codes.size, levels - 1))
    rows = np.flatnonzero(codes < levels - 1)
    out[rows, codes[rows]] = 1.0
    out[codes == levels - 1, :] = -1.0
    return out


def _is_categorical(series: pd.Series, forced: bool) -> bool:
    if forced:
        return True
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype):
        return True
    if pd.api.types.is_numeric_dtype(dtype):
        return False
    # Text columns count as numeric only if every non-missing cell parses as a number.
    try:
        to_centered(series, what="value", centre=False)
    except AnalysisError:
        return True
    return False


def _check_columns(frame: pd.DataFrame, value: str, group: str, covariates: Sequence[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError("ANCOVA needs a table (pandas DataFrame) of columns.")
    wanted = [value, group, *covariates]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise AnalysisError(
            f"Column {missing[0]!r} is not in the data; available columns: "
            + ", ".join(repr(str(c)) for c in frame.columns)
            + "."
        )
    if len(set(wanted)) != len(wanted):
        raise AnalysisError(
            "The value column, the group column and the covariates must all be different "
            "columns, each named once."
        )


def ancova(
    frame: pd.DataFrame,
    value: str,
    group: str,
    covariates: Sequence[str],
    *,
    categorical: Collection[str] = (),
) -> AncovaResult:
    """Analysis of covariance of ``frame[value]`` by ``frame[group]`` adjusting for covariates.

    Covariate columns with a numeric dtype are numeric; categorical/boolean columns, text
    columns that are not all numbers, and any named in ``categorical`` are categorical.
    Raises AnalysisError for unusable input: missing columns, non-numeric values, fewer than
    2 groups or a group with fewer than 2 complete rows, a covariate that is constant or
    collinear with the others, or no residual degrees of freedom.
    """
    covariates = list(covariates)
    _check_columns(frame, value, group, covariates)
    unknown = set(categorical) - set(covariates)
    if unknown:
        raise AnalysisError(f"{sorted(unknown)[0]!r} is marked categorical but is not a covariate.")
    y_all = to_centered(frame[value], what=f"{value!r} value")
    g_codes, g_labels = to_labels(frame[group])
    keep = ~np.isnan(y_all.centred) & (g_codes >= 0)
    raw_covs: list[tuple[str, str, Any]] = []
    for name in covariates:
        series = frame[name]
        if _is_categorical(series, name in categorical):
            codes, labels = to_labels(series)
            keep &= codes >= 0
            raw_covs.append((name, "categorical", (codes, labels)))
        else:
            x = to_centered(series, what=f"{name!r} value").centred
            keep &= ~np.isnan(x)
            raw_covs.append((name, "numeric", x))
    n_rows = int(keep.size)
    n_used = int(keep.sum())
    if n_used == 0:
        raise AnalysisError(
            "No row has the value, the group and every covariate all present, "
            "so there is nothing to analyse."
        )
    y = y_all.centred[keep]
    factor_codes, factor_labels = _compact(g_codes[keep], g_labels)
    _check_groups(factor_codes, factor_labels)
    k = len(factor_labels)
    terms = [_Term(group, "factor", _sum_coding(factor_codes, k), factor_labels)]
    for name, kind, raw in raw_covs:
        if kind == "numeric":
            x = raw[keep]
            x = x - x.mean()
            scale = float(np.sqrt(np.mean(x * x)))
            if scale == 0.0 or not math.isfinite(scale):
                raise AnalysisError(
                    f"Covariate {name!r} has the same value in every row used, "
                    "so it cannot adjust anything; remove it."
                )
            terms.append(_Term(name, "numeric", (x / scale)[:, None]))
        else:
            codes, labels = _compact(raw[0][keep], raw[1])
            if len(labels) < 2:
                raise AnalysisError(
                    f"Covariate {name!r} has only one category ({labels[0]!r}) in the rows "
                    "used, so it cannot adjust anything; remove it."
                )
            terms.append(_Term(name, "categorical", _sum_coding(codes, len(labels)), labels))
    return _fit(y, y_all.offset, factor_codes, terms, n_used, n_rows - n_used)


def _compact(codes: IntArray, labels: tuple[str, ...]) -> tuple[IntArray, tuple[str, ...]]:
    """Drop labels with no rows and renumber codes (order stays sorted)."""
    present = np.bincount(codes, minlength=len(labels)) > 0
    new = np.cumsum(present) - 1
    kept = tuple(label for label, p in zip(labels, present, strict=True) if p)
    return new[codes].astype(np.intp), kept


def _check_groups(codes: IntArray, labels: tuple[str, ...]) -> None:
    if len(labels) < 2:
        found = ", ".join(repr(label) for label in labels)
        raise AnalysisError(
            f"ANCOVA needs at least 2 groups with complete rows, but only {len(labels)} "
            f"was found ({found})."
        )
    counts = np.bincount(codes, minlength=len(labels))
    for label, c in zip(labels, counts, strict=True):
        if c < 2:
            raise AnalysisError(
                f"Group {label!r} has only {c} complete row; ANCOVA needs at least 2 complete "
                "rows (value, group and every covariate present) in every group."
            )


def _fit(
    y: FloatArray,
    offset: float,
    factor_codes: IntArray,
    terms: list[_Term],
    n_used: int,
    n_dropped: int,
) -> AncovaResult:
    blocks = [np.ones((n_used, 1))] + [t.columns for t in terms]
    x = np.hstack(blocks)
    p = x.shape[1]
    df_resid = n_used - p
    if df_resid < 1:
        raise AnalysisError(
            f"Too few complete rows: the model estimates {p} parameters from {n_used} rows, "
            "leaving no residual degrees of freedom. Add data or use fewer covariates "
            "(or categorical covariates with fewer categories)."
        )
    # QR of [X | y]: the top of the last column is Q'y and its last diagonal entry is the
    # residual norm, so neither Q nor the residuals need to be formed.
    r_aug: npt.NDArray[np.float64] = np.asarray(np.linalg.qr(np.hstack([x, y[:, None]]), mode="r"))
    r = r_aug[:p, :p]
    _check_rank(x, r, terms)
    qty = r_aug[:p, p]
    coef = linalg.solve_triangular(r, qty)
    ss_resid = float(r_aug[p, p]) ** 2
    if ss_resid <= 0.0:
        raise AnalysisError(
            "The model fits every value exactly, so there is no residual variation to test against."
        )
    sigma2 = ss_resid / df_resid
    r_inv = linalg.solve_triangular(r, np.eye(p))
    cov_unscaled = r_inv @ r_inv.T

    tests = []
    start = 1
    for term in terms:
        q = term.columns.shape[1]
        idx = slice(start, start + q)
        b = coef[idx]
        ss = float(b @ np.linalg.solve(cov_unscaled[idx, idx], b))
        f = ss / q / sigma2
        tests.append(
            TermTest(
                name=term.name,
                kind=term.kind,
                ss=ss,
                F=f,
                df1=q,
                df2=df_resid,
                p=float(stats.f.sf(f, q, df_resid)),
            )
        )
        start += q

    # Reference rows: each group's coding row, every covariate column at its mean.
    k = len(terms[0].labels)
    col_means = x.mean(axis=0)
    grid = np.tile(col_means, (k, 1))
    grid[:, 1:k] = _sum_coding(np.arange(k, dtype=np.intp), k)
    est = grid @ coef
    t_crit = float(stats.t.ppf(0.975, df_resid))
    grid_r = grid @ r_inv
    se = np.sqrt(sigma2 * np.einsum("ij,ij->i", grid_r, grid_r))
    counts = np.bincount(factor_codes, minlength=k)
    labels = terms[0].labels
    means = tuple(
        AdjustedMean(
            group=labels[i],
            n=int(counts[i]),
            mean=float(est[i]) + offset,
            se=float(se[i]),
            ci95=(float(est[i] - t_crit * se[i]) + offset, float(est[i] + t_crit * se[i]) + offset),
        )
        for i in range(k)
    )
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    diffs, ses, ts, ps = [], [], [], []
    for i, j in pairs:
        contrast_r = grid_r[j] - grid_r[i]
        d = float(est[j] - est[i])
        s = math.sqrt(sigma2 * float(contrast_r @ contrast_r))
        t = d / s
        diffs.append(d)
        ses.append(s)
        ts.append(t)
        ps.append(float(2.0 * stats.t.sf(abs(t), df_resid)))
    p_adj = holm_adjust(ps)
    comparisons = tuple(
        AdjustedComparison(
            group_a=labels[i],
            group_b=labels[j],
            diff=diffs[c],
            se=ses[c],
            t=ts[c],
            p=ps[c],
            p_adj=float(p_adj[c]),
        )
        for c, (i, j) in enumerate(pairs)
    )
    return AncovaResult(
        n_used=n_used,
        n_dropped=n_dropped,
        factor=tests[0],
        covariates=tuple(tests[1:]),
        adjusted_means=means,
        pairwise=comparisons,
        df_residual=df_resid,
        ss_residual=ss_resid,
        sigma=math.sqrt(sigma2),
    )


def _check_rank(x: npt.NDArray[np.float64], r: npt.NDArray[np.float64], terms: list[_Term]) -> None:
    """Raise a readable error naming the first term whose column the others already explain."""
    norms = np.linalg.norm(x, axis=0)
    ratio = np.abs(np.diag(r)) / np.where(norms > 0, norms, 1.0)
    bad = np.flatnonzero(ratio < _COLLINEAR_TOL)
    if bad.size == 0:
        return
    col = int(bad[0])
    start = 1
    for term in terms:
        stop = start + term.columns.shape[1]
        if start <= col < stop:
            what = "The group factor" if term.kind == "factor" else f"Covariate {term.name!r}"
            raise AnalysisError(
                f"{what} is fully determined by the terms before it (the group and the "
                "covariates listed earlier), so their effects cannot be separated. Remove it "
                "or the covariate it duplicates."
            )
        start = stop
    raise AnalysisError("The model's columns are linearly dependent.")  # pragma: no cover


def _num(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def ancova_report(
    frame: pd.DataFrame,
    value: str,
    group: str,
    covariates: Sequence[str],
    *,
    categorical: Collection[str] = (),
) -> dict[str, Any]:
    """The JSON-ready summary used by ``ourplan analyse ancova``: plain Python types only.

    Shape: ``n_used``, ``n_dropped``, ``factor`` (F, df1, df2, p), ``covariates`` (name, kind,
    F, df1, df2, p), ``adjusted_means`` (group, n, mean, se, ci95), ``pairwise`` (group_a,
    group_b, diff, se, t, p, p_adj; Holm-adjusted) and ``p_adjust`` (``"holm"``).
    """
    res = ancova(frame, value, group, covariates, categorical=categorical)

    def term(t: TermTest) -> dict[str, Any]:
        return {"F": _num(t.F), "df1": t.df1, "df2": t.df2, "p": _num(t.p)}

    return {
        "n_used": res.n_used,
        "n_dropped": res.n_dropped,
        "factor": term(res.factor),
        "covariates": [{"name": c.name, "kind": c.kind, **term(c)} for c in res.covariates],
        "adjusted_means": [
            {
                "group": m.group,
                "n": m.n,
                "mean": _num(m.mean),
                "se": _num(m.se),
                "ci95": [_num(m.ci95[0]), _num(m.ci95[1])],
            }
            for m in res.adjusted_means
        ],
        "pairwise": [
            {
                "group_a": c.group_a,
                "group_b": c.group_b,
                "diff": _num(c.diff),
                "se": _num(c.se),
                "t": _num(c.t),
                "p": _num(c.p),
                "p_adj": _num(c.p_adj),
            }
            for c in res.pairwise
        ],
        "p_adjust": res.p_adjust,
        "df_residual": res.df_residual,
    }
