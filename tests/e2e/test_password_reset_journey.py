"""A manager forgets her password, resets it from the emailed link, and still gives her code.

Every page on the way passes axe; the link, used again, says it has been used.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

NEW_PASSWORD = "heron kettle orchard lantern"


def test_a_forgotten_password_is_reset_from_the_emailed_link(
    demo: Any, new_page: Any, assert_accessible: Any, settings: Any
) -> None:
    from ourplan.accounts.models import User
    from tests.e2e.conftest import totp_code

    # The email is sent as the request's transaction commits, in the live server's thread.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    User.objects.filter(username="manager").update(email="manager@example.org")
    mail.outbox = []

    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(page)
    page.get_by_label("Username or email address").fill("manager")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    (email,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", email.body)
    assert link is not None, email.body
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill("password")
    page.get_by_label("Type the new password again").fill("password")
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("This password is too common.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to ourplan")
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    page.get_by_label("Security code").fill(totp_code("manager"))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)

    again = new_page()
    again.goto(link.group(0))
    expect(again.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    expect(again.get_by_text("This link has already been used")).to_be_visible()
    assert_accessible(again)
