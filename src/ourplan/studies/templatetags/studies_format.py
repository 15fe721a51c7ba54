"""Number formats for Delphi results: percentages, medians, p-values."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage; a dash when missing."""
    if value is None or value != value:
        return "–"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def num(value: Any, digits: int = 1) -> str:
    if value is None or value != value:
        return "–"
    return f"{float(value):.{int(digits)}f}"


@register.filter
def pvalue(value: Any) -> str:
    if value is None or value != value:
        return "–"
    if float(value) < 0.001:
        return "< 0.001"
    return f"{float(value):.3f}"


@register.filter
def criterion(value: Any) -> str:
    """A consensus criterion: met, not met, or not part of the definition."""
    if value is None:
        return _("not used")
    return _("met") if value else _("not met")


@register.filter
def index(sequence: Any, key: Any) -> Any:
    """``sequence[key]`` for lists (by position) and dicts (by key); None when absent."""
    try:
        return sequence[key]
    except (IndexError, KeyError, TypeError):
        return None
