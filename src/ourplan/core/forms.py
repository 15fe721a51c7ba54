"""Forms that render with NHS.UK frontend markup."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class NhsFormRenderer(TemplatesSetting):
    """Render forms and fields with the NHS.UK templates in templates/forms/."""

    form_template_name = "forms/nhsuk_form.html"
    field_template_name = "forms/nhsuk_field.html"


# First match wins. CheckboxSelectMultiple is a subclass of RadioSelect, so it comes first.
_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, "nhsuk-checkboxes__input"),
    (forms.RadioSelect, "nhsuk-radios__input"),
    (forms.CheckboxInput, "nhsuk-checkboxes__input"),
    (forms.Textarea, "nhsuk-textarea"),
    (forms.Select, "nhsuk-select"),
    (forms.FileInput, "nhsuk-file-upload__input"),
    (forms.widgets.Input, "nhsuk-input"),
]


def _is_radio_list(widget: forms.Widget) -> bool:
    return isinstance(widget, forms.RadioSelect) and not isinstance(
        widget, forms.CheckboxSelectMultiple
    )


class DateInput(forms.DateInput):
    """A native date picker; browsers without one fall back to a text box."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"class": "nhsuk-input nhsuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d"
        )


class NhsFormMixin:
    """Add NHS.UK classes and error state to every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            for widget_type, css_class in _WIDGET_CLASSES:
                if isinstance(widget, widget_type):
                    existing = widget.attrs.get("class", "")
                    if css_class not in existing:
                        widget.attrs["class"] = f"{existing} {css_class}".strip()
                    break
            if getattr(field, "max_length", None) and isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 5)
            if _is_radio_list(widget) and field.required and isinstance(field, forms.ChoiceField):
                # A model field's blank "---------" choice makes no sense as a required radio.
                choices = cast(Iterable[tuple[Any, Any]], field.choices)  # a ChoiceField's are
                field.choices = [(value, label) for value, label in choices if value != ""]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["aria-invalid"] = "true"
                css = widget.attrs.get("class", "")
                for base in ("nhsuk-input", "nhsuk-textarea", "nhsuk-select"):
                    if base in css.split() and f"{base}--error" not in css:
                        widget.attrs["class"] = f"{css} {base}--error"


class NhsForm(NhsFormMixin, forms.Form):
    pass


class NhsModelForm(NhsFormMixin, forms.ModelForm):
    pass


def show_validation_error(
    form: forms.BaseForm, error: ValidationError, fallback_field: str | None = None
) -> None:
    """Put a service's ValidationError on the form, so the person sees it where it belongs.

    Messages for fields the form has go on those fields; the rest go on ``fallback_field``
    (None: the form as a whole, shown at the top of the error summary).
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else fallback_field, errors)
    else:
        form.add_error(fallback_field, error.messages)
