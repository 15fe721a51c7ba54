"""The person's view of who has seen their record, and the error pages (which log refusals)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ourplan.core import audit, queries
from ourplan.people.access import can_view_person
from ourplan.people.queries import person_for_user


@login_required
@require_GET
def my_record_access(request: HttpRequest) -> HttpResponse:
    """The person sees who has looked at their record: role, name and date."""
    person = person_for_user(request.user)
    if person is None or not can_view_person(request.user, person):
        raise PermissionDenied
    entries = queries.record_access_for(person)
    audit.record_read(
        request.user, object_type="record_access_log", object_id=person.pk, person=person
    )
    return render(request, "core/my_record_access.html", {"person": person, "entries": entries})


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
