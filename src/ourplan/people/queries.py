"""Reads of people, teams and organisations that several views share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from ourplan.accounts.models import Role
from ourplan.people.continuity import Continuity, CoordinatorSpell, continuity_of
from ourplan.people.models import (
    CareTeamMembership,
    CrisisLine,
    Organisation,
    Person,
    StaffMember,
    Supporter,
)
from ourplan.people.nhs_number import normalise_nhs_number


def organisation_of(user: Any) -> Organisation | None:
    """The organisation whose service this user is using or working in."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.role == Role.SERVICE_USER:
        person = Person.objects.select_related("organisation").filter(user=user).first()
        return person.organisation if person else None
    if user.role == Role.SUPPORTER:
        person = Person.objects.select_related("organisation").filter(supporters__user=user).first()
        return person.organisation if person else None
    staff = StaffMember.objects.select_related("organisation").filter(user=user).first()
    return staff.organisation if staff else None


def person_for_user(user: Any) -> Person | None:
    """The service-user record a login belongs to, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.select_related("organisation", "team").filter(user=user).first()


def current_supporters(person: Person) -> QuerySet[Supporter]:
    """The people in the person's life now (ended supporters are kept but not shown)."""
    return person.supporters.filter(ended_at__isnull=True)


def current_care_team(person: Person) -> QuerySet[CareTeamMembership]:
    return CareTeamMembership.objects.filter(person=person, ended_on__isnull=True).select_related(
        "staff__user"
    )


def person_to_edit(person: Person) -> Person:
    """A separate copy of the person for a form to change, so a rejected form leaves the page's
    own copy (its title, its links) as saved."""
    return Person.objects.get(pk=person.pk)


def crisis_lines_for(user: Any) -> list[CrisisLine]:
    organisation = organisation_of(user)
    if organisation is None:
        return []
    return list(organisation.crisis_lines.all())


def current_coordinators() -> Prefetch:
    """Prefetch each person's current named care coordinator in one query."""
    return Prefetch(
        "care_team",
        queryset=CareTeamMembership.objects.filter(
            is_coordinator=True, ended_on__isnull=True
        ).select_related("staff__user"),
        to_attr="current_coordinator_memberships",
    )


def caseload(
    queryset: QuerySet[Person], *, search: str = "", coordinator: StaffMember | None = None
) -> QuerySet[Person]:
    """People in ``queryset`` matching a name or NHS number search, with their coordinator."""
    if coordinator is not None:
        queryset = queryset.filter(
            care_team__staff=coordinator,
            care_team__is_coordinator=True,
            care_team__ended_on__isnull=True,
        )
    search = search.strip()
    if search:
        digits = normalise_nhs_number(search)  # stored as ASCII digits: search the same way
        condition = (
            Q(given_name__icontains=search)
            | Q(family_name__icontains=search)
            | Q(preferred_name__icontains=search)
        )
        if digits.isascii() and digits.isdigit():
            condition |= Q(nhs_number__startswith=digits)
        queryset = queryset.filter(condition)
    return queryset.prefetch_related(current_coordinators()).order_by("family_name", "given_name")


def coordinator_history(person: Person) -> list[CareTeamMembership]:
    return list(
        CareTeamMembership.objects.filter(person=person, is_coordinator=True)
        .select_related("staff__user")
        .order_by("-started_on", "-id")
    )


def continuity_for(history: list[CareTeamMembership], today: date) -> Continuity:
    spells = [CoordinatorSpell(m.staff_id, m.started_on, m.ended_on) for m in history]
    return continuity_of(spells, today)


def team_coordinator_loads(team_id: int) -> QuerySet[StaffMember]:
    """Each coordinator in a team with the number of people they coordinate now."""
    return (
        StaffMember.objects.filter(
            team_id=team_id, user__role=Role.CARE_COORDINATOR, user__is_active=True
        )
        .select_related("user")
        .annotate(
            current_caseload=Count(
                "memberships",
                filter=Q(memberships__is_coordinator=True, memberships__ended_on__isnull=True),
            )
        )
        .order_by("user__last_name", "user__first_name")
    )


@dataclass(frozen=True)
class TeamFigures:
    total: int
    unallocated: int
    changed_last_year: int


def team_figures(team_id: int, today: date) -> TeamFigures:
    """How many people the team holds, how many have no care coordinator, and how many changed
    coordinator in the last year."""
    team_people = Person.objects.filter(team_id=team_id, restricted_at__isnull=True)
    year_ago = today - timedelta(days=365)
    total = team_people.count()
    with_current = (
        team_people.filter(care_team__is_coordinator=True, care_team__ended_on__isnull=True)
        .distinct()
        .count()
    )
    changed = (
        team_people.filter(care_team__is_coordinator=True, care_team__ended_on__gt=year_ago)
        .distinct()
        .count()
    )
    return TeamFigures(total=total, unallocated=total - with_current, changed_last_year=changed)


def organisation_teams(organisation: Organisation) -> QuerySet[Any]:
    """The organisation's teams, each with how many staff and people it has."""
    return organisation.teams.annotate(
        staff_count=Count("staff", distinct=True), people_count=Count("caseload", distinct=True)
    )


def organisation_staff(organisation: Organisation) -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(organisation=organisation).select_related("user", "team")
