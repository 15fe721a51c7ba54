"""Reviews, the frozen versions they make, comparing versions, and signing and answering them."""

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
from ourplan.core.submissions import once_per_submission
from ourplan.plans import access, forms, queries, services
from ourplan.plans.extensions import review_prompts
from ourplan.plans.models import Plan, PlanVersion
from ourplan.plans.snapshot import compare_snapshots, review_rows
from ourplan.plans.views import is_person


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The standard review on one page, saved with one button."""
    plan = access.access_plan(request.user, person_id, rule=access.can_record_review)
    return _review(request, plan)


@once_per_submission
def _review(request: HttpRequest, plan: Plan) -> HttpResponse:
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
                notes=data["notes"],
                person_view=data["person_view"],
                carer_view=data["carer_view"],
                contact_frequency=data["contact_frequency"],
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
def reviews(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Every review of the plan, with who came, what changed and what people thought of it."""
    plan = access.access_plan_page(request.user, person_id, access.REVIEW_HISTORY)
    return render(
        request,
        "plans/reviews.html",
        {
            "person": plan.person,
            "reviews": queries.reviews_of(plan),
            "is_person": is_person(request),
            "can_review": access.can_record_review(request.user, plan.person),
        },
    )


@login_required
@require_GET
def versions(request: HttpRequest, person_id: Any) -> HttpResponse:
    plan = access.access_versions(request.user, person_id)
    return render(
        request,
        "plans/versions.html",
        {
            "person": plan.person,
            "versions": queries.versions_of(plan),
            "is_person": is_person(request),
        },
    )


def _version_page(
    request: HttpRequest, found: PlanVersion, response_form: forms.VersionResponseForm | None = None
) -> HttpResponse:
    person = found.plan.person
    return render(
        request,
        "plans/version.html",
        {
            "person": person,
            "version": found,
            "snapshot": found.snapshot,
            "review_rows": review_rows(found.snapshot.get("review")),
            "is_person": is_person(request),
            "can_answer": access.can_speak_as_person(request.user, person)
            and found.waits_for_person,
            "can_sign_as_coordinator": access.can_sign_as_coordinator(request.user, person)
            and found.coordinator_signed_at is None,
            "can_record_copy": access.can_record_copy_given(request.user, person),
            "response_form": response_form or forms.VersionResponseForm(),
            "not_signed_form": forms.NotSignedForm(),
            "copy_form": forms.CopyGivenForm(),
        },
    )


@login_required
@require_GET
def version(request: HttpRequest, person_id: Any, number: int) -> HttpResponse:
    return _version_page(request, access.access_version(request.user, person_id, number))


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
    person = older.plan.person
    return render(
        request,
        "plans/compare.html",
        {
            "person": person,
            "older": older,
            "newer": newer,
            "is_person": is_person(request),
            "changes": compare_snapshots(
                older.snapshot,
                newer.snapshot,
                called=person.called,
                to_person=is_person(request),
            ),
        },
    )


@login_required
@require_POST
def version_sign(request: HttpRequest, person_id: Any, number: int) -> HttpResponse:
    """The person answers (agree and sign, or disagree, with a comment); a coordinator signs."""
    found = access.access_version(
        request.user, person_id, number, rule=access.can_sign_version, audit_read=False
    )
    return _sign(request, found)


@once_per_submission
def _sign(request: HttpRequest, found: PlanVersion) -> HttpResponse:
    person = found.plan.person
    if access.can_speak_as_person(request.user, person):
        form = forms.VersionResponseForm(data=request.POST)
        if not form.is_valid():
            # The version is shown again, with what to put right: that is a read of it.
            shown = access.access_version(request.user, person.pk, found.number)
            return _version_page(request, shown, response_form=form)
        try:
            services.version_respond(
                actor=request.user,
                version=found,
                response=form.cleaned_data["response"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you. Your answer is kept with this version."))
        return redirect("plans:version", person_id=person.pk, number=found.number)
    try:
        services.version_sign(actor=request.user, version=found, as_person=False)
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


@login_required
@require_POST
def version_copy_given(request: HttpRequest, person_id: Any, number: int) -> HttpResponse:
    """A copy given to the person, recorded whenever it is given, not only at a review."""
    found = access.access_version(
        request.user, person_id, number, rule=access.can_record_copy_given, audit_read=False
    )
    return _copy_given(request, found)


@once_per_submission
def _copy_given(request: HttpRequest, found: PlanVersion) -> HttpResponse:
    form = forms.CopyGivenForm(data=request.POST)
    if form.is_valid():
        services.version_copy_given(
            actor=request.user, version=found, how=form.cleaned_data["copy_given"]
        )
        messages.success(request, _("Recorded: a copy was given."))
    else:
        messages.error(request, _("Choose how the copy was given."))
    return redirect("plans:version", person_id=found.plan.person.pk, number=found.number)
