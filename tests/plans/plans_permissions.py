"""Permission-matrix rows for the plans app (merged by tests/core/test_permission_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

VIEWERS = {"person", "coordinator", "manager", "clinician"}
EDITORS = {"person", "coordinator", "manager"}
REVIEWERS = {"coordinator", "manager"}
# Clinicians add within the organisation's rules; by default a strength, a step they do
# themselves, and treatment preferences (plans.models.StaffContributionRules).
CONTRIBUTORS = EDITORS | {"clinician"}
THE_PERSON = {"person"}


def _read(roles: set[str]) -> dict[str, set[str]]:
    return {"GET": roles}


def _edit(roles: set[str]) -> dict[str, set[str]]:
    return {"GET": roles, "POST": roles}


PLANS_MATRIX: dict[str, dict[str, set[str]]] = {
    "plans:plan": _read(VIEWERS),
    "plans:start": {"POST": REVIEWERS},
    "plans:about_me": _edit(EDITORS),
    "plans:treatment_preferences": _edit(CONTRIBUTORS),
    "plans:staying_well": _edit(EDITORS),
    "plans:crisis": _read(VIEWERS),
    "plans:crisis_edit": _edit(EDITORS),
    "plans:crisis_printout": _read(VIEWERS),
    "plans:crisis_printout_pdf": _read(VIEWERS),
    "plans:strength_new": _edit(CONTRIBUTORS),
    "plans:strength_edit": _edit(EDITORS),
    "plans:goal_new": _edit(EDITORS),
    "plans:goal": _read(VIEWERS),
    "plans:goal_edit": _edit(EDITORS),
    "plans:step_new": _edit(CONTRIBUTORS),
    "plans:step_edit": _edit(EDITORS),
    "plans:goal_rate": {"POST": EDITORS},
    "plans:goal_achieve": {"POST": EDITORS},
    "plans:step_status": {"POST": EDITORS},
    "plans:safety": _read(VIEWERS),
    "plans:safety_steps": _edit(EDITORS),
    "plans:safety_new": _edit(EDITORS),
    "plans:safety_edit": _edit(EDITORS),
    "plans:contact_new": _edit(EDITORS),
    "plans:contact_edit": _edit(EDITORS),
    "plans:assessment": _read(VIEWERS),
    "plans:need_new": _edit(EDITORS),
    "plans:need_edit": _edit(EDITORS),
    "plans:risk_new": _edit(EDITORS),
    "plans:risk_edit": _edit(EDITORS),
    "plans:risk_to_safety": {"POST": EDITORS},
    "plans:review": _edit(REVIEWERS),
    "plans:reviews": _read(VIEWERS),
    "plans:versions": _read(VIEWERS),
    "plans:version_compare": _read(VIEWERS),
    "plans:version": _read(VIEWERS),
    "plans:version_pdf": _read(VIEWERS),
    "plans:version_sign": {"POST": {"person", "coordinator", "manager"}},
    "plans:version_not_signed": {"POST": REVIEWERS},
    "plans:version_copy_given": {"POST": REVIEWERS},
    "plans:changes": _read(THE_PERSON),
    "plans:words_confirm": {"POST": THE_PERSON},
    "plans:words_restore": {"POST": THE_PERSON},
    "plans:contribution_rules": _edit({"administrator"}),
    "plans:statutory": _read(VIEWERS),
    "plans:statutory_pdf": _read(VIEWERS),
    "plans:person_copy": _read(VIEWERS),
    "plans:person_copy_pdf": _read(VIEWERS),
}


def plans_url_kwargs(standing: Any) -> dict[str, Any]:
    """A plan for the standing person with a goal, a step, a strength, a safety item, a need,
    a risk, a contact and a version."""
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
    need = services.need_add(
        actor=standing.coordinator, plan=plan, life_area=area, description="Somewhere quiet to live"
    )
    risk = services.risk_add(
        actor=standing.coordinator,
        plan=plan,
        kind="risk",
        description="Stops eating when low",
        person_view_not_obtained="Did not want to talk about it today",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    contact = services.contact_add(
        actor=standing.coordinator, plan=plan, name="Sam", phone="07700 900123"
    )
    version = services.version_create(actor=standing.coordinator, plan=plan)
    return {
        "goal_id": goal.pk,
        "step_id": step.pk,
        "strength_id": strength.pk,
        "item_id": item.pk,
        "need_id": need.pk,
        "risk_id": risk.pk,
        "contact_id": contact.pk,
        "number": version.number,
        # Not URL parameters: the ids the pages' read entries name (see PLANS_READS).
        "plan_id": plan.pk,
        "about_me_id": plan.about_me.pk,
        "staying_well_plan_id": plan.staying_well.pk,
        "crisis_plan_id": plan.crisis.pk,
        "personal_safety_plan_id": plan.personal_safety.pk,
        "version_id": version.pk,
    }


# What one allowed GET of each plans URL leaves in the audit log for the standing person:
# the (object_type, object_id) of its `read` entries, or "no person record" for none.
ReadSpec = str | Callable[[Any, dict[str, Any], str], list[tuple[str, object]]]

# POST-only URLs refuse a GET (405), so it writes no read entry.
GET_REFUSED: ReadSpec = "no person record"


def _reads(object_type: str, key: str) -> ReadSpec:
    """One read entry, of ``object_type``, naming the object whose id is ``extras[key]``."""

    def spec(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[str, object]]:
        return [(object_type, str(extras[key]))]

    return spec


PLAN = _reads("plan", "plan_id")
GOAL = _reads("goal", "goal_id")

PLANS_READS: dict[str, ReadSpec] = {
    "plans:plan": PLAN,
    "plans:start": GET_REFUSED,
    "plans:about_me": _reads("about_me", "about_me_id"),
    "plans:treatment_preferences": _reads("about_me", "about_me_id"),
    "plans:staying_well": _reads("staying_well_plan", "staying_well_plan_id"),
    "plans:crisis": _reads("crisis_plan", "crisis_plan_id"),
    "plans:crisis_edit": _reads("crisis_plan", "crisis_plan_id"),
    # The printout without ?for=team is the person's own; a PDF is also an export.
    "plans:crisis_printout": _reads("crisis_printout", "plan_id"),
    "plans:crisis_printout_pdf": _reads("crisis_printout", "plan_id"),
    # Forms to add to the plan show the plan (a new goal offers its strengths).
    "plans:strength_new": PLAN,
    "plans:strength_edit": _reads("strength", "strength_id"),
    "plans:goal_new": PLAN,
    "plans:goal": GOAL,
    "plans:goal_edit": GOAL,
    "plans:step_new": GOAL,
    "plans:step_edit": _reads("goal_step", "step_id"),
    "plans:goal_rate": GET_REFUSED,
    "plans:goal_achieve": GET_REFUSED,
    "plans:step_status": GET_REFUSED,
    "plans:safety": _reads("safety_plan", "plan_id"),
    "plans:safety_steps": _reads("personal_safety_plan", "personal_safety_plan_id"),
    "plans:safety_new": PLAN,
    "plans:safety_edit": _reads("safety_item", "item_id"),
    "plans:contact_new": PLAN,
    "plans:contact_edit": _reads("personal_contact", "contact_id"),
    "plans:assessment": _reads("needs_and_risk_assessment", "plan_id"),
    "plans:need_new": PLAN,
    "plans:need_edit": _reads("need", "need_id"),
    "plans:risk_new": PLAN,
    "plans:risk_edit": _reads("risk", "risk_id"),
    "plans:risk_to_safety": GET_REFUSED,
    "plans:review": PLAN,
    "plans:reviews": _reads("plan_reviews", "plan_id"),
    "plans:versions": _reads("plan_versions", "plan_id"),
    # Without ?older=&newer= the page only sends the user back to the list to choose.
    "plans:version_compare": "no person record",
    "plans:version": _reads("plan_version", "version_id"),
    # A PDF is also recorded as an export; that entry is not a read.
    "plans:version_pdf": _reads("plan_version", "version_id"),
    "plans:version_sign": GET_REFUSED,
    "plans:version_not_signed": GET_REFUSED,
    "plans:version_copy_given": GET_REFUSED,
    "plans:changes": _reads("plan_changes", "plan_id"),
    "plans:words_confirm": GET_REFUSED,
    "plans:words_restore": GET_REFUSED,
    # The organisation's rules for the team: no person's record.
    "plans:contribution_rules": "no person record",
    # A PDF is also recorded as an export; that entry is not a read.
    "plans:statutory": _reads("statutory_document", "plan_id"),
    "plans:statutory_pdf": _reads("statutory_document", "plan_id"),
    "plans:person_copy": _reads("person_copy", "plan_id"),
    "plans:person_copy_pdf": _reads("person_copy", "plan_id"),
}
