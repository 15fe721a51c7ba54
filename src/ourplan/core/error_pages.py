"""The error pages. The 403 page is also where every refusal in the project is logged."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ourplan.core import audit


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Every refusal in the project arrives here, and here alone writes its ``denied`` entry."""
    audit.record_refusal(request, exception)
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)
