"""What every write to a study shares: the study row locked, the audit entry, a refusal.

Study data are not person records, so audit entries carry no person.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet

from ourplan.core import audit
from ourplan.studies.models import Study


def record(actor: Any, action: str, object_type: str, object_id: object) -> None:
    audit.record(actor=actor, action=action, object_type=object_type, object_id=object_id)


def locked(study: Study) -> Study:
    """Re-read the study row under a lock so concurrent changes queue up."""
    return Study.objects.select_for_update().get(pk=study.pk)


def refuse_if(reason: str) -> None:
    """Refuse the whole change with this reason, if there is one."""
    if reason:
        raise ValidationError(reason)


def next_position(items: QuerySet[Any]) -> int:
    """One past the last position, so new items go last even after removals left gaps."""
    top = items.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1
