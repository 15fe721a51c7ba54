"""Allocation by fit and choice, the person's preferences, and the handover."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ourplan.accounts.models import Role
from ourplan.coordination import access, queries, services
from ourplan.coordination.allocation import rank
from ourplan.coordination.forms import AllocationForm, PreferencesForm
from ourplan.core.forms import show_validation_error
from ourplan.core.submissions import once_per_submission
from ourplan.people.models import Country, Person


def _suggestions(person: Person) -> list[Any]:
    settings = queries.settings_for(person.organisation_id)
    current = queries.current_coordinator_of(person)
    candidates = [
        c
        for c in queries.candidates_for(person, settings)
        if current is None or c.staff_id != current.staff_id
    ]
    wishes = queries.wishes_of(queries.preferences_of(person))
    return rank(candidates, wishes, in_wales=person.organisation.country == Country.WALES)


@login_required
@require_http_methods(["GET", "POST"])
def allocation(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = access.access_allocation(request.user, person_id, audit_read=request.method == "GET")
    return _allocation(request, person)


@once_per_submission
def _allocation(request: HttpRequest, person: Person) -> HttpResponse:
    suggestions = _suggestions(person)
    current = queries.current_coordinator_of(person)
    form = AllocationForm(data=request.POST or None, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.allocate(
                actor=request.user,
                person=person,
                staff=data["coordinator"],
                on=data["started_on"],
                reason=data["reason"],
                preference_met=data["preference_met"],
                handover_note=data["handover_note"],
                suggestions=[s.as_record() for s in suggestions],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now the care coordinator. The person has been told.")
                % {"name": data["coordinator"].user.display_name},
            )
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "coordination/allocation.html",
        {
            "person": person,
            "form": form,
            "suggestions": suggestions,
            "current": current,
            "preferences": queries.preferences_of(person),
            "allocations": queries.allocations_of(person),
            "handovers": queries.handovers_of_person(person),
            "in_wales": person.organisation.country == Country.WALES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, person_id: Any) -> HttpResponse:
    """What the person would like in a care coordinator; the person may say so themselves."""
    person = access.access_preferences(request.user, person_id, audit_read=request.method == "GET")
    is_the_person = getattr(request.user, "role", None) == Role.SERVICE_USER
    form = PreferencesForm(
        data=request.POST or None,
        instance=queries.preferences_of(person),
        staff_choices=queries.team_coordinators(person.team_id),
        for_the_person=is_the_person,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(
                actor=request.user,
                person=person,
                fields={name: form.cleaned_data[name] for name in form.fields},
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Preferences saved."))
            if is_the_person:
                return redirect("people:my_home")
            return redirect("coordination:allocation", person_id=person.pk)
    return render(
        request,
        "coordination/preferences.html",
        {"person": person, "form": form, "is_the_person": is_the_person},
    )


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest, person_id: Any, handover_id: int) -> HttpResponse:
    """The handover note to the new care coordinator; they say when they have read it."""
    note = access.access_handover(
        request.user, person_id, handover_id, audit_read=request.method == "GET"
    )
    if request.method == "POST":
        try:
            services.handover_read(actor=request.user, handover=note)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Marked as read."))
        return redirect("people:person", person_id=note.person_id)
    return render(
        request,
        "coordination/handover.html",
        {
            "person": note.person,
            "handover": note,
            "is_recipient": note.to_staff.user_id == request.user.pk,
        },
    )
