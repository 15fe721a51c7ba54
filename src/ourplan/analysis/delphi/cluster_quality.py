"""Cluster quality: adjusted Rand index and silhouette widths, in numpy.

* Adjusted Rand index (Hubert & Arabie 1985): agreement of two partitions of the same
  items, corrected for chance; 1 = identical up to relabelling, about 0 = chance.
* Silhouette (Rousseeuw 1987): for item i, a = mean distance to its own cluster, b =
  smallest mean distance to another cluster, s = (b − a) / max(a, b); s = 0 for an item
  alone in its cluster.  Euclidean distance, as in the Ward clustering.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from ourplan.analysis.errors import AnalysisError

# Rows of the distance matrix computed at once: at most 512, and at most about
# DISTANCE_BLOCK_ELEMENTS doubles (32 MB) in a block however large the panel.
DISTANCE_BLOCK_ROWS = 512
DISTANCE_BLOCK_ELEMENTS = 4_000_000


def _codes(labels: Sequence[object] | NDArray[np.generic]) -> NDArray[np.int64]:
    _, codes = np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)
    return codes.astype(np.int64).ravel()


def _pairs(x: NDArray[np.int64] | int) -> NDArray[np.int64] | int:
    return x * (x - 1) // 2


def adjusted_rand_index(
    labels_a: Sequence[object] | NDArray[np.generic],
    labels_b: Sequence[object] | NDArray[np.generic],
) -> float:
    """Hubert & Arabie's adjusted Rand index of two labellings of the same items.

    Two trivial partitions that agree (both one cluster, or both all singletons) give 1,
    the limit the formula's 0/0 approaches.
    """
    a = _codes(labels_a)
    b = _codes(labels_b)
    if a.size != b.size:
        raise AnalysisError(f"The two labellings have different lengths ({a.size} and {b.size}).")
    n = int(a.size)
    if n < 2:
        raise AnalysisError("The adjusted Rand index needs at least two items.")
    table = np.zeros((int(a.max()) + 1, int(b.max()) + 1), dtype=np.int64)
    np.add.at(table, (a, b), 1)
    # Python ints: the pair counts of large panels overflow nothing and stay exact.
    index = int(np.sum(_pairs(table)))
    rows = int(np.sum(_pairs(table.sum(axis=1))))
    cols = int(np.sum(_pairs(table.sum(axis=0))))
    total = n * (n - 1) // 2
    expected = rows * cols / total
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


def _relabel(labels: Sequence[object] | NDArray[np.generic]) -> tuple[NDArray[np.int64], int]:
    codes = _codes(labels)
    return codes, int(codes.max()) + 1 if codes.size else 0


def silhouette_samples(
    data: NDArray[np.float64], labels: Sequence[object] | NDArray[np.generic]
) -> NDArray[np.float64]:
    """Silhouette width of each row of ``data`` under ``labels``."""
    return silhouette_samples_many(data, [labels])[0]


def silhouette_score(
    data: NDArray[np.float64], labels: Sequence[object] | NDArray[np.generic]
) -> float:
    """Mean silhouette width over all rows."""
    return float(np.mean(silhouette_samples(data, labels)))


def silhouette_samples_many(
    data: NDArray[np.float64],
    labellings: Sequence[Sequence[object] | NDArray[np.generic]],
    rows: NDArray[np.intp] | None = None,
) -> list[NDArray[np.float64]]:
    """Silhouette widths for several labellings of the same rows in one pass.

    The Euclidean distance matrix is built block by block and never held whole, so
    memory stays near ``DISTANCE_BLOCK_ELEMENTS`` doubles however many rows there are;
    every labelling shares the same blocks, which is what makes choosing k cheap.  With
    ``rows`` only those rows' widths are computed (exactly, against every row): time in
    proportion to ``len(rows) × n`` instead of ``n²``, for estimating the mean width.
    """
    x = np.asarray(data, dtype=float)
    if x.ndim != 2:
        raise AnalysisError("Silhouette widths need a two-dimensional data matrix.")
    n = x.shape[0]
    encoded = [_relabel(labels) for labels in labellings]
    for codes, k in encoded:
        if codes.size != n:
            raise AnalysisError("Each labelling needs one label per row of the data.")
        if not 2 <= k <= n - 1:
            raise AnalysisError(
                f"Silhouette widths need 2 to n − 1 clusters; got {k} for {n} items."
            )
    which = np.arange(n) if rows is None else np.asarray(rows, dtype=np.intp)
    # One indicator matrix for all labellings: column blocks of width k each.
    offsets = np.cumsum([0] + [k for _, k in encoded])
    indicator = np.zeros((n, int(offsets[-1])))
    for (codes, _), offset in zip(encoded, offsets[:-1], strict=True):
        indicator[np.arange(n), offset + codes] = 1.0
    sizes = indicator.sum(axis=0)
    sums = np.empty((which.size, indicator.shape[1]))
    squared = np.einsum("ij,ij->i", x, x)
    block_rows = max(16, min(DISTANCE_BLOCK_ROWS, DISTANCE_BLOCK_ELEMENTS // max(n, 1)))
    for start in range(0, which.size, block_rows):
        stop = min(start + block_rows, which.size)
        picked = which[start:stop]
        # |u − v|² = |u|² + |v|² − 2u·v through BLAS; clip rounding below zero.
        d2 = x[picked] @ x.T
        d2 *= -2.0
        d2 += squared[picked, None]
        d2 += squared[None, :]
        np.maximum(d2, 0.0, out=d2)
        d2[np.arange(stop - start), picked] = 0.0
        np.sqrt(d2, out=d2)
        sums[start:stop] = d2 @ indicator
    widths: list[NDArray[np.float64]] = []
    for (all_codes, k), offset in zip(encoded, offsets[:-1], strict=True):
        codes = all_codes[which]
        m = which.size
        part = sums[:, offset : offset + k]
        size = sizes[offset : offset + k]
        own_size = size[codes]
        own = part[np.arange(m), codes]
        with np.errstate(invalid="ignore", divide="ignore"):
            a = own / (own_size - 1)  # the item itself is at distance 0
            means = part / size[None, :]
        means[np.arange(m), codes] = np.inf
        b = means.min(axis=1)
        denominator = np.maximum(a, b)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.where(denominator > 0, (b - a) / denominator, 0.0)
        s[own_size == 1] = 0.0  # Rousseeuw's convention for singletons
        widths.append(s)
    return widths


__all__ = [
    "adjusted_rand_index",
    "silhouette_samples",
    "silhouette_samples_many",
    "silhouette_score",
]
