"""Who is trying to log in, and when to stop them (django-axes).

Behind reverse proxies every request arrives from the nearest proxy's address, so the
client's address is read from ``X-Forwarded-For``. Each proxy appends the address it saw,
so with ``OURPLAN_PROXY_COUNT`` trusted proxies the client is the entry that many places
from the right. Anything further left was written by the client and is never trusted.

Two limits apply, both over the cool-off window: failures for one username from one
address (``OURPLAN_LOGIN_FAILURE_LIMIT``, django-axes' own), and failures from one address
across all usernames (``OURPLAN_LOGIN_ADDRESS_FAILURE_LIMIT``), so one address cannot try
a few passwords on every account.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def _as_address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the proxy-appended X-Forwarded-For entry, else REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR")
    hops = int(getattr(settings, "OURPLAN_PROXY_COUNT", 0))
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        # Fewer entries than trusted proxies: the request did not come through all of
        # them, so nothing in the header can be trusted.
        return remote
    return _as_address(forwarded[-hops]) or remote


def failures_from_address(request: HttpRequest) -> int:
    """Failed logins from this request's address in the cool-off window, for any username."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


def _address_over_limit(request: HttpRequest) -> bool:
    return failures_from_address(request) >= settings.OURPLAN_LOGIN_ADDRESS_FAILURE_LIMIT


class UsernameAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler, plus a limit on one address trying many usernames."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return request is not None and _address_over_limit(request)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if _address_over_limit(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
