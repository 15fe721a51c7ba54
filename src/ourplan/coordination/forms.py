"""Forms for the working day. Each parses input only; the services decide what is allowed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ourplan.coordination.allocation import Suggestion
from ourplan.coordination.models import (
    AllocationPreferences,
    ContactMode,
    ContactOutcome,
    CoordinationSettings,
    CoordinatorProfile,
    Gender,
    PreferenceMet,
)
from ourplan.core.forms import DateInput, NhsForm, NhsModelForm
from ourplan.people.models import Profession, StaffMember

# The outcomes a contact can be recorded with (a planned one is an appointment).
RECORDED_OUTCOMES = [
    (ContactOutcome.HAPPENED, ContactOutcome.HAPPENED.label),
    (ContactOutcome.DID_NOT_ATTEND, _("They did not attend")),
    (ContactOutcome.CANCELLED, ContactOutcome.CANCELLED.label),
]
DEFAULT_MINUTES = 30


class DateTimeInput(forms.DateTimeInput):
    """A native date and time picker."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"class": "nhsuk-input nhsuk-input--width-20", **(attrs or {})},
            format="%Y-%m-%dT%H:%M",
        )


def now_to_the_minute() -> datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


class PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name) if hasattr(obj, "full_name") else str(obj)


class StepChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.text} ({obj.goal.text})"


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.display_name} ({obj.get_profession_display()})"


class ContactForm(NhsForm):
    """Record a contact: choose how it was and save; everything else has a sensible default."""

    mode = forms.ChoiceField(
        label=_("How was the contact?"), choices=ContactMode.choices, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=RECORDED_OUTCOMES,
        widget=forms.RadioSelect,
        initial=ContactOutcome.HAPPENED,
        required=False,  # it happened, when left out
    )
    starts_at = forms.DateTimeField(
        label=_("When"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        required=False,  # now, when left out (the quick form on the person's page)
    )
    duration_minutes = forms.IntegerField(
        label=_("How long, in minutes"),
        widget=forms.NumberInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-4", "inputmode": "numeric"}
        ),
        help_text=_("Time with them or their supporters, or spent on their behalf; not travel."),
        required=False,
    )
    supporters = PersonChoices(
        label=_("Supporters who were there"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others_present = forms.CharField(
        label=_("Anyone else there (optional)"), max_length=200, required=False
    )
    note = forms.CharField(
        label=_("A short note (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person can read this in their own record."),
    )
    goals: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Goals that moved (optional)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    steps = StepChoices(
        label=_("Steps that moved (optional)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, supporters: Any, goals: Any, steps: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("starts_at", now_to_the_minute())
        self.initial.setdefault("duration_minutes", DEFAULT_MINUTES)
        self.initial.setdefault("outcome", ContactOutcome.HAPPENED)
        self._set_queryset("supporters", supporters)
        self._set_queryset("goals", goals)
        self._set_queryset("steps", steps)

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = queryset
        if not queryset:
            # Nothing to choose from: leave the question off the page.
            del self.fields[name]


class AppointmentForm(NhsForm):
    mode = forms.ChoiceField(
        label=_("How will you meet?"),
        choices=[(c, label) for c, label in ContactMode.choices if c != ContactMode.CASEWORK],
        widget=forms.RadioSelect,
    )
    starts_at = forms.DateTimeField(
        label=_("When"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    duration_minutes = forms.IntegerField(
        label=_("How long, in minutes"),
        widget=forms.NumberInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-4", "inputmode": "numeric"}
        ),
        required=False,
        initial=60,
    )
    note = forms.CharField(
        label=_("Where, or anything to remember (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The person sees this on their home page."),
    )


class OutcomeForm(NhsForm):
    outcome = forms.ChoiceField(choices=RECORDED_OUTCOMES, widget=forms.RadioSelect)


class AllocationForm(NhsForm):
    """Choose a care coordinator from the ranked suggestions, with the reason for the choice."""

    coordinator = StaffChoice(
        label=_("Care coordinator"),
        queryset=StaffMember.objects.select_related("user", "organisation"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a care coordinator from the list.")},
    )
    started_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Why this care coordinator"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: speaks Welsh, as the person asked; knows the family already."),
        required=False,
    )
    preference_met = forms.ChoiceField(
        label=_("Was the person's preference met?"),
        choices=PreferenceMet.choices,
        widget=forms.RadioSelect,
    )
    handover_note = forms.CharField(
        label=_("Handover note for the new care coordinator"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What they need to know to carry on: what matters to the person, what is in hand, "
            "who to talk to. Needed when the care coordinator changes."
        ),
    )

    def __init__(self, *args: Any, suggestions: list[Suggestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("started_on", timezone.localdate())
        # Only those who may coordinate here are offered; any other id is checked by the service.
        self.fields["coordinator"].widget.choices = [  # type: ignore[attr-defined]
            (s.staff_id, f"{s.candidate.name}: {'; '.join(s.reasons)}")
            for s in suggestions
            if s.allowed
        ]


class PreferencesForm(NhsModelForm):
    class Meta:
        model = AllocationPreferences
        fields = [*AllocationPreferences.PERSON_FIELDS, "need_level"]
        widgets = {
            "gender": forms.RadioSelect,
            "times_and_places": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, staff_choices: Any, for_the_person: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gender = self.fields["gender"]
        assert isinstance(gender, forms.ChoiceField)
        gender.choices = [("", _("It does not matter to me")), *Gender.choices]
        self.fields["profession"] = forms.ChoiceField(
            label=AllocationPreferences._meta.get_field("profession").verbose_name,
            required=False,
            choices=[("", _("It does not matter to me"))]
            + [
                (value, label)
                for value, label in Profession.choices
                if value
                in {
                    Profession.NURSE,
                    Profession.SOCIAL_WORKER,
                    Profession.OCCUPATIONAL_THERAPIST,
                    Profession.PSYCHOLOGIST,
                    Profession.PSYCHIATRIST,
                }
            ],
        )
        for name in ("preferred_staff", "avoided_staff"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = staff_choices
            field.empty_label = _("Nobody in particular")
            field.label_from_instance = lambda obj: obj.user.display_name  # type: ignore[method-assign]
        if for_the_person:
            del self.fields["need_level"]


class ProfileForm(NhsModelForm):
    class Meta:
        model = CoordinatorProfile
        fields = CoordinatorProfile.EDITABLE_FIELDS
        widgets = {"gender": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gender = self.fields["gender"]
        assert isinstance(gender, forms.ChoiceField)
        gender.choices = [("", _("Not given")), *Gender.choices]


class SettingsForm(NhsModelForm):
    managers_see_whole_organisation = forms.BooleanField(
        label=_("Team managers see people across the whole organisation"),
        help_text=_("Otherwise a team manager sees only their own team's people, on every page."),
        required=False,
    )

    class Meta:
        model = CoordinationSettings
        fields = CoordinationSettings.THRESHOLD_FIELDS


class NotificationSettingsForm(NhsForm):
    email = forms.BooleanField(
        label=_("Email me when I have something new in ourplan"),
        help_text=_("The email says only that there is something new; it never says what."),
        required=False,
    )


class WorklistFilterForm(NhsForm):
    mine = forms.BooleanField(label=_("Only people I coordinate"), required=False)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.TypedChoiceField)
        if len(teams) > 1:
            team.choices = [("", _("All teams I can see")), *teams]
        else:
            del self.fields["team"]
