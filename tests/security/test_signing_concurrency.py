"""Two signatures of one version at the same moment both hold on SQLite, with no server error.

Issue 14, finding 4: two simultaneous signatures failed with a 500 in 3 of 6 pairs on SQLite
(each request read the version, then both tried to write it: a deferred transaction cannot
wait for the write lock it needs, so SQLite said "database is locked" at once). Here the app
runs as in a one-machine trial, gunicorn (two workers, four threads) on a file copy of the
test database, and for each of 12 versions the person agrees and signs while their care
coordinator signs, released together: every request must succeed and every version must end
with both signatures.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.db import connection
from django.urls import reverse

from ourplan.core.submissions import FIELD_NAME
from ourplan.plans import services
from tests.conftest import logged_in_client
from tests.security.test_stop_sharing_concurrency import _csrf, _session
from tests.security.test_stop_sharing_concurrency import server as server

PAIRS = 12

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite concurrency check"),
    pytest.mark.slow_subprocess,
]


@pytest.fixture
def file_copy(standing: Any, tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """The test database with a plan, PAIRS unsigned versions and two sessions, in a file."""
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    for _ in range(PAIRS):
        services.version_create(actor=standing.coordinator, plan=plan)
    cookies = {
        role: logged_in_client(user).cookies["sessionid"].value
        for role, user in (("person", standing.person_user), ("coordinator", standing.coordinator))
    }
    path = tmp_path / "ourplan.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    with target:
        connection.connection.backup(target)
    target.close()
    yield path, cookies


def _signatures(path: Path, plan_id: Any) -> list[tuple[int, bool, bool]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=20) as db:
        rows = db.execute(
            "SELECT number, person_signed_at IS NOT NULL, coordinator_signed_at IS NOT NULL "
            "FROM plans_planversion WHERE plan_id = ? ORDER BY number",
            [plan_id],
        ).fetchall()
    return [(number, bool(person), bool(coordinator)) for number, person, coordinator in rows]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_signatures_both_hold_without_a_server_error(
    standing: Any, file_copy: tuple[Path, dict[str, str]], server: str
) -> None:
    path, cookies = file_copy
    person_id = standing.person.pk
    signers = {role: _session(server, cookie) for role, cookie in cookies.items()}
    first = reverse("plans:version", args=[person_id, 1])
    tokens = {role: _csrf(session, server, first) for role, session in signers.items()}
    failures: list[str] = []

    def sign(role: str, number: int, start: threading.Barrier) -> None:
        data = {"csrfmiddlewaretoken": tokens[role], FIELD_NAME: uuid.uuid4().hex}
        if role == "person":
            data["response"] = "agree"
        url = server + reverse("plans:version_sign", args=[person_id, number])
        start.wait(timeout=60)
        try:
            response = signers[role].post(url, data, allow_redirects=False, timeout=60)
        except requests.RequestException as error:
            failures.append(f"version {number}, {role}: {error!r}")
            return
        if response.status_code != 302:
            failures.append(f"version {number}, {role}: status {response.status_code}")

    for number in range(1, PAIRS + 1):
        start = threading.Barrier(2)
        pair = [threading.Thread(target=sign, args=(role, number, start)) for role in signers]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join(timeout=120)
    signed = _signatures(path, standing.person.plan.pk)
    print(f"\nSimultaneous signatures on SQLite: {PAIRS} pairs, {len(failures)} failed")
    assert failures == []
    assert signed == [(number, True, True) for number in range(1, PAIRS + 1)]
