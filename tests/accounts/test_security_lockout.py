"""Login lockout behind reverse proxies: per username and real client, and per address."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ourplan.accounts.lockout import client_address

PROXY = "10.0.0.5"  # the reverse proxy every request arrives from
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
RIGHT_PASSWORD = "a-long-test-password"


def _login_through_proxy(
    username: str, password: str, *, client_ip: str, spoofed: str | None = None
) -> Any:
    """A login as the proxy passes it on: the proxy appends the address it saw."""
    forwarded = f"{spoofed}, {client_ip}" if spoofed else client_ip
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).post(
        reverse("accounts:login"), {"username": username, "password": password}
    )


@pytest.fixture
def behind_one_proxy(settings: Any) -> Any:
    settings.OURPLAN_PROXY_COUNT = 1
    return settings


def test_one_client_locked_out_behind_the_proxy_leaves_the_owner_able_to_log_in(
    standing: Any, behind_one_proxy: Any
) -> None:
    # Each guess claims a different left-most address: only the proxy's entry counts.
    for guess in range(behind_one_proxy.AXES_FAILURE_LIMIT):
        response = _login_through_proxy(
            "coordinator", "wrong password", client_ip=ATTACKER, spoofed=f"192.0.2.{guess + 1}"
        )
    assert response.status_code == 429
    still_locked = _login_through_proxy(
        "coordinator", RIGHT_PASSWORD, client_ip=ATTACKER, spoofed="192.0.2.200"
    )
    assert still_locked.status_code == 429, "a spoofed left-most address must not help"

    owner = _login_through_proxy("coordinator", RIGHT_PASSWORD, client_ip=OWNER)
    assert owner.status_code == 302, "another client behind the same proxy is not locked out"


def test_one_address_trying_many_accounts_is_stopped(standing: Any, behind_one_proxy: Any) -> None:
    behind_one_proxy.OURPLAN_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    # Two guesses on each of three accounts: under the per-username limit everywhere,
    # but six from one address in all.
    for username in ("coordinator", "manager", "clinician"):
        for _ in range(2):
            _login_through_proxy(username, "wrong password", client_ip=ATTACKER)
    refused = _login_through_proxy("othercoordinator", RIGHT_PASSWORD, client_ip=ATTACKER)
    assert refused.status_code == 429
    elsewhere = _login_through_proxy("othercoordinator", RIGHT_PASSWORD, client_ip=OWNER)
    assert elsewhere.status_code == 302


def _request(remote: str, forwarded: str | None = None) -> Any:
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_the_client_address_is_counted_from_the_right_of_x_forwarded_for(settings: Any) -> None:
    settings.OURPLAN_PROXY_COUNT = 0
    assert client_address(_request(PROXY, "1.2.3.4")) == PROXY  # no proxies: header ignored
    settings.OURPLAN_PROXY_COUNT = 1
    assert client_address(_request(PROXY, "1.2.3.4, " + OWNER)) == OWNER
    assert client_address(_request(PROXY, OWNER)) == OWNER
    assert client_address(_request(PROXY)) == PROXY  # header missing: only the proxy is known
    assert client_address(_request(PROXY, "not-an-address")) == PROXY
    settings.OURPLAN_PROXY_COUNT = 2
    # client -> outer proxy (appends client) -> inner proxy (appends outer proxy) -> app
    assert client_address(_request(PROXY, f"1.2.3.4, {OWNER}, 10.0.0.9")) == OWNER
    assert client_address(_request(PROXY, "10.0.0.9")) == PROXY  # fewer entries than proxies
