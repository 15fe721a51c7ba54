"""What one allowed GET of each people URL leaves in the audit log (merged by
tests/core/test_permission_matrix.py, which keeps the people rows of the matrix itself).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The (object_type, object_id) of the `read` entries with the standing person that one GET
# writes, or "no person record" for none.
# An entry may name its person as a third element, e.g. another person's own home page.
ReadSpec = str | Callable[[Any, dict[str, Any], str], list[tuple[Any, ...]]]

NO_PERSON_RECORD: ReadSpec = "no person record"
# POST-only URLs refuse a GET (405), so it writes no read entry.
GET_REFUSED: ReadSpec = NO_PERSON_RECORD


def _person_read(object_type: str) -> ReadSpec:
    """One read of the standing person's record (or a part of it named by the person's id)."""

    def spec(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[str, object]]:
        return [(object_type, str(standing.person.pk))]

    return spec


def _person_page(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[str, object]]:
    """Staff read the person's page; the person is redirected to their own home, unread."""
    if role == "person":
        return []
    return [("person", str(standing.person.pk))]


def _own_record(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[Any, ...]]:
    """A service user's own home and details read their own record: the standing person's
    for "person"; "other_person" reads only their own (named as the entry's person)."""
    if role == "person":
        return [("person", str(standing.person.pk))]
    return [("person", str(standing.other_person.pk), standing.other_person.pk)]


def _lists_people(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[str, object]]:
    """The caseload writes one `searched` entry per person shown, and no reads."""
    return []


PEOPLE_READS: dict[str, ReadSpec] = {
    "people:caseload": _lists_people,
    "people:person_new": NO_PERSON_RECORD,
    "people:person": _person_page,
    "people:person_edit": _person_read("person"),
    "people:supporter_new": _person_read("person"),
    "people:invite": GET_REFUSED,
    "people:my_home": _own_record,
    "people:my_details": _own_record,
    "people:team_overview": NO_PERSON_RECORD,
    "people:organisation": NO_PERSON_RECORD,
}

# Administration pages (an administrator keeps their organisation's teams, staff and crisis
# numbers). Rows for the matrix, to merge like the other apps' (MATRIX.update(...) and the
# values from people_url_kwargs in its extras). None shows a person's record.
ADMINISTRATOR = {"administrator"}
PEOPLE_ADMIN_MATRIX: dict[str, dict[str, set[str]]] = {
    "people:team_new": {"GET": ADMINISTRATOR, "POST": ADMINISTRATOR},
    "people:team_edit": {"GET": ADMINISTRATOR, "POST": ADMINISTRATOR},
    "people:staff_edit": {"GET": ADMINISTRATOR, "POST": ADMINISTRATOR},
    "people:staff_deactivate": {"POST": ADMINISTRATOR},
    "people:crisis_line_new": {"GET": ADMINISTRATOR, "POST": ADMINISTRATOR},
    "people:crisis_line_edit": {"GET": ADMINISTRATOR, "POST": ADMINISTRATOR},
    "people:crisis_line_remove": {"POST": ADMINISTRATOR},
}
PEOPLE_READS.update(dict.fromkeys(PEOPLE_ADMIN_MATRIX, NO_PERSON_RECORD))


def people_url_kwargs(standing: Any) -> dict[str, Any]:
    """A member of staff to change or deactivate (not one of the standing users) and a
    crisis number, in the standing organisation."""
    from ourplan.accounts.models import Role
    from ourplan.people.models import CrisisLine
    from tests.factories import make_staff

    extra = make_staff("adminchanged", Role.CLINICIAN, standing.organisation, standing.team)
    line = CrisisLine.objects.create(
        organisation=standing.organisation, label="Crisis team", phone="0300 555 0999"
    )
    return {
        "people:team_id": standing.team.pk,
        "people:staff_id": extra.staff_member.pk,
        "people:line_id": line.pk,
    }
