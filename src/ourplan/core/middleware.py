"""Cross-cutting request handling: request ids, caching of personal data, the CSP, and limits
on what a request may carry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict

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


class NulCharacterRefused(BadRequest):
    """A request whose address, query or form values hold a NUL character."""


class RequestTooLarge(BadRequest):
    """A request body longer than ``OURPLAN_MAX_REQUEST_BYTES``."""


def _holds_nul(values: QueryDict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in items) for key, items in values.lists()
    )


class RequestLimitsMiddleware:
    """Refuse, with a clear 400 or 413 page, what no page here can use.

    - A body longer than ``MAX_REQUEST_BYTES`` (the biggest upload, a research file, is
      10 MB) is refused before any of it is read. Django's own limits on the form part of a
      body (``DATA_UPLOAD_MAX_MEMORY_SIZE``, ``DATA_UPLOAD_MAX_NUMBER_FIELDS``) raise their
      own errors when the body is read, which the 400 page explains too.
    - A NUL character in the address, the query or a form value: PostgreSQL cannot store one
      in text. Forms' text boxes refuse it already (Django's ProhibitNullCharactersValidator),
      but views read other values straight from the request (hidden ids, a "next" address,
      filters), and an id that reaches a query or an audit entry would fail with a server
      error. Uploaded files' contents are checked by the apps that read them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            raise RequestTooLarge(f"{length} bytes sent")
        if "\x00" in request.path or _holds_nul(request.GET):
            raise NulCharacterRefused("NUL in the address")
        if request.method == "POST" and _holds_nul(request.POST):
            raise NulCharacterRefused("NUL in a form value")
        return self.get_response(request)
