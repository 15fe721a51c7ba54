"""Every write to a recovery plan. Atomic, audited, and safe against lost updates."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.people.models import Person, Supporter
from ourplan.plans.life_areas import CTP_AREAS, ENGLISH_DEFAULT_AREAS
from ourplan.plans.models import (
    AboutMe,
    AuthoredPart,
    CopyGiven,
    CrisisPlan,
    Goal,
    GoalStatus,
    GoalStep,
    LifeArea,
    Plan,
    PlanVersion,
    ProgressRating,
    Review,
    SafetyItem,
    StayingWellPlan,
    StepOwner,
    StepStatus,
    Strength,
    StrengthKind,
    WrittenBy,
)
from ourplan.plans.snapshot import plan_snapshot

PartT = TypeVar("PartT", bound=AuthoredPart)


class EditConflict(Exception):
    """Someone else saved this part after you opened it. ``current`` is what they saved."""

    def __init__(self, current: AuthoredPart) -> None:
        self.current = current
        super().__init__(f"{type(current).__name__} {current.pk} changed since it was opened")


def _audit(
    actor: Any,
    action: str,
    obj: Plan | AuthoredPart | ProgressRating | Review | PlanVersion,
    person: Person,
) -> None:
    # Written under the same type as the access functions' reads (the model's AUDIT_TYPE),
    # so a record's reads and changes are one story in the person's access log.
    audit.record(
        actor=actor, action=action, object_type=obj.AUDIT_TYPE, object_id=obj.pk, person=person
    )


def _written_by_for(actor: Any) -> str:
    return WrittenBy.PERSON if getattr(actor, "role", "") == "service_user" else WrittenBy.TOGETHER


def life_areas_for(organisation: Any) -> models.QuerySet[LifeArea]:
    """The organisation's life areas, created from the country default the first time."""
    areas = LifeArea.objects.filter(organisation=organisation)
    if not areas.exists():
        defaults = (
            [(code, label, code) for code, label in CTP_AREAS]
            if organisation.country == "wales"
            else list(ENGLISH_DEFAULT_AREAS)
        )
        try:
            with transaction.atomic():
                LifeArea.objects.bulk_create(
                    LifeArea(
                        organisation=organisation,
                        code=code,
                        label=str(label),
                        ctp_area=ctp,
                        position=i,
                    )
                    for i, (code, label, ctp) in enumerate(defaults)
                )
        except IntegrityError:
            pass  # another request created them first
    return areas


@transaction.atomic
def plan_start(*, actor: Any, person: Person) -> Plan:
    """Start a person's plan with its empty parts, ready to write together."""
    existing = Plan.objects.filter(person=person).first()
    if existing is not None:
        return existing
    plan = Plan.objects.create(person=person, started_by=actor)
    for part in (AboutMe, StayingWellPlan, CrisisPlan):
        part.objects.create(plan=plan, created_by=actor, written_by=WrittenBy.TOGETHER)
    life_areas_for(person.organisation)
    _audit(actor, AuditAction.CREATE, plan, person)
    return plan


@transaction.atomic
def save_part(
    *, actor: Any, part: PartT, fields: dict[str, Any], revision: int, person: Person
) -> PartT:
    """Save changes to one part, only if nobody else saved it since ``revision``.

    The conditional UPDATE claims the next revision atomically: of two racing
    saves from the same revision, exactly one matches and the other gets an
    EditConflict carrying what was saved, so its author can merge.
    """
    model = type(part)
    claimed = model._default_manager.filter(pk=part.pk, revision=revision).update(
        revision=revision + 1
    )
    if claimed == 0:
        raise EditConflict(model._default_manager.get(pk=part.pk))
    for name, value in fields.items():
        setattr(part, name, value)
    part.revision = revision + 1
    part.updated_by = actor
    part.updated_at = timezone.now()
    part._history_user = actor  # type: ignore[attr-defined]
    part.full_clean()
    part.save()
    _audit(actor, AuditAction.UPDATE, part, person)
    return part


@transaction.atomic
def strength_add(
    *, actor: Any, plan: Plan, kind: str, text: str, written_by: str | None = None
) -> Strength:
    strength = Strength(
        plan=plan,
        kind=kind,
        text=text.strip(),
        created_by=actor,
        written_by=written_by or _written_by_for(actor),
    )
    strength.full_clean()
    strength.save()
    _audit(actor, AuditAction.CREATE, strength, plan.person)
    return strength


@transaction.atomic
def strength_update(
    *,
    actor: Any,
    strength: Strength,
    revision: int,
    text: str,
    kind: str,
    set_aside: bool,
    goals: list[Goal],
    goals_shown: list[Goal] | None = None,
) -> Strength:
    """Reword a strength, change its kind and goals, or set it aside (kept) and bring it back.

    Only links to ``goals_shown`` (the goals the editor saw; all the plan's goals when
    None) change, so a goal linked by someone else meanwhile keeps its link.
    """
    if not text.strip():
        raise ValidationError({"text": _("Write the strength.")})
    if kind not in StrengthKind.values:
        raise ValidationError({"kind": _("Choose what kind of strength this is.")})
    plan_goals = {goal.pk: goal for goal in strength.plan.goals.all()}
    chosen = {goal.pk for goal in goals}
    shown = set(plan_goals) if goals_shown is None else {goal.pk for goal in goals_shown}
    if not chosen <= shown or not shown <= set(plan_goals):
        raise ValidationError({"goals": _("Choose goals from this plan.")})
    # Setting aside keeps the date it was first set aside; bringing back clears it.
    archived_at = (strength.archived_at or timezone.now()) if set_aside else None
    saved = save_part(
        actor=actor,
        part=strength,
        fields={"text": text.strip(), "kind": kind, "archived_at": archived_at},
        revision=revision,
        person=strength.plan.person,
    )
    linked = set(saved.goals.values_list("pk", flat=True))
    # Links are changed from the goal's side so each goal's history records them.
    for pk in sorted(shown):
        goal = plan_goals[pk]
        goal._history_user = actor  # type: ignore[attr-defined]
        if pk in chosen and pk not in linked:
            goal.strengths.add(saved)
        elif pk not in chosen and pk in linked:
            goal.strengths.remove(saved)
    return saved


def _check_life_area(plan: Plan, life_area: LifeArea) -> None:
    if life_area.organisation_id != plan.person.organisation_id:
        raise ValidationError({"life_area": _("Choose one of the life areas listed.")})


@transaction.atomic
def goal_add(
    *,
    actor: Any,
    plan: Plan,
    text: str,
    life_area: LifeArea,
    written_by: str | None = None,
    strengths: list[Strength] | None = None,
) -> Goal:
    if not text.strip():
        raise ValidationError({"text": _("Write the goal, in the person's own words.")})
    _check_life_area(plan, life_area)
    goal = Goal(
        plan=plan,
        text=text.strip(),
        life_area=life_area,
        created_by=actor,
        written_by=written_by or _written_by_for(actor),
    )
    goal.full_clean()
    goal.save()
    if strengths:
        goal.strengths.set([s for s in strengths if s.plan_id == plan.pk])
    _audit(actor, AuditAction.CREATE, goal, plan.person)
    return goal


@transaction.atomic
def goal_achieve(*, actor: Any, goal: Goal, revision: int, celebration: str = "") -> Goal:
    """Mark a goal achieved; it stays in the plan to be celebrated."""
    return save_part(
        actor=actor,
        part=goal,
        revision=revision,
        person=goal.plan.person,
        fields={
            "status": GoalStatus.ACHIEVED,
            "achieved_on": timezone.localdate(),
            "celebration": celebration.strip(),
        },
    )


@transaction.atomic
def step_add(
    *,
    actor: Any,
    goal: Goal,
    text: str,
    owner: str,
    supporter: Supporter | None = None,
    service: str = "",
    due_on: date | None = None,
) -> GoalStep:
    step = GoalStep(
        goal=goal,
        **_step_fields(goal, text=text, owner=owner, supporter=supporter, service=service),
        due_on=due_on,
        created_by=actor,
        written_by=_written_by_for(actor),
    )
    step.full_clean()
    step.save()
    _audit(actor, AuditAction.CREATE, step, goal.plan.person)
    return step


def _step_fields(
    goal: Goal, *, text: str, owner: str, supporter: Supporter | None, service: str
) -> dict[str, Any]:
    """The step's words and who does it, checked: the same rules for adding and changing."""
    if not text.strip():
        raise ValidationError({"text": _("Write what the step is.")})
    if owner not in StepOwner.values:
        raise ValidationError({"owner": _("Choose who does this step.")})
    if owner == StepOwner.SUPPORTER and (
        supporter is None or supporter.person_id != goal.plan.person_id
    ):
        raise ValidationError(
            {"supporter": _("Choose which of the person's supporters does this step.")}
        )
    if owner == StepOwner.SERVICE and not service.strip():
        raise ValidationError({"service": _("Say which service does this step.")})
    return {
        "text": text.strip(),
        "owner": owner,
        "supporter": supporter if owner == StepOwner.SUPPORTER else None,
        "service": service.strip() if owner == StepOwner.SERVICE else "",
    }


@transaction.atomic
def step_update(
    *,
    actor: Any,
    step: GoalStep,
    revision: int,
    text: str,
    owner: str,
    supporter: Supporter | None = None,
    service: str = "",
    due_on: date | None = None,
) -> GoalStep:
    """Reword a step, or change who does it and by when, only if nobody else changed it since ``revision``."""
    fields = _step_fields(step.goal, text=text, owner=owner, supporter=supporter, service=service)
    return save_part(
        actor=actor,
        part=step,
        fields=fields | {"due_on": due_on},
        revision=revision,
        person=step.goal.plan.person,
    )


@transaction.atomic
def step_set_status(*, actor: Any, step: GoalStep, status: str, revision: int) -> GoalStep:
    if status not in StepStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    return save_part(
        actor=actor,
        part=step,
        fields={"status": status},
        revision=revision,
        person=step.goal.plan.person,
    )


@transaction.atomic
def progress_rate(*, actor: Any, goal: Goal, score: int, on: date | None = None) -> ProgressRating:
    if not 0 <= int(score) <= 10:
        raise ValidationError({"score": _("Progress is a number from 0 to 10.")})
    rating = ProgressRating.objects.create(
        goal=goal, score=int(score), rated_on=on or timezone.localdate(), rated_by=actor
    )
    _audit(actor, AuditAction.CREATE, rating, goal.plan.person)
    return rating


def _check_person_view(fields: dict[str, Any]) -> None:
    if (
        not (fields.get("person_view") or "").strip()
        and not (fields.get("person_view_not_obtained") or "").strip()
    ):
        raise ValidationError(
            {"person_view": _("Write the person's own view, or say why it could not be recorded.")}
        )


@transaction.atomic
def safety_item_add(*, actor: Any, plan: Plan, **fields: Any) -> SafetyItem:
    _check_person_view(fields)
    item = SafetyItem(plan=plan, created_by=actor, written_by=WrittenBy.TOGETHER, **fields)
    item.full_clean()
    item.save()
    _audit(actor, AuditAction.CREATE, item, plan.person)
    return item


@transaction.atomic
def safety_item_update(
    *, actor: Any, item: SafetyItem, fields: dict[str, Any], revision: int
) -> SafetyItem:
    merged = {
        "person_view": item.person_view,
        "person_view_not_obtained": item.person_view_not_obtained,
        **fields,
    }
    _check_person_view(merged)
    return save_part(
        actor=actor, part=item, fields=fields, revision=revision, person=item.plan.person
    )


def _check_next_review(held_on: date, next_review_on: date) -> None:
    if next_review_on <= timezone.localdate() or next_review_on <= held_on:
        raise ValidationError({"next_review_on": _("The next review must be after today.")})


@transaction.atomic
def version_create(*, actor: Any, plan: Plan, review: Review | None = None) -> PlanVersion:
    """Freeze the plan as it is now as the next version."""
    # Lock the plan row so two versions cannot take the same number.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    number = (plan.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan, number=number, snapshot=plan_snapshot(plan), review=review, created_by=actor
    )
    _audit(actor, AuditAction.CREATE, version, plan.person)
    return version


@transaction.atomic
def version_sign(
    *, actor: Any, version: PlanVersion, as_person: bool, how: str = "online"
) -> PlanVersion:
    """Sign a version as the person or as the care coordinator. Each side signs once."""
    locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if as_person:
        if locked.person_signed_at is not None:
            raise ValidationError(_("The person has already signed this version."))
        locked.person_signed_at = timezone.now()
        locked.person_signed_how = how
        locked.not_signed_reason = ""
        locked.save(update_fields=["person_signed_at", "person_signed_how", "not_signed_reason"])
    else:
        if locked.coordinator_signed_at is not None:
            raise ValidationError(_("A care coordinator has already signed this version."))
        locked.coordinator_signed_at = timezone.now()
        locked.coordinator_signed_by = actor
        locked.save(update_fields=["coordinator_signed_at", "coordinator_signed_by"])
    _audit(actor, AuditAction.UPDATE, locked, locked.plan.person)
    return locked


@transaction.atomic
def version_not_signed(*, actor: Any, version: PlanVersion, reason: str) -> PlanVersion:
    if not reason.strip():
        raise ValidationError({"not_signed_reason": _("Say why the person has not signed.")})
    locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if locked.person_signed_at is not None:
        raise ValidationError(_("The person has already signed this version."))
    locked.not_signed_reason = reason.strip()
    locked.save(update_fields=["not_signed_reason"])
    _audit(actor, AuditAction.UPDATE, locked, locked.plan.person)
    return locked


@transaction.atomic
def version_copy_given(*, actor: Any, version: PlanVersion, how: str) -> PlanVersion:
    if how not in CopyGiven.values:
        raise ValidationError({"copy_given": _("Choose how the copy was given.")})
    version.copy_given = how
    version.copy_given_at = timezone.now()
    version.save(update_fields=["copy_given", "copy_given_at"])
    _audit(actor, AuditAction.UPDATE, version, version.plan.person)
    return version


@transaction.atomic
def review_record(
    *,
    actor: Any,
    plan: Plan,
    held_on: date,
    next_review_on: date,
    what_changed: str = "",
    person_attended: bool = True,
    supporters: list[Supporter] | None = None,
    advocate: str = "",
    professionals: str = "",
    progress: dict[Goal, int] | None = None,
    new_step: dict[str, Any] | None = None,
    coordinator_signs: bool = False,
    person_signs: bool = False,
    not_signed_reason: str = "",
    copy_given: str = "",
) -> PlanVersion:
    """The whole review in one step: progress, a new step, attendees, a new signed version, a copy given.

    Validated before anything is written, so a mistake leaves nothing half-saved.
    """
    _check_next_review(held_on, next_review_on)
    if person_signs and not person_attended:
        raise ValidationError(
            {"person_signs": _("The person can only sign in the room if they were there.")}
        )
    for goal, score in (progress or {}).items():
        if goal.plan_id != plan.pk:
            raise ValidationError(_("A goal from another plan was submitted."))
        if not 0 <= int(score) <= 10:
            raise ValidationError({"progress": _("Progress is a number from 0 to 10.")})
    chosen = [s for s in (supporters or []) if s.person_id == plan.person_id]
    if len(chosen) != len(supporters or []):
        raise ValidationError({"supporters": _("Choose supporters from the person's own list.")})
    for goal, score in (progress or {}).items():
        progress_rate(actor=actor, goal=goal, score=score, on=held_on)
    if new_step:
        step_add(actor=actor, **new_step)
    review = Review.objects.create(
        plan=plan,
        held_on=held_on,
        next_review_on=next_review_on,
        what_changed=what_changed.strip(),
        person_attended=person_attended,
        advocate_attended=advocate.strip(),
        professionals_attended=professionals.strip(),
        recorded_by=actor,
    )
    review.supporters_attended.set(chosen)
    _audit(actor, AuditAction.CREATE, review, plan.person)
    version = version_create(actor=actor, plan=plan, review=review)
    if coordinator_signs:
        version = version_sign(actor=actor, version=version, as_person=False)
    if person_signs:
        version = version_sign(
            actor=actor, version=version, as_person=True, how="in person at review"
        )
    elif not_signed_reason.strip():
        version = version_not_signed(actor=actor, version=version, reason=not_signed_reason)
    if copy_given:
        version = version_copy_given(actor=actor, version=version, how=copy_given)
    return version
