"""Hierarchical clustering of respondents by how they rated the statements.

The source study reports a hierarchical cluster analysis of the ratings (its quantitative
analysis was done in SPSS) without naming the linkage.  We use Ward's minimum-variance
linkage on Euclidean distances between respondents' rating vectors, from one round (the
last one unless the caller picks another): the usual choice for rating profiles.

Ward's linkage is computed without a distance matrix (``fastcluster.linkage_vector``,
memory proportional to the panel, time to its square).  Panels of more than
``TWO_STAGE_ABOVE`` respondents are clustered in two stages: k-means to ``CENTRES``
centres, then Ward's linkage of the centres weighted by how many respondents each holds,
which is Ward's criterion applied to those groups of respondents; each respondent takes
its centre's cluster.  Their mean silhouette is estimated from ``SILHOUETTE_SAMPLE``
respondents (exact widths of those respondents, against everyone).

Ratings are whole numbers, so many pairs of respondents are exactly the same distance
apart and Ward's method meets many equal merge costs.  Which tied merge comes first is an
arbitrary choice of the implementation, so different programs (SciPy, fastcluster, SPSS)
can build different trees from the same ratings: cuts into few clusters, made at the top
of the tree where merge costs are far apart, agree; cuts into many small clusters can
differ, each as good by Ward's criterion.  Within one version the result is deterministic.

Missing ratings: respondents who rated fewer than ``min_answered`` (default 50%) of the
statements in the round are left out and listed; each remaining missing rating is
replaced by that statement's median among the respondents kept.  Statements nobody kept
rated are left out of the distance.  Imputation only feeds the distances: typical
answers and the Kruskal–Wallis tests use the ratings actually given.

Number of clusters: the caller's k, or the k in ``k_range`` (default 2..8, capped at
n − 1) with the highest mean silhouette width; a tie goes to the smaller k.  Clusters
are numbered 1..k from largest to smallest (ties: the cluster whose first member comes
first in respondent order).

The Kruskal–Wallis tests across clusters describe which statements separate the
clusters; the clusters were built from the same ratings, so the p-values are descriptive
and far smaller than a test of a hypothesis fixed in advance would give.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.cluster import hierarchy

from ourplan.analysis.delphi.cluster_quality import silhouette_samples_many
from ourplan.analysis.delphi.responses import DelphiResponses
from ourplan.analysis.delphi.summary import quantile_from_counts, rating_counts
from ourplan.analysis.delphi.two_stage import TwoStage, two_stage_ward
from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.nonparametric import adjust_pvalues, kruskal_wallis

DEFAULT_K_RANGE: tuple[int, int] = (2, 8)
DEFAULT_MIN_ANSWERED = 0.5
CLUSTER_METHOD = "ward"
#: Larger panels are clustered in two stages (k-means, then Ward on the weighted centres).
TWO_STAGE_ABOVE = 5000
#: How many k-means centres the two-stage method starts from.
CENTRES = 300
#: How many respondents the mean silhouette of a two-stage clustering is estimated from.
SILHOUETTE_SAMPLE = 1000
ChartFormat = Literal["png", "svg"]


@dataclass(frozen=True, eq=False)
class ClusterData:
    """The matrix that is clustered and how it was made from one round."""

    round: int
    respondent_ids: tuple[str, ...]
    groups: tuple[str, ...]
    statement_ids: tuple[str, ...]
    observed: NDArray[np.float64]  # ratings as given, NaN = missing
    matrix: NDArray[np.float64]  # missing ratings imputed
    dropped_respondents: tuple[str, ...]
    dropped_statements: tuple[str, ...]
    imputed_cells: int
    min_answered: float


def prepare_cluster_data(
    responses: DelphiResponses,
    round_number: int,
    min_answered: float = DEFAULT_MIN_ANSWERED,
) -> ClusterData:
    """Drop sparse respondents and impute statement medians (see module notes)."""
    if not 0.0 <= min_answered <= 1.0:
        raise AnalysisError(f"min_answered is a share between 0 and 1; got {min_answered}.")
    rows = responses.round_frame(round_number)
    ratings = rows[list(responses.statement_ids)].to_numpy(dtype=float, na_value=np.nan)
    answered_share = (~np.isnan(ratings)).mean(axis=1)
    keep = answered_share >= min_answered
    ids = rows["respondent_id"].astype(str).to_numpy()
    groups = rows["group"].astype(str).to_numpy()
    kept = ratings[keep]
    rated = ~np.all(np.isnan(kept), axis=0) if kept.size else np.zeros(len(ratings[0]), bool)
    statement_ids = np.asarray(responses.statement_ids, dtype=object)
    observed = kept[:, rated]
    medians = quantile_from_counts(rating_counts(observed, responses.scale), 0.5)
    missing = np.isnan(observed)
    matrix = np.where(missing, medians[None, :], observed)
    return ClusterData(
        round=round_number,
        respondent_ids=tuple(ids[keep].tolist()),
        groups=tuple(groups[keep].tolist()),
        statement_ids=tuple(str(s) for s in statement_ids[rated]),
        observed=observed,
        matrix=matrix,
        dropped_respondents=tuple(ids[~keep].tolist()),
        dropped_statements=tuple(str(s) for s in statement_ids[~rated]),
        imputed_cells=int(missing.sum()),
        min_answered=min_answered,
    )


@dataclass(frozen=True)
class ClusterTest:
    """Kruskal–Wallis across clusters for one statement (``None`` when not computable)."""

    statement: str
    H: float | None
    df: int | None
    p: float | None
    p_holm: float | None
    significant: bool
    note: str | None = None


@dataclass(frozen=True, eq=False)
class ClusteringResult:
    """Clusters of respondents and what distinguishes them."""

    data: ClusterData
    k: int
    k_chosen_by: Literal["caller", "silhouette"]
    linkage: NDArray[np.float64]
    labels: NDArray[np.int64]  # 1..k, aligned with data.respondent_ids
    silhouette: float
    silhouette_by_k: dict[int, float]
    composition: dict[int, dict[str, int]]
    typical: pd.DataFrame  # statement × cluster median of the ratings given
    tests: tuple[ClusterTest, ...]
    alpha: float
    method: str = CLUSTER_METHOD
    #: The k-means stage when the panel was clustered in two stages (``linkage`` then joins
    #: its centres, not respondents); None for Ward's linkage of the respondents.
    two_stage: TwoStage | None = None
    #: Respondents the mean silhouette was computed from (all of them unless two-stage).
    silhouette_sample: int | None = None

    @property
    def assignments(self) -> dict[str, int]:
        """Respondent id → cluster number."""
        return dict(zip(self.data.respondent_ids, self.labels.tolist(), strict=True))

    @property
    def discriminating(self) -> list[ClusterTest]:
        """Statements whose ratings differ across clusters (p < alpha), smallest p first."""
        found = [t for t in self.tests if t.significant]
        return sorted(found, key=lambda t: (t.p if t.p is not None else 1.0, t.statement))


def cut_tree_labels(linkage: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    """Exactly k flat clusters from a linkage, numbered 1..k by size (largest first).

    Undoing the last k − 1 merges gives k clusters even when merge heights tie, which
    ``fcluster(..., "maxclust")`` does not promise.
    """
    return _order_by_size(_cut_roots(linkage, k))


def _cut_roots(linkage: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    """For each leaf, the node that roots its cluster once the last k − 1 merges are undone."""
    n = linkage.shape[0] + 1
    if not 1 <= k <= n:
        raise AnalysisError(f"Cannot cut {n} items into {k} clusters.")
    merged = np.arange(n - 1) + n  # node id created by each merge
    parent = np.arange(2 * n - 1)
    children = linkage[:, :2].astype(np.int64)
    parent[children[:, 0]] = merged
    parent[children[:, 1]] = merged
    # After the first n − k merges, a node whose parent is newer than that is a cluster
    # root; everything else climbs to its root.  Pointer doubling: O(n log depth).
    created = n + (n - k)
    up = np.where(parent < created, parent, np.arange(2 * n - 1))
    while True:
        jumped = up[up]
        if np.array_equal(jumped, up):
            break
        up = jumped
    return up[:n]


def _order_by_size(raw: NDArray[np.int64]) -> NDArray[np.int64]:
    values, first, inverse, counts = np.unique(
        raw, return_index=True, return_inverse=True, return_counts=True
    )
    # Largest first; equal sizes by the position of their first member.
    order = np.lexsort((first, -counts))
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(1, len(values) + 1)
    return rank[inverse.ravel()]


def _typical(data: ClusterData, labels: NDArray[np.int64], k: int, scale: int) -> pd.DataFrame:
    columns = {}
    for cluster in range(1, k + 1):
        counts = rating_counts(data.observed[labels == cluster], scale)
        columns[cluster] = quantile_from_counts(counts, 0.5)
    return pd.DataFrame(columns, index=pd.Index(data.statement_ids, name="statement"))


def _tests(data: ClusterData, labels: NDArray[np.int64], alpha: float) -> tuple[ClusterTest, ...]:
    names = np.array([str(v) for v in labels.tolist()], dtype=object)
    raw: list[ClusterTest] = []
    for j, sid in enumerate(data.statement_ids):
        values = data.observed[:, j]
        answered = ~np.isnan(values)
        try:
            result = kruskal_wallis(values[answered], names[answered])
        except AnalysisError as error:
            raw.append(ClusterTest(sid, None, None, None, None, False, str(error)))
            continue
        raw.append(ClusterTest(sid, result.H, result.df, result.p, None, result.p < alpha))
    tested = [i for i, t in enumerate(raw) if t.p is not None]
    adjusted = adjust_pvalues([raw[i].p or 0.0 for i in tested], "holm")
    for i, p_holm in zip(tested, adjusted, strict=True):
        t = raw[i]
        raw[i] = ClusterTest(t.statement, t.H, t.df, t.p, p_holm, t.significant, t.note)
    return tuple(raw)


def cluster_respondents(
    responses: DelphiResponses,
    round_number: int | None = None,
    k: int | Literal["auto"] = "auto",
    *,
    k_range: tuple[int, int] = DEFAULT_K_RANGE,
    min_answered: float = DEFAULT_MIN_ANSWERED,
    alpha: float = 0.05,
    two_stage_above: int = TWO_STAGE_ABOVE,
    centres: int = CENTRES,
    silhouette_sample: int = SILHOUETTE_SAMPLE,
) -> ClusteringResult:
    """Ward clustering of respondents in one round (default: the last round).

    Panels of more than ``two_stage_above`` respondents are clustered in two stages
    (k-means to ``centres`` centres, then Ward's linkage of the weighted centres) and
    their mean silhouette is estimated from ``silhouette_sample`` respondents.
    """
    chosen_round = responses.rounds[-1] if round_number is None else round_number
    data = prepare_cluster_data(responses, chosen_round, min_answered)
    n = len(data.respondent_ids)
    if n < 3 or not data.statement_ids:
        raise AnalysisError(
            f"Clustering needs at least 3 respondents who rated at least "
            f"{min_answered * 100:g}% of the statements in round {chosen_round}; found {n}."
        )
    if k == "auto":
        low, high = k_range
        if low < 2 or high < low:
            raise AnalysisError(f"The range of k to try must start at 2 or more; got {k_range}.")
        candidates = list(range(low, min(high, n - 1) + 1))
        if not candidates:
            raise AnalysisError(
                f"Too few respondents ({n}) to try {low} or more clusters in round {chosen_round}."
            )
    else:
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 2 <= k <= n - 1:
            raise AnalysisError(
                f"The number of clusters must be a whole number from 2 to {n - 1} "
                f"(one less than the {n} respondents clustered); got {k!r}."
            )
        candidates = [int(k)]
    stage: TwoStage | None = None
    sample: NDArray[np.intp] | None = None
    if n > two_stage_above:
        stage = two_stage_ward(data.matrix, min(centres, n))
        linkage = stage.linkage
        # k-means can end with fewer centres than asked (few distinct rating patterns).
        usable = [kk for kk in candidates if kk < len(stage.sizes)]
        if not usable:
            raise AnalysisError(
                f"The {n} respondents have only {len(stage.sizes)} distinct rating patterns "
                f"in round {chosen_round}, too few for {candidates[0]} clusters."
            )
        candidates = usable
        labellings = [
            _order_by_size(_cut_roots(linkage, kk)[stage.assignment]) for kk in candidates
        ]
        # Fixed seed: the same panel always gives the same estimate.
        rng = np.random.default_rng(0)
        sample = np.sort(rng.choice(n, size=min(n, silhouette_sample), replace=False))
    else:
        linkage = _ward_linkage(data.matrix)
        labellings = [cut_tree_labels(linkage, kk) for kk in candidates]
    widths = silhouette_samples_many(data.matrix, labellings, rows=sample)
    scores = {kk: float(np.mean(w)) for kk, w in zip(candidates, widths, strict=True)}
    # max() keeps the first of equal scores, i.e. the smaller k.
    best = max(candidates, key=lambda kk: scores[kk])
    labels = labellings[candidates.index(best)]
    group_names = sorted(set(data.groups))
    groups = np.asarray(data.groups, dtype=object)
    composition = {
        cluster: {g: int(np.sum((labels == cluster) & (groups == g))) for g in group_names}
        for cluster in range(1, best + 1)
    }
    return ClusteringResult(
        data=data,
        k=best,
        k_chosen_by="silhouette" if k == "auto" else "caller",
        linkage=linkage,
        labels=labels,
        silhouette=scores[best],
        silhouette_by_k=scores,
        composition=composition,
        typical=_typical(data, labels, best, responses.scale),
        tests=_tests(data, labels, alpha),
        alpha=alpha,
        two_stage=stage,
        silhouette_sample=None if sample is None else int(sample.size),
    )


def _ward_linkage(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """Ward's linkage of the rows, in memory proportional to the data (no distance matrix)."""
    try:
        import fastcluster
    except ImportError:  # pragma: no cover - fastcluster is a dependency; SciPy is the fallback
        return np.asarray(hierarchy.linkage(matrix, method=CLUSTER_METHOD, metric="euclidean"))
    return np.asarray(fastcluster.linkage_vector(matrix, method=CLUSTER_METHOD))


def dendrogram_chart(
    result: ClusteringResult,
    fmt: ChartFormat = "png",
    *,
    title: str | None = None,
    max_leaves: int = 40,
) -> bytes:
    """The Ward dendrogram as PNG or SVG bytes, coloured by the chosen clusters.

    Panels larger than ``max_leaves`` show the last ``max_leaves`` merges, each leaf
    labelled with how many respondents it holds.
    """
    if fmt not in ("png", "svg"):
        raise AnalysisError(f"Charts are PNG or SVG; got {fmt!r}.")
    # Imported here so the analysis itself never needs a plotting backend.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    linkage = result.linkage
    n = len(result.data.respondent_ids)
    heights = linkage[:, 2]
    # Any height between the (k−1)-th and k-th last merges separates exactly k clusters.
    cut = (heights[-result.k] + heights[-result.k + 1]) / 2 if result.k > 1 else heights[-1]
    figure = Figure(figsize=(10, 5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    labels: Sequence[str] | None = None
    options: dict[str, object] = {}
    if n <= max_leaves:
        labels = [
            f"{rid} ({group})"
            for rid, group in zip(result.data.respondent_ids, result.data.groups, strict=True)
        ]
    else:
        options = {"truncate_mode": "lastp", "p": max_leaves, "show_contracted": True}
    if result.two_stage is not None:
        # The leaves are k-means centres: label every leaf with the respondents it holds.
        # SciPy wants the fourth column to count leaves, so the tree is drawn with that.
        sizes = result.two_stage.sizes
        leaves = len(sizes)
        counts = linkage[:, 3].copy()
        linkage = linkage.copy()
        leaf_counts = np.ones(2 * leaves - 1)
        for step, (a, b) in enumerate(linkage[:, :2].astype(np.int64)):
            leaf_counts[leaves + step] = leaf_counts[a] + leaf_counts[b]
        linkage[:, 3] = leaf_counts[leaves:]
        labels = None
        options = {
            "truncate_mode": "lastp",
            "p": max_leaves,
            "show_contracted": True,
            "leaf_label_func": lambda node: (
                f"({int(sizes[node])})" if node < leaves else f"({int(counts[node - leaves])})"
            ),
        }
    hierarchy.dendrogram(
        linkage,
        ax=axes,
        labels=labels,
        color_threshold=cut,
        above_threshold_color="#888888",
        leaf_rotation=90,
        **options,  # type: ignore[arg-type]
    )
    axes.axhline(cut, color="#444444", linestyle="--", linewidth=0.8)
    axes.set_ylabel("Ward linkage distance")
    axes.set_title(
        title
        or f"Respondents in round {result.data.round}: Ward clustering, k = {result.k} "
        f"(mean silhouette {result.silhouette:.2f})"
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


__all__ = [
    "CENTRES",
    "DEFAULT_K_RANGE",
    "DEFAULT_MIN_ANSWERED",
    "SILHOUETTE_SAMPLE",
    "TWO_STAGE_ABOVE",
    "ClusterData",
    "ClusterTest",
    "ClusteringResult",
    "cluster_respondents",
    "cut_tree_labels",
    "dendrogram_chart",
    "prepare_cluster_data",
]
