"""Writing the audit log. Every read and write of a person's record calls this."""

from __future__ import annotations

from typing import Any

from ourplan.core.models import AuditAction, AuditEntry
from ourplan.core.refusal import Refused
from ourplan.core.request_context import current_request_id, not_yet_listed


def record(
    *,
    actor: Any | None,
    action: str,
    object_type: str,
    object_id: object = "",
    person: Any | None = None,
) -> AuditEntry:
    """Append one audit entry. Never pass clinical content in any field."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_role=getattr(actor, "role", "") if is_user else "anonymous",
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else "",
        person=person,
        request_id=current_request_id(),
    )


def record_refusal(request: Any, exception: BaseException | None) -> AuditEntry:
    """Append the ``denied`` entry for a refused request.

    A ``Refused`` names the object asked for; any other refusal (a role check before any
    record is fetched) is named by the page, so every refusal is logged once.
    """
    if isinstance(exception, Refused):
        object_type, object_id = exception.object_type, exception.object_id
    else:
        match = getattr(request, "resolver_match", None)
        object_type = "page"
        object_id = (match.view_name if match is not None else "") or request.path[:128]
    return record(
        actor=getattr(request, "user", None),
        action=AuditAction.DENIED,
        object_type=object_type,
        object_id=object_id,
    )


def record_read(actor: Any, *, object_type: str, object_id: object, person: Any) -> AuditEntry:
    """Append a 'viewed' entry for a page or response that identifies a person."""
    return record(
        actor=actor,
        action=AuditAction.READ,
        object_type=object_type,
        object_id=object_id,
        person=person,
    )


def record_listed(actor: Any, *, object_type: str, people: list[Any]) -> None:
    """Append one 'searched' entry per person shown in a list or search result, in one query
    (once per request: a person a page lists twice is recorded once)."""
    people = not_yet_listed(object_type, people)
    if not people:
        return
    request_id = current_request_id()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            actor_role=getattr(actor, "role", ""),
            action=AuditAction.SEARCH,
            object_type=object_type,
            object_id=str(person.pk),
            person=person,
            request_id=request_id,
        )
        for person in people
    )


def save_recorded(
    obj: Any,
    *,
    actor: Any,
    action: str,
    object_type: str,
    person: Any | None,
    update_fields: list[str] | None = None,
) -> Any:
    """Save a record with its history author, and append the audit entry for the change.

    A full save is validated first; a save of named fields trusts the caller's checks.
    """
    obj._history_user = actor  # read by django-simple-history for the "who" of the version
    if update_fields is None:
        obj.full_clean()
        obj.save()
    else:
        obj.save(update_fields=update_fields)
    record(actor=actor, action=action, object_type=object_type, object_id=obj.pk, person=person)
    return obj
