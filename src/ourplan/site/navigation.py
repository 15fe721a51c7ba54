"""The header menu for each role."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ourplan.accounts.models import Role
from ourplan.people.models import Person


def navigation_for(user: Any) -> list[tuple[str, str]]:
    """(href, label) pairs for the header menu of this user's role."""
    role = getattr(user, "role", None)
    if role == Role.SERVICE_USER:
        items = [(reverse("people:my_home"), _("Home"))]
        person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
        if person_id is not None:
            items.append((reverse("plans:plan", args=[person_id]), _("My plan")))
            items.append((reverse("consent:sharing", args=[person_id]), _("Who sees my plan")))
        items.append((reverse("measures:mine"), _("My questionnaires")))
        items.append((reverse("record_access:mine"), _("Who has seen my record")))
        return items
    if role == Role.SUPPORTER:
        return [
            (reverse("consent:supporter_home"), _("Home")),
            (reverse("consent:contribute"), _("Tell the team")),
            (reverse("consent:my_needs"), _("Your own needs")),
            (reverse("measures:carer_home"), _("Questionnaires")),
        ]
    if role == Role.TEAM_MANAGER:
        return [
            (reverse("people:caseload"), _("Caseload")),
            (reverse("coordination:worklist"), _("Worklist")),
            (reverse("people:team_overview"), _("Team")),
            (reverse("coordination:dashboard"), _("Dashboard")),
            (reverse("consent:revisits_due"), _("Sharing to revisit")),
            (reverse("research:home"), _("Research")),
            (reverse("studies:list"), _("Delphi studies")),
            (reverse("quality:home"), _("Care plan audits")),
        ]
    if role == Role.CARE_COORDINATOR:
        return [
            (reverse("people:caseload"), _("Caseload")),
            (reverse("coordination:worklist"), _("Worklist")),
            (reverse("consent:revisits_due"), _("Sharing to revisit")),
        ]
    if role in {Role.CLINICIAN, Role.PEER_SUPPORT_WORKER}:
        return [(reverse("people:caseload"), _("Caseload"))]
    if role == Role.ADMINISTRATOR:
        return [
            (reverse("people:organisation"), _("Organisation")),
            (reverse("record_access:leads"), _("Information governance leads")),
        ]
    if role == Role.RESEARCHER:
        return [
            (reverse("research:home"), _("Research")),
            (reverse("measures:research_home"), _("Questionnaire data")),
            (reverse("studies:list"), _("Delphi studies")),
        ]
    return []


def home_url_for(user: Any) -> str:
    """Where each role lands after logging in."""
    items = navigation_for(user)
    return items[0][0] if items else reverse("accounts:login")
