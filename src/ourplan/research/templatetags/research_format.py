"""Number formatting for statistical tables."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def num(value: Any, places: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value):.{int(places)}f}"


@register.filter
def interval(bounds: Any, places: int = 2) -> str:
    if not bounds or any(b is None for b in bounds):
        return "–"
    return f"{float(bounds[0]):.{int(places)}f} to {float(bounds[1]):.{int(places)}f}"


@register.filter
def pvalue(value: Any) -> str:
    """APA style: '< .001' for tiny values, otherwise '= .023'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value < 0.001:
        return "< .001"
    return "= " + f"{value:.3f}".lstrip("0")


@register.filter
def effect_size(label: str) -> str:
    """Cohen's label for r, in the page's language (the statistics library speaks English)."""
    return {
        "negligible": _("negligible"),
        "small": _("small"),
        "medium": _("medium"),
        "large": _("large"),
    }.get(label, label)
