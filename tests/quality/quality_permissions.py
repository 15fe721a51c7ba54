"""Permission-matrix rows and read specs for care plan audits (merged by
tests/core/test_permission_matrix.py, like tests/coordination/coordination_permissions.py).

The standing sample: drawn by the manager from the standing team (the standing person),
first auditor the clinician, second auditor the other team's coordinator, every plan
double-reviewed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Clinical staff and researchers with a staff record may be auditors: they open the page.
AUDIT_HOME = {"coordinator", "other_team_coordinator", "manager", "clinician", "researcher"}
AUDITORS = {"clinician", "other_team_coordinator"}
MANAGERS = {"manager"}

QUALITY_MATRIX: dict[str, dict[str, set[str]]] = {
    "quality:home": {"GET": AUDIT_HOME},
    "quality:sample_new": {"GET": MANAGERS, "POST": MANAGERS},
    "quality:dashboard": {"GET": MANAGERS},
    "quality:sample": {"GET": MANAGERS | AUDITORS},
    "quality:agreement": {"GET": MANAGERS},
    "quality:export": {"GET": MANAGERS},
    "quality:report": {"GET": MANAGERS},
    "quality:entry_pdf": {"GET": MANAGERS | AUDITORS},
    "quality:entry": {"GET": MANAGERS | AUDITORS},
    "quality:audit": {"GET": AUDITORS, "POST": AUDITORS},
    # The organisational self-assessment: led by the organisation's team managers.
    "quality:assessments": {"GET": MANAGERS},
    "quality:assessment_new": {"GET": MANAGERS, "POST": MANAGERS},
    "quality:assessment": {"GET": MANAGERS},
    "quality:assessment_ratings": {"GET": MANAGERS, "POST": MANAGERS},
    "quality:assessment_priorities": {"GET": MANAGERS, "POST": MANAGERS},
    "quality:action_new": {"GET": MANAGERS, "POST": MANAGERS},
    "quality:cycle_new": {"GET": MANAGERS, "POST": MANAGERS},
}


def quality_url_kwargs(standing: Any) -> dict[str, Any]:
    from tests.quality.quality_builders import draw, reviewed_plan

    reviewed_plan(standing.person, standing.coordinator)
    sample = draw(
        standing.manager,
        [standing.team],
        standing.clinician,
        second_auditor=standing.other_team_coordinator,
        double_review_percent=100,
    )
    entry = sample.entries.get()
    from datetime import date

    from ourplan.quality import self_assessment

    assessment = self_assessment.assessment_start(
        actor=standing.manager,
        organisation=standing.organisation,
        title="Spring",
        held_on=date(2026, 3, 1),
    )
    action = self_assessment.action_add(
        actor=standing.manager,
        assessment=assessment,
        challenge="personalisation",
        text="Offer personal budgets at every review",
        owner=standing.manager.staff_member,
        due_on=date(2026, 9, 1),
        audit_item="personal_budget",
    )
    return {
        "quality:sample_id": sample.pk,
        "quality:entry_id": entry.pk,
        "quality:assessment_id": assessment.pk,
        "quality:action_id": action.pk,
    }


ReadSpec = str | Callable[[Any, dict[str, Any], str], list[tuple[Any, ...]]]
NO_PERSON_RECORD: ReadSpec = "no person record"


def _version_read(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[Any, ...]]:
    from ourplan.quality.models import SampledPlan

    entry = SampledPlan.objects.get(pk=extras["quality:entry_id"])
    return [("plan_version", str(entry.version_id))]


QUALITY_READS: dict[str, ReadSpec] = {
    # Samples, agreement and exports show study identifiers, never a person.
    "quality:home": NO_PERSON_RECORD,
    "quality:sample_new": NO_PERSON_RECORD,
    "quality:dashboard": NO_PERSON_RECORD,  # counts only
    "quality:sample": NO_PERSON_RECORD,
    "quality:agreement": NO_PERSON_RECORD,
    "quality:export": NO_PERSON_RECORD,
    "quality:report": NO_PERSON_RECORD,
    "quality:entry_pdf": _version_read,
    # The sampled version, read-only: one read of it for its person.
    "quality:entry": _version_read,
    "quality:audit": _version_read,
    # The self-assessment is about the service, never a person.
    "quality:assessments": NO_PERSON_RECORD,
    "quality:assessment_new": NO_PERSON_RECORD,
    "quality:assessment": NO_PERSON_RECORD,
    "quality:assessment_ratings": NO_PERSON_RECORD,
    "quality:assessment_priorities": NO_PERSON_RECORD,
    "quality:action_new": NO_PERSON_RECORD,
    "quality:cycle_new": NO_PERSON_RECORD,
}
