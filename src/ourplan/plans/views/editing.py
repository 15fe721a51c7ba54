"""One way to change any part of a plan without losing anybody's changes.

Every editable part carries a revision, and its form carries the revision it was opened
at. A save names that revision; if someone else saved the part since, the service raises
``EditConflict`` with what they saved. The page then comes back with status 409: their
change, field by field, beside the user's own text, which stays in the form at the new
revision, so the next save builds on theirs.

Two edges. A stale save of exactly what is saved now (two tabs, the same change sent
twice) is not a conflict: there is nothing to merge, so nothing is written and the page
says nothing needed saving. A save whose revision is missing, not a number, or one no
save ever made is refused with status 400 and a message on the form: without knowing
what the user opened, a save could overwrite someone's words unseen.
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
from django.utils.translation import gettext_lazy

from ourplan.core.forms import show_validation_error
from ourplan.people.models import Person
from ourplan.plans import queries, services
from ourplan.plans.forms import RevisionForm
from ourplan.plans.models import AuthoredPart, GoalStep
from ourplan.plans.snapshot import field_label
from ourplan.plans.views import is_person, speaker_for

PartT = TypeVar("PartT", bound=AuthoredPart)
ConflictRow = dict[str, str]

NOTHING_NEEDED_SAVING = gettext_lazy(
    "Nothing needed saving. Someone else saved the same changes while you had the page "
    "open, so the plan already says what you wrote."
)
REVISION_UNKNOWN = gettext_lazy(
    "This page could not be saved: it did not say which version of the plan you opened. "
    "Nothing was saved. Your text is below so you can copy it. Open the page again from "
    "the plan, then make your change."
)


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
    status = 200
    if request.method == "POST":
        # The form gets its own copy: validating a model form writes the submitted values
        # onto its instance, and the service must see the part as it was loaded.
        form = edit.form(copy.copy(part), request.POST)
        valid = form.is_valid()
        if not opened_revision_known(form, part):
            # The revision field is hidden, so its own error would show nowhere.
            form.add_error(None, REVISION_UNKNOWN)
            status = 400
        elif valid:
            try:
                edit.save(part, form.cleaned_data)
            except services.EditConflict as clash:
                current: Any = clash.current
                conflict = conflict_rows(current, form, edit.compared) + edit.more_rows(
                    current, form
                )
                opened_now = edit.form(current, None)
                if not conflict:
                    conflict = other_changes(form, opened_now, edit.compared)
                if not conflict:
                    messages.info(request, NOTHING_NEEDED_SAVING)
                    return redirect(edit.done_url)
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
        status=409 if conflict else status,
    )


def opened_revision_known(form: django_forms.BaseForm, part: AuthoredPart) -> bool:
    """The form names a revision this part really had: a whole number, at most its latest.

    Revisions only go up, so one above the part's revision as loaded was never opened.
    """
    if "revision" not in form.fields or form.errors.get("revision"):
        return False
    revision = form.cleaned_data.get("revision")
    return isinstance(revision, int) and 1 <= revision <= part.revision


def other_changes(
    form: django_forms.BaseForm, opened_now: django_forms.BaseForm, compared: tuple[str, ...]
) -> list[ConflictRow]:
    """What this save asks for beyond the compared fields, against the part as saved now.

    A stale save whose words match what was saved may still ask for something else
    (to take a contact off the plan): that is a conflict to show, not nothing to save.
    Hidden fields and the voice are bookkeeping, not changes the user made.
    """
    rows = []
    for name, form_field in form.fields.items():
        bound = form[name]
        if name in compared or name == "voice" or bound.is_hidden:
            continue
        initial = opened_now[name].initial
        if form_field.has_changed(initial, bound.data):
            try:
                theirs = form_field.to_python(form_field.prepare_value(initial))
            except ValidationError:
                theirs = initial
            rows.append(
                {
                    "label": capfirst(str(form_field.label or name)),
                    "theirs": plain(theirs),
                    "mine": plain(form.cleaned_data.get(name)),
                }
            )
    return rows


def plain(value: Any) -> str:
    """A form value as a person reads it: yes or no, or one item a line."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None:
        return ""
    if isinstance(value, list | tuple) or hasattr(value, "model"):
        return "\n".join(str(item) for item in value)
    return str(value)


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
