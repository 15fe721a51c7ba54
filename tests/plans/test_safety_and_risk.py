"""The person's voice in safety and risk: each view written by its owner, with author and date;
the needs and risk assessment; the person's own safety steps and contacts."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ourplan.people.models import Country
from ourplan.plans import services
from ourplan.plans.models import Need, PersonalContact, Risk, SafetyItem, Voice, Wording
from tests.plans.submitted import keyed


@pytest.fixture
def plan(standing: Any) -> Any:
    return services.plan_start(actor=standing.coordinator, person=standing.person)


def _text(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _later(days: int = 30) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_the_person_cannot_write_the_professional_view_refused_by_form_and_service(
    standing: Any, plan: Any, client_for: Any
) -> None:
    person = client_for(standing.person_user)
    url = reverse("plans:safety_new", args=[standing.person.pk])
    form_page = _text(person.get(url))
    assert "My view" in form_page and "Professional view" not in form_page
    refused = person.post(
        url,
        keyed(
            {
                "kind": "concern",
                "description": "Nights alone",
                "person_view": "I cope with a text",
                "professional_view": "Low risk",
                "review_on": _later(),
            }
        ),
    )
    assert refused.status_code == 200
    assert "Only staff write the professional view" in _text(refused)
    assert not SafetyItem.objects.exists()
    with pytest.raises(ValidationError, match="Only staff write the professional view"):
        services.safety_item_add(
            actor=standing.person_user,
            plan=plan,
            kind="concern",
            description="Nights alone",
            person_view="I cope",
            professional_view="Low risk",
            review_on=timezone.localdate() + timedelta(days=9),
        )
    item = services.safety_item_add(
        actor=standing.coordinator,
        plan=plan,
        kind="concern",
        description="Nights alone",
        person_view_not_obtained="Asleep when we called",
        professional_view="Low risk",
        review_on=timezone.localdate() + timedelta(days=9),
    )
    with pytest.raises(ValidationError, match="Only staff write the professional view"):
        services.safety_item_update(
            actor=standing.person_user,
            item=item,
            revision=item.revision,
            fields={"professional_view": "No risk at all", "person_view": "Fine"},
        )
    with pytest.raises(ValidationError, match="Only staff write the professional view"):
        services.risk_add(
            actor=standing.person_user,
            plan=plan,
            kind="risk",
            description="x",
            person_view="mine",
            professional_view="theirs",
            review_on=timezone.localdate() + timedelta(days=9),
        )
    item.refresh_from_db()
    assert item.professional_view == "Low risk"


def test_each_view_shows_its_author_and_date_and_staff_record_the_persons_view_as_said(
    standing: Any, plan: Any, client_for: Any
) -> None:
    staff = client_for(standing.coordinator)
    form_page = _text(staff.get(reverse("plans:safety_new", args=[standing.person.pk])))
    assert "Ada's view, as they said it" in form_page and "Your professional view" in form_page
    saved = staff.post(
        reverse("plans:safety_new", args=[standing.person.pk]),
        keyed(
            {
                "kind": "concern",
                "description": "Drinking more at weekends",
                "person_view": "It helps me sleep",
                "professional_view": "Risk to health; talk about sleep",
                "review_on": _later(),
            }
        ),
    )
    assert saved.status_code == 302
    item = SafetyItem.objects.get()
    person_view = Wording.objects.get(part_id=item.pk, part_type="safety_item", field="person_view")
    professional = Wording.objects.get(
        part_id=item.pk, part_type="safety_item", field="professional_view"
    )
    assert (person_view.voice, professional.voice) == (Voice.AS_SAID, Voice.STAFF)
    page = _text(
        client_for(standing.person_user).get(reverse("plans:safety", args=[standing.person.pk]))
    )
    day = timezone.localdate().strftime("%-d %B %Y")
    assert (
        f"Recorded by Coordinator Tester, care coordinator, as you said it. You have not confirmed it yet, on {day}"
        in page
    )
    assert f"Written by Coordinator Tester, care coordinator, on {day}" in page
    # The person writes their own view over what was recorded: it is theirs, dated.
    services.safety_item_update(
        actor=standing.person_user,
        item=item,
        revision=item.revision,
        fields={"person_view": "It helps me sleep, but I want to cut down"},
    )
    page = _text(
        client_for(standing.coordinator).get(reverse("plans:plan", args=[standing.person.pk]))
    )
    assert "It helps me sleep, but I want to cut down" in page and "In Ada's own words" in page
    assert f"In Ada's own words, on {day}" in page


def test_a_risk_needs_the_persons_view_or_a_reason_and_writes_nothing_without(
    standing: Any, plan: Any, client_for: Any
) -> None:
    staff = client_for(standing.coordinator)
    response = staff.post(
        reverse("plans:risk_new", args=[standing.person.pk]),
        keyed(
            {
                "kind": "risk",
                "description": "Stops eating",
                "professional_view": "High",
                "review_on": _later(),
            }
        ),
    )
    assert response.status_code == 200
    assert "Write the person's own view, or say why it could not be recorded" in _text(response)
    assert not Risk.objects.exists() and not Wording.objects.filter(part_type="risk").exists()
    with pytest.raises(ValidationError):
        services.risk_add(
            actor=standing.coordinator,
            plan=plan,
            kind="risk",
            description="Stops eating",
            review_on=timezone.localdate() + timedelta(days=3),
        )
    assert not Risk.objects.exists()


def test_a_positive_risk_says_who_shares_the_responsibility(
    standing: Any, plan: Any, client_for: Any
) -> None:
    staff = client_for(standing.coordinator)
    url = reverse("plans:risk_new", args=[standing.person.pk])
    form = {
        "kind": "positive",
        "description": "Bus to college alone",
        "person_view": "I am ready",
        "review_on": _later(),
    }
    refused = staff.post(url, keyed(form))
    assert "Say who shares the responsibility" in _text(refused)
    assert not Risk.objects.exists()
    staff.post(url, keyed(form | {"shared_responsibility": "Me: text on arrival; mum: on call"}))
    assert Risk.objects.get().kind == "positive"
    page = _text(staff.get(reverse("plans:assessment", args=[standing.person.pk])))
    assert "Bus to college alone" in page and "Me: text on arrival; mum: on call" in page


def test_the_assessment_feeds_the_safety_plan_once_with_the_views_as_written(
    standing: Any, plan: Any, client_for: Any
) -> None:
    risk = services.risk_add(
        actor=standing.person_user,
        plan=plan,
        kind="risk",
        description="Stops taking tablets when low",
        person_view="Because of the mornings",
        review_on=timezone.localdate() + timedelta(days=20),
    )
    staff = client_for(standing.coordinator)
    url = reverse("plans:risk_to_safety", args=[standing.person.pk, risk.pk])
    assert staff.post(url, keyed()).status_code == 302
    item = SafetyItem.objects.get(from_risk=risk)
    assert item.kind == "concern" and item.person_view == "Because of the mornings"
    carried = Wording.objects.get(part_type="safety_item", part_id=item.pk, field="person_view")
    assert carried.voice == Voice.OWN and carried.written_by == standing.person_user
    again = staff.post(url, keyed(), follow=True)
    assert "already in the safety plan" in _text(again)
    assert SafetyItem.objects.count() == 1


def test_welsh_needs_are_assessed_across_the_eight_areas_and_kept_in_the_version(
    standing: Any, client_for: Any
) -> None:
    organisation = standing.organisation
    organisation.country = Country.WALES
    organisation.save()
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    housing = services.life_areas_for(organisation).get(code="accommodation")
    staff = client_for(standing.coordinator)
    saved = staff.post(
        reverse("plans:need_new", args=[standing.person.pk]),
        keyed(
            {
                "life_area": housing.pk,
                "description": "A ground-floor flat",
                "person_view": "Stairs are hard for me",
                "status": "not_met",
                "personal_budget": "on",
            }
        ),
    )
    assert saved.status_code == 302
    page = staff.get(reverse("plans:assessment", args=[standing.person.pk])).content.decode()
    assert page.count('data-testid="need-area"') == 8
    need = Need.objects.get()
    assert need.personal_budget
    version = services.version_create(actor=standing.coordinator, plan=plan)
    assert version.snapshot["needs"][0]["description"] == "A ground-floor flat"
    assert version.snapshot["needs"][0]["words"]["person_view"]["voice"] == Voice.AS_SAID
    other_area = services.life_areas_for(standing.organisation).exclude(pk=housing.pk).first()
    assert other_area is not None


def test_the_person_keeps_contacts_and_a_number_that_is_not_a_phone_number_is_refused(
    standing: Any, plan: Any, client_for: Any
) -> None:
    person = client_for(standing.person_user)
    url = reverse("plans:contact_new", args=[standing.person.pk])
    for wrong in ("call me", "12", "+44 7700 900 12a", "0" * 16):
        refused = person.post(url, keyed({"name": "Dot", "relationship": "friend", "phone": wrong}))
        assert refused.status_code == 200
        assert "Enter a phone number" in _text(refused), wrong
    assert not PersonalContact.objects.exists()
    with pytest.raises(ValidationError):
        services.contact_add(
            actor=standing.person_user, plan=plan, name="Dot", phone="not a number"
        )
    saved = person.post(
        url, keyed({"name": "Dot", "relationship": "friend", "phone": "+44 (0)7700 900-461"})
    )
    assert saved.status_code == 302
    contact = PersonalContact.objects.get()
    for page in ("plans:crisis", "plans:safety"):
        shown = person.get(reverse(page, args=[standing.person.pk])).content.decode()
        assert 'href="tel:+4407700900461"' in shown and "Dot" in shown
    services.contact_update(
        actor=standing.person_user,
        contact=contact,
        revision=contact.revision,
        name="Dot",
        phone=contact.phone,
        remove=True,
    )
    assert "Dot" not in _text(person.get(reverse("plans:crisis", args=[standing.person.pk])))


def test_the_person_writes_their_own_safety_steps(
    standing: Any, plan: Any, client_for: Any
) -> None:
    person = client_for(standing.person_user)
    url = reverse("plans:safety_steps", args=[standing.person.pk])
    saved = person.post(
        url,
        {
            "revision": plan.personal_safety.revision,
            "reasons_for_living": "My nephew",
            "coping_steps": "Tea, then ring Dot",
            "safer_surroundings": "Spare tablets at my sister's",
        },
    )
    assert saved.status_code == 302
    page = _text(
        client_for(standing.coordinator).get(reverse("plans:safety", args=[standing.person.pk]))
    )
    assert "My nephew" in page and "In Ada's own words" in page
    copy = _text(person.get(reverse("plans:person_copy", args=[standing.person.pk])))
    assert "Tea, then ring Dot" in copy and "Spare tablets at my sister's" in copy


def test_the_persons_risk_form_has_no_professional_view_and_refuses_one(
    standing: Any, plan: Any, client_for: Any
) -> None:
    person = client_for(standing.person_user)
    url = reverse("plans:risk_new", args=[standing.person.pk])
    form_page = _text(person.get(url))
    assert "Professional view" not in form_page
    refused = person.post(
        url,
        keyed(
            {
                "kind": "risk",
                "description": "Skipping meals",
                "person_view": "When I am low",
                "professional_view": "Low risk",
                "review_on": _later(),
            }
        ),
    )
    assert refused.status_code == 200
    assert "Only staff write the professional view" in _text(refused)
    assert not Risk.objects.exists()
