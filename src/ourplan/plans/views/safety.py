"""The safety plan: the person's own steps and contacts, and concerns and opportunities with the
person's own view beside the professional view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ourplan.core.forms import show_validation_error
from ourplan.core.submissions import once_per_submission
from ourplan.plans import access, forms, queries, services
from ourplan.plans.models import PersonalContact, Plan, SafetyItem
from ourplan.plans.views import is_person, speaker_for
from ourplan.plans.views.editing import PlanEdit, edit_plan_part, model_part_edit

SAFETY_FIELDS = forms.SAFETY_ITEM_FIELDS


@login_required
@require_GET
def safety_plan(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The whole safety plan on one page: the person's own steps, their contacts, and what we agreed."""
    plan = access.access_plan_page(request.user, person_id, access.SAFETY_PLAN)
    person = plan.person
    risks, positive_risks = queries.risks_and_positive_risks(plan)
    return render(
        request,
        "plans/safety_plan.html",
        {
            "person": person,
            "plan": plan,
            "personal_safety": queries.personal_safety_plan_of(plan),
            "contacts": queries.contacts_of(plan),
            "safety_items": queries.safety_items_in_use(plan),
            "risks": risks,
            "positive_risks": positive_risks,
            "wordings": queries.wordings_of(plan),
            "lines": queries.crisis_lines_shown_with(person, request.user),
            "is_person": is_person(request),
            "can_edit": access.can_edit_plan(request.user, person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def safety_steps(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Reasons for living, coping steps and ways to make surroundings safer."""
    part = access.access_personal_safety_plan(request.user, person_id)
    person = part.plan.person
    edit = model_part_edit(
        request,
        person,
        forms.PersonalSafetyForm,
        _("My own safety plan"),
        done_url=reverse("plans:safety", args=[person.pk]),
        saved_message=_("Saved."),
    )
    return edit_plan_part(request, person, part, edit)


def _intro(request: HttpRequest, called: str) -> str:
    if is_person(request):
        return _("Write your own view. Staff write the professional view beside it.")
    return _("Write this with %(called)s. Their own view sits beside your professional view.") % {
        "called": called
    }


@login_required
@require_http_methods(["GET", "POST"])
def safety_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    plan = access.access_plan(request.user, person_id, rule=access.can_edit_plan)
    return _safety_new(request, plan)


@once_per_submission
def _safety_new(request: HttpRequest, plan: Plan) -> HttpResponse:
    speaker = speaker_for(request, plan.person)
    form = forms.SafetyItemForm(data=request.POST or None, speaker=speaker)
    if request.method == "POST" and form.is_valid():
        try:
            services.safety_item_add(
                actor=request.user,
                plan=plan,
                voice=form.cleaned_data.get("voice") or None,
                **form.saved_fields(),
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Added to the safety plan."))
            return redirect("plans:safety", person_id=plan.person.pk)
    return render(
        request,
        "plans/simple_form.html",
        {
            "person": plan.person,
            "form": form,
            "title": _("Add to the safety plan"),
            "intro": _intro(request, plan.person.called),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def safety_edit(request: HttpRequest, person_id: Any, item_id: int) -> HttpResponse:
    item = access.access_safety_item(request.user, person_id, item_id)
    person = item.plan.person
    speaker = speaker_for(request, person)

    def form(instance: SafetyItem, data: QueryDict | None) -> forms.SafetyItemForm:
        return forms.SafetyItemForm(
            data=data, instance=instance, initial={"revision": instance.revision}, speaker=speaker
        )

    def save(loaded: SafetyItem, data: dict[str, Any]) -> object:
        return services.safety_item_update(
            actor=request.user,
            item=loaded,
            fields={name: data[name] for name in SAFETY_FIELDS if name in data},
            # The form is shared with new items, where there is no revision yet.
            revision=data["revision"] or 0,
            voice=data.get("voice") or None,
        )

    edit = PlanEdit(
        title=_("Change the safety plan"),
        form=form,
        save=save,
        compared=SAFETY_FIELDS,
        done_url=reverse("plans:safety", args=[person.pk]),
        saved_message=_("Safety plan updated."),
        context={"intro": _intro(request, person.called)},
    )
    return edit_plan_part(request, person, item, edit)


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The person adds someone they want to be able to ring."""
    plan = access.access_plan(request.user, person_id, rule=access.can_edit_plan)
    return _contact_new(request, plan)


@once_per_submission
def _contact_new(request: HttpRequest, plan: Plan) -> HttpResponse:
    form = forms.ContactForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_add(
                actor=request.user,
                plan=plan,
                name=form.cleaned_data["name"],
                relationship=form.cleaned_data["relationship"],
                phone=form.cleaned_data["phone"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Contact added."))
            return redirect("plans:safety", person_id=plan.person.pk)
    return render(
        request,
        "plans/simple_form.html",
        {
            "person": plan.person,
            "form": form,
            "title": _("Add someone to ring"),
            "intro": _("They are shown on your crisis plan and your safety plan, ready to ring."),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, person_id: Any, contact_id: int) -> HttpResponse:
    contact = access.access_contact(request.user, person_id, contact_id)
    person = contact.plan.person

    def form(instance: PersonalContact, data: QueryDict | None) -> forms.ContactForm:
        return forms.ContactForm(
            data=data, instance=instance, initial={"revision": instance.revision}, editing=True
        )

    def save(loaded: PersonalContact, data: dict[str, Any]) -> object:
        return services.contact_update(
            actor=request.user,
            contact=loaded,
            revision=data["revision"] or 0,
            name=data["name"],
            relationship=data["relationship"],
            phone=data["phone"],
            remove=data["remove"],
        )

    edit = PlanEdit(
        title=_("Change this contact"),
        form=form,
        save=save,
        compared=("name", "relationship", "phone"),
        done_url=reverse("plans:safety", args=[person.pk]),
        saved_message=_("Contact saved."),
    )
    return edit_plan_part(request, person, contact, edit)
