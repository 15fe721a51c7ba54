"""The error pages. The 403 page is also where every refusal in the project is logged."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ourplan.core import audit
from ourplan.core.middleware import NulCharacterRefused, RequestTooLarge


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Every refusal in the project arrives here, and here alone writes its ``denied`` entry."""
    audit.record_refusal(request, exception)
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def _why_refused(exception: Exception | None) -> tuple[str, int]:
    """What to tell the person about a request refused as too big or unusable, and the status."""
    if isinstance(exception, RequestTooLarge):
        size = filesizeformat(settings.MAX_REQUEST_BYTES)
        return _("That was too much to send at once: at most %(size)s.") % {"size": size}, 413
    if isinstance(exception, RequestDataTooBig):
        size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return _(
            "That was more text than a form here takes (at most %(size)s). "
            "Go back, shorten what you wrote and send it again."
        ) % {"size": size}, 400
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return _("That sent more boxes or files than any form here has."), 400
    if isinstance(exception, NulCharacterRefused):
        return _(
            "What you sent held a character that cannot be saved (a NUL character, which "
            "copying from some programs brings along). Go back, type that part again and send it."
        ), 400
    return "", 400


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason, status = _why_refused(exception)
    return render(request, "400.html", {"reason": reason}, status=status)
