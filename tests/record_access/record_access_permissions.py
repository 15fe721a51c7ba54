"""Permission-matrix rows and read specs for the record_access app.

Merged by tests/core/test_permission_matrix.py (RECORD_ACCESS_MATRIX, RECORD_ACCESS_READS,
record_access_url_kwargs), which sweeps every URL, method and standing user against them.
In the extras, the standing manager is the organisation's information governance lead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PEOPLE = {"person", "other_person"}
IG_LEAD = {"manager"}  # made a lead by the administrator in record_access_url_kwargs

RECORD_ACCESS_MATRIX: dict[str, dict[str, set[str]]] = {
    # Each person sees their own list; only the standing person has the entry asked about.
    "record_access:mine": {"GET": PEOPLE},
    "record_access:ask": {"GET": {"person"}, "POST": {"person"}},
    # The IG lead's worklist and questions; not the person's care team, not the administrator.
    "record_access:questions": {"GET": IG_LEAD},
    "record_access:question": {"GET": IG_LEAD, "POST": IG_LEAD},
    # Only an administrator names or removes IG leads.
    "record_access:leads": {"GET": {"administrator"}, "POST": {"administrator"}},
    "record_access:lead_remove": {"POST": {"administrator"}},
}

# What one allowed GET leaves as `read` entries: "no person record", or
# (standing, extras, role) -> [(object_type, object_id)] for person=standing.person.
ReadSpec = str | Callable[[Any, dict[str, Any], str], list[tuple[Any, ...]]]
NO_PERSON_RECORD = "no person record"


def _own_log(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[Any, ...]]:
    # The other person's GET writes the same entry for themselves (person=other_person).
    person = standing.other_person if role == "other_person" else standing.person
    return [("record_access_log", person.pk, person.pk)]


RECORD_ACCESS_READS: dict[str, ReadSpec] = {
    "record_access:mine": _own_log,
    "record_access:ask": lambda standing, extras, role: [
        ("record_access_entry", extras["record_access:entry_id"])
    ],
    # A list: one `search` entry per person shown, and no `read`.
    "record_access:questions": lambda standing, extras, role: [],
    "record_access:question": lambda standing, extras, role: [
        ("record_access_question", extras["record_access:question_id"])
    ],
    "record_access:leads": NO_PERSON_RECORD,
    "record_access:lead_remove": NO_PERSON_RECORD,
}


def record_access_url_kwargs(standing: Any) -> dict[str, Any]:
    """The manager made IG lead; two of the standing person's entries, one asked about."""
    from ourplan.core import audit
    from ourplan.record_access import services

    lead = services.governance_lead_grant(
        actor=standing.administrator, organisation=standing.organisation, user=standing.manager
    )
    asked_about = audit.record_read(
        standing.clinician,
        object_type="person",
        object_id=standing.person.pk,
        person=standing.person,
    )
    question = services.question_ask(
        actor=standing.person_user,
        person=standing.person,
        entry_id=asked_about.pk,
        note="I do not know who this is",
    )
    entry = audit.record_read(
        standing.coordinator,
        object_type="person",
        object_id=standing.person.pk,
        person=standing.person,
    )
    # Keys are namespaced: the studies rows use "question_id" for a study's question.
    return {
        "record_access:entry_id": entry.pk,
        "record_access:question_id": question.pk,
        "record_access:lead_id": lead.pk,
    }
