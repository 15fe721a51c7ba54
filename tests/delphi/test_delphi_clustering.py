"""Ward clustering of respondents: recovery of planted clusters, missing data, charts."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from ourplan.analysis.delphi.cluster_quality import adjusted_rand_index
from ourplan.analysis.delphi.clustering import (
    cluster_respondents,
    cut_tree_labels,
    dendrogram_chart,
    prepare_cluster_data,
)
from ourplan.analysis.delphi.demo import (
    CARERS,
    MEDICAL,
    PERSONAL,
    POLICY_MAKERS,
    PROFESSIONALS,
    SERVICE_USERS,
    PanelSpec,
    demo_spec,
    demo_study,
    generate_panel,
    random_spec,
)
from ourplan.analysis.delphi.report import analyse_study
from ourplan.analysis.delphi.responses import responses_from_frame
from ourplan.analysis.errors import AnalysisError
from tests.delphi.delphi_panels import make_panel


def planted_ari(panel, clustering):
    truth = panel.truth.set_index("respondent_id").loc[list(clustering.assignments), "cluster"]
    return adjusted_rand_index(truth.tolist(), clustering.labels)


def found_composition(panel, clustering):
    """Composition keyed by the planted cluster each found cluster mostly holds."""
    truth = panel.truth.set_index("respondent_id")["cluster"]
    named = {}
    for cluster, groups in clustering.composition.items():
        members = [r for r, c in clustering.assignments.items() if c == cluster]
        majority = truth.loc[members].mode().iloc[0]
        named[majority] = {g: n for g, n in groups.items() if n}
    return named


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(
    ("n_respondents", "n_statements", "n_clusters"), [(300, 40, 3), (200, 20, 4)]
)
def test_planted_clusters_are_recovered(seed, n_respondents, n_statements, n_clusters):
    spec = random_spec(n_respondents, n_statements, n_clusters=n_clusters, retention=0.8, seed=seed)
    panel = generate_panel(spec, seed)
    responses = responses_from_frame(panel.responses, 5)
    for round_number in (1, 2):
        clustering = cluster_respondents(responses, round_number)
        assert clustering.k == n_clusters
        assert planted_ari(panel, clustering) >= 0.9


def test_demo_clusters_cut_across_groups_with_the_planted_composition():
    panel = demo_study()
    responses = responses_from_frame(panel.responses, 5)
    # Round 1: every respondent, in the planted numbers of demo_spec().
    first = cluster_respondents(responses, 1)
    assert first.k == 2
    assert planted_ari(panel, first) == 1.0
    assert found_composition(panel, first) == {
        MEDICAL: {SERVICE_USERS: 10, CARERS: 19, PROFESSIONALS: 8, POLICY_MAKERS: 3},
        PERSONAL: {SERVICE_USERS: 19, CARERS: 6, PROFESSIONALS: 11, POLICY_MAKERS: 6},
    }
    # Round 2: those who stayed (9 + 10 + 2 + 9 = 30), split as the truth table says.
    second = cluster_respondents(responses)
    assert second.data.round == 2
    assert len(second.data.respondent_ids) == 30
    assert planted_ari(panel, second) == 1.0
    stayed = panel.truth[panel.truth["rounds"] == 2]
    expected = {
        cluster: dict(part.groupby("group").size()) for cluster, part in stayed.groupby("cluster")
    }
    assert found_composition(panel, second) == expected
    assert sum(sum(g.values()) for g in expected.values()) == 30


def test_exact_composition_of_a_small_planted_panel():
    spec = PanelSpec(
        statements=demo_spec().statements,
        profiles=demo_spec().profiles,
        membership={
            "service users": {MEDICAL: 2, PERSONAL: 6},
            "carers": {MEDICAL: 5, PERSONAL: 1},
            "professionals": {MEDICAL: 3, PERSONAL: 3},
        },
        retained=None,
        noise_sd=0.5,
        missing_rate=0.0,
    )
    panel = generate_panel(spec, seed=5)
    result = analyse_study(responses_from_frame(panel.responses, 5), clusters=2)
    clusters = result["clusters"]
    assert clusters["k"] == 2 and clusters["method"] == "ward"
    # Both planted clusters hold 10 respondents, so which is numbered 1 depends on who
    # comes first; compare the compositions as a set.
    compositions = [dict(c) for c in clusters["composition"].values()]
    assert {"service users": 2, "carers": 5, "professionals": 3} in compositions
    assert {"service users": 6, "carers": 1, "professionals": 3} in compositions


def test_respondents_with_too_few_ratings_are_left_out_and_gaps_imputed():
    ids = ["S1", "S2", "S3", "S4"]
    rows: list[tuple[str, str, int, list[float | None]]] = [
        ("a", "g", 1, [5, 5, 4, None]),  # 3 of 4 answered: kept, S4 imputed
        ("b", "g", 1, [5, 4, 5, 5]),
        ("c", "g", 1, [1, 2, 1, 2]),
        ("d", "g", 1, [2, 1, 1, 1]),
        ("e", "g", 1, [None, None, None, 3]),  # 1 of 4 (25% < 50%): left out
    ]
    data = prepare_cluster_data(make_panel(rows, ids), 1)
    assert data.respondent_ids == ("a", "b", "c", "d")
    assert data.dropped_respondents == ("e",)
    assert data.imputed_cells == 1
    # S4 among kept respondents: 5, 2, 1 → median 2 fills a's gap.
    assert data.matrix[0].tolist() == [5, 5, 4, 2]
    assert np.isnan(data.observed[0, 3])
    # Exactly half answered is enough.
    rows[4] = ("e", "g", 1, [None, None, 3, 3])
    assert "e" in prepare_cluster_data(make_panel(rows, ids), 1).respondent_ids


def test_explicit_k_and_impossible_requests():
    rows = [(f"r{i}", "g", 1, [1 + i % 5, 5 - i % 5]) for i in range(6)]
    responses = make_panel(rows, ["S1", "S2"])
    assert cluster_respondents(responses, k=3).k == 3
    with pytest.raises(AnalysisError, match="from 2 to 5"):
        cluster_respondents(responses, k=6)
    with pytest.raises(AnalysisError, match="Round 4 has no responses"):
        cluster_respondents(responses, 4)
    tiny = make_panel([("a", "g", 1, [1]), ("b", "g", 1, [5])], ["S1"])
    with pytest.raises(AnalysisError, match="at least 3 respondents"):
        cluster_respondents(tiny)
    # With "auto" the report notes it and carries on.
    result = analyse_study(tiny)
    assert result["clusters"] is None
    assert any("No clustering" in note for note in result["notes"])


def test_tied_merge_heights_still_give_exactly_k_clusters():
    data = np.array([[0.0], [0.0], [0.0], [10.0], [10.0], [10.0]])
    from scipy.cluster import hierarchy

    linkage = hierarchy.linkage(data, "ward")
    labels = cut_tree_labels(linkage, 4)
    assert sorted(set(labels.tolist())) == [1, 2, 3, 4]
    # Largest cluster first.
    assert np.sum(labels == 1) >= np.sum(labels == 4)


def test_statements_that_separate_the_clusters_come_first():
    panel = demo_study()
    clustering = cluster_respondents(responses_from_frame(panel.responses, 5), 1)
    found = [t.statement for t in clustering.discriminating]
    # Profiles differ most on RE05 (4.3 v 1.8) and RE04 (2.1 v 4.5); barely on RE02.
    assert {"RE04", "RE05"} <= set(found[:6])
    assert "RE02" not in found
    assert all(t.p is not None and t.p < 0.05 for t in clustering.discriminating)
    medical = 1 if clustering.composition[1][CARERS] > clustering.composition[2][CARERS] else 2
    re05 = clustering.typical.loc["RE05"].to_dict()
    assert re05[medical] >= 4
    assert re05[3 - medical] <= 2


def test_dendrogram_is_png_or_svg_bytes():
    clustering = cluster_respondents(responses_from_frame(demo_study().responses, 5))
    png = dendrogram_chart(clustering, "png")
    assert png.startswith(b"\x89PNG")
    svg = dendrogram_chart(clustering, "svg")
    assert b"<svg" in svg
    big = cluster_respondents(responses_from_frame(demo_study().responses, 5), 1)
    assert dendrogram_chart(big, "png", max_leaves=20).startswith(b"\x89PNG")
    with pytest.raises(AnalysisError, match="PNG or SVG"):
        dendrogram_chart(clustering, "pdf")  # type: ignore[arg-type]


def test_analysis_imports_neither_django_nor_matplotlib():
    code = (
        "import sys, ourplan.analysis.delphi, ourplan.cli.delphi; "
        "print(sorted(m for m in ('django', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_cut_tree_labels_match_scipy_cut_tree():
    from scipy.cluster import hierarchy

    rng = np.random.default_rng(2)
    data = rng.integers(1, 6, size=(200, 8)).astype(float)
    linkage = hierarchy.linkage(data, "ward")
    for k in range(1, 12):
        ours = cut_tree_labels(linkage, k)
        theirs = hierarchy.cut_tree(linkage, n_clusters=[k]).ravel()
        assert len(set(ours.tolist())) == k
        assert adjusted_rand_index(ours, theirs) == 1.0
        sizes = np.bincount(ours)[1:]
        assert list(sizes) == sorted(sizes, reverse=True)


# --------------------------------------------------------------------------------------
# Ward without a distance matrix, and the two-stage method for large panels
# --------------------------------------------------------------------------------------


def test_fastcluster_ward_equals_scipy_ward_when_no_distances_tie():
    from scipy.cluster import hierarchy

    from ourplan.analysis.delphi.clustering import _ward_linkage

    data = np.random.default_rng(4).normal(size=(300, 12))
    ours = _ward_linkage(data)
    scipy_linkage = hierarchy.linkage(data, "ward")
    np.testing.assert_allclose(ours[:, 2], scipy_linkage[:, 2], rtol=1e-10)
    for k in range(2, 12):
        assert (
            adjusted_rand_index(cut_tree_labels(ours, k), cut_tree_labels(scipy_linkage, k)) == 1.0
        )


def test_weighted_ward_with_unit_weights_is_ward():
    from scipy.cluster import hierarchy

    from ourplan.analysis.delphi.two_stage import weighted_ward

    data = np.random.default_rng(5).normal(size=(120, 6))
    ours = weighted_ward(data, np.ones(120, dtype=np.int64))
    expected = hierarchy.linkage(data, "ward")
    np.testing.assert_allclose(ours[:, 2], expected[:, 2], rtol=1e-10)
    np.testing.assert_array_equal(ours[:, 3], expected[:, 3])
    for k in (2, 3, 5, 9):
        assert adjusted_rand_index(cut_tree_labels(ours, k), cut_tree_labels(expected, k)) == 1.0


def test_weighted_ward_of_groups_continues_ward_of_their_members():
    """Ward on points repeated w times first merges the copies (at height 0); what follows
    is Ward on the distinct points weighted by w."""
    from scipy.cluster import hierarchy

    from ourplan.analysis.delphi.two_stage import weighted_ward

    rng = np.random.default_rng(6)
    points = rng.normal(size=(25, 4))
    weights = rng.integers(1, 6, size=25)
    repeated = np.repeat(points, weights, axis=0)
    full = hierarchy.linkage(repeated, "ward")
    grouped = weighted_ward(points, weights)
    np.testing.assert_allclose(full[-24:, 2], grouped[:, 2], rtol=1e-9)
    np.testing.assert_array_equal(full[-24:, 3], grouped[:, 3])


@pytest.mark.parametrize("seed", range(4))
def test_two_stage_method_recovers_planted_clusters(seed):
    spec = random_spec(900, 30, n_clusters=3 + seed % 2, retention=0.8, seed=seed)
    panel = generate_panel(spec, seed)
    responses = responses_from_frame(panel.responses, 5)
    for round_number in (1, 2):
        clustering = cluster_respondents(
            responses, round_number, two_stage_above=200, centres=60, silhouette_sample=300
        )
        assert clustering.two_stage is not None
        assert clustering.silhouette_sample == 300
        assert len(clustering.two_stage.sizes) <= 60
        assert clustering.k == 3 + seed % 2
        assert planted_ari(panel, clustering) >= 0.9
        # Numbered by respondents, largest first; every respondent in exactly one cluster.
        sizes = np.bincount(clustering.labels)[1:]
        assert list(sizes) == sorted(sizes, reverse=True)
        assert sizes.sum() == len(clustering.data.respondent_ids)
        assert sum(sum(g.values()) for g in clustering.composition.values()) == sizes.sum()


def test_two_stage_method_is_deterministic_and_reported():
    spec = random_spec(600, 20, n_clusters=3, seed=9)
    responses = responses_from_frame(generate_panel(spec, 9).responses, 5)
    options = {"two_stage_above": 100, "centres": 40, "silhouette_sample": 200}
    first = cluster_respondents(responses, **options)
    again = cluster_respondents(responses, **options)
    assert first.assignments == again.assignments
    assert first.silhouette == again.silhouette
    result = analyse_study(responses)  # 600 respondents: one-stage Ward by default
    assert result["clusters"]["two_stage"] is None
    png = dendrogram_chart(first, "png")
    assert png.startswith(b"\x89PNG")
    from ourplan.analysis.delphi.report import clusters_dict

    reported = clusters_dict(first, 5)
    assert reported["method"] == "ward"
    assert reported["two_stage"] == {
        "centres": len(first.two_stage.sizes),
        "silhouette_sample": 200,
    }


def test_silhouette_of_chosen_rows_equals_the_full_widths():
    from ourplan.analysis.delphi.cluster_quality import silhouette_samples_many

    rng = np.random.default_rng(7)
    data = rng.normal(size=(400, 5))
    labels = [rng.integers(0, 3, size=400), rng.integers(0, 5, size=400)]
    rows = np.sort(rng.choice(400, size=57, replace=False))
    full = silhouette_samples_many(data, labels)
    part = silhouette_samples_many(data, labels, rows=rows)
    for whole, chosen in zip(full, part, strict=True):
        np.testing.assert_allclose(chosen, whole[rows], rtol=1e-12, atol=1e-12)
