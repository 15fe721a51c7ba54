"""Template pieces of the plan: who wrote the words, tap-to-call numbers, and what waits for the person.

``{% words part "field" %}`` says who wrote a field's current words, from the recorded
facts only (plans/authorship.py); pages put the plan's ``wordings`` in their context, and
``words_to_person`` when the person is reading about their own plan ("your words").
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ourplan.people.models import Person
from ourplan.plans import queries
from ourplan.plans.authorship import WordingFacts, WordingIndex, words_line
from ourplan.plans.models import AuthoredPart
from ourplan.plans.phone_numbers import dialling_form
from ourplan.plans.snapshot import field_label

register = template.Library()


def _reader(context: template.Context) -> tuple[str, bool]:
    person = context.get("person")
    called = person.called if person is not None else ""
    return called, bool(context.get("words_to_person", context.get("is_person", False)))


def _line(
    context: template.Context, facts: WordingFacts | None, dated: bool = False
) -> SafeString | str:
    if facts is None:
        return ""
    called, to_person = _reader(context)
    line = words_line(facts, called=called, to_person=to_person)
    if dated and facts.day:
        line = _("%(who)s, on %(day)s") % {"who": line, "day": facts.day}
    return format_html('<span class="ourplan-author" data-testid="words">{}</span>', line)


@register.simple_tag(takes_context=True)
def words(
    context: template.Context, part: AuthoredPart | None, field: str, dated: bool = False
) -> SafeString | str:
    """Who wrote this field's current words ("" when the field is empty), and when if ``dated``."""
    index: WordingIndex | None = context.get("wordings")
    if part is None or index is None:
        return ""
    return _line(context, index.facts(part, field), dated)


@register.simple_tag(takes_context=True)
def words_of(context: template.Context, data: dict[str, Any] | None) -> SafeString | str:
    """Who wrote words frozen in a version (the facts kept in its snapshot)."""
    return _line(context, WordingFacts.from_data(data))


@register.simple_tag(takes_context=True)
def words_field(
    context: template.Context, facts_by_field: dict[str, Any] | None, field: str
) -> SafeString | str:
    return _line(context, WordingFacts.from_data((facts_by_field or {}).get(field)))


@register.inclusion_tag("plans/_words_list.html", takes_context=True)
def words_list(context: template.Context, part: AuthoredPart | None) -> dict[str, Any]:
    """Who wrote each part of what is here now, field by field."""
    index: WordingIndex | None = context.get("wordings")
    rows = []
    if part is not None and index is not None:
        called, to_person = _reader(context)
        for name in part.WORDED_FIELDS:
            facts = index.facts(part, name)
            if facts is not None:
                rows.append(
                    (
                        field_label(part, name),
                        words_line(facts, called=called, to_person=to_person),
                    )
                )
    return {"rows": rows}


@register.filter
def tel(number: str) -> SafeString | str:
    """A phone number as a tap-to-call link."""
    if not number:
        return ""
    return format_html('<a href="tel:{}">{}</a>', dialling_form(number), number)


@register.inclusion_tag("plans/_awaiting_signature.html")
def awaiting_signature(person: Person) -> dict[str, Any]:
    """On the person's home page: a version of their plan waits for them to say if they agree."""
    return {"person": person, "version": queries.version_awaiting_person(person)}


@register.inclusion_tag("plans/_notices_summary.html")
def plan_notices_summary(person: Person) -> dict[str, Any]:
    """On the person's home page: changes to their plan they have not looked at yet."""
    plan = queries.plan_for(person)
    return {"person": person, "count": queries.unseen_notice_count(plan) if plan else 0}


@register.inclusion_tag("plans/_row.html", takes_context=True)
def field_row(
    context: template.Context, part: AuthoredPart | None, field: str, label: str = ""
) -> dict[str, Any]:
    """One field of a part as a labelled row, with who wrote its words."""
    index: WordingIndex | None = context.get("wordings")
    facts = index.facts(part, field) if part is not None and index is not None else None
    called, to_person = _reader(context)
    return {
        "label": label or (field_label(part, field) if part is not None else field),
        "value": getattr(part, field, "") if part is not None else "",
        "line": words_line(facts, called=called, to_person=to_person) if facts else "",
        "field": field,
    }
