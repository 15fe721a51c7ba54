"""Login with a second factor, logout, accepting an invitation, and passwords."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from ourplan.accounts import services
from ourplan.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    TokenForm,
)
from ourplan.accounts.lockout import client_address
from ourplan.accounts.middleware import user_must_verify
from ourplan.accounts.signals import SESSION_EPOCH
from ourplan.accounts.totp import confirmed_device, pending_device, totp_setup_context
from ourplan.core.forms import show_validation_error

_PENDING_DEVICE = "ourplan_pending_totp_device"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and not user_must_verify(request.user):
        return redirect(_safe_next(request))
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user_cache, backend="django.contrib.auth.backends.ModelBackend")
        new_session_id(request)
        if user_must_verify(request.user):
            return redirect(f"{_two_factor_url()}?next={_safe_next(request)}")
        return redirect(_safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


def new_session_id(request: HttpRequest) -> None:
    """Issue a new session id after each authentication step (password, code, invitation).

    A session id seen before a step (fixed by an attacker, or captured after the password
    but before the security code) must not carry the rights that step grants. Django's
    login() does not change the id when the same user logs in again, nor does django-otp
    when the code is given, so every step asks for a new one here.
    """
    request.session.cycle_key()


def _two_factor_url() -> str:
    from django.urls import reverse

    return reverse("accounts:two_factor")


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Check the second factor, or set one up first if the user has none yet."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    user = request.user
    if user.is_verified() and not request.GET.get("setup"):  # type: ignore[union-attr,attr-defined]
        return redirect(_safe_next(request))
    enrolled = user_has_device(user)
    form = TokenForm(data=request.POST or None)
    if enrolled:
        if request.method == "POST" and form.is_valid():
            device = confirmed_device(user)
            allowed, _details = device.verify_is_allowed() if device is not None else (False, None)
            if not allowed:
                # django-otp slows down guessing: each wrong code doubles the wait.
                form.add_error(
                    "token", _("Too many wrong codes. Wait a minute, then enter the newest code.")
                )
            elif device is not None and device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                new_session_id(request)
                return redirect(_safe_next(request))
            else:
                form.add_error(
                    "token",
                    _("That code is not right. Codes change every 30 seconds: try the newest one."),
                )
        return render(
            request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
        )
    device = pending_device(user, request.session.get(_PENDING_DEVICE))
    request.session[_PENDING_DEVICE] = device.pk
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session.pop(_PENDING_DEVICE, None)
            otp_login(request, device)
            new_session_id(request)
            messages.success(
                request,
                _("Two-step verification is set up. You will need your app each time you log in."),
            )
            return redirect(_safe_next(request))
        form.add_error(
            "token",
            _(
                "That code is not right. Check the time on your phone is correct and try the newest code."
            ),
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "next": _safe_next(request), **totp_setup_context(device, user)},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return render(request, "accounts/logged_out.html")


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationError as error:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"message": error.message},
            status=410 if error.reason != "unknown" else 404,
        )
    form = AcceptInvitationForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except services.InvitationError as error:
            return render(
                request, "accounts/invitation_invalid.html", {"message": error.message}, status=410
            )
        except ValidationError as error:
            show_validation_error(form, error, fallback_field="password")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            new_session_id(request)
            messages.success(request, _("Your account is ready. Welcome to ourplan."))
            return redirect("site:home")
    target = invitation.person or invitation.supporter
    assert target is not None
    return render(
        request,
        "accounts/accept_invitation.html",
        {"form": form, "called": getattr(target, "preferred_name", "") or target.given_name},
    )  # type: ignore[union-attr]


def locked_out(
    request: HttpRequest, credentials: object = None, *args: object, **kwargs: object
) -> HttpResponse:
    """What django-axes shows after too many failed logins: how long to wait, in words."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def _base_url(request: HttpRequest) -> str:
    """Where links in emails point: the configured address, else the one this page was asked on.

    The host comes from get_host(), which Django checks against ALLOWED_HOSTS, so a forged
    Host header cannot point a reset link at someone else's site.
    """
    configured: str = getattr(settings, "OURPLAN_BASE_URL", "")
    return configured or request.build_absolute_uri("/")


@require_http_methods(["GET", "POST"])
def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        within_limit = services.password_reset_request(
            identifier=form.cleaned_data["identifier"],
            address=client_address(request),
            base_url=_base_url(request),
            language=get_language(),
        )
        if not within_limit:
            return render(request, "accounts/password_reset_too_many.html", status=429)
        # The same page whether or not an account was found.
        return render(
            request,
            "accounts/password_reset_sent.html",
            {"minutes": services.reset_link_minutes()},
        )
    return render(request, "accounts/password_reset_request.html", {"form": form})


def _reset_link_refused(request: HttpRequest, error: services.ResetLinkError) -> HttpResponse:
    return render(
        request, "accounts/password_reset_invalid.html", {"message": error.message}, status=410
    )


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, reset_token: str) -> HttpResponse:
    try:
        services.reset_link_user(uidb64, reset_token)
    except services.ResetLinkError as error:
        return _reset_link_refused(request, error)
    form = NewPasswordForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(
                uidb64=uidb64, token=reset_token, password=form.cleaned_data["password"]
            )
        except services.ResetLinkError as error:
            return _reset_link_refused(request, error)
        except ValidationError as error:
            show_validation_error(form, error, fallback_field="password")
        else:
            # Not logged in here: the next login asks for the second factor as always.
            messages.success(
                request, _("Your password has been changed. Log in with your new password.")
            )
            return redirect(settings.LOGIN_URL)
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = ChangePasswordForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change(
                user=request.user,  # type: ignore[arg-type]
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            show_validation_error(form, error, fallback_field="password")
        else:
            # Every other session of this account has ended; this one carries on.
            update_session_auth_hash(request, user)
            request.session[SESSION_EPOCH] = user.session_epoch
            new_session_id(request)
            messages.success(
                request,
                _("Your password has been changed. You have been logged out everywhere else."),
            )
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/password_change.html", {"form": form})
