"""A form that creates something is acted on once: a double click or a resend creates nothing more.

Two simultaneous submits of the same review race on PostgreSQL; on SQLite the same form is sent
again. Either way there is one review and one version.
"""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ourplan.plans import services
from ourplan.plans.models import (
    Goal,
    GoalStep,
    Need,
    PersonalContact,
    PlanVersion,
    ProgressRating,
    Review,
    Risk,
    SafetyItem,
    Strength,
)
from tests.conftest import logged_in_client
from tests.plans.submitted import keyed


def _review_form(plan: Any, key: str) -> dict[str, Any]:
    today = timezone.localdate()
    return keyed(
        {
            "held_on": today.isoformat(),
            "person_attended": "on",
            "what_changed": "Sent twice",
            "next_review_on": (today + timedelta(days=90)).isoformat(),
            "coordinator_signs": "on",
        },
        key=key,
    )


def test_a_resent_review_makes_one_review_and_one_version(standing: Any, client_for: Any) -> None:
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    client = client_for(standing.coordinator)
    url = reverse("plans:review", args=[standing.person.pk])
    form = _review_form(plan, uuid.uuid4().hex)
    first = client.post(url, form)
    again = client.post(url, form, follow=True)
    assert first.status_code == 302
    assert "It has not been saved twice" in again.content.decode()
    assert again.redirect_chain[-1][0] == first["Location"]
    assert Review.objects.count() == 1 and PlanVersion.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="truly simultaneous submits need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_of_one_review_make_one_review(standing: Any) -> None:
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    url = reverse("plans:review", args=[standing.person.pk])
    form = _review_form(plan, uuid.uuid4().hex)
    clients: list[Client] = [logged_in_client(standing.coordinator) for _ in range(2)]
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[str] = []

    def submit(client: Client) -> None:
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post(url, form).status_code)
        except Exception as error:  # a failure in a thread must fail the test
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert statuses == [302, 302]
    assert Review.objects.filter(plan=plan).count() == 1
    assert PlanVersion.objects.filter(plan=plan).count() == 1


CREATES = [
    # (url name, extra URL args, form, model counted, who)
    ("plans:strength_new", [], {"kind": "skill", "text": "Patient"}, Strength, "person"),
    ("plans:goal_new", [], {"text": "Swim", "life_area": "AREA"}, Goal, "person"),
    ("plans:step_new", ["GOAL"], {"text": "Buy goggles", "owner": "me"}, GoalStep, "person"),
    ("plans:goal_rate", ["GOAL"], {"score": "5"}, ProgressRating, "person"),
    (
        "plans:safety_new",
        [],
        {"kind": "concern", "description": "Nights", "person_view": "I text", "review_on": "LATER"},
        SafetyItem,
        "person",
    ),
    (
        "plans:need_new",
        [],
        {"life_area": "AREA", "description": "A flat", "status": "not_met"},
        Need,
        "coordinator",
    ),
    (
        "plans:risk_new",
        [],
        {
            "kind": "risk",
            "description": "Skips meals",
            "person_view": "When low",
            "review_on": "LATER",
        },
        Risk,
        "coordinator",
    ),
    ("plans:contact_new", [], {"name": "Dot", "phone": "07700 900461"}, PersonalContact, "person"),
]


@pytest.mark.parametrize(
    ("name", "args", "form", "model", "who"), CREATES, ids=[c[0] for c in CREATES]
)
def test_every_form_that_creates_something_creates_it_once(
    name: str,
    args: list[str],
    form: dict[str, str],
    model: Any,
    who: str,
    standing: Any,
    client_for: Any,
) -> None:
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    area = services.life_areas_for(standing.organisation).first()
    goal = services.goal_add(actor=standing.coordinator, plan=plan, text="A goal", life_area=area)
    values = {"AREA": str(area.pk), "LATER": (timezone.localdate() + timedelta(days=9)).isoformat()}
    data = keyed({key: values.get(value, value) for key, value in form.items()})
    url = reverse(name, args=[standing.person.pk, *[goal.pk for _ in args]])
    client = client_for(standing.person_user if who == "person" else standing.coordinator)
    before = model.objects.count()
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert model.objects.count() == before + 1
    # A form without its key is out of date: nothing is saved, and the person is told.
    stale = client.post(url, {k: v for k, v in data.items() if k != "submission_key"})
    assert stale.status_code == 302
    told = client.get(reverse("plans:plan", args=[standing.person.pk])).content.decode()
    assert "nothing was saved" in told
    assert model.objects.count() == before + 1


def test_answering_a_version_twice_at_once_keeps_one_answer(standing: Any, client_for: Any) -> None:
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    version = services.version_create(actor=standing.coordinator, plan=plan)
    client = client_for(standing.person_user)
    url = reverse("plans:version_sign", args=[standing.person.pk, version.number])
    data = keyed({"response": "disagree", "comment": "Not yet"})
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert "It has not been saved twice" in again.content.decode()
    version.refresh_from_db()
    assert version.person_response == "disagree"
