from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ourplan.core.forms import NhsForm

ANALYSES = [
    ("describe", _("Describe a measure by group")),
    ("anova", _("Compare groups: one-way ANOVA with Tukey")),
    ("ancova", _("Compare groups adjusting for covariates (ANCOVA)")),
    ("kruskal", _("Compare groups without assuming normality (Kruskal–Wallis)")),
    ("correlate", _("Correlations between measures")),
]
# Every column box suggests names from one <datalist> on the page (see dataset.html), so a
# data set's columns are listed once however many boxes there are; browsers offer the
# suggestions without JavaScript.
COLUMN_LIST_ID = "dataset-columns"
COVARIATE_BOXES = 4
CORRELATE_BOXES = 8


class UploadForm(NhsForm):
    name = forms.CharField(label=_("Name for this data set"), max_length=200, required=False)
    file = forms.FileField(
        label=_("De-identified CSV file"),
        help_text=_(
            "No names, NHS numbers, dates of birth, addresses or contact details. "
            "Up to 10 MB, 500 columns and 200,000 rows."
        ),
    )


class ColumnInput(forms.TextInput):
    """A text box for one column name, with the data set's columns as suggestions."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "list": COLUMN_LIST_ID,
                "autocomplete": "off",
                "spellcheck": "false",
                "class": "nhsuk-input nhsuk-input--width-20",
                **(attrs or {}),
            }
        )


class ColumnInputs(forms.Widget):
    """Several column boxes under one name; the empty ones are ignored."""

    template_name = "research/widgets/column_inputs.html"

    def __init__(self, boxes: int) -> None:
        super().__init__()
        self.boxes = boxes

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        given = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return [value for value in given if value and value.strip()]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values = list(value or [])[: self.boxes]
        values += [""] * (self.boxes - len(values))
        widget_attrs = context["widget"]["attrs"]
        base_id = widget_attrs.get("id") or f"id_{name}"
        context["boxes"] = [
            {"id": base_id if i == 0 else f"{base_id}_{i}", "value": v, "number": i + 1}
            for i, v in enumerate(values)
        ]
        context["list_id"] = COLUMN_LIST_ID
        context["invalid"] = bool(widget_attrs.get("aria-invalid"))
        return context


class DatasetColumns:
    """The columns a box may name: matched exactly, or else regardless of case.

    Built once per form and shared by its column fields, and only when a value is checked,
    so a very wide data set (one stored before the column limit) costs nothing to show.
    """

    def __init__(self, columns: Sequence[str] = ()) -> None:
        self.columns = columns

    @cached_property
    def exact(self) -> frozenset[str]:
        return frozenset(self.columns)

    @cached_property
    def folded(self) -> dict[str, str]:
        # A name that two columns share once case is ignored is matched only exactly.
        found: dict[str, list[str]] = {}
        for column in self.columns:
            found.setdefault(column.casefold(), []).append(column)
        return {key: names[0] for key, names in found.items() if len(names) == 1}

    def match(self, value: str) -> str:
        name = value.strip()
        if name in self.exact:
            return name
        column = self.folded.get(name.casefold())
        if column is None:
            raise ValidationError(
                _("There is no column called ‘%(name)s’ in this data set. Check the spelling."),
                params={"name": name[:100]},
            )
        return column


class ColumnField(forms.Field):
    """One column of the data set, typed or picked from the suggestions."""

    widget = ColumnInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dataset_columns = DatasetColumns()

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value or not str(value).strip():
            return ""
        return self.dataset_columns.match(str(value))


class ColumnsField(ColumnField):
    """Up to a few columns, each in its own box."""

    def __init__(self, *args: Any, boxes: int, **kwargs: Any) -> None:
        kwargs.setdefault("template_name", "research/column_inputs_field.html")
        super().__init__(*args, widget=ColumnInputs(boxes), **kwargs)
        self.boxes = boxes

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        chosen = [self.dataset_columns.match(str(item)) for item in (value or [])[: self.boxes]]
        return list(dict.fromkeys(chosen))


class AnalysisForm(NhsForm):
    analysis = forms.ChoiceField(label=_("Analysis"), choices=ANALYSES, widget=forms.RadioSelect)
    value = ColumnField(label=_("Measure (numeric column)"), required=False)
    group = ColumnField(label=_("Group column, for example site or team"), required=False)
    covariates = ColumnsField(
        label=_("Covariates (ANCOVA only)"),
        required=False,
        boxes=COVARIATE_BOXES,
    )
    columns = ColumnsField(
        label=_("Columns to correlate"),
        required=False,
        boxes=CORRELATE_BOXES,
    )
    method = forms.ChoiceField(
        label=_("Correlation method"),
        choices=[("pearson", "Pearson"), ("spearman", "Spearman")],
        required=False,
        initial="pearson",
    )

    def __init__(self, *args: Any, columns: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shared = DatasetColumns(columns)
        for name in ("value", "group", "covariates", "columns"):
            field = self.fields[name]
            assert isinstance(field, ColumnField)
            field.dataset_columns = shared
            if isinstance(field, ColumnsField):
                field.help_text = gettext("Up to %(n)d columns, one in each box.") % {
                    "n": field.boxes
                }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        analysis = cleaned.get("analysis")
        if analysis in {"describe", "anova", "ancova", "kruskal"}:
            if not cleaned.get("value") and "value" not in self.errors:
                self.add_error("value", _("Choose the measure to compare."))
            if not cleaned.get("group") and "group" not in self.errors:
                self.add_error(
                    "group", _("Choose the column that says which group each row is in.")
                )
            if cleaned.get("value") and cleaned.get("value") == cleaned.get("group"):
                self.add_error("group", _("The group column must be different from the measure."))
        if (
            analysis == "ancova"
            and not cleaned.get("covariates")
            and "covariates" not in self.errors
        ):
            self.add_error("covariates", _("Choose at least one covariate for ANCOVA."))
        if (
            analysis == "correlate"
            and len(cleaned.get("columns") or []) < 2
            and "columns" not in self.errors
        ):
            self.add_error("columns", _("Choose at least two columns to correlate."))
        return cleaned
