"""Allocation by fit and choice, refused with a clear message when not allowed, and the handover."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.coordination import services
from ourplan.coordination.allocation import Candidate, Wishes, may_coordinate_in_wales, rank
from ourplan.coordination.models import Allocation, Handover, Notification, NotificationKind
from ourplan.core.submissions import new_submission_key
from ourplan.people.models import (
    CareTeamMembership,
    Country,
    Organisation,
    Profession,
    Team,
)
from tests.factories import make_person, make_staff

pytestmark = pytest.mark.django_db


def _candidate(staff_id: int, name: str, **facts: Any) -> Candidate:
    return Candidate(
        staff_id=staff_id,
        name=name,
        profession=facts.pop("profession", "nurse"),
        profession_label=facts.pop("profession_label", "Nurse"),
        **facts,
    )


def test_ranking_puts_fit_before_free_space_and_says_why() -> None:
    roomy = _candidate(1, "Roomy", load=5, target=25)
    welsh = _candidate(2, "Welsh", speaks_welsh=True, load=18, target=25)
    suggestions = rank([roomy, welsh], Wishes(welsh=True), in_wales=False)
    assert [s.candidate.name for s in suggestions] == ["Welsh", "Roomy"]
    assert "; ".join(suggestions[0].reasons) == "speaks Welsh; 18 of 25"
    assert "does not speak Welsh" in suggestions[1].concerns


def test_a_named_wish_and_a_person_to_avoid_count_most() -> None:
    wanted = _candidate(1, "Wanted", load=30, target=25)
    avoided = _candidate(2, "Avoided", load=0, target=25)
    free = _candidate(3, "Free", load=10, target=25)
    suggestions = rank(
        [avoided, free, wanted], Wishes(preferred_staff_id=1, avoided_staff_id=2), in_wales=False
    )
    assert [s.candidate.name for s in suggestions] == ["Wanted", "Free", "Avoided"]
    assert "the person asked for them" in suggestions[0].reasons
    assert "at or over their caseload target" in suggestions[0].concerns
    assert "the person would rather not have them" in suggestions[2].concerns


def test_in_wales_only_the_measures_professions_may_coordinate() -> None:
    assert all(
        may_coordinate_in_wales(p)
        for p in (
            "nurse",
            "social_worker",
            "occupational_therapist",
            "psychologist",
            "psychiatrist",
        )
    )
    assert not any(
        may_coordinate_in_wales(p)
        for p in ("peer_support", "support_worker", "administration", "research", "other")
    )
    peer = _candidate(1, "Peer", profession="peer_support", profession_label="Peer support", load=0)
    nurse = _candidate(2, "Nurse", load=24)
    in_wales = rank([peer, nurse], Wishes(), in_wales=True)
    assert [(s.candidate.name, s.allowed) for s in in_wales] == [("Nurse", True), ("Peer", False)]
    assert "Mental Health (Wales) Measure 2010" in in_wales[1].not_allowed_reason
    assert all(s.allowed for s in rank([peer, nurse], Wishes(), in_wales=False))


def _allocate(standing: Any, staff: Any, **overrides: Any) -> Allocation:
    fields: dict[str, Any] = {
        "actor": standing.manager,
        "person": standing.person,
        "staff": staff,
        "on": timezone.localdate(),
        "reason": "Knows the family",
        "preference_met": "none_given",
        "handover_note": "Mornings are best; ring first.",
    }
    fields.update(overrides)
    return services.allocate(**fields)


def _nothing_written(standing: Any, before: int) -> None:
    assert CareTeamMembership.objects.count() == before
    assert not Allocation.objects.exists()
    assert not Handover.objects.exists()
    current = CareTeamMembership.objects.get(person=standing.person, ended_on__isnull=True)
    assert current.staff == standing.coordinator.staff_member


def test_a_coordinator_of_another_organisation_is_refused_with_a_clear_message(
    standing: Any,
) -> None:
    elsewhere = Organisation.objects.create(
        name="Other Trust", code="OTH01", country=Country.ENGLAND
    )
    team = Team.objects.create(organisation=elsewhere, name="Far team")
    stranger = make_staff("stranger", Role.CARE_COORDINATOR, elsewhere, team).staff_member
    before = CareTeamMembership.objects.count()
    with pytest.raises(ValidationError) as raised:
        _allocate(standing, stranger)
    assert "works for another organisation" in raised.value.message_dict["coordinator"][0]
    _nothing_written(standing, before)


def test_in_wales_a_profession_the_measure_does_not_allow_is_refused(standing: Any) -> None:
    Organisation.objects.filter(pk=standing.organisation.pk).update(country=Country.WALES)
    standing.person.organisation.refresh_from_db()
    peer = make_staff(
        "peerworker",
        Role.CARE_COORDINATOR,
        standing.organisation,
        standing.team,
        Profession.PEER_SUPPORT,
    ).staff_member
    before = CareTeamMembership.objects.count()
    with pytest.raises(ValidationError) as raised:
        _allocate(standing, peer)
    assert (
        "In Wales, this profession (Peer support) may not coordinate care"
        in raised.value.message_dict["coordinator"][0]
    )
    _nothing_written(standing, before)
    # The same person may coordinate in England.
    Organisation.objects.filter(pk=standing.organisation.pk).update(country=Country.ENGLAND)
    standing.person.organisation.refresh_from_db()
    assert _allocate(standing, peer).staff == peer


def test_a_change_without_a_handover_note_is_refused(standing: Any) -> None:
    second = make_staff(
        "second", Role.CARE_COORDINATOR, standing.organisation, standing.team
    ).staff_member
    before = CareTeamMembership.objects.count()
    with pytest.raises(ValidationError) as raised:
        _allocate(standing, second, handover_note="   ")
    assert "Write a handover note" in raised.value.message_dict["handover_note"][0]
    with pytest.raises(ValidationError, match="why this care coordinator"):
        _allocate(standing, second, reason="")
    _nothing_written(standing, before)


def test_a_first_coordinator_needs_no_handover(standing: Any) -> None:
    newcomer = make_person(standing.team, "9990001928", given="Cai")
    allocation = _allocate(
        standing, standing.coordinator.staff_member, person=newcomer, handover_note=""
    )
    assert allocation.membership.person == newcomer
    assert not Handover.objects.exists()


def test_a_change_records_the_choice_and_the_handover_and_tells_everyone(
    standing: Any, client_for: Any
) -> None:
    second_user = make_staff("second", Role.CARE_COORDINATOR, standing.organisation, standing.team)
    second = second_user.staff_member
    services.profile_save(
        actor=second_user,
        staff=second,
        fields={"work_phone": "01632 960123", "how_to_reach": "weekdays 9 to 5"},
    )
    allocation = _allocate(
        standing, second, preference_met="yes", suggestions=[{"staff": second.pk}]
    )
    assert allocation.reason == "Knows the family" and allocation.preference_met == "yes"
    assert allocation.suggestions == [{"staff": second.pk}]
    handover = allocation.handover
    assert (handover.from_staff, handover.to_staff) == (standing.coordinator.staff_member, second)
    kinds = dict(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == {
        "person": NotificationKind.COORDINATOR_CHANGE,
        "second": NotificationKind.HANDOVER,
        "coordinator": NotificationKind.COORDINATOR_CHANGE,
    }
    # The person sees the new name and how to reach them.
    home = client_for(standing.person_user).get(reverse("people:my_home")).content.decode()
    reach = re.search(r'data-testid="reach-coordinator">(.*?)</p>', home, re.S)
    assert reach and "Second Tester" in reach.group(1) and "01632 960123" in reach.group(1)
    # The new coordinator reads the handover, and says so; nobody else can say it for them.
    url = reverse("coordination:handover", args=[standing.person.pk, handover.pk])
    assert "Mornings are best" in client_for(second_user).get(url).content.decode()
    client_for(standing.manager).post(url)
    handover.refresh_from_db()
    assert handover.read_at is None
    client_for(second_user).post(url)
    handover.refresh_from_db()
    assert handover.read_at is not None


def test_the_allocation_page_ranks_and_saves_once(standing: Any, client_for: Any) -> None:
    second = make_staff(
        "second", Role.CARE_COORDINATOR, standing.organisation, standing.team
    ).staff_member
    client = client_for(standing.manager)
    url = reverse("coordination:allocation", args=[standing.person.pk])
    page = client.get(url).content.decode()
    assert re.search(r'data-testid="suggestion">.*?Second Tester.*?0 of 25', page, re.S)
    form = {
        "submission_key": new_submission_key(),
        "coordinator": second.pk,
        "started_on": timezone.localdate().isoformat(),
        "reason": "Has space and knows the area",
        "preference_met": "none_given",
        "handover_note": "See the crisis plan first.",
    }
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    assert Allocation.objects.count() == 1
    missing = client.post(
        url, {**form, "submission_key": new_submission_key(), "handover_note": ""}
    )
    assert "This is already the person" in missing.content.decode()


def test_the_person_records_their_own_preferences_but_not_their_level_of_need(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.person_user)
    url = reverse("coordination:preferences", args=[standing.person.pk])
    assert "need_level" not in client.get(url).content.decode()
    response = client.post(url, {"gender": "woman", "welsh": "on", "need_level": "3"})
    assert response.status_code == 302
    saved = standing.person.allocation_preferences
    assert (saved.gender, saved.welsh, saved.need_level) == ("woman", True, 1)
    with pytest.raises(TypeError):
        services.preferences_save(
            actor=standing.person_user, person=standing.person, fields={"need_level": 3}
        )


def _post_allocation(client: Any, standing: Any, staff: Any, **overrides: Any) -> Any:
    form = {
        "submission_key": new_submission_key(),
        "coordinator": staff.pk,
        "started_on": timezone.localdate().isoformat(),
        "reason": "Has space",
        "preference_met": "none_given",
        "handover_note": "See the crisis plan first.",
    }
    form.update(overrides)
    return client.post(reverse("coordination:allocation", args=[standing.person.pk]), form)


def _page_says_and_nothing_written(response: Any, words: str, standing: Any, before: int) -> None:
    assert response.status_code == 200
    page = re.sub(r"\s+", " ", response.content.decode())
    assert "nhsuk-error-summary" in page
    assert words in page
    _nothing_written(standing, before)


def test_the_allocation_page_refuses_another_organisations_coordinator_and_says_why(
    standing: Any, client_for: Any
) -> None:
    elsewhere = Organisation.objects.create(
        name="Other Trust", code="OTH01", country=Country.ENGLAND
    )
    team = Team.objects.create(organisation=elsewhere, name="Far team")
    stranger = make_staff("stranger", Role.CARE_COORDINATOR, elsewhere, team).staff_member
    before = CareTeamMembership.objects.count()
    response = _post_allocation(client_for(standing.manager), standing, stranger)
    _page_says_and_nothing_written(response, "works for another organisation", standing, before)


def test_the_allocation_page_refuses_a_profession_not_allowed_in_wales_and_says_why(
    standing: Any, client_for: Any
) -> None:
    Organisation.objects.filter(pk=standing.organisation.pk).update(country=Country.WALES)
    peer = make_staff(
        "peerworker",
        Role.CARE_COORDINATOR,
        standing.organisation,
        standing.team,
        Profession.PEER_SUPPORT,
    ).staff_member
    client = client_for(standing.manager)
    page = client.get(reverse("coordination:allocation", args=[standing.person.pk]))
    # Shown among the suggestions with the reason, but not offered as a choice.
    assert f'value="{peer.pk}"' not in page.content.decode()
    before = CareTeamMembership.objects.count()
    response = _post_allocation(client, standing, peer)
    _page_says_and_nothing_written(response, "Mental Health (Wales) Measure 2010", standing, before)


def test_the_allocation_page_asks_for_the_handover_note_and_writes_nothing(
    standing: Any, client_for: Any
) -> None:
    second = make_staff(
        "second", Role.CARE_COORDINATOR, standing.organisation, standing.team
    ).staff_member
    before = CareTeamMembership.objects.count()
    response = _post_allocation(client_for(standing.manager), standing, second, handover_note="")
    _page_says_and_nothing_written(response, "Write a handover note", standing, before)
