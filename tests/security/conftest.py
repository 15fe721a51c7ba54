"""The security battery's world: the standing users, the permission matrix's records, the
standing supporter sharing every part (so their pages show what the others type), and a
local server that counts any request a payload manages to make."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from tests.conftest import VALID_NHS_NUMBERS
from tests.core.test_permission_matrix import MATRIX, _kwargs_for
from tests.core.test_permission_matrix import extras as matrix_extras
from tests.security.form_crawl import Form, Page, discover_forms, pages_for

extras = matrix_extras  # the matrix's records for the URL parameters, as a fixture here too

# Valid NHS numbers no standing person has (the standing people use the first two).
UNUSED_NHS_NUMBERS = VALID_NHS_NUMBERS[2:]


@dataclass
class Battery:
    standing: Any
    extras: dict[str, Any]
    clients: dict[str, Client]
    pages: list[Page]
    hints: dict[str, list[str]]

    def discover(self) -> list[Form]:
        return discover_forms(self.pages, self.clients, MATRIX)


def _share_everything(standing: Any) -> None:
    from ourplan.consent import services as consent
    from ourplan.consent.models import RecordedHow
    from ourplan.consent.parts import PART_ORDER

    consent.agreement_set(
        actor=standing.coordinator,
        person=standing.person,
        supporter=standing.supporter_record,
        parts=list(PART_ORDER),
        recorded_how=RecordedHow.IN_PERSON,
    )


@pytest.fixture
def battery(standing: Any, extras: dict[str, Any], client_for: Any) -> Battery:
    _share_everything(standing)
    clients = {role: client_for(user) for role, user in standing.users().items()}
    for client in clients.values():
        client.raise_request_exception = False  # a 500 is a finding to count, not a crash
    return Battery(
        standing=standing,
        extras=extras,
        clients=clients,
        pages=list(pages_for(MATRIX, standing, extras, _kwargs_for)),
        hints={
            "nhs_number": UNUSED_NHS_NUMBERS,
            # A new account's name (an invitation), then an existing one (a study invitation).
            "username": ["battery-newcomer", standing.coordinator.username],
        },
    )


class _CountingHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        self.send_response(404)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the test reports what arrived


@dataclass
class Canary:
    """A local web server that counts requests: any payload that fetches something reaches it."""

    url: str
    requests: list[str]


@pytest.fixture
def canary() -> Iterator[Canary]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    requests: list[str] = []
    server.requests = requests  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Canary(url=f"http://127.0.0.1:{server.server_port}", requests=requests)
    finally:
        server.shutdown()
        server.server_close()
