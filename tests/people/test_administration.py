"""Administrators keep their organisation's teams, staff and crisis numbers in the app."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ourplan.accounts.models import Role
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.core.submissions import new_submission_key
from ourplan.people.models import Country, CrisisLine, Organisation, Team
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_and_renames_a_team_once(standing: Any, client_for: Any) -> None:
    client = client_for(standing.administrator)
    form = {"submission_key": new_submission_key(), "name": "North team"}
    assert client.post(reverse("people:team_new"), form).status_code == 302
    assert client.post(reverse("people:team_new"), form).status_code == 302
    assert Team.objects.filter(name="North team").count() == 1
    clash = client.post(
        reverse("people:team_new"), {"submission_key": new_submission_key(), "name": "east TEAM"}
    )
    assert "already has a team of that name" in clash.content.decode()
    north = Team.objects.get(name="North team")
    client.post(
        reverse("people:team_edit", args=[north.pk]),
        {"submission_key": new_submission_key(), "name": "Northern team"},
    )
    north.refresh_from_db()
    assert north.name == "Northern team"


def test_changing_role_team_and_profession(standing: Any, client_for: Any) -> None:
    nurse = make_staff("nurse", Role.CLINICIAN, standing.organisation, standing.team)
    client = client_for(standing.administrator)
    url = reverse("people:staff_edit", args=[nurse.staff_member.pk])
    response = client.post(
        url,
        {"role": "care_coordinator", "team": standing.other_team.pk, "profession": "social_worker"},
    )
    assert response.status_code == 302
    nurse.refresh_from_db()
    nurse.staff_member.refresh_from_db()
    assert nurse.role == Role.CARE_COORDINATOR
    assert (nurse.staff_member.team, nurse.staff_member.profession) == (
        standing.other_team,
        "social_worker",
    )
    no_team = client.post(url, {"role": "care_coordinator", "team": "", "profession": "nurse"})
    assert "Clinical staff work in a team" in no_team.content.decode()
    own = client.post(
        reverse("people:staff_edit", args=[standing.administrator.staff_member.pk]),
        {"role": "researcher", "team": "", "profession": "administration"},
    )
    assert "cannot change your own role" in own.content.decode()
    standing.administrator.refresh_from_db()
    assert standing.administrator.role == Role.ADMINISTRATOR


def test_deactivating_ends_their_access_and_is_audited(standing: Any, client_for: Any) -> None:
    client = client_for(standing.clinician)
    assert client.get(reverse("people:caseload")).status_code == 200
    response = client_for(standing.administrator).post(
        reverse("people:staff_deactivate", args=[standing.clinician.staff_member.pk])
    )
    assert response.status_code == 302
    standing.clinician.refresh_from_db()
    assert not standing.clinician.is_active
    assert client.get(reverse("people:caseload")).status_code != 200
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="user", object_id=str(standing.clinician.pk)
    ).exists()


def test_crisis_numbers_are_added_changed_and_removed(standing: Any, client_for: Any) -> None:
    client = client_for(standing.administrator)
    client.post(
        reverse("people:crisis_line_new"),
        {
            "submission_key": new_submission_key(),
            "label": "Crisis team",
            "phone": "0300 555 0101",
            "position": 0,
        },
    )
    line = CrisisLine.objects.get(organisation=standing.organisation)
    client.post(
        reverse("people:crisis_line_edit", args=[line.pk]),
        {
            "submission_key": new_submission_key(),
            "label": "Crisis team",
            "phone": "0300 555 0111",
            "hours": "24 hours",
            "position": 0,
        },
    )
    line.refresh_from_db()
    assert (line.phone, line.hours) == ("0300 555 0111", "24 hours")
    client.post(reverse("people:crisis_line_remove", args=[line.pk]))
    assert not CrisisLine.objects.exists()


def test_another_organisations_records_are_refused_like_missing_ones(
    standing: Any, client_for: Any
) -> None:
    elsewhere = Organisation.objects.create(name="Other", code="OTH01", country=Country.WALES)
    team = Team.objects.create(organisation=elsewhere, name="Far team")
    them = make_staff("far", Role.CLINICIAN, elsewhere, team)
    client = client_for(standing.administrator)
    for url in (
        reverse("people:team_edit", args=[team.pk]),
        reverse("people:staff_edit", args=[them.staff_member.pk]),
        reverse("people:team_edit", args=[999999]),
    ):
        before = AuditEntry.objects.count()
        assert client.get(url).status_code == 403
        assert AuditEntry.objects.filter(action=AuditAction.DENIED).count() >= 1
        assert AuditEntry.objects.count() == before + 1
    assert client_for(standing.manager).get(reverse("people:team_new")).status_code == 403
