"""The needs and risk assessment, done with the person: the first step of CPA and CTP.

Needs across the life areas (in Wales, the eight areas of the Measure), risks with the
person's own view beside the professional view (or why it could not be had), and positive
risk-taking decisions with who shares the responsibility. A risk can be carried into the
safety plan, and the whole assessment is frozen in each version of the plan.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.core.forms import show_validation_error
from ourplan.core.submissions import once_per_submission
from ourplan.plans import access, forms, queries, services
from ourplan.plans.models import Need, Plan, Risk
from ourplan.plans.views import is_person, speaker_for
from ourplan.plans.views.editing import PlanEdit, edit_plan_part


@login_required
@require_GET
def assessment(request: HttpRequest, person_id: Any) -> HttpResponse:
    plan = access.access_plan_page(request.user, person_id, access.ASSESSMENT)
    person = plan.person
    risks, positive_risks = queries.risks_and_positive_risks(plan)
    return render(
        request,
        "plans/assessment.html",
        {
            "person": person,
            "plan": plan,
            "needs_by_area": queries.needs_by_life_area(
                plan, services.life_areas_for(person.organisation)
            ),
            "risks": risks,
            "positive_risks": positive_risks,
            "wordings": queries.wordings_of(plan),
            "is_person": is_person(request),
            "can_edit": access.can_edit_plan(request.user, person),
        },
    )


def _assessment_url(plan: Plan) -> str:
    return reverse("plans:assessment", args=[plan.person.pk])


@login_required
@require_http_methods(["GET", "POST"])
def need_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    plan = access.access_plan(request.user, person_id, rule=access.can_edit_plan)
    return _need_new(request, plan)


@once_per_submission
def _need_new(request: HttpRequest, plan: Plan) -> HttpResponse:
    person = plan.person
    form = forms.NeedForm(
        data=request.POST or None,
        speaker=speaker_for(request, person),
        life_areas=services.life_areas_for(person.organisation),
        initial={"life_area": request.GET.get("area") or None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.need_add(
                actor=request.user,
                plan=plan,
                voice=data.get("voice") or None,
                **{name: data[name] for name in forms.NEED_FIELDS},
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Need added to the assessment."))
            return redirect(_assessment_url(plan))
    return render(
        request,
        "plans/simple_form.html",
        {
            "person": person,
            "form": form,
            "title": _("Add a need"),
            "back_url": _assessment_url(plan),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, person_id: Any, need_id: int) -> HttpResponse:
    need = access.access_need(request.user, person_id, need_id)
    plan = need.plan
    speaker = speaker_for(request, plan.person)
    areas = services.life_areas_for(plan.person.organisation)

    def form(instance: Need, data: QueryDict | None) -> forms.NeedForm:
        return forms.NeedForm(
            data=data,
            instance=instance,
            initial={"revision": instance.revision},
            speaker=speaker,
            life_areas=areas,
        )

    def save(loaded: Need, data: dict[str, Any]) -> object:
        return services.need_update(
            actor=request.user,
            need=loaded,
            fields={name: data[name] for name in forms.NEED_FIELDS},
            revision=data["revision"] or 0,
            voice=data.get("voice") or None,
        )

    edit = PlanEdit(
        title=_("Change this need"),
        form=form,
        save=save,
        compared=forms.NEED_FIELDS,
        done_url=_assessment_url(plan),
        saved_message=_("Need saved."),
        context={"back_url": _assessment_url(plan), "back_label": _("Back to the assessment")},
    )
    return edit_plan_part(request, plan.person, need, edit)


def _risk_intro(request: HttpRequest, called: str) -> str:
    if is_person(request):
        return _("Write your own view of it. Staff write the professional view beside yours.")
    return _(
        "Write this with %(called)s. Their own view is needed beside your professional view, "
        "or a reason why it could not be had."
    ) % {"called": called}


@login_required
@require_http_methods(["GET", "POST"])
def risk_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    plan = access.access_plan(request.user, person_id, rule=access.can_edit_plan)
    return _risk_new(request, plan)


@once_per_submission
def _risk_new(request: HttpRequest, plan: Plan) -> HttpResponse:
    person = plan.person
    form = forms.RiskForm(
        data=request.POST or None,
        speaker=speaker_for(request, person),
        initial={"kind": request.GET.get("kind") or None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_add(
                actor=request.user,
                plan=plan,
                voice=form.cleaned_data.get("voice") or None,
                **form.saved_fields(),
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Added to the assessment."))
            return redirect(_assessment_url(plan))
    return render(
        request,
        "plans/simple_form.html",
        {
            "person": person,
            "form": form,
            "title": _("Add a risk or a positive risk"),
            "intro": _risk_intro(request, person.called),
            "back_url": _assessment_url(plan),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, person_id: Any, risk_id: int) -> HttpResponse:
    risk = access.access_risk(request.user, person_id, risk_id)
    plan = risk.plan
    speaker = speaker_for(request, plan.person)

    def form(instance: Risk, data: QueryDict | None) -> forms.RiskForm:
        return forms.RiskForm(
            data=data, instance=instance, initial={"revision": instance.revision}, speaker=speaker
        )

    def save(loaded: Risk, data: dict[str, Any]) -> object:
        return services.risk_update(
            actor=request.user,
            risk=loaded,
            fields={name: data[name] for name in forms.RISK_FIELDS if name in data},
            revision=data["revision"] or 0,
            voice=data.get("voice") or None,
        )

    edit = PlanEdit(
        title=_("Change this risk"),
        form=form,
        save=save,
        compared=forms.RISK_FIELDS,
        done_url=_assessment_url(plan),
        saved_message=_("Saved."),
        context={
            "intro": _risk_intro(request, plan.person.called),
            "back_url": _assessment_url(plan),
            "back_label": _("Back to the assessment"),
        },
    )
    return edit_plan_part(request, plan.person, risk, edit)


@login_required
@require_POST
def risk_to_safety(request: HttpRequest, person_id: Any, risk_id: int) -> HttpResponse:
    """The assessment feeds the safety plan: this risk becomes something we agree steps for."""
    risk = access.access_risk(request.user, person_id, risk_id, audit_read=False)
    return _risk_to_safety(request, risk)


@once_per_submission
def _risk_to_safety(request: HttpRequest, risk: Risk) -> HttpResponse:
    try:
        item = services.risk_to_safety_plan(actor=request.user, risk=risk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_assessment_url(risk.plan))
    messages.success(request, _("Added to the safety plan. Now agree the steps together."))
    return redirect("plans:safety_edit", person_id=risk.plan.person.pk, item_id=item.pk)
