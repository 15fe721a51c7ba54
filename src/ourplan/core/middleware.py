"""Cross-cutting request handling: request ids, caching of personal data, and the CSP."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from ourplan.core.request_context import new_request_id


class RequestIdMiddleware:
    """Give every request an id that audit entries and the response carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class NoStoreMiddleware:
    """Stop browsers and proxies keeping copies of pages.

    Every page behind login may show personal data, and even public pages
    carry a CSRF token, so only static files (served earlier by WhiteNoise)
    are cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, private"
        response["Pragma"] = "no-cache"
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, without its exemption for Django's debug pages.

    django-csp leaves 404 and 500 responses without a policy when DEBUG is on, so that
    Django's technical pages can run their inline script and styles. Those pages show
    request data and settings; they get the same policy as every other page (they still
    read, unstyled).
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if settings.DEBUG and response.status_code in (404, 500) and HEADER not in response:
            policy = build_policy(**asdict(self.get_policy_parts(request, response)))
            if policy and not getattr(response, "_csp_exempt", False):
                response[HEADER] = policy
        return super().process_response(request, response)
