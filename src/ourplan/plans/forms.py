from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ourplan.core.forms import DateInput, NhsForm, NhsModelForm
from ourplan.people.models import Supporter
from ourplan.plans.models import (
    AboutMe,
    CopyGiven,
    CrisisPlan,
    Goal,
    SafetyItem,
    StayingWellPlan,
    StepOwner,
    StepStatus,
    Strength,
    WrittenBy,
)

TEXTAREA = forms.Textarea(attrs={"rows": 4})


class RevisionForm(NhsModelForm):
    """A part form that carries the revision it was opened at, for conflict detection."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AboutMeForm(RevisionForm):
    class Meta:
        model = AboutMe
        fields = AboutMe.TEXT_FIELDS
        widgets = dict.fromkeys(AboutMe.TEXT_FIELDS, TEXTAREA)


class StayingWellForm(RevisionForm):
    class Meta:
        model = StayingWellPlan
        fields = StayingWellPlan.TEXT_FIELDS
        widgets = dict.fromkeys(StayingWellPlan.TEXT_FIELDS, TEXTAREA)


class CrisisForm(RevisionForm):
    class Meta:
        model = CrisisPlan
        fields = (*CrisisPlan.TEXT_FIELDS, "advance_signed", "advance_witnessed")
        widgets = dict.fromkeys(CrisisPlan.TEXT_FIELDS, TEXTAREA)


class StrengthForm(NhsModelForm):
    class Meta:
        model = Strength
        fields = ("kind", "text")
        widgets = {"kind": forms.RadioSelect}


class StrengthEditForm(RevisionForm):
    """Reword a strength, change its kind or goals, or set it aside and bring it back."""

    goals = forms.ModelMultipleChoiceField(
        label=_("Goals this strength helps with"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The goals the editor was shown: only their links change, so nobody else's link is lost.
    goals_shown = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    set_aside = forms.BooleanField(
        label=_("Set this strength aside for now"),
        help_text=_(
            "It no longer fits. It is kept, shown apart from the others, and can be brought back."
        ),
        required=False,
    )

    class Meta:
        model = Strength
        fields = ("text", "kind")
        widgets = {"kind": forms.RadioSelect}
        error_messages = {"text": {"required": _("Write the strength.")}}

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None and kwargs.get("data") is None:
            kwargs["initial"] = {
                "goals": list(instance.goals.all()),
                "goals_shown": list(plan.goals.all()),
                "set_aside": instance.archived_at is not None,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        for name in ("goals", "goals_shown"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = plan.goals.all()


class GoalForm(NhsModelForm):
    written_by = forms.ChoiceField(
        label=_("Who wrote this goal?"),
        choices=WrittenBy.choices,
        widget=forms.RadioSelect,
        initial=WrittenBy.TOGETHER,
    )

    class Meta:
        model = Goal
        fields = ("text", "life_area", "written_by", "strengths")
        widgets = {"strengths": forms.CheckboxSelectMultiple}

    def __init__(
        self, *args: Any, plan: Any, life_areas: Any, is_person: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        area_field = self.fields["life_area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = life_areas
        area_field.empty_label = _("Choose a life area")
        strengths_field = self.fields["strengths"]
        assert isinstance(strengths_field, forms.ModelMultipleChoiceField)
        strengths_field.queryset = Strength.objects.filter(plan=plan, archived_at__isnull=True)
        strengths_field.required = False
        if is_person:
            # A person writing their own goal wrote it themselves.
            del self.fields["written_by"]


class GoalEditForm(RevisionForm):
    class Meta:
        model = Goal
        fields = ("text", "life_area")

    def __init__(self, *args: Any, life_areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_field = self.fields["life_area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = life_areas


class StepForm(NhsForm):
    text = forms.CharField(
        label=_("Step"),
        max_length=500,
        help_text=_("A small, concrete thing to do next."),
        error_messages={"required": _("Write what the step is.")},
    )
    owner = forms.ChoiceField(
        label=_("Who does it"),
        choices=StepOwner.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who does this step.")},
    )
    supporter = forms.ModelChoiceField(
        label=_("Which supporter (if a supporter does it)"),
        queryset=Supporter.objects.none(),
        required=False,
    )
    service = forms.CharField(
        label=_("Which service (if another service does it)"), max_length=200, required=False
    )
    due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput())

    def __init__(self, *args: Any, person: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        supporter_field = self.fields["supporter"]
        assert isinstance(supporter_field, forms.ModelChoiceField)
        supporter_field.queryset = Supporter.objects.filter(person=person, ended_at__isnull=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("owner") == StepOwner.SUPPORTER and not cleaned.get("supporter"):
            self.add_error("supporter", _("Choose which supporter does this step."))
        if cleaned.get("owner") == StepOwner.SERVICE and not (cleaned.get("service") or "").strip():
            self.add_error("service", _("Say which service does this step."))
        return cleaned


class StepEditForm(StepForm):
    """Reword a step, or change who does it and by when."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, person: Any, step: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "text": step.text,
                "owner": step.owner,
                "supporter": step.supporter_id,
                "service": step.service,
                "due_on": step.due_on,
                "revision": step.revision,
            },
        )
        super().__init__(*args, person=person, **kwargs)
        # A supporter who has since stopped supporting stays on the list for this step.
        supporter_field = self.fields["supporter"]
        assert isinstance(supporter_field, forms.ModelChoiceField)
        supporter_field.queryset = Supporter.objects.filter(
            Q(person=person, ended_at__isnull=True) | Q(person=person, pk=step.supporter_id)
        )


class StepStatusForm(NhsForm):
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RatingForm(NhsForm):
    score = forms.IntegerField(
        label=_("How far along are you, from 0 (not started) to 10 (achieved)?"),
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-2", "inputmode": "numeric"}
        ),
    )


class AchieveForm(NhsForm):
    celebration = forms.CharField(label=_("How will you mark it?"), max_length=500, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


SAFETY_ITEM_FIELDS = (
    "kind",
    "description",
    "person_view",
    "person_view_not_obtained",
    "professional_view",
    "agreed_steps",
    "responsibilities",
    "review_on",
)


class SafetyItemForm(NhsModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = SafetyItem
        fields = SAFETY_ITEM_FIELDS
        widgets = {
            "kind": forms.RadioSelect,
            "review_on": DateInput(),
            **dict.fromkeys(
                (
                    "description",
                    "person_view",
                    "professional_view",
                    "agreed_steps",
                    "responsibilities",
                ),
                TEXTAREA,
            ),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not (cleaned.get("person_view") or "").strip()
            and not (cleaned.get("person_view_not_obtained") or "").strip()
        ):
            self.add_error(
                "person_view",
                _("Write the person's own view, or say why it could not be recorded."),
            )
        return cleaned


class ReviewForm(NhsForm):
    """The standard review on one page: progress, a new step, who came, sign-off and the copy."""

    held_on = forms.DateField(label=_("Date of the review"), widget=DateInput())
    person_attended = forms.BooleanField(
        label=_("The person was there"), required=False, initial=True
    )
    supporters = forms.ModelMultipleChoiceField(
        label=_("Carers and supporters there"),
        queryset=Supporter.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    advocate = forms.CharField(label=_("Advocate there"), max_length=200, required=False)
    professionals = forms.CharField(label=_("Professionals there"), max_length=500, required=False)
    what_changed = forms.CharField(
        label=_("What changed"), max_length=4000, required=False, widget=TEXTAREA
    )
    step_goal = forms.ModelChoiceField(
        label=_("Add a step to this goal"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("No new step"),
    )
    step_text = forms.CharField(label=_("New step"), max_length=500, required=False)
    step_owner = forms.ChoiceField(
        label=_("Who does it"), choices=[("", _("Choose")), *StepOwner.choices], required=False
    )
    step_supporter = forms.ModelChoiceField(
        label=_("Which supporter"), queryset=Supporter.objects.none(), required=False
    )
    step_service = forms.CharField(label=_("Which service"), max_length=200, required=False)
    step_due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput())
    next_review_on = forms.DateField(label=_("Next review"), widget=DateInput())
    coordinator_signs = forms.BooleanField(
        label=_("I sign this version as care coordinator"), required=False
    )
    person_signs = forms.BooleanField(
        label=_("The person signs this version here, in the room"), required=False
    )
    not_signed_reason = forms.CharField(
        label=_("If the person is not signing, why not"), max_length=500, required=False
    )
    copy_given = forms.ChoiceField(
        label=_("Copy given"),
        choices=[("", _("Not yet")), *CopyGiven.choices],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.active_goals = list(plan.goals.filter(status="active").select_related("life_area"))
        supporters = Supporter.objects.filter(person=plan.person, ended_at__isnull=True)
        for name in ("supporters", "step_supporter"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = supporters
        goal_field = self.fields["step_goal"]
        assert isinstance(goal_field, forms.ModelChoiceField)
        goal_field.queryset = plan.goals.filter(status="active")
        self.initial.setdefault("held_on", timezone.localdate())
        # One progress box per active goal, before the rest of the form.
        progress_fields = {
            f"progress_{goal.pk}": forms.IntegerField(
                label=goal.text,
                min_value=0,
                max_value=10,
                required=False,
                help_text=_("Progress from 0 to 10"),
                widget=forms.NumberInput(
                    attrs={"class": "nhsuk-input nhsuk-input--width-2", "inputmode": "numeric"}
                ),
            )
            for goal in self.active_goals
        }
        self.fields = {**progress_fields, **self.fields}

    def progress(self) -> dict[Goal, int]:
        return {
            goal: self.cleaned_data[f"progress_{goal.pk}"]
            for goal in self.active_goals
            if self.cleaned_data.get(f"progress_{goal.pk}") is not None
        }

    def new_step(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("step_goal"):
            return None
        return {
            "goal": data["step_goal"],
            "text": data.get("step_text") or "",
            "owner": data.get("step_owner") or "",
            "supporter": data.get("step_supporter"),
            "service": data.get("step_service") or "",
            "due_on": data.get("step_due_on"),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("step_goal"):
            if not (cleaned.get("step_text") or "").strip():
                self.add_error("step_text", _("Write what the new step is."))
            if not cleaned.get("step_owner"):
                self.add_error("step_owner", _("Choose who does the new step."))
        next_review = cleaned.get("next_review_on")
        if next_review and next_review <= timezone.localdate():
            self.add_error("next_review_on", _("The next review must be after today."))
        if cleaned.get("person_signs") and not cleaned.get("person_attended"):
            self.add_error(
                "person_signs", _("The person can only sign in the room if they were there.")
            )
        return cleaned


class NotSignedForm(NhsForm):
    not_signed_reason = forms.CharField(label=_("Why the person has not signed"), max_length=500)
