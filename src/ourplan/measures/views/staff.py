"""Staff questionnaires (the RSA provider version, STAR-C), staff demographics, and the
team manager's view of the team's results in aggregate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.core.submissions import once_per_submission
from ourplan.measures import access, demographics, forms, queries, services
from ourplan.measures.models import Mode, Respondent


def _staff_instruments() -> list:
    # STAR-C is about one person, so it is started from its request, not from a list.
    return [v for v in queries.instruments_for(Respondent.STAFF) if v.instrument_id != "star_c"]


@login_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    staff = access.access_own_staff_record(request.user, page="measures:staff_home")
    return render(
        request,
        "measures/staff_home.html",
        {
            "due": queries.due_for_staff(staff),
            "requests": queries.open_requests_for_staff(staff),
            "finished": queries.own_results(staff=staff),
            "start_form": forms.StartForm(instruments=_staff_instruments()),
        },
    )


@login_required
@require_POST
def start_staff(request: HttpRequest) -> HttpResponse:
    staff = access.access_own_staff_record(request.user, page="measures:start_staff")
    return _start_staff(request, staff)


@once_per_submission
def _start_staff(request: HttpRequest, staff: Any) -> HttpResponse:
    asked = queries.open_request_for_staff(staff, request.POST.get("request"))
    if asked is not None:
        response = services.start_response(
            actor=request.user,
            instrument_id=asked.instrument_id,
            mode=Mode.SELF,
            staff=staff,
            person=asked.person,
            request=asked,
        )
        return redirect("measures:answer", response_id=response.pk)
    form = forms.StartForm(request.POST, instruments=_staff_instruments())
    if not form.is_valid():
        messages.error(request, _("Choose a questionnaire to start."))
        return redirect("measures:staff_home")
    response = services.start_response(
        actor=request.user,
        instrument_id=form.cleaned_data["instrument"],
        mode=Mode.SELF,
        staff=staff,
    )
    return redirect("measures:answer", response_id=response.pk)


@login_required
@require_http_methods(["GET", "POST"])
def staff_demographics(request: HttpRequest) -> HttpResponse:
    staff = access.access_own_staff_record(request.user, page="measures:staff_demographics")
    form = forms.DemographicsForm(
        request.POST or None,
        initial=queries.demographics_of(staff=staff),
        questions=demographics.STAFF_QUESTIONS,
    )
    if request.method == "POST" and form.is_valid():
        services.save_demographics(actor=request.user, staff=staff, answers=form.answers())
        messages.success(request, _("Thank you. You can change these answers at any time."))
        return redirect("measures:staff_home")
    return render(
        request,
        "measures/demographics.html",
        {"form": form, "back": "measures:staff_home", "for_staff": True},
    )


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    staff = access.access_team_measures(request.user, page="measures:team")
    assert staff.team is not None  # the rule only lets in managers with a team
    period = request.GET.get("period", "12")
    return render(
        request,
        "measures/team.html",
        {
            "team": staff.team,
            "period": period,
            "aggregates": queries.team_aggregate(staff.team, since=queries.period_start(period)),
            "smallest": queries.min_cell(),
        },
    )
