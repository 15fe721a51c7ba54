"""Reads for designing a study: the list, the statements and questions, what may still change."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ourplan.studies.models import OpenQuestion, RoundStatus, Statement, Study


def studies_for_list(studies: QuerySet[Study]) -> list[Study]:
    """The studies an organiser may see, with their rounds and groups for the list page."""
    return list(studies.prefetch_related("rounds", "panels"))


def questionnaire_size(study: Study) -> tuple[int, int]:
    """How many statements and open questions the study has."""
    return study.statements.count(), study.open_questions.count()


def statements_by_topic(study: Study) -> list[tuple[str, list[Statement]]]:
    topics: dict[str, list[Statement]] = {}
    for statement in study.statements.all():
        topics.setdefault(statement.topic, []).append(statement)
    return list(topics.items())


def open_questions(study: Study) -> list[OpenQuestion]:
    return list(study.open_questions.all())


def statement_codes(study: Study) -> list[str]:
    return list(study.statements.values_list("code", flat=True))


def round_is_open(study: Study) -> bool:
    return study.rounds.filter(status=RoundStatus.OPEN).exists()


def statement_in_study(study: Study, statement_id: int) -> Statement | None:
    """One statement of this study; None for one that is gone or belongs to another study."""
    return study.statements.filter(pk=statement_id).first()


def question_in_study(study: Study, question_id: int) -> OpenQuestion | None:
    return study.open_questions.filter(pk=question_id).first()


def statements_fixed_reason(study: Study) -> str:
    """Why the statements cannot be changed or removed now, or "" when they can.

    Wording is fixed from the first rating round on (round 1, or round 2 after open
    questions): panel members have rated it, and later rounds must ask the same thing.
    """
    rated = (
        study.rounds.filter(is_open_ended=False)
        .exclude(status=RoundStatus.PLANNED)
        .order_by("number")
        .first()
    )
    if rated is not None:
        return _(
            "Round %(n)d has opened, so the panel has seen these statements. Changing or "
            "removing one now would make the rounds incomparable, so the statements stay as "
            "they are."
        ) % {"n": rated.number}
    if round_is_open(study):
        return _("A round is open. Close it before changing the statements or questions.")
    return ""


def questions_fixed_reason(study: Study) -> str:
    """Why the open questions cannot be changed or removed now, or "" when they can."""
    if study.rounds.exclude(status=RoundStatus.PLANNED).exists():
        return _(
            "Round 1 has opened, so the panel has seen the open questions. Changing or removing "
            "one now would make the answers incomparable, so the questions stay as they are."
        )
    return ""
