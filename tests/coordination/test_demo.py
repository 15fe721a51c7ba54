"""The demo shows the working day: contacts over 18 months, what needs doing, a handover, a
carer's worried message, and inboxes; and loading it twice changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ourplan.consent.demo import load_demo_consent
from ourplan.consent.models import Contribution
from ourplan.coordination import queries
from ourplan.coordination.demo import demo_coordinators, load_demo_coordination
from ourplan.coordination.models import (
    Allocation,
    AllocationPreferences,
    Contact,
    CoordinatorProfile,
    Handover,
    Notification,
)
from ourplan.people.demo import load_demo
from ourplan.people.models import Person, Supporter
from ourplan.plans.demo import load_demo_plans
from tests.conftest import logged_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    load_demo()
    load_demo_plans()
    load_demo_consent()
    load_demo_coordination()


def test_the_demo_working_day(demo: None) -> None:
    today = timezone.localdate()
    oldest = Contact.objects.order_by("starts_at").first()
    assert oldest is not None
    assert (today - timezone.localdate(oldest.starts_at)).days >= 17 * 30
    assert Contact.objects.filter(outcome="did_not_attend").exists()
    assert Contact.objects.filter(outcome="planned", starts_at__gt=timezone.now()).exists()
    person = Person.objects.get(user__username="person")
    appointment = queries.next_appointment(person)
    assert appointment is not None and appointment.starts_at.date() <= today + timedelta(days=4)
    assert AllocationPreferences.objects.filter(welsh=True).exists()
    assert CoordinatorProfile.objects.filter(speaks_welsh=True).count() >= 2
    assert Allocation.objects.count() == 2
    assert Handover.objects.filter(read_at__isnull=True).count() == 2
    assert Contribution.objects.filter(kind="concern", text__contains="three nights").count() == 2
    assert Notification.objects.filter(recipient__username="coordinator").exists()
    assert demo_coordinators()["person"]


def test_the_demo_coordinators_worklist_has_something_in_most_sections(
    demo: None, client_for: Any
) -> None:
    from ourplan.accounts.models import User

    page = logged_in_client(User.objects.get(username="coordinator")).get(
        reverse("coordination:worklist")
    )
    html = page.content.decode()
    for section in ("carer_messages", "reviews_overdue", "no_contact", "stuck", "unsigned"):
        assert f'data-testid="section-{section}"' in html, section


def test_loading_the_demo_again_adds_nothing(demo: None) -> None:
    counts = (
        Contact.objects.count(),
        Allocation.objects.count(),
        Notification.objects.count(),
        Contribution.objects.count(),
    )
    load_demo_coordination()
    assert (
        Contact.objects.count(),
        Allocation.objects.count(),
        Notification.objects.count(),
        Contribution.objects.count(),
    ) == counts


@pytest.mark.parametrize(
    ("login", "carer"), [("person", "supporter"), ("person.cy", "supporter.cy")]
)
def test_the_demo_person_and_supporter_logins_have_full_realistic_plans(
    demo: None, login: str, carer: str
) -> None:
    from ourplan.consent.models import SharingAgreement

    person = Person.objects.get(user__username=login)
    plan = person.plan
    assert plan.about_me.recovery_meaning and plan.about_me.what_matters
    assert plan.strengths.count() >= 2
    goals = list(plan.goals.all())
    assert len(goals) >= 2
    assert all(goal.steps.exists() for goal in goals[:2])
    assert sum(goal.ratings.count() for goal in goals) >= 4
    assert plan.staying_well.keep_me_well and plan.staying_well.early_signs
    assert plan.crisis.who_to_involve and plan.crisis.what_helps
    assert plan.reviews.exists() and plan.versions.exists()
    year_ago = timezone.now() - timedelta(days=365)
    assert Contact.objects.filter(person=person, starts_at__gte=year_ago).count() >= 12
    assert queries.next_appointment(person) is not None
    supporter = Supporter.objects.get(user__username=carer)
    assert supporter.person == person
    agreement = SharingAgreement.objects.get(supporter=supporter, revoked_at__isnull=True)
    assert {"goals", "crisis"} <= set(agreement.parts)
