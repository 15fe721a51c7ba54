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
