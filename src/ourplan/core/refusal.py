"""Refusing access: one exception that every access function raises, logged in one place.

Views never log refusals themselves. An access function raises ``Refused`` naming the
object it was asked for; the 403 handler (``core.error_pages.error_403``) writes the single
``denied`` audit entry for it, and for any other ``PermissionDenied`` that reaches it,
so no view can forget. Missing and forbidden objects are refused the same way, so a
refusal never says whether a record exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class Refused(PermissionDenied):
    """Access to ``object_type`` ``object_id`` was refused (or it does not exist)."""

    def __init__(self, object_type: str, object_id: object = "") -> None:
        super().__init__(f"{object_type} {object_id}".strip())
        self.object_type = object_type
        self.object_id = "" if object_id is None else str(object_id)[:128]


def fetch_or_refuse(
    queryset: QuerySet[M], object_type: str, object_id: object, allowed: Callable[[M], bool]
) -> M:
    """The object with this id, if ``allowed(object)``; otherwise ``Refused``.

    Missing objects and ids that are not even well formed are refused exactly like
    forbidden ones. This is the one lookup-then-check in the project: every
    ``access_*`` function is built on it.
    """
    try:
        found = queryset.filter(pk=object_id).first()
    except (ValueError, TypeError, ValidationError):
        found = None
    if found is None or not allowed(found):
        raise Refused(object_type, object_id)
    return found


def refuse_unless(allowed: bool, page: str) -> None:
    """Refuse a page that shows no single record (a list, a form to create one) unless allowed."""
    if not allowed:
        raise Refused("page", page)
