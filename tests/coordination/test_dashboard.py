"""The team dashboard: figures that match the people behind them, exports that are safe and audited."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ourplan.accounts.models import Role
from ourplan.consent.models import CarerProfile
from ourplan.coordination import services
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.people.models import CareTeamMembership, Organisation
from tests.coordination.coordination_builders import a_contact, a_past_review, a_plan
from tests.factories import make_person, make_staff

pytestmark = pytest.mark.django_db


def _page(client: Any, name: str = "coordination:dashboard", **query: Any) -> str:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return response.content.decode()


def _coordinator_row(page: str, name: str) -> list[str]:
    for row in re.findall(
        r'<tr class="nhsuk-table__row" data-testid="coordinator-row">(.*?)</tr>', page, re.S
    ):
        if name in row:
            return [
                re.sub(r"<[^>]+>|\s+", " ", cell).strip()
                for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            ]
    raise AssertionError(f"no row for {name}")


def test_caseload_against_target_and_the_people_behind_each_figure(
    standing: Any, client_for: Any
) -> None:
    today = timezone.localdate()
    plan = a_plan(standing, started_days_ago=400)
    a_past_review(
        standing, plan, held_on=today - timedelta(days=300), next_review_on=date(2020, 5, 1)
    )
    services.profile_save(
        actor=standing.manager,
        staff=standing.coordinator.staff_member,
        fields={"caseload_target": 1},
    )
    unallocated = make_person(standing.team, "9990001928", given="Cai")
    a_contact(standing, mode="home", minutes=60)
    a_contact(standing, mode="casework", minutes=40)
    client = client_for(standing.manager)
    page = _page(client)
    row = _coordinator_row(page, "Coordinator Tester")
    assert row[1].startswith("1 / 1")
    assert row[2].startswith("1")  # a review overdue
    assert "60" in row[7] and "60%" in row[8]  # 60 of 100 recorded minutes with people
    assert "Without a care coordinator" in page
    behind = _page(client, "coordination:dashboard_people", figure="overdue_reviews")
    assert standing.person.full_name in behind and unallocated.full_name not in behind
    nobody = _page(client, "coordination:dashboard_people", figure="people", coordinator="none")
    assert unallocated.full_name in nobody and standing.person.full_name not in nobody
    # The other team's people are not in this manager's figures.
    assert standing.other_person.full_name not in _page(
        client, "coordination:dashboard_people", figure="people"
    )


def test_carers_offered_an_assessment(standing: Any, client_for: Any) -> None:
    client = client_for(standing.manager)
    assert "0 of 1" in _page(client)
    assert standing.person.full_name in _page(
        client, "coordination:dashboard_people", figure="carers_not_offered"
    )
    CarerProfile.objects.create(
        supporter=standing.supporter_record, assessment_offered_on=timezone.localdate()
    )
    assert "1 of 1" in _page(client)
    assert standing.person.full_name not in _page(
        client, "coordination:dashboard_people", figure="carers_not_offered"
    )


def test_continuity_figures_count_changes_in_the_last_year(standing: Any, client_for: Any) -> None:
    second = make_staff(
        "second", Role.CARE_COORDINATOR, standing.organisation, standing.team
    ).staff_member
    services.allocate(
        actor=standing.manager,
        person=standing.person,
        staff=second,
        on=timezone.localdate(),
        reason="Asked for a change",
        preference_met="yes",
        handover_note="All in the plan",
    )
    page = _page(client_for(standing.manager))
    assert "1 change, for 1 person" in re.sub(r"\s+", " ", page)
    assert standing.person.full_name in _page(
        client_for(standing.manager), "coordination:dashboard_people", figure="changed_coordinator"
    )


def test_the_export_is_formula_safe_and_audited(standing: Any, client_for: Any) -> None:
    standing.coordinator.first_name = '=HYPERLINK("http://x")'
    standing.coordinator.save(update_fields=["first_name"])
    client = client_for(standing.manager)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = client.get(reverse("coordination:dashboard_export", args=["csv"]))
    assert response["Content-Disposition"].startswith('attachment; filename="team-dashboard-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Care coordinator"
    names = [row[0] for row in rows[1:]]
    assert any(name.startswith("'=HYPERLINK") for name in names)
    assert rows[-1][0] == "All"
    exported = AuditEntry.objects.filter(pk__gt=before, action=AuditAction.EXPORT)
    assert list(exported.values_list("object_type", "object_id", "person")) == [
        ("team_dashboard", str(standing.team.pk), None)
    ]
    book = load_workbook(
        io.BytesIO(client.get(reverse("coordination:dashboard_export", args=["xlsx"])).content)
    )
    cells = [row[0] for row in book.active.iter_rows(values_only=True)]
    assert cells[0] == standing.team.name and cells[1] == "Care coordinator"
    assert any(str(c).startswith("'=HYPERLINK") for c in cells)
    assert client.get(reverse("coordination:dashboard_export", args=["pdf"])).status_code == 404


def test_a_manager_sees_the_whole_organisation_only_where_its_policy_says_so(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.manager)
    assert client.get(reverse("people:person", args=[standing.other_person.pk])).status_code == 403
    assert standing.other_person.full_name not in _page(
        client, "coordination:dashboard_people", figure="people", team="all"
    )
    Organisation.objects.filter(pk=standing.organisation.pk).update(
        managers_see_whole_organisation=True
    )
    client = client_for(standing.manager)
    whole = _page(client, "coordination:dashboard_people", figure="people", team="all")
    assert standing.other_person.full_name in whole and standing.person.full_name in whole
    assert client.get(reverse("people:person", args=[standing.other_person.pk])).status_code == 200
    # Coordinators still see only their own team.
    assert (
        client_for(standing.coordinator)
        .get(reverse("people:person", args=[standing.other_person.pk]))
        .status_code
        == 403
    )


def test_charts_carry_a_text_equivalent(standing: Any, client_for: Any) -> None:
    page = _page(client_for(standing.manager))
    chart = re.search(r'<svg class="ourplan-chart"[^>]*aria-label="([^"]+)"', page)
    assert chart and "Coordinator Tester: 1 of 25" in chart.group(1)


def test_a_coordinator_with_no_team_members_still_shows_its_people(
    standing: Any, client_for: Any
) -> None:
    CareTeamMembership.objects.all().delete()
    assert "Without a care coordinator" in _page(client_for(standing.manager))
