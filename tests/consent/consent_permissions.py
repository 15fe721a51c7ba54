"""Permission-matrix rows for the consent app (merged by tests/core/test_permission_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The person and their team see the network; the person and coordinators change it.
SHARING_VIEWERS = {"person", "coordinator", "manager", "clinician"}
SHARING_CHANGERS = {"person", "coordinator", "manager"}
TEAM_CLINICAL = {"coordinator", "manager", "clinician"}


def _read(roles: set[str]) -> dict[str, set[str]]:
    return {"GET": roles}


def _edit(roles: set[str]) -> dict[str, set[str]]:
    return {"GET": roles, "POST": roles}


CONSENT_MATRIX: dict[str, dict[str, set[str]]] = {
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
    "consent:supporter_home": _read({"supporter"}),
    "consent:contribute": _edit({"supporter"}),
    "consent:my_needs": _edit({"supporter"}),
    "consent:check_in": {"POST": {"supporter"}},
    # The standing supporter has no agreement, so there is nothing to print.
    "consent:shared_pdf": {},
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


# What one allowed GET of each consent URL leaves in the audit log for the standing person:
# the (object_type, object_id) of its `read` entries, or "no person record" for none.
ReadSpec = str | Callable[[Any, dict[str, Any], str], list[tuple[str, object]]]

NO_PERSON_RECORD: ReadSpec = "no person record"
# POST-only URLs refuse a GET (405), so it writes no read entry.
GET_REFUSED: ReadSpec = NO_PERSON_RECORD


def _of_the_person(object_type: str) -> ReadSpec:
    """One read of something of the person's with no id of its own: named by the person's id."""

    def spec(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[str, object]]:
        return [(object_type, str(standing.person.pk))]

    return spec


def _of_the_supporter(object_type: str) -> ReadSpec:
    def spec(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[str, object]]:
        return [(object_type, str(extras["supporter_id"]))]

    return spec


def _lists_people(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[str, object]]:
    """A list writes one `searched` entry per person shown, and no reads."""
    return []


def _shown_to_the_supporter(object_type: str) -> ReadSpec:
    """One read per supporter request, its id naming the parts shown now."""

    def spec(standing: Any, extras: dict[str, Any], role: str) -> list[tuple[str, object]]:
        from ourplan.consent.access import sharing_for
        from ourplan.consent.parts import shown_id

        return [(object_type, shown_id(sharing_for(standing.supporter, standing.person).parts))]

    return spec


CONSENT_READS: dict[str, ReadSpec] = {
    "consent:sharing": _of_the_person("sharing"),
    "consent:agreement_edit": _of_the_supporter("supporter"),
    "consent:agreement_stop": GET_REFUSED,
    "consent:agreement_confirm": GET_REFUSED,
    "consent:crisis_sharing": _of_the_person("crisis_agreements"),
    "consent:crisis_sharing_end": GET_REFUSED,
    "consent:contributions": _of_the_person("contributions"),
    "consent:contribution_respond": GET_REFUSED,
    "consent:carer_support": _of_the_supporter("carer_support"),
    "consent:revisits_due": _lists_people,
    "consent:contribution_policy": NO_PERSON_RECORD,
    "consent:supporter_home": _shown_to_the_supporter("shared_view"),
    # The carer's own pages: what they send and their own needs, nothing of the person's record.
    "consent:contribute": NO_PERSON_RECORD,
    "consent:my_needs": NO_PERSON_RECORD,
    "consent:check_in": GET_REFUSED,
    "consent:shared_pdf": _shown_to_the_supporter("shared_copy"),
}
