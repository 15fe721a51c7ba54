"""The worklist, the team dashboard and the caseload's flags cost the same number of queries
however many people there are."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.consent import services as consent
from ourplan.people.models import CareTeamMembership, Supporter, SupporterKind
from ourplan.people.nhs_number import nhs_number_check_digit
from ourplan.plans import services as plans
from tests.coordination.coordination_builders import a_contact, a_goal, a_past_review, a_plan
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db

NHS_NUMBERS = iter(
    f"{n}{digit}"
    for n in range(999000000, 999000400)
    for digit in [nhs_number_check_digit(str(n))]
    if digit is not None
)
NUMBERING = itertools.count()


def _busy_people(standing: Any, count: int) -> None:
    """People with everything a worklist can show: plans, goals, overdue reviews, contacts,
    supporters' messages, sharing to revisit."""
    today = timezone.localdate()
    for _ in range(count):
        index = next(NUMBERING)
        person = make_person(standing.team, next(NHS_NUMBERS), given=f"P{index}")
        CareTeamMembership.objects.create(
            person=person,
            staff=standing.coordinator.staff_member,
            is_coordinator=True,
            started_on=today - timedelta(days=500),
        )
        plan = a_plan(standing, person, started_days_ago=400)
        goal = a_goal(standing, plan, days_ago=200)
        plans.progress_rate(
            actor=standing.coordinator, goal=goal, score=3, on=today - timedelta(days=150)
        )
        a_past_review(
            standing,
            plan,
            held_on=today - timedelta(days=300),
            next_review_on=today - timedelta(days=index + 1),
        )
        plans.version_create(actor=standing.coordinator, plan=plan)
        a_contact(standing, person, when=timezone.now() - timedelta(days=40 + index))
        user = make_user(f"carer{index}", Role.SUPPORTER)
        supporter = Supporter.objects.create(
            person=person,
            user=user,
            given_name=f"C{index}",
            kind=SupporterKind.CARER,
            relationship="mum",
            is_identified_carer=True,
        )
        consent.contribution_send(
            actor=user, supporter=supporter, kind="concern", text="Worried tonight"
        )
        consent.agreement_set(
            actor=standing.coordinator,
            person=person,
            supporter=supporter,
            parts=["goals"],
            recorded_how="on_instruction",
        )


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("url_name", "who"),
    [
        ("coordination:worklist", "coordinator"),
        ("coordination:dashboard", "manager"),
        ("people:caseload", "coordinator"),
    ],
)
def test_the_page_costs_the_same_for_more_people(
    standing: Any, client_for: Any, url_name: str, who: str
) -> None:
    client = client_for(getattr(standing, who))
    url = reverse(url_name)
    _busy_people(standing, 2)
    client.get(url)  # the first request of a session renews it: not the page's own cost
    few = _queries(client, url)
    _busy_people(standing, 6)
    many = _queries(client, url)
    assert many == few, f"{url_name}: {few} queries for 3 people, {many} for 9"
