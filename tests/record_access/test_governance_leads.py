"""Only an administrator names an organisation's information governance leads."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ourplan.accounts.models import Role
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.people.models import Country, Organisation, Profession, StaffMember
from ourplan.record_access.models import GovernanceLead
from tests.factories import make_staff
from tests.record_access.record_access_builders import make_lead

LEADS = "record_access:leads"


def test_an_administrator_makes_a_colleague_a_lead_and_it_is_audited(
    standing: Any, client_for: Any
) -> None:
    admin = client_for(standing.administrator)
    page = admin.get(reverse(LEADS))
    assert standing.manager.display_name in page.content.decode()
    assert standing.researcher.display_name not in page.content.decode()  # never a lead

    response = admin.post(reverse(LEADS), {"user": standing.manager.pk})

    assert response.status_code == 302
    lead = GovernanceLead.objects.get()
    assert (lead.organisation, lead.user, lead.granted_by, lead.ended_at) == (
        standing.organisation,
        standing.manager,
        standing.administrator,
        None,
    )
    assert AuditEntry.objects.filter(
        actor=standing.administrator,
        action=AuditAction.CREATE,
        object_type="governance_lead",
        object_id=str(lead.pk),
    ).exists()
    assert client_for(standing.manager).get(reverse("record_access:questions")).status_code == 200


def test_nobody_but_an_administrator_can_name_or_remove_a_lead(
    standing: Any, client_for: Any
) -> None:
    lead = make_lead(standing)
    for user in (standing.manager, standing.coordinator, standing.person_user, standing.researcher):
        client = client_for(user)
        assert client.get(reverse(LEADS)).status_code == 403
        assert client.post(reverse(LEADS), {"user": standing.clinician.pk}).status_code == 403
        remove = client.post(reverse("record_access:lead_remove", args=[lead.pk]))
        assert remove.status_code == 403
    assert list(GovernanceLead.objects.values_list("user", "ended_at")) == [
        (standing.manager.pk, None)
    ]


def test_researchers_and_other_organisations_staff_cannot_be_made_leads(
    standing: Any, client_for: Any
) -> None:
    elsewhere = Organisation.objects.create(name="Elsewhere", code="ELS01", country=Country.WALES)
    stranger = make_staff("stranger", Role.CLINICIAN, elsewhere, None, Profession.NURSE)
    admin = client_for(standing.administrator)
    for user in (standing.researcher, stranger, standing.person_user):
        response = admin.post(reverse(LEADS), {"user": user.pk})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not GovernanceLead.objects.exists()


def test_removing_a_lead_ends_the_grant_and_their_access(standing: Any, client_for: Any) -> None:
    lead = make_lead(standing)
    response = client_for(standing.administrator).post(
        reverse("record_access:lead_remove", args=[lead.pk])
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.ended_by == standing.administrator and lead.ended_at is not None
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="governance_lead", object_id=str(lead.pk)
    ).exists()
    assert client_for(standing.manager).get(reverse("record_access:questions")).status_code == 403
    # Past leads are listed, so there is a record of who held the permission.
    page = client_for(standing.administrator).get(reverse(LEADS)).content.decode()
    assert "Past leads" in page


def test_an_administrator_of_another_organisation_cannot_remove_this_ones_lead(
    standing: Any, client_for: Any
) -> None:
    lead = make_lead(standing)
    elsewhere = Organisation.objects.create(name="Elsewhere", code="ELS01", country=Country.WALES)
    other_admin = make_staff(
        "otheradmin", Role.ADMINISTRATOR, elsewhere, None, Profession.ADMINISTRATION
    )
    response = client_for(other_admin).post(reverse("record_access:lead_remove", args=[lead.pk]))
    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.ended_at is None


def test_a_lead_who_moves_to_another_organisation_loses_access(
    standing: Any, client_for: Any
) -> None:
    make_lead(standing)
    client = client_for(standing.manager)
    assert client.get(reverse("record_access:questions")).status_code == 200
    elsewhere = Organisation.objects.create(name="Elsewhere", code="ELS01", country=Country.WALES)
    StaffMember.objects.filter(user=standing.manager).update(organisation=elsewhere)
    assert client_for(standing.manager).get(reverse("record_access:questions")).status_code == 403
