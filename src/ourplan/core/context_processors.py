"""What every page's frame needs: navigation for the role and the crisis link."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from ourplan.accounts.models import Role
from ourplan.core.navigation import navigation_for
from ourplan.people.queries import crisis_lines_for


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
        "help_now_url": reverse("core:help_now"),
        "crisis_link_text": _("Need help now?"),
    }
