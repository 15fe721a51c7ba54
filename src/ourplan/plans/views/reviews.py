"""Reviews, the frozen versions they make, comparing versions, and signing them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.core.forms import show_validation_error
from ourplan.plans import access, forms, queries, services
from ourplan.plans.review_prompts import review_prompts
from ourplan.plans.snapshot import compare_snapshots


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The standard review on one page, saved with one button."""
    plan = access.access_plan(request.user, person_id, rule=access.can_record_review)
    person = plan.person
    form = forms.ReviewForm(data=request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.review_record(
                actor=request.user,
                plan=plan,
                held_on=data["held_on"],
                next_review_on=data["next_review_on"],
                what_changed=data["what_changed"],
                person_attended=data["person_attended"],
                supporters=list(data["supporters"]),
                advocate=data["advocate"],
                professionals=data["professionals"],
                progress=form.progress(),
                new_step=form.new_step(),
                coordinator_signs=data["coordinator_signs"],
                person_signs=data["person_signs"],
                not_signed_reason=data["not_signed_reason"],
                copy_given=data["copy_given"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Review saved as version %(n)d.") % {"n": version.number})
            return redirect("plans:version", person_id=person.pk, number=version.number)
    return render(
        request,
        "plans/review.html",
        {"person": person, "form": form, "prompts": review_prompts(request, person)},
    )


@login_required
@require_GET
def versions(request: HttpRequest, person_id: Any) -> HttpResponse:
    plan = access.access_versions(request.user, person_id)
    return render(
        request,
        "plans/versions.html",
        {"person": plan.person, "versions": queries.versions_of(plan)},
    )


@login_required
@require_GET
def version(request: HttpRequest, person_id: Any, number: int) -> HttpResponse:
    found = access.access_version(request.user, person_id, number)
    person = found.plan.person
    return render(
        request,
        "plans/version.html",
        {
            "person": person,
            "version": found,
            "snapshot": found.snapshot,
            "can_sign_as_person": access.can_sign_as_person(request.user, person)
            and found.person_signed_at is None,
            "can_sign_as_coordinator": access.can_sign_as_coordinator(request.user, person)
            and found.coordinator_signed_at is None,
            "not_signed_form": forms.NotSignedForm(),
        },
    )


def _version_numbers(request: HttpRequest) -> tuple[int, int] | None:
    try:
        return int(request.GET.get("older", "")), int(request.GET.get("newer", ""))
    except ValueError:
        return None


@login_required
@require_GET
def version_compare(request: HttpRequest, person_id: Any) -> HttpResponse:
    numbers = _version_numbers(request)
    if numbers is None:
        # Nothing of the plan is shown, only the list to choose from: no read to record here.
        plan = access.access_plan(request.user, person_id, audit_read=False)
        messages.error(request, _("Choose two versions to compare."))
        return redirect("plans:versions", person_id=plan.person.pk)
    older, newer = access.access_versions_compared(request.user, person_id, *numbers)
    return render(
        request,
        "plans/compare.html",
        {
            "person": older.plan.person,
            "older": older,
            "newer": newer,
            "changes": compare_snapshots(older.snapshot, newer.snapshot),
        },
    )


@login_required
@require_POST
def version_sign(request: HttpRequest, person_id: Any, number: int) -> HttpResponse:
    found = access.access_version(
        request.user, person_id, number, rule=access.can_sign_version, audit_read=False
    )
    person = found.plan.person
    as_person = access.can_sign_as_person(request.user, person)
    try:
        services.version_sign(actor=request.user, version=found, as_person=as_person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Signed. Thank you."))
    return redirect("plans:version", person_id=person.pk, number=found.number)


@login_required
@require_POST
def version_not_signed(request: HttpRequest, person_id: Any, number: int) -> HttpResponse:
    found = access.access_version(
        request.user, person_id, number, rule=access.can_sign_as_coordinator, audit_read=False
    )
    form = forms.NotSignedForm(data=request.POST)
    if form.is_valid():
        try:
            services.version_not_signed(
                actor=request.user, version=found, reason=form.cleaned_data["not_signed_reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Reason recorded."))
    else:
        messages.error(request, _("Say why the person has not signed."))
    return redirect("plans:version", person_id=found.plan.person.pk, number=found.number)
