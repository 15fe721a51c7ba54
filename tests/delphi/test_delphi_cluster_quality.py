"""Adjusted Rand index and silhouette widths against hand-worked and published values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ourplan.analysis.delphi.cluster_quality import (
    adjusted_rand_index,
    silhouette_samples,
    silhouette_samples_many,
    silhouette_score,
)
from ourplan.analysis.errors import AnalysisError


def test_ari_by_hand_one_cluster_split_in_two():
    # a = 0 0 1 1, b = 0 0 1 2.  Contingency rows {0: [2, 0, 0], 1: [0, 1, 1]}.
    # Σ C(n_ij, 2) = 1; rows Σ C(a_i, 2) = 1 + 1 = 2; columns Σ C(b_j, 2) = 1 + 0 + 0 = 1;
    # C(4, 2) = 6; expected = 2·1/6 = 1/3; max = (2 + 1)/2 = 3/2;
    # ARI = (1 − 1/3) / (3/2 − 1/3) = (2/3) / (7/6) = 4/7.
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(4 / 7)


def test_ari_by_hand_crossed_partitions_are_worse_than_chance():
    # a = 0 0 1 1, b = 0 1 0 1: every cell holds 1, so Σ C(n_ij, 2) = 0;
    # rows 2, columns 2, expected = 2·2/6 = 2/3, max = 2 → (0 − 2/3)/(2 − 2/3) = −1/2.
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)


def test_ari_matches_the_published_mclust_examples():
    # R mclust::adjustedRandIndex documentation (Hubert & Arabie's index):
    # a <- c(3,2,3,3,2,3,1,2,2); b <- c("A","A","B","A","B","C","C","B","B") → 0.08695652
    a = [3, 2, 3, 3, 2, 3, 1, 2, 2]
    b = ["A", "A", "B", "A", "B", "C", "C", "B", "B"]
    assert adjusted_rand_index(a, b) == pytest.approx(0.08695652, abs=1e-8)
    # a <- rep(1:3, 4); b <- rep(c("A","B","C","D"), 3) → -0.2790698
    # By hand: every (a, b) pair occurs once → index 0; rows 3·C(4,2) = 18;
    # columns 4·C(3,2) = 12; C(12,2) = 66; expected 18·12/66 = 36/11; max 15;
    # ARI = −(36/11) / (15 − 36/11) = −36/129 = −0.2790698.
    a = [1, 2, 3] * 4
    b = ["A", "B", "C", "D"] * 3
    assert adjusted_rand_index(a, b) == pytest.approx(-36 / 129)
    assert adjusted_rand_index([1, 2, 3] * 3, ["A", "B", "C"] * 3) == 1.0


def test_ari_trivial_partitions():
    assert adjusted_rand_index([1, 1, 1], [2, 2, 2]) == 1.0
    assert adjusted_rand_index([1, 2, 3], [1, 2, 3]) == 1.0
    assert adjusted_rand_index([1, 1, 1, 1], [1, 1, 2, 2]) == 0.0
    with pytest.raises(AnalysisError, match="different lengths"):
        adjusted_rand_index([1, 2], [1, 2, 3])


labellings = st.lists(st.integers(0, 4), min_size=2, max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_relabelling_clusters_does_not_change_ari(data):
    a = data.draw(labellings)
    b = data.draw(st.lists(st.integers(0, 4), min_size=len(a), max_size=len(a)))
    names = data.draw(st.permutations(["p", "q", "r", "s", "t"]))
    renamed = [names[x] for x in b]
    assert adjusted_rand_index(a, renamed) == pytest.approx(adjusted_rand_index(a, b))
    assert adjusted_rand_index(b, a) == pytest.approx(adjusted_rand_index(a, b))
    assert adjusted_rand_index(a, a) == 1.0
    assert adjusted_rand_index(a, b) <= 1.0 + 1e-12


def test_silhouette_by_hand_on_a_line():
    # Points 0, 1 (cluster a) and 10, 11 (cluster b).
    # Point 0: a = 1, b = (10 + 11)/2 = 10.5 → s = 9.5/10.5.
    # Point 1: a = 1, b = (9 + 10)/2 = 9.5 → s = 8.5/9.5.  The others mirror these.
    data = np.array([[0.0], [1.0], [10.0], [11.0]])
    widths = silhouette_samples(data, ["a", "a", "b", "b"])
    expected = [9.5 / 10.5, 8.5 / 9.5, 8.5 / 9.5, 9.5 / 10.5]
    assert widths == pytest.approx(expected)
    assert silhouette_score(data, ["a", "a", "b", "b"]) == pytest.approx(np.mean(expected))


def test_a_point_alone_in_its_cluster_has_width_zero():
    data = np.array([[0.0], [1.0], [5.0]])
    assert silhouette_samples(data, [1, 1, 2])[2] == 0.0


def test_silhouette_needs_two_to_n_minus_one_clusters():
    with pytest.raises(AnalysisError, match="2 to n − 1"):
        silhouette_samples(np.zeros((3, 2)), [1, 1, 1])


def test_many_labellings_in_one_pass_equal_one_at_a_time():
    rng = np.random.default_rng(7)
    data = rng.normal(size=(1100, 5))  # more rows than one distance block
    sets = [rng.integers(0, k, size=1100) for k in (2, 3, 5)]
    together = silhouette_samples_many(data, sets)
    for labels, widths in zip(sets, together, strict=True):
        assert widths == pytest.approx(silhouette_samples(data, labels))


def test_silhouette_agrees_with_scikit_learn_when_installed():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(11)
    data = np.vstack([rng.normal(0, 1, (60, 4)), rng.normal(3, 1, (40, 4))])
    labels = rng.integers(0, 3, size=100)
    assert silhouette_samples(data, labels) == pytest.approx(
        metrics.silhouette_samples(data, labels), abs=1e-9
    )
    a, b = rng.integers(0, 4, 200), rng.integers(0, 3, 200)
    assert adjusted_rand_index(a, b) == pytest.approx(metrics.adjusted_rand_score(a, b))
