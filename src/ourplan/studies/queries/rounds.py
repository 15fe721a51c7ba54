"""Reads for rounds and participants: attrition, who answered, feedback, a participant's form.

Organisers see participants by pseudonym only; a participant sees their own answers and
the anonymised feedback of the previous rating round.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from ourplan.accounts.models import User
from ourplan.analysis.delphi import round_feedback
from ourplan.analysis.errors import AnalysisError
from ourplan.studies.models import (
    OpenQuestion,
    Participant,
    Rating,
    Response,
    Round,
    RoundStatus,
    Statement,
    Study,
)
from ourplan.studies.queries.results import definition_of, delphi_responses
from ourplan.studies.results import feedback_table
from ourplan.studies.scale import scale_labels


@dataclass(frozen=True)
class RoundsOverview:
    rounds: list[Round]
    next_to_open: Round | None
    open_round: Round | None


def rounds_overview(study: Study) -> RoundsOverview:
    """The study's rounds in order, the next one the organiser can open and the open one."""
    rounds = list(study.rounds.order_by("number"))
    return RoundsOverview(
        rounds,
        next((r for r in rounds if r.status == RoundStatus.PLANNED), None),
        next((r for r in rounds if r.status == RoundStatus.OPEN), None),
    )


def round_of(study: Study, number: int) -> Round | None:
    return Round.objects.filter(study=study, number=number).first()


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


def participants_answered(
    study: Study, numbers: list[int]
) -> list[tuple[Participant, list[tuple[int, bool]]]]:
    """Each participant (by pseudonym) with, per round, whether they submitted answers."""
    answered = set(
        study.rounds.filter(responses__submitted_at__isnull=False).values_list(
            "responses__participant_id", "number"
        )
    )
    return [
        (p, [(n, (p.pk, n) in answered) for n in numbers])
        for p in study.participants.select_related("panel")
    ]


def participant_rounds(participant: Participant) -> list[tuple[Round, bool, bool]]:
    """Each round of the participant's study with whether they submitted, and saved, answers."""
    submitted = set(
        participant.responses.filter(submitted_at__isnull=False).values_list(
            "round__number", flat=True
        )
    )
    saved = set(participant.responses.values_list("round__number", flat=True))
    return [
        (r, r.number in submitted, r.number in saved)
        for r in participant.study.rounds.order_by("number")
    ]


@dataclass
class Questionnaire:
    """What one participant answers in one open round, and what they see beside it."""

    statements: list[Statement]
    questions: list[OpenQuestion]
    feedback: dict[str, Any] | None
    initial: dict[str, Any]
    submitted: bool
    # Per statement code: the previous round's table, their earlier rating and the comments.
    beside: dict[str, dict[str, Any]] = field(default_factory=dict)


def questionnaire(participant: Participant, item: Round) -> Questionnaire:
    """The statements (or open questions) of an open round, with the participant's answers so far.

    A participant who has not saved anything yet starts from their own earlier rating, which
    they keep or change.
    """
    study = participant.study
    statements = [] if item.is_open_ended else list(study.statements.all())
    questions = list(study.open_questions.all()) if item.is_open_ended else []
    feedback = None if item.is_open_ended else participant_feedback(participant, item.number)
    response = participant.responses.filter(round=item).first()
    initial: dict[str, Any] = {}
    if response is not None:
        for rating in response.ratings.all():
            initial[f"rating_{rating.statement_id}"] = (
                str(rating.value) if rating.value is not None else None
            )
            initial[f"comment_{rating.statement_id}"] = rating.comment
        for answer in response.answers.all():
            initial[f"answer_{answer.question_id}"] = answer.text
    elif feedback is not None:
        for statement in statements:
            earlier = feedback["statements"].get(statement.code, {}).get("your_rating")
            if earlier is not None:
                initial[f"rating_{statement.pk}"] = str(earlier)
    labels = scale_labels(study)
    beside: dict[str, dict[str, Any]] = {}
    for statement in statements:
        entry = feedback["statements"].get(statement.code) if feedback else None
        beside[statement.code] = {
            "feedback": feedback_table(entry, labels) if entry else None,
            "entry": entry,
            "your_label": labels[entry["your_rating"] - 1]
            if entry and entry.get("your_rating")
            else "",
            "comments": feedback["comments"].get(statement.code, []) if feedback else [],
        }
    return Questionnaire(
        statements=statements,
        questions=questions,
        feedback=feedback,
        initial=initial,
        submitted=response is not None and response.submitted_at is not None,
        beside=beside,
    )


def account_to_invite(username: str, organisation_id: int) -> User | None:
    """The active account with this username that belongs to the organisation, or None.

    An account belongs to an organisation through its staff record, its service-user record,
    or a current supporter role for someone the organisation cares for. Accounts elsewhere, and
    people whose records are restricted, are treated exactly like accounts that do not exist.
    """
    return (
        User.objects.filter(username=username.strip(), is_active=True)
        .filter(
            Q(staff_member__organisation_id=organisation_id)
            | Q(person__organisation_id=organisation_id, person__restricted_at__isnull=True)
            | Q(
                supporter__person__organisation_id=organisation_id,
                supporter__ended_at__isnull=True,
            )
        )
        .distinct()
        .first()
    )
