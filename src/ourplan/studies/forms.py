"""Forms for organisers and participants of Delphi studies (NHS.UK markup via NhsForm)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ourplan.core.forms import NhsForm
from ourplan.studies.models import (
    OpenQuestion,
    Panel,
    Scale,
    StabilityMethod,
    Statement,
    Study,
    Theme,
)
from ourplan.studies.scale import scale_labels
from ourplan.studies.services.uploads import MAX_UPLOAD_BYTES

_LINES_HELP = _("One per line.")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class StudyForm(NhsForm):
    """The study design. The consensus part is disabled once round 1 has opened."""

    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=4000,
        widget=forms.Textarea,
        help_text=_("What the study is for, in words participants will understand."),
    )
    groups = forms.CharField(
        label=_("Stakeholder groups"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line, for example: service users, carers, professionals, policy makers."
        ),
    )
    planned_rounds = forms.IntegerField(
        label=_("Number of rounds"), min_value=1, max_value=6, initial=2
    )
    open_first_round = forms.BooleanField(
        label=_("Round 1 asks open questions; their answers become the statements"),
        required=False,
    )
    scale = forms.TypedChoiceField(
        label=_("Rating scale"),
        choices=Scale.choices,
        coerce=int,
        initial=5,
        widget=forms.RadioSelect,
    )
    scale_labels = forms.CharField(
        label=_("Labels for the points of the scale"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One per line, from 1 (lowest) upwards. Leave blank for the standard labels "
            "(strongly disagree to strongly agree)."
        ),
    )
    threshold_percent = forms.IntegerField(
        label=_("Consensus threshold: share of ratings in the agree (or disagree) band, in %"),
        min_value=51,
        max_value=100,
        initial=75,
        help_text=_("Most studies use 70 to 80%; 75% is the most common."),
    )
    agree_min = forms.IntegerField(
        label=_("Lowest rating counted as agreement"),
        required=False,
        min_value=2,
        max_value=9,
        help_text=_("Blank: 4 on a 5-point scale, 5 on a 7-point scale, 7 on a 9-point scale."),
    )
    max_iqr = forms.FloatField(
        label=_("Largest interquartile range allowed"),
        required=False,
        min_value=0,
        max_value=8,
        help_text=_("Optional. For example 1: ratings must also be closely grouped."),
    )
    all_groups = forms.BooleanField(
        label=_("Every stakeholder group must reach the threshold"), required=False
    )
    stability_method = forms.ChoiceField(
        label=_("Stability between rounds"),
        choices=StabilityMethod.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    stability_points = forms.IntegerField(
        label=_("Largest change counted as stable, in percentage points"),
        required=False,
        min_value=0,
        max_value=100,
        initial=15,
    )
    merge_groups = forms.CharField(
        label=_("Groups to merge in the analysis"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Optional, for small groups: one merge per line, group names joined by +, "
            "for example: professionals+policy makers."
        ),
    )
    cluster_k = forms.IntegerField(
        label=_("Number of clusters of respondents"),
        required=False,
        min_value=2,
        max_value=8,
        help_text=_("Blank: suggested by the silhouette width."),
    )

    DEFINITION_FIELDS = (
        "scale",
        "threshold_percent",
        "agree_min",
        "max_iqr",
        "all_groups",
        "stability_method",
        "stability_points",
        "open_first_round",
    )

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locked = locked
        if locked:
            for name in self.DEFINITION_FIELDS:
                self.fields[name].disabled = True

    @classmethod
    def initial_for(cls, study: Study) -> dict[str, Any]:
        return {
            "title": study.title,
            "purpose": study.purpose,
            "groups": "\n".join(p.name for p in study.panels.all()),
            "planned_rounds": study.planned_rounds,
            "open_first_round": study.open_first_round,
            "scale": study.scale,
            "scale_labels": "\n".join(study.scale_labels),
            "threshold_percent": round(study.threshold * 100),
            "agree_min": study.agree_min,
            "max_iqr": study.max_iqr,
            "all_groups": study.all_groups,
            "stability_method": study.stability_method,
            "stability_points": round(study.stability_max_change * 100),
            "merge_groups": "\n".join(study.merge_groups),
            "cluster_k": study.cluster_k,
        }

    def service_fields(self) -> dict[str, Any]:
        """The cleaned design as keyword arguments for the services."""
        data = self.cleaned_data
        points = data.get("stability_points")
        return {
            "title": data["title"],
            "purpose": data["purpose"],
            "groups": _lines(data["groups"]),
            "planned_rounds": data["planned_rounds"],
            "open_first_round": data.get("open_first_round", False),
            "scale": data["scale"],
            "scale_labels": _lines(data.get("scale_labels", "")),
            "threshold": data["threshold_percent"] / 100,
            "agree_min": data.get("agree_min"),
            "max_iqr": data.get("max_iqr"),
            "all_groups": data.get("all_groups", False),
            "stability_method": data.get("stability_method") or "",
            "stability_max_change": (points if points is not None else 15) / 100,
            "merge_groups": _lines(data.get("merge_groups", "")),
            "cluster_k": data.get("cluster_k"),
        }


class StatementForm(NhsForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        required=False,
        help_text=_("Optional, for example CC01. Blank: the next free S number."),
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    topic = forms.CharField(label=_("Topic"), max_length=120, required=False)
    text = forms.CharField(label=_("Statement"), max_length=1000, widget=forms.Textarea)
    from_open_answers = forms.BooleanField(
        label=_("Drawn from answers to the open questions"), required=False
    )


class StatementEditForm(NhsForm):
    """Reword a statement or move it to another topic; the code stays."""

    topic = forms.CharField(
        label=_("Topic"),
        max_length=120,
        required=False,
        help_text=_(
            "To move the statement, write the name of another topic exactly as it is shown."
        ),
    )
    text = forms.CharField(label=_("Statement"), max_length=1000, widget=forms.Textarea)


class RemoveForm(NhsForm):
    """Confirm a removal: nothing is removed by a form sent without the box ticked."""

    confirm = forms.BooleanField(
        error_messages={"required": _("Tick the box to confirm the removal.")},
    )

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = label


def uploaded_bytes(form: forms.Form) -> bytes:
    """The uploaded file's content, read no further than one byte past the size limit."""
    upload = form.cleaned_data["file"]
    return bytes(upload.read(MAX_UPLOAD_BYTES + 1))


class UploadForm(NhsForm):
    file = forms.FileField(label=_("CSV file"))


class StatementsImportForm(UploadForm):
    file = forms.FileField(
        label=_("Statements CSV file"),
        help_text=_("Columns id, topic, text (topic may be blank)."),
    )


class QuestionForm(NhsForm):
    text = forms.CharField(label=_("Open question"), max_length=1000, widget=forms.Textarea)


class _PanelChoiceForm(NhsForm):
    panel = forms.ModelChoiceField(
        label=_("Stakeholder group"), queryset=Panel.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, study: Study, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["panel"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = study.panels.all()


class InviteLinksForm(_PanelChoiceForm):
    count = forms.IntegerField(
        label=_("How many invitation links"), min_value=1, max_value=200, initial=1
    )


class InviteAccountForm(_PanelChoiceForm):
    username = forms.CharField(
        label=_("Username of the account to invite"),
        max_length=150,
        help_text=_(
            "An account of this study's organisation. They will find the study under "
            "'My studies' after logging in."
        ),
    )


class ResponsesImportForm(NhsForm):
    file = forms.FileField(
        label=_("Responses CSV file"),
        help_text=_(
            "Columns respondent_id, group, round, then one column per statement code. "
            "A blank cell is a skipped statement."
        ),
    )
    consent_confirmed = forms.BooleanField(
        label=_("Every respondent in this file consented to take part"),
        error_messages={"required": _("Confirm that every respondent consented to take part.")},
    )


class ConsentForm(NhsForm):
    consent = forms.BooleanField(
        label=_("I have read what taking part means and I agree to take part"),
        error_messages={"required": _("Tick the box to agree to take part.")},
    )


class WithdrawForm(NhsForm):
    confirm = forms.BooleanField(
        label=_("I want to withdraw from this study"),
        error_messages={"required": _("Tick the box to confirm you want to withdraw.")},
    )


class RatingChoiceField(forms.TypedChoiceField):
    """A rating on the study's scale; anything else gets a message naming the scale."""

    def __init__(self, *, scale: int, labels: Sequence[str], **kwargs: Any) -> None:
        choices = [(str(i), f"{i} – {labels[i - 1]}") for i in range(1, scale + 1)]
        super().__init__(
            choices=choices,
            coerce=int,
            empty_value=None,
            required=False,
            # Added after NhsFormMixin styled the declared fields, so style it here.
            widget=forms.RadioSelect(attrs={"class": "nhsuk-radios__input"}),
            error_messages={
                "invalid_choice": _("Choose a rating from 1 to %(scale)d.") % {"scale": scale}
            },
            **kwargs,
        )


class AnswerForm(NhsForm):
    """One round's questionnaire: a rating and a comment per statement, or open answers."""

    def __init__(
        self,
        *args: Any,
        study: Study,
        statements: Sequence[Statement] = (),
        questions: Sequence[OpenQuestion] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = scale_labels(study)
        self.statements = list(statements)
        self.questions = list(questions)
        for statement in self.statements:
            self.fields[f"rating_{statement.pk}"] = RatingChoiceField(
                scale=study.scale, labels=labels, label=statement.text
            )
            self.fields[f"comment_{statement.pk}"] = forms.CharField(
                label=_("Comment on %(code)s") % {"code": statement.code},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "nhsuk-textarea"}),
            )
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 5, "class": "nhsuk-textarea"}),
            )

    def ratings(self) -> dict[int, int | None]:
        return {s.pk: self.cleaned_data.get(f"rating_{s.pk}") for s in self.statements}

    def comments(self) -> dict[int, str]:
        return {s.pk: self.cleaned_data.get(f"comment_{s.pk}") or "" for s in self.statements}

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"answer_{q.pk}") or "" for q in self.questions}


class ResultsForm(NhsForm):
    round = forms.TypedChoiceField(label=_("Round to cluster and tabulate"), coerce=int)
    clusters = forms.ChoiceField(label=_("Clusters"), required=False)

    def __init__(self, *args: Any, rounds: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        round_field = self.fields["round"]
        assert isinstance(round_field, forms.ChoiceField)
        round_field.choices = [(str(n), _("Round %(n)d") % {"n": n}) for n in rounds]
        cluster_field = self.fields["clusters"]
        assert isinstance(cluster_field, forms.ChoiceField)
        cluster_field.choices = [
            ("", _("As set in the study design")),
            ("auto", _("Suggested by the silhouette width")),
            *[(str(k), _("%(k)d clusters") % {"k": k}) for k in range(2, 9)],
        ]


class ThemeForm(NhsForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    name = forms.CharField(label=_("Theme"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea
    )


class CodebookImportForm(NhsForm):
    file = forms.FileField(
        label=_("Codebook CSV file"), help_text=_("Columns code, name, description.")
    )


class CodingForm(NhsForm):
    unit = forms.CharField(widget=forms.HiddenInput, max_length=20)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, study: Study, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["themes"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = study.themes.all()


class FrameworkCellForm(NhsForm):
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none())
    row = forms.ChoiceField(label=_("Row"))
    summary = forms.CharField(
        label=_("Summary of this cell"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave blank to clear the cell."),
    )

    def __init__(self, *args: Any, study: Study, rows: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        theme = self.fields["theme"]
        assert isinstance(theme, forms.ModelChoiceField)
        theme.queryset = study.themes.all()
        row = self.fields["row"]
        assert isinstance(row, forms.ChoiceField)
        row.choices = [(r, r) for r in rows]


class AgreementForm(NhsForm):
    coder_a = forms.TypedChoiceField(label=_("First coder"), coerce=int)
    coder_b = forms.TypedChoiceField(label=_("Second coder"), coerce=int)
    include_uncoded = forms.BooleanField(
        label=_("Count text neither coder coded as agreement"), required=False
    )

    def __init__(self, *args: Any, coders: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("coder_a", "coder_b"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(str(pk), label) for pk, label in coders]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("coder_a") and cleaned.get("coder_a") == cleaned.get("coder_b"):
            self.add_error("coder_b", _("Choose two different coders."))
        return cleaned
