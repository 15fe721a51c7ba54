"""What every page's frame needs: navigation for the role and the crisis link."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from ourplan.accounts.models import Role
from ourplan.people.queries import crisis_lines_for
from ourplan.plans.models import Plan
from ourplan.site.navigation import navigation_for


def _crisis_url(user: Any) -> str:
    """A person with a plan goes straight to their own crisis plan, which carries the numbers too."""
    if user.role == Role.SERVICE_USER:
        person_id = (
            Plan.objects.filter(person__user=user).values_list("person_id", flat=True).first()
        )
        if person_id is not None:
            return reverse("plans:crisis", args=[person_id])
    return reverse("site:help_now")


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "show_crisis_link": False, "crisis_lines": []}
    items = [
        {
            "href": href,
            "label": label,
            "current": (request.path.startswith(href) and href != "/") or request.path == href,
        }
        for href, label in navigation_for(user)
    ]
    in_person_view = user.role in {Role.SERVICE_USER, Role.SUPPORTER}
    return {
        "nav_items": items,
        "show_crisis_link": in_person_view,
        "crisis_lines": crisis_lines_for(user) if in_person_view else [],
        "help_now_url": _crisis_url(user),
        "crisis_link_text": _("Need help now?"),
    }
