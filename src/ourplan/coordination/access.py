"""Who may see and do what in care coordination. Deny by default, one condition per line.

The ``can_*`` rules are pure policy built on people's rules (a person's team decides who
sees them; a team manager may see the whole organisation where its policy says so). The
``access_*`` functions are what views call: fetch with ``core.refusal.fetch_or_refuse``,
apply a rule, and either return the record after writing its one ``read`` entry, or raise
``Refused`` (logged once by the 403 handler). Missing and forbidden look the same.
"""

from __future__ import annotations

from typing import Any

from ourplan.accounts.models import CLINICAL_ROLES, Role
from ourplan.coordination.models import Contact, Handover, Notification
from ourplan.core import audit
from ourplan.core.refusal import Refused, fetch_or_refuse
from ourplan.people import access as people_access
from ourplan.people.models import Organisation, Person, StaffMember

# Object types of the read entries written here (words in audit_words.py).
CONTACTS = "contacts"
CONTACT = "contact"
TIMELINE = "timeline"
PREFERENCES = "coordinator_preferences"
HANDOVER = "handover"

_COORDINATING = {Role.CARE_COORDINATOR, Role.TEAM_MANAGER}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view_worklist(user: Any) -> bool:
    """Care coordinators and team managers with a team have a worklist."""
    if getattr(user, "role", None) not in _COORDINATING:
        return False
    return people_access.can_view_caseload(user)


def can_view_dashboard(user: Any) -> bool:
    """Team managers see their team's (or, by policy, their organisation's) dashboard."""
    return people_access.can_view_team_overview(user)


def can_view_contacts(user: Any, person: Person) -> bool:
    """The person themselves, and clinical staff who may see the person."""
    return people_access.can_view_person(user, person)


def can_record_contact(user: Any, person: Person) -> bool:
    """Clinical staff on the person's team record their contacts with them."""
    if getattr(user, "role", None) not in CLINICAL_ROLES:
        return False
    return people_access.can_view_person(user, person)


def can_correct_contact(user: Any, contact: Contact) -> bool:
    """Whoever recorded or had the contact, or a manager or coordinator of the team."""
    if not can_record_contact(user, contact.person):
        return False
    if getattr(user, "role", None) in _COORDINATING:
        return True
    if contact.recorded_by_id == user.pk:
        return True
    return contact.staff.user_id == user.pk


def can_view_timeline(user: Any, person: Person) -> bool:
    return people_access.can_view_person(user, person)


def can_allocate(user: Any, person: Person) -> bool:
    """Care coordinators and team managers of the person's team name the care coordinator."""
    return people_access.can_change_coordinator(user, person)


def can_edit_preferences(user: Any, person: Person) -> bool:
    """The person records what they would like in a coordinator; so may their team's editors."""
    if getattr(user, "role", None) == Role.SERVICE_USER:
        return people_access.can_edit_own_details(user, person)
    return people_access.can_edit_person(user, person)


def can_read_handover(user: Any, handover: Handover) -> bool:
    """The coordinator it was written to, the one who wrote it, and the team's editors."""
    if not _active(user):
        return False
    if getattr(user, "role", None) not in CLINICAL_ROLES:
        return False
    if not people_access.can_view_person(user, handover.person):
        return False
    if handover.to_staff.user_id == user.pk:
        return True
    if handover.from_staff.user_id == user.pk:
        return True
    return people_access.can_change_coordinator(user, handover.person)


def can_use_inbox(user: Any) -> bool:
    """Everyone with an account has an inbox."""
    return _active(user)


def can_edit_coordinator_profile(user: Any, staff: StaffMember) -> bool:
    """A care coordinator keeps their own profile; their team manager may too."""
    if not _active(user):
        return False
    if staff.user_id == user.pk:
        return getattr(user, "role", None) == Role.CARE_COORDINATOR
    if getattr(user, "role", None) != Role.TEAM_MANAGER:
        return False
    me = people_access.staff_member_of(user)
    if me is None or me.organisation_id != staff.organisation_id:
        return False
    if me.team_id is not None and me.team_id == staff.team_id:
        return True
    return people_access.organisation_wide_manager_of(user) == staff.organisation_id


def can_edit_settings(user: Any) -> bool:
    """Administrators set their organisation's thresholds."""
    return people_access.can_view_organisation_settings(user)


# --- What views call ----------------------------------------------------------------------------


def access_contacts(user: Any, person_id: object, *, audit_read: bool = True) -> Person:
    """The person whose contacts and appointments this user may see (read as ``contacts``)."""
    return people_access.access_person_record(
        user, person_id, object_type=CONTACTS, rule=can_view_contacts, audit_read=audit_read
    )


def access_person_to_contact(user: Any, person_id: object, *, audit_read: bool = True) -> Person:
    """The person this member of staff records a contact or plans an appointment with.

    The form shows the person's goals and steps to link, so a GET is a read of ``contacts``.
    """
    return people_access.access_person_record(
        user, person_id, object_type=CONTACTS, rule=can_record_contact, audit_read=audit_read
    )


def access_contact(
    user: Any, person_id: object, contact_id: object, *, audit_read: bool = True
) -> Contact:
    """One contact of this person, to see and correct (read under its own id)."""
    contact = fetch_or_refuse(
        Contact.objects.select_related(
            "person__organisation", "person__team", "staff__user", "recorded_by"
        ),
        CONTACT,
        contact_id,
        lambda found: str(found.person_id) == str(person_id) and can_correct_contact(user, found),
    )
    if audit_read:
        audit.record_read(user, object_type=CONTACT, object_id=contact.pk, person=contact.person)
    return contact


def access_timeline(user: Any, person_id: object) -> Person:
    return people_access.access_person_record(
        user, person_id, object_type=TIMELINE, rule=can_view_timeline
    )


def access_allocation(user: Any, person_id: object, *, audit_read: bool = True) -> Person:
    """The person whose care coordinator this user may name (read as their ``care_team``)."""
    return people_access.access_care_team(user, person_id, audit_read=audit_read)


def access_preferences(user: Any, person_id: object, *, audit_read: bool = True) -> Person:
    return people_access.access_person_record(
        user, person_id, object_type=PREFERENCES, rule=can_edit_preferences, audit_read=audit_read
    )


def access_handover(
    user: Any, person_id: object, handover_id: object, *, audit_read: bool = True
) -> Handover:
    handover = fetch_or_refuse(
        Handover.objects.select_related(
            "person__organisation",
            "person__team",
            "from_staff__user",
            "to_staff__user",
            "written_by",
        ),
        HANDOVER,
        handover_id,
        lambda found: str(found.person_id) == str(person_id) and can_read_handover(user, found),
    )
    if audit_read:
        audit.record_read(user, object_type=HANDOVER, object_id=handover.pk, person=handover.person)
    return handover


def access_notification(user: Any, notification_id: object) -> Notification:
    """One of this user's own notifications. Another's is refused like a missing one."""
    return fetch_or_refuse(
        Notification.objects.all(),
        "notification",
        notification_id,
        lambda found: can_use_inbox(user) and found.recipient_id == user.pk,
    )


def access_coordinator_profile(user: Any, staff_id: object) -> StaffMember:
    """A member of staff whose coordinator profile this user may keep. Shows no person's record."""
    return fetch_or_refuse(
        StaffMember.objects.select_related("user", "team", "organisation"),
        "coordinator_profile",
        staff_id,
        lambda found: can_edit_coordinator_profile(user, found),
    )


def access_organisation_settings(user: Any) -> Organisation:
    """The organisation whose coordination settings this administrator keeps."""
    staff = people_access.staff_member_of(user) if can_edit_settings(user) else None
    if staff is None:
        raise Refused("page", "coordination:settings")
    return staff.organisation


def staff_member_of(user: Any) -> StaffMember | None:
    return people_access.staff_member_of(user)


def visible_people(user: Any) -> Any:
    return people_access.visible_people(user)


def teams_visible_to(user: Any) -> list[Any]:
    """The teams whose people this user's worklist and dashboard may show."""
    from ourplan.people.models import Team

    me = people_access.staff_member_of(user)
    if me is None or me.team_id is None:
        return []
    organisation_id = people_access.organisation_wide_manager_of(user)
    if organisation_id is not None:
        return list(Team.objects.filter(organisation_id=organisation_id).order_by("name"))
    return [me.team]
