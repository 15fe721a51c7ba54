"""An organisation documents whether people see what their supporters send, and keeps its word."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ourplan.consent import services
from ourplan.consent.models import Contribution, ContributionVisibility, OrganisationConsentPolicy
from ourplan.core.models import AuditEntry
from tests.plans.submitted import keyed

pytestmark = pytest.mark.django_db

URL = reverse("consent:contribution_policy")


def _send(standing: Any, text: str, **extra: Any) -> Contribution:
    return services.contribution_send(
        actor=standing.supporter,
        supporter=standing.supporter_record,
        kind="information",
        text=text,
        **extra,
    )


def _person_sees(standing: Any, client_for: Any, text: str) -> bool:
    page = client_for(standing.person_user).get(
        reverse("consent:sharing", args=[standing.person.pk])
    )
    assert page.status_code == 200
    return text in page.content.decode()


def test_an_administrator_documents_the_policy_with_a_reason(
    standing: Any, client_for: Any
) -> None:
    admin = client_for(standing.administrator)
    before = admin.get(URL).content.decode()
    assert "No policy has been documented yet" in before
    response = admin.post(
        URL, {"person_sees_contributions": "unless_asked", "reason": "Agreed with carers' forum"}
    )
    assert response.status_code == 302
    policy = OrganisationConsentPolicy.objects.get(organisation=standing.organisation)
    assert policy.person_sees_contributions == "unless_asked"
    assert policy.changed_by == standing.administrator
    assert policy.reason == "Agreed with carers' forum"
    entry = AuditEntry.objects.filter(object_type="contribution_policy").get()
    assert entry.actor_id == standing.administrator.pk and entry.person_id is None
    page = admin.get(URL).content.decode()
    assert "Agreed with carers&#x27; forum" in page
    organisation_page = admin.get(reverse("people:organisation")).content.decode()
    assert str(ContributionVisibility.UNLESS_ASKED.label) in organisation_page


def test_each_change_is_kept_in_the_policy_history(standing: Any, client_for: Any) -> None:
    admin = client_for(standing.administrator)
    admin.post(URL, {"person_sees_contributions": "always", "reason": "First decision"})
    admin.post(URL, {"person_sees_contributions": "never", "reason": "Reversed after complaint"})
    page = admin.get(URL).content.decode()
    assert "First decision" in page and "Reversed after complaint" in page
    policy = OrganisationConsentPolicy.objects.get()
    assert [v.person_sees_contributions for v in policy.history.order_by("history_date")] == [
        "always",
        "never",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"person_sees_contributions": "sometimes", "reason": "x"}, "Select a valid choice"),
        ({"person_sees_contributions": "always", "reason": "  "}, "Say why"),
        ({"reason": "no choice made"}, "Choose one of the policies listed"),
    ],
)
def test_a_bad_policy_is_refused_clearly_and_nothing_changes(
    standing: Any, client_for: Any, data: dict[str, str], message: str
) -> None:
    OrganisationConsentPolicy.objects.create(
        organisation=standing.organisation, person_sees_contributions="never", reason="Start"
    )
    response = client_for(standing.administrator).post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    policy = OrganisationConsentPolicy.objects.get()
    assert (policy.person_sees_contributions, policy.reason) == ("never", "Start")
    assert not AuditEntry.objects.filter(object_type="contribution_policy").exists()


def test_staff_who_are_not_administrators_cannot_change_the_policy(
    standing: Any, client_for: Any
) -> None:
    for user in (standing.manager, standing.coordinator, standing.person_user, standing.supporter):
        response = client_for(user).post(
            URL, {"person_sees_contributions": "always", "reason": "try"}
        )
        assert response.status_code == 403
    assert not OrganisationConsentPolicy.objects.exists()


def test_a_more_open_policy_does_not_reveal_what_was_sent_under_a_stricter_one(
    standing: Any, client_for: Any
) -> None:
    _send(standing, "Sent while only staff would see it")
    services.contribution_policy_set(
        actor=standing.administrator,
        organisation=standing.organisation,
        person_sees_contributions="always",
        reason="Openness",
    )
    _send(standing, "Sent once the person could see it")
    assert not _person_sees(standing, client_for, "Sent while only staff would see it")
    assert _person_sees(standing, client_for, "Sent once the person could see it")
    staff_page = client_for(standing.coordinator).get(
        reverse("consent:contributions", args=[standing.person.pk])
    )
    assert "Sent while only staff would see it" in staff_page.content.decode()


def test_a_stricter_policy_hides_what_was_shown_before(standing: Any, client_for: Any) -> None:
    services.contribution_policy_set(
        actor=standing.administrator,
        organisation=standing.organisation,
        person_sees_contributions="always",
        reason="Openness",
    )
    _send(standing, "Shared at first")
    assert _person_sees(standing, client_for, "Shared at first")
    services.contribution_policy_set(
        actor=standing.administrator,
        organisation=standing.organisation,
        person_sees_contributions="never",
        reason="Closed",
    )
    assert not _person_sees(standing, client_for, "Shared at first")


def test_unless_asked_policy_still_honours_the_supporters_request(
    standing: Any, client_for: Any
) -> None:
    services.contribution_policy_set(
        actor=standing.administrator,
        organisation=standing.organisation,
        person_sees_contributions="unless_asked",
        reason="Default",
    )
    _send(standing, "Please keep this between us", ask_not_shown=True)
    _send(standing, "Happy for this to be seen")
    services.contribution_policy_set(
        actor=standing.administrator,
        organisation=standing.organisation,
        person_sees_contributions="always",
        reason="Openness",
    )
    assert not _person_sees(standing, client_for, "Please keep this between us")
    assert _person_sees(standing, client_for, "Happy for this to be seen")


def test_the_supporter_keeps_the_promise_they_were_shown_if_policy_opens_meanwhile(
    standing: Any, client_for: Any
) -> None:
    carer = client_for(standing.supporter)
    form = carer.get(reverse("consent:contribute")).content.decode()
    assert 'name="policy_shown" value="never"' in form
    services.contribution_policy_set(
        actor=standing.administrator,
        organisation=standing.organisation,
        person_sees_contributions="always",
        reason="Opened while the carer was writing",
    )
    response = carer.post(
        reverse("consent:contribute"),
        keyed(
            {
                "kind": "information",
                "text": "Written under the old promise",
                "policy_shown": "never",
            }
        ),
    )
    assert response.status_code == 302
    assert Contribution.objects.get().visibility_when_sent == "never"
    assert not _person_sees(standing, client_for, "Written under the old promise")


def test_stricter_picks_the_policy_that_shows_less() -> None:
    never, unless, always = "never", "unless_asked", "always"
    assert ContributionVisibility.stricter(always, never) == never
    assert ContributionVisibility.stricter(unless, always) == unless
    assert ContributionVisibility.stricter(always, always) == always


def test_each_demo_organisation_has_a_documented_policy_once() -> None:
    from ourplan.consent.demo import load_demo_consent
    from ourplan.people.demo import load_demo
    from ourplan.people.models import Organisation

    load_demo()
    load_demo_consent()
    load_demo_consent()
    for organisation in Organisation.objects.all():
        policy = OrganisationConsentPolicy.objects.get(organisation=organisation)
        assert policy.reason and policy.changed_by is not None
        assert policy.history.count() == 1
