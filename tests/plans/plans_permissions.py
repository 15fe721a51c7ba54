"""Permission-matrix rows for the plans app (merged by tests/foundation/test_permission_matrix.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

VIEWERS = {"person", "coordinator", "manager", "clinician"}
EDITORS = {"person", "coordinator", "manager"}
REVIEWERS = {"coordinator", "manager"}


def _read(roles: set[str]) -> dict[str, set[str]]:
    return {"GET": roles}


def _edit(roles: set[str]) -> dict[str, set[str]]:
    return {"GET": roles, "POST": roles}


PLANS_MATRIX: dict[str, dict[str, set[str]]] = {
    "plans:plan": _read(VIEWERS),
    "plans:start": {"POST": REVIEWERS},
    "plans:about_me": _edit(EDITORS),
    "plans:staying_well": _edit(EDITORS),
    "plans:crisis": _read(VIEWERS),
    "plans:crisis_edit": _edit(EDITORS),
    "plans:strength_new": _edit(EDITORS),
    "plans:strength_edit": _edit(EDITORS),
    "plans:goal_new": _edit(EDITORS),
    "plans:goal": _read(VIEWERS),
    "plans:goal_edit": _edit(EDITORS),
    "plans:step_new": _edit(EDITORS),
    "plans:step_edit": _edit(EDITORS),
    "plans:goal_rate": {"POST": EDITORS},
    "plans:goal_achieve": {"POST": EDITORS},
    "plans:step_status": {"POST": EDITORS},
    "plans:safety_new": _edit(EDITORS),
    "plans:safety_edit": _edit(EDITORS),
    "plans:review": _edit(REVIEWERS),
    "plans:versions": _read(VIEWERS),
    "plans:version_compare": _read(VIEWERS),
    "plans:version": _read(VIEWERS),
    "plans:version_sign": {"POST": {"person", "coordinator", "manager"}},
    "plans:version_not_signed": {"POST": REVIEWERS},
    "plans:statutory": _read(VIEWERS),
    "plans:statutory_pdf": _read(VIEWERS),
    "plans:person_copy": _read(VIEWERS),
    "plans:person_copy_pdf": _read(VIEWERS),
}


def plans_url_kwargs(standing: Any) -> dict[str, Any]:
    """A plan for the standing person with a goal, a step, a strength, a safety item and a version."""
    from ourplan.plans import services

    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    area = services.life_areas_for(standing.organisation).first()
    goal = services.goal_add(
        actor=standing.coordinator, plan=plan, text="Walk to the park", life_area=area
    )
    step = services.step_add(actor=standing.coordinator, goal=goal, text="Buy boots", owner="me")
    strength = services.strength_add(
        actor=standing.coordinator, plan=plan, kind="skill", text="Good with maps"
    )
    item = services.safety_item_add(
        actor=standing.coordinator,
        plan=plan,
        kind="concern",
        description="Nights alone",
        person_view="I cope if I can text someone",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    version = services.version_create(actor=standing.coordinator, plan=plan)
    return {
        "goal_id": goal.pk,
        "step_id": step.pk,
        "strength_id": strength.pk,
        "item_id": item.pk,
        "number": version.number,
    }
