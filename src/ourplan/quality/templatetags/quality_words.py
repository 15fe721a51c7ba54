"""Answers of the review template in words."""

from __future__ import annotations

from django import template

from ourplan.quality.template import Answer, Frequency

register = template.Library()
_LABELS = dict(Frequency.choices) | dict(Answer.choices)


@register.filter
def answer_label(value: str) -> str:
    return str(_LABELS.get(value, value))


@register.filter
def share_of(shares: dict[str, object], key: str) -> object:
    return shares.get(key)
