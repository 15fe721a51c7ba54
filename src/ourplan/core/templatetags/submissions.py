"""``{% submission_key_field %}``: the hidden one-time key of a form that creates something."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from ourplan.core.submissions import FIELD_NAME, new_submission_key

register = template.Library()


@register.simple_tag
def submission_key_field() -> str:
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD_NAME, new_submission_key()
    )
