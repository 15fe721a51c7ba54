"""Care coordination's pieces for pages of the apps below it (plans, the page frame).

Plans never imports coordination; its templates load these tags, so a plan page can show
the stuck indicators, the review's due date and links to contacts and the timeline, read
here in a fixed number of queries.

    {% load coordination_pieces %}
    {% stuck_indicators person %}     the indicators and their prompts
    {% review_due person %}           "Review overdue" / "Review due 7 Oct 2026", or nothing
    {% coordination_links person %}   contacts, appointments and the plan's timeline
    {% unread_notifications %}        "Inbox (3)", for the header
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone

from ourplan.coordination import queries

register = template.Library()


@register.inclusion_tag("coordination/_indicators.html")
def stuck_indicators(person: Any) -> dict[str, Any]:
    return {"indicators": queries.person_row(person, timezone.localdate()).indicators}


@register.inclusion_tag("coordination/_review_due.html")
def review_due(person: Any) -> dict[str, Any]:
    today = timezone.localdate()
    row = queries.person_row(person, today)
    settings = queries.settings_for(person.organisation_id)
    due = row.review_due_on if row.summary is not None else None
    return {
        "due": due,
        "overdue": due is not None and due < today,
        "soon": due is not None
        and today <= due <= today + timedelta(days=settings.review_due_days),
    }


@register.inclusion_tag("coordination/_links.html", takes_context=True)
def coordination_links(context: Any, person: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"person": person, "is_the_person": user is not None and user.pk == person.user_id}


@register.inclusion_tag("coordination/_unread.html", takes_context=True)
def unread_notifications(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": queries.unread_count(user), "shown": bool(user and user.is_authenticated)}
