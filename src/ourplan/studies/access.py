"""Who may organise or take part in Delphi studies, and the only way views reach a study.

Deny by default.

* Organisers: researchers and team managers with a staff record, for the studies of
  their own organisation. They see participants only by pseudonym.
* Participants: whoever holds a valid invitation link (only its hash is stored), or a
  logged-in user invited to the study. They see their own answers and the anonymised
  feedback, nothing else.
* Everyone else: refused.

Each ``access_*`` function returns what it is named for or raises ``Refused``; the 403
handler writes the one ``denied`` entry. A study that does not exist and a study of another
organisation are refused alike. Study pages show no person's record, so nothing here writes
a ``read`` entry.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from ourplan.accounts.models import Role, hash_token
from ourplan.core.refusal import Refused, fetch_or_refuse
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


def can_take_part(user: Any) -> bool:
    """Only an active, logged-in account has studies to take part in as itself."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def access_study(user: Any, study_id: object) -> Study:
    """The study, if this user organises it; otherwise ``Refused`` (also when there is none)."""
    return fetch_or_refuse(
        Study.objects.select_related("organisation"),
        "study",
        study_id,
        lambda study: can_manage_study(user, study),
    )


def access_participant_by_token(token: str) -> Participant:
    """The participant an invitation link opens; ``Refused`` for any other token.

    The token is the credential, so it is never written to the audit log: the refusal
    names only the kind of object asked for.
    """
    if not token or len(token) not in _TOKEN_LENGTH:
        raise Refused("study_invitation")
    participant = (
        Participant.objects.select_related("study", "panel")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if participant is None:
        raise Refused("study_invitation")
    return participant


def access_participant_by_account(user: Any, study_id: Any) -> Participant:
    """This user's own place in a study they were invited to; ``Refused`` otherwise."""
    if not can_take_part(user):
        raise Refused("study_participation", study_id)
    try:
        participant = (
            Participant.objects.select_related("study", "panel")
            .filter(study_id=study_id, user=user)
            .first()
        )
    except (ValueError, TypeError, ValidationError):  # not even a well-formed study id
        participant = None
    if participant is None:
        raise Refused("study_participation", study_id)
    return participant


def invited_studies(user: Any) -> QuerySet[Participant]:
    """The studies a logged-in user was invited to, as their participant records."""
    if not can_take_part(user):
        return Participant.objects.none()
    return Participant.objects.select_related("study").filter(user=user)
