"""Forms render NHS.UK markup whose hint and error references resolve, for every kind of field."""

from __future__ import annotations

import re

from django import forms

from ourplan.core.forms import NhsForm


class EveryKindOfField(NhsForm):
    name = forms.CharField(label="Name", help_text="As you like to be called")
    story = forms.CharField(label="Story", widget=forms.Textarea, help_text="In your words")
    colour = forms.ChoiceField(
        label="Colour",
        choices=[("r", "Red"), ("g", "Green")],
        widget=forms.RadioSelect,
        help_text="Pick one",
    )
    days = forms.MultipleChoiceField(
        label="Days",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick any",
    )
    agree = forms.BooleanField(label="I agree", help_text="You must agree")


def _ids_and_references(html: str) -> tuple[set[str], list[str]]:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    references = [
        ref for value in re.findall(r'aria-describedby="([^"]*)"', html) for ref in value.split()
    ]
    return ids, references


def test_every_hint_and_error_reference_points_at_an_element() -> None:
    form = EveryKindOfField(data={"colour": "blue", "days": ["sun"]})
    assert not form.is_valid()
    html = str(form)
    ids, references = _ids_and_references(html)
    assert len(references) >= 10  # a hint and an error for each of the five fields
    assert [ref for ref in references if ref not in ids] == []
    assert len(re.findall(r'\bid="id_name_error"', html)) == 1


def test_a_field_with_two_errors_still_has_one_error_element() -> None:
    class TwoErrors(NhsForm):
        code = forms.CharField(label="Code")

        def clean_code(self) -> str:
            raise forms.ValidationError(["Too short.", "Not a known code."])

    form = TwoErrors(data={"code": "x"})
    assert not form.is_valid()
    html = str(form)
    assert html.count('id="id_code_error"') == 1
    assert "Too short." in html and "Not a known code." in html


def test_multiple_choice_checkboxes_get_checkbox_classes_not_radio_ones() -> None:
    html = str(EveryKindOfField()["days"])
    assert "nhsuk-checkboxes__input" in html
    assert "nhsuk-radios__input" not in html


def test_a_required_radio_list_from_a_model_field_has_no_blank_choice() -> None:
    from ourplan.plans.forms import StrengthForm
    from ourplan.plans.models import StrengthKind

    html = str(StrengthForm()["kind"])
    assert "---------" not in html and 'value=""' not in html
    assert html.count('type="radio"') == len(StrengthKind.choices)


def test_a_file_field_uses_nhsuk_frontend_10_file_upload_markup() -> None:
    class Upload(NhsForm):
        file = forms.FileField(label="CSV file")

    html = str(Upload())
    assert 'class="nhsuk-file-upload__input"' in html
    assert "nhsuk-form-group nhsuk-file-upload" in html
