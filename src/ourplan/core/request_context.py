"""The request id of the request being served, for audit entries and logs."""

from __future__ import annotations

import contextvars
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("ourplan_request_id", default="")


def new_request_id() -> str:
    """Start a new request id for this context and return it."""
    value = uuid.uuid4().hex
    _request_id.set(value)
    return value


def current_request_id() -> str:
    """Return the request id of the request being served, or '' outside a request."""
    return _request_id.get()
