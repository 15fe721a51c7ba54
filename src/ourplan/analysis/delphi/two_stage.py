"""Two-stage Ward clustering for large panels: k-means, then Ward on the weighted centres.

Ward's linkage of n respondents costs time in proportion to n² (and, done the usual way,
memory too).  For large panels the respondents are first grouped into a few hundred tight
groups by k-means, and Ward's linkage then joins those groups.  Ward's merge cost for two
groups A and B is the rise in the within-cluster sum of squares,
``n_A n_B / (n_A + n_B) · |c_A − c_B|²``, which needs only their sizes and centroids; so
Ward's linkage of the centres, each weighted by the respondents it holds, is exactly
Ward's method started from those groups instead of from single respondents.  Merge
heights are on SciPy's scale, ``sqrt(2 × cost)``, so for single respondents they equal
SciPy's Ward heights.

The k-means stage: k-means++ seeding (Arthur & Vassilvitskii 2007) on a random sample of
at most 20 rows per centre, then Lloyd's iterations on a random sample of at most 100
rows per centre until fewer than 0.5% of them change centre (at most 30 iterations);
then every respondent joins its nearest centre and each centre becomes the mean of its
respondents, the centroids Ward's merge costs assume.  The seed is fixed, so a panel
always gives the same result.  Centres that end up empty are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: Rows of the respondents × centres distance table computed at once (bounded memory).
_BLOCK_ELEMENTS = 4_000_000
_MAX_ITERATIONS = 30
# Lloyd's iterations stop when fewer than this share of respondents change centre.
_SETTLED = 0.005
_SEEDING_ROWS_PER_CENTRE = 20
# Lloyd's iterations run on at most this many rows per centre.
_FIT_ROWS_PER_CENTRE = 100


@dataclass(frozen=True, eq=False)
class TwoStage:
    """The k-means stage and Ward's linkage of its weighted centres."""

    centres: NDArray[np.float64]  # (m, statements)
    sizes: NDArray[np.int64]  # respondents per centre
    assignment: NDArray[np.intp]  # each respondent's centre
    linkage: NDArray[np.float64]  # SciPy format over the m centres; counts are respondents
    iterations: int


def two_stage_ward(data: NDArray[np.float64], centres: int, seed: int = 0) -> TwoStage:
    """k-means to at most ``centres`` centres, then Ward's linkage of them by size."""
    x = np.asarray(data, dtype=np.float64)
    n = x.shape[0]
    rng = np.random.default_rng(seed)
    initial = _seed_centres(x, centres, rng)
    # Lloyd's iterations on a sample, then every respondent joins its nearest centre and
    # each centre becomes the mean of its respondents (what Ward's merge costs assume).
    fit_rows = min(n, _FIT_ROWS_PER_CENTRE * len(initial))
    fit = x if fit_rows == n else x[np.sort(rng.choice(n, size=fit_rows, replace=False))]
    fitted, _, iterations = _lloyd(fit, initial)
    assignment = _nearest(x.astype(np.float32), fitted)
    found, sizes = _means(x, assignment, len(fitted), fitted)
    kept = sizes > 0
    if not kept.all():
        renumber = np.cumsum(kept) - 1
        found, sizes, assignment = found[kept], sizes[kept], renumber[assignment]
    linkage = weighted_ward(found, sizes)
    return TwoStage(found, sizes.astype(np.int64), assignment.astype(np.intp), linkage, iterations)


def _means(
    x: NDArray[np.float64], assignment: NDArray[np.intp], m: int, previous: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Each centre's mean row and size (an empty centre keeps its previous position)."""
    sizes = np.bincount(assignment, minlength=m)
    sums = np.stack(
        [np.bincount(assignment, weights=x[:, j], minlength=m) for j in range(x.shape[1])],
        axis=1,
    )
    filled = sizes > 0
    means = np.where(filled[:, None], sums / np.maximum(sizes, 1)[:, None], previous)
    return means, sizes


def _seed_centres(x: NDArray[np.float64], m: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """k-means++ seeding on a random sample of the rows (fewer centres if the sample has
    fewer distinct rows)."""
    n = x.shape[0]
    size = min(n, _SEEDING_ROWS_PER_CENTRE * m)
    sample = x[np.sort(rng.choice(n, size=size, replace=False))]
    squared = np.einsum("ij,ij->i", sample, sample)
    chosen = [int(rng.integers(size))]
    # einsum, not BLAS: a threaded matrix-vector product of this size mostly waits.
    dot = np.einsum("ij,j->i", sample, sample[chosen[0]])
    nearest = np.maximum(squared - 2.0 * dot + squared[chosen[0]], 0.0)
    for _ in range(1, m):
        total = float(nearest.sum())
        if total <= 0.0:
            break  # every sampled row is already a centre
        pick = int(np.searchsorted(np.cumsum(nearest), rng.random() * total, side="right"))
        pick = min(pick, size - 1)
        chosen.append(pick)
        distance = squared - 2.0 * np.einsum("ij,j->i", sample, sample[pick]) + squared[pick]
        np.minimum(nearest, np.maximum(distance, 0.0), out=nearest)
    return sample[chosen].copy()


def _nearest(x: NDArray[np.float32], centres: NDArray[np.float64]) -> NDArray[np.intp]:
    """Index of each row's nearest centre, in blocks of rows.

    In single precision, which halves the time: ratings are small whole numbers (exact in
    float32) and an assignment only decides which of two nearly equal centres is nearer.
    """
    n = x.shape[0]
    c = centres.astype(np.float32)
    squared = np.einsum("ij,ij->i", c, c)
    rows = max(1, _BLOCK_ELEMENTS // max(1, len(c)))
    out = np.empty(n, dtype=np.intp)
    for start in range(0, n, rows):
        block = x[start : start + rows] @ c.T
        block *= -2.0
        block += squared[None, :]
        # |x − c|² = |x|² − 2 x·c + |c|²; |x|² is the same for every centre.
        out[start : start + rows] = np.argmin(block, axis=1)
    return out


def _lloyd(
    x: NDArray[np.float64], centres: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.intp], int]:
    m = len(centres)
    single = x.astype(np.float32)
    assignment = _nearest(single, centres)
    iterations = 0
    while iterations < _MAX_ITERATIONS:
        iterations += 1
        centres, _ = _means(x, assignment, m, centres)
        updated = _nearest(single, centres)
        changed = int(np.count_nonzero(updated != assignment))
        assignment = updated
        if changed <= _SETTLED * len(x):
            break
    return centres, assignment, iterations


def weighted_ward(centres: NDArray[np.float64], sizes: NDArray[np.integer]) -> NDArray[np.float64]:
    """Ward's linkage of groups with the given centroids and sizes, in SciPy's format.

    Each step joins the two groups whose merge raises the within-cluster sum of squares
    least, ``n_a n_b / (n_a + n_b) |c_a − c_b|²``; the height is ``sqrt(2 ×`` that``)``
    and the fourth column counts the respondents in the new group.  Equal costs go to the
    pair met first in index order.  Memory and time: m² and m³ for m groups.
    """
    c = np.asarray(centres, dtype=np.float64).copy()
    n = np.asarray(sizes, dtype=np.float64).copy()
    m = len(c)
    node = np.arange(m)
    cost = np.full((m, m), np.inf)
    for i in range(m):
        cost[i, i + 1 :] = _merge_costs(c, n, i, np.arange(i + 1, m))
    cost = np.minimum(cost, cost.T)
    linkage = np.empty((m - 1, 4))
    for step in range(m - 1):
        i, j = divmod(int(np.argmin(cost)), m)
        i, j = min(i, j), max(i, j)
        a, b = sorted((int(node[i]), int(node[j])))
        linkage[step] = (a, b, np.sqrt(2.0 * cost[i, j]), n[i] + n[j])
        # The merged group takes slot i; slot j is retired.
        c[i] = (n[i] * c[i] + n[j] * c[j]) / (n[i] + n[j])
        n[i] += n[j]
        node[i] = m + step
        cost[j, :] = np.inf
        cost[:, j] = np.inf
        others = np.flatnonzero(np.isfinite(cost[i]) | np.isfinite(cost[:, i]))
        others = others[others != i]
        fresh = np.full(m, np.inf)
        fresh[others] = _merge_costs(c, n, i, others)
        cost[i, :] = fresh
        cost[:, i] = fresh
    return linkage


def _merge_costs(
    c: NDArray[np.float64], n: NDArray[np.float64], i: int, others: NDArray[np.intp]
) -> NDArray[np.float64]:
    gap = c[others] - c[i]
    return n[i] * n[others] / (n[i] + n[others]) * np.einsum("ij,ij->i", gap, gap)


__all__ = ["TwoStage", "two_stage_ward", "weighted_ward"]
