"""Writes and reads of the organisational recovery self-assessment (keyword-only, atomic,
audited, checked before anything is written). It holds no person's record."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.people.models import Organisation, StaffMember
from ourplan.quality.challenges import BY_KEY, CHALLENGE_KEYS, CHALLENGES, Progress, RaterGroup
from ourplan.quality.models import (
    ChallengeRating,
    ImprovementAction,
    ImprovementCycle,
    Priority,
    SelfAssessment,
)
from ourplan.quality.template import ITEMS

TYPE = "recovery_self_assessment"


def _record(actor: Any, action: str, object_id: object) -> None:
    audit.record(actor=actor, action=action, object_type=TYPE, object_id=object_id)


@transaction.atomic
def assessment_start(
    *, actor: Any, organisation: Organisation, title: str, held_on: date
) -> SelfAssessment:
    if not title.strip():
        raise ValidationError({"title": _("Give the assessment a title.")})
    found = SelfAssessment.objects.create(
        organisation=organisation, title=title.strip(), held_on=held_on, created_by=actor
    )
    _record(actor, AuditAction.CREATE, found.pk)
    return found


@transaction.atomic
def ratings_record(
    *,
    actor: Any,
    assessment: SelfAssessment,
    group: str,
    ratings: dict[str, int],
    notes: dict[str, str] | None = None,
) -> None:
    """One group's ratings of the ten challenges; recording again replaces them."""
    if group not in RaterGroup.values:
        raise ValidationError({"group": _("Say whose ratings these are.")})
    errors = {
        key: _("Rate this challenge from 1 to 5.")
        for key in CHALLENGE_KEYS
        if ratings.get(key) not in Progress.values
    }
    if set(ratings) - set(CHALLENGE_KEYS):
        errors["__all__"] = _("Only the ten challenges can be rated.")
    if errors:
        raise ValidationError(errors)
    notes = notes or {}
    ChallengeRating.objects.filter(assessment=assessment, group=group).delete()
    ChallengeRating.objects.bulk_create(
        ChallengeRating(
            assessment=assessment,
            challenge=key,
            group=group,
            rating=ratings[key],
            note=notes.get(key, "").strip()[:500],
        )
        for key in CHALLENGE_KEYS
    )
    _record(actor, AuditAction.UPDATE, assessment.pk)


@transaction.atomic
def priorities_set(
    *, actor: Any, assessment: SelfAssessment, challenges: list[str], why: str = ""
) -> None:
    unknown = [c for c in challenges if c not in BY_KEY]
    if unknown or not challenges:
        raise ValidationError({"challenges": _("Choose at least one of the ten challenges.")})
    Priority.objects.filter(assessment=assessment).delete()
    Priority.objects.bulk_create(
        Priority(assessment=assessment, challenge=key, why=why.strip()[:500]) for key in challenges
    )
    _record(actor, AuditAction.UPDATE, assessment.pk)


@transaction.atomic
def action_add(
    *,
    actor: Any,
    assessment: SelfAssessment,
    challenge: str,
    text: str,
    owner: StaffMember | None,
    due_on: date | None,
    audit_item: str = "",
) -> ImprovementAction:
    errors: dict[str, str] = {}
    if challenge not in BY_KEY:
        errors["challenge"] = _("Choose which challenge the action is for.")
    if not text.strip():
        errors["text"] = _("Say what the action is.")
    if owner is None:
        errors["owner"] = _("Name who owns this action: every action needs an owner.")
    elif owner.organisation_id != assessment.organisation_id:
        errors["owner"] = _("The owner must work in this organisation.")
    if due_on is None:
        errors["due_on"] = _("Say when the action is to be done by.")
    if audit_item and audit_item not in ITEMS:
        errors["audit_item"] = _("Choose an item of the care plan review template.")
    if errors:
        raise ValidationError(errors)
    assert owner is not None and due_on is not None  # checked above
    found = ImprovementAction.objects.create(
        assessment=assessment,
        challenge=challenge,
        text=text.strip(),
        owner=owner,
        due_on=due_on,
        audit_item=audit_item,
        created_by=actor,
    )
    _record(actor, AuditAction.UPDATE, assessment.pk)
    return found


@transaction.atomic
def cycle_add(
    *,
    actor: Any,
    action: ImprovementAction,
    plan: str,
    started_on: date,
    do: str = "",
    study: str = "",
    act: str = "",
) -> ImprovementCycle:
    if not plan.strip():
        raise ValidationError({"plan": _("Say what you will try and what you expect.")})
    found = ImprovementCycle.objects.create(
        action=action,
        plan=plan.strip(),
        do=do.strip(),
        study=study.strip(),
        act=act.strip(),
        started_on=started_on,
        recorded_by=actor,
    )
    _record(actor, AuditAction.UPDATE, action.assessment_id)
    return found


# ----------------------------------------------------------------------------- reads


def side_by_side(assessment: SelfAssessment) -> list[dict[str, Any]]:
    """Each challenge with each group's rating, for the table that shows them together."""
    found: dict[tuple[str, str], ChallengeRating] = {
        (r.challenge, r.group): r for r in assessment.ratings.all()
    }
    priorities = {p.challenge for p in assessment.priorities.all()}
    return [
        {
            "challenge": challenge,
            "ratings": [found.get((challenge.key, group)) for group in RaterGroup.values],
            "priority": challenge.key in priorities,
        }
        for challenge in CHALLENGES
    ]


def progress_over_time(organisation_id: int) -> list[dict[str, Any]]:
    """Every assessment of the organisation, oldest first, with each challenge's mean rating
    across the groups that rated it."""
    rows = []
    for assessment in (
        SelfAssessment.objects.filter(organisation_id=organisation_id)
        .order_by("held_on", "pk")
        .prefetch_related("ratings")
    ):
        by_challenge: dict[str, list[int]] = {}
        for rating in assessment.ratings.all():
            by_challenge.setdefault(rating.challenge, []).append(rating.rating)
        rows.append(
            {
                "assessment": assessment,
                "means": [
                    round(sum(v) / len(v), 1) if (v := by_challenge.get(key)) else None
                    for key in CHALLENGE_KEYS
                ],
            }
        )
    return rows


def assessments_of(organisation_id: int) -> list[SelfAssessment]:
    return list(SelfAssessment.objects.filter(organisation_id=organisation_id))


def actions_of(assessment: SelfAssessment) -> list[ImprovementAction]:
    return list(assessment.actions.select_related("owner__user").prefetch_related("cycles"))


def owners_for(organisation_id: int) -> Any:
    return StaffMember.objects.filter(
        organisation_id=organisation_id, user__is_active=True
    ).select_related("user")
