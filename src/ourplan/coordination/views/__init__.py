"""Care coordination pages. Thin: parse input, call an access function, call a service, render."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after a form: the page it was opened from, if it is one of ours."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    # A path of ours only: redirect() would read any other word as a URL name and fail.
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback
