"""Permission-matrix rows for the plans app (merged by tests/foundation/test_permission_matrix.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

VIEWERS = {"person", "coordinator", "manager", "clinician"}
EDITORS = {"person", "coordinator", "manager"}
REVIEWERS = {"coordinator", "manager"}
# Consent: the person and their team see the network; the person and coordinators change it.
SHARING_VIEWERS = {"person", "coordinator", "manager", "clinician"}
SHARING_CHANGERS = {"person", "coordinator", "manager"}
TEAM_CLINICAL = {"coordinator", "manager", "clinician"}


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
    # The consent app's rows live here so the shared matrix picks them up.
    "consent:sharing": _read(SHARING_VIEWERS),
    "consent:agreement_edit": _edit(SHARING_CHANGERS),
    "consent:agreement_stop": {"POST": SHARING_CHANGERS},
    "consent:agreement_confirm": {"POST": SHARING_CHANGERS},
    "consent:crisis_sharing": _edit(TEAM_CLINICAL),
    "consent:crisis_sharing_end": {"POST": TEAM_CLINICAL},
    "consent:contributions": _read(TEAM_CLINICAL),
    "consent:contribution_respond": {"POST": TEAM_CLINICAL},
    "consent:carer_support": _edit(TEAM_CLINICAL),
    "consent:revisits_due": _read(
        {"coordinator", "other_team_coordinator", "manager", "clinician"}
    ),
    # Supporters can always be heard and look after themselves, whatever is shared.
    "consent:contribute": _edit({"supporter"}),
    "consent:my_needs": _edit({"supporter"}),
    "consent:check_in": {"POST": {"supporter"}},
    # The standing supporter has no agreement, so there is nothing to print.
    "consent:shared_pdf": {},
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
        **consent_url_kwargs(standing),
    }


def consent_url_kwargs(standing: Any) -> dict[str, Any]:
    """A second supporter of the standing person with an agreement, and a contribution.

    The standing ``supporter`` keeps no agreement: the matrix rows above are for them.
    """
    from ourplan.consent import services as consent
    from ourplan.consent.models import RecordedHow
    from ourplan.people.models import Supporter, SupporterKind

    friend = Supporter.objects.create(
        person=standing.person,
        given_name="Ray",
        kind=SupporterKind.FRIEND,
        relationship="my friend",
    )
    agreement = consent.agreement_set(
        actor=standing.coordinator,
        person=standing.person,
        supporter=friend,
        parts=["goals"],
        recorded_how=RecordedHow.IN_PERSON,
    )
    contribution = consent.contribution_send(
        actor=standing.supporter,
        supporter=standing.supporter_record,
        kind="concern",
        text="She has not been sleeping",
    )
    return {
        "supporter_id": friend.pk,
        "agreement_id": agreement.pk,
        "contribution_id": contribution.pk,
    }
