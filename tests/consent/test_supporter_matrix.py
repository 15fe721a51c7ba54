"""Six supporters (full, partial, none, revoked, expired, crisis-mode sharing) × every plan and consent URL.

A supporter reaches the record only through their home page and their PDF; every
plan URL (pages, versions, statutory document, person-held copy, PDFs) refuses them.
Their pages show exactly the consented parts.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ourplan.core.models import AuditEntry
from tests.consent.consent_network import KINDS, MARKERS
from tests.consent.consent_permissions import consent_url_kwargs
from tests.core.test_permission_matrix import _kwargs_for, _outcome, all_url_names
from tests.plans.plans_permissions import plans_url_kwargs

ALWAYS_FOR_SUPPORTERS = {
    ("consent:supporter_home", "GET"),
    ("consent:contribute", "GET"),
    ("consent:contribute", "POST"),
    ("consent:my_needs", "GET"),
    ("consent:my_needs", "POST"),
    ("consent:check_in", "POST"),
}
SHARES_SOMETHING = {"full", "partial", "crisis"}


def _urls() -> list[str]:
    return sorted(name for name in all_url_names() if name.startswith(("plans:", "consent:")))


def _expected(kind: str, name: str, method: str) -> str:
    if (name, method) in ALWAYS_FOR_SUPPORTERS:
        return "allowed"
    if (name, method) == ("consent:shared_pdf", "GET") and kind in SHARES_SOMETHING:
        return "allowed"
    return "denied"


@pytest.mark.django_db
def test_six_kinds_of_supporter_across_every_plan_and_consent_url(
    standing: Any, network: Any, client_for: Any
) -> None:
    extras = {**plans_url_kwargs(standing), **consent_url_kwargs(standing)}
    unexpected = []
    checked = 0
    for name in _urls():
        url = reverse(name, kwargs=_kwargs_for(name, standing, extras))
        for method in ("GET", "POST"):
            for kind in KINDS:
                client = client_for(network.users[kind])
                response = client.get(url) if method == "GET" else client.post(url, {})
                outcome = _outcome(response)
                checked += 1
                if outcome != _expected(kind, name, method):
                    unexpected.append(
                        f"{method} {name} as {kind}: got {outcome} ({response.status_code})"
                    )
    assert unexpected == [], "\n".join(unexpected)
    assert checked == len(_urls()) * 2 * len(KINDS)


def _shown(text: str) -> set[str]:
    return {part for part, marker in MARKERS.items() if marker in text}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_each_supporter_sees_exactly_what_is_consented(
    standing: Any, network: Any, kind: str, client_for: Any
) -> None:
    client = client_for(network.users[kind])
    page = client.get(reverse("consent:supporter_home")).content.decode()
    expected = network.expected[kind] & set(MARKERS)
    assert _shown(page) == expected
    # What is not shared is named, and never shown.
    assert ("Not shared with you" in page) == (
        network.expected[kind] != set(network.expected["full"])
    )
    # Crisis help is always there.
    assert 'data-testid="crisis-help"' in page and 'call <a href="tel:999">999</a>' in page
    pdf = client.get(reverse("consent:shared_pdf"))
    if kind in SHARES_SOMETHING:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert _shown(text.replace("\n", " ")) <= expected
        assert pdf.status_code == 200
    else:
        assert pdf.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "url_name", "object_type", "object_id"),
    [
        ("partial", "consent:supporter_home", "shared_view", "goals,crisis"),
        ("partial", "consent:shared_pdf", "shared_copy", "goals,crisis"),
        (
            "full",
            "consent:supporter_home",
            "shared_view",
            "about_me,goals,staying_well,crisis,safety,reviews,contacts,questionnaires",
        ),
        ("none", "consent:supporter_home", "shared_view", "nothing"),
        ("revoked", "consent:supporter_home", "shared_view", "nothing"),
    ],
)
def test_one_supporter_request_leaves_one_read_naming_the_parts_shown(
    standing: Any,
    network: Any,
    client_for: Any,
    kind: str,
    url_name: str,
    object_type: str,
    object_id: str,
) -> None:
    client_for(network.users[kind]).get(reverse(url_name))
    entries = AuditEntry.objects.filter(actor=network.users[kind], action="read")
    assert [(e.object_type, e.object_id, e.person_id) for e in entries] == [
        (object_type, object_id, standing.person.pk)
    ]


@pytest.mark.django_db
def test_crisis_sharing_adds_its_parts_to_the_one_read(
    standing: Any, network: Any, client_for: Any
) -> None:
    client_for(network.users["crisis"]).get(reverse("consent:supporter_home"))
    entry = AuditEntry.objects.get(actor=network.users["crisis"], action="read")
    assert entry.object_id == "crisis,safety"
