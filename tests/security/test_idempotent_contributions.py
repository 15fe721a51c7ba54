"""A carer's message to the team, their check-in and staff switching on crisis sharing are each
acted on once: a resent form (SQLite and PostgreSQL) and two simultaneous submits of one form
(threads, PostgreSQL) create exactly one row."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.urls import reverse

from ourplan.consent.models import Contribution, CrisisSharing, WellbeingCheckIn
from tests.conftest import logged_in_client

KEY = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')


def _key_on(client: Any, page: str, action: str | None = None) -> str:
    """The submission key of the form on ``page`` (the one posting to ``action``, if given)."""
    html = client.get(page).content.decode()
    if action not in (None, page):  # a form posting elsewhere names its action
        html = html[html.index(f'action="{action}"') :]
    found = KEY.search(html)
    assert found is not None, f"no submission key on {page}"
    return found.group(1)


def _forms(standing: Any) -> list[tuple[str, Any, str, str, dict[str, str], Any]]:
    """(what, who, page, action, data, rows) for each form that creates one row."""
    person = standing.person.pk
    return [
        (
            "tell the team",
            standing.supporter,
            reverse("consent:contribute"),
            reverse("consent:contribute"),
            {"kind": "concern", "text": "She is not sleeping"},
            Contribution.objects,
        ),
        (
            "check in",
            standing.supporter,
            reverse("consent:my_needs"),
            reverse("consent:check_in"),
            {"score": "3", "note": "Tired"},
            WellbeingCheckIn.objects,
        ),
        (
            "crisis sharing",
            standing.coordinator,
            reverse("consent:crisis_sharing", args=[person]),
            reverse("consent:crisis_sharing", args=[person]),
            {"reason": "Admitted to hospital", "hours": "24"},
            CrisisSharing.objects,
        ),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("what", ["tell the team", "check in", "crisis sharing"])
def test_a_resent_form_creates_one_row(what: str, standing: Any, client_for: Any) -> None:
    _what, who, page, action, data, rows = next(f for f in _forms(standing) if f[0] == what)
    client = client_for(who)
    form = {**data, "submission_key": _key_on(client, page, action)}
    first = client.post(action, form)
    again = client.post(action, form, follow=True)
    assert first.status_code == 302
    assert "It has not been saved twice" in again.content.decode()
    assert rows.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="truly simultaneous submits need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("what", ["tell the team", "check in", "crisis sharing"])
def test_two_simultaneous_submits_create_one_row(what: str, standing: Any) -> None:
    _what, who, page, action, data, rows = next(f for f in _forms(standing) if f[0] == what)
    clients = [logged_in_client(who) for _ in range(2)]
    form = {**data, "submission_key": _key_on(clients[0], page, action)}
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[str] = []

    def send(client: Any) -> None:
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post(action, form).status_code)
        except Exception as error:  # a failure in a thread must fail the test
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert statuses == [302, 302]
    assert rows.count() == 1
