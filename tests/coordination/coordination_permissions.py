"""Permission-matrix rows and read specs for care coordination (merged by
tests/core/test_permission_matrix.py, like tests/plans/plans_permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

LOGGED_IN = {
    "person",
    "other_person",
    "coordinator",
    "other_team_coordinator",
    "manager",
    "clinician",
    "supporter",
    "researcher",
    "administrator",
}
# Care coordinators and team managers with a team have a worklist (their own team's people).
WORKLIST = {"coordinator", "other_team_coordinator", "manager"}
# The person themselves, and clinical staff on the person's team.
VIEWERS = {"person", "coordinator", "manager", "clinician"}
# Clinical staff on the person's team record contacts and plan appointments.
RECORDERS = {"coordinator", "manager", "clinician"}
# Care coordinators and team managers of the person's team.
EDITORS = {"coordinator", "manager"}


def _edit(roles: set[str]) -> dict[str, set[str]]:
    return {"GET": roles, "POST": roles}


COORDINATION_MATRIX: dict[str, dict[str, set[str]]] = {
    "coordination:worklist": {"GET": WORKLIST},
    "coordination:worklist_section": {"GET": WORKLIST},
    "coordination:contacts": {"GET": VIEWERS},
    "coordination:contact_new": _edit(RECORDERS),
    "coordination:appointment_new": _edit(RECORDERS),
    # The contact was recorded by the coordinator; a manager or coordinator of the team may
    # correct any, others only their own.
    "coordination:contact": _edit(EDITORS),
    "coordination:contact_outcome": {"POST": EDITORS},
    "coordination:timeline": {"GET": VIEWERS},
    "coordination:allocation": _edit(EDITORS),
    "coordination:preferences": _edit(EDITORS | {"person"}),
    # The handover from the coordinator to a second coordinator of the team: the one who
    # wrote it and the team's editors read it (its new coordinator is not a standing user).
    "coordination:handover": _edit(EDITORS),
    "coordination:inbox": _edit(LOGGED_IN),
    "coordination:notification_settings": _edit(LOGGED_IN),
    # The notification is the coordinator's own.
    "coordination:notification_open": {"GET": {"coordinator"}},
    "coordination:dashboard": {"GET": {"manager"}},
    "coordination:dashboard_people": {"GET": {"manager"}},
    "coordination:dashboard_export": {"GET": {"manager"}},
    # The coordinator's own profile; their team manager may keep it too.
    "coordination:coordinator_profile": _edit({"coordinator", "manager"}),
    "coordination:settings": _edit({"administrator"}),
}


def coordination_url_kwargs(standing: Any) -> dict[str, Any]:
    """A contact with the standing person, a change of coordinator with its handover, and a
    notification for the coordinator. Keys are namespaced: the matrix looks them up as
    ``coordination:<parameter>``."""
    from ourplan.accounts.models import Role
    from ourplan.coordination import services
    from ourplan.coordination.models import Notification, NotificationKind
    from tests.factories import make_staff

    coordinator = standing.coordinator.staff_member
    contact = services.contact_record(
        actor=standing.coordinator,
        person=standing.person,
        staff=coordinator,
        mode="home",
        starts_at=timezone.now() - timedelta(days=1),
        duration_minutes=45,
    )
    second = make_staff(
        "secondcoordinator", Role.CARE_COORDINATOR, standing.organisation, standing.team
    )
    allocation = services.allocate(
        actor=standing.manager,
        person=standing.person,
        staff=second.staff_member,
        on=timezone.localdate(),
        reason="Speaks Welsh, as asked",
        preference_met="yes",
        handover_note="Likes mornings; ring first.",
    )
    notification = Notification.objects.create(
        recipient=standing.coordinator,
        kind=NotificationKind.REVIEW_DUE,
        person=standing.person,
        key="matrix:notification",
        url="/worklist/",
    )
    return {
        "coordination:contact_id": contact.pk,
        "coordination:handover_id": allocation.handover.pk,
        "coordination:notification_id": notification.pk,
        "coordination:staff_id": coordinator.pk,
        "coordination:section": "reviews_overdue",
        "coordination:file_format": "csv",
    }


# What one allowed GET leaves in the audit log for the standing person: the (object_type,
# object_id) of its `read` entries, or "no person record" for none.
ReadSpec = str | Callable[[Any, dict[str, Any], str], list[tuple[Any, ...]]]
NO_PERSON_RECORD: ReadSpec = "no person record"
GET_REFUSED: ReadSpec = NO_PERSON_RECORD  # POST-only: a GET is refused (405) and reads nothing


def _person_read(object_type: str) -> ReadSpec:
    def spec(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[Any, ...]]:
        return [(object_type, str(standing.person.pk))]

    return spec


def _own_read(object_type: str, key: str) -> ReadSpec:
    def spec(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[Any, ...]]:
        return [(object_type, str(extras[key]))]

    return spec


COORDINATION_READS: dict[str, ReadSpec] = {
    # Lists: one `searched` entry per person shown, no reads.
    "coordination:worklist": NO_PERSON_RECORD,
    "coordination:worklist_section": NO_PERSON_RECORD,
    "coordination:contacts": _person_read("contacts"),
    "coordination:contact_new": _person_read("contacts"),
    "coordination:appointment_new": _person_read("contacts"),
    "coordination:contact": _own_read("contact", "coordination:contact_id"),
    "coordination:contact_outcome": GET_REFUSED,
    "coordination:timeline": _person_read("timeline"),
    "coordination:allocation": _person_read("care_team"),
    "coordination:preferences": _person_read("coordinator_preferences"),
    "coordination:handover": _own_read("handover", "coordination:handover_id"),
    # Each notification names a person: a list appearance (`searched`), not a read.
    "coordination:inbox": NO_PERSON_RECORD,
    "coordination:notification_settings": NO_PERSON_RECORD,
    "coordination:notification_open": NO_PERSON_RECORD,  # a redirect to what it is about
    # Figures only; the drill-down lists people (`searched`); the export is an `export` entry.
    "coordination:dashboard": NO_PERSON_RECORD,
    "coordination:dashboard_people": NO_PERSON_RECORD,
    "coordination:dashboard_export": NO_PERSON_RECORD,
    "coordination:coordinator_profile": NO_PERSON_RECORD,
    "coordination:settings": NO_PERSON_RECORD,
}
