"""Forms for drawing a sample and completing the review template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ourplan.core.forms import DateInput, NhsForm
from ourplan.people.models import StaffMember, Team
from ourplan.quality.challenges import CHALLENGES, Progress, RaterGroup
from ourplan.quality.template import CONTENT, FRONT_PAGE, Item


class AuditorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.display_name} ({obj.user.get_role_display()})"


class SampleForm(NhsForm):
    name = forms.CharField(label=_("Name of the audit"), max_length=120)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams to draw from"),
        queryset=Team.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The same number of plans is drawn at random from each team."),
    )
    size_per_team = forms.IntegerField(label=_("Plans from each team"), min_value=1, max_value=500)
    seed = forms.IntegerField(
        label=_("Seed (optional)"),
        required=False,
        min_value=0,
        help_text=_(
            "Leave blank for a new random seed. Giving the seed of an earlier sample draws the "
            "same plans again."
        ),
    )
    blinded = forms.BooleanField(
        label=_("Hide the care coordinator's name from the auditors"), required=False, initial=True
    )
    first_auditor = AuditorChoiceField(label=_("Auditor"), queryset=StaffMember.objects.none())
    second_auditor = AuditorChoiceField(
        label=_("Second auditor (optional)"), queryset=StaffMember.objects.none(), required=False
    )
    double_review_percent = forms.IntegerField(
        label=_("Share of plans the second auditor also reviews, in per cent"),
        min_value=0,
        max_value=100,
        initial=0,
    )
    closes_on = forms.DateField(
        label=_("Auditors can read the plans until"),
        widget=DateInput(),
        help_text=_("After this date the auditors can no longer open the sampled plans."),
    )

    def __init__(
        self, *args: Any, teams: QuerySet[Team], auditors: QuerySet[StaffMember], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams  # type: ignore[attr-defined]
        self.fields["first_auditor"].queryset = auditors  # type: ignore[attr-defined]
        self.fields["second_auditor"].queryset = auditors  # type: ignore[attr-defined]


def _answer_field(item: Item) -> forms.ChoiceField:
    choices = ", ".join(label for _value, label in item.choices())
    return forms.ChoiceField(
        label=str(item.label),
        help_text=str(item.guidance),
        choices=item.choices(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Answer this question."),
            "invalid_choice": _("Answer with one of: %(choices)s.") % {"choices": choices},
        },
    )


class ManualAuditForm(NhsForm):
    """The template: an answer and a note for each question, then the overall note."""

    not_signed_reason = forms.CharField(
        label=_("If the person did not sign, the reason given"), max_length=300, required=False
    )
    months_on_cpa = forms.IntegerField(
        label=_("Length of time on CPA or CTP, in months"),
        min_value=0,
        max_value=1200,
        required=False,
        help_text=_("Leave blank if the plan does not make it clear."),
    )
    overall_note = forms.CharField(
        label=_("Overall note"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in (*FRONT_PAGE, *CONTENT):
            self.fields[item.key] = _answer_field(item)
            self.fields[f"{item.key}__note"] = forms.CharField(
                label=_("Notes"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def answers(self) -> dict[str, str]:
        return {item.key: self.cleaned_data[item.key] for item in (*FRONT_PAGE, *CONTENT)}

    def notes(self) -> dict[str, str]:
        return {
            item.key: self.cleaned_data.get(f"{item.key}__note", "")
            for item in (*FRONT_PAGE, *CONTENT)
        }

    def front_pairs(self) -> list[tuple[Any, Any]]:
        """(answer field, note field) for each front-page question, for the template."""
        return [(self[item.key], self[f"{item.key}__note"]) for item in FRONT_PAGE]

    def content_pairs(self) -> list[tuple[Any, Any]]:
        return [(self[item.key], self[f"{item.key}__note"]) for item in CONTENT]

    @classmethod
    def initial_from(cls, found: Any) -> dict[str, Any]:
        if found is None:
            return {}
        initial: dict[str, Any] = {
            "not_signed_reason": found.not_signed_reason,
            "months_on_cpa": found.months_on_cpa,
            "overall_note": found.overall_note,
        }
        for answer in found.answers.all():
            initial[answer.item] = answer.answer
            initial[f"{answer.item}__note"] = answer.note
        return initial


# ----------------------------------------------------------------------------- self-assessment


class AssessmentForm(NhsForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    held_on = forms.DateField(label=_("When it was held"), widget=DateInput())


class RatingsForm(NhsForm):
    group = forms.ChoiceField(
        label=_("Whose ratings are these?"), choices=RaterGroup.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for challenge in CHALLENGES:
            self.fields[challenge.key] = forms.TypedChoiceField(
                label=str(challenge.label),
                help_text=str(challenge.description),
                choices=Progress.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Rate this challenge from 1 to 5.")},
            )

    def ratings(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[c.key] for c in CHALLENGES}


class PrioritiesForm(NhsForm):
    challenges = forms.MultipleChoiceField(
        label=_("The challenges to work on first"),
        choices=[(c.key, c.label) for c in CHALLENGES],
        widget=forms.CheckboxSelectMultiple,
    )
    why = forms.CharField(label=_("Why these, now"), max_length=500, required=False)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user.display_name)


class ActionForm(NhsForm):
    challenge = forms.ChoiceField(
        label=_("Challenge"), choices=[(c.key, c.label) for c in CHALLENGES]
    )
    text = forms.CharField(label=_("Action"), max_length=300)
    owner = OwnerChoiceField(
        label=_("Owner"),
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label=_("Choose who owns it"),
    )
    due_on = forms.DateField(label=_("To be done by"), widget=DateInput(), required=False)
    audit_item = forms.ChoiceField(
        label=_("Care plan audit item it aims to improve (optional)"),
        required=False,
        choices=[("", _("None"))] + [(i.key, i.label) for i in (*FRONT_PAGE, *CONTENT)],
    )

    def __init__(self, *args: Any, owners: QuerySet[StaffMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class CycleForm(NhsForm):
    started_on = forms.DateField(label=_("Started on"), widget=DateInput())
    plan = forms.CharField(
        label=_("Plan: what we will try, and what we expect"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    do = forms.CharField(
        label=_("Do: what happened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    study = forms.CharField(
        label=_("Study: what we learned"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    act = forms.CharField(
        label=_("Act: what we will keep, change or drop"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
