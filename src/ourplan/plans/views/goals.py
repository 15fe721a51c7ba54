"""Goals in the person's words, their steps, and progress towards them."""

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
from ourplan.plans.charts import progress_chart
from ourplan.plans.models import Goal, GoalStep, Plan, StepOwner
from ourplan.plans.views import is_person, speaker_for
from ourplan.plans.views.editing import PlanEdit, edit_plan_part, model_part_edit


@login_required
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    plan = access.access_plan(request.user, person_id, rule=access.can_edit_plan)
    return _goal_new(request, plan)


@once_per_submission
def _goal_new(request: HttpRequest, plan: Plan) -> HttpResponse:
    person = plan.person
    form = forms.GoalForm(
        data=request.POST or None,
        plan=plan,
        life_areas=services.life_areas_for(person.organisation),
        speaker=speaker_for(request, person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_add(
                actor=request.user,
                plan=plan,
                text=form.cleaned_data["text"],
                life_area=form.cleaned_data["life_area"],
                voice=form.cleaned_data.get("voice") or None,
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


@login_required
@require_GET
def goal_detail(request: HttpRequest, person_id: Any, goal_id: int) -> HttpResponse:
    goal = access.access_goal(request.user, person_id, goal_id)
    person = goal.plan.person
    ratings = queries.ratings_of(goal)
    context = {
        "person": person,
        "goal": goal,
        "steps": queries.steps_of(goal),
        "strengths": queries.strengths_of_goal(goal),
        "ratings": ratings,
        "chart": progress_chart(ratings, goal.text),
        "rating_form": forms.RatingForm(),
        "achieve_form": forms.AchieveForm(initial={"revision": goal.revision}),
        "wordings": queries.wordings_of(goal.plan),
        "is_person": is_person(request),
        "can_edit": access.can_edit_plan(request.user, person),
        "can_add_step": access.can_add_step(request.user, person),
        "status_choices": GoalStep._meta.get_field("status").choices,
    }
    return render(request, "plans/goal_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, person_id: Any, goal_id: int) -> HttpResponse:
    """Reword a goal or move it to another life area, without losing anyone's changes."""
    goal = access.access_goal(request.user, person_id, goal_id, rule=access.can_edit_plan)
    person = goal.plan.person
    edit = model_part_edit(
        request,
        person,
        forms.GoalEditForm,
        _("Change this goal"),
        done_url=reverse("plans:plan", args=[person.pk]),
        saved_message=_("Saved."),
        life_areas=services.life_areas_for(person.organisation),
    )
    return edit_plan_part(request, person, goal, edit)


@login_required
@require_http_methods(["GET", "POST"])
def step_new(request: HttpRequest, person_id: Any, goal_id: int) -> HttpResponse:
    goal = access.access_goal(request.user, person_id, goal_id, rule=access.can_add_step)
    return _step_new(request, goal)


def _step_form(request: HttpRequest, goal: Goal) -> forms.StepForm | forms.TeamStepForm:
    speaker = speaker_for(request, goal.plan.person)
    if access.is_team_contributor(request.user):
        return forms.TeamStepForm(data=request.POST or None, speaker=speaker)
    return forms.StepForm(data=request.POST or None, person=goal.plan.person, speaker=speaker)


@once_per_submission
def _step_new(request: HttpRequest, goal: Goal) -> HttpResponse:
    person = goal.plan.person
    form = _step_form(request, goal)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fields["voice"] = fields.get("voice") or None
        if isinstance(form, forms.TeamStepForm):
            # A team member adds a step they do themselves, shown with their name.
            fields |= {"owner": StepOwner.TEAM_MEMBER, "owner_user": request.user}
        try:
            services.step_add(actor=request.user, goal=goal, **fields)
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


STEP_FIELDS = ("text", "owner", "supporter", "service", "due_on")


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, person_id: Any, step_id: int) -> HttpResponse:
    """Reword a step, or change who does it and by when, without losing anyone's changes."""
    step = access.access_step(request.user, person_id, step_id)
    person = step.goal.plan.person

    def form(instance: GoalStep, data: QueryDict | None) -> forms.StepEditForm:
        return forms.StepEditForm(
            data=data, person=person, step=instance, speaker=speaker_for(request, person)
        )

    def save(loaded: GoalStep, data: dict[str, Any]) -> object:
        fields = {name: data[name] for name in STEP_FIELDS}
        return services.step_update(
            actor=request.user,
            step=loaded,
            revision=data["revision"],
            voice=data.get("voice") or None,
            **fields,
        )

    goal_url = reverse("plans:goal", args=[person.pk, step.goal_id])
    edit = PlanEdit(
        title=_("Change this step"),
        form=form,
        save=save,
        compared=STEP_FIELDS,
        done_url=goal_url,
        saved_message=_("Step saved."),
        context={
            "subtitle": step.goal.text,
            "back_url": goal_url,
            "back_label": _("Back to the goal"),
        },
    )
    return edit_plan_part(request, person, step, edit)


@login_required
@require_POST
def step_status(request: HttpRequest, person_id: Any, step_id: int) -> HttpResponse:
    step = access.access_step(request.user, person_id, step_id, audit_read=False)
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
    return redirect("plans:goal", person_id=step.goal.plan.person.pk, goal_id=step.goal_id)


@login_required
@require_POST
def goal_rate(request: HttpRequest, person_id: Any, goal_id: int) -> HttpResponse:
    goal = access.access_goal(
        request.user, person_id, goal_id, rule=access.can_edit_plan, audit_read=False
    )
    return _rate(request, goal)


@once_per_submission
def _rate(request: HttpRequest, goal: Goal) -> HttpResponse:
    form = forms.RatingForm(data=request.POST)
    if form.is_valid():
        services.progress_rate(actor=request.user, goal=goal, score=form.cleaned_data["score"])
        messages.success(request, _("Progress recorded."))
    else:
        messages.error(request, _("Progress is a number from 0 to 10."))
    return redirect("plans:goal", person_id=goal.plan.person.pk, goal_id=goal.pk)


@login_required
@require_POST
def goal_achieve(request: HttpRequest, person_id: Any, goal_id: int) -> HttpResponse:
    goal = access.access_goal(
        request.user, person_id, goal_id, rule=access.can_edit_plan, audit_read=False
    )
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
    return redirect("plans:goal", person_id=goal.plan.person.pk, goal_id=goal.pk)
