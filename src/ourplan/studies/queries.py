"""Reads for Delphi studies: the ratings as the analysis engine wants them, feedback, attrition.

Only *submitted* answers count anywhere in the analysis; saved drafts stay private to the
participant until they submit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ourplan.analysis.delphi import (
    DelphiAnalysis,
    DelphiResponses,
    responses_from_frame,
    round_feedback,
    run_analysis,
)
from ourplan.analysis.delphi import Statement as EngineStatement
from ourplan.analysis.errors import AnalysisError
from ourplan.studies.models import (
    Coding,
    OpenAnswer,
    Participant,
    Rating,
    Response,
    Round,
    RoundStatus,
    Study,
)
from ourplan.studies.services import definition_of


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


def previous_round(study: Study, number: int) -> Round | None:
    """The closed rating round before ``number`` whose results are fed back, if any."""
    return (
        study.rounds.filter(number__lt=number, status=RoundStatus.CLOSED, is_open_ended=False)
        .order_by("-number")
        .first()
    )


def participant_feedback(participant: Participant, round_number: int) -> dict[str, Any] | None:
    """How the panel rated each statement in the previous rating round, with this person's rating.

    Returns None when there is no earlier closed rating round. Statements are keyed by code;
    ``comments`` holds the previous round's comments per code, without who wrote them.
    """
    study = participant.study
    earlier = previous_round(study, round_number)
    if earlier is None:
        return None
    try:
        responses = delphi_responses(study)
        answered = bool(
            (
                (responses.frame["round"] == earlier.number)
                & (responses.frame["respondent_id"] == participant.pseudonym)
            ).any()
        )
        feedback = round_feedback(
            responses,
            earlier.number,
            definition=definition_of(study),
            merge=list(study.merge_groups),
            respondent_id=participant.pseudonym if answered else None,
        )
    except AnalysisError:
        return None
    comments: dict[str, list[str]] = defaultdict(list)
    for code, text in (
        Rating.objects.filter(response__round=earlier, response__submitted_at__isnull=False)
        .exclude(comment="")
        .values_list("statement__code", "comment")
        .order_by("statement__code", "comment")
    ):
        comments[code].append(text)
    return {
        "round": earlier.number,
        "answered": answered,
        "statements": {s["id"]: s for s in feedback["statements"]},
        "comments": dict(comments),
    }


@dataclass(frozen=True)
class AttritionRow:
    group: str
    invited: int
    consented: int
    withdrawn: int
    responded: list[int]  # per round, in round order
    rates: list[float | None]  # responded / consented


def attrition(study: Study) -> tuple[list[int], list[AttritionRow]]:
    """Per group: invited, consented, withdrawn and submitted answers per round."""
    numbers = list(study.rounds.order_by("number").values_list("number", flat=True))
    submitted = Response.objects.filter(round__study=study, submitted_at__isnull=False).values_list(
        "participant__panel_id", "round__number"
    )
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for panel_id, number in submitted:
        counts[(panel_id, number)] += 1
    rows: list[AttritionRow] = []
    totals = {"invited": 0, "consented": 0, "withdrawn": 0}
    total_responded = [0] * len(numbers)
    for panel in study.panels.all():
        members = list(panel.participants.all())
        consented = sum(1 for m in members if m.consented_at)
        withdrawn = sum(1 for m in members if m.withdrawn_at)
        responded = [counts[(panel.pk, n)] for n in numbers]
        rows.append(
            AttritionRow(
                panel.name,
                len(members),
                consented,
                withdrawn,
                responded,
                [r / consented if consented else None for r in responded],
            )
        )
        totals["invited"] += len(members)
        totals["consented"] += consented
        totals["withdrawn"] += withdrawn
        total_responded = [a + b for a, b in zip(total_responded, responded, strict=True)]
    consented_total = totals["consented"]
    rows.append(
        AttritionRow(
            "",
            totals["invited"],
            consented_total,
            totals["withdrawn"],
            total_responded,
            [r / consented_total if consented_total else None for r in total_responded],
        )
    )
    return numbers, rows


@dataclass(frozen=True)
class TextUnit:
    """A piece of free text to code: an answer to an open question or a comment."""

    key: str  # "a<id>" or "c<id>"
    text: str
    pseudonym: str
    group: str
    round: int
    prompt: str  # the question or the statement it responds to
    prompt_code: str


def text_units(study: Study) -> list[TextUnit]:
    """Every submitted free-text answer and comment, in a stable order."""
    units: list[TextUnit] = []
    answers = (
        OpenAnswer.objects.filter(
            response__round__study=study, response__submitted_at__isnull=False
        )
        .select_related("question", "response__participant__panel", "response__round")
        .order_by("response__round__number", "question__position", "pk")
    )
    for answer in answers:
        participant = answer.response.participant
        units.append(
            TextUnit(
                f"a{answer.pk}",
                answer.text,
                participant.pseudonym,
                participant.panel.name,
                answer.response.round.number,
                answer.question.text,
                f"Q{answer.question.position + 1}",
            )
        )
    comments = (
        Rating.objects.filter(response__round__study=study, response__submitted_at__isnull=False)
        .exclude(comment="")
        .select_related("statement", "response__participant__panel", "response__round")
        .order_by("response__round__number", "statement__position", "pk")
    )
    for rating in comments:
        participant = rating.response.participant
        units.append(
            TextUnit(
                f"c{rating.pk}",
                rating.comment,
                participant.pseudonym,
                participant.panel.name,
                rating.response.round.number,
                rating.statement.text,
                rating.statement.code,
            )
        )
    return units


def codings_by_coder(study: Study) -> dict[int, dict[str, set[str]]]:
    """Coder id → unit key → theme codes applied."""
    found: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for coding in Coding.objects.filter(study=study).select_related("theme"):
        found[coding.coder_id][coding.unit_key].add(coding.theme.code)
    return found
