"""The whole Delphi analysis in one call, as plain data for JSON.

:func:`run_analysis` returns the typed pieces (:class:`DelphiAnalysis`);
:func:`analyse_study` returns the same as a dict of plain Python types whose keys are
all strings, so ``json.loads(json.dumps(result)) == result``.  Missing numbers (e.g. the
median of a statement nobody rated) are ``None``, never NaN.

Response rate: respondents in a round / respondents in the first round present (a
respondent counts in a round when they gave at least one rating there), overall and by
group; ``retained`` counts those who also answered the previous round.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from ourplan.analysis.delphi.clustering import (
    DEFAULT_K_RANGE,
    DEFAULT_MIN_ANSWERED,
    ClusteringResult,
    cluster_respondents,
)
from ourplan.analysis.delphi.consensus import (
    ConsensusDefinition,
    StabilityEvidence,
    assess_statements,
)
from ourplan.analysis.delphi.groups import GroupComparison, compare_groups, merge_groups
from ourplan.analysis.delphi.responses import DelphiResponses, Statement
from ourplan.analysis.delphi.stability import stability_evidence
from ourplan.analysis.delphi.summary import QuantileMethod, RatingSummary, summarise
from ourplan.analysis.delphi.tables import agreement_label
from ourplan.analysis.errors import AnalysisError

ClusterRequest = int | Literal["auto"] | None


@dataclass(frozen=True, eq=False)
class DelphiAnalysis:
    """Every result of one analysis run, before conversion to plain data."""

    responses: DelphiResponses  # after merging groups
    definition: ConsensusDefinition
    statements: tuple[Statement, ...] | None
    summary: RatingSummary
    assessment: pd.DataFrame
    evidence: dict[tuple[str, int], StabilityEvidence]
    comparisons: list[GroupComparison]
    clustering: ClusteringResult | None
    cluster_round: int
    merges: tuple[str, ...]
    alpha: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (see docs/delphi.md)."""
        return {
            "definition": self.definition.as_dict(),
            "quantile_method": self.summary.quantile_method,
            "alpha": self.alpha,
            "groups": list(self.responses.groups),
            "merges": list(self.merges),
            "rounds": round_participation(self.responses),
            "statements": self._statements(),
            "clusters": None
            if self.clustering is None
            else clusters_dict(self.clustering, self.responses.scale),
            "cluster_round": self.cluster_round,
            "notes": list(self.notes),
        }

    def _statements(self) -> list[dict[str, Any]]:
        scale = self.responses.scale
        texts = {s.id: s for s in self.statements or ()}
        by_group: dict[tuple[str, int], dict[str, Any]] = {}
        for row in self.summary.by_group.to_dict("records"):
            key = (str(row["statement"]), int(row["round"]))
            by_group.setdefault(key, {})[str(row["group"])] = {
                **_stats(row, scale),
                "label": agreement_label(_number(row["median"]), scale),
            }
        tests = {(c.statement, c.round): c for c in self.comparisons}
        verdicts = {
            (str(r["statement"]), int(r["round"])): r for r in self.assessment.to_dict("records")
        }
        entries: list[dict[str, Any]] = []
        for row in self.summary.overall.to_dict("records"):
            key = (str(row["statement"]), int(row["round"]))
            verdict = verdicts[key]
            statement = texts.get(key[0])
            evidence = self.evidence.get(key)
            entries.append(
                {
                    "id": key[0],
                    "round": key[1],
                    "topic": statement.topic if statement else None,
                    "text": statement.text if statement else None,
                    **_stats(row, scale),
                    "consensus": verdict["consensus"],
                    "direction": verdict["direction"],
                    "criteria": {
                        name: _flag(verdict[f"criterion_{name}"])
                        for name in ("level", "iqr", "all_groups", "stable")
                    },
                    "stability": None if evidence is None else _evidence_dict(evidence),
                    "by_group": by_group.get(key, {}),
                    "kruskal": _kruskal_dict(tests[key]),
                }
            )
        return entries


def _number(value: Any) -> float | None:
    """A float for JSON, with NaN and missing as None."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _flag(value: Any) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return bool(value)


def _stats(row: dict[Any, Any], scale: int) -> dict[str, Any]:
    return {
        "n": int(row["n"]),
        "median": _number(row["median"]),
        "q1": _number(row["q1"]),
        "q3": _number(row["q3"]),
        "iqr": _number(row["iqr"]),
        "pct_agree": _number(row["pct_agree"]),
        "pct_neutral": _number(row["pct_neutral"]),
        "pct_disagree": _number(row["pct_disagree"]),
        "counts": {str(r): int(row[f"count_{r}"]) for r in range(1, scale + 1)},
    }


def _evidence_dict(evidence: StabilityEvidence) -> dict[str, Any]:
    return {
        "change_agree": _number(evidence.change_agree),
        "change_disagree": _number(evidence.change_disagree),
        "wilcoxon_p": _number(evidence.wilcoxon_p),
        "n_pairs": evidence.n_pairs,
    }


def _kruskal_dict(test: GroupComparison) -> dict[str, Any]:
    return {
        "H": _number(test.H),
        "df": test.df,
        "p": _number(test.p),
        "p_holm": _number(test.p_holm),
        "epsilon_squared": _number(test.epsilon_squared),
        "n": test.n,
        "significant": test.significant,
        "most_agreeing": test.most_agreeing,
        "least_agreeing": test.least_agreeing,
        "mean_ranks": {g.group: _number(g.mean_rank) for g in test.groups},
        "note": test.note,
    }


def round_participation(responses: DelphiResponses) -> list[dict[str, Any]]:
    """Respondents per round and group, response rate and retention (see module notes)."""
    ids = list(responses.statement_ids)
    frame = responses.frame
    answered = frame[frame[ids].notna().any(axis=1)]
    groups = list(responses.groups)
    first: dict[str, int] = {}
    first_total = 0
    previous: set[str] = set()
    rounds: list[dict[str, Any]] = []
    for index, round_number in enumerate(responses.rounds):
        rows = answered[answered["round"] == round_number]
        counts = rows.groupby("group").size()
        n_by_group = {g: int(counts.get(g, 0)) for g in groups}
        total = len(rows)
        if index == 0:
            first, first_total = n_by_group, total
        current = set(rows["respondent_id"].astype(str))
        rounds.append(
            {
                "round": int(round_number),
                "n": total,
                "n_by_group": n_by_group,
                "response_rate": total / first_total if first_total else None,
                "response_rate_by_group": {
                    g: (n_by_group[g] / first[g] if first.get(g) else None) for g in groups
                },
                "retained_from_previous": None if index == 0 else len(current & previous),
                "new_respondents": None if index == 0 else len(current - previous),
            }
        )
        previous = current
    return rounds


def clusters_dict(result: ClusteringResult, scale: int) -> dict[str, Any]:
    """The clustering part of the JSON contract."""
    typical = result.typical
    return {
        "k": result.k,
        "method": result.method,
        "k_chosen_by": result.k_chosen_by,
        "round": result.data.round,
        "silhouette": result.silhouette,
        "silhouette_by_k": {str(k): v for k, v in result.silhouette_by_k.items()},
        "assignments": result.assignments,
        "composition": {str(c): dict(groups) for c, groups in result.composition.items()},
        "discriminating": [
            {"id": t.statement, "H": t.H, "df": t.df, "p": t.p, "p_holm": t.p_holm}
            for t in result.discriminating
        ],
        "typical": {
            str(c): {str(s): _number(m) for s, m in typical[c].items()} for c in typical.columns
        },
        "typical_labels": {
            str(c): {str(s): agreement_label(_number(m), scale) for s, m in typical[c].items()}
            for c in typical.columns
        },
        "n_clustered": len(result.data.respondent_ids),
        "statements_used": list(result.data.statement_ids),
        "dropped_respondents": list(result.data.dropped_respondents),
        "imputed_cells": result.data.imputed_cells,
        "min_answered": result.data.min_answered,
        # Large panels: k-means centres joined by Ward, silhouette from a sample.
        "two_stage": None
        if result.two_stage is None
        else {
            "centres": len(result.two_stage.sizes),
            "silhouette_sample": result.silhouette_sample,
        },
    }


def run_analysis(
    responses: DelphiResponses,
    *,
    statements: Sequence[Statement] | None = None,
    definition: ConsensusDefinition | None = None,
    merge: Sequence[str] = (),
    clusters: ClusterRequest = "auto",
    cluster_round: int | None = None,
    alpha: float = 0.05,
    quantile_method: QuantileMethod = "type6",
    min_answered: float = DEFAULT_MIN_ANSWERED,
    k_range: tuple[int, int] = DEFAULT_K_RANGE,
) -> DelphiAnalysis:
    """Summaries, consensus, group tests and clusters for a validated panel.

    ``clusters``: ``"auto"`` (k by silhouette; skipped with a note when the round has
    too few respondents), a whole number k (an error if impossible), or ``None`` to skip.
    ``cluster_round`` defaults to the last round.
    """
    definition = definition or ConsensusDefinition(scale=responses.scale)
    notes: list[str] = []
    if statements is not None:
        known = {s.id for s in statements}
        unknown = [s for s in responses.statement_ids if s not in known]
        if unknown:
            raise AnalysisError(
                "These response columns are not statement ids in the statements list: "
                + ", ".join(unknown)
                + "."
            )
        unrated = [s.id for s in statements if s.id not in set(responses.statement_ids)]
        if unrated:
            notes.append("Statements with no column in the responses: " + ", ".join(unrated))
    chosen_round = responses.rounds[-1] if cluster_round is None else int(cluster_round)
    responses.round_frame(chosen_round)  # a clear error if that round is absent
    merged = merge_groups(responses, merge)
    summary = summarise(merged, definition, quantile_method)
    evidence = stability_evidence(merged, summary)
    assessment = assess_statements(summary.overall, summary.by_group, definition, evidence)
    comparisons = compare_groups(merged, summary.by_group, alpha)
    clustering: ClusteringResult | None = None
    if clusters is not None:
        try:
            clustering = cluster_respondents(
                merged,
                chosen_round,
                clusters,
                k_range=k_range,
                min_answered=min_answered,
                alpha=alpha,
            )
        except AnalysisError as error:
            if clusters != "auto":
                raise
            notes.append(f"No clustering: {error}")
    return DelphiAnalysis(
        responses=merged,
        definition=definition,
        statements=None if statements is None else tuple(statements),
        summary=summary,
        assessment=assessment,
        evidence=evidence,
        comparisons=comparisons,
        clustering=clustering,
        cluster_round=chosen_round,
        merges=tuple(merge),
        alpha=alpha,
        notes=tuple(notes),
    )


def analyse_study(
    responses: DelphiResponses,
    *,
    statements: Sequence[Statement] | None = None,
    definition: ConsensusDefinition | None = None,
    merge: Sequence[str] = (),
    clusters: ClusterRequest = "auto",
    cluster_round: int | None = None,
    alpha: float = 0.05,
    quantile_method: QuantileMethod = "type6",
    min_answered: float = DEFAULT_MIN_ANSWERED,
    k_range: tuple[int, int] = DEFAULT_K_RANGE,
) -> dict[str, Any]:
    """Run the whole analysis and return the JSON contract as plain Python data."""
    return run_analysis(
        responses,
        statements=statements,
        definition=definition,
        merge=merge,
        clusters=clusters,
        cluster_round=cluster_round,
        alpha=alpha,
        quantile_method=quantile_method,
        min_answered=min_answered,
        k_range=k_range,
    ).to_dict()


__all__ = [
    "DelphiAnalysis",
    "analyse_study",
    "clusters_dict",
    "round_participation",
    "run_analysis",
]
