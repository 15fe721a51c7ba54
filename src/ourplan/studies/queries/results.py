"""Reads for the analysis: the submitted ratings as the engine wants them, and its results.

Only *submitted* answers count anywhere in the analysis; saved drafts stay private to the
participant until they submit.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from ourplan.analysis.delphi import (
    ConsensusDefinition,
    DelphiAnalysis,
    DelphiResponses,
    StabilityCriterion,
    responses_from_frame,
    run_analysis,
)
from ourplan.analysis.delphi import Statement as EngineStatement
from ourplan.analysis.errors import AnalysisError
from ourplan.studies.models import Rating, RoundStatus, Study
from ourplan.studies.results import StudyResults, shape


def definition_of(study: Study) -> ConsensusDefinition:
    """The study's consensus definition for the analysis engine."""
    stability = (
        StabilityCriterion(study.stability_method, study.stability_max_change)  # type: ignore[arg-type]
        if study.stability_method
        else None
    )
    return ConsensusDefinition(
        scale=study.scale,
        agree_min=study.agree_min,
        threshold=study.threshold,
        max_iqr=study.max_iqr,
        all_groups=study.all_groups,
        stability=stability,
    )


def engine_statements(study: Study) -> list[EngineStatement]:
    return [EngineStatement(s.code, s.topic, s.text) for s in study.statements.all()]


def ratings_frame(study: Study) -> pd.DataFrame:
    """Submitted ratings in the wide layout: respondent_id, group, round, one column per code."""
    codes = list(study.statements.values_list("code", flat=True))
    rows = Rating.objects.filter(
        response__round__study=study,
        response__submitted_at__isnull=False,
        response__round__is_open_ended=False,
    ).values_list(
        "response_id",
        "response__participant__pseudonym",
        "response__participant__panel__name",
        "response__round__number",
        "statement__code",
        "value",
    )
    ids: dict[int, tuple[str, str, int]] = {}
    values: dict[int, dict[str, float]] = defaultdict(dict)
    for response_id, pseudonym, group, number, code, value in rows:
        ids[response_id] = (pseudonym, group, number)
        values[response_id][code] = np.nan if value is None else float(value)
    records = [
        {"respondent_id": p, "group": g, "round": n, **values[rid]}
        for rid, (p, g, n) in ids.items()
    ]
    frame = pd.DataFrame.from_records(records, columns=["respondent_id", "group", "round", *codes])
    frame = frame.sort_values(["round", "respondent_id"], kind="mergesort").reset_index(drop=True)
    return frame


def delphi_responses(study: Study) -> DelphiResponses:
    """The study's submitted ratings, validated by the engine; AnalysisError when there are none."""
    if not study.statements.exists():
        raise AnalysisError("The study has no statements yet.")
    frame = ratings_frame(study)
    if frame.empty:
        raise AnalysisError("No round has submitted ratings yet, so there is nothing to analyse.")
    return responses_from_frame(frame, study.scale, [s.code for s in study.statements.all()])


def analyse(
    study: Study, *, cluster_round: int | None = None, k: int | str | None = None
) -> DelphiAnalysis:
    """Run the whole analysis on the submitted ratings (AnalysisError with a readable message)."""
    responses = delphi_responses(study)
    clusters: int | str = k if k is not None else (study.cluster_k or "auto")
    return run_analysis(
        responses,
        statements=engine_statements(study),
        definition=definition_of(study),
        merge=list(study.merge_groups),
        clusters=clusters,  # type: ignore[arg-type]
        cluster_round=cluster_round,
    )


def study_results(
    study: Study,
    *,
    cluster_round: int | None = None,
    k: int | str | None = None,
    chart: bool = True,
) -> tuple[StudyResults | None, str]:
    """The analysis arranged for display, or None and the reason there is nothing to show."""
    try:
        analysis = analyse(study, cluster_round=cluster_round, k=k)
    except AnalysisError as error:
        return None, str(error)
    return shape(study, analysis, chart=chart), ""


def rated_round_numbers(study: Study) -> list[int]:
    """The rating rounds with submitted answers: the rounds the results can be shown for."""
    return list(
        study.rounds.filter(responses__submitted_at__isnull=False, is_open_ended=False)
        .values_list("number", flat=True)
        .distinct()
        .order_by("number")
    )


def feedback_round_numbers(study: Study) -> list[int]:
    """Rounds after the first that have opened: in each, the panel saw the previous results."""
    return list(
        study.rounds.filter(
            number__gt=1, status__in=[RoundStatus.OPEN, RoundStatus.CLOSED]
        ).values_list("number", flat=True)
    )
