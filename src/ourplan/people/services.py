"""Every write to people, supporters and care teams. Each is atomic and audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.people.models import (
    CareTeamMembership,
    CrisisLine,
    Organisation,
    Person,
    StaffMember,
    Supporter,
    Team,
)
from ourplan.people.nhs_number import normalise_nhs_number

PERSON_EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "gender",
    "nhs_number",
    "care_programme_from",
    "preferred_language",
    "other_language",
    "communication_needs",
    "accessibility_needs",
    "phone",
    "email",
    "address",
    "postcode",
)
# What a person may change about themselves.
PERSON_SELF_EDITABLE_FIELDS = (
    "preferred_name",
    "pronouns",
    "preferred_language",
    "other_language",
    "communication_needs",
    "accessibility_needs",
    "phone",
    "email",
    "address",
    "postcode",
)
SUPPORTER_EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "kind",
    "relationship",
    "is_identified_carer",
    "is_nearest_relative",
    "phone",
    "email",
    "preferred_contact",
    "contact_preferences",
)


def _duplicate_nhs_number_error() -> ValidationError:
    return ValidationError(
        {"nhs_number": _("Another person already has this NHS number. Search for them instead.")}
    )


def _save_person(person: Person, *, actor: Any, action: str) -> Person:
    person.nhs_number = normalise_nhs_number(person.nhs_number)
    person._history_user = actor  # type: ignore[attr-defined]
    person.full_clean()
    try:
        # The savepoint keeps an outer transaction usable if the unique index
        # catches a duplicate that another request saved in the meantime.
        with transaction.atomic():
            person.save()
    except IntegrityError as error:
        raise _duplicate_nhs_number_error() from error
    audit.record(
        actor=actor, action=action, object_type="person", object_id=person.pk, person=person
    )
    return person


@transaction.atomic
def person_create(
    *, actor: Any, team: Team, coordinator: StaffMember | None = None, **fields: Any
) -> Person:
    """Add a person to a team's caseload, optionally with a named care coordinator."""
    unknown = set(fields) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    person = Person(organisation=team.organisation, team=team, **fields)
    _save_person(person, actor=actor, action=AuditAction.CREATE)
    if coordinator is not None:
        coordinator_change(
            actor=actor, person=person, coordinator=coordinator, on=timezone.localdate()
        )
    return person


@transaction.atomic
def person_update(
    *,
    actor: Any,
    person: Person,
    fields: dict[str, Any],
    allowed: tuple[str, ...] = PERSON_EDITABLE_FIELDS,
) -> Person:
    """Change a person's details; only ``allowed`` fields may change."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Fields not allowed here: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(person, name, value)
    return _save_person(person, actor=actor, action=AuditAction.UPDATE)


@transaction.atomic
def person_restrict(*, actor: Any, person: Person, reason: str) -> Person:
    """Restrict a record instead of deleting it: it leaves every caseload but is kept."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is being restricted.")})
    person.restricted_at = timezone.now()
    person.restricted_reason = reason.strip()[:200]
    audit.save_recorded(
        person,
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="person",
        person=person,
        update_fields=["restricted_at", "restricted_reason"],
    )
    return person


def _save_supporter(
    supporter: Supporter, *, actor: Any, fields: dict[str, Any], action: str
) -> Supporter:
    """Check, save and audit a supporter with the given changes."""
    unknown = set(fields) - set(SUPPORTER_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown supporter fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(supporter, name, value)
    audit.save_recorded(
        supporter,
        actor=actor,
        action=action,
        object_type="supporter",
        person=supporter.person,
    )
    return supporter


@transaction.atomic
def supporter_create(*, actor: Any, person: Person, **fields: Any) -> Supporter:
    return _save_supporter(
        Supporter(person=person), actor=actor, fields=fields, action=AuditAction.CREATE
    )


@transaction.atomic
def coordinator_change(
    *, actor: Any, person: Person, coordinator: StaffMember, on: date, reason: str = ""
) -> CareTeamMembership:
    """Name a new care coordinator from ``on``, ending the current one's spell with ``reason``."""
    if coordinator.team_id != person.team_id:
        raise ValidationError(
            {"coordinator": _("Choose a care coordinator from the person's team.")}
        )
    # Lock the person's row so two managers re-allocating at once cannot both succeed.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    current = (
        CareTeamMembership.objects.select_for_update()
        .filter(person=person, is_coordinator=True, ended_on__isnull=True)
        .first()
    )
    if current is not None:
        if current.staff_id == coordinator.pk:
            raise ValidationError(
                {"coordinator": _("This is already the person's care coordinator.")}
            )
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the care coordinator is changing.")})
        if on < current.started_on:
            raise ValidationError(
                {"started_on": _("The change cannot be before the current coordinator started.")}
            )
        current.ended_on = on
        current.end_reason = reason.strip()
        current._history_user = actor  # type: ignore[attr-defined]
        current.save(update_fields=["ended_on", "end_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="care_team_membership",
            object_id=current.pk,
            person=person,
        )
    membership = CareTeamMembership(
        person=person, staff=coordinator, is_coordinator=True, started_on=on
    )
    membership._history_user = actor  # type: ignore[attr-defined]
    membership.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="care_team_membership",
        object_id=membership.pk,
        person=person,
    )
    return membership


@transaction.atomic
def team_transfer(*, actor: Any, people: list[Person], team: Team) -> int:
    """Move several people to another team in one go, keeping a history row for each."""
    for person in people:
        person.team = team
        person._history_user = actor  # type: ignore[attr-defined]
    bulk_update_with_history(people, Person, ["team"], default_user=actor)
    for person in people:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="person",
            object_id=person.pk,
            person=person,
        )
    return len(people)


@transaction.atomic
def organisation_policy_set(
    *, actor: Any, organisation: Organisation, managers_see_whole_organisation: bool
) -> Organisation:
    """Whether team managers see people across the whole organisation (``people.access``)."""
    if organisation.managers_see_whole_organisation == managers_see_whole_organisation:
        return organisation
    organisation.managers_see_whole_organisation = managers_see_whole_organisation
    return audit.save_recorded(
        organisation,
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="organisation",
        person=None,
        update_fields=["managers_see_whole_organisation"],
    )


# --- Administration of an organisation's teams, staff and crisis lines --------------------------

STAFF_EDITABLE_ROLES = (
    "care_coordinator",
    "clinician",
    "team_manager",
    "peer_support_worker",
    "administrator",
    "researcher",
)


@transaction.atomic
def team_save(
    *, actor: Any, organisation: Organisation, name: str, team: Team | None = None
) -> Team:
    """Add a team to the organisation, or rename one of its teams."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the team a name.")})
    clash = Team.objects.filter(organisation=organisation, name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": _("The organisation already has a team of that name.")})
    record = team or Team(organisation=organisation)
    record.name = name
    return audit.save_recorded(
        record,
        actor=actor,
        action=AuditAction.UPDATE if team else AuditAction.CREATE,
        object_type="team",
        person=None,
    )


@transaction.atomic
def staff_update(
    *, actor: Any, staff: StaffMember, role: str, team: Team | None, profession: str
) -> StaffMember:
    """Change a member of staff's role, team and profession. An administrator cannot change
    their own role (so an organisation is never left without one by mistake)."""
    if role not in STAFF_EDITABLE_ROLES:
        raise ValidationError({"role": _("Choose a staff role.")})
    if staff.user_id == actor.pk and role != staff.user.role:
        raise ValidationError(
            {"role": _("You cannot change your own role. Ask another administrator.")}
        )
    if team is not None and team.organisation_id != staff.organisation_id:
        raise ValidationError({"team": _("Choose one of the organisation's own teams.")})
    if (
        role in {"care_coordinator", "team_manager", "clinician", "peer_support_worker"}
        and team is None
    ):
        raise ValidationError({"team": _("Clinical staff work in a team: choose one.")})
    user = staff.user
    if user.role != role:
        user.role = role
        user.save(update_fields=["role"])
        audit.record(actor=actor, action=AuditAction.UPDATE, object_type="user", object_id=user.pk)
    staff.team = team
    staff.profession = profession
    return audit.save_recorded(
        staff, actor=actor, action=AuditAction.UPDATE, object_type="staff_member", person=None
    )


@transaction.atomic
def staff_deactivate(*, actor: Any, staff: StaffMember) -> StaffMember:
    """Disable a member of staff's account (all their sessions end). The record is kept."""
    from ourplan.accounts.services import user_disable

    if staff.user_id == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user_disable(actor=actor, user=staff.user)
    return staff


@transaction.atomic
def crisis_line_save(
    *,
    actor: Any,
    organisation: Organisation,
    fields: dict[str, Any],
    line: CrisisLine | None = None,
) -> CrisisLine:
    unknown = set(fields) - {"label", "phone", "hours", "position"}
    if unknown:
        raise TypeError(f"Unknown crisis line fields: {sorted(unknown)}")
    record = line or CrisisLine(organisation=organisation)
    for name, value in fields.items():
        setattr(record, name, value.strip() if isinstance(value, str) else value)
    if not record.phone:
        raise ValidationError({"phone": _("Give the number to ring.")})
    return audit.save_recorded(
        record,
        actor=actor,
        action=AuditAction.UPDATE if line else AuditAction.CREATE,
        object_type="crisis_line",
        person=None,
    )


@transaction.atomic
def crisis_line_remove(*, actor: Any, line: CrisisLine) -> None:
    """Take a number off the list shown to people and supporters (history keeps it)."""
    line_id = line.pk
    line._history_user = actor  # type: ignore[attr-defined]
    line.delete()
    audit.record(
        actor=actor, action=AuditAction.DELETE, object_type="crisis_line", object_id=line_id
    )
