from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ourplan.core.forms import NhsForm

ANALYSES = [
    ("describe", _("Describe a measure by group")),
    ("anova", _("Compare groups: one-way ANOVA with Tukey")),
    ("ancova", _("Compare groups adjusting for covariates (ANCOVA)")),
    ("kruskal", _("Compare groups without assuming normality (Kruskal–Wallis)")),
    ("correlate", _("Correlations between measures")),
]


class UploadForm(NhsForm):
    name = forms.CharField(label=_("Name for this data set"), max_length=200, required=False)
    file = forms.FileField(
        label=_("De-identified CSV file"),
        help_text=_(
            "No names, NHS numbers, dates of birth, addresses or contact details. Up to 10 MB."
        ),
    )


class AnalysisForm(NhsForm):
    analysis = forms.ChoiceField(label=_("Analysis"), choices=ANALYSES, widget=forms.RadioSelect)
    value = forms.ChoiceField(label=_("Measure (numeric column)"), required=False)
    group = forms.ChoiceField(label=_("Group column, for example site or team"), required=False)
    covariates = forms.MultipleChoiceField(
        label=_("Covariates (ANCOVA only)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    columns = forms.MultipleChoiceField(
        label=_("Columns to correlate"), required=False, widget=forms.CheckboxSelectMultiple
    )
    method = forms.ChoiceField(
        label=_("Correlation method"),
        choices=[("pearson", "Pearson"), ("spearman", "Spearman")],
        required=False,
        initial="pearson",
    )

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [(c, c) for c in columns]
        blank: list[tuple[str, Any]] = [("", _("Choose a column"))]
        for name, options in (
            ("value", blank + choices),
            ("group", blank + choices),
            ("covariates", choices),
            ("columns", choices),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        analysis = cleaned.get("analysis")
        if analysis in {"describe", "anova", "ancova", "kruskal"}:
            if not cleaned.get("value"):
                self.add_error("value", _("Choose the measure to compare."))
            if not cleaned.get("group"):
                self.add_error(
                    "group", _("Choose the column that says which group each row is in.")
                )
            if cleaned.get("value") and cleaned.get("value") == cleaned.get("group"):
                self.add_error("group", _("The group column must be different from the measure."))
        if analysis == "ancova" and not cleaned.get("covariates"):
            self.add_error("covariates", _("Choose at least one covariate for ANCOVA."))
        if analysis == "correlate" and len(cleaned.get("columns") or []) < 2:
            self.add_error("columns", _("Choose at least two columns to correlate."))
        return cleaned
