"""Who may organise or take part in Delphi studies. Deny by default.

* Organisers: researchers and team managers with a staff record, for the studies of
  their own organisation. They see participants only by pseudonym.
* Participants: whoever holds a valid invitation link (only its hash is stored), or a
  logged-in user invited to the study. They see their own answers and the anonymised
  feedback, nothing else.
* Everyone else: refused.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ourplan.accounts.models import Role, hash_token
from ourplan.people.access import staff_member_of
from ourplan.studies.models import Participant, Study

ORGANISER_ROLES = frozenset({Role.RESEARCHER, Role.TEAM_MANAGER})
# Tokens are URL-safe base64 of 32 random bytes (43 characters); anything far off is refused
# before touching the database.
_TOKEN_LENGTH = range(20, 100)


def can_organise(user: Any) -> bool:
    """Researchers and team managers with a staff record organise studies."""
    if getattr(user, "role", None) not in ORGANISER_ROLES:
        return False
    return staff_member_of(user) is not None


def organised_studies(user: Any) -> QuerySet[Study]:
    """Studies this user may organise: those of their own organisation."""
    if not can_organise(user):
        return Study.objects.none()
    staff = staff_member_of(user)
    assert staff is not None
    return Study.objects.filter(organisation_id=staff.organisation_id)


def can_manage_study(user: Any, study: Study) -> bool:
    """An organiser manages every study of their organisation."""
    if not can_organise(user):
        return False
    staff = staff_member_of(user)
    assert staff is not None
    return study.organisation_id == staff.organisation_id


def participant_for_token(token: str) -> Participant | None:
    """The participant an invitation link opens, or None."""
    if not token or len(token) not in _TOKEN_LENGTH:
        return None
    return (
        Participant.objects.select_related("study", "panel")
        .filter(token_hash=hash_token(token))
        .first()
    )


def participant_for_user(user: Any, study_id: Any) -> Participant | None:
    """A logged-in user's own place in a study they were invited to, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return (
        Participant.objects.select_related("study", "panel")
        .filter(study_id=study_id, user=user)
        .first()
    )


def invited_studies(user: Any) -> QuerySet[Participant]:
    """The studies a logged-in user was invited to, as their participant records."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Participant.objects.none()
    return Participant.objects.select_related("study").filter(user=user)
