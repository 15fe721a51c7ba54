"""Who may see and change a recovery plan. Deny by default.

Supporters are refused every plan URL here, including versions, the statutory
document and the person-held copy, because each of those holds the whole plan.
They see the parts the person shares with them only through the consent app's
supporter pages and PDF, which ask ``ourplan.consent.access.sharing_for`` on
every request (see docs/consent.md).
"""

from __future__ import annotations

from typing import Any

from ourplan.accounts.models import Role
from ourplan.people import access as people_access
from ourplan.people.models import Person


def can_view_plan(user: Any, person: Person) -> bool:
    """The person, and clinical staff on the person's team."""
    return people_access.can_view_person(user, person)


def can_edit_plan(user: Any, person: Person) -> bool:
    """The person and their care coordinators and team manager write the plan together."""
    if getattr(user, "role", None) not in {
        Role.SERVICE_USER,
        Role.CARE_COORDINATOR,
        Role.TEAM_MANAGER,
    }:
        return False
    return people_access.can_view_person(user, person)


def can_start_plan(user: Any, person: Person) -> bool:
    if getattr(user, "role", None) not in {Role.CARE_COORDINATOR, Role.TEAM_MANAGER}:
        return False
    return people_access.can_view_person(user, person)


def can_record_review(user: Any, person: Person) -> bool:
    """Reviews are recorded by a care coordinator or the team manager."""
    return can_start_plan(user, person)


def can_sign_as_person(user: Any, person: Person) -> bool:
    if getattr(user, "role", None) != Role.SERVICE_USER:
        return False
    return person.user_id == user.pk


def can_sign_as_coordinator(user: Any, person: Person) -> bool:
    """A care coordinator on the person's team (the named one, or one covering), or the team manager.

    The signature records who signed, so a covering coordinator is visible as such.
    """
    if getattr(user, "role", None) not in {Role.CARE_COORDINATOR, Role.TEAM_MANAGER}:
        return False
    return people_access.can_view_person(user, person)
