"""One way to change any part of a plan without losing anybody's changes.

Every editable part carries a revision, and its form carries the revision it was opened
at. A save names that revision; if someone else saved the part since, the service raises
``EditConflict`` with what they saved. The page then comes back with status 409: their
change, field by field, beside the user's own text, which stays in the form at the new
revision, so the next save builds on theirs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ourplan.core.forms import show_validation_error
from ourplan.people.models import Person
from ourplan.plans import queries, services
from ourplan.plans.forms import RevisionForm
from ourplan.plans.models import AuthoredPart, GoalStep
from ourplan.plans.snapshot import field_label
from ourplan.plans.views import is_person, speaker_for

PartT = TypeVar("PartT", bound=AuthoredPart)
ConflictRow = dict[str, str]


def _no_more_rows(current: Any, form: Any) -> list[ConflictRow]:
    return []


def _data_unchanged(data: QueryDict, current: Any) -> None:
    return None


@dataclass(frozen=True)
class PlanEdit(Generic[PartT]):
    """One kind of change to a plan part: its form, its save, and what a clash shows."""

    title: str
    # The form for a part: unbound (opened at the part's revision) when data is None.
    form: Callable[[PartT, QueryDict | None], django_forms.BaseForm]
    # Save the valid form's cleaned data onto the part as it was loaded, naming the revision.
    save: Callable[[PartT, dict[str, Any]], object]
    # The fields whose differences a clash shows, in the form's order.
    compared: tuple[str, ...]
    done_url: str
    saved_message: str
    # Differences a clash shows beyond the compared fields (e.g. links to goals).
    more_rows: Callable[[PartT, Any], list[ConflictRow]] = _no_more_rows
    # Changes to the data the form is shown again with, beyond its new revision.
    retry_data: Callable[[QueryDict, PartT], None] = _data_unchanged
    context: dict[str, Any] = field(default_factory=dict)


def edit_plan_part(
    request: HttpRequest, person: Person, part: PartT, edit: PlanEdit[PartT]
) -> HttpResponse:
    """Show the form for ``part`` of ``person``'s plan, save it, or show a clash (409)."""
    conflict = None
    if request.method == "POST":
        # The form gets its own copy: validating a model form writes the submitted values
        # onto its instance, and the service must see the part as it was loaded.
        form = edit.form(copy.copy(part), request.POST)
        if form.is_valid():
            try:
                edit.save(part, form.cleaned_data)
            except services.EditConflict as clash:
                current: Any = clash.current
                conflict = conflict_rows(current, form, edit.compared) + edit.more_rows(
                    current, form
                )
                retry: QueryDict = request.POST.copy()
                retry["revision"] = str(current.revision)
                edit.retry_data(retry, current)
                form = edit.form(current, retry)
                form.is_valid()
            except ValidationError as error:
                show_validation_error(form, error)
            else:
                messages.success(request, edit.saved_message)
                return redirect(edit.done_url)
    else:
        form = edit.form(part, None)
    plan = part.goal.plan if isinstance(part, GoalStep) else part.plan  # type: ignore[attr-defined]
    return render(
        request,
        "plans/part_form.html",
        {
            "person": person,
            "form": form,
            "title": edit.title,
            "conflict": conflict,
            "part": part,
            "wordings": queries.wordings_of(plan),
            "is_person": is_person(request),
            **edit.context,
        },
        status=409 if conflict else 200,
    )


def conflict_rows(current: Any, form: Any, names: tuple[str, ...]) -> list[ConflictRow]:
    """What the other person saved, field by field, where it differs from this user's text."""
    rows = []
    for name in names:
        if name not in form.fields:
            continue
        theirs = getattr(current, name)
        mine = form.cleaned_data.get(name)
        if theirs != mine:
            rows.append(
                {
                    "label": capfirst(field_label(current, name)),
                    "theirs": shown(current, name, theirs),
                    "mine": shown(current, name, mine),
                }
            )
    return rows


def shown(part: Any, name: str, value: Any) -> str:
    """A field's value as a person reads it: the label of a choice, a written-out date."""
    if value is None:
        return ""
    choices = dict(part._meta.get_field(name).flatchoices)
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    return str(value)


def yes_no_row(label: Any, theirs: bool, mine: bool) -> ConflictRow:
    return {
        "label": str(label),
        "theirs": _("Yes") if theirs else _("No"),
        "mine": _("Yes") if mine else _("No"),
    }


def model_part_edit(
    request: HttpRequest,
    person: Person,
    form_class: type[RevisionForm],
    title: str,
    *,
    done_url: str,
    saved_message: str,
    **form_kwargs: Any,
) -> PlanEdit[Any]:
    """The edit of a part whose form is a model form of its own fields, saved as they are.

    Staff say whose words they wrote (the form's ``voice``); the person writes their own.
    """
    compared = tuple(form_class._meta.fields or ())
    speaker = speaker_for(request, person)

    def form(instance: Any, data: QueryDict | None) -> django_forms.BaseForm:
        return form_class(
            data=data,
            instance=instance,
            initial={"revision": instance.revision},
            speaker=speaker,
            **form_kwargs,
        )

    def save(loaded: Any, data: dict[str, Any]) -> object:
        return services.save_part(
            actor=request.user,
            part=loaded,
            fields={name: data[name] for name in compared},
            revision=data["revision"],
            person=person,
            voice=data.get("voice") or None,
        )

    return PlanEdit(
        title=title,
        form=form,
        save=save,
        compared=compared,
        done_url=done_url,
        saved_message=saved_message,
    )
