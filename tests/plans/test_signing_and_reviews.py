"""The person's voice in signing, and everything recorded at a review shown back."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from ourplan.plans import services
from ourplan.plans.forms import ReviewForm
from ourplan.plans.models import PlanVersion
from tests.plans.submitted import keyed


@pytest.fixture
def plan(standing: Any) -> Any:
    return services.plan_start(actor=standing.coordinator, person=standing.person)


def _text(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _review(standing: Any, plan: Any, **extra: Any) -> PlanVersion:
    today = timezone.localdate()
    return services.review_record(
        actor=standing.coordinator,
        plan=plan,
        held_on=today,
        next_review_on=today + timedelta(days=60),
        **extra,
    )


def _home_banner(person: Any) -> str:
    return Template("{% load plan_words %}{% awaiting_signature person %}").render(
        Context({"person": person})
    )


def test_the_person_disagrees_with_a_version_and_says_why_and_it_is_shown_wherever_the_version_is(
    standing: Any, plan: Any, client_for: Any
) -> None:
    version = _review(standing, plan, what_changed="New goals", coordinator_signs=True)
    assert "Your plan is waiting for you" in _home_banner(standing.person)
    person = client_for(standing.person_user)
    assert "waiting for you to say whether you agree" in _text(
        person.get(reverse("plans:plan", args=[standing.person.pk]))
    )
    url = reverse("plans:version_sign", args=[standing.person.pk, version.number])
    without_why = person.post(url, keyed({"response": "disagree"}))
    assert without_why.status_code == 200
    assert "Say what you do not agree with" in _text(without_why)
    assert PlanVersion.objects.get(pk=version.pk).waits_for_person
    answered = person.post(
        url, keyed({"response": "disagree", "comment": "My sister is not my carer any more"})
    )
    assert answered.status_code == 302
    version.refresh_from_db()
    assert version.person_response == "disagree" and version.person_signed_at is None
    assert version.person_comment == "My sister is not my carer any more"
    assert _home_banner(standing.person).strip() == ""
    staff = client_for(standing.coordinator)
    for name, args in (
        ("plans:version", [version.number]),
        ("plans:versions", []),
        ("plans:plan", []),
        ("plans:statutory", []),
        ("plans:person_copy", []),
    ):
        page = _text(staff.get(reverse(name, args=[standing.person.pk, *args])))
        assert "My sister is not my carer any more" in page, name
    assert "Ada does not agree with version 1" in _text(
        staff.get(reverse("plans:plan", args=[standing.person.pk]))
    )


def test_the_person_agrees_and_signs_and_only_they_can_answer(
    standing: Any, plan: Any, client_for: Any
) -> None:
    version = _review(standing, plan)
    with pytest.raises(ValidationError, match="Only Ada can say whether they agree"):
        services.version_respond(actor=standing.coordinator, version=version, response="agree")
    client_for(standing.person_user).post(
        reverse("plans:version_sign", args=[standing.person.pk, version.number]),
        keyed({"response": "agree", "comment": "Good"}),
    )
    version.refresh_from_db()
    assert version.person_signed_at is not None and version.person_signed_how == "online"
    assert version.person_comment == "Good"
    with pytest.raises(ValidationError, match="already answered"):
        services.version_respond(actor=standing.person_user, version=version, response="disagree")


def test_the_person_reads_the_review_record_with_who_came_and_what_was_said(
    standing: Any, plan: Any, client_for: Any
) -> None:
    _review(
        standing,
        plan,
        person_attended=True,
        supporters=[standing.supporter_record],
        advocate="Rhian, advocate",
        professionals="Psychiatrist",
        what_changed="Started swimming",
        notes="Look at the dose again",
        person_view="I felt heard",
        carer_view="Glad to be there",
        contact_frequency="weekly",
    )
    page = _text(
        client_for(standing.person_user).get(reverse("plans:reviews", args=[standing.person.pk]))
    )
    for shown in (
        "Ada was there",
        standing.supporter_record.full_name,
        "Rhian, advocate",
        "Psychiatrist",
        "Started swimming",
        "Look at the dose again",
        "I felt heard",
        "Glad to be there",
        "Every week",
    ):
        assert shown in page, shown
    version = _text(
        client_for(standing.person_user).get(reverse("plans:version", args=[standing.person.pk, 1]))
    )
    assert "Look at the dose again" in version and "Rhian, advocate" in version


def test_attendance_starts_unticked(standing: Any, plan: Any) -> None:
    form = ReviewForm(plan=plan)
    assert not form["person_attended"].value()
    assert "checked" not in str(form["person_attended"])
    assert not form["supporters"].value()


def test_a_copy_given_can_be_recorded_at_any_time(
    standing: Any, plan: Any, client_for: Any
) -> None:
    version = services.version_create(actor=standing.coordinator, plan=plan)
    url = reverse("plans:version_copy_given", args=[standing.person.pk, version.number])
    assert (
        client_for(standing.coordinator).post(url, keyed({"copy_given": "print"})).status_code
        == 302
    )
    version.refresh_from_db()
    assert version.copy_given == "print" and version.copy_given_at is not None
    assert (
        client_for(standing.person_user).post(url, keyed({"copy_given": "app"})).status_code == 403
    )


def test_version_compare_speaks_in_words_never_in_internal_values(
    standing: Any, plan: Any, client_for: Any
) -> None:
    area = services.life_areas_for(standing.organisation).get(code="physical_health")
    goal = services.goal_add(
        actor=standing.person_user, plan=plan, text="Walk the dog", life_area=area
    )
    step = services.step_add(actor=standing.person_user, goal=goal, text="Buy a lead", owner="me")
    services.version_create(actor=standing.coordinator, plan=plan)
    services.step_set_status(
        actor=standing.person_user, step=step, status="doing", revision=step.revision
    )
    services.progress_rate(actor=standing.person_user, goal=goal, score=4)
    _review(standing, plan, what_changed="Walking most days", person_attended=True)
    page = _text(
        client_for(standing.coordinator).get(
            reverse("plans:version_compare", args=[standing.person.pk]), {"older": 1, "newer": 2}
        )
    )
    assert "Buy a lead" in page and "Doing" in page and "Not started" in page
    assert "Walking most days" in page and "4 out of 10" in page
    assert not re.search(r"#\d+|\bto_do\b|\bdoing\b|\bme\b;|physical_health", page)


def test_the_persons_home_says_when_a_version_waits_and_when_someone_changed_their_words(
    standing: Any, plan: Any, client_for: Any
) -> None:
    person = client_for(standing.person_user)

    def home() -> str:
        page = person.get(reverse("people:my_home"))
        assert page.status_code == 200
        return page.content.decode()

    quiet = home()
    assert 'data-testid="awaiting-signature"' not in quiet
    assert 'data-testid="plan-notices"' not in quiet
    area = services.life_areas_for(standing.organisation).first()
    goal = services.goal_add(actor=standing.person_user, plan=plan, text="Swim", life_area=area)
    services.save_part(
        actor=standing.coordinator,
        part=goal,
        revision=goal.revision,
        person=standing.person,
        fields={"text": "Swim weekly (exercise plan)"},
    )
    version = _review(standing, plan, what_changed="New goal", coordinator_signs=True)
    told = home()
    assert 'data-testid="awaiting-signature"' in told
    assert "Version 1 of your plan was made on" in _text(person.get(reverse("people:my_home")))
    assert reverse("plans:version", args=[standing.person.pk, version.number]) in told
    assert 'data-testid="plan-notices"' in told
    assert reverse("plans:changes", args=[standing.person.pk]) in told
    # Once they have answered and looked at the changes, the home page is quiet again.
    services.version_respond(actor=standing.person_user, version=version, response="agree")
    assert person.get(reverse("plans:changes", args=[standing.person.pk])).status_code == 200
    after = home()
    assert 'data-testid="awaiting-signature"' not in after
    assert 'data-testid="plan-notices"' not in after


def test_another_persons_waiting_version_is_not_on_this_persons_home(
    standing: Any, plan: Any, client_for: Any
) -> None:
    other = services.plan_start(actor=standing.other_team_coordinator, person=standing.other_person)
    services.version_create(actor=standing.other_team_coordinator, plan=other)
    page = client_for(standing.person_user).get(reverse("people:my_home")).content.decode()
    assert 'data-testid="awaiting-signature"' not in page
