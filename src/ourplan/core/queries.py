"""Reads of the audit log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ourplan.core.models import AuditAction, AuditEntry

# What a person is shown about access to their record.
_ACCESS_ACTIONS = (AuditAction.READ, AuditAction.EXPORT, AuditAction.SEARCH)


def record_access_for(person: Any, limit: int = 500) -> QuerySet[AuditEntry]:
    """Reads of a person's record by anyone other than the person, newest first."""
    entries = AuditEntry.objects.filter(person=person, action__in=_ACCESS_ACTIONS)
    if person.user_id is not None:
        entries = entries.exclude(actor_id=person.user_id)
    return entries.select_related("actor").order_by("-at", "-id")[:limit]
