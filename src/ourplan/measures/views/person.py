"""The person's own questionnaires and results, and the care team's view of them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.core.submissions import once_per_submission
from ourplan.measures import access, demographics, exports, forms, queries, services
from ourplan.measures.models import Mode, Respondent


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    person = access.access_own_results(request.user, page="measures:mine")
    instruments = queries.instruments_for(Respondent.PERSON)
    return render(
        request,
        "measures/mine.html",
        {
            "person": person,
            "due": queries.due_for(person),
            "summary": queries.results_summary(person),
            "start_form": forms.StartForm(instruments=instruments),
        },
    )


@login_required
@require_POST
def start_mine(request: HttpRequest) -> HttpResponse:
    person = access.access_own_person(request.user, page="measures:start_mine")
    return _start_mine(request, person)


@once_per_submission
def _start_mine(request: HttpRequest, person: Any) -> HttpResponse:
    form = forms.StartForm(request.POST, instruments=queries.instruments_for(Respondent.PERSON))
    if not form.is_valid():
        messages.error(request, _("Choose a questionnaire to start."))
        return render(
            request,
            "measures/mine.html",
            {
                "person": person,
                "due": queries.due_for(person),
                "summary": queries.results_summary(person),
                "start_form": form,
            },
            status=400,
        )
    response = services.start_response(
        actor=request.user,
        instrument_id=form.cleaned_data["instrument"],
        mode=Mode.SELF,
        person=person,
    )
    return redirect("measures:answer", response_id=response.pk)


@login_required
@require_GET
def my_results(request: HttpRequest) -> HttpResponse:
    person = access.access_own_results(request.user, page="measures:my_results")
    return render(
        request,
        "measures/results.html",
        {
            "person": person,
            "results": queries.results_over_time(person),
            "goals": queries.goal_progress(person),
            "own": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_demographics(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        person = access.access_own_demographics(request.user, page="measures:my_demographics")
    else:
        person = access.access_own_person(request.user, page="measures:my_demographics")
    current = queries.demographics_of(person=person)
    form = forms.DemographicsForm(
        request.POST or None, initial=current, questions=demographics.PERSON_QUESTIONS
    )
    if request.method == "POST" and form.is_valid():
        services.save_demographics(actor=request.user, person=person, answers=form.answers())
        messages.success(request, _("Thank you. You can change these answers at any time."))
        return redirect("measures:mine")
    return render(
        request,
        "measures/demographics.html",
        {"form": form, "back": "measures:mine", "for_staff": False},
    )


# ----------------------------------------------------------------------------- the care team


@login_required
@require_GET
def person_results(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = access.access_person_results(request.user, person_id)
    return render(
        request,
        "measures/results.html",
        {
            "person": person,
            "results": queries.results_over_time(person),
            "goals": queries.goal_progress(person),
            "due": queries.due_for(person),
            "own": False,
            "can_collect": access.can_collect_with(request.user, person),
            "can_end": access.can_record_care_ending(request.user, person),
            "start_form": forms.StartForm(instruments=queries.instruments_for(Respondent.PERSON)),
        },
    )


@login_required
@require_POST
def start_with_person(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = access.access_person_to_collect_with(request.user, person_id)
    return _start_with_person(request, person)


@once_per_submission
def _start_with_person(request: HttpRequest, person: Any) -> HttpResponse:
    form = forms.StartForm(request.POST, instruments=queries.instruments_for(Respondent.PERSON))
    if not form.is_valid():
        messages.error(request, _("Choose a questionnaire to go through together."))
        return redirect("measures:person_results", person_id=person.pk)
    response = services.start_response(
        actor=request.user,
        instrument_id=form.cleaned_data["instrument"],
        mode=Mode.WITH_STAFF,
        person=person,
    )
    if response.mode != Mode.WITH_STAFF:
        messages.info(
            request,
            _("%(name)s has already started this questionnaire in their own login.")
            % {"name": person.called},
        )
        return redirect("measures:person_results", person_id=person.pk)
    return redirect("measures:answer", response_id=response.pk)


@login_required
@require_http_methods(["GET", "POST"])
def care_ending(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = access.access_person_for_care_ending(
        request.user, person_id, audit_read=request.method == "GET"
    )
    form = forms.CareEndingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_care_ending(
                actor=request.user, person=person, ends_on=form.cleaned_data["ends_on"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Recorded. The questionnaires for the end of care coordination have been asked for."
                ),
            )
            return redirect("measures:person_results", person_id=person.pk)
    return render(request, "measures/care_ending.html", {"person": person, "form": form})


@login_required
@require_GET
def person_fhir(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The person's questionnaire responses and scores as a FHIR R4 Bundle, per instrument."""
    person = access.access_person_results(request.user, person_id)
    bundles = {
        version.instrument_id: exports.to_fhir(version, responses, identify=True)
        for version, responses in queries.responses_by_version(person)
    }
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type=access.RESULTS,
        object_id=person.pk,
        person=person,
    )
    reply = JsonResponse(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": e["fullUrl"], "resource": e["resource"]}
                for b in bundles.values()
                for e in b["entry"]
            ],
        }
    )
    reply["Content-Disposition"] = 'attachment; filename="questionnaires-fhir.json"'
    return reply
