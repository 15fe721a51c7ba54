"""Care coordination never crosses an organisation: a coordinator sees only their own
organisation's people (and of those, their team's); a manager sees their team's, or their
whole organisation's where its policy says so, and never another organisation's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.coordination.models import Contact
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.people.models import CareTeamMembership, Country, Organisation, Team
from tests.conftest import VALID_NHS_NUMBERS
from tests.coordination.coordination_builders import a_past_review, a_plan
from tests.factories import make_person, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(standing: Any) -> dict[str, Any]:
    """Another organisation with a person whose review is long overdue, so every list would
    show them if it leaked."""
    organisation = Organisation.objects.create(
        name="Far Trust",
        code="FAR01",
        country=Country.ENGLAND,
        managers_see_whole_organisation=True,
    )
    team = Team.objects.create(organisation=organisation, name="Far team")
    coordinator = make_staff("farcoordinator", Role.CARE_COORDINATOR, organisation, team)
    manager = make_staff("farmanager", Role.TEAM_MANAGER, organisation, team)
    person = make_person(team, VALID_NHS_NUMBERS[3], given="Zed")
    CareTeamMembership.objects.create(
        person=person,
        staff=coordinator.staff_member,
        is_coordinator=True,
        started_on=timezone.localdate() - timedelta(days=500),
    )
    today = timezone.localdate()
    for who in (person, standing.person):
        plan = a_plan(standing, who, started_days_ago=400)
        plan.refresh_from_db()
        a_past_review(
            standing,
            plan,
            held_on=today - timedelta(days=300),
            next_review_on=today - timedelta(days=30),
        )
    return {
        "organisation": organisation,
        "team": team,
        "person": person,
        "coordinator": coordinator,
        "manager": manager,
    }


def test_a_coordinators_worklist_shows_only_their_organisations_people(
    standing: Any, elsewhere: dict[str, Any], client_for: Any
) -> None:
    client = client_for(standing.coordinator)
    html = client.get(reverse("coordination:worklist")).content.decode()
    assert standing.person.full_name in html
    assert "Zed Example" not in html
    section = client.get(reverse("coordination:worklist_section", args=["reviews_overdue"]))
    assert section.status_code == 200
    assert standing.person.full_name in section.content.decode()
    assert "Zed Example" not in section.content.decode()
    # And the other organisation's coordinator sees theirs, not ours.
    theirs = client_for(elsewhere["coordinator"]).get(reverse("coordination:worklist"))
    assert "Zed Example" in theirs.content.decode()
    assert standing.person.full_name not in theirs.content.decode()


@pytest.mark.parametrize(
    "name", ["contacts", "contact_new", "timeline", "allocation", "preferences"]
)
def test_another_organisations_person_is_refused_on_every_coordination_page(
    standing: Any, elsewhere: dict[str, Any], client_for: Any, name: str
) -> None:
    person = elsewhere["person"]
    client = client_for(standing.coordinator)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse(f"coordination:{name}", args=[person.pk]))
    assert response.status_code == 403
    entries = AuditEntry.objects.filter(pk__gt=before)
    assert list(entries.values_list("action", flat=True)) == [AuditAction.DENIED]


def test_a_contact_for_another_organisations_person_is_refused_and_not_written(
    standing: Any, elsewhere: dict[str, Any], client_for: Any
) -> None:
    response = client_for(standing.coordinator).post(
        reverse("coordination:contact_new", args=[elsewhere["person"].pk]),
        {"mode": "phone", "outcome": "happened", "duration_minutes": "20"},
    )
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_a_whole_organisation_manager_sees_their_own_organisation_and_no_other(
    standing: Any, elsewhere: dict[str, Any], client_for: Any
) -> None:
    Organisation.objects.filter(pk=standing.organisation.pk).update(
        managers_see_whole_organisation=True
    )
    client = client_for(standing.manager)
    whole = client.get(
        reverse("coordination:dashboard_people"), {"team": "all", "figure": "people"}
    ).content.decode()
    assert standing.person.full_name in whole
    assert standing.other_person.full_name in whole
    assert "Zed Example" not in whole
    # Asking for the other organisation's team falls back to the manager's own team.
    asked = client.get(
        reverse("coordination:dashboard_people"),
        {"team": str(elsewhere["team"].pk), "figure": "overdue_reviews"},
    ).content.decode()
    assert "Zed Example" not in asked and standing.person.full_name in asked
    export = client.get(
        reverse("coordination:dashboard_export", args=["csv"]), {"team": "all"}
    ).content.decode()
    assert "Farcoordinator" not in export
    dashboard = client.get(reverse("coordination:dashboard"), {"team": "all"}).content.decode()
    assert "Far team" not in dashboard and "Farcoordinator" not in dashboard


def test_the_other_organisations_manager_sees_none_of_ours(
    standing: Any, elsewhere: dict[str, Any], client_for: Any
) -> None:
    client = client_for(elsewhere["manager"])
    whole = client.get(
        reverse("coordination:dashboard_people"), {"team": "all", "figure": "people"}
    ).content.decode()
    assert "Zed Example" in whole
    assert standing.person.full_name not in whole
    assert standing.other_person.full_name not in whole
