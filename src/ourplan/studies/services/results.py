"""Writes that come with results: every export and report download is audited."""

from __future__ import annotations

from typing import Any

from ourplan.core.models import AuditAction
from ourplan.studies.models import Study
from ourplan.studies.services.writes import record


def record_export(*, actor: Any, study: Study, what: str) -> None:
    """Audit an export or report download."""
    record(actor, AuditAction.EXPORT, f"study_{what}", study.pk)
