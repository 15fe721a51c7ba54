"""Builders for the record_access tests: audit entries at chosen times, and an IG lead."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from ourplan.core.models import AuditAction, AuditEntry


def logged(
    actor: Any,
    person: Any,
    object_type: str,
    object_id: object,
    *,
    action: str = AuditAction.READ,
    at: datetime | None = None,
) -> AuditEntry:
    """An audit entry as the apps write it, at a chosen moment (the log is append-only)."""
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        actor=actor,
        actor_role=getattr(actor, "role", "") if actor is not None else "anonymous",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        person=person,
    )


def days_ago(days: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local time on a day in the past (so the day the page groups by is certain)."""
    today = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime(today.year, today.month, today.day, hour, minute))


def make_lead(standing: Any, user: Any | None = None) -> Any:
    """The standing manager (or ``user``) made an information governance lead by the administrator."""
    from ourplan.record_access import services

    return services.governance_lead_grant(
        actor=standing.administrator,
        organisation=standing.organisation,
        user=user or standing.manager,
    )


def visible_text(html: str) -> str:
    """The words a reader of the page's main content sees (no tags, no attribute values)."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth = 0
            self.chunks: list[str] = []

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag == "main":
                self.depth += 1

        def handle_endtag(self, tag: str) -> None:
            if tag == "main":
                self.depth -= 1

        def handle_data(self, data: str) -> None:
            if self.depth > 0:
                self.chunks.append(data)

    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.chunks).split())
