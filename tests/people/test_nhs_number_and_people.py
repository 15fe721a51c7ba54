"""People records: NHS number checks, clear errors, nothing half-written, history kept."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from ourplan.people import services
from ourplan.people.models import CareTeamMembership, Person
from ourplan.people.nhs_number import format_nhs_number, is_valid_nhs_number, validate_nhs_number


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "943-476-5870", "4010232137"])
def test_valid_nhs_numbers_pass_the_modulus_11_check(number: str) -> None:
    assert is_valid_nhs_number(number)
    validate_nhs_number(number)


@pytest.mark.parametrize(
    "number", ["9434765918", "1234567890", "943476591", "94347659190", "abcdefghij", ""]
)
def test_invalid_nhs_numbers_are_refused(number: str) -> None:
    assert not is_valid_nhs_number(number)
    with pytest.raises(ValidationError):
        validate_nhs_number(number)


def test_a_check_digit_of_ten_is_never_valid() -> None:
    # 1000000010: the weighted sum of the first nine digits is 10 + 1*2 = 12 -> 11 - 1 = 10.
    assert not is_valid_nhs_number("1000000010")


def test_nhs_numbers_are_shown_in_three_groups() -> None:
    assert format_nhs_number("9434765919") == "943 476 5919"


def _new_person_form(nhs_number: str) -> dict[str, str]:
    return {
        "given_name": "Cai",
        "family_name": "Newperson",
        "date_of_birth": "1990-02-03",
        "nhs_number": nhs_number,
        "preferred_language": "en-gb",
    }


def test_adding_a_person_with_an_invalid_nhs_number_shows_a_clear_error_and_saves_nothing(
    standing: Any, client_for: Any
) -> None:
    before = Person.objects.count()
    response = client_for(standing.coordinator).post(
        reverse("people:person_new"), _new_person_form("9434765918")
    )
    assert response.status_code == 200
    assert "This NHS number is not valid" in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert Person.objects.count() == before


def test_adding_a_person_with_a_duplicate_nhs_number_shows_a_clear_error_and_saves_nothing(
    standing: Any, client_for: Any
) -> None:
    before = Person.objects.count()
    duplicate = format_nhs_number(
        standing.person.nhs_number
    )  # typed with spaces, still a duplicate
    response = client_for(standing.coordinator).post(
        reverse("people:person_new"), _new_person_form(duplicate)
    )
    assert response.status_code == 200
    assert "Another person already has this NHS number" in response.content.decode()
    assert Person.objects.count() == before


def test_a_person_added_with_a_coordinator_gets_a_first_coordinator_spell(
    standing: Any, client_for: Any
) -> None:
    form = _new_person_form("9000000009") | {
        "coordinator": str(standing.coordinator.staff_member.pk)
    }
    response = client_for(standing.coordinator).post(reverse("people:person_new"), form)
    assert response.status_code == 302
    person = Person.objects.get(nhs_number="9000000009")
    assert person.team == standing.team
    spell = CareTeamMembership.objects.get(person=person)
    assert spell.is_coordinator and spell.ended_on is None


def test_a_date_of_birth_in_the_future_is_refused(standing: Any, client_for: Any) -> None:
    form = _new_person_form("9000000009") | {"date_of_birth": "2999-01-01"}
    response = client_for(standing.coordinator).post(reverse("people:person_new"), form)
    assert "Date of birth must be in the past" in response.content.decode()
    assert not Person.objects.filter(nhs_number="9000000009").exists()


def test_changing_coordinator_needs_a_reason_and_keeps_the_history(standing: Any) -> None:
    from tests.factories import make_staff

    new = make_staff("newcoordinator", "care_coordinator", standing.organisation, standing.team)
    with pytest.raises(ValidationError) as refused:
        services.coordinator_change(
            actor=standing.manager,
            person=standing.person,
            coordinator=new.staff_member,
            on=date(2025, 6, 1),
        )
    assert "reason" in refused.value.message_dict
    assert (
        CareTeamMembership.objects.filter(person=standing.person, ended_on__isnull=True).count()
        == 1
    )

    services.coordinator_change(
        actor=standing.manager,
        person=standing.person,
        coordinator=new.staff_member,
        on=date(2025, 6, 1),
        reason="Coordinator left the team",
    )
    spells = list(CareTeamMembership.objects.filter(person=standing.person).order_by("started_on"))
    assert [s.staff_id for s in spells] == [
        standing.coordinator.staff_member.pk,
        new.staff_member.pk,
    ]
    assert (
        spells[0].ended_on == date(2025, 6, 1)
        and spells[0].end_reason == "Coordinator left the team"
    )
    assert spells[0].history.count() == 2  # created, then ended


def test_a_coordinator_from_another_team_cannot_be_named(standing: Any) -> None:
    with pytest.raises(ValidationError):
        services.coordinator_change(
            actor=standing.manager,
            person=standing.person,
            coordinator=standing.other_team_coordinator.staff_member,
            on=date(2025, 6, 1),
            reason="x",
        )


def test_every_change_to_a_person_keeps_who_when_and_before_and_after(standing: Any) -> None:
    services.person_update(
        actor=standing.coordinator, person=standing.person, fields={"preferred_name": "Addie"}
    )
    latest, previous = list(standing.person.history.all()[:2])
    assert latest.preferred_name == "Addie" and previous.preferred_name == ""
    assert latest.history_user == standing.coordinator
    delta = latest.diff_against(previous)
    assert [change.field for change in delta.changes] == ["preferred_name"]


def test_bulk_team_moves_keep_a_history_row_for_every_person(standing: Any) -> None:
    from tests.factories import make_person

    second = make_person(standing.team, "4010232137", given="Cy")
    counts = {p.pk: p.history.count() for p in (standing.person, second)}
    services.team_transfer(
        actor=standing.manager, people=[standing.person, second], team=standing.other_team
    )
    for person in (standing.person, second):
        assert person.history.count() == counts[person.pk] + 1
        assert person.history.first().team_id == standing.other_team.pk


def test_records_are_never_hard_deleted_but_can_be_restricted(
    standing: Any, client_for: Any
) -> None:
    with pytest.raises(ProtectedError):
        standing.person.delete()
    services.person_restrict(
        actor=standing.manager, person=standing.person, reason="Duplicate record"
    )
    assert Person.objects.filter(pk=standing.person.pk).exists()
    response = client_for(standing.coordinator).get(reverse("people:caseload"))
    assert standing.person.nhs_number_display not in response.content.decode()
    assert (
        client_for(standing.coordinator)
        .get(reverse("people:person", args=[standing.person.pk]))
        .status_code
        == 403
    )


def test_a_person_can_change_their_own_contact_details_but_not_their_nhs_number(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.person_user)
    response = client.post(
        reverse("people:my_details"),
        {
            "preferred_name": "Addie",
            "preferred_language": "cy",
            "phone": "07700 900123",
            "nhs_number": "9000000009",
        },
    )
    assert response.status_code == 302
    standing.person.refresh_from_db()
    assert standing.person.preferred_name == "Addie"
    assert standing.person.nhs_number == "9434765919"


# NHS numbers in other scripts' digits: one canonical form, stored, compared and searched.

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    "written",
    [
        "9434765919",
        "943 476 5919",
        "943-476-5919",
        "943\u2013476\u20135919",  # en dashes
        "943\u00a0476\u00a05919",  # no-break spaces
        "9434765919".translate(ARABIC_INDIC),
        "943 476 5919".translate(FULL_WIDTH),
    ],
)
def test_an_nhs_number_written_any_way_has_one_canonical_form(written: str) -> None:
    from ourplan.people.nhs_number import canonical_nhs_number, looks_like_nhs_number

    assert canonical_nhs_number(written) == "9434765919"
    assert looks_like_nhs_number(written)


@pytest.mark.parametrize(
    "text", ["9434765918".translate(ARABIC_INDIC), "943476591x", "94347659190", "", "phone 0300"]
)
def test_text_that_is_not_one_valid_nhs_number_has_no_canonical_form(text: str) -> None:
    from ourplan.people.nhs_number import canonical_nhs_number, looks_like_nhs_number

    assert canonical_nhs_number(text) is None
    assert not looks_like_nhs_number(text)


def test_a_duplicate_nhs_number_in_arabic_indic_digits_is_refused(
    standing: Any, client_for: Any
) -> None:
    before = Person.objects.count()
    response = client_for(standing.coordinator).post(
        reverse("people:person_new"),
        _new_person_form(standing.person.nhs_number.translate(ARABIC_INDIC)),
    )
    assert response.status_code == 200
    assert "Another person already has this NHS number" in response.content.decode()
    assert Person.objects.count() == before


def test_a_person_added_in_arabic_indic_digits_is_stored_in_ascii_and_found_by_search(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.coordinator)
    response = client.post(
        reverse("people:person_new"), _new_person_form("9000000009".translate(ARABIC_INDIC))
    )
    assert response.status_code == 302
    person = Person.objects.get(given_name="Cai")
    assert person.nhs_number == "9000000009"
    for typed in ("900 000 0009", "9000000009".translate(ARABIC_INDIC), "9000"):
        found = client.get(reverse("people:caseload"), {"q": typed}).context["page"]
        assert person in list(found), typed


def test_the_service_stores_the_canonical_form_too(standing: Any) -> None:
    person = services.person_create(
        actor=standing.coordinator,
        team=standing.team,
        given_name="Dai",
        family_name="Service",
        date_of_birth=date(1970, 1, 1),
        nhs_number="900 000 0009".translate(FULL_WIDTH),
    )
    person.refresh_from_db()
    assert person.nhs_number == "9000000009"


def _canonicalising_migration() -> Any:
    import importlib

    return importlib.import_module("ourplan.people.migrations.0003_nhs_numbers_in_ascii_digits")


def test_the_migration_turns_stored_numbers_into_ascii_digits(standing: Any) -> None:
    from django.apps import apps

    ascii_digits = standing.other_person.nhs_number
    Person.objects.filter(pk=standing.other_person.pk).update(
        nhs_number=ascii_digits.translate(ARABIC_INDIC)
    )
    _canonicalising_migration().canonicalise_nhs_numbers(apps, None)
    standing.other_person.refresh_from_db()
    assert standing.other_person.nhs_number == ascii_digits


def test_the_migration_stops_at_two_records_for_one_number(standing: Any) -> None:
    from django.apps import apps

    from tests.factories import make_person

    twin = make_person(standing.team, standing.person.nhs_number.translate(ARABIC_INDIC))
    with pytest.raises(RuntimeError, match="same NHS number"):
        _canonicalising_migration().canonicalise_nhs_numbers(apps, None)
    twin.refresh_from_db()
    assert twin.nhs_number == standing.person.nhs_number.translate(ARABIC_INDIC)
