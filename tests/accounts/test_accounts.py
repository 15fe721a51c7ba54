"""Logging in: invitations, lockout, second factor and session lifetimes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ourplan.accounts import services
from ourplan.accounts.middleware import SESSION_RENEWED_AT
from ourplan.accounts.models import Invitation, User
from ourplan.accounts.signals import SESSION_LOGIN_AT
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.people.models import Person, Supporter, SupporterKind

PASSWORD = "correct horse battery staple"


@pytest.fixture
def invitee(standing: Any) -> Supporter:
    return Supporter.objects.create(
        person=standing.person,
        given_name="Nell",
        kind=SupporterKind.FRIEND,
        relationship="my friend",
    )


def _accept(client: Client, token: str, username: str = "nell") -> Any:
    return client.post(
        reverse("accounts:accept_invitation", args=[token]),
        {"username": username, "password": PASSWORD, "password_again": PASSWORD},
    )


def test_an_invitation_creates_a_linked_supporter_account_once(
    standing: Any, invitee: Supporter
) -> None:
    issued = services.invitation_create(actor=standing.coordinator, supporter=invitee)
    assert Invitation.objects.get().token_hash != issued.token  # only the hash is stored
    client = Client()
    response = _accept(client, issued.token)
    assert response.status_code == 302
    invitee.refresh_from_db()
    assert invitee.user is not None and invitee.user.role == "supporter"
    assert client.get(reverse("site:home")).url == reverse("consent:supporter_home")

    reused = _accept(Client(), issued.token, username="someoneelse")
    assert reused.status_code == 410
    assert "already been used" in reused.content.decode()
    assert not User.objects.filter(username="someoneelse").exists()


def test_a_tampered_invitation_link_is_refused_clearly(standing: Any, invitee: Supporter) -> None:
    issued = services.invitation_create(actor=standing.coordinator, supporter=invitee)
    tampered = issued.token[:-2] + ("AA" if not issued.token.endswith("AA") else "BB")
    before = User.objects.count()
    response = _accept(Client(), tampered)
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert User.objects.count() == before


def test_an_expired_invitation_is_refused_and_creates_nothing(
    standing: Any, invitee: Supporter
) -> None:
    issued = services.invitation_create(actor=standing.coordinator, supporter=invitee)
    Invitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    before = User.objects.count()
    response = _accept(Client(), issued.token)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert User.objects.count() == before
    invitee.refresh_from_db()
    assert invitee.user is None


def test_a_newer_invitation_replaces_the_older_one(standing: Any, invitee: Supporter) -> None:
    first = services.invitation_create(actor=standing.coordinator, supporter=invitee)
    services.invitation_create(actor=standing.coordinator, supporter=invitee)
    response = _accept(Client(), first.token)
    assert response.status_code == 410
    assert "replaced" in response.content.decode()


def test_mismatched_or_weak_passwords_keep_the_invitation_usable(
    standing: Any, invitee: Supporter
) -> None:
    issued = services.invitation_create(actor=standing.coordinator, supporter=invitee)
    url = reverse("accounts:accept_invitation", args=[issued.token])
    mismatch = Client().post(
        url, {"username": "nell", "password": PASSWORD, "password_again": PASSWORD + "x"}
    )
    assert "The two passwords are different" in mismatch.content.decode()
    weak = Client().post(
        url, {"username": "nell", "password": "password", "password_again": "password"}
    )
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    assert not User.objects.filter(username="nell").exists()
    assert _accept(Client(), issued.token).status_code == 302


def test_a_person_invited_by_staff_can_log_in_and_see_only_their_own_record(
    standing: Any, client_for: Any
) -> None:
    from tests.factories import make_person

    newcomer = make_person(standing.team, "4010232137", given="Cy")
    staff_client = client_for(standing.coordinator)
    response = staff_client.post(reverse("people:invite", args=[newcomer.pk]))
    assert response.status_code == 302
    page = staff_client.get(reverse("people:person", args=[newcomer.pk]))
    link = page.context["invitation_link"]
    assert link is not None
    token = link["link"].rstrip("/").rsplit("/", 1)[-1]
    client = Client()
    assert _accept(client, token, username="cy").status_code == 302
    assert Person.objects.get(pk=newcomer.pk).user.username == "cy"
    assert client.get(reverse("people:my_home")).context["person"].pk == newcomer.pk
    assert client.get(reverse("people:person", args=[standing.person.pk])).status_code == 403


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_repeated_wrong_passwords_lock_the_account_out(standing: Any, settings: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "coordinator", "wrong password")
        assert response.status_code == 200
        assert "The username or password is not right" in response.content.decode()
    locked = _login(client, "coordinator", "wrong password")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert "paused for 15 minutes" in locked.content.decode()
    # Even the right password is refused while locked out.
    again = _login(client, "coordinator", "a-long-test-password")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert (
        AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count()
        >= settings.AXES_FAILURE_LIMIT
    )


def test_a_care_coordinator_logs_in_with_a_password_alone(standing: Any) -> None:
    client = Client()
    response = _login(client, "coordinator", "a-long-test-password")
    assert response.status_code == 302
    assert client.get(reverse("people:caseload")).status_code == 200
    assert AuditEntry.objects.filter(actor=standing.coordinator, action=AuditAction.LOGIN).exists()


def test_a_manager_must_give_a_security_code_before_seeing_anything(standing: Any) -> None:
    device = TOTPDevice.objects.get(user=standing.manager)
    client = Client()
    response = _login(client, "manager", "a-long-test-password")
    assert reverse("accounts:two_factor") in response.url
    assert reverse("accounts:two_factor") in client.get(reverse("people:caseload")).url
    wrong = client.post(
        reverse("accounts:two_factor"),
        {"token": "000000" if totp(device.bin_key) != 0 else "111111"},
    )
    assert "That code is not right" in wrong.content.decode()
    too_soon = client.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert "Too many wrong codes" in too_soon.content.decode()
    # As if the throttling wait had passed.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    right = client.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert right.status_code == 302
    assert client.get(reverse("people:caseload")).status_code == 200


def test_an_administrator_without_an_authenticator_must_set_one_up(standing: Any) -> None:
    TOTPDevice.objects.filter(user=standing.administrator).delete()
    client = Client()
    _login(client, "administrator", "a-long-test-password")
    page = client.get(reverse("accounts:two_factor"))
    assert "Set up two-step verification" in page.content.decode()
    device = TOTPDevice.objects.get(user=standing.administrator, confirmed=False)
    client.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("people:organisation")).status_code == 200


def test_sessions_end_after_the_absolute_limit(
    standing: Any, client_for: Any, settings: Any
) -> None:
    client = client_for(standing.coordinator)
    session = client.session
    session[SESSION_LOGIN_AT] = timezone.now().timestamp() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("people:caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_idle_sessions_expire_after_thirty_minutes(
    standing: Any, client_for: Any, settings: Any
) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = client_for(standing.coordinator)
    session = client.session
    session.set_expiry(-1)  # as if the idle limit had passed
    session.save()
    response = client.get(reverse("people:caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def _expiry(client: Client) -> Any:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_activity_renews_the_idle_limit_at_most_once_a_minute(
    standing: Any, client_for: Any, settings: Any
) -> None:
    assert settings.SESSION_RENEW_AFTER_SECONDS == 60
    client = client_for(standing.coordinator)
    assert client.get(reverse("people:caseload")).status_code == 200
    first = _expiry(client)
    assert client.get(reverse("people:caseload")).status_code == 200
    assert _expiry(client) == first  # a second request within the minute writes nothing

    session = client.session
    session[SESSION_RENEWED_AT] -= 61  # as if the last renewal was over a minute ago
    session.save()
    lapsing = timezone.now() + timedelta(seconds=60)  # and it would lapse in a minute
    Session.objects.filter(session_key=session.session_key).update(expire_date=lapsing)
    assert client.get(reverse("people:caseload")).status_code == 200
    renewed = _expiry(client)
    assert renewed - lapsing > timedelta(minutes=25)


def test_disabling_an_account_ends_its_sessions_at_once(standing: Any, client_for: Any) -> None:
    client = client_for(standing.coordinator)
    assert client.get(reverse("people:caseload")).status_code == 200
    services.user_disable(actor=standing.administrator, user=standing.coordinator)
    response = client.get(reverse("people:caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_logout_ends_the_session(standing: Any, client_for: Any) -> None:
    client = client_for(standing.coordinator)
    assert client.post(reverse("accounts:logout")).status_code == 200
    response = client.get(reverse("people:caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_login_starts_a_new_session_id(standing: Any) -> None:
    client = Client()
    client.get(reverse("accounts:login"))
    client.cookies["sessionid"] = "fixated-session-id"
    _login(client, "coordinator", "a-long-test-password")
    assert client.cookies["sessionid"].value != "fixated-session-id"
