"""Contacts and appointments: recorded in a few clicks, refused with a clear message when wrong."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ourplan.coordination import queries, services
from ourplan.coordination.models import Contact, ContactOutcome
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.core.submissions import new_submission_key
from ourplan.people.models import Supporter, SupporterKind
from tests.coordination.coordination_builders import a_contact, a_goal, a_plan

pytestmark = pytest.mark.django_db


def _record(standing: Any, **overrides: Any) -> Contact:
    fields: dict[str, Any] = {
        "actor": standing.coordinator,
        "person": standing.person,
        "staff": standing.coordinator.staff_member,
        "mode": "home",
        "starts_at": timezone.now() - timedelta(hours=2),
        "duration_minutes": 40,
    }
    fields.update(overrides)
    return services.contact_record(**fields)


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        (
            {"starts_at": timezone.now() + timedelta(days=1)},
            "starts_at",
            "cannot have happened yet",
        ),
        (
            {"starts_at": timezone.now() + timedelta(days=1), "outcome": "did_not_attend"},
            "starts_at",
            "cannot have happened yet",
        ),
        ({"duration_minutes": -5}, "duration_minutes", "less than 0 minutes"),
        ({"duration_minutes": 721}, "duration_minutes", "longer than 12 hours"),
        ({"duration_minutes": 0}, "duration_minutes", "at least 1 minute"),
        ({"duration_minutes": None}, "duration_minutes", "how long"),
        (
            {"outcome": "planned", "starts_at": timezone.now() - timedelta(days=1)},
            "starts_at",
            "must be in the future",
        ),
    ],
)
def test_bad_contacts_are_refused_with_a_clear_message_and_nothing_is_written(
    standing: Any, overrides: dict[str, Any], field: str, words: str
) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as raised:
        _record(standing, **overrides)
    assert field in raised.value.message_dict
    assert words in " ".join(raised.value.message_dict[field])
    assert Contact.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_twelve_hours_exactly_and_a_missed_appointment_of_no_minutes_are_accepted(
    standing: Any,
) -> None:
    assert _record(standing, duration_minutes=720).duration_minutes == 720
    assert _record(standing, duration_minutes=0, outcome="did_not_attend").duration_minutes == 0


def test_only_the_persons_own_supporters_and_goals_can_be_linked(standing: Any) -> None:
    other_plan = a_plan(standing, standing.other_person)
    other_goal = a_goal(standing, other_plan, "Someone else's goal")
    stranger = Supporter.objects.create(
        person=standing.other_person, given_name="Al", kind=SupporterKind.FRIEND, relationship="x"
    )
    with pytest.raises(ValidationError, match="people who support this person"):
        _record(standing, supporters=[stranger])
    with pytest.raises(ValidationError, match="this person's own goals"):
        _record(standing, goals=[other_goal])
    assert Contact.objects.count() == 0


def test_a_contact_is_audited_and_keeps_what_moved(standing: Any) -> None:
    plan = a_plan(standing)
    goal = a_goal(standing, plan)
    contact = _record(standing, goals=[goal], supporters=[standing.supporter_record], note="Walked")
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="contact")
    assert (entry.object_id, entry.person_id) == (str(contact.pk), standing.person.pk)
    assert list(contact.goals.all()) == [goal]
    assert list(contact.supporters.all()) == [standing.supporter_record]


def _post_contact(client: Any, standing: Any, key: str, **data: Any) -> Any:
    return client.post(
        reverse("coordination:contact_new", args=[standing.person.pk]),
        {"submission_key": key, "mode": "phone", "duration_minutes": "15", **data},
    )


def test_sending_the_same_contact_form_twice_records_it_once(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.coordinator)
    key = new_submission_key()
    first = _post_contact(client, standing, key)
    again = _post_contact(client, standing, key)
    assert first.status_code == again.status_code == 302
    assert Contact.objects.count() == 1
    contact = Contact.objects.get()
    assert (contact.mode, contact.outcome, contact.duration_minutes) == ("phone", "happened", 15)
    assert contact.staff == standing.coordinator.staff_member


def test_a_bad_contact_form_says_why_and_records_nothing(standing: Any, client_for: Any) -> None:
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = _post_contact(
        client_for(standing.coordinator), standing, new_submission_key(), starts_at=future
    )
    assert response.status_code == 200
    assert "cannot have happened yet" in response.content.decode()
    response = _post_contact(
        client_for(standing.coordinator), standing, new_submission_key(), duration_minutes="900"
    )
    assert "longer than 12 hours" in response.content.decode()
    assert Contact.objects.count() == 0


def test_the_person_page_offers_the_quick_form_that_records_in_one_click(
    standing: Any, client_for: Any
) -> None:
    """Choose how, press the button: the quick form carries every other answer."""
    client = client_for(standing.coordinator)
    page = client.get(reverse("people:person", args=[standing.person.pk])).content.decode()
    form = re.search(r'<form[^>]*data-testid="quick-contact".*?</form>', page, re.S)
    assert form, "no quick contact form on the person's page"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))
    duration = re.search(r'name="duration_minutes"[^>]*value="(\d+)"', form.group(0))
    assert duration is not None
    response = client.post(
        reverse("coordination:contact_new", args=[standing.person.pk]),
        {**fields, "mode": "clinic", "duration_minutes": duration.group(1)},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person", args=[standing.person.pk])
    assert Contact.objects.get().mode == "clinic"


def test_a_planned_appointment_shows_on_the_persons_home_and_then_its_outcome(
    standing: Any, client_for: Any
) -> None:
    when = timezone.now() + timedelta(days=3)
    appointment = _record(
        standing, outcome="planned", starts_at=when, duration_minutes=60, note="At the café"
    )
    home = client_for(standing.person_user).get(reverse("people:my_home")).content.decode()
    next_appointment = re.search(r'data-testid="next-appointment">(.*?)</p>', home, re.S)
    assert next_appointment and "At the café" in next_appointment.group(1)
    assert timezone.localtime(when).strftime("%-d %B %Y") in next_appointment.group(1)
    # Its time has not come: it cannot be said to have happened.
    with pytest.raises(ValidationError):
        services.appointment_outcome(
            actor=standing.coordinator, contact=appointment, outcome="happened"
        )
    Contact.objects.filter(pk=appointment.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    appointment.refresh_from_db()
    response = client_for(standing.coordinator).post(
        reverse("coordination:contact_outcome", args=[standing.person.pk, appointment.pk]),
        {"outcome": "did_not_attend"},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.outcome == ContactOutcome.DID_NOT_ATTEND


def test_face_to_face_and_contact_minutes_by_month(standing: Any) -> None:
    now = timezone.now()
    a_contact(standing, when=now - timedelta(hours=3), mode="home", minutes=50)
    a_contact(standing, when=now - timedelta(hours=2), mode="phone", minutes=10)
    a_contact(standing, when=now - timedelta(hours=1), mode="casework", minutes=30)
    a_contact(
        standing,
        when=now - timedelta(minutes=30),
        mode="clinic",
        minutes=0,
        outcome="did_not_attend",
    )
    this_month = queries.months_of_contact(standing.person, timezone.localdate())[0]
    assert this_month.face_to_face_minutes == 50
    assert this_month.with_people_minutes == 60  # casework is for the person, not with them
    assert (this_month.contacts, this_month.did_not_attend) == (2, 1)


def test_the_person_sees_their_contacts_and_timeline_but_cannot_record(
    standing: Any, client_for: Any
) -> None:
    a_contact(standing, mode="video", minutes=20)
    person = client_for(standing.person_user)
    page = person.get(reverse("coordination:contacts", args=[standing.person.pk]))
    assert page.status_code == 200 and "Video call" in page.content.decode()
    assert "Record a contact" not in page.content.decode()
    timeline = person.get(reverse("coordination:timeline", args=[standing.person.pk]))
    assert "Video call" in timeline.content.decode()
    assert (
        person.get(reverse("coordination:contact_new", args=[standing.person.pk])).status_code
        == 403
    )
