"""Appointments and contacts, shared with a supporter only as the person says, without the notes."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ourplan.consent import services as consent
from ourplan.coordination import services
from ourplan.core.models import AuditAction, AuditEntry
from tests.coordination.coordination_builders import a_contact

pytestmark = pytest.mark.django_db


def _share(standing: Any, parts: list[str]) -> None:
    consent.agreement_set(
        actor=standing.person_user,
        person=standing.person,
        supporter=standing.supporter_record,
        parts=parts,
        recorded_how="online",
    )


def _home(client: Any) -> str:
    response = client.get(reverse("consent:supporter_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_shared_contacts_show_when_and_how_but_never_the_notes(
    standing: Any, client_for: Any
) -> None:
    contact = a_contact(standing, mode="phone", minutes=20)
    type(contact).objects.filter(pk=contact.pk).update(note="Talked about the overdraft")
    services.contact_record(
        actor=standing.coordinator,
        person=standing.person,
        staff=standing.coordinator.staff_member,
        mode="clinic",
        outcome="planned",
        starts_at=timezone.now() + timedelta(days=5),
        duration_minutes=60,
        note="Bring the letters",
    )
    a_contact(standing, mode="casework", minutes=30)
    _share(standing, ["contacts"])
    carer = client_for(standing.supporter)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    page = _home(carer)
    shown = re.search(r'data-testid="shared-contacts">(.*?)</div>', page, re.S)
    assert shown, "the shared contacts are not on the supporter's page"
    assert "Phone call" in shown.group(1) and "Face to face, at a clinic" in shown.group(1)
    assert "overdraft" not in page and "Bring the letters" not in page
    assert "Work on their behalf" not in shown.group(1)  # time about them, not with them
    reads = AuditEntry.objects.filter(pk__gt=before, action=AuditAction.READ)
    assert list(reads.values_list("object_type", "object_id")) == [("shared_view", "contacts")]


def test_not_shared_means_not_shown_and_stopping_takes_effect_at_once(
    standing: Any, client_for: Any
) -> None:
    a_contact(standing, mode="video", minutes=20)
    _share(standing, ["goals"])
    carer = client_for(standing.supporter)
    assert "shared-contacts" not in _home(carer)
    _share(standing, ["goals", "contacts"])
    assert "Video call" in _home(carer)
    _share(standing, ["goals"])
    assert "Video call" not in _home(carer)
