"""Who may use the research area. Deny by default; never any person records here.

Data sets are de-identified (see ``deidentification``), so opening one writes no ``read``
entry; a refusal is logged once, by the 403 handler, like every other.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ourplan.accounts.models import Role
from ourplan.core.refusal import fetch_or_refuse, refuse_unless
from ourplan.people.access import staff_member_of
from ourplan.people.models import Organisation
from ourplan.research.models import Dataset

_RESEARCH_ROLES = {Role.RESEARCHER, Role.TEAM_MANAGER}


def can_use_research_area(user: Any) -> bool:
    """Researchers and team managers with a staff record use the research area."""
    if getattr(user, "role", None) not in _RESEARCH_ROLES:
        return False
    return staff_member_of(user) is not None


def can_view_dataset(user: Any, dataset: Dataset) -> bool:
    """A data set is seen within the organisation it was uploaded in."""
    if not can_use_research_area(user):
        return False
    staff = staff_member_of(user)
    assert staff is not None
    return dataset.organisation_id == staff.organisation_id


def visible_datasets(user: Any) -> QuerySet[Dataset]:
    """Data sets uploaded within the user's own organisation."""
    if not can_use_research_area(user):
        return Dataset.objects.none()
    staff = staff_member_of(user)
    assert staff is not None
    return Dataset.objects.filter(organisation_id=staff.organisation_id)


def access_research_area(user: Any) -> Organisation:
    """The organisation whose data sets the user works with; Refused outside the area."""
    refuse_unless(can_use_research_area(user), "research:home")
    staff = staff_member_of(user)
    assert staff is not None
    return staff.organisation


def access_dataset(user: Any, dataset_id: object) -> Dataset:
    """The data set, if the user may see it; missing and forbidden are Refused alike.

    Its stored table is left unread until an analysis asks for it.
    """
    return fetch_or_refuse(
        Dataset.objects.defer("content"),
        "dataset",
        dataset_id,
        lambda dataset: can_view_dataset(user, dataset),
    )
