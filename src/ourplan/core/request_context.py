"""The request id of the request being served, for audit entries and logs."""

from __future__ import annotations

import contextvars
import uuid
from typing import Any

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("ourplan_request_id", default="")
# (object type, person id) pairs already recorded as listed in this request: a page that
# names someone in two of its sections records them once.
_listed: contextvars.ContextVar[set[tuple[str, str]] | None] = contextvars.ContextVar(
    "ourplan_listed", default=None
)


def new_request_id() -> str:
    """Start a new request id for this context and return it."""
    value = uuid.uuid4().hex
    _request_id.set(value)
    _listed.set(set())
    return value


def current_request_id() -> str:
    """Return the request id of the request being served, or '' outside a request."""
    return _request_id.get()


def not_yet_listed(object_type: str, people: list[Any]) -> list[Any]:
    """Those of ``people`` this request has not yet recorded as listed under ``object_type``,
    now counted as listed; outside a request, all of them."""
    seen = _listed.get()
    if seen is None:
        return people
    fresh = [person for person in people if (object_type, str(person.pk)) not in seen]
    seen.update((object_type, str(person.pk)) for person in fresh)
    return fresh
