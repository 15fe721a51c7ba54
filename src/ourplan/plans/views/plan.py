"""The plan page, its written parts (about me, staying well, the crisis plan) and strengths."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ourplan.core.forms import show_validation_error
from ourplan.core.submissions import once_per_submission
from ourplan.people.access import access_person
from ourplan.people.models import Person
from ourplan.plans import access, forms, queries, services
from ourplan.plans.extensions import plan_sections
from ourplan.plans.models import Plan, Strength
from ourplan.plans.views import is_person, speaker_for
from ourplan.plans.views.editing import (
    ConflictRow,
    PlanEdit,
    edit_plan_part,
    model_part_edit,
    yes_no_row,
)


@login_required
@require_GET
def plan_home(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = access.access_person_and_plan(request.user, person_id)
    context: dict[str, Any] = {"person": person, "plan": plan, "is_person": is_person(request)}
    if plan is not None:
        goals = queries.goals_of(plan)
        strengths = queries.strengths_of(plan)
        latest_version = queries.latest_version(plan)
        context |= {
            "goals": goals,
            "stage": queries.plan_stage(plan, goals, timezone.localdate()),
            "strengths": [s for s in strengths if s.archived_at is None],
            "set_aside_strengths": [s for s in strengths if s.archived_at is not None],
            "safety_items": queries.safety_items_in_use(plan),
            "review": queries.latest_review(plan),
            "latest_version": latest_version,
            "coordinator": queries.current_coordinator(person),
            "wordings": queries.wordings_of(plan),
            "unseen_notices": queries.unseen_notice_count(plan) if is_person(request) else 0,
            "can_edit": access.can_edit_plan(request.user, person),
            "can_add_strength": access.can_add_strength(request.user, person),
            "can_add_treatment_preferences": access.can_add_treatment_preferences(
                request.user, person
            ),
            "can_review": access.can_record_review(request.user, person),
            "can_answer": access.can_speak_as_person(request.user, person)
            and latest_version is not None
            and latest_version.waits_for_person,
            "sections": plan_sections(request, person),
        }
    else:
        context["can_start"] = access.can_start_plan(request.user, person)
    return render(request, "plans/plan_home.html", context)


@login_required
@require_POST
def plan_start(request: HttpRequest, person_id: Any) -> HttpResponse:
    # Nothing of the record is shown: the service's entry records the start.
    person = access_person(request.user, person_id, rule=access.can_start_plan, audit_read=False)
    return _start(request, person)


@once_per_submission
def _start(request: HttpRequest, person: Person) -> HttpResponse:
    services.plan_start(actor=request.user, person=person)
    messages.success(
        request,
        _("The plan is started. Begin with what matters to %(name)s.") % {"name": person.called},
    )
    return redirect("plans:about_me", person_id=person.pk)


def _part_edit(
    request: HttpRequest,
    part: Any,
    form_class: type[forms.RevisionForm],
    title: str,
    done_url: str = "",
) -> HttpResponse:
    person = part.plan.person
    edit = model_part_edit(
        request,
        person,
        form_class,
        title,
        done_url=done_url or reverse("plans:plan", args=[person.pk]),
        saved_message=_("Saved."),
    )
    return edit_plan_part(request, person, part, edit)


@login_required
@require_http_methods(["GET", "POST"])
def about_me(request: HttpRequest, person_id: Any) -> HttpResponse:
    part = access.access_about_me(request.user, person_id)
    return _part_edit(request, part, forms.AboutMeForm, _("About me"))


@login_required
@require_http_methods(["GET", "POST"])
def staying_well(request: HttpRequest, person_id: Any) -> HttpResponse:
    part = access.access_staying_well_plan(request.user, person_id)
    return _part_edit(request, part, forms.StayingWellForm, _("My staying-well plan"))


@login_required
@require_http_methods(["GET", "POST"])
def crisis_edit(request: HttpRequest, person_id: Any) -> HttpResponse:
    part = access.access_crisis_plan(request.user, person_id, rule=access.can_edit_plan)
    return _part_edit(request, part, forms.CrisisForm, _("My crisis plan"))


@login_required
@require_http_methods(["GET", "POST"])
def treatment_preferences(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The person's treatment preferences, which the organisation may let the whole team add to."""
    part = access.access_about_me(
        request.user, person_id, rule=access.can_add_treatment_preferences
    )
    return _part_edit(
        request, part, forms.TreatmentPreferencesForm, _("Preferences about treatment")
    )


@login_required
@require_GET
def crisis(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The crisis plan on one printable page, with the crisis numbers and the person's contacts."""
    crisis_plan = access.access_crisis_plan(request.user, person_id)
    plan = crisis_plan.plan
    person = plan.person
    return render(
        request,
        "plans/crisis.html",
        {
            "person": person,
            "plan": plan,
            "crisis": crisis_plan,
            "contacts": queries.contacts_of(plan),
            "wordings": queries.wordings_of(plan),
            "is_person": is_person(request),
            "lines": queries.crisis_lines_shown_with(person, request.user),
            "can_edit": access.can_edit_plan(request.user, person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def strength_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    plan = access.access_plan(request.user, person_id, rule=access.can_add_strength)
    return _strength_new(request, plan)


@once_per_submission
def _strength_new(request: HttpRequest, plan: Plan) -> HttpResponse:
    form = forms.StrengthForm(data=request.POST or None, speaker=speaker_for(request, plan.person))
    if request.method == "POST" and form.is_valid():
        try:
            services.strength_add(
                actor=request.user,
                plan=plan,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                voice=form.cleaned_data.get("voice") or None,
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Strength added."))
            return redirect("plans:plan", person_id=plan.person.pk)
    return render(
        request,
        "plans/simple_form.html",
        {"person": plan.person, "form": form, "title": _("Add a strength")},
    )


def _strength_more_rows(current: Strength, form: Any) -> list[ConflictRow]:
    """A clash over a strength also shows whether it is set aside and which goals it helps."""
    rows = []
    if (current.archived_at is not None) != form.cleaned_data["set_aside"]:
        rows.append(
            yes_no_row(
                form.fields["set_aside"].label,
                current.archived_at is not None,
                form.cleaned_data["set_aside"],
            )
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
def strength_edit(request: HttpRequest, person_id: Any, strength_id: int) -> HttpResponse:
    """Reword a strength, change its kind or goals, or set it aside, without losing anyone's changes."""
    strength = access.access_strength(request.user, person_id, strength_id)
    plan = strength.plan

    def form(instance: Strength, data: QueryDict | None) -> forms.StrengthEditForm:
        return forms.StrengthEditForm(
            data=data,
            instance=instance,
            initial={"revision": instance.revision},
            plan=plan,
            speaker=speaker_for(request, plan.person),
        )

    def save(loaded: Strength, data: dict[str, Any]) -> object:
        return services.strength_update(
            actor=request.user,
            strength=loaded,
            revision=data["revision"],
            text=data["text"],
            kind=data["kind"],
            set_aside=data["set_aside"],
            goals=list(data["goals"]),
            goals_shown=list(data["goals_shown"]),
            voice=data.get("voice") or None,
        )

    def show_every_goal(retry: QueryDict, current: Strength) -> None:
        # Shown again, the form lists every goal the plan has now, so all their links count.
        retry.setlist("goals_shown", [str(pk) for pk in queries.goal_ids_of(plan)])

    edit = PlanEdit(
        title=_("Change this strength"),
        form=form,
        save=save,
        compared=("text", "kind"),
        done_url=reverse("plans:plan", args=[plan.person.pk]),
        saved_message=_("Strength saved."),
        more_rows=_strength_more_rows,
        retry_data=show_every_goal,
    )
    return edit_plan_part(request, plan.person, strength, edit)
