"""What one request may carry: caps on the body, the form and its fields, and no NUL characters,
each refused with a clear page (400 or 413) carrying the usual headers, never a 500. And the
server errors the bad-input sweep found in the apps' own code, each fixed and pinned here."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ourplan.core.models import AuditEntry
from tests.security.form_crawl import forms_on, submit

pytestmark = pytest.mark.django_db


def _refusal_page(response: Any, status: int, words: str) -> None:
    assert response.status_code == status
    page = response.content.decode()
    assert words in page, page
    assert "Content-Security-Policy" in response.headers  # the page the middleware stack made
    assert response["Cache-Control"] == "no-store, private"


def test_a_body_over_the_limit_gets_a_413_page_before_it_is_read(
    standing: Any, client_for: Any, settings: Any
) -> None:
    assert settings.MAX_REQUEST_BYTES == 12 * 1024 * 1024
    big = SimpleUploadedFile("big.csv", b"a,b\n" + b"1,2\n" * (13 * 1024 * 1024 // 4))
    response = client_for(standing.researcher).post(reverse("research:home"), {"file": big})
    _refusal_page(response, 413, "That was too much to send at once: at most 12.0")


def test_a_form_over_the_limit_gets_a_400_page(standing: Any, client_for: Any) -> None:
    url = reverse("plans:goal_new", args=[standing.person.pk])
    response = client_for(standing.coordinator).post(url, {"text": "x" * (3 * 1024 * 1024)})
    _refusal_page(response, 400, "That was more text than a form here takes (at most 2.0")


def test_too_many_fields_get_a_400_page(standing: Any, client_for: Any) -> None:
    data = {f"field{n}": "1" for n in range(2_001)}
    response = client_for(standing.coordinator).post(reverse("people:person_new"), data)
    _refusal_page(response, 400, "That sent more boxes or files than any form here has.")


@pytest.mark.parametrize("where", ["form", "query"])
def test_a_nul_character_gets_a_400_page(standing: Any, client_for: Any, where: str) -> None:
    client = client_for(standing.coordinator)
    url = reverse("people:caseload")
    response = (
        client.get(url, {"q": "Ada\x00"})
        if where == "query"
        else client.post(reverse("people:person_new"), {"given_name": "Ada\x00"})
    )
    _refusal_page(response, 400, "held a character that cannot be saved (a NUL character")


def test_a_nul_in_a_hidden_id_is_refused_before_it_reaches_the_audit_log(
    standing: Any, client_for: Any
) -> None:
    """Was a 500 on PostgreSQL: the refusal's audit entry named the id, NUL and all."""
    client = client_for(standing.coordinator)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("people:invite", args=[standing.person.pk]), {"supporter": "1\x00"}
    )
    assert response.status_code == 400
    assert AuditEntry.objects.count() == before


def test_a_next_address_that_is_not_a_path_goes_to_the_usual_page(
    standing: Any, client_for: Any
) -> None:
    """Was a 500: redirect() read a plain word in ``next`` as the name of a URL."""
    client = client_for(standing.coordinator)
    client.raise_request_exception = False
    page = reverse("coordination:contact_new", args=[standing.person.pk])
    html = client.get(page).content.decode()
    form = next(form for form in forms_on(html, page, "coordinator") if form.action.endswith(page))
    results = {}
    for wanted in ("people", "javascript:alert(1)", "https://elsewhere.example/"):
        data = form.filled()
        data["next"] = [wanted]
        response = submit(form, {"coordinator": client}, data)
        results[wanted] = (response.status_code, response.get("Location"))
    usual = reverse("coordination:contacts", args=[standing.person.pk])
    assert set(results.values()) == {(302, usual)}, results


def test_a_study_group_name_too_long_to_store_is_refused_in_words(
    standing: Any, client_for: Any
) -> None:
    """Was a 500 on PostgreSQL: a group name longer than a panel's name column."""
    from ourplan.studies.models import Study

    response = client_for(standing.researcher).post(
        reverse("studies:create"),
        {
            "title": "Long names",
            "purpose": "Checks",
            "groups": "g" * 81,
            "planned_rounds": "2",
            "scale": "5",
            "threshold_percent": "75",
        },
    )
    assert response.status_code in (200, 400)
    assert "Keep each group&#x27;s name to 80 characters or fewer." in response.content.decode()
    assert not Study.objects.filter(title="Long names").exists()
