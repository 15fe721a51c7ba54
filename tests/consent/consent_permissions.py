"""Permission-matrix rows for the consent app (merged by tests/foundation/test_permission_matrix.py)."""

from __future__ import annotations

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
