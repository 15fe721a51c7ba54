"""Shape the engine's analysis for the results page, the report, the exports and the feedback.

All statistics come from ``ourplan.analysis.delphi``; this module only arranges them
(rows for one round, tables by group and cluster) and adds translated words.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ourplan.analysis.delphi import DelphiAnalysis, dendrogram_chart
from ourplan.studies.models import Study
from ourplan.studies.scale import agreement_label, consensus_label, scale_labels


def describe_definition(study: Study) -> str:
    """The consensus definition as one translated sentence (fixed before round 1)."""
    labels = scale_labels(study)
    agree_min = study.agree_min
    disagree_max = min(study.scale + 1 - agree_min, agree_min - 1)
    parts = [
        _(
            "Consensus on a %(scale)d-point scale: at least %(pct)s%% of ratings in "
            "%(lo)d–%(hi)d (%(lo_label)s to %(hi_label)s) for agreement, or in 1–%(dhi)d "
            "for disagreement"
        )
        % {
            "scale": study.scale,
            "pct": f"{study.threshold * 100:g}",
            "lo": agree_min,
            "hi": study.scale,
            "lo_label": labels[agree_min - 1].lower(),
            "hi_label": labels[-1].lower(),
            "dhi": disagree_max,
        }
    ]
    if study.max_iqr is not None:
        parts.append(_("an interquartile range of at most %(iqr)s") % {"iqr": f"{study.max_iqr:g}"})
    if study.all_groups:
        parts.append(_("the same in every stakeholder group"))
    if study.stability_method == "pct_change":
        parts.append(
            _(
                "stable: the share in the consensus band changed by at most %(pts)s "
                "percentage points since the previous round"
            )
            % {"pts": f"{study.stability_max_change * 100:g}"}
        )
    elif study.stability_method == "wilcoxon":
        parts.append(
            _("stable: no significant shift since the previous round (paired Wilcoxon test)")
        )
    return "; ".join(parts) + "."


@dataclass
class StatementRow:
    code: str
    topic: str
    text: str
    stats: dict[str, Any]
    consensus: str
    consensus_label: str
    criteria: dict[str, bool | None]
    stability: dict[str, Any] | None
    groups: list[dict[str, Any]]  # aligned with StudyResults.groups
    kruskal: dict[str, Any]


@dataclass
class ClusterView:
    k: int
    chosen_by: str
    silhouette: float
    silhouette_by_k: list[tuple[int, float]]
    composition: list[tuple[int, list[int], int]]  # cluster, count per group, total
    discriminating: list[dict[str, Any]]
    typical: list[dict[str, Any]]  # code, text, labels per cluster, medians, p
    dropped: list[str]
    imputed_cells: int
    n_clustered: int
    chart_uri: str
    chart_alt: str


@dataclass
class StudyResults:
    data: dict[str, Any]
    round: int
    rounds: list[int]
    groups: list[str]
    participation: list[dict[str, Any]]
    statements: list[StatementRow]
    topics: list[tuple[str, list[StatementRow]]]
    clusters: ClusterView | None
    notes: list[str] = field(default_factory=list)

    @property
    def consensus_counts(self) -> dict[str, int]:
        counts = {"agree": 0, "disagree": 0, "none": 0}
        for row in self.statements:
            counts[row.consensus] = counts.get(row.consensus, 0) + 1
        return counts


def _chart(analysis: DelphiAnalysis) -> tuple[str, str]:
    assert analysis.clustering is not None
    svg = dendrogram_chart(analysis.clustering, "svg", title=_("Ward clustering of respondents"))
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    clustering = analysis.clustering
    alt = _(
        "Dendrogram of %(n)d respondents in round %(round)d, cut into %(k)d clusters. "
        "The composition of each cluster is in the table that follows."
    ) % {
        "n": len(clustering.data.respondent_ids),
        "round": clustering.data.round,
        "k": clustering.k,
    }
    return uri, alt


def shape(study: Study, analysis: DelphiAnalysis, *, chart: bool = True) -> StudyResults:
    """Arrange one analysis for display: the chosen round's statements, tables and clusters."""
    data = analysis.to_dict()
    chosen = int(data["cluster_round"])
    groups = list(data["groups"])
    texts = {s.code: s for s in study.statements.all()}
    rows: list[StatementRow] = []
    for entry in data["statements"]:
        if entry["round"] != chosen:
            continue
        statement = texts.get(entry["id"])
        rows.append(
            StatementRow(
                code=entry["id"],
                topic=statement.topic if statement else "",
                text=statement.text if statement else "",
                stats=entry,
                consensus=entry["consensus"],
                consensus_label=consensus_label(entry["consensus"]),
                criteria=entry["criteria"],
                stability=entry["stability"],
                groups=[
                    {
                        "name": g,
                        **entry["by_group"].get(g, {"n": 0}),
                        "label_text": agreement_label(entry["by_group"].get(g, {}).get("label")),
                    }
                    for g in groups
                ],
                kruskal=entry["kruskal"],
            )
        )
    topics: dict[str, list[StatementRow]] = {}
    for row in rows:
        topics.setdefault(row.topic, []).append(row)
    cluster_view: ClusterView | None = None
    clusters = data["clusters"]
    if clusters is not None and analysis.clustering is not None:
        k = int(clusters["k"])
        composition = [
            (
                c,
                [int(clusters["composition"][str(c)].get(g, 0)) for g in groups],
                sum(clusters["composition"][str(c)].values()),
            )
            for c in range(1, k + 1)
        ]
        p_by_code = {t.statement: t.p for t in analysis.clustering.tests}
        typical = [
            {
                "code": code,
                "text": texts[code].text if code in texts else "",
                "medians": [clusters["typical"][str(c)].get(code) for c in range(1, k + 1)],
                "labels": [
                    agreement_label(clusters["typical_labels"][str(c)].get(code))
                    for c in range(1, k + 1)
                ],
                "p": p_by_code.get(code),
                "discriminating": any(d["id"] == code for d in clusters["discriminating"]),
            }
            for code in clusters["statements_used"]
        ]
        uri, alt = _chart(analysis) if chart else ("", "")
        cluster_view = ClusterView(
            k=k,
            chosen_by=clusters["k_chosen_by"],
            silhouette=clusters["silhouette"],
            silhouette_by_k=[(int(n), v) for n, v in clusters["silhouette_by_k"].items()],
            composition=composition,
            discriminating=[
                {**d, "text": texts[d["id"]].text if d["id"] in texts else ""}
                for d in clusters["discriminating"]
            ],
            typical=typical,
            dropped=list(clusters["dropped_respondents"]),
            imputed_cells=int(clusters["imputed_cells"]),
            n_clustered=int(clusters["n_clustered"]),
            chart_uri=uri,
            chart_alt=alt,
        )
    return StudyResults(
        data=data,
        round=chosen,
        rounds=[int(r["round"]) for r in data["rounds"]],
        groups=groups,
        participation=data["rounds"],
        statements=rows,
        topics=list(topics.items()),
        clusters=cluster_view,
        notes=list(data["notes"]),
    )


def feedback_table(entry: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    """The previous round's distribution for one statement: a row per rating, overall and by group."""
    groups = sorted(entry["by_group"])
    rows = []
    for value, label in enumerate(labels, start=1):
        key = str(value)
        rows.append(
            {
                "value": value,
                "label": label,
                "overall": entry["counts"].get(key, 0),
                "groups": [entry["by_group"][g]["counts"].get(key, 0) for g in groups],
                "mine": entry.get("your_rating") == value,
            }
        )
    return {
        "groups": groups,
        "group_n": [entry["by_group"][g]["n"] for g in groups],
        "group_median": [entry["by_group"][g]["median"] for g in groups],
        "rows": rows,
    }
