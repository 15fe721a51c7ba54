"""The safety plan: concerns and opportunities, with the person's own view beside the professional view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ourplan.core.forms import show_validation_error
from ourplan.plans import access, forms, services
from ourplan.plans.models import SafetyItem
from ourplan.plans.views.editing import PlanEdit, edit_plan_part

SAFETY_FIELDS = forms.SAFETY_ITEM_FIELDS


@login_required
@require_http_methods(["GET", "POST"])
def safety_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    plan = access.access_plan(request.user, person_id, rule=access.can_edit_plan)
    form = forms.SafetyItemForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SAFETY_FIELDS}
        try:
            services.safety_item_add(actor=request.user, plan=plan, **fields)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Added to the safety plan."))
            return redirect("plans:plan", person_id=plan.person.pk)
    return render(
        request,
        "plans/simple_form.html",
        {
            "person": plan.person,
            "form": form,
            "title": _("Add to the safety plan"),
            "intro": _(
                "Write this with the person. Their own view sits beside the professional view."
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def safety_edit(request: HttpRequest, person_id: Any, item_id: int) -> HttpResponse:
    item = access.access_safety_item(request.user, person_id, item_id)
    person = item.plan.person

    def form(instance: SafetyItem, data: QueryDict | None) -> forms.SafetyItemForm:
        return forms.SafetyItemForm(
            data=data, instance=instance, initial={"revision": instance.revision}
        )

    def save(loaded: SafetyItem, data: dict[str, Any]) -> object:
        return services.safety_item_update(
            actor=request.user,
            item=loaded,
            fields={name: data[name] for name in SAFETY_FIELDS},
            # The form is shared with new items, where there is no revision yet.
            revision=data["revision"] or 0,
        )

    edit = PlanEdit(
        title=_("Change the safety plan"),
        form=form,
        save=save,
        compared=SAFETY_FIELDS,
        done_url=reverse("plans:plan", args=[person.pk]),
        saved_message=_("Safety plan updated."),
    )
    return edit_plan_part(request, person, item, edit)
