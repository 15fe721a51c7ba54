"""A new session id at every authentication step: a cookie seen before a step is worthless."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ourplan.accounts import services
from ourplan.people.models import Supporter, SupporterKind

PASSWORD = "a-long-test-password"


def _session_id(client: Client) -> str:
    return client.cookies["sessionid"].value


def _with_cookie(session_id: str) -> Client:
    """Another browser holding a copy of a captured session cookie."""
    thief = Client()
    thief.cookies["sessionid"] = session_id
    return thief


def _log_in(client: Client, username: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def test_the_security_code_step_issues_a_new_session_id(standing: Any) -> None:
    device = TOTPDevice.objects.get(user=standing.manager)
    client = Client()
    _log_in(client, "manager")
    after_password = _session_id(client)
    response = client.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert _session_id(client) != after_password
    assert client.get(reverse("people:caseload")).status_code == 200
    # The cookie captured between the two steps is not logged in at all now.
    captured = _with_cookie(after_password).get(reverse("people:caseload"))
    assert captured.status_code == 302 and captured.url.startswith(reverse("accounts:login"))


def test_setting_up_an_authenticator_issues_a_new_session_id(standing: Any) -> None:
    TOTPDevice.objects.filter(user=standing.administrator).delete()
    client = Client()
    _log_in(client, "administrator")
    client.get(reverse("accounts:two_factor"))
    before_code = _session_id(client)
    device = TOTPDevice.objects.get(user=standing.administrator, confirmed=False)
    client.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert _session_id(client) != before_code
    captured = _with_cookie(before_code).get(reverse("people:organisation"))
    assert captured.status_code == 302 and captured.url.startswith(reverse("accounts:login"))


def _anonymous_session() -> str:
    """A real session a browser has before logging in (or one an attacker planted)."""
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["seen_the_login_page"] = True
    session.create()
    assert session.session_key is not None
    return session.session_key


def test_the_password_step_issues_a_new_session_id(standing: Any) -> None:
    before = _anonymous_session()
    client = _with_cookie(before)
    assert _log_in(client, "coordinator").status_code == 302
    assert _session_id(client) != before
    assert client.get(reverse("people:caseload")).status_code == 200
    captured = _with_cookie(before).get(reverse("people:caseload"))
    assert captured.status_code == 302 and captured.url.startswith(reverse("accounts:login"))


def test_accepting_an_invitation_issues_a_new_session_id(standing: Any) -> None:
    invitee = Supporter.objects.create(
        person=standing.person, given_name="Nell", kind=SupporterKind.FRIEND, relationship="friend"
    )
    issued = services.invitation_create(actor=standing.coordinator, supporter=invitee)
    url = reverse("accounts:accept_invitation", args=[issued.token])
    before = _anonymous_session()
    client = _with_cookie(before)
    response = client.post(
        url,
        {
            "username": "nell",
            "password": "correct horse battery staple",
            "password_again": "correct horse battery staple",
        },
    )
    assert response.status_code == 302
    assert _session_id(client) != before
    assert client.get(reverse("consent:supporter_home")).status_code == 200
    captured = _with_cookie(before).get(reverse("consent:supporter_home"))
    assert captured.status_code == 302 and captured.url.startswith(reverse("accounts:login"))
