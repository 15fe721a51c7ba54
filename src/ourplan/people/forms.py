from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ourplan.core.forms import DateInput, NhsForm, NhsModelForm
from ourplan.people.models import (
    CrisisLine,
    Person,
    PersonGender,
    Profession,
    StaffMember,
    Supporter,
    Team,
)
from ourplan.people.nhs_number import normalise_nhs_number
from ourplan.people.services import (
    PERSON_EDITABLE_FIELDS,
    PERSON_SELF_EDITABLE_FIELDS,
    STAFF_EDITABLE_ROLES,
    SUPPORTER_EDITABLE_FIELDS,
)


class CoordinatorChoiceField(forms.ModelChoiceField):
    """Care coordinators listed by name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user.display_name)


def _coordinator_field_of(form: forms.BaseForm) -> forms.ModelChoiceField:
    field = form.fields["coordinator"]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class PersonForm(NhsModelForm):
    class Meta:
        model = Person
        fields = PERSON_EDITABLE_FIELDS
        widgets = {
            "date_of_birth": DateInput(),
            "gender": forms.RadioSelect,
            "care_programme_from": DateInput(),
            "communication_needs": forms.Textarea(attrs={"rows": 3}),
            "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nhs_number"].widget.attrs.update(
            {"inputmode": "numeric", "class": "nhsuk-input nhsuk-input--width-10"}
        )
        self.fields["nhs_number"].help_text = _("10 digits, for example 943 476 5919.")
        # People type spaces; the 10-digit limit applies after they are removed.
        nhs_field = self.fields["nhs_number"]
        assert isinstance(nhs_field, forms.CharField)
        nhs_field.max_length = 14
        nhs_field.validators = []
        self.fields["nhs_number"].widget.attrs["maxlength"] = 14
        # The model's blank choice would show as a row of dashes; blank means not asked yet.
        gender = self.fields["gender"]
        assert isinstance(gender, forms.ChoiceField)
        gender.choices = [("", _("Not asked yet")), *PersonGender.choices]

    def clean_nhs_number(self) -> str:
        return normalise_nhs_number(self.cleaned_data["nhs_number"])

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("Date of birth must be in the past."))
        return born

    def clean_care_programme_from(self) -> Any:
        began = self.cleaned_data["care_programme_from"]
        if began and began > timezone.localdate():
            raise forms.ValidationError(
                _("The date the person came onto CPA or CTP must be today or in the past.")
            )
        return began

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        born, began = cleaned.get("date_of_birth"), cleaned.get("care_programme_from")
        if born and began and began < born:
            self.add_error(
                "care_programme_from",
                _("The date the person came onto CPA or CTP must be after their date of birth."),
            )
        return cleaned


class NewPersonForm(PersonForm):
    coordinator = CoordinatorChoiceField(
        queryset=StaffMember.objects.none(),
        required=False,
        label=_("Named care coordinator"),
        empty_label=_("Not allocated yet"),
    )

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _coordinator_field_of(self).queryset = StaffMember.objects.filter(
            team=team, user__role="care_coordinator", user__is_active=True
        ).select_related("user")


class SelfDetailsForm(NhsModelForm):
    class Meta:
        model = Person
        fields = PERSON_SELF_EDITABLE_FIELDS
        widgets = {
            "communication_needs": forms.Textarea(attrs={"rows": 3}),
            "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }


class SupporterForm(NhsModelForm):
    class Meta:
        model = Supporter
        fields = SUPPORTER_EDITABLE_FIELDS
        widgets = {"kind": forms.RadioSelect}


class SearchForm(NhsForm):
    q = forms.CharField(
        label=_("Find a person by name or NHS number"), required=False, max_length=100
    )
    mine = forms.BooleanField(label=_("Only people I coordinate"), required=False)


class TeamForm(NhsForm):
    name = forms.CharField(label=_("Team name"), max_length=200)


class StaffForm(NhsForm):
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("No team")
    )
    profession = forms.ChoiceField(label=_("Profession"), choices=Profession.choices)

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from ourplan.accounts.models import Role

        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(r, Role(r).label) for r in STAFF_EDITABLE_ROLES]
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = Team.objects.filter(organisation=organisation)


class CrisisLineForm(NhsModelForm):
    class Meta:
        model = CrisisLine
        fields = ["label", "phone", "hours", "position"]
