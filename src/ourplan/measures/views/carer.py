"""A carer's own questionnaires (the carer wellbeing check), and the person's results when
the person shares them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ourplan.core.submissions import once_per_submission
from ourplan.measures import access, forms, queries, services
from ourplan.measures.models import Mode, Respondent


@login_required
@require_GET
def carer_home(request: HttpRequest) -> HttpResponse:
    supporter = access.access_own_carer_record(request.user, page="measures:carer_home")
    return render(
        request,
        "measures/carer_home.html",
        {
            "supporter": supporter,
            "due": queries.due_for_supporter(supporter),
            "finished": queries.own_results(supporter=supporter),
            "start_form": forms.StartForm(instruments=queries.instruments_for(Respondent.CARER)),
            "shares_results": access.shares_results(request.user, supporter.person),
        },
    )


@login_required
@require_POST
def start_carer(request: HttpRequest) -> HttpResponse:
    supporter = access.access_own_carer_record(request.user, page="measures:start_carer")
    return _start_carer(request, supporter)


@once_per_submission
def _start_carer(request: HttpRequest, supporter: Any) -> HttpResponse:
    form = forms.StartForm(request.POST, instruments=queries.instruments_for(Respondent.CARER))
    if not form.is_valid():
        messages.error(request, _("Choose a questionnaire to start."))
        return redirect("measures:carer_home")
    response = services.start_response(
        actor=request.user,
        instrument_id=form.cleaned_data["instrument"],
        mode=Mode.SELF,
        supporter=supporter,
    )
    return redirect("measures:answer", response_id=response.pk)


@login_required
@require_GET
def shared_results(request: HttpRequest) -> HttpResponse:
    supporter = access.access_shared_results(request.user, page="measures:shared_results")
    person = supporter.person
    return render(
        request,
        "measures/results.html",
        {
            "person": person,
            "results": queries.results_over_time(person),
            "goals": [],
            "own": False,
            "shared": True,
        },
    )
