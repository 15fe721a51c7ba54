"""Forms for answering questionnaires, giving demographics, paper entry, imports and reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ourplan.core.forms import DateInput, NhsForm
from ourplan.measures import demographics
from ourplan.measures.models import InstrumentVersion, Occasion
from ourplan.measures.queries import DECLINED, NOT_APPLICABLE, Question
from ourplan.measures.scoring import Definition
from ourplan.people.models import Team

ANSWER_FIELD = "answer"


def _choice_value(raw: str) -> Any:
    if raw in (NOT_APPLICABLE, DECLINED):
        return raw
    return int(raw)


class QuestionForm(NhsForm):
    """One question a screen. Leaving it blank skips it (every question may be skipped)."""

    answer = forms.ChoiceField(widget=forms.RadioSelect, required=False)

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields[ANSWER_FIELD])
        field.choices = [(c.value, c.label) for c in question.choices]
        field.label = question.text
        field.initial = question.answer

    def answer_value(self) -> Any:
        raw = self.cleaned_data.get(ANSWER_FIELD)
        return _choice_value(raw) if raw else None


class PageForm(NhsForm):
    """Every question on one page."""

    def __init__(self, *args: Any, questions: Sequence[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[question.item_id] = forms.ChoiceField(
                label=f"{question.number}. {question.text}",
                choices=[(c.value, c.label) for c in question.choices],
                widget=forms.RadioSelect,
                required=False,
                initial=question.answer,
            )

    def answers(self) -> dict[str, Any]:
        return {
            item: (_choice_value(raw) if raw else None) for item, raw in self.cleaned_data.items()
        }


class StartForm(NhsForm):
    """Which questionnaire to begin (the choices are the ones this respondent may fill in)."""

    instrument = forms.ChoiceField(label=_("Questionnaire"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, instruments: Sequence[InstrumentVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instrument"]).choices = [
            (v.instrument_id, v.name) for v in instruments
        ]


class CareEndingForm(NhsForm):
    ends_on = forms.DateField(label=_("Care coordination ends on"), widget=DateInput())


def _demographic_field(question: demographics.Question) -> forms.Field:
    prefer = (demographics.PREFER_NOT_TO_SAY, _("I would prefer not to say"))
    if question.kind == "age":
        return forms.CharField(
            label=str(question.label),
            required=False,
            max_length=3,
            help_text=_(
                "Leave it blank, or write 'prefer not to say', if you would rather not say."
            ),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
        )
    if question.kind == "ethnicity":
        grouped: list[tuple[Any, Any]] = []
        for group, label in demographics.ETHNIC_GROUPS:
            grouped.append(
                (label, [(code, text) for code, text, g in demographics.ETHNICITY if g == group])
            )
        return forms.ChoiceField(
            label=str(question.label),
            required=False,
            choices=[("", _("Choose one, or leave blank")), *grouped, prefer],
            help_text=_("The ethnic groups of the 2021 Census."),
        )
    return forms.ChoiceField(
        label=str(question.label),
        required=False,
        choices=[*question.choices, prefer],
        widget=forms.RadioSelect,
    )


class DemographicsForm(NhsForm):
    """Every question optional, every one with "prefer not to say"."""

    def __init__(
        self, *args: Any, questions: Sequence[demographics.Question], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.code] = _demographic_field(question)

    def clean_age(self) -> Any:
        raw = (self.cleaned_data.get("age") or "").strip().lower()
        if not raw:
            return None
        if raw in ("prefer not to say", demographics.PREFER_NOT_TO_SAY):
            return demographics.PREFER_NOT_TO_SAY
        if not raw.isdigit() or not 16 <= int(raw) <= 110:
            raise forms.ValidationError(
                _("Write your age as a number, like 42, or leave it blank.")
            )
        return int(raw)

    def answers(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class PaperStartForm(NhsForm):
    """The first entry of a paper copy: whose it is, which questionnaire, and when."""

    nhs_number = forms.CharField(label=_("NHS number of the person"), max_length=12)
    instrument = forms.ChoiceField(label=_("Questionnaire"))
    occasion = forms.ChoiceField(label=_("When it was asked for"), choices=Occasion.choices)
    completed_on = forms.DateField(label=_("Date on the paper copy"), widget=DateInput())

    def __init__(self, *args: Any, instruments: Sequence[InstrumentVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instrument"]).choices = [
            (v.instrument_id, v.name) for v in instruments
        ]

    def clean_completed_on(self) -> Any:
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class PaperAnswersForm(NhsForm):
    """The answers of a paper copy, as numbers: blank for no answer, the N/A code for N/A."""

    def __init__(self, *args: Any, definition: Definition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for item in definition.items:
            self.fields[item.id] = forms.IntegerField(
                label=f"{item.id} {item.label}",
                required=False,
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2"}
                ),
            )
        # One whole sentence per case: a translator cannot reorder pieces glued together.
        scale = definition.scale
        words = {
            "low": scale.low,
            "high": scale.high,
            "na": ", ".join(str(c) for c in scale.not_applicable),
            "declined": scale.prefer_not_to_answer,
        }
        if scale.not_applicable and scale.prefer_not_to_answer is not None:
            hint = _(
                "Type each answer as written on the paper copy (%(low)d to %(high)d), leave it "
                "blank if there is none, type %(na)s for not applicable and %(declined)d for "
                "prefer not to answer."
            )
        elif scale.not_applicable:
            hint = _(
                "Type each answer as written on the paper copy (%(low)d to %(high)d), leave it "
                "blank if there is none, or type %(na)s for not applicable."
            )
        elif scale.prefer_not_to_answer is not None:
            hint = _(
                "Type each answer as written on the paper copy (%(low)d to %(high)d), leave it "
                "blank if there is none, or type %(declined)d for prefer not to answer."
            )
        else:
            hint = _(
                "Type each answer as written on the paper copy (%(low)d to %(high)d), or leave it "
                "blank if there is none."
            )
        self.hint = hint % words

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        scale = self.definition.scale
        for item_id, value in list(cleaned.items()):
            if value is None:
                continue
            if not (scale.low <= value <= scale.high or value in scale.missing_codes):
                self.add_error(
                    item_id,
                    _("%(value)d is not an answer on this questionnaire (%(low)d to %(high)d).")
                    % {"value": value, "low": scale.low, "high": scale.high},
                )
        return cleaned

    def answers(self) -> dict[str, Any]:
        from ourplan.measures.services import answer_from_code

        return {
            item: answer_from_code(self.definition, value)
            for item, value in self.cleaned_data.items()
            if value is not None
        }


class ResolveForm(NhsForm):
    """For each item the two entries differ on: the answer on the paper copy."""

    def __init__(
        self,
        *args: Any,
        definition: Definition,
        items: Sequence[str],
        first: dict[str, Any],
        second: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for item_id in items:
            item = definition.item(item_id)
            self.fields[item_id] = forms.IntegerField(
                label=f"{item.id} {item.label}",
                required=False,
                help_text=_(
                    "First entry: %(first)s. Second entry: %(second)s. Type what the paper copy says, or leave blank for no answer."
                )
                % {
                    "first": _entry_text(definition, first.get(item_id)),
                    "second": _entry_text(definition, second.get(item_id)),
                },
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2"}
                ),
            )

    def resolved(self) -> dict[str, Any]:
        from ourplan.measures.services import answer_from_code

        return {
            item: (answer_from_code(self.definition, value) if value is not None else None)
            for item, value in self.cleaned_data.items()
        }


def _entry_text(definition: Definition, value: Any) -> str:
    if value is None:
        return str(_("blank"))
    if value == NOT_APPLICABLE:
        return str(_("not applicable"))
    if value == DECLINED:
        return str(_("prefer not to answer"))
    return str(value)


class ScheduleForm(NhsForm):
    """For each questionnaire: at plan start, at each review, when care coordination ends."""

    def __init__(
        self,
        *args: Any,
        instruments: Sequence[InstrumentVersion],
        current: dict[str, set[str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instruments = instruments
        for version in instruments:
            self.fields[version.instrument_id] = forms.MultipleChoiceField(
                label=version.name,
                required=False,
                choices=[
                    (Occasion.PLAN_START, Occasion.PLAN_START.label),
                    (Occasion.REVIEW, Occasion.REVIEW.label),
                    (Occasion.DISCHARGE, Occasion.DISCHARGE.label),
                ],
                widget=forms.CheckboxSelectMultiple,
                initial=sorted(current.get(version.instrument_id, set())),
            )


class WordingForm(NhsForm):
    instrument = forms.ChoiceField(label=_("Questionnaire"))
    file = forms.FileField(
        label=_("Licensed wording file (YAML)"),
        help_text=_("The format is described in the measures guide (docs/measures.md)."),
    )

    def __init__(self, *args: Any, instruments: Sequence[InstrumentVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instrument"]).choices = [
            (v.instrument_id, v.name) for v in instruments
        ]


class RescoreForm(NhsForm):
    reason = forms.CharField(
        label=_("Why rescore"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: the authors corrected the scoring key. This goes in the audit log."
        ),
    )


class ImportForm(NhsForm):
    KINDS = (
        ("table", _("A CSV or Excel table of responses")),
        ("redcap", _("A REDCap data export")),
    )
    kind = forms.ChoiceField(label=_("What the file is"), choices=KINDS, widget=forms.RadioSelect)
    instrument = forms.ChoiceField(label=_("Questionnaire"))
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Columns: nhs_number, completed_on (YYYY-MM-DD), optionally occasion, then one column per item id."
        ),
    )

    def __init__(self, *args: Any, instruments: Sequence[InstrumentVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instrument"]).choices = [
            (v.instrument_id, v.name) for v in instruments
        ]


class DictionaryForm(NhsForm):
    instrument_id = forms.SlugField(label=_("Short id for the new questionnaire"), max_length=40)
    name = forms.CharField(label=_("Its name"), max_length=200)
    respondent = forms.ChoiceField(
        label=_("Who completes it"),
        choices=(
            ("person", _("The person")),
            ("carer", _("A carer")),
            ("staff", _("A member of staff")),
        ),
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=_("REDCap data dictionary (CSV)"))


class ReportForm(NhsForm):
    title = forms.CharField(
        label=_("Title"), max_length=200, initial=_("Service evaluation report")
    )
    measures = forms.MultipleChoiceField(
        label=_("Questionnaires"), widget=forms.CheckboxSelectMultiple
    )
    teams = forms.MultipleChoiceField(
        label=_("Teams to compare"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each team is a site in the report. Choose at least two."),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    covariates = forms.MultipleChoiceField(
        label=_("Allow for (adjusted analyses)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(k, str(v[1]).capitalize()) for k, v in demographics.COVARIATES.items()],
    )
    compare_staff = forms.BooleanField(
        label=_("Compare service users with care coordinators on the RSA"),
        required=False,
        initial=True,
    )

    def __init__(
        self,
        *args: Any,
        instruments: Sequence[InstrumentVersion],
        teams: Sequence[Team],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["measures"]).choices = [
            (v.instrument_id, v.name) for v in instruments
        ]
        cast(forms.ChoiceField, self.fields["teams"]).choices = [(str(t.pk), t.name) for t in teams]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if len(cleaned.get("teams") or []) < 2:
            self.add_error("teams", _("Choose at least two teams to compare."))
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period must be after its start."))
        return cleaned

    def parameters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "measures": list(data["measures"]),
            "teams": [int(t) for t in data["teams"]],
            "start": data["start"].isoformat() if data.get("start") else None,
            "end": data["end"].isoformat() if data.get("end") else None,
            "covariates": list(data.get("covariates") or []),
            "compare_staff": bool(data.get("compare_staff")),
        }


class ExportForm(NhsForm):
    FORMATS = (
        ("csv", _("CSV (opens in a spreadsheet; formulas made safe)")),
        ("xlsx", _("Excel workbook (.xlsx)")),
        ("sav", _("SPSS (.sav) with variable labels, value labels and missing codes")),
        ("fhir", _("FHIR R4: Questionnaire, QuestionnaireResponses and score Observations (JSON)")),
    )
    instrument = forms.ChoiceField(label=_("Questionnaire"))
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, widget=forms.RadioSelect)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, instruments: Sequence[InstrumentVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instrument"]).choices = [
            (v.instrument_id, v.name) for v in instruments
        ]
