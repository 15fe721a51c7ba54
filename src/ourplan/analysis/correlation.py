"""Pearson and Spearman correlations, for one pair or a whole matrix.

Missing values are deleted pairwise: each pair uses every row where both of its
variables are present.  The p-values follow R's ``cor.test``:

* Pearson: t = r √((n − 2)/(1 − r²)) on n − 2 degrees of freedom.
* Spearman without ties and n ≤ 1290: the distribution of S = Σd² from Best & Roberts
  (1975, algorithm AS 89) — exact for n ≤ 9, an Edgeworth series above; with ties or
  larger n, the same t approximation as Pearson.

The 95% interval is Fisher's z interval, tanh(atanh(r) ± 1.96/√(n − 3)), for both
methods.  For Spearman's rho this is an approximation (the variance of atanh(rho) is a
little larger than 1/(n − 3), Fieller et al. 1957), used here so that the two methods
are reported alike; it needs n ≥ 4.

The matrix form is vectorised because the service questionnaire has 76 items and
exports can reach 100,000 rows: complete data take one matrix product, and missing
data take four masked matrix products (pairwise-complete sums) for Pearson.  Spearman
with missing data must re-rank each pair on its own rows: items with few distinct
answers get every pairwise cross-tabulation from one matrix product of level
indicators, and other columns one linear pass per pair over presorted values.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import special

from ourplan.analysis.errors import AnalysisError

# A variable may hold None/NaN (missing) and come as a list, an array or a pandas Series.
Values = Sequence[float | None] | NDArray[Any] | pd.Series
METHODS: tuple[str, ...] = ("pearson", "spearman")

_Z975 = float(special.ndtri(0.975))
# R switches Spearman's p-value from AS 89 to the t approximation above this n.
_AS89_MAX_N = 1290
_EXACT_MAX_N = 9


@dataclass(frozen=True)
class Correlation:
    """One correlation with its test and Fisher-z 95% interval (NaN where undefined)."""

    x: str
    y: str
    method: str
    r: float
    n: int
    p: float
    ci95: tuple[float, float]
    label: str


@dataclass(frozen=True)
class CorrelationMatrix:
    """Square matrices of r, pairwise n and p over ``columns`` (NaN where undefined)."""

    columns: list[str]
    method: str
    r: NDArray[np.float64]
    n: NDArray[np.int64]
    p: NDArray[np.float64]

    def pair(self, i: int, j: int) -> Correlation:
        """The correlation between columns ``i`` and ``j``."""
        r = float(self.r[i, j])
        n = int(self.n[i, j])
        return Correlation(
            x=self.columns[i],
            y=self.columns[j],
            method=self.method,
            r=r,
            n=n,
            p=float(self.p[i, j]),
            ci95=fisher_ci(r, n),
            label=cohen_label(r),
        )

    def pairs(self) -> list[Correlation]:
        """Every distinct pair, row by row of the upper triangle."""
        k = len(self.columns)
        return [self.pair(i, j) for i in range(k) for j in range(i + 1, k)]


def cohen_label(r: float) -> str:
    """Cohen's (1988) size label for |r|: negligible, small, medium or large."""
    if math.isnan(r):
        return "undefined"
    size = abs(r)
    if size < 0.1:
        return "negligible"
    if size < 0.3:
        return "small"
    if size < 0.5:
        return "medium"
    return "large"


def fisher_ci(r: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Fisher z interval for a correlation; (NaN, NaN) when n < 4 or r is undefined."""
    if n < 4 or math.isnan(r):
        return (float("nan"), float("nan"))
    if abs(r) >= 1.0:
        return (r, r)  # atanh(±1) is infinite: the interval collapses onto r
    z = _Z975 if level == 0.95 else float(special.ndtri(0.5 + level / 2))
    half = z / math.sqrt(n - 3)
    centre = math.atanh(r)
    return (math.tanh(centre - half), math.tanh(centre + half))


def _t_pvalue(r: NDArray[np.float64], n: NDArray[np.float64]) -> NDArray[np.float64]:
    """Two-sided p of t = r√((n−2)/(1−r²)) on n − 2 df; NaN where n < 3."""
    df = n - 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt(df / ((1.0 - r) * (1.0 + r)))
        p = 2.0 * special.stdtr(df, -np.abs(t))
    p = np.where(np.abs(r) >= 1.0, 0.0, p)
    return np.where((df >= 1) & np.isfinite(r), p, np.nan)


@functools.lru_cache(maxsize=_EXACT_MAX_N + 1)
def _s_counts(n: int) -> NDArray[np.float64]:
    """Number of permutations π of 0..n−1 with Σ(i − π(i))² = s, for every s.

    A dynamic programme over the set of values already used (2ⁿ states) replaces the
    n! enumeration of AS 89; both give the same exact null distribution.
    """
    max_s = (n**3 - n) // 3
    table: dict[int, NDArray[np.float64]] = {0: np.zeros(max_s + 1)}
    table[0][0] = 1.0
    full = (1 << n) - 1
    for mask in range(full):
        counts = table.get(mask)
        if counts is None:
            continue
        position = mask.bit_count()
        for value in range(n):
            if mask & (1 << value):
                continue
            step = (position - value) ** 2
            nxt = mask | (1 << value)
            target = table.setdefault(nxt, np.zeros(max_s + 1))
            target[step:] += counts[: max_s + 1 - step]
        del table[mask]  # every successor of this state has been filled
    return table[full]


def _prho(n: int, s: float, lower_tail: bool) -> float:
    """AS 89: P(S ≥ s), or P(S < s) when ``lower_tail``, for Spearman's S with n pairs."""
    outside = 0.0 if lower_tail else 1.0
    if s <= 0:
        return outside
    n3 = n * (n * n - 1) / 3.0  # the largest possible S
    if s > n3:
        return 1.0 - outside
    if n <= _EXACT_MAX_N:
        counts = _s_counts(n)
        values = np.arange(counts.size)
        upper = float(counts[values >= s].sum() / counts.sum())
        return 1.0 - upper if lower_tail else upper
    # Edgeworth series with Best & Roberts' coefficients.
    b = 1.0 / n
    x = (6.0 * (s - 1) * b / (n * n - 1) - 1) * math.sqrt(n - 1)
    y = x * x
    u = (
        x
        * b
        * (
            0.2274
            + b * (0.2531 + 0.1745 * b)
            + y
            * (
                -0.0758
                + b * (0.1033 + 0.3932 * b)
                - y
                * b
                * (0.0879 + 0.0151 * b - y * (0.0072 - 0.0831 * b + y * b * (0.0131 - 4.6e-4 * y)))
            )
        )
    )
    correction = u / math.exp(y / 2)
    tail = float(special.ndtr(x)) if lower_tail else float(special.ndtr(-x))
    p = (-correction if lower_tail else correction) + tail
    return min(1.0, max(0.0, p))


def _spearman_pvalue(rho: float, n: int, ties: bool) -> float:
    """Two-sided p for Spearman's rho as R's ``cor.test`` computes it."""
    if n < 3 or math.isnan(rho):
        return float("nan")
    if ties or n > _AS89_MAX_N:
        return float(_t_pvalue(np.array([rho]), np.array([float(n)]))[0])
    q = (n**3 - n) * (1 - rho) / 6
    if q > (n**3 - n) / 6:
        p = _prho(n, round(q), lower_tail=False)
    else:
        p = _prho(n, round(q) + 2, lower_tail=True)
    return min(2 * p, 1.0)


def _count(flags: NDArray[np.bool_]) -> NDArray[np.int32]:
    """Running count of True values.

    Summing the bytes into int32 is an order of magnitude faster than ``np.cumsum`` on
    booleans, which goes through a slow casting loop; it runs once per pair.
    """
    return np.cumsum(flags.view(np.uint8), dtype=np.int32)


def _dot(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Inner product without BLAS: a threaded BLAS dot per pair stalls on a busy machine."""
    return float(np.einsum("i,i->", a, b))


def _average_ranks(values: NDArray[np.float64]) -> tuple[NDArray[np.float64], bool]:
    """Average (mid) ranks, 1-based, and whether any values tie."""
    # Ties share their average rank, so the sort need not be stable; NumPy's default
    # (vectorised quicksort) is several times faster than mergesort.
    order = np.argsort(values)
    ordered = values[order]
    new_block = np.r_[True, ordered[1:] != ordered[:-1]]
    starts = np.flatnonzero(new_block)
    counts = np.diff(np.r_[starts, values.size])
    ranks = np.empty(values.size)
    ranks[order] = np.repeat(starts + (counts + 1) / 2.0, counts)
    return ranks, bool(counts.size < values.size)


def _pearson_r(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    dx = x - x.mean()
    dy = y - y.mean()
    denominator = math.sqrt(_dot(dx, dx) * _dot(dy, dy))
    if denominator == 0.0:
        return float("nan")
    return max(-1.0, min(1.0, _dot(dx, dy) / denominator))


def _as_float(values: Values, name: str) -> NDArray[np.float64]:
    try:
        return np.asarray(pd.to_numeric(pd.Series(values), errors="raise"), dtype=float)
    except (TypeError, ValueError) as error:
        raise AnalysisError(f"{name} must contain numbers only.") from error


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise AnalysisError(f"Unknown correlation method {method!r}; use pearson or spearman.")


def correlate(
    x: Values,
    y: Values,
    method: str = "pearson",
    x_name: str = "x",
    y_name: str = "y",
) -> Correlation:
    """Correlate two equally long sequences, dropping pairs with a missing value.

    Raises :class:`AnalysisError` when fewer than three complete pairs remain or one
    variable is constant (r is then undefined).
    """
    _check_method(method)
    xs = _as_float(x, x_name)
    ys = _as_float(y, y_name)
    if xs.size != ys.size:
        raise AnalysisError(f"{x_name} and {y_name} have different lengths ({xs.size}, {ys.size}).")
    keep = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[keep], ys[keep]
    n = int(xs.size)
    if n < 3:
        raise AnalysisError(
            f"A correlation of {x_name} and {y_name} needs at least 3 complete pairs; found {n}."
        )
    if method == "pearson":
        r = _pearson_r(xs, ys)
        p = float(_t_pvalue(np.array([r]), np.array([float(n)]))[0])
    else:
        rx, ties_x = _average_ranks(xs)
        ry, ties_y = _average_ranks(ys)
        r = _pearson_r(rx, ry)
        p = _spearman_pvalue(r, n, ties_x or ties_y)
    if math.isnan(r):
        constant = x_name if np.ptp(xs) == 0 else y_name
        raise AnalysisError(
            f"{constant} has the same value in every complete pair, so its correlation "
            "is undefined."
        )
    return Correlation(
        x=x_name,
        y=y_name,
        method=method,
        r=r,
        n=n,
        p=p,
        ci95=fisher_ci(r, n),
        label=cohen_label(r),
    )


def _pearson_matrix(
    data: NDArray[np.float64], present: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    rows, k = data.shape
    if present.all():
        # Complete data: standardise once, then one matrix product.
        centred = data - data.mean(axis=0)
        norms = np.sqrt(np.einsum("ij,ij->j", centred, centred))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = centred / norms
            r = z.T @ z
        n = np.full((k, k), rows, dtype=np.int64)
    else:
        # Pairwise-complete sums from masked products.  Centring each column on its own
        # mean first keeps the one-pass formulas free of catastrophic cancellation.
        mask = present.astype(float)
        counts = mask.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, np.where(present, data, 0.0).sum(axis=0) / counts, 0.0)
        centred = np.where(present, data - means, 0.0)
        n_f = mask.T @ mask  # n[i, j] = rows with both i and j
        sums = centred.T @ mask  # sums[i, j] = Σ x_i over those rows
        squares = (centred * centred).T @ mask
        cross = centred.T @ centred
        with np.errstate(divide="ignore", invalid="ignore"):
            cov = cross - sums * sums.T / n_f
            var_i = squares - sums * sums / n_f
            r = cov / np.sqrt(var_i * var_i.T)
        n = np.rint(n_f).astype(np.int64)
    r = np.clip(r, -1.0, 1.0)
    r[~np.isfinite(r)] = np.nan
    # A variable with any variance correlates perfectly with itself.
    diagonal = np.diag(r).copy()
    diagonal[~np.isnan(diagonal)] = 1.0
    np.fill_diagonal(r, diagonal)
    return r, n


@dataclass(frozen=True)
class _SortedColumn:
    """A column's present values in ascending order, for re-ranking on subsets."""

    order: NDArray[np.intp]  # row indices of present values, ascending by value
    block: NDArray[np.intp]  # tie-block number of each sorted position
    starts: NDArray[np.intp]  # first sorted position of each tie block
    ends: NDArray[np.intp]  # one past the last sorted position of each tie block

    @property
    def ties(self) -> bool:
        return bool(self.starts.size < self.order.size)


def _sort_column(values: NDArray[np.float64], present: NDArray[np.bool_]) -> _SortedColumn:
    rows = np.flatnonzero(present)
    order = rows[np.argsort(values[rows])]  # ties are handled as blocks: no need for stable
    ordered = values[order]
    new_block = np.r_[True, ordered[1:] != ordered[:-1]] if order.size else np.zeros(0, bool)
    starts = np.flatnonzero(new_block)
    ends = np.r_[starts[1:], order.size]
    block = np.cumsum(new_block) - 1
    return _SortedColumn(order=order, block=block, starts=starts, ends=ends)


def _fill_untied_ranks(
    column: _SortedColumn, other_present: NDArray[np.bool_], out: NDArray[np.float64]
) -> int:
    """Write a tie-free column's ranks among the rows where ``other_present`` into ``out``.

    Rows where the other variable is missing get 0, rows where this one is missing are
    left untouched; returns the number of rows ranked.  Without ties a rank is just a
    running count, so this is the cheap path for continuous data.
    """
    kept = other_present[column.order]
    running = _count(kept)
    out[column.order] = running * kept
    return int(running[-1]) if running.size else 0


def _subset_ranks(
    column: _SortedColumn, keep: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], bool]:
    """Average ranks of a column within the rows ``keep`` (in row order), and any ties."""
    kept = keep[column.order]
    before = np.r_[0, _count(kept)]  # kept positions strictly before each position
    low = before[column.starts]  # kept values below each tie block
    high = before[column.ends]  # kept values up to the end of each tie block
    rank_of_block = (low + 1 + high) / 2.0
    ranks = np.zeros(keep.size)
    ranks[column.order[kept]] = rank_of_block[column.block[kept]]
    ties = bool(np.any(high - low > 1))
    return ranks[keep], ties


# Questionnaire items take a handful of answer values; up to this many distinct values
# a column goes through the contingency-table path below.
_MAX_LEVELS = 32
_CHUNK_ROWS = 16_384


def _spearman_from_table(table: NDArray[np.float64]) -> tuple[float, bool]:
    """Spearman's rho (and whether any values tie) from a cross-tabulation of levels.

    Rows and columns are the two variables' distinct values in ascending order, so the
    mid-rank of each value follows from the margins alone.
    """
    a = table.sum(axis=1)
    b = table.sum(axis=0)
    m = float(a.sum())
    centre = (m + 1) / 2.0
    ca = np.cumsum(a) - (a - 1) / 2.0 - centre
    cb = np.cumsum(b) - (b - 1) / 2.0 - centre
    sxx = float(a @ (ca * ca))
    syy = float(b @ (cb * cb))
    ties = bool(a.max(initial=0) > 1 or b.max(initial=0) > 1)
    if sxx <= 0.0 or syy <= 0.0:
        return float("nan"), ties
    return max(-1.0, min(1.0, float(ca @ table @ cb) / math.sqrt(sxx * syy))), ties


def _level_tables(
    data: NDArray[np.float64], present: NDArray[np.bool_], columns: list[int]
) -> tuple[NDArray[np.float64], list[int]]:
    """Every pairwise cross-tabulation of ``columns`` at once, as one block matrix.

    Each column becomes one-hot indicators of its levels (all zero where missing), so
    the Gram matrix of the indicators holds, in block (i, j), the counts of each pair of
    levels over the rows where both are present: pairwise deletion comes for free.
    """
    codes: list[NDArray[np.intp]] = []
    offsets = [0]
    for j in columns:
        _, inverse = np.unique(data[present[:, j], j], return_inverse=True)
        code = np.full(data.shape[0], -1, dtype=np.intp)
        code[present[:, j]] = inverse + offsets[-1]
        codes.append(code)
        offsets.append(offsets[-1] + int(inverse.max(initial=-1)) + 1)
    width = offsets[-1]
    gram = np.zeros((width, width))
    # float32 sums of 0/1 are exact below 2**24 rows per chunk; chunks bound the memory.
    for start in range(0, data.shape[0], _CHUNK_ROWS):
        stop = min(start + _CHUNK_ROWS, data.shape[0])
        onehot = np.zeros((stop - start, width), dtype=np.float32)
        rows = np.arange(stop - start)
        for code in codes:
            part = code[start:stop]
            hit = part >= 0
            onehot[rows[hit], part[hit]] = 1.0
        gram += (onehot.T @ onehot).astype(np.float64)
    return gram, offsets


def _spearman_matrix(
    data: NDArray[np.float64], present: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.bool_]]:
    rows, k = data.shape
    if present.all():
        # Complete data: rank each column once, then Pearson on the ranks.
        ranks = np.empty_like(data)
        ties = np.zeros(k, dtype=bool)
        for j in range(k):
            ranks[:, j], ties[j] = _average_ranks(data[:, j])
        r, n = _pearson_matrix(ranks, present)
        return r, n, ties[:, None] | ties[None, :]
    # With missing values each pair must be ranked afresh on its own complete rows.
    mask = present.astype(float)
    n = np.rint(mask.T @ mask).astype(np.int64)
    r = np.full((k, k), np.nan)
    pair_ties = np.zeros((k, k), dtype=bool)
    few_levels = [j for j in range(k) if np.unique(data[present[:, j], j]).size <= _MAX_LEVELS]
    done = np.zeros((k, k), dtype=bool)
    if few_levels:
        gram, offsets = _level_tables(data, present, few_levels)
        for a, i in enumerate(few_levels):
            for b in range(a, len(few_levels)):
                j = few_levels[b]
                block = gram[offsets[a] : offsets[a + 1], offsets[b] : offsets[b + 1]]
                if n[i, j] >= 2:
                    r[i, j], pair_ties[i, j] = _spearman_from_table(block)
                done[i, j] = True
    # Other pairs: presorting each column makes every re-ranking one linear pass.  Column-
    # major copies keep each column's gathers within one contiguous, cache-sized block.
    data = np.asfortranarray(data)
    present = np.asfortranarray(present)
    sorted_columns: dict[int, _SortedColumn] = {}
    other = np.zeros(rows)
    for i in range(k):
        own = np.zeros(rows)  # zero outside column i's rows, so stale values in `other` vanish
        for j in range(i, k):
            if done[i, j] or n[i, j] < 2:
                continue
            for c in (i, j):
                if c not in sorted_columns:
                    sorted_columns[c] = _sort_column(data[:, c], present[:, c])
            col_i, col_j = sorted_columns[i], sorted_columns[j]
            if i != j and not col_i.ties and not col_j.ties:
                # Ranks 1..m without ties: mean (m + 1)/2 and Σ(R − mean)² = (m³ − m)/12.
                m = _fill_untied_ranks(col_i, present[:, j], own)
                _fill_untied_ranks(col_j, present[:, i], other)
                centre = (m + 1) / 2.0
                cross = _dot(own, other) - m * centre * centre
                r[i, j] = max(-1.0, min(1.0, cross / ((m**3 - m) / 12.0)))
                continue
            keep = present[:, i] & present[:, j]
            rank_i, ties_i = _subset_ranks(col_i, keep)
            rank_j, ties_j = (rank_i, ties_i) if i == j else _subset_ranks(col_j, keep)
            r[i, j] = _pearson_r(rank_i, rank_j)
            pair_ties[i, j] = ties_i or ties_j
    upper = np.triu(np.ones((k, k), dtype=bool), 1)
    r = np.where(upper.T, r.T, r)
    pair_ties = np.where(upper.T, pair_ties.T, pair_ties)
    diagonal = np.diag(r).copy()
    diagonal[~np.isnan(diagonal)] = 1.0
    np.fill_diagonal(r, diagonal)
    return r, n, pair_ties


def correlation_matrix(
    frame: pd.DataFrame, columns: Sequence[str] | None = None, method: str = "pearson"
) -> CorrelationMatrix:
    """Correlate every pair of ``columns`` (default: every numeric column) of ``frame``.

    Undefined cells (fewer than three pairs, or a constant column) hold NaN.
    """
    _check_method(method)
    if columns is None:
        columns = [str(c) for c in frame.select_dtypes(include="number").columns]
    columns = list(columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(f"Unknown column(s): {', '.join(missing)}.")
    if len(columns) < 2:
        raise AnalysisError("A correlation needs at least two numeric columns.")
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column].dtype):
            _as_float(frame[column], f"Column {column!r}")  # raises on text
    data = frame[columns].to_numpy(dtype=float, na_value=np.nan)
    present = ~np.isnan(data)
    if method == "pearson":
        r, n = _pearson_matrix(data, present)
        p = _t_pvalue(r, n.astype(float))
    else:
        r, n, ties = _spearman_matrix(data, present)
        p = _t_pvalue(r, n.astype(float))
        # Small untied pairs get AS 89, exactly as in the two-variable form.
        for i, j in zip(*np.nonzero((n <= _AS89_MAX_N) & ~ties & ~np.isnan(r)), strict=True):
            p[i, j] = _spearman_pvalue(float(r[i, j]), int(n[i, j]), ties=False)
    r[n < 3] = np.nan
    p[n < 3] = np.nan
    np.fill_diagonal(p, np.nan)
    return CorrelationMatrix(columns=columns, method=method, r=r, n=n, p=p)


def _plain(value: float) -> float | None:
    """JSON has no NaN: undefined statistics become None."""
    return None if math.isnan(value) else float(value)


def correlation_to_dict(c: Correlation) -> dict[str, Any]:
    """One correlation in the ``correlate`` JSON contract."""
    return {
        "x": c.x,
        "y": c.y,
        "method": c.method,
        "r": _plain(c.r),
        "n": c.n,
        "p": _plain(c.p),
        "ci95": [_plain(c.ci95[0]), _plain(c.ci95[1])],
        "label": c.label,
    }


def correlate_report(
    frame: pd.DataFrame, columns: Sequence[str] | None = None, method: str = "pearson"
) -> dict[str, Any]:
    """All pairwise correlations of ``columns`` as plain data for JSON."""
    matrix = correlation_matrix(frame, columns, method)
    return {"method": method, "pairs": [correlation_to_dict(c) for c in matrix.pairs()]}


__all__ = [
    "METHODS",
    "Correlation",
    "CorrelationMatrix",
    "cohen_label",
    "correlate",
    "correlate_report",
    "correlation_matrix",
    "correlation_to_dict",
    "fisher_ci",
]
