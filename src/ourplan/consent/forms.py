"""Forms for sharing, crisis sharing, contributions and carers' own needs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ourplan.consent.models import (
    ContributionKind,
    ContributionVisibility,
    CrisisSharing,
    RecordedHow,
)
from ourplan.consent.parts import Part
from ourplan.core.forms import DateInput, NhsForm


class AgreementForm(NhsForm):
    parts = forms.MultipleChoiceField(
        label=_("What they can see now"),
        choices=Part.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave every box empty to share nothing. Nothing is shared unless you choose it."
        ),
    )
    crisis_parts = forms.MultipleChoiceField(
        label=_("What they can also see if I am in crisis"),
        choices=Part.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only while staff have switched on crisis sharing, for a stated reason and at most 72 hours. You are told afterwards what was seen."
        ),
    )
    ends_on = forms.DateField(
        label=_("Stop sharing on (optional)"), required=False, widget=DateInput()
    )
    recorded_how = forms.ChoiceField(
        label=_("How did the person tell you this?"),
        choices=[
            (RecordedHow.IN_PERSON, RecordedHow.IN_PERSON.label),
            (RecordedHow.ON_INSTRUCTION, RecordedHow.ON_INSTRUCTION.label),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    capacity_note = forms.CharField(
        label=_("Note about capacity to decide (if relevant)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, is_person: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_person:
            del self.fields["recorded_how"]
            del self.fields["capacity_note"]


class CrisisSharingForm(NhsForm):
    reason = forms.CharField(
        label=_("Why crisis sharing is needed now"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for switching on crisis sharing.")},
    )
    hours = forms.IntegerField(
        label=_("For how many hours (at most 72)"),
        min_value=1,
        max_value=CrisisSharing.MAX_HOURS,
        initial=24,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}),
    )


class ContributionForm(NhsForm):
    kind = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=ContributionKind.choices,
        widget=forms.RadioSelect,
        initial=ContributionKind.INFORMATION,
    )
    text = forms.CharField(
        label=_("What you want to tell the team"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what you want to tell the team.")},
    )
    ask_not_shown = forms.BooleanField(
        label=_("Please do not show this to the person I support"), required=False
    )
    # What the page told the supporter; the service keeps the stricter of this and today's.
    policy_shown = forms.ChoiceField(
        choices=ContributionVisibility.choices, required=False, widget=forms.HiddenInput
    )


class ContributionPolicyForm(NhsForm):
    person_sees_contributions = forms.ChoiceField(
        label=_("Does the person see what their supporters send to the team?"),
        choices=ContributionVisibility.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the policies listed.")},
        help_text=_(
            "Supporters are told this policy before they send anything. A more open policy "
            "applies only to what is sent from now on."
        ),
    )
    reason = forms.CharField(
        label=_("Why is the policy set this way?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why, so the policy is documented for staff and supporters.")
        },
    )


class RespondForm(NhsForm):
    reply = forms.CharField(
        label=_("Reply (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CarerNeedsForm(NhsForm):
    own_needs = forms.CharField(
        label=_("What I need, as a carer"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    shared_with_person = forms.BooleanField(
        label=_("Show what I need to the person I support"), required=False
    )


class CheckInForm(NhsForm):
    score = forms.TypedChoiceField(
        label=_("How are you doing at the moment?"),
        coerce=int,
        choices=[
            (1, _("1 – struggling")),
            (2, _("2 – finding it hard")),
            (3, _("3 – getting by")),
            (4, _("4 – mostly all right")),
            (5, _("5 – doing well")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything to add (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CarerSupportForm(NhsForm):
    assessment_offered_on = forms.DateField(
        label=_("Carer's assessment offered on"), required=False, widget=DateInput()
    )
    assessment_outcome = forms.CharField(
        label=_("What came of it"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    information_given = forms.CharField(
        label=_("Information and education given"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    signposting = forms.CharField(
        label=_("Signposting"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SupporterViewsFilterForm(NhsForm):
    """Narrows "What they have looked at" to one supporter. Anything not offered shows everyone."""

    seen_by = forms.ChoiceField(label=_("Show what was looked at by"), required=False)

    def __init__(self, *args: Any, supporters: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._supporters = {str(supporter.pk): supporter for supporter in supporters}
        seen_by = self.fields["seen_by"]
        assert isinstance(seen_by, forms.ChoiceField)
        seen_by.choices = [("", _("Everyone"))] + [
            (key, supporter.full_name) for key, supporter in self._supporters.items()
        ]

    def chosen_supporter(self) -> Any | None:
        if not self.is_valid():
            return None
        return self._supporters.get(self.cleaned_data["seen_by"])
