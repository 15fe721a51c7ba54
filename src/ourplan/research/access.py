"""Who may use the research area. Deny by default; never any person records here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ourplan.accounts.models import Role
from ourplan.people.access import staff_member_of
from ourplan.research.models import Dataset

_RESEARCH_ROLES = {Role.RESEARCHER, Role.TEAM_MANAGER}


def can_use_research_area(user: Any) -> bool:
    """Researchers and team managers with a staff record use the research area."""
    if getattr(user, "role", None) not in _RESEARCH_ROLES:
        return False
    return staff_member_of(user) is not None


def visible_datasets(user: Any) -> QuerySet[Dataset]:
    """Data sets uploaded within the user's own organisation."""
    if not can_use_research_area(user):
        return Dataset.objects.none()
    staff = staff_member_of(user)
    assert staff is not None
    return Dataset.objects.filter(organisation_id=staff.organisation_id)
