"""Forgotten and changed passwords (issue #9 item 7).

A reset link is emailed through the task framework, works once and for an hour, says
nothing about whether an account exists, ends every session of the account, and leaves a
second factor in place. A link that is reused, expired or tampered with gets a clear
message and changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ourplan.accounts.models import User
from ourplan.accounts.services import reset_link_parts, reset_tokens
from ourplan.core.models import AuditAction, AuditEntry

OLD_PASSWORD = "a-long-test-password"
NEW_PASSWORD = "heron kettle orchard lantern"
LINK = re.compile(r"http://testserver(/accounts/password/reset/\S+/\S+/)")


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    # The immediate backend runs each task when it is enqueued, i.e. when the request's
    # transaction commits; the database backend and its worker are tested in measures.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def coordinator(standing: Any) -> User:
    user: User = standing.coordinator
    user.email = "priya@example.org"
    user.save(update_fields=["email"])
    return user


def _ask(client: Client, identifier: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("accounts:password_reset"), {"identifier": identifier})


def _link_from(mail: Any) -> str:
    match = LINK.search(mail.body)
    assert match is not None, mail.body
    return match.group(1)


def _main(response: Any) -> str:
    """The page's main content, without the per-request CSRF token."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def _last_audit_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _set(client: Client, link: str, password: str, again: str | None = None) -> Any:
    return client.post(link, {"password": password, "password_again": again or password})


def test_the_login_page_offers_a_reset(db: Any) -> None:
    page = Client().get(reverse("accounts:login")).content.decode()
    assert "Forgotten your password?" in page
    assert reverse("accounts:password_reset") in page


def test_a_known_and_an_unknown_account_get_the_same_page(
    coordinator: User, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    known = _ask(Client(), "coordinator", django_capture_on_commit_callbacks)
    unknown = _ask(Client(), "nobody-of-that-name", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 200
    assert _main(known) == _main(unknown)
    assert "Check your email" in _main(known)
    assert [mail.to for mail in mailoutbox] == [["priya@example.org"]]
    requests = AuditEntry.objects.filter(object_type="password_reset", action=AuditAction.CREATE)
    assert sorted(requests.values_list("object_id", flat=True)) == ["", str(coordinator.pk)]
    assert set(requests.values_list("actor_role", flat=True)) == {"anonymous"}


def test_the_email_holds_a_link_that_sets_a_new_password(
    coordinator: User, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # An email address works as well as a username, whatever its case.
    _ask(Client(), "Priya@Example.org", django_capture_on_commit_callbacks)
    (mail,) = mailoutbox
    assert mail.subject == "Reset your ourplan password"
    assert "within 60 minutes" in mail.body and "It works once" in mail.body
    link = _link_from(mail)
    assert AuditEntry.objects.filter(
        object_type="password_reset_email", object_id=str(coordinator.pk)
    ).exists()

    client = Client()
    page = client.get(link)
    assert page.status_code == 200
    assert "Choose a new password" in page.content.decode()

    # A weak password is refused with the validators' own words, and nothing changes.
    before = _last_audit_id()
    weak = _set(client, link, "password")
    text = weak.content.decode()
    assert weak.status_code == 200
    assert "This password is too common." in text
    assert "This password is too short. It must contain at least 12 characters." in text
    coordinator.refresh_from_db()
    assert coordinator.check_password(OLD_PASSWORD)
    assert not AuditEntry.objects.filter(pk__gt=before).exists()

    done = _set(client, link, NEW_PASSWORD)
    assert done.status_code == 302 and done["Location"] == reverse("accounts:login")
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW_PASSWORD)
    assert not coordinator.check_password(OLD_PASSWORD)
    changed = AuditEntry.objects.get(object_type="password", action=AuditAction.UPDATE)
    assert (changed.actor, changed.object_id) == (coordinator, str(coordinator.pk))
    login = client.post(
        reverse("accounts:login"), {"username": "coordinator", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    assert client.get(reverse("people:caseload")).status_code == 200


def test_a_reused_link_gets_a_clear_message_and_writes_nothing(
    coordinator: User, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _ask(Client(), "coordinator", django_capture_on_commit_callbacks)
    link = _link_from(mailoutbox[0])
    assert _set(Client(), link, NEW_PASSWORD).status_code == 302
    coordinator.refresh_from_db()
    hash_after_first_use = coordinator.password
    before = _last_audit_id()

    opened = Client().get(link)
    assert opened.status_code == 410
    assert "This link has already been used" in opened.content.decode()
    again = _set(Client(), link, "another long passphrase here")
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.password == hash_after_first_use
    assert not AuditEntry.objects.filter(pk__gt=before).exists()


def test_an_expired_link_gets_a_clear_message_and_writes_nothing(coordinator: User) -> None:
    # A genuine token, made as it would have been 61 minutes ago.
    long_ago = reset_tokens._num_seconds(reset_tokens._now()) - 61 * 60
    token = reset_tokens._make_token_with_timestamp(coordinator, long_ago, reset_tokens.secret)
    uidb64 = reset_link_parts(coordinator)["uidb64"]
    link = reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "reset_token": token}
    )
    password_before = coordinator.password
    before = _last_audit_id()

    opened = Client().get(link)
    assert opened.status_code == 410
    assert "This link has expired. Links work for 60 minutes." in opened.content.decode()
    refused = _set(Client(), link, NEW_PASSWORD)
    assert refused.status_code == 410
    assert "This link has expired" in refused.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.password == password_before
    assert not AuditEntry.objects.filter(pk__gt=before).exists()


def test_the_lifetime_follows_the_setting(coordinator: User, settings: Any) -> None:
    parts = reset_link_parts(coordinator)
    link = reverse("accounts:password_reset_confirm", kwargs=parts)
    assert Client().get(link).status_code == 200
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is now past its time
    assert Client().get(link).status_code == 410


def test_a_tampered_link_gets_a_clear_message_and_writes_nothing(
    coordinator: User, standing: Any
) -> None:
    parts = reset_link_parts(coordinator)
    token = parts["reset_token"]
    flipped = token[:-1] + ("0" if token[-1] != "0" else "1")
    # Someone else's id with this account's token, an altered token, and nonsense.
    other_id = reset_link_parts(standing.manager)["uidb64"]
    links = [
        {"uidb64": parts["uidb64"], "reset_token": flipped},
        {"uidb64": other_id, "reset_token": token},
        {"uidb64": "not-base64!", "reset_token": token},
        {"uidb64": parts["uidb64"], "reset_token": "nonsense"},
    ]
    password_before = coordinator.password
    before = _last_audit_id()
    for kwargs in links:
        link = reverse("accounts:password_reset_confirm", kwargs=kwargs)
        refused = _set(Client(), link, NEW_PASSWORD)
        assert refused.status_code == 410, kwargs
        assert "it is not complete" in refused.content.decode()
    coordinator.refresh_from_db()
    standing.manager.refresh_from_db()
    assert coordinator.password == password_before
    assert standing.manager.check_password(OLD_PASSWORD)
    assert not AuditEntry.objects.filter(pk__gt=before).exists()


def test_a_reset_ends_every_other_session(coordinator: User, client_for: Any) -> None:
    elsewhere = client_for(coordinator)
    assert elsewhere.get(reverse("people:caseload")).status_code == 200
    link = reverse("accounts:password_reset_confirm", kwargs=reset_link_parts(coordinator))
    assert _set(Client(), link, NEW_PASSWORD).status_code == 302
    ended = elsewhere.get(reverse("people:caseload"))
    assert ended.status_code == 302 and ended["Location"].startswith(reverse("accounts:login"))


def test_a_manager_still_gives_the_security_code_after_a_reset(standing: Any) -> None:
    manager = standing.manager
    device = TOTPDevice.objects.get(user=manager, confirmed=True)
    link = reverse("accounts:password_reset_confirm", kwargs=reset_link_parts(manager))
    client = Client()
    done = _set(client, link, NEW_PASSWORD)
    assert done["Location"] == reverse("accounts:login")  # not logged in by the reset
    assert "_auth_user_id" not in client.session
    login = client.post(
        reverse("accounts:login"), {"username": "manager", "password": NEW_PASSWORD}
    )
    assert reverse("accounts:two_factor") in login["Location"]
    blocked = client.get(reverse("people:team_overview"))
    assert reverse("accounts:two_factor") in blocked["Location"]
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()


def test_links_to_one_account_are_limited_without_saying_so(
    coordinator: User, mailoutbox: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    pages = [
        _main(_ask(Client(), "coordinator", django_capture_on_commit_callbacks)) for _ in range(4)
    ]
    assert len(set(pages)) == 1
    assert len(mailoutbox) == settings.OURPLAN_PASSWORD_RESET_ACCOUNT_LIMIT == 3
    assert AuditEntry.objects.filter(
        object_type="password_reset", action=AuditAction.DENIED, object_id=str(coordinator.pk)
    ).exists()


def test_one_address_asking_too_often_is_told_to_wait(
    coordinator: User, mailoutbox: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.OURPLAN_PASSWORD_RESET_ADDRESS_LIMIT = 2
    client = Client()
    for name in ["someone", "someone-else"]:
        assert _ask(client, name, django_capture_on_commit_callbacks).status_code == 200
    stopped = _ask(client, "coordinator", django_capture_on_commit_callbacks)
    assert stopped.status_code == 429
    assert "Wait an hour" in stopped.content.decode()
    assert mailoutbox == []
    # Another address is not held up.
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert _ask(elsewhere, "coordinator", django_capture_on_commit_callbacks).status_code == 200
    assert len(mailoutbox) == 1


def test_an_account_without_an_email_address_gets_no_email(
    standing: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert standing.person_user.email == ""
    page = _ask(Client(), standing.person_user.username, django_capture_on_commit_callbacks)
    assert page.status_code == 200
    assert mailoutbox == []


def test_changing_your_own_password_ends_your_other_sessions(
    coordinator: User, client_for: Any
) -> None:
    here, elsewhere = client_for(coordinator), client_for(coordinator)
    url = reverse("accounts:password_change")
    # Every page's header links to it.
    assert f'href="{url}"' in here.get(reverse("people:caseload")).content.decode()
    assert "Change your password" in here.get(url).content.decode()

    before = _last_audit_id()
    wrong = here.post(
        url,
        {"current_password": "not it", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert "Your current password is not right" in wrong.content.decode()
    weak = here.post(
        url,
        {"current_password": OLD_PASSWORD, "password": "12345678", "password_again": "12345678"},
    )
    assert "This password is entirely numeric." in weak.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.check_password(OLD_PASSWORD)
    # The wrong current password is a failed login; nothing else is written.
    assert list(AuditEntry.objects.filter(pk__gt=before).values_list("action", flat=True)) == [
        AuditAction.LOGIN_FAILED
    ]

    done = here.post(
        url,
        {
            "current_password": OLD_PASSWORD,
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302
    coordinator.refresh_from_db()
    assert check_password(NEW_PASSWORD, coordinator.password)
    assert AuditEntry.objects.filter(
        actor=coordinator, object_type="password", action=AuditAction.UPDATE
    ).exists()
    assert here.get(reverse("people:caseload")).status_code == 200
    ended = elsewhere.get(reverse("people:caseload"))
    assert ended.status_code == 302 and ended["Location"].startswith(reverse("accounts:login"))


def test_changing_a_password_needs_a_login(db: Any) -> None:
    response = Client().get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_guessing_the_current_password_counts_towards_the_login_lockout(
    coordinator: User, client_for: Any, settings: Any
) -> None:
    client = client_for(coordinator)
    url = reverse("accounts:password_change")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            url,
            {
                "current_password": "a guess",
                "password": NEW_PASSWORD,
                "password_again": NEW_PASSWORD,
            },
        )
    right = client.post(
        url,
        {
            "current_password": OLD_PASSWORD,
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert right.status_code == 429
    assert "Too many attempts" in right.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.check_password(OLD_PASSWORD)
