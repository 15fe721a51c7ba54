"""Home routing and the crisis page: the frame around every role's pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ourplan.people.queries import crisis_lines_for
from ourplan.site.navigation import home_url_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect(home_url_for(request.user))


@require_GET
def help_now(request: HttpRequest) -> HttpResponse:
    """Crisis numbers. Public, so it works even for someone who cannot log in."""
    return render(request, "site/help_now.html", {"lines": crisis_lines_for(request.user)})
