"""Every write to a recovery plan. Atomic, audited, and safe against lost updates."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ourplan.accounts.models import CLINICAL_ROLES, Role
from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.people.models import Organisation, Person, StaffMember, Supporter
from ourplan.plans.life_areas import CTP_AREAS, ENGLISH_DEFAULT_AREAS
from ourplan.plans.models import (
    PERSON_VOICES,
    AboutMe,
    AuthoredPart,
    ContactFrequency,
    CopyGiven,
    CrisisPlan,
    Goal,
    GoalStatus,
    GoalStep,
    LifeArea,
    Need,
    NeedStatus,
    NoticeKind,
    PersonalContact,
    PersonalSafetyPlan,
    PersonResponse,
    Plan,
    PlanNotice,
    PlanVersion,
    ProgressRating,
    Review,
    Risk,
    RiskKind,
    SafetyItem,
    SafetyKind,
    StaffContributionRules,
    StayingWellPlan,
    StepOwner,
    StepStatus,
    Strength,
    StrengthKind,
    Voice,
    Wording,
    worded_models,
)
from ourplan.plans.phone_numbers import clean_phone_number
from ourplan.plans.snapshot import plan_snapshot
from ourplan.plans.tasks import store_signed_version_pdfs

logger = logging.getLogger(__name__)

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


STAFF_VOICES = frozenset({Voice.STAFF, Voice.AS_SAID, Voice.TOGETHER})


def is_the_person(actor: Any, plan: Plan) -> bool:
    """The actor is the person whose plan it is, writing for themselves."""
    return getattr(actor, "role", "") == Role.SERVICE_USER and plan.person.user_id == actor.pk


def _voice_for(actor: Any, plan: Plan, voice: str | None) -> str:
    """The voice a save records: the person always writes their own words; staff say which.

    A member of staff who does not say otherwise wrote the words themselves.
    """
    if is_the_person(actor, plan):
        return Voice.OWN
    if getattr(actor, "role", "") == Role.SERVICE_USER:
        raise ValidationError(_("Only the person can write in their own plan."))
    chosen = voice or Voice.STAFF
    if chosen not in STAFF_VOICES:
        raise ValidationError({"voice": _("Say whose words these are.")})
    return chosen


def _notify(
    *, plan: Plan, kind: str, part: AuthoredPart, actor: Any
) -> PlanNotice:  # the person sees it on their plan and on the page of changes
    return PlanNotice.objects.create(
        plan=plan,
        kind=kind,
        part_type=part.AUDIT_TYPE,
        part_id=part.pk,
        by=actor,
        by_role=getattr(actor, "role", ""),
    )


def _record_wordings(
    *,
    actor: Any,
    plan: Plan,
    part: AuthoredPart,
    before: dict[str, Any],
    voice: str,
    field_voices: Mapping[str, str] | None = None,
    restored_from: Wording | None = None,
) -> list[Wording]:
    """One Wording per worded field whose text changed, and the notices the person is owed."""
    changed = [
        name
        for name in part.WORDED_FIELDS
        if name in before and (getattr(part, name) or "") != (before[name] or "")
    ]
    if not changed:
        return []
    current = {
        w.field: w
        for w in Wording.objects.select_for_update().filter(
            part_type=part.AUDIT_TYPE, part_id=part.pk, field__in=changed, is_current=True
        )
    }
    by_person = voice == Voice.OWN
    now = timezone.now()
    made = []
    replaced_persons_words = False
    for name in changed:
        previous = current.get(name)
        field_voice = (field_voices or {}).get(name, voice)
        replaced = None
        if not by_person and previous is not None:
            if previous.is_persons_words:
                replaced = previous
            elif previous.replaced_person_wording_id is not None:
                replaced = previous.replaced_person_wording
        replaced_persons_words = replaced_persons_words or replaced is not None
        if previous is not None:
            Wording.objects.filter(pk=previous.pk).update(is_current=False)
        made.append(
            Wording.objects.create(
                plan=plan,
                part_type=part.AUDIT_TYPE,
                part_id=part.pk,
                field=name,
                text=getattr(part, name) or "",
                voice=field_voice,
                written_by=actor,
                written_by_role=getattr(actor, "role", ""),
                written_at=now,
                person_present=field_voice in PERSON_VOICES,
                replaced_person_wording=replaced,
                restored_from=restored_from,
            )
        )
    if replaced_persons_words:
        _notify(plan=plan, kind=NoticeKind.WORDS_CHANGED, part=part, actor=actor)
    elif any(w.voice in PERSON_VOICES for w in made):
        _notify(plan=plan, kind=NoticeKind.WORDS_TO_CONFIRM, part=part, actor=actor)
    elif getattr(actor, "role", "") in TEAM_CONTRIBUTORS:
        # What the wider team adds is shown to the person like anything else, and they are told.
        _notify(plan=plan, kind=NoticeKind.STAFF_ADDED, part=part, actor=actor)
    return made


# Staff beyond the care coordinator and team manager, who add within the organisation's rules.
TEAM_CONTRIBUTORS = frozenset({Role.CLINICIAN, Role.PEER_SUPPORT_WORKER})


def _new_part(
    *,
    actor: Any,
    plan: Plan,
    part: PartT,
    voice: str | None,
    field_voices: Mapping[str, str] | None = None,
) -> PartT:
    """Save a new part with its first wordings and its create entry."""
    chosen = _voice_for(actor, plan, voice)
    part.full_clean()
    part.save()
    _record_wordings(
        actor=actor,
        plan=plan,
        part=part,
        before=dict.fromkeys(part.WORDED_FIELDS, ""),
        voice=chosen,
        field_voices=field_voices,
    )
    _audit(actor, AuditAction.CREATE, part, plan.person)
    return part


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
    for part in (AboutMe, StayingWellPlan, CrisisPlan, PersonalSafetyPlan):
        part.objects.create(plan=plan, created_by=actor)
    life_areas_for(person.organisation)
    _audit(actor, AuditAction.CREATE, plan, person)
    return plan


def _plan_of_part(part: AuthoredPart, person: Person) -> Plan:
    plan = part.goal.plan if isinstance(part, GoalStep) else part.plan  # type: ignore[attr-defined]
    if plan.person_id == person.pk:
        plan.person = person
    return plan  # type: ignore[no-any-return]


@transaction.atomic
def save_part(
    *,
    actor: Any,
    part: PartT,
    fields: dict[str, Any],
    revision: int,
    person: Person,
    voice: str | None = None,
    field_voices: Mapping[str, str] | None = None,
    restored_from: Wording | None = None,
) -> PartT:
    """Save changes to one part, only if nobody else saved it since ``revision``.

    The conditional UPDATE claims the next revision atomically: of two racing
    saves from the same revision, exactly one matches and the other gets an
    EditConflict carrying what was saved, so its author can merge.

    Each changed worded field records who wrote it and in what ``voice`` (the person
    always writes in their own; staff say whether the words are theirs, the person's as
    they said them, or written together). A member of staff who changes the person's
    words is named as such, and the person is told.
    """
    plan = _plan_of_part(part, person)
    chosen = _voice_for(actor, plan, voice)
    model = type(part)
    claimed = model._default_manager.filter(pk=part.pk, revision=revision).update(
        revision=revision + 1
    )
    if claimed == 0:
        raise EditConflict(model._default_manager.get(pk=part.pk))
    before = {name: getattr(part, name) for name in fields if name in part.WORDED_FIELDS}
    for name, value in fields.items():
        setattr(part, name, value)
    part.revision = revision + 1
    part.updated_by = actor
    part.updated_at = timezone.now()
    part._history_user = actor  # type: ignore[attr-defined]
    part.full_clean()
    part.save()
    _record_wordings(
        actor=actor,
        plan=plan,
        part=part,
        before=before,
        voice=chosen,
        field_voices=field_voices,
        restored_from=restored_from,
    )
    _audit(actor, AuditAction.UPDATE, part, person)
    return part


@transaction.atomic
def wording_confirm(*, actor: Any, plan: Plan, wording: Wording) -> Wording:
    """The person confirms that words staff recorded as theirs (or written together) are theirs."""
    if not is_the_person(actor, plan):
        raise ValidationError(
            _("Only %(called)s can confirm that these are their words.")
            % {"called": plan.person.called}
        )
    locked = Wording.objects.select_for_update().filter(pk=wording.pk, plan=plan).first()
    if locked is None or not locked.is_current:
        raise ValidationError(_("These words have changed since. Look at them again."))
    if not locked.awaits_confirmation:
        raise ValidationError(_("There is nothing to confirm here: these words are not waiting."))
    locked.person_confirmed_at = timezone.now()
    locked.save(update_fields=["person_confirmed_at"])
    still_waiting = Wording.objects.filter(
        part_type=locked.part_type,
        part_id=locked.part_id,
        is_current=True,
        voice__in=PERSON_VOICES,
        person_confirmed_at__isnull=True,
    ).exists()
    if not still_waiting:
        # Nothing of this part waits for the person any more: its notices are answered.
        PlanNotice.objects.filter(
            plan=plan,
            kind=NoticeKind.WORDS_TO_CONFIRM,
            part_type=locked.part_type,
            part_id=locked.part_id,
            seen_at__isnull=True,
        ).update(seen_at=timezone.now())
    part = worded_models()[locked.part_type]._default_manager.get(pk=locked.part_id)
    _audit(actor, AuditAction.UPDATE, part, plan.person)
    return locked


def restorable_wording(plan: Plan, wording: Wording) -> Wording | None:
    """The current wording that replaced this earlier wording of the person's, if any."""
    if wording.plan_id != plan.pk or not wording.is_persons_words:
        return None
    return Wording.objects.filter(
        plan=plan,
        part_type=wording.part_type,
        part_id=wording.part_id,
        field=wording.field,
        is_current=True,
        replaced_person_wording=wording,
    ).first()


@transaction.atomic
def wording_restore(*, actor: Any, plan: Plan, wording: Wording) -> AuthoredPart:
    """Put back the person's own earlier words, replacing what someone else wrote over them."""
    if not is_the_person(actor, plan):
        raise ValidationError(
            _("Only %(called)s can put their own words back.") % {"called": plan.person.called}
        )
    if wording.plan_id != plan.pk:
        raise ValidationError(_("Choose words from your own plan."))
    if restorable_wording(plan, wording) is None:
        raise ValidationError(
            _("These words are already as you wrote them, or cannot be put back.")
        )
    model = worded_models()[wording.part_type]
    part = model._default_manager.select_related("created_by", "updated_by").get(pk=wording.part_id)
    restored = save_part(
        actor=actor,
        part=part,
        fields={wording.field: wording.text},
        revision=part.revision,
        person=plan.person,
        restored_from=wording,
    )
    PlanNotice.objects.filter(
        plan=plan,
        kind=NoticeKind.WORDS_CHANGED,
        part_type=wording.part_type,
        part_id=wording.part_id,
        seen_at__isnull=True,
    ).update(seen_at=timezone.now())
    return restored


def notices_seen(*, plan: Plan, notices: list[PlanNotice]) -> None:
    """The person has seen these notices on their page of changes."""
    PlanNotice.objects.filter(
        plan=plan, pk__in=[n.pk for n in notices], seen_at__isnull=True
    ).update(seen_at=timezone.now())


@transaction.atomic
def strength_add(
    *, actor: Any, plan: Plan, kind: str, text: str, voice: str | None = None
) -> Strength:
    strength = Strength(plan=plan, kind=kind, text=text.strip(), created_by=actor)
    return _new_part(actor=actor, plan=plan, part=strength, voice=voice)


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
    voice: str | None = None,
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
        voice=voice,
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
    voice: str | None = None,
    strengths: list[Strength] | None = None,
) -> Goal:
    if not text.strip():
        raise ValidationError({"text": _("Write the goal.")})
    _check_life_area(plan, life_area)
    goal = Goal(plan=plan, text=text.strip(), life_area=life_area, created_by=actor)
    goal = _new_part(actor=actor, plan=plan, part=goal, voice=voice)
    if strengths:
        goal.strengths.set([s for s in strengths if s.plan_id == plan.pk])
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
    owner_user: Any = None,
    voice: str | None = None,
) -> GoalStep:
    step = GoalStep(
        goal=goal,
        **_step_fields(
            goal,
            text=text,
            owner=owner,
            supporter=supporter,
            service=service,
            owner_user=owner_user,
        ),
        due_on=due_on,
        created_by=actor,
    )
    return _new_part(actor=actor, plan=goal.plan, part=step, voice=voice)


def _step_fields(
    goal: Goal,
    *,
    text: str,
    owner: str,
    supporter: Supporter | None,
    service: str,
    owner_user: Any = None,
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
    if owner == StepOwner.TEAM_MEMBER and not _in_care_team(owner_user, goal.plan.person):
        raise ValidationError({"owner": _("Choose someone in the person's care team.")})
    return {
        "text": text.strip(),
        "owner": owner,
        "supporter": supporter if owner == StepOwner.SUPPORTER else None,
        "service": service.strip() if owner == StepOwner.SERVICE else "",
        "owner_user": owner_user if owner == StepOwner.TEAM_MEMBER else None,
    }


def _in_care_team(user: Any, person: Person) -> bool:
    if user is None or getattr(user, "role", "") not in CLINICAL_ROLES:
        return False
    if person.team_id is None:
        return False
    return StaffMember.objects.filter(user=user, team_id=person.team_id).exists()


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
    voice: str | None = None,
) -> GoalStep:
    """Reword a step, or change who does it and by when, only if nobody else changed it since ``revision``."""
    fields = _step_fields(
        step.goal,
        text=text,
        owner=owner,
        supporter=supporter,
        service=service,
        owner_user=step.owner_user,
    )
    return save_part(
        actor=actor,
        part=step,
        fields=fields | {"due_on": due_on},
        revision=revision,
        person=step.goal.plan.person,
        voice=voice,
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


def _check_views_by_their_owners(
    actor: Any, plan: Plan, fields: dict[str, Any], current: Any = None
) -> dict[str, str]:
    """Only staff write the professional view; the person's view is theirs.

    Returns the voice each view is recorded in: staff writing the person's view record it
    as the person said it, and the professional view is always the writer's own.
    """
    if is_the_person(actor, plan):
        before = getattr(current, "professional_view", "") if current is not None else ""
        if "professional_view" in fields and (fields["professional_view"] or "") != (before or ""):
            raise ValidationError(
                {
                    "professional_view": _(
                        "Only staff write the professional view. Write your own view instead."
                    )
                }
            )
        return {}
    return {
        "person_view": Voice.AS_SAID,
        "person_view_not_obtained": Voice.STAFF,
        "professional_view": Voice.STAFF,
    }


@transaction.atomic
def safety_item_add(
    *, actor: Any, plan: Plan, voice: str | None = None, **fields: Any
) -> SafetyItem:
    _check_person_view(fields)
    field_voices = _check_views_by_their_owners(actor, plan, fields)
    item = SafetyItem(plan=plan, created_by=actor, **fields)
    return _new_part(actor=actor, plan=plan, part=item, voice=voice, field_voices=field_voices)


@transaction.atomic
def safety_item_update(
    *,
    actor: Any,
    item: SafetyItem,
    fields: dict[str, Any],
    revision: int,
    voice: str | None = None,
) -> SafetyItem:
    merged = {
        "person_view": item.person_view,
        "person_view_not_obtained": item.person_view_not_obtained,
        **fields,
    }
    _check_person_view(merged)
    field_voices = _check_views_by_their_owners(actor, item.plan, fields, item)
    return save_part(
        actor=actor,
        part=item,
        fields=fields,
        revision=revision,
        person=item.plan.person,
        voice=voice,
        field_voices=field_voices,
    )


def _check_shared_responsibility(fields: dict[str, Any]) -> None:
    if (
        fields.get("kind") == RiskKind.POSITIVE
        and not (fields.get("shared_responsibility") or "").strip()
    ):
        raise ValidationError(
            {
                "shared_responsibility": _(
                    "Say who shares the responsibility for this positive risk, and for what."
                )
            }
        )


@transaction.atomic
def risk_add(*, actor: Any, plan: Plan, voice: str | None = None, **fields: Any) -> Risk:
    """A risk or positive risk-taking decision in the assessment, with the person's own view."""
    _check_person_view(fields)
    _check_shared_responsibility(fields)
    field_voices = _check_views_by_their_owners(actor, plan, fields)
    risk = Risk(plan=plan, created_by=actor, **fields)
    return _new_part(actor=actor, plan=plan, part=risk, voice=voice, field_voices=field_voices)


@transaction.atomic
def risk_update(
    *, actor: Any, risk: Risk, fields: dict[str, Any], revision: int, voice: str | None = None
) -> Risk:
    merged = {
        "kind": risk.kind,
        "person_view": risk.person_view,
        "person_view_not_obtained": risk.person_view_not_obtained,
        "shared_responsibility": risk.shared_responsibility,
        **fields,
    }
    _check_person_view(merged)
    _check_shared_responsibility(merged)
    field_voices = _check_views_by_their_owners(actor, risk.plan, fields, risk)
    return save_part(
        actor=actor,
        part=risk,
        fields=fields,
        revision=revision,
        person=risk.plan.person,
        voice=voice,
        field_voices=field_voices,
    )


@transaction.atomic
def risk_to_safety_plan(*, actor: Any, risk: Risk) -> SafetyItem:
    """The assessment feeds the safety plan: a risk becomes a concern, a positive risk an opportunity.

    The views are carried over as they were recorded, with who wrote them.
    """
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    if SafetyItem.objects.filter(from_risk=locked).exists():
        raise ValidationError(_("This is already in the safety plan."))
    plan = risk.plan
    item = SafetyItem(
        plan=plan,
        kind=SafetyKind.OPPORTUNITY if locked.kind == RiskKind.POSITIVE else SafetyKind.CONCERN,
        description=locked.description,
        person_view=locked.person_view,
        person_view_not_obtained=locked.person_view_not_obtained,
        professional_view=locked.professional_view,
        responsibilities=locked.shared_responsibility,
        review_on=locked.review_on,
        from_risk=locked,
        created_by=actor,
    )
    item.full_clean()
    item.save()
    # Each view keeps the words and voice of whoever wrote it in the assessment.
    for wording in Wording.objects.filter(
        part_type=Risk.AUDIT_TYPE, part_id=locked.pk, is_current=True
    ):
        target = "responsibilities" if wording.field == "shared_responsibility" else wording.field
        Wording.objects.create(
            plan=plan,
            part_type=SafetyItem.AUDIT_TYPE,
            part_id=item.pk,
            field=target,
            text=wording.text,
            voice=wording.voice,
            written_by=wording.written_by,
            written_by_role=wording.written_by_role,
            written_at=wording.written_at,
            person_present=wording.person_present,
            person_confirmed_at=wording.person_confirmed_at,
        )
    _audit(actor, AuditAction.CREATE, item, plan.person)
    return item


@transaction.atomic
def need_add(*, actor: Any, plan: Plan, voice: str | None = None, **fields: Any) -> Need:
    """A need in one life area of the needs assessment."""
    if not (fields.get("description") or "").strip():
        raise ValidationError({"description": _("Write what the need is.")})
    life_area = fields.get("life_area")
    if life_area is not None:
        _check_life_area(plan, life_area)
    if fields.get("status", NeedStatus.NOT_MET) not in NeedStatus.values:
        raise ValidationError({"status": _("Choose whether the need is met.")})
    field_voices = {} if is_the_person(actor, plan) else {"person_view": Voice.AS_SAID}
    need = Need(plan=plan, created_by=actor, **fields)
    return _new_part(actor=actor, plan=plan, part=need, voice=voice, field_voices=field_voices)


@transaction.atomic
def need_update(
    *, actor: Any, need: Need, fields: dict[str, Any], revision: int, voice: str | None = None
) -> Need:
    if "life_area" in fields:
        _check_life_area(need.plan, fields["life_area"])
    field_voices = {} if is_the_person(actor, need.plan) else {"person_view": Voice.AS_SAID}
    return save_part(
        actor=actor,
        part=need,
        fields=fields,
        revision=revision,
        person=need.plan.person,
        voice=voice,
        field_voices=field_voices,
    )


@transaction.atomic
def contact_add(
    *, actor: Any, plan: Plan, name: str, phone: str, relationship: str = ""
) -> PersonalContact:
    """Someone the person wants to be able to ring, with a number that is a phone number."""
    if not name.strip():
        raise ValidationError({"name": _("Write their name.")})
    contact = PersonalContact(
        plan=plan,
        name=name.strip(),
        relationship=relationship.strip(),
        phone=clean_phone_number(phone),
        created_by=actor,
    )
    return _new_part(actor=actor, plan=plan, part=contact, voice=None)


@transaction.atomic
def contact_update(
    *,
    actor: Any,
    contact: PersonalContact,
    revision: int,
    name: str,
    phone: str,
    relationship: str = "",
    remove: bool = False,
) -> PersonalContact:
    if not name.strip():
        raise ValidationError({"name": _("Write their name.")})
    return save_part(
        actor=actor,
        part=contact,
        fields={
            "name": name.strip(),
            "relationship": relationship.strip(),
            "phone": clean_phone_number(phone),
            "archived_at": (contact.archived_at or timezone.now()) if remove else None,
        },
        revision=revision,
        person=contact.plan.person,
    )


@transaction.atomic
def contribution_rules_set(
    *, actor: Any, organisation: Organisation, rules: dict[str, bool]
) -> StaffContributionRules:
    """An administrator decides what clinicians and peer support workers may add."""
    unknown = set(rules) - set(StaffContributionRules.RULE_FIELDS)
    if unknown:
        raise ValidationError(_("Choose rules from the list."))
    record, _created = StaffContributionRules.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    for name, value in rules.items():
        setattr(record, name, bool(value))
    record.updated_by = actor
    record.updated_at = timezone.now()
    record._history_user = actor  # type: ignore[attr-defined]
    record.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="plan_contribution_rules",
        object_id=organisation.pk,
    )
    return record


def _check_next_review(held_on: date, next_review_on: date) -> None:
    if next_review_on <= timezone.localdate() or next_review_on <= held_on:
        raise ValidationError({"next_review_on": _("The next review must be after today.")})


@transaction.atomic
def version_create(*, actor: Any, plan: Plan, review: Review | None = None) -> PlanVersion:
    """Freeze the plan as it is now as the next version, with the review it came from."""
    # Lock the plan row so two versions cannot take the same number.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    number = (plan.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        snapshot=plan_snapshot(plan, review=review),
        review=review,
        created_by=actor,
    )
    _audit(actor, AuditAction.CREATE, version, plan.person)
    return version


def _store_pdfs_once_committed(version: PlanVersion) -> None:
    """Queue the signed version's PDFs (plans.tasks) for after the commit.

    After it, so neither queueing nor laying out a PDF can undo the signature or the record
    just saved; a PDF not made then is made on its first request.
    """
    if not version.is_signed:
        return
    version_id = version.pk

    def queue() -> None:
        try:
            store_signed_version_pdfs.enqueue(version_id)
        except Exception:
            logger.exception("Could not queue the PDFs of plan version %s", version_id)

    transaction.on_commit(queue)


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
        locked.person_response = PersonResponse.AGREE
        locked.person_responded_at = locked.person_signed_at
        locked.save(
            update_fields=[
                "person_signed_at",
                "person_signed_how",
                "not_signed_reason",
                "person_response",
                "person_responded_at",
            ]
        )
    else:
        if locked.coordinator_signed_at is not None:
            raise ValidationError(_("A care coordinator has already signed this version."))
        locked.coordinator_signed_at = timezone.now()
        locked.coordinator_signed_by = actor
        locked.save(update_fields=["coordinator_signed_at", "coordinator_signed_by"])
    _audit(actor, AuditAction.UPDATE, locked, locked.plan.person)
    _store_pdfs_once_committed(locked)
    return locked


@transaction.atomic
def version_respond(
    *, actor: Any, version: PlanVersion, response: str, comment: str = ""
) -> PlanVersion:
    """The person answers a version themselves: they agree and sign it, or they do not agree.

    Either way they may comment in their own words; the comment is kept with the version
    and shown wherever the version is.
    """
    plan = version.plan
    if not is_the_person(actor, plan):
        raise ValidationError(
            _("Only %(called)s can say whether they agree.") % {"called": plan.person.called}
        )
    if response not in PersonResponse.values:
        raise ValidationError({"response": _("Say whether you agree with this version.")})
    locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.waits_for_person:
        raise ValidationError(_("You have already answered for this version."))
    now = timezone.now()
    locked.person_response = response
    locked.person_comment = comment.strip()
    locked.person_responded_at = now
    fields = ["person_response", "person_comment", "person_responded_at"]
    if response == PersonResponse.AGREE:
        locked.person_signed_at = now
        locked.person_signed_how = "online"
        locked.not_signed_reason = ""
        fields += ["person_signed_at", "person_signed_how", "not_signed_reason"]
    locked.save(update_fields=fields)
    _audit(actor, AuditAction.UPDATE, locked, plan.person)
    _store_pdfs_once_committed(locked)
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
    _store_pdfs_once_committed(locked)
    return locked


@transaction.atomic
def version_copy_given(*, actor: Any, version: PlanVersion, how: str) -> PlanVersion:
    if how not in CopyGiven.values:
        raise ValidationError({"copy_given": _("Choose how the copy was given.")})
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    version.copy_given = how
    version.copy_given_at = timezone.now()
    version.save(update_fields=["copy_given", "copy_given_at"])
    _audit(actor, AuditAction.UPDATE, version, version.plan.person)
    _store_pdfs_once_committed(version)
    return version


@transaction.atomic
def review_record(
    *,
    actor: Any,
    plan: Plan,
    held_on: date,
    next_review_on: date,
    what_changed: str = "",
    notes: str = "",
    person_view: str = "",
    carer_view: str = "",
    contact_frequency: str = "",
    person_attended: bool = False,
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
    if contact_frequency and contact_frequency not in ContactFrequency.values:
        raise ValidationError({"contact_frequency": _("Choose how often you agreed to meet.")})
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
        notes=notes.strip(),
        person_view=person_view.strip(),
        carer_view=carer_view.strip(),
        contact_frequency=contact_frequency,
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
