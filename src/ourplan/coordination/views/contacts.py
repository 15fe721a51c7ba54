"""Contacts and appointments: record one in three interactions, plan the next, see them all."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.coordination import access, queries, services
from ourplan.coordination.forms import AppointmentForm, ContactForm, OutcomeForm, now_to_the_minute
from ourplan.coordination.models import Contact, ContactOutcome
from ourplan.coordination.views import safe_next
from ourplan.core.forms import show_validation_error
from ourplan.core.submissions import once_per_submission
from ourplan.people.models import Person
from ourplan.people.queries import current_supporters

PAGE_SIZE = 25


def _contact_form(request: HttpRequest, person: Person, **kwargs: Any) -> ContactForm:
    return ContactForm(
        data=request.POST or None,
        supporters=current_supporters(person),
        goals=queries.active_goals(person),
        steps=queries.open_steps(person),
        **kwargs,
    )


@login_required
@require_GET
def contacts(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The person's contacts and appointments, with time spent month by month."""
    person = access.access_contacts(request.user, person_id)
    today = timezone.localdate()
    page = Paginator(queries.recorded_contacts(person), PAGE_SIZE).get_page(request.GET.get("page"))
    can_record = access.can_record_contact(request.user, person)
    return render(
        request,
        "coordination/contacts.html",
        {
            "person": person,
            "page": page,
            "upcoming": queries.upcoming_appointments(person),
            "awaiting": queries.past_planned(person) if can_record else [],
            "months": queries.months_of_contact(person, today),
            "can_record": can_record,
            "is_the_person": request.user.pk == person.user_id,
            "outcome_form": OutcomeForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = access.access_person_to_contact(
        request.user, person_id, audit_read=request.method == "GET"
    )
    return _contact_new(request, person)


@once_per_submission
def _contact_new(request: HttpRequest, person: Person) -> HttpResponse:
    form = _contact_form(request, person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        me = access.staff_member_of(request.user)
        assert me is not None  # only staff may record contacts
        try:
            services.contact_record(
                actor=request.user,
                person=person,
                staff=me,
                mode=data["mode"],
                outcome=data["outcome"] or ContactOutcome.HAPPENED,
                starts_at=data["starts_at"] or now_to_the_minute(),
                duration_minutes=data["duration_minutes"],
                supporters=data.get("supporters") or [],
                others_present=data.get("others_present") or "",
                note=data.get("note") or "",
                goals=data.get("goals") or [],
                steps=data.get("steps") or [],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(
                request, _("Contact with %(name)s recorded.") % {"name": person.called}
            )
            return redirect(safe_next(request, reverse("coordination:contacts", args=[person.pk])))
    return render(
        request,
        "coordination/contact_form.html",
        {
            "person": person,
            "form": form,
            "title": _("Record a contact with %(name)s") % {"name": person.called},
            "next": safe_next(request, ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = access.access_person_to_contact(
        request.user, person_id, audit_read=request.method == "GET"
    )
    return _appointment_new(request, person)


@once_per_submission
def _appointment_new(request: HttpRequest, person: Person) -> HttpResponse:
    form = AppointmentForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        me = access.staff_member_of(request.user)
        assert me is not None
        try:
            services.contact_record(
                actor=request.user,
                person=person,
                staff=me,
                mode=data["mode"],
                outcome=ContactOutcome.PLANNED,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                note=data.get("note") or "",
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Appointment with %(name)s planned. They see it on their home page.")
                % {"name": person.called},
            )
            return redirect("coordination:contacts", person_id=person.pk)
    return render(
        request,
        "coordination/contact_form.html",
        {
            "person": person,
            "form": form,
            "title": _("Plan an appointment with %(name)s") % {"name": person.called},
            "next": "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_detail(request: HttpRequest, person_id: Any, contact_id: int) -> HttpResponse:
    """One contact: what was recorded, and a form to correct it."""
    contact = access.access_contact(
        request.user, person_id, contact_id, audit_read=request.method == "GET"
    )
    person = contact.person
    initial = {
        "mode": contact.mode,
        "outcome": contact.outcome,
        "starts_at": timezone.localtime(contact.starts_at),
        "duration_minutes": contact.duration_minutes,
        "supporters": list(contact.supporters.all()),
        "others_present": contact.others_present,
        "note": contact.note,
        "goals": list(contact.goals.all()),
        "steps": list(contact.steps.all()),
    }
    form = _contact_form(request, person, initial=initial)
    if contact.is_planned:
        form.fields["outcome"].choices = [  # type: ignore[attr-defined]
            (ContactOutcome.PLANNED, ContactOutcome.PLANNED.label),
            *form.fields["outcome"].choices,  # type: ignore[attr-defined]
        ]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_correct(
                actor=request.user,
                contact=contact,
                mode=data["mode"],
                outcome=data["outcome"] or contact.outcome,
                starts_at=data["starts_at"] or contact.starts_at,
                duration_minutes=data["duration_minutes"],
                supporters=data.get("supporters") or [],
                others_present=data.get("others_present") or "",
                note=data.get("note") or "",
                goals=data.get("goals") or [],
                steps=data.get("steps") or [],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Contact corrected."))
            return redirect("coordination:contacts", person_id=person.pk)
    return render(
        request,
        "coordination/contact_detail.html",
        {"person": person, "contact": contact, "form": form},
    )


@login_required
@require_POST
def contact_outcome(request: HttpRequest, person_id: Any, contact_id: int) -> HttpResponse:
    """Say what became of a planned appointment, in one click."""
    contact: Contact = access.access_contact(request.user, person_id, contact_id, audit_read=False)
    form = OutcomeForm(data=request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what happened at the appointment."))
    else:
        try:
            services.appointment_outcome(
                actor=request.user, contact=contact, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved what happened at the appointment."))
    return redirect("coordination:contacts", person_id=contact.person_id)


@login_required
@require_GET
def timeline(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The plan's story: contacts, reviews, versions, goals and progress, newest first."""
    person = access.access_timeline(request.user, person_id)
    return render(
        request,
        "coordination/timeline.html",
        {
            "person": person,
            "entries": queries.timeline_of(person),
            "is_the_person": request.user.pk == person.user_id,
        },
    )
