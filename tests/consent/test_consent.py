"""Sharing agreements, crisis sharing, contributions, carers' needs, revisits and FHIR."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ourplan.consent import services
from ourplan.consent.fhir import consent_to_fhir
from ourplan.consent.models import (
    CarerProfile,
    Contribution,
    ContributionVisibility,
    CrisisDisclosure,
    CrisisSharing,
    OrganisationConsentPolicy,
    RecordedHow,
    SharingAgreement,
)
from ourplan.people.models import Supporter, SupporterKind
from tests.consent.consent_network import MARKERS, write_plan
from tests.plans.submitted import keyed

pytestmark = pytest.mark.django_db


def _share(standing: Any, parts: list[str], **extra: Any) -> SharingAgreement:
    return services.agreement_set(
        actor=standing.person_user,
        person=standing.person,
        supporter=standing.supporter_record,
        parts=parts,
        **extra,
    )


def test_nothing_is_shared_by_default(standing: Any, client_for: Any) -> None:
    write_plan(standing)
    page = client_for(standing.supporter).get(reverse("consent:supporter_home")).content.decode()
    assert "Nothing is shared with you at the moment" in page
    assert not any(marker in page for marker in MARKERS.values())


def test_the_person_shares_the_crisis_plan_online(standing: Any, client_for: Any) -> None:
    write_plan(standing)
    url = reverse("consent:agreement_edit", args=[standing.person.pk, standing.supporter_record.pk])
    response = client_for(standing.person_user).post(url, {"parts": ["crisis"]})
    assert response.status_code == 302
    agreement = SharingAgreement.objects.get(supporter=standing.supporter_record)
    assert agreement.parts == ["crisis"]
    assert agreement.recorded_how == RecordedHow.ONLINE
    assert agreement.set_by == standing.person_user
    page = client_for(standing.supporter).get(reverse("consent:supporter_home")).content.decode()
    assert MARKERS["crisis"] in page and MARKERS["goals"] not in page
    assert "Goals and progress" in page  # named as not shared


def test_a_coordinator_records_how_the_person_told_them(standing: Any, client_for: Any) -> None:
    url = reverse("consent:agreement_edit", args=[standing.person.pk, standing.supporter_record.pk])
    client = client_for(standing.coordinator)
    refused = client.post(url, {"parts": ["goals"]})
    assert refused.status_code == 400
    assert not SharingAgreement.objects.exists()
    client.post(
        url,
        {"parts": ["goals"], "recorded_how": "on_instruction", "capacity_note": "Has capacity"},
    )
    agreement = SharingAgreement.objects.get()
    assert (agreement.recorded_how, agreement.capacity_note) == ("on_instruction", "Has capacity")
    assert agreement.history.count() == 1


def test_revoking_takes_effect_on_the_next_request(standing: Any, client_for: Any) -> None:
    write_plan(standing)
    agreement = _share(standing, ["crisis", "goals"])
    carer = client_for(standing.supporter)
    assert MARKERS["crisis"] in carer.get(reverse("consent:supporter_home")).content.decode()
    client_for(standing.person_user).post(
        reverse("consent:agreement_stop", args=[standing.person.pk, agreement.pk])
    )
    page = carer.get(reverse("consent:supporter_home")).content.decode()
    assert not any(marker in page for marker in MARKERS.values())
    assert carer.get(reverse("consent:shared_pdf")).status_code == 403
    agreement.refresh_from_db()
    assert agreement.revoked_at is not None
    assert agreement.history.count() == 2


def test_sharing_with_another_persons_supporter_is_refused(standing: Any, client_for: Any) -> None:
    stranger = Supporter.objects.create(
        person=standing.other_person, given_name="Zed", kind=SupporterKind.FRIEND, relationship="x"
    )
    url = reverse("consent:agreement_edit", args=[standing.person.pk, stranger.pk])
    assert client_for(standing.person_user).post(url, {"parts": ["crisis"]}).status_code == 403
    with pytest.raises(ValidationError):
        services.agreement_set(
            actor=standing.person_user, person=standing.person, supporter=stranger, parts=["crisis"]
        )
    assert not SharingAgreement.objects.exists()


def test_an_end_date_before_the_start_is_refused(standing: Any, client_for: Any) -> None:
    url = reverse("consent:agreement_edit", args=[standing.person.pk, standing.supporter_record.pk])
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client_for(standing.person_user).post(
        url, {"parts": ["crisis"], "ends_on": yesterday.isoformat()}
    )
    assert response.status_code == 400
    assert "end date" in response.content.decode()
    with pytest.raises(ValidationError):
        _share(standing, ["crisis"], starts_on=timezone.localdate(), ends_on=yesterday)
    assert not SharingAgreement.objects.exists()


def test_a_tampered_agreement_id_changes_nothing(standing: Any, client_for: Any) -> None:
    other_supporter = Supporter.objects.create(
        person=standing.other_person, given_name="Zed", kind=SupporterKind.FRIEND, relationship="x"
    )
    theirs = services.agreement_set(
        actor=standing.other_person_user,
        person=standing.other_person,
        supporter=other_supporter,
        parts=["goals"],
    )
    client = client_for(standing.person_user)
    response = client.post(reverse("consent:agreement_stop", args=[standing.person.pk, theirs.pk]))
    assert response.status_code == 403
    response = client.post(
        reverse("consent:agreement_stop", args=[standing.other_person.pk, theirs.pk])
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_crisis_sharing_needs_a_reason_and_a_limit(standing: Any, client_for: Any) -> None:
    url = reverse("consent:crisis_sharing", args=[standing.person.pk])
    client = client_for(standing.coordinator)
    assert client.post(url, keyed({"reason": "", "hours": 24})).status_code == 400
    assert client.post(url, keyed({"reason": "Admitted", "hours": 73})).status_code == 400
    assert not CrisisSharing.objects.exists()
    with pytest.raises(ValidationError):
        services.crisis_sharing_start(
            actor=standing.coordinator, person=standing.person, reason=" ", hours=4
        )
    assert client.post(url, keyed({"reason": "Admitted", "hours": 72})).status_code == 302
    crisis = CrisisSharing.objects.get()
    assert crisis.ends_at - crisis.started_at == timedelta(hours=72)
    assert (
        client_for(standing.person_user).post(url, keyed({"reason": "x", "hours": 1})).status_code
        == 403
    )


def test_crisis_sharing_shows_the_advance_agreement_logged_for_the_person(
    standing: Any, client_for: Any
) -> None:
    write_plan(standing)
    _share(standing, [], crisis_parts=["crisis"])
    carer = client_for(standing.supporter)
    assert MARKERS["crisis"] not in carer.get(reverse("consent:supporter_home")).content.decode()
    services.crisis_sharing_start(
        actor=standing.coordinator, person=standing.person, reason="Admitted", hours=12
    )
    page = carer.get(reverse("consent:supporter_home")).content.decode()
    assert MARKERS["crisis"] in page and "Crisis sharing is on" in page
    assert CrisisDisclosure.objects.filter(part="crisis").count() == 1
    mine = client_for(standing.person_user).get(
        reverse("consent:sharing", args=[standing.person.pk])
    )
    assert 'data-testid="crisis-disclosures"' in mine.content.decode()
    crisis = CrisisSharing.objects.get()
    services.crisis_sharing_end(actor=standing.coordinator, crisis=crisis)
    assert MARKERS["crisis"] not in carer.get(reverse("consent:supporter_home")).content.decode()


def test_a_carer_with_nothing_shared_is_heard_and_acknowledged(
    standing: Any, client_for: Any
) -> None:
    carer = client_for(standing.supporter)
    response = carer.post(
        reverse("consent:contribute"),
        keyed({"kind": "concern", "text": "Not eating", "ask_not_shown": "on"}),
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert (
        carer.post(
            reverse("consent:contribute"), keyed({"kind": "concern", "text": " "})
        ).status_code
        == 400
    )
    staff = client_for(standing.coordinator)
    page = staff.get(reverse("consent:contributions", args=[standing.person.pk])).content.decode()
    assert "Not eating" in page
    staff.post(
        reverse("consent:contribution_respond", args=[standing.person.pk, contribution.pk]),
        {"reply": "Thank you, we will call her today."},
    )
    contribution.refresh_from_db()
    assert contribution.acknowledged_by == standing.coordinator
    home = carer.get(reverse("consent:supporter_home")).content.decode()
    assert "Read by the team" in home and "we will call her today" in home


@pytest.mark.parametrize(
    ("policy", "shown"),
    [("never", False), ("unless_asked", False), ("always", True)],
)
def test_the_person_sees_contributions_as_the_policy_says(
    standing: Any, client_for: Any, policy: str, shown: bool
) -> None:
    OrganisationConsentPolicy.objects.create(
        organisation=standing.organisation, person_sees_contributions=policy
    )
    services.contribution_send(
        actor=standing.supporter,
        supporter=standing.supporter_record,
        kind="concern",
        text="Not eating",
        ask_not_shown=True,
    )
    page = client_for(standing.person_user).get(
        reverse("consent:sharing", args=[standing.person.pk])
    )
    assert ("Not eating" in page.content.decode()) is shown
    assert ContributionVisibility(policy)


def test_a_carers_own_needs_are_private_unless_shared(standing: Any, client_for: Any) -> None:
    carer = client_for(standing.supporter)
    carer.post(reverse("consent:my_needs"), {"own_needs": "I need a break"})
    carer.post(reverse("consent:check_in"), keyed({"score": "2", "note": "tired"}))
    assert standing.supporter_record.wellbeing_check_ins.get().score == 2
    url = reverse("consent:carer_support", args=[standing.person.pk, standing.supporter_record.pk])
    staff = client_for(standing.coordinator)
    assert "I need a break" in staff.get(url).content.decode()
    staff.post(url, {"assessment_offered_on": "2026-01-05", "assessment_outcome": "Accepted"})
    assert CarerProfile.objects.get().assessment_outcome == "Accepted"
    person = client_for(standing.person_user)
    sharing_url = reverse("consent:sharing", args=[standing.person.pk])
    assert "I need a break" not in person.get(sharing_url).content.decode()
    assert person.get(url).status_code == 403
    carer.post(
        reverse("consent:my_needs"), {"own_needs": "I need a break", "shared_with_person": "on"}
    )
    assert "I need a break" in person.get(sharing_url).content.decode()


def test_the_person_sees_what_each_supporter_viewed(standing: Any, client_for: Any) -> None:
    write_plan(standing)
    _share(standing, ["goals"])
    client_for(standing.supporter).get(reverse("consent:supporter_home"))
    page = client_for(standing.person_user).get(
        reverse("consent:sharing", args=[standing.person.pk])
    )
    text = page.content.decode()
    assert "Mo Example (carer) saw your goals" in text
    assert "supporter_home" not in text and "shared_view" not in text
    access_log = (
        client_for(standing.person_user).get(reverse("record_access:mine")).content.decode()
    )
    assert standing.supporter.display_name in access_log


def test_revisit_is_at_the_next_review_and_at_most_six_months(
    standing: Any, client_for: Any
) -> None:
    agreement = _share(standing, ["goals"])
    today = timezone.localdate()
    assert agreement.revisit_on == today + timedelta(days=182)
    write_plan(standing)  # adds a review whose next date is in 300 days: six months still wins
    from ourplan.plans.models import Review

    Review.objects.update(next_review_on=today + timedelta(days=60))
    agreement = _share(standing, ["goals", "crisis"])
    assert agreement.revisit_on == today + timedelta(days=60)
    SharingAgreement.objects.filter(pk=agreement.pk).update(revisit_on=today)
    due = client_for(standing.coordinator).get(reverse("consent:revisits_due")).content.decode()
    assert standing.supporter_record.full_name in due
    review = client_for(standing.coordinator).get(
        reverse("plans:review", args=[standing.person.pk])
    )
    assert 'data-testid="review-sharing-prompt"' in review.content.decode()


def test_agreements_map_to_valid_fhir_r4_consent(standing: Any) -> None:
    from fhir.resources.R4B.consent import Consent

    agreement = _share(standing, ["crisis", "goals"], crisis_parts=["safety"])
    resource = consent_to_fhir(agreement)
    consent = Consent.model_validate(resource)
    assert consent.status == "active"
    assert resource["provision"]["type"] == "deny"
    permits = resource["provision"]["provision"]
    assert [c["code"] for c in permits[0]["class"]] == ["goals", "crisis"]
    assert permits[1]["purpose"][0]["code"] == "ETREAT"
    assert (
        permits[0]["actor"][0]["reference"]["reference"]
        == f"RelatedPerson/{standing.supporter_record.pk}"
    )
    services.agreement_revoke(actor=standing.person_user, agreement=agreement)
    agreement.refresh_from_db()
    assert Consent.model_validate(consent_to_fhir(agreement)).status == "inactive"


def test_the_demo_has_every_kind_of_supporter_and_sharing(db: Any) -> None:
    from ourplan.consent.demo import load_demo_consent
    from ourplan.people.demo import load_demo
    from ourplan.plans.demo import load_demo_plans

    load_demo()
    load_demo_plans()
    load_demo_consent()
    load_demo_consent()
    supporter = Supporter.objects.get(user__username="supporter")
    assert SharingAgreement.objects.get(supporter=supporter, revoked_at__isnull=True).parts
    network = Supporter.objects.filter(person=supporter.person)
    assert {s.kind for s in network} >= {"carer", "family", "friend", "advocate"}
    assert network.filter(is_nearest_relative=True).exists()
    assert network.filter(is_identified_carer=True).exists()
