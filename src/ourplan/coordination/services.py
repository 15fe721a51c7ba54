"""Every write in care coordination: keyword-only, atomic, checked and audited.

A rejected write raises ``ValidationError`` with a message for the field at fault and
writes nothing (the transaction rolls back).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ourplan.accounts.models import Role
from ourplan.coordination import allocation as fit
from ourplan.coordination import notifications
from ourplan.coordination.models import (
    MAX_CONTACT_MINUTES,
    Allocation,
    AllocationPreferences,
    Contact,
    ContactOutcome,
    CoordinationSettings,
    CoordinatorProfile,
    Handover,
    Notification,
    NotificationSettings,
    PreferenceMet,
)
from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.people import services as people_services
from ourplan.people.models import CareTeamMembership, Country, Person, StaffMember, Supporter
from ourplan.plans.models import Goal, GoalStep

# A clock a few minutes fast on a phone must not make "just now" look like the future.
CLOCK_SLACK = timedelta(minutes=5)


def _check_duration(minutes: Any, outcome: str) -> int:
    if minutes is None or minutes == "":
        raise ValidationError({"duration_minutes": _("Say how long it took, in minutes.")})
    minutes = int(minutes)
    if minutes < 0:
        raise ValidationError({"duration_minutes": _("The time cannot be less than 0 minutes.")})
    if minutes > MAX_CONTACT_MINUTES:
        raise ValidationError(
            {
                "duration_minutes": _(
                    "A contact cannot be longer than 12 hours (720 minutes). Check the number."
                )
            }
        )
    if minutes == 0 and outcome == ContactOutcome.HAPPENED:
        raise ValidationError(
            {"duration_minutes": _("A contact that happened took at least 1 minute.")}
        )
    return minutes


def _check_when(starts_at: datetime, outcome: str, now: datetime) -> None:
    if outcome == ContactOutcome.PLANNED:
        if starts_at < now - CLOCK_SLACK:
            raise ValidationError(
                {
                    "starts_at": _(
                        "A planned appointment must be in the future. Record what happened instead."
                    )
                }
            )
        return
    if starts_at > now + CLOCK_SLACK:
        raise ValidationError(
            {
                "starts_at": _(
                    "This is in the future, so it cannot have happened yet. Plan it as an "
                    "appointment instead, or check the date and time."
                )
            }
        )


def _check_links(
    person: Person,
    supporters: Iterable[Supporter],
    goals: Iterable[Goal],
    steps: Iterable[GoalStep],
) -> tuple[list[Supporter], list[Goal], list[GoalStep]]:
    """Only the person's own current supporters, goals and steps may be linked."""
    supporters, goals, steps = list(supporters), list(goals), list(steps)
    if any(s.person_id != person.pk or s.ended_at is not None for s in supporters):
        raise ValidationError({"supporters": _("Choose only people who support this person.")})
    plan_ids = {g.plan_id for g in goals} | {s.goal.plan_id for s in steps}
    if plan_ids and set(
        Goal.objects.filter(plan_id__in=plan_ids).values_list("plan__person_id", flat=True)
    ) != {person.pk}:
        raise ValidationError({"goals": _("Choose only this person's own goals and steps.")})
    return supporters, goals, steps


def _check_staff(person: Person, staff: StaffMember) -> None:
    if staff.organisation_id != person.organisation_id:
        raise ValidationError(
            {"staff": _("Choose someone who works in the person's organisation.")}
        )


def _save_contact(
    contact: Contact,
    *,
    actor: Any,
    action: str,
    supporters: list[Supporter],
    goals: list[Goal],
    steps: list[GoalStep],
) -> Contact:
    contact._history_user = actor  # type: ignore[attr-defined]
    contact.full_clean(exclude=["person", "staff", "recorded_by"])
    contact.save()
    contact.supporters.set(supporters)
    contact.goals.set(goals)
    contact.steps.set(steps)
    audit.record(
        actor=actor,
        action=action,
        object_type=Contact.AUDIT_TYPE,
        object_id=contact.pk,
        person=contact.person,
    )
    return contact


@transaction.atomic
def contact_record(
    *,
    actor: Any,
    person: Person,
    staff: StaffMember,
    mode: str,
    outcome: str = ContactOutcome.HAPPENED,
    starts_at: datetime | None = None,
    duration_minutes: int | None = None,
    supporters: Iterable[Supporter] = (),
    others_present: str = "",
    note: str = "",
    goals: Iterable[Goal] = (),
    steps: Iterable[GoalStep] = (),
) -> Contact:
    """Record a contact that happened (or was missed or cancelled), or plan an appointment."""
    now = timezone.now()
    starts_at = starts_at or now
    if outcome not in ContactOutcome.values:
        raise ValidationError({"outcome": _("Say what happened.")})
    _check_when(starts_at, outcome, now)
    minutes = _check_duration(duration_minutes, outcome)
    _check_staff(person, staff)
    linked = _check_links(person, supporters, goals, steps)
    contact = Contact(
        person=person,
        staff=staff,
        mode=mode,
        outcome=outcome,
        starts_at=starts_at,
        duration_minutes=minutes,
        others_present=others_present.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    return _save_contact(
        contact,
        actor=actor,
        action=AuditAction.CREATE,
        supporters=linked[0],
        goals=linked[1],
        steps=linked[2],
    )


@transaction.atomic
def contact_correct(
    *,
    actor: Any,
    contact: Contact,
    mode: str,
    outcome: str,
    starts_at: datetime,
    duration_minutes: int | None,
    supporters: Iterable[Supporter] = (),
    others_present: str = "",
    note: str = "",
    goals: Iterable[Goal] = (),
    steps: Iterable[GoalStep] = (),
) -> Contact:
    """Correct a contact, or record what happened at a planned appointment. History keeps the old."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    now = timezone.now()
    _check_when(starts_at, outcome, now)
    minutes = _check_duration(duration_minutes, outcome)
    linked = _check_links(contact.person, supporters, goals, steps)
    contact.mode = mode
    contact.outcome = outcome
    contact.starts_at = starts_at
    contact.duration_minutes = minutes
    contact.others_present = others_present.strip()
    contact.note = note.strip()
    return _save_contact(
        contact,
        actor=actor,
        action=AuditAction.UPDATE,
        supporters=linked[0],
        goals=linked[1],
        steps=linked[2],
    )


@transaction.atomic
def appointment_outcome(*, actor: Any, contact: Contact, outcome: str) -> Contact:
    """Say what became of a planned appointment: it happened, was missed or cancelled."""
    contact = Contact.objects.select_for_update().select_related("person").get(pk=contact.pk)
    if contact.outcome != ContactOutcome.PLANNED:
        raise ValidationError(
            {"outcome": _("What happened at this appointment is already recorded.")}
        )
    if outcome not in {
        ContactOutcome.HAPPENED,
        ContactOutcome.DID_NOT_ATTEND,
        ContactOutcome.CANCELLED,
    }:
        raise ValidationError({"outcome": _("Say what happened.")})
    _check_when(contact.starts_at, outcome, timezone.now())
    contact.outcome = outcome
    if outcome == ContactOutcome.CANCELLED:
        contact.duration_minutes = 0
    return _save_contact(
        contact,
        actor=actor,
        action=AuditAction.UPDATE,
        supporters=list(contact.supporters.all()),
        goals=list(contact.goals.all()),
        steps=list(contact.steps.all()),
    )


# --- Settings, preferences and profiles ------------------------------------------------------


@transaction.atomic
def settings_save(*, actor: Any, organisation: Any, fields: dict[str, Any]) -> CoordinationSettings:
    unknown = set(fields) - set(CoordinationSettings.THRESHOLD_FIELDS)
    if unknown:
        raise TypeError(f"Unknown settings: {sorted(unknown)}")
    found = CoordinationSettings.objects.select_for_update().filter(organisation=organisation)
    record = found.first() or CoordinationSettings(organisation=organisation)
    for name, value in fields.items():
        setattr(record, name, value)
    record.updated_by = actor
    record.updated_at = timezone.now()
    return audit.save_recorded(
        record,
        actor=actor,
        action=AuditAction.UPDATE if record.pk else AuditAction.CREATE,
        object_type="coordination_settings",
        person=None,
    )


@transaction.atomic
def preferences_save(
    *, actor: Any, person: Person, fields: dict[str, Any]
) -> AllocationPreferences:
    """Save what the person would like in a care coordinator. The person may not set their own
    level of need: that is for the team, where caseloads are weighted by it."""
    allowed = set(AllocationPreferences.PERSON_FIELDS)
    if getattr(actor, "role", None) != Role.SERVICE_USER:
        allowed.add("need_level")
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Fields not allowed here: {sorted(unknown)}")
    for key in ("preferred_staff", "avoided_staff"):
        chosen = fields.get(key)
        if chosen is not None and chosen.organisation_id != person.organisation_id:
            raise ValidationError(
                {key: _("Choose someone who works in the person's organisation.")}
            )
    preferred, avoided = fields.get("preferred_staff"), fields.get("avoided_staff")
    if preferred is not None and avoided is not None and preferred.pk == avoided.pk:
        raise ValidationError(
            {"avoided_staff": _("The same person cannot be both wanted and not wanted.")}
        )
    found = AllocationPreferences.objects.select_for_update().filter(person=person).first()
    record = found or AllocationPreferences(person=person)
    for name, value in fields.items():
        setattr(record, name, value)
    record.updated_by = actor
    record.updated_at = timezone.now()
    return audit.save_recorded(
        record,
        actor=actor,
        action=AuditAction.UPDATE if found else AuditAction.CREATE,
        object_type=AllocationPreferences.AUDIT_TYPE,
        person=person,
    )


@transaction.atomic
def profile_save(*, actor: Any, staff: StaffMember, fields: dict[str, Any]) -> CoordinatorProfile:
    unknown = set(fields) - set(CoordinatorProfile.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {sorted(unknown)}")
    found = CoordinatorProfile.objects.select_for_update().filter(staff=staff).first()
    record = found or CoordinatorProfile(staff=staff)
    for name, value in fields.items():
        setattr(record, name, value)
    record.updated_by = actor
    record.updated_at = timezone.now()
    return audit.save_recorded(
        record,
        actor=actor,
        action=AuditAction.UPDATE if found else AuditAction.CREATE,
        object_type=CoordinatorProfile.AUDIT_TYPE,
        person=None,
    )


# --- Allocation and handover -------------------------------------------------------------------


def check_coordinator(person: Person, staff: StaffMember) -> None:
    """May ``staff`` be this person's care coordinator? ``ValidationError`` says why not."""
    if staff.organisation_id != person.organisation_id:
        raise ValidationError(
            {
                "coordinator": _(
                    "%(name)s works for another organisation. Choose a care coordinator from "
                    "%(organisation)s."
                )
                % {"name": staff.user.display_name, "organisation": person.organisation.name}
            }
        )
    if staff.user.role != Role.CARE_COORDINATOR or not staff.user.is_active:
        raise ValidationError(
            {
                "coordinator": _("%(name)s is not an active care coordinator.")
                % {"name": staff.user.display_name}
            }
        )
    if person.organisation.country == Country.WALES and not fit.may_coordinate_in_wales(
        staff.profession
    ):
        raise ValidationError(
            {"coordinator": fit.wales_refusal(str(staff.get_profession_display()))}
        )


@transaction.atomic
def allocate(
    *,
    actor: Any,
    person: Person,
    staff: StaffMember,
    on: date,
    reason: str,
    preference_met: str,
    handover_note: str = "",
    suggestions: list[dict[str, Any]] | None = None,
) -> Allocation:
    """Name ``staff`` as the person's care coordinator from ``on``, with the reason for the
    choice and whether the person's wish was met. A change from an earlier coordinator needs
    a handover note to the new one. The person is told, and so are both coordinators."""
    check_coordinator(person, staff)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this care coordinator was chosen.")})
    if preference_met not in PreferenceMet.values:
        raise ValidationError({"preference_met": _("Say whether the person's preference was met.")})
    # Lock the person's care team so two allocations at once cannot both succeed.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    previous = (
        CareTeamMembership.objects.select_for_update()
        .filter(person=person, is_coordinator=True, ended_on__isnull=True)
        .select_related("staff__user")
        .first()
    )
    if previous is not None and previous.staff_id == staff.pk:
        raise ValidationError({"coordinator": _("This is already the person's care coordinator.")})
    if previous is not None and not handover_note.strip():
        raise ValidationError(
            {
                "handover_note": _(
                    "Write a handover note for %(name)s: what they need to know to carry on."
                )
                % {"name": staff.user.display_name}
            }
        )
    membership = people_services.coordinator_change(
        actor=actor, person=person, coordinator=staff, on=on, reason=reason.strip()[:200]
    )
    record = Allocation(
        person=person,
        membership=membership,
        staff=staff,
        reason=reason.strip(),
        preference_met=preference_met,
        suggestions=suggestions or [],
        decided_by=actor,
    )
    audit.save_recorded(
        record,
        actor=actor,
        action=AuditAction.CREATE,
        object_type=Allocation.AUDIT_TYPE,
        person=person,
    )
    handover_url = ""
    if previous is not None:
        handover = Handover(
            person=person,
            allocation=record,
            from_staff=previous.staff,
            to_staff=staff,
            note=handover_note.strip(),
            written_by=actor,
        )
        audit.save_recorded(
            handover,
            actor=actor,
            action=AuditAction.CREATE,
            object_type=Handover.AUDIT_TYPE,
            person=person,
        )
        handover_url = reverse("coordination:handover", args=[person.pk, handover.pk])
    notifications.write(
        notifications.for_coordinator_change(
            person=person,
            new=staff,
            old=previous.staff if previous is not None else None,
            handover_url=handover_url,
        )
    )
    return record


@transaction.atomic
def handover_read(*, actor: Any, handover: Handover) -> Handover:
    """The new coordinator says they have read the handover. Only they can."""
    if handover.to_staff.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the new care coordinator can say they have read it."))
    if handover.read_at is not None:
        return handover
    handover.read_at = timezone.now()
    return audit.save_recorded(
        handover,
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=Handover.AUDIT_TYPE,
        person=handover.person,
        update_fields=["read_at"],
    )


# --- The inbox ------------------------------------------------------------------------------


def notifications_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them, or just these)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_settings_save(*, user: Any, email: bool) -> NotificationSettings:
    record, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    record.email = email
    record.updated_at = timezone.now()
    record.save(update_fields=["email", "updated_at"])
    return record
