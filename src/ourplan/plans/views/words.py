"""The person's page of changes: what others changed or recorded in their words.

Only the person sees it. Words staff recorded as the person's (or wrote with them) wait
here for the person to confirm them; words of the person's that someone else changed are
shown beside the person's earlier words, which one action puts back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ourplan.core.submissions import once_per_submission
from ourplan.plans import access, forms, queries, services
from ourplan.plans.models import Plan


def _changes_page(request: HttpRequest, plan: Plan, error: str = "") -> HttpResponse:
    notices = queries.notices_of(plan)
    response = render(
        request,
        "plans/changes.html",
        {
            "person": plan.person,
            "plan": plan,
            "notices": notices,
            "to_confirm": queries.wordings_awaiting_confirmation(plan),
            "replaced": queries.persons_words_replaced(plan),
            "error": error,
            "is_person": True,
        },
    )
    services.notices_seen(plan=plan, notices=notices)
    return response


@login_required
@require_GET
def changes(request: HttpRequest, person_id: Any) -> HttpResponse:
    plan = access.access_plan_page(
        request.user, person_id, access.CHANGES_TO_MY_WORDS, rule=access.can_speak_as_person
    )
    return _changes_page(request, plan)


def _refused_choice(request: HttpRequest, plan: Plan, message: str) -> HttpResponse:
    # Shown again with the reason: that is a read of the page, and nothing was saved.
    shown = access.access_plan_page(
        request.user, plan.person.pk, access.CHANGES_TO_MY_WORDS, rule=access.can_speak_as_person
    )
    return _changes_page(request, shown, error=message)


@login_required
@require_POST
def words_confirm(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The person confirms that words recorded as theirs are theirs."""
    plan = access.access_plan(
        request.user, person_id, rule=access.can_speak_as_person, audit_read=False
    )
    return _confirm(request, plan)


@once_per_submission
def _confirm(request: HttpRequest, plan: Plan) -> HttpResponse:
    form = forms.WordingChoiceForm(data=request.POST, wordings=queries.confirmable_wordings(plan))
    if not form.is_valid():
        return _refused_choice(request, plan, " ".join(str(e) for e in form.errors["wording"]))
    try:
        services.wording_confirm(
            actor=request.user, plan=plan, wording=form.cleaned_data["wording"]
        )
    except ValidationError as error:
        return _refused_choice(request, plan, " ".join(error.messages))
    messages.success(request, _("Thank you. These are now shown as your own words."))
    return redirect("plans:changes", person_id=plan.person.pk)


@login_required
@require_POST
def words_restore(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The person puts back their own words, in one action."""
    plan = access.access_plan(
        request.user, person_id, rule=access.can_speak_as_person, audit_read=False
    )
    return _restore(request, plan)


@once_per_submission
def _restore(request: HttpRequest, plan: Plan) -> HttpResponse:
    form = forms.WordingChoiceForm(data=request.POST, wordings=queries.restorable_wordings(plan))
    if not form.is_valid():
        return _refused_choice(request, plan, " ".join(str(e) for e in form.errors["wording"]))
    try:
        services.wording_restore(
            actor=request.user, plan=plan, wording=form.cleaned_data["wording"]
        )
    except (ValidationError, services.EditConflict) as error:
        message = (
            " ".join(error.messages)
            if isinstance(error, ValidationError)
            else _("Someone changed this at the same moment. Look at it again.")
        )
        return _refused_choice(request, plan, message)
    messages.success(request, _("Your own words are back."))
    return redirect("plans:changes", person_id=plan.person.pk)
