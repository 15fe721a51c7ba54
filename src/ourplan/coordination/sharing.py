"""Appointments and contacts as a part a person may share with a supporter.

Consent decides on every request whether the part is shared (``consent.access.sharing_for``);
it calls the loader registered here only when it is. A supporter sees when, how and whether
it happened, and appointments to come: never the notes, nor which goals moved (the goals
are a part of their own, shared or not).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from ourplan.consent.part_content import register_part_content
from ourplan.consent.parts import Part
from ourplan.coordination.models import Contact, ContactMode, ContactOutcome
from ourplan.people.models import Person

RECENT = 10


@dataclass(frozen=True)
class SharedContact:
    when: datetime
    how: str
    outcome: str
    happened: bool


def _shown(contact: Contact) -> SharedContact:
    return SharedContact(
        when=contact.starts_at,
        how=str(ContactMode(contact.mode).label),
        outcome=str(ContactOutcome(contact.outcome).label),
        happened=contact.outcome == ContactOutcome.HAPPENED,
    )


def shared_contacts(person: Person) -> dict[str, Any]:
    now = timezone.now()
    contacts = Contact.objects.filter(person=person).exclude(mode=ContactMode.CASEWORK)
    upcoming = contacts.filter(outcome=ContactOutcome.PLANNED, starts_at__gte=now).order_by(
        "starts_at"
    )[:RECENT]
    recent = contacts.exclude(outcome=ContactOutcome.PLANNED).order_by("-starts_at")[:RECENT]
    return {
        "upcoming": [_shown(c) for c in upcoming],
        "recent": [_shown(c) for c in recent],
    }


def register() -> None:
    register_part_content(
        Part.CONTACTS, loader=shared_contacts, template="coordination/_shared_contacts.html"
    )
