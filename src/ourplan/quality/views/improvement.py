"""The organisational recovery self-assessment: ratings side by side, priorities, actions
with owners and dates, and Plan–Do–Study–Act cycles."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ourplan.core.forms import show_validation_error
from ourplan.core.submissions import once_per_submission
from ourplan.people import access as people_access
from ourplan.quality import access
from ourplan.quality import self_assessment as service
from ourplan.quality.challenges import BY_KEY, CHALLENGES, RaterGroup
from ourplan.quality.forms import ActionForm, AssessmentForm, CycleForm, PrioritiesForm, RatingsForm
from ourplan.quality.template import ITEMS


@login_required
@require_GET
def assessments(request: HttpRequest) -> HttpResponse:
    organisation_id = access.access_self_assessments(request.user)
    return render(
        request,
        "quality/assessments.html",
        {
            "assessments": service.assessments_of(organisation_id),
            "progress": service.progress_over_time(organisation_id),
            "challenges": CHALLENGES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    access.access_self_assessments(request.user)
    return _assessment_new(request)


@once_per_submission
def _assessment_new(request: HttpRequest) -> HttpResponse:
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        staff = people_access.staff_member_of(request.user)
        assert staff is not None  # a manager with a staff record
        try:
            found = service.assessment_start(
                actor=request.user, organisation=staff.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return redirect("quality:assessment", assessment_id=found.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("Start a self-assessment"),
            "back": reverse("quality:assessments"),
        },
    )


@login_required
@require_GET
def assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    found = access.access_self_assessment(request.user, assessment_id)
    return render(
        request,
        "quality/assessment.html",
        {
            "assessment": found,
            "rows": service.side_by_side(found),
            "groups": RaterGroup.choices,
            "actions": [
                (action, BY_KEY[action.challenge], ITEMS.get(action.audit_item))
                for action in service.actions_of(found)
            ],
        },
    )


def _form_page(request: HttpRequest, form: Any, title: str, save: Any, back: Any) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(request, "form_page.html", {"form": form, "title": title, "back": back})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_ratings(request: HttpRequest, assessment_id: int) -> HttpResponse:
    found = access.access_self_assessment(request.user, assessment_id)
    return _ratings(request, found)


@once_per_submission
def _ratings(request: HttpRequest, found: Any) -> HttpResponse:
    form = RatingsForm(request.POST or None)
    return _form_page(
        request,
        form,
        _("Record a group's ratings"),
        lambda data: service.ratings_record(
            actor=request.user, assessment=found, group=data["group"], ratings=form.ratings()
        ),
        found.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_priorities(request: HttpRequest, assessment_id: int) -> HttpResponse:
    found = access.access_self_assessment(request.user, assessment_id)
    return _priorities(request, found)


@once_per_submission
def _priorities(request: HttpRequest, found: Any) -> HttpResponse:
    form = PrioritiesForm(request.POST or None)
    return _form_page(
        request,
        form,
        _("Agree the priorities"),
        lambda data: service.priorities_set(
            actor=request.user, assessment=found, challenges=data["challenges"], why=data["why"]
        ),
        found.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, assessment_id: int) -> HttpResponse:
    found = access.access_self_assessment(request.user, assessment_id)
    return _action_new(request, found)


@once_per_submission
def _action_new(request: HttpRequest, found: Any) -> HttpResponse:
    form = ActionForm(request.POST or None, owners=service.owners_for(found.organisation_id))
    return _form_page(
        request,
        form,
        _("Add an action"),
        lambda data: service.action_add(actor=request.user, assessment=found, **data),
        found.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_new(request: HttpRequest, assessment_id: int, action_id: int) -> HttpResponse:
    action = access.access_improvement_action(request.user, assessment_id, action_id)
    return _cycle_new(request, action)


@once_per_submission
def _cycle_new(request: HttpRequest, action: Any) -> HttpResponse:
    form = CycleForm(request.POST or None)
    return _form_page(
        request,
        form,
        _("Record a Plan–Do–Study–Act cycle"),
        lambda data: service.cycle_add(actor=request.user, action=action, **data),
        action.assessment.get_absolute_url(),
    )
