"""The person form records gender and the date the person came onto CPA or CTP."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from ourplan.core.models import AuditEntry
from ourplan.people.models import Person


def _edit_form(person: Person, **changes: str) -> dict[str, str]:
    form = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "nhs_number": person.nhs_number,
        "preferred_language": person.preferred_language,
    }
    return form | changes


def test_a_coordinator_records_gender_and_the_date_care_programme_began(
    standing: Any, client_for: Any
) -> None:
    person = standing.person
    response = client_for(standing.coordinator).post(
        reverse("people:person_edit", args=[person.pk]),
        _edit_form(person, gender="non_binary", care_programme_from="2024-03-05"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.gender == "non_binary"
    assert person.care_programme_from == date(2024, 3, 5)


def test_the_edit_form_offers_both_fields_with_not_asked_yet_for_gender(
    standing: Any, client_for: Any
) -> None:
    page = client_for(standing.coordinator).get(
        reverse("people:person_edit", args=[standing.person.pk])
    )
    html = page.content.decode()
    assert 'name="gender"' in html and 'name="care_programme_from"' in html
    assert "Not asked yet" in html and "Prefer not to say" in html
    assert "---------" not in html


def test_a_new_person_can_be_added_with_both_fields(standing: Any, client_for: Any) -> None:
    response = client_for(standing.coordinator).post(
        reverse("people:person_new"),
        {
            "given_name": "Cai",
            "family_name": "Newperson",
            "date_of_birth": "1990-02-03",
            "nhs_number": "9000000009",
            "preferred_language": "en-gb",
            "gender": "prefer_not_to_say",
            "care_programme_from": "2025-01-10",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(nhs_number="9000000009")
    assert person.gender == "prefer_not_to_say"
    assert person.care_programme_from == date(2025, 1, 10)


def _refused(standing: Any, client_for: Any, began: str) -> str:
    person = standing.person
    updates_before = AuditEntry.objects.filter(action="update").count()
    response = client_for(standing.coordinator).post(
        reverse("people:person_edit", args=[person.pk]),
        _edit_form(person, gender="woman", care_programme_from=began),
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.care_programme_from is None
    assert person.gender == ""
    assert AuditEntry.objects.filter(action="update").count() == updates_before
    html = response.content.decode()
    assert "There is a problem" in html
    return html


def test_a_date_that_does_not_exist_is_refused_and_nothing_is_written(
    standing: Any, client_for: Any
) -> None:
    assert "Enter a valid date" in _refused(standing, client_for, "2024-02-31")


def test_a_date_in_the_future_is_refused_and_nothing_is_written(
    standing: Any, client_for: Any
) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    html = _refused(standing, client_for, tomorrow)
    assert "must be today or in the past" in html


def test_a_date_before_birth_is_refused_and_nothing_is_written(
    standing: Any, client_for: Any
) -> None:
    before_birth = (standing.person.date_of_birth - timedelta(days=1)).isoformat()
    html = _refused(standing, client_for, before_birth)
    assert "must be after their date of birth" in html


def test_an_unknown_gender_is_refused(standing: Any, client_for: Any) -> None:
    person = standing.person
    response = client_for(standing.coordinator).post(
        reverse("people:person_edit", args=[person.pk]), _edit_form(person, gender="robot")
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.gender == ""
