"""The caseload and person pages make a fixed number of queries, however many people there are.

An N+1 query (one more query per listed person, spell or supporter) would show up as a
count that grows from the small caseload to the large one. Speed itself is measured only
by bench/bench_web.py, never here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ourplan.accounts.middleware import SESSION_RENEWED_AT
from ourplan.accounts.models import Role, User
from ourplan.core.models import AuditEntry
from ourplan.people.models import (
    CareTeamMembership,
    Country,
    Organisation,
    Person,
    Profession,
    StaffMember,
    Supporter,
    SupporterKind,
    Team,
)
from ourplan.people.nhs_number import nhs_number_check_digit

# Queries per page today on SQLite: 8 for the caseload, 10 for a person (session, user,
# second factor, staff record, the page's own reads, the audit write and the savepoints
# around it), plus a little room. The session save, once a minute at most, is not counted.
# A new query that does not depend on the number of people may raise these; a query per
# person, spell or supporter may not. Care coordination's pieces (people.extensions) add a
# fixed number: the caseload's "What needs doing" flags read the page's people in one go
# (about 9 queries, 15 when they have plans), and the person's page adds contacts, stuck
# indicators and the choice of care coordinator (about 18).
CASELOAD_MAX_QUERIES = 24
PERSON_PAGE_MAX_QUERIES = 32


def _nhs_numbers(count: int) -> list[str]:
    numbers: list[str] = []
    serial = 0
    while len(numbers) < count:
        first_nine = f"999{serial:06d}"
        serial += 1
        check = nhs_number_check_digit(first_nine)
        if check is not None:
            numbers.append(f"{first_nine}{check}")
    return numbers


def _staff(username: str, role: str, organisation: Organisation, team: Team) -> StaffMember:
    user = User.objects.create(
        username=username, first_name=username.title(), last_name="Tester", role=role
    )
    return StaffMember.objects.create(
        user=user, organisation=organisation, team=team, profession=Profession.NURSE
    )


@dataclass
class Caseload:
    coordinator: User
    people: list[Person]


@pytest.fixture
def build_caseload(db: Any) -> Callable[[int], Caseload]:
    """A team whose caseload has ``size`` people, each with spells, a care team and supporters."""

    def build(size: int) -> Caseload:
        organisation = Organisation.objects.create(
            name="Query Count Trust", code="QCT01", country=Country.ENGLAND
        )
        team = Team.objects.create(organisation=organisation, name="North team")
        me = _staff("coordinator", Role.CARE_COORDINATOR, organisation, team)
        colleagues = [
            _staff(f"coordinator{index}", Role.CARE_COORDINATOR, organisation, team)
            for index in range(3)
        ]
        clinician = _staff("clinician", Role.CLINICIAN, organisation, team)
        today = date.today()
        people = []
        for index, nhs_number in enumerate(_nhs_numbers(size)):
            person = Person.objects.create(
                organisation=organisation,
                team=team,
                given_name=f"Given{index:02d}",
                family_name=f"Family{index:02d}",
                preferred_name="Pat" if index % 3 == 0 else "",
                date_of_birth=date(1970 + index % 30, 1 + index % 12, 1 + index % 28),
                nhs_number=nhs_number,
            )
            # Two ended coordinator spells with colleagues, then the current one: me or a colleague.
            start = today - timedelta(days=900)
            for spell, staff in enumerate(colleagues[:2]):
                ended = start + timedelta(days=200)
                CareTeamMembership.objects.create(
                    person=person,
                    staff=staff,
                    is_coordinator=True,
                    started_on=start,
                    ended_on=ended,
                    end_reason=f"Change {spell}",
                )
                start = ended + timedelta(days=1)
            CareTeamMembership.objects.create(
                person=person,
                staff=me if index % 2 == 0 else colleagues[2],
                is_coordinator=True,
                started_on=start,
            )
            CareTeamMembership.objects.create(
                person=person, staff=clinician, is_coordinator=False, started_on=start
            )
            for kind, name in ((SupporterKind.CARER, "Sam"), (SupporterKind.FRIEND, "Jo")):
                Supporter.objects.create(
                    person=person,
                    given_name=name,
                    family_name=f"Family{index:02d}",
                    kind=kind,
                    relationship="my carer" if kind == SupporterKind.CARER else "my friend",
                    is_identified_carer=kind == SupporterKind.CARER,
                )
            people.append(person)
        return Caseload(coordinator=me.user, people=people)

    return build


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _count_queries(client: Client, url: str, assert_max: Any, limit: int) -> tuple[int, str]:
    # The session's idle expiry is renewed at most once a minute (a session save when due);
    # mark it just renewed so every counted request is the common case, with no save.
    session = client.session
    session[SESSION_RENEWED_AT] = timezone.now().timestamp()
    session.save()
    with assert_max(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("size", [5, 50])
def test_caseload_page_lists_everyone_in_a_fixed_number_of_queries(
    build_caseload: Callable[[int], Caseload], django_assert_max_num_queries: Any, size: int
) -> None:
    caseload = build_caseload(size)
    client = _logged_in(caseload.coordinator)

    _, page = _count_queries(
        client, "/people/", django_assert_max_num_queries, CASELOAD_MAX_QUERIES
    )

    for person in caseload.people:
        assert f"{person.family_name}, {person.given_name}" in page
    assert "Not allocated" not in page
    assert AuditEntry.objects.filter(object_type="caseload").count() == size


def test_caseload_page_makes_the_same_queries_for_5_and_50_people(
    build_caseload: Callable[[int], Caseload], django_assert_max_num_queries: Any
) -> None:
    caseload = build_caseload(50)
    client = _logged_in(caseload.coordinator)
    large, _ = _count_queries(
        client, "/people/", django_assert_max_num_queries, CASELOAD_MAX_QUERIES
    )
    search, _ = _count_queries(
        client, "/people/?q=Family", django_assert_max_num_queries, CASELOAD_MAX_QUERIES
    )
    mine, _ = _count_queries(
        client, "/people/?mine=on", django_assert_max_num_queries, CASELOAD_MAX_QUERIES
    )

    # Restrict all but five records: the caseload shrinks to 5 with nothing else changed.
    Person.objects.filter(pk__in=[person.pk for person in caseload.people[5:]]).update(
        restricted_at=timezone.now()
    )
    small, page = _count_queries(
        client, "/people/", django_assert_max_num_queries, CASELOAD_MAX_QUERIES
    )

    assert page.count("/people/") >= 5
    assert small == large
    assert search == large
    assert mine == large


@pytest.mark.parametrize("size", [5, 50])
def test_person_page_makes_a_fixed_number_of_queries(
    build_caseload: Callable[[int], Caseload], django_assert_max_num_queries: Any, size: int
) -> None:
    caseload = build_caseload(size)
    client = _logged_in(caseload.coordinator)
    person = caseload.people[-1]

    count, page = _count_queries(
        client, f"/people/{person.pk}/", django_assert_max_num_queries, PERSON_PAGE_MAX_QUERIES
    )

    assert count <= PERSON_PAGE_MAX_QUERIES
    assert "Change 0" in page and "Change 1" in page  # the coordinator history
    assert "Sam Family" in page and "Jo Family" in page  # the supporters
    assert "Clinician Tester" in page  # the care team


def test_person_page_queries_do_not_grow_with_history_or_supporters(
    build_caseload: Callable[[int], Caseload], django_assert_max_num_queries: Any
) -> None:
    caseload = build_caseload(5)
    client = _logged_in(caseload.coordinator)
    person = caseload.people[0]
    url = f"/people/{person.pk}/"
    before, _ = _count_queries(client, url, django_assert_max_num_queries, PERSON_PAGE_MAX_QUERIES)

    # Ten more ended spells, each with a different coordinator, and five more supporters.
    organisation, team = person.organisation, person.team
    assert team is not None
    current = CareTeamMembership.objects.get(person=person, is_coordinator=True, ended_on=None)
    start = current.started_on - timedelta(days=2000)
    for index in range(10):
        staff = _staff(f"former{index}", Role.CARE_COORDINATOR, organisation, team)
        CareTeamMembership.objects.create(
            person=person,
            staff=staff,
            is_coordinator=True,
            started_on=start + timedelta(days=100 * index),
            ended_on=start + timedelta(days=100 * index + 50),
            end_reason=f"Former {index}",
        )
    for index in range(5):
        Supporter.objects.create(
            person=person,
            given_name=f"Extra{index}",
            kind=SupporterKind.FAMILY,
            relationship="my cousin",
        )
    after, page = _count_queries(client, url, django_assert_max_num_queries, before)

    assert after == before
    assert "Former 9" in page and "Extra4" in page
