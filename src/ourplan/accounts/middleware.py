"""Session lifetime and second-factor enforcement."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ourplan.accounts.signals import SESSION_EPOCH, SESSION_LOGIN_AT

# When the session's idle expiry was last pushed forward.
SESSION_RENEWED_AT = "ourplan_renewed_at"


class SessionLifetimeMiddleware:
    """End sessions older than the absolute limit, or from before the account was disabled.

    The idle limit is the session age. It is renewed at most once every
    ``SESSION_RENEW_AFTER_SECONDS`` rather than on every request, so a busy page does not
    write its session row each time; the idle limit is then exact to within that interval.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            login_at = request.session.get(SESSION_LOGIN_AT, 0)
            too_old = timezone.now().timestamp() - login_at > settings.SESSION_ABSOLUTE_SECONDS
            stale_epoch = request.session.get(SESSION_EPOCH) != user.session_epoch  # type: ignore[union-attr]
            if too_old or stale_epoch:
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                return redirect(settings.LOGIN_URL)
            now = timezone.now().timestamp()
            renewed_at = request.session.get(SESSION_RENEWED_AT, 0)
            if now - renewed_at >= settings.SESSION_RENEW_AFTER_SECONDS:
                request.session[SESSION_RENEWED_AT] = now  # saved with a fresh idle expiry
        return self.get_response(request)


# Pages a user who still owes a second factor may reach.
SECOND_FACTOR_EXEMPT_URL_NAMES = {
    "accounts:two_factor",
    "accounts:logout",
    "site:help_now",
    "set_language",
}


def user_must_verify(user: object) -> bool:
    """Managers and administrators must use a second factor; others must once they enrol."""
    from django_otp import user_has_device

    if not getattr(user, "is_authenticated", False):
        return False
    # Right after login() the user object has not been through OTPMiddleware yet: not verified.
    if getattr(user, "is_verified", lambda: False)():
        return False
    return bool(user.needs_second_factor or user_has_device(user))  # type: ignore[attr-defined]


class SecondFactorRequiredMiddleware:
    """Send users who owe a second factor to the verification page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: object,
        view_kwargs: object,
    ) -> HttpResponse | None:
        if not user_must_verify(request.user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_FACTOR_EXEMPT_URL_NAMES:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        target = reverse("accounts:two_factor")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
