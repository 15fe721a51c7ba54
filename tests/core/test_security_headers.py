"""Every response carries the CSP and the other security headers, error pages included,
and a refusal is logged as one line without a traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from ourplan.config import urls as project_urls


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# This module is the URLconf of the tests below: the app's URLs and error pages, plus a
# page that fails.
urlpatterns = [path("test-boom/", _boom), path("", include("ourplan.config.urls"))]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

pytestmark = pytest.mark.urls(__name__)


def _assert_security_headers(response: Any) -> None:
    csp = response.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
        assert directive in csp, (response.status_code, csp)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Request-ID"]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_normal_page_a_refusal_a_missing_page_and_a_failure_all_carry_the_headers(
    standing: Any, client_for: Any, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug
    normal = client_for(standing.coordinator).get(reverse("people:caseload"))
    assert normal.status_code == 200
    _assert_security_headers(normal)

    refused = client_for(standing.researcher).get(reverse("people:caseload"))
    assert refused.status_code == 403
    _assert_security_headers(refused)

    missing = Client().get("/no-such-page/")
    assert missing.status_code == 404
    _assert_security_headers(missing)

    failed = Client(raise_request_exception=False).get("/test-boom/")
    assert failed.status_code == 500
    _assert_security_headers(failed)


def test_a_refusal_is_logged_as_one_line_without_a_traceback(
    standing: Any, client_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(standing.researcher).get(reverse("people:caseload"))
    assert response.status_code == 403
    refusals = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert len(refusals) == 1
    assert refusals[0].getMessage().startswith("Forbidden")
    assert refusals[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_a_request_the_limits_refuse_is_logged_without_a_traceback(
    db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client().get("/accounts/login/?next=%00")
    assert response.status_code == 400
    refused = [r for r in caplog.records if getattr(r, "status_code", None) == 400]
    assert len(refused) == 1 and refused[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_a_failure_still_logs_its_traceback(caplog: pytest.LogCaptureFixture, db: Any) -> None:
    with caplog.at_level(logging.ERROR, logger="django.request"):
        Client(raise_request_exception=False).get("/test-boom/")
    failures = [r for r in caplog.records if getattr(r, "status_code", None) == 500]
    assert failures and failures[0].exc_info is not None
