"""Who may see and do what with people's records. Deny by default.

Each rule is a function that returns True only when a condition on its own
line says so; anything not listed is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from ourplan.accounts.models import CLINICAL_ROLES, Role
from ourplan.core import audit
from ourplan.core.refusal import Refused, fetch_or_refuse
from ourplan.people.models import CrisisLine, Person, StaffMember, Supporter, Team


def staff_member_of(user: Any) -> StaffMember | None:
    """The staff record of a logged-in member of staff, cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not hasattr(user, "_ourplan_staff_member"):
        user._ourplan_staff_member = (
            StaffMember.objects.select_related("team", "organisation").filter(user=user).first()
        )
    return user._ourplan_staff_member


def _clinical_staff_team_id(user: Any) -> int | None:
    if getattr(user, "role", None) not in CLINICAL_ROLES:
        return None
    staff = staff_member_of(user)
    if staff is None:
        return None
    return staff.team_id


def organisation_wide_manager_of(user: Any) -> int | None:
    """The organisation id of a team manager whose organisation lets managers see everyone in it."""
    if getattr(user, "role", None) != Role.TEAM_MANAGER:
        return None
    if _clinical_staff_team_id(user) is None:
        return None
    staff = staff_member_of(user)
    assert staff is not None  # a team id came from it
    if not staff.organisation.managers_see_whole_organisation:
        return None
    return staff.organisation_id


def can_view_caseload(user: Any) -> bool:
    """Clinical staff with a team see their team's caseload list."""
    return _clinical_staff_team_id(user) is not None


def visible_people(user: Any) -> QuerySet[Person]:
    """People whose records this user may open, before any search."""
    team_id = _clinical_staff_team_id(user)
    if team_id is None:
        return Person.objects.none()
    organisation_id = organisation_wide_manager_of(user)
    if organisation_id is not None:
        return Person.objects.filter(organisation_id=organisation_id, restricted_at__isnull=True)
    return Person.objects.filter(team_id=team_id, restricted_at__isnull=True)


def can_view_person(user: Any, person: Person) -> bool:
    """The person themselves, or clinical staff on the team holding the person."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role == Role.SERVICE_USER:
        return person.user_id == user.pk
    team_id = _clinical_staff_team_id(user)
    if team_id is None:
        return False
    if person.restricted_at is not None:
        return False
    if person.team_id == team_id:
        return True
    return organisation_wide_manager_of(user) == person.organisation_id


def can_edit_person(user: Any, person: Person) -> bool:
    """Care coordinators and managers of the person's team change their details."""
    if getattr(user, "role", None) not in {Role.CARE_COORDINATOR, Role.TEAM_MANAGER}:
        return False
    return can_view_person(user, person)


def can_edit_own_details(user: Any, person: Person) -> bool:
    """A person changes their own name, pronouns, language, needs and contact details."""
    if getattr(user, "role", None) != Role.SERVICE_USER:
        return False
    return person.user_id == user.pk and person.restricted_at is None


def can_change_coordinator(user: Any, person: Person) -> bool:
    """Allocation is the team manager's or a coordinator's job on that team."""
    return can_edit_person(user, person)


def can_invite(user: Any, person: Person) -> bool:
    """Staff who can change the record can invite the person and their supporters."""
    return can_edit_person(user, person)


def can_create_person(user: Any) -> bool:
    if getattr(user, "role", None) not in {Role.CARE_COORDINATOR, Role.TEAM_MANAGER}:
        return False
    return _clinical_staff_team_id(user) is not None


def can_view_supporter_account(user: Any, supporter: Supporter) -> bool:
    """Until the person's sharing choices exist, a supporter sees only their own account."""
    if getattr(user, "role", None) != Role.SUPPORTER:
        return False
    return supporter.user_id == user.pk and supporter.ended_at is None


def can_view_organisation_settings(user: Any) -> bool:
    """Administrators look after their organisation's teams, staff and crisis lines."""
    if getattr(user, "role", None) != Role.ADMINISTRATOR:
        return False
    return staff_member_of(user) is not None


def can_view_team_overview(user: Any) -> bool:
    """Team managers see caseloads and continuity across their team."""
    if getattr(user, "role", None) != Role.TEAM_MANAGER:
        return False
    return _clinical_staff_team_id(user) is not None


PersonRule = Callable[[Any, Person], bool]


def access_person(
    user: Any, person_id: object, *, rule: PersonRule = can_view_person, audit_read: bool = True
) -> Person:
    """The person, if ``rule`` lets this user at them; otherwise ``Refused``.

    Writes the ``read`` entry for the person page itself. Access functions for records
    that belong to a person (a plan, a goal) pass ``audit_read=False`` and write the
    entry under their own object instead, so each page leaves exactly one.
    """
    person = fetch_or_refuse(
        Person.objects.select_related("organisation", "team"),
        "person",
        person_id,
        lambda found: rule(user, found),
    )
    if audit_read:
        audit.record_read(user, object_type="person", object_id=person.pk, person=person)
    return person


def access_person_record(
    user: Any,
    person_id: object,
    *,
    object_type: str,
    rule: PersonRule = can_view_person,
    audit_read: bool = True,
) -> Person:
    """The person, for a page showing one part of their record named by ``object_type``.

    Pages such as the care team or the network show something of the person's that has
    no id of its own; its one ``read`` entry is ``object_type`` with the person's id.
    """
    person = access_person(user, person_id, rule=rule, audit_read=False)
    if audit_read:
        audit.record_read(user, object_type=object_type, object_id=person.pk, person=person)
    return person


def access_care_team(user: Any, person_id: object, *, audit_read: bool = True) -> Person:
    """The person whose care coordinator this user may change, read as their ``care_team``."""
    return access_person_record(
        user,
        person_id,
        object_type="care_team",
        rule=can_change_coordinator,
        audit_read=audit_read,
    )


def access_supporter(
    user: Any,
    person_id: object,
    supporter_id: object,
    *,
    rule: PersonRule = can_edit_person,
    audit_read: bool = True,
) -> Supporter:
    """A current supporter of this person, if ``rule`` lets this user at the person.

    Ended supporters, supporters of someone else and missing ids are all refused the
    same way, naming the supporter asked for. The read is the supporter's own.
    """
    supporter = fetch_or_refuse(
        Supporter.objects.select_related("person__organisation", "person__team").filter(
            ended_at__isnull=True
        ),
        "supporter",
        supporter_id,
        lambda found: str(found.person_id) == str(person_id) and rule(user, found.person),
    )
    if audit_read:
        audit.record_read(
            user, object_type="supporter", object_id=supporter.pk, person=supporter.person
        )
    return supporter


def access_own_person(
    user: Any, *, page: str, rule: PersonRule = can_view_person, audit_read: bool = True
) -> Person:
    """The service-user record this login belongs to, if ``rule`` allows; else ``Refused``.

    There is no id to ask for, so a refusal names the ``page``.
    """
    person = None
    if getattr(user, "is_authenticated", False):
        person = Person.objects.select_related("organisation", "team").filter(user=user).first()
    if person is None or not rule(user, person):
        raise Refused("page", page)
    if audit_read:
        audit.record_read(user, object_type="person", object_id=person.pk, person=person)
    return person


SupporterRule = Callable[[Any, Supporter], bool]


def access_own_supporter_record(
    user: Any, *, page: str, rule: SupporterRule = can_view_supporter_account
) -> Supporter:
    """The supporter record this login belongs to, if ``rule`` allows; else ``Refused``.

    Writes no ``read``: what a supporter sees of the person is read, and audited, by the
    page that shows it (consent's shared view).
    """
    supporter = None
    if getattr(user, "is_authenticated", False):
        supporter = (
            Supporter.objects.select_related("person__organisation").filter(user=user).first()
        )
    if supporter is None or not rule(user, supporter):
        raise Refused("page", page)
    return supporter


# Administration: an administrator keeps their own organisation's teams, staff and crisis lines.
# None of these is a person's record, so no read entry is written.


def _administers(user: Any, organisation_id: int) -> bool:
    if not can_view_organisation_settings(user):
        return False
    staff = staff_member_of(user)
    return staff is not None and staff.organisation_id == organisation_id


def access_administered_organisation(user: Any, *, page: str) -> Any:
    """The organisation this administrator keeps, for pages with no single record."""
    staff = staff_member_of(user) if can_view_organisation_settings(user) else None
    if staff is None:
        raise Refused("page", page)
    return staff.organisation


def access_team_to_administer(user: Any, team_id: object) -> Team:
    return fetch_or_refuse(
        Team.objects.select_related("organisation"),
        "team",
        team_id,
        lambda found: _administers(user, found.organisation_id),
    )


def access_staff_to_administer(user: Any, staff_id: object) -> StaffMember:
    return fetch_or_refuse(
        StaffMember.objects.select_related("user", "team", "organisation"),
        "staff_member",
        staff_id,
        lambda found: _administers(user, found.organisation_id),
    )


def access_crisis_line_to_administer(user: Any, line_id: object) -> CrisisLine:
    return fetch_or_refuse(
        CrisisLine.objects.select_related("organisation"),
        "crisis_line",
        line_id,
        lambda found: _administers(user, found.organisation_id),
    )
