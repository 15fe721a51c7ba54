"""The living plan: thin views that check access, call a service and render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from operator import attrgetter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.core import audit
from ourplan.core.forms import show_validation_error
from ourplan.core.models import AuditAction
from ourplan.people.models import Person
from ourplan.people.queries import crisis_lines_for
from ourplan.plans import access, forms, queries, services
from ourplan.plans.charts import progress_chart
from ourplan.plans.models import (
    AuthoredPart,
    Goal,
    GoalStep,
    Plan,
    PlanVersion,
    SafetyItem,
    Strength,
)
from ourplan.plans.pdf import pdf_response
from ourplan.plans.snapshot import compare_snapshots, field_label

Rule = Callable[[Any, Person], bool]


def _person(request: HttpRequest, person_id: Any, rule: Rule) -> Person:
    """The person, if this user passes ``rule``; otherwise refuse without saying whether they exist."""
    person = Person.objects.select_related("organisation", "team").filter(pk=person_id).first()
    if person is None or not rule(request.user, person):
        audit.record(
            actor=request.user, action=AuditAction.DENIED, object_type="plan", object_id=person_id
        )
        raise PermissionDenied
    return person


def _plan(
    request: HttpRequest, person_id: Any, rule: Rule = access.can_view_plan
) -> tuple[Person, Plan]:
    person = _person(request, person_id, rule)
    plan = queries.plan_for(person)
    if plan is None:
        raise PermissionDenied
    return person, plan


def _read(request: HttpRequest, what: str, obj_id: Any, person: Person) -> None:
    audit.record_read(request.user, object_type=what, object_id=obj_id, person=person)


def _is_person(request: HttpRequest) -> bool:
    return getattr(request.user, "role", "") == "service_user"


@login_required
@require_GET
def plan_home(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, access.can_view_plan)
    plan = queries.plan_for(person)
    today = timezone.localdate()
    context: dict[str, Any] = {"person": person, "plan": plan, "is_person": _is_person(request)}
    if plan is not None:
        goals = queries.goals_of(plan)
        strengths = list(plan.strengths.select_related("created_by"))
        context |= {
            "goals": goals,
            "stage": queries.plan_stage(plan, goals, today),
            "strengths": [s for s in strengths if s.archived_at is None],
            "set_aside_strengths": [s for s in strengths if s.archived_at is not None],
            "safety_items": plan.safety_items.filter(archived_at__isnull=True),
            "review": queries.latest_review(plan),
            "latest_version": plan.versions.first(),
            "coordinator": queries.current_coordinator(person),
            "can_edit": access.can_edit_plan(request.user, person),
            "can_review": access.can_record_review(request.user, person),
        }
    else:
        context["can_start"] = access.can_start_plan(request.user, person)
    _read(request, "plan", person.pk, person)
    return render(request, "plans/plan_home.html", context)


@login_required
@require_POST
def plan_start(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, access.can_start_plan)
    services.plan_start(actor=request.user, person=person)
    messages.success(
        request,
        _("The plan is started. Begin with what matters to %(name)s.") % {"name": person.called},
    )
    return redirect("plans:about_me", person_id=person.pk)


def _edit_part(
    request: HttpRequest,
    person_id: Any,
    find_part: Callable[[Plan], AuthoredPart],
    form_class: type[forms.RevisionForm],
    title: str,
    form_kwargs: Callable[[Person], dict[str, Any]] = lambda person: {},
) -> HttpResponse:
    """Edit one part of the plan with lost-update protection."""
    person, plan = _plan(request, person_id, access.can_edit_plan)
    part = find_part(plan)
    extra = form_kwargs(person)
    conflict = None
    if request.method == "POST":
        form = form_class(
            data=request.POST, instance=type(part)._default_manager.get(pk=part.pk), **extra
        )
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form._meta.fields or ()}
            try:
                services.save_part(
                    actor=request.user,
                    part=part,
                    fields=fields,
                    revision=form.cleaned_data["revision"],
                    person=person,
                )
            except services.EditConflict as clash:
                conflict = _conflict_rows(clash.current, form)
                # Keep the user's text, and let the next save build on what the other person saved.
                data: QueryDict = request.POST.copy()
                data["revision"] = str(clash.current.revision)
                form = form_class(data=data, instance=clash.current, **extra)
                form.is_valid()
            except ValidationError as error:
                show_validation_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("plans:plan", person_id=person.pk)
    else:
        form = form_class(instance=part, initial={"revision": part.revision}, **extra)
        _read(request, part._meta.model_name or "plan_part", part.pk, person)
    return render(
        request,
        "plans/part_form.html",
        {"person": person, "form": form, "title": title, "conflict": conflict, "part": part},
        status=409 if conflict else 200,
    )


def _conflict_rows(
    current: AuthoredPart, form: Any, names: tuple[str, ...] | None = None
) -> list[dict[str, str]]:
    """What the other person saved, field by field, where it differs from this user's text."""
    rows = []
    for name in names if names is not None else form._meta.fields or ():
        theirs = getattr(current, name)
        mine = form.cleaned_data.get(name)
        if theirs != mine:
            rows.append(
                {
                    "label": capfirst(field_label(current, name)),
                    "theirs": _shown(current, name, theirs),
                    "mine": _shown(current, name, mine),
                }
            )
    return rows


def _shown(part: AuthoredPart, name: str, value: Any) -> str:
    """A field's value as a person reads it: the label of a choice, a written-out date."""
    if value is None:
        return ""
    choices = dict(part._meta.get_field(name).flatchoices)  # type: ignore[union-attr]
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    return str(value)


@login_required
@require_http_methods(["GET", "POST"])
def about_me(request: HttpRequest, person_id: Any) -> HttpResponse:
    return _edit_part(request, person_id, attrgetter("about_me"), forms.AboutMeForm, _("About me"))


@login_required
@require_http_methods(["GET", "POST"])
def staying_well(request: HttpRequest, person_id: Any) -> HttpResponse:
    return _edit_part(
        request,
        person_id,
        attrgetter("staying_well"),
        forms.StayingWellForm,
        _("My staying-well plan"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def crisis_edit(request: HttpRequest, person_id: Any) -> HttpResponse:
    return _edit_part(
        request, person_id, attrgetter("crisis"), forms.CrisisForm, _("My crisis plan")
    )


@login_required
@require_GET
def crisis(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The crisis plan on one printable page, with the crisis numbers."""
    person, plan = _plan(request, person_id)
    _read(request, "crisis_plan", plan.crisis.pk, person)
    return render(
        request,
        "plans/crisis.html",
        {
            "person": person,
            "plan": plan,
            "crisis": plan.crisis,
            "lines": list(person.organisation.crisis_lines.all()) or crisis_lines_for(request.user),
            "can_edit": access.can_edit_plan(request.user, person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def strength_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _plan(request, person_id, access.can_edit_plan)
    form = forms.StrengthForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.strength_add(
                actor=request.user,
                plan=plan,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Strength added."))
            return redirect("plans:plan", person_id=person.pk)
    return render(
        request,
        "plans/simple_form.html",
        {"person": person, "form": form, "title": _("Add a strength")},
    )


def _in_plan(items: QuerySet[Any], item_id: Any) -> Any:
    """One strength, goal or step of this plan; anything else is refused, not looked up."""
    item = items.filter(pk=item_id).first()
    if item is None:
        raise PermissionDenied
    return item


def _strength(plan: Plan, strength_id: Any) -> Strength:
    return _in_plan(plan.strengths.select_related("plan__person"), strength_id)


@login_required
@require_http_methods(["GET", "POST"])
def strength_edit(request: HttpRequest, person_id: Any, strength_id: int) -> HttpResponse:
    """Reword a strength, change its kind or goals, or set it aside, without losing anyone's changes."""
    person, plan = _plan(request, person_id, access.can_edit_plan)
    strength = _strength(plan, strength_id)
    conflict = None
    if request.method == "POST":
        # The form gets its own copy: validating a model form writes the submitted values
        # onto its instance, and the service must see the strength as it was loaded.
        form = forms.StrengthEditForm(
            data=request.POST, instance=_strength(plan, strength_id), plan=plan
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.strength_update(
                    actor=request.user,
                    strength=strength,
                    revision=data["revision"],
                    text=data["text"],
                    kind=data["kind"],
                    set_aside=data["set_aside"],
                    goals=list(data["goals"]),
                    goals_shown=list(data["goals_shown"]),
                )
            except services.EditConflict as clash:
                current = _strength(plan, strength_id)
                conflict = _strength_conflict_rows(current, form)
                # Keep the user's text; the next save builds on what the other person saved.
                retry: QueryDict = request.POST.copy()
                retry["revision"] = str(clash.current.revision)
                retry.setlist(
                    "goals_shown", [str(pk) for pk in plan.goals.values_list("pk", flat=True)]
                )
                form = forms.StrengthEditForm(data=retry, instance=current, plan=plan)
                form.is_valid()
                _read(request, "strength", strength.pk, person)
            except ValidationError as error:
                show_validation_error(form, error)
            else:
                messages.success(request, _("Strength saved."))
                return redirect("plans:plan", person_id=person.pk)
    else:
        form = forms.StrengthEditForm(
            instance=strength, initial={"revision": strength.revision}, plan=plan
        )
        _read(request, "strength", strength.pk, person)
    return render(
        request,
        "plans/part_form.html",
        {
            "person": person,
            "form": form,
            "title": _("Change this strength"),
            "conflict": conflict,
            "part": strength,
        },
        status=409 if conflict else 200,
    )


def _strength_conflict_rows(current: Strength, form: Any) -> list[dict[str, str]]:
    rows = _conflict_rows(current, form, ("text", "kind"))
    if (current.archived_at is not None) != form.cleaned_data["set_aside"]:
        rows.append(
            {
                "label": str(form.fields["set_aside"].label),
                "theirs": _("Yes") if current.archived_at is not None else _("No"),
                "mine": _("Yes") if form.cleaned_data["set_aside"] else _("No"),
            }
        )
    theirs = list(current.goals.all())
    if {g.pk for g in theirs} != {g.pk for g in form.cleaned_data["goals"]}:
        rows.append(
            {
                "label": str(form.fields["goals"].label),
                "theirs": "\n".join(g.text for g in theirs),
                "mine": "\n".join(g.text for g in form.cleaned_data["goals"]),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _plan(request, person_id, access.can_edit_plan)
    form = forms.GoalForm(
        data=request.POST or None,
        plan=plan,
        life_areas=services.life_areas_for(person.organisation),
        is_person=_is_person(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_add(
                actor=request.user,
                plan=plan,
                text=form.cleaned_data["text"],
                life_area=form.cleaned_data["life_area"],
                written_by=form.cleaned_data.get("written_by"),
                strengths=list(form.cleaned_data.get("strengths") or []),
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Goal added. Now add a first step."))
            return redirect("plans:step_new", person_id=person.pk, goal_id=goal.pk)
    return render(
        request,
        "plans/simple_form.html",
        {"person": person, "form": form, "title": _("Add a goal")},
    )


def _goal(plan: Plan, goal_id: Any) -> Goal:
    return _in_plan(plan.goals.select_related("life_area"), goal_id)


@login_required
@require_GET
def goal_detail(request: HttpRequest, person_id: Any, goal_id: int) -> HttpResponse:
    person, plan = _plan(request, person_id)
    goal = _goal(plan, goal_id)
    ratings = list(goal.ratings.order_by("rated_on", "created_at").select_related("rated_by"))
    _read(request, "goal", goal.pk, person)
    context = {
        "person": person,
        "goal": goal,
        "steps": goal.steps.select_related("supporter"),
        "ratings": ratings,
        "chart": progress_chart(ratings, goal.text),
        "rating_form": forms.RatingForm(),
        "achieve_form": forms.AchieveForm(initial={"revision": goal.revision}),
        "can_edit": access.can_edit_plan(request.user, person),
        "status_choices": GoalStep._meta.get_field("status").choices,
    }
    return render(request, "plans/goal_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, person_id: Any, goal_id: int) -> HttpResponse:
    """Reword a goal or move it to another life area, without losing anyone's changes."""
    return _edit_part(
        request,
        person_id,
        lambda plan: _goal(plan, goal_id),
        forms.GoalEditForm,
        _("Change this goal"),
        form_kwargs=lambda person: {"life_areas": services.life_areas_for(person.organisation)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_new(request: HttpRequest, person_id: Any, goal_id: int) -> HttpResponse:
    person, plan = _plan(request, person_id, access.can_edit_plan)
    goal = _goal(plan, goal_id)
    form = forms.StepForm(data=request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_add(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Step added."))
            return redirect("plans:goal", person_id=person.pk, goal_id=goal.pk)
    return render(
        request,
        "plans/simple_form.html",
        {"person": person, "form": form, "title": _("Add a step"), "subtitle": goal.text},
    )


def _step(plan: Plan, step_id: Any) -> GoalStep:
    steps = GoalStep.objects.select_related("goal__plan__person", "supporter")
    return _in_plan(steps.filter(goal__plan=plan), step_id)


STEP_FIELDS = ("text", "owner", "supporter", "service", "due_on")


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, person_id: Any, step_id: int) -> HttpResponse:
    """Reword a step, or change who does it and by when, without losing anyone's changes."""
    person, plan = _plan(request, person_id, access.can_edit_plan)
    step = _step(plan, step_id)
    conflict = None
    if request.method == "POST":
        form = forms.StepEditForm(data=request.POST, person=person, step=step)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in STEP_FIELDS}
            try:
                services.step_update(
                    actor=request.user,
                    step=step,
                    revision=form.cleaned_data["revision"],
                    **fields,
                )
            except services.EditConflict:
                current = _step(plan, step_id)
                conflict = _conflict_rows(current, form, STEP_FIELDS)
                # Keep the user's text; the next save builds on what the other person saved.
                retry: QueryDict = request.POST.copy()
                retry["revision"] = str(current.revision)
                form = forms.StepEditForm(data=retry, person=person, step=current)
                form.is_valid()
                _read(request, "goalstep", step.pk, person)
            except ValidationError as error:
                show_validation_error(form, error)
            else:
                messages.success(request, _("Step saved."))
                return redirect("plans:goal", person_id=person.pk, goal_id=step.goal_id)
    else:
        form = forms.StepEditForm(person=person, step=step)
        _read(request, "goalstep", step.pk, person)
    return render(
        request,
        "plans/part_form.html",
        {
            "person": person,
            "form": form,
            "title": _("Change this step"),
            "subtitle": step.goal.text,
            "conflict": conflict,
            "part": step,
            "back_url": reverse("plans:goal", args=[person.pk, step.goal_id]),
            "back_label": _("Back to the goal"),
        },
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def step_status(request: HttpRequest, person_id: Any, step_id: int) -> HttpResponse:
    person, plan = _plan(request, person_id, access.can_edit_plan)
    step = GoalStep.objects.select_related("goal").filter(pk=step_id, goal__plan=plan).first()
    if step is None:
        raise PermissionDenied
    form = forms.StepStatusForm(data=request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status from the list."))
    else:
        try:
            services.step_set_status(
                actor=request.user,
                step=step,
                status=form.cleaned_data["status"],
                revision=form.cleaned_data["revision"],
            )
        except services.EditConflict:
            messages.error(
                request,
                _(
                    "Someone else changed this step since you opened the page. Here it is as they left it."
                ),
            )
        else:
            messages.success(request, _("Step updated."))
    return redirect("plans:goal", person_id=person.pk, goal_id=step.goal_id)


@login_required
@require_POST
def goal_rate(request: HttpRequest, person_id: Any, goal_id: int) -> HttpResponse:
    person, plan = _plan(request, person_id, access.can_edit_plan)
    goal = _goal(plan, goal_id)
    form = forms.RatingForm(data=request.POST)
    if form.is_valid():
        services.progress_rate(actor=request.user, goal=goal, score=form.cleaned_data["score"])
        messages.success(request, _("Progress recorded."))
    else:
        messages.error(request, _("Progress is a number from 0 to 10."))
    return redirect("plans:goal", person_id=person.pk, goal_id=goal.pk)


@login_required
@require_POST
def goal_achieve(request: HttpRequest, person_id: Any, goal_id: int) -> HttpResponse:
    person, plan = _plan(request, person_id, access.can_edit_plan)
    goal = _goal(plan, goal_id)
    form = forms.AchieveForm(data=request.POST)
    if form.is_valid():
        try:
            services.goal_achieve(
                actor=request.user,
                goal=goal,
                revision=form.cleaned_data["revision"],
                celebration=form.cleaned_data["celebration"],
            )
        except services.EditConflict:
            messages.error(
                request,
                _(
                    "Someone else changed this goal since you opened the page. Check it and try again."
                ),
            )
        else:
            messages.success(
                request, _("Well done! The goal is marked as achieved and stays in your plan.")
            )
    return redirect("plans:goal", person_id=person.pk, goal_id=goal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def safety_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _plan(request, person_id, access.can_edit_plan)
    form = forms.SafetyItemForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        try:
            services.safety_item_add(actor=request.user, plan=plan, **fields)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Added to the safety plan."))
            return redirect("plans:plan", person_id=person.pk)
    return render(
        request,
        "plans/simple_form.html",
        {
            "person": person,
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
    person, plan = _plan(request, person_id, access.can_edit_plan)
    item = SafetyItem.objects.filter(pk=item_id, plan=plan).first()
    if item is None:
        raise PermissionDenied
    form = forms.SafetyItemForm(
        data=request.POST or None,
        instance=SafetyItem.objects.get(pk=item.pk),
        initial={"revision": item.revision},
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        try:
            services.safety_item_update(
                actor=request.user,
                item=item,
                fields=fields,
                revision=form.cleaned_data["revision"] or 0,
            )
        except services.EditConflict as clash:
            conflict = [
                {
                    "label": field_label(clash.current, n),
                    "theirs": str(getattr(clash.current, n)),
                    "mine": str(v),
                }
                for n, v in fields.items()
                if getattr(clash.current, n) != v
            ]
            data = request.POST.copy()
            data["revision"] = str(clash.current.revision)
            form = forms.SafetyItemForm(data=data, instance=clash.current)
            form.is_valid()
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Safety plan updated."))
            return redirect("plans:plan", person_id=person.pk)
    return render(
        request,
        "plans/part_form.html",
        {
            "person": person,
            "form": form,
            "title": _("Change the safety plan"),
            "conflict": conflict,
            "part": item,
        },
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The standard review on one page, saved with one button."""
    person, plan = _plan(request, person_id, access.can_record_review)
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
    else:
        _read(request, "plan", plan.pk, person)
    return render(
        request,
        "plans/review.html",
        {"person": person, "form": form, "sharing_due": _sharing_agreements(person)},
    )


def _sharing_agreements(person: Person) -> list[Any]:
    """Every agreement in effect is looked at again at a review."""
    from ourplan.consent.models import SharingAgreement

    return list(
        SharingAgreement.objects.filter(person=person, revoked_at__isnull=True)
        .select_related("supporter")
        .order_by("revisit_on")
    )


@login_required
@require_GET
def versions(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _plan(request, person_id)
    _read(request, "plan_versions", plan.pk, person)
    return render(
        request,
        "plans/versions.html",
        {
            "person": person,
            "versions": plan.versions.select_related("coordinator_signed_by", "review"),
        },
    )


def _version(plan: Plan, number: Any) -> PlanVersion:
    version = (
        plan.versions.filter(number=number)
        .select_related("coordinator_signed_by", "review")
        .first()
    )
    if version is None:
        raise PermissionDenied
    return version


@login_required
@require_GET
def version(request: HttpRequest, person_id: Any, number: int) -> HttpResponse:
    person, plan = _plan(request, person_id)
    found = _version(plan, number)
    _read(request, "plan_version", found.pk, person)
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


@login_required
@require_GET
def version_compare(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _plan(request, person_id)
    try:
        older_number, newer_number = (
            int(request.GET.get("older", "")),
            int(request.GET.get("newer", "")),
        )
    except ValueError:
        messages.error(request, _("Choose two versions to compare."))
        return redirect("plans:versions", person_id=person.pk)
    older, newer = _version(plan, older_number), _version(plan, newer_number)
    _read(request, "plan_versions", plan.pk, person)
    return render(
        request,
        "plans/compare.html",
        {
            "person": person,
            "older": older,
            "newer": newer,
            "changes": compare_snapshots(older.snapshot, newer.snapshot),
        },
    )


@login_required
@require_POST
def version_sign(request: HttpRequest, person_id: Any, number: int) -> HttpResponse:
    person, plan = _plan(request, person_id)
    found = _version(plan, number)
    as_person = access.can_sign_as_person(request.user, person)
    if not as_person and not access.can_sign_as_coordinator(request.user, person):
        raise PermissionDenied
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
    person, plan = _plan(request, person_id)
    if not access.can_sign_as_coordinator(request.user, person):
        raise PermissionDenied
    found = _version(plan, number)
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
    return redirect("plans:version", person_id=person.pk, number=found.number)


def _document_context(request: HttpRequest, person: Person, plan: Plan) -> dict[str, Any]:
    goals = queries.goals_of(plan)
    return {
        "person": person,
        "plan": plan,
        "goals": goals,
        "review": queries.latest_review(plan),
        "coordinator": queries.current_coordinator(person),
        "latest_version": plan.versions.first(),
        "strengths": plan.strengths.filter(archived_at__isnull=True),
        "safety_items": plan.safety_items.filter(archived_at__isnull=True),
        "lines": list(person.organisation.crisis_lines.all()),
        "generated_on": timezone.localdate(),
        "large_print": request.GET.get("large") == "1",
        "ctp_areas": _goals_by_ctp_area(goals),
    }


def _goals_by_ctp_area(goals: list[Goal]) -> list[tuple[str, list[Goal]]]:
    from ourplan.plans.life_areas import CTP_AREAS

    return [
        (str(label), [g for g in goals if g.life_area.ctp_area == code])
        for code, label in CTP_AREAS
    ]


@login_required
@require_GET
def statutory(request: HttpRequest, person_id: Any, output: str = "html") -> HttpResponse:
    """The CTP (Wales) or CPA personalised care and support plan (England), generated from the plan."""
    person, plan = _plan(request, person_id)
    context = _document_context(request, person, plan)
    template = (
        "plans/statutory_ctp.html"
        if person.organisation.country == "wales"
        else "plans/statutory_cpa.html"
    )
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT if output == "pdf" else AuditAction.READ,
        object_type="statutory_plan",
        object_id=plan.pk,
        person=person,
    )
    if output == "pdf":
        return pdf_response(
            render_to_string(template, context | {"for_pdf": True}, request=request),
            f"plan-{plan.pk}.pdf",
        )
    return render(request, template, context)


@login_required
@require_GET
def statutory_pdf(request: HttpRequest, person_id: Any) -> HttpResponse:
    return statutory(request, person_id, output="pdf")


@login_required
@require_GET
def person_copy(request: HttpRequest, person_id: Any, output: str = "html") -> HttpResponse:
    """The person-held copy: plain language, printable, with a large-print option."""
    person, plan = _plan(request, person_id)
    context = _document_context(request, person, plan)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT if output == "pdf" else AuditAction.READ,
        object_type="person_held_copy",
        object_id=plan.pk,
        person=person,
    )
    if output == "pdf":
        return pdf_response(
            render_to_string(
                "plans/person_copy.html", context | {"for_pdf": True}, request=request
            ),
            f"my-plan-{plan.pk}.pdf",
        )
    return render(request, "plans/person_copy.html", context)


@login_required
@require_GET
def person_copy_pdf(request: HttpRequest, person_id: Any) -> HttpResponse:
    return person_copy(request, person_id, output="pdf")
