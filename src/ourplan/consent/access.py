"""Who may see which parts of a person's record, and who may change sharing. Deny by default.

``sharing_for`` is the one policy for supporters: every supporter page, partial and
PDF asks it on every request, so a change or a stop takes effect on the next request.
Its pure core, ``parts_in_effect``, is what the property-based tests exercise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.consent.models import CarerProfile, CrisisSharing, SharingAgreement
from ourplan.consent.parts import ALL_PARTS
from ourplan.people import access as people_access
from ourplan.people.models import Person, Supporter

_STAFF_WHO_CHANGE_SHARING = {Role.CARE_COORDINATOR, Role.TEAM_MANAGER}
_STAFF_WHO_SWITCH_CRISIS = {Role.CARE_COORDINATOR, Role.TEAM_MANAGER, Role.CLINICIAN}


@dataclass(frozen=True)
class Terms:
    """The facts of one agreement that decide what it shares."""

    parts: frozenset[str]
    crisis_parts: frozenset[str]
    starts_on: date
    ends_on: date | None
    revoked: bool


def parts_in_effect(terms: Terms | None, *, today: date, crisis_active: bool) -> frozenset[str]:
    """The parts an agreement shares today. No agreement, or one not in effect, shares nothing."""
    if terms is None:
        return frozenset()
    if terms.revoked:
        return frozenset()
    if today < terms.starts_on:
        return frozenset()
    if terms.ends_on is not None and today > terms.ends_on:
        return frozenset()
    granted = set(terms.parts & ALL_PARTS)
    if crisis_active:
        granted |= terms.crisis_parts & ALL_PARTS
    return frozenset(granted)


def terms_of(agreement: SharingAgreement | None) -> Terms | None:
    if agreement is None:
        return None
    return Terms(
        parts=frozenset(str(p) for p in agreement.parts or ()),
        crisis_parts=frozenset(str(p) for p in agreement.crisis_parts or ()),
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        revoked=agreement.revoked_at is not None,
    )


@dataclass(frozen=True)
class Sharing:
    """What one supporter may see now, and which of it only because crisis sharing is on."""

    supporter: Supporter | None
    parts: frozenset[str] = frozenset()
    by_crisis: frozenset[str] = frozenset()
    crisis: CrisisSharing | None = None
    agreement: SharingAgreement | None = field(default=None, compare=False)

    @property
    def not_shared(self) -> frozenset[str]:
        return ALL_PARTS - self.parts


def active_crisis_sharing(person: Person, now: datetime) -> CrisisSharing | None:
    return (
        CrisisSharing.objects.filter(
            person=person, ended_at__isnull=True, started_at__lte=now, ends_at__gt=now
        )
        .order_by("-started_at")
        .first()
    )


def supporter_record_for(user: Any, person: Person) -> Supporter | None:
    """The user's current supporter record for this person, if they are an active supporter."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if getattr(user, "role", None) != Role.SUPPORTER:
        return None
    if person.restricted_at is not None:
        return None
    return Supporter.objects.filter(user=user, person=person, ended_at__isnull=True).first()


def sharing_for_supporter(supporter: Supporter, *, now: datetime | None = None) -> Sharing:
    """What an (active) supporter record may see of its person now."""
    now = now or timezone.now()
    agreement = (
        SharingAgreement.objects.filter(supporter=supporter, revoked_at__isnull=True)
        .order_by("-set_at")
        .first()
    )
    terms = terms_of(agreement)
    today = timezone.localdate(now)
    plain = parts_in_effect(terms, today=today, crisis_active=False)
    crisis = active_crisis_sharing(supporter.person, now) if terms and terms.crisis_parts else None
    parts = parts_in_effect(terms, today=today, crisis_active=crisis is not None)
    return Sharing(
        supporter=supporter,
        parts=parts,
        by_crisis=parts - plain,
        crisis=crisis if parts - plain else None,
        agreement=agreement,
    )


def sharing_for(user: Any, person: Person, *, now: datetime | None = None) -> Sharing:
    """The policy: what this user may see of this person's record as a supporter."""
    supporter = supporter_record_for(user, person)
    if supporter is None:
        return Sharing(supporter=None)
    return sharing_for_supporter(supporter, now=now)


def shared_parts_for(user: Any, person: Person) -> frozenset[str]:
    """The parts of the person's record shared with this user as a supporter (empty otherwise)."""
    return sharing_for(user, person).parts


def can_view_sharing(user: Any, person: Person) -> bool:
    """The person, and clinical staff on the person's team, see the network and its sharing."""
    return people_access.can_view_person(user, person)


def can_change_sharing(user: Any, person: Person) -> bool:
    """The person decides; their coordinator or team manager may record it on their instruction."""
    if getattr(user, "role", None) == Role.SERVICE_USER:
        return people_access.can_edit_own_details(user, person)
    if getattr(user, "role", None) not in _STAFF_WHO_CHANGE_SHARING:
        return False
    return people_access.can_view_person(user, person)


def can_switch_crisis_sharing(user: Any, person: Person) -> bool:
    """Clinical staff on the person's team, never the person or a supporter."""
    if getattr(user, "role", None) not in _STAFF_WHO_SWITCH_CRISIS:
        return False
    return people_access.can_view_person(user, person)


def can_respond_to_contributions(user: Any, person: Person) -> bool:
    """Clinical staff on the person's team see and answer what supporters send."""
    if getattr(user, "role", None) == Role.SERVICE_USER:
        return False
    return people_access.can_view_person(user, person)


def can_view_revisits_due(user: Any) -> bool:
    """Clinical staff with a caseload see agreements due to be looked at again."""
    return people_access.can_view_caseload(user)


def contributing_supporter(user: Any) -> Supporter | None:
    """A supporter may always send information or a concern, whatever is shared with them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if getattr(user, "role", None) != Role.SUPPORTER:
        return None
    supporter = Supporter.objects.select_related("person__organisation").filter(user=user).first()
    if supporter is None:
        return None
    if supporter.ended_at is not None:
        return None
    if supporter.person.restricted_at is not None:
        return None
    return supporter


def can_view_carer_profile(user: Any, supporter: Supporter) -> bool:
    """The carer themselves, and clinical staff on the person's team. Never the person here."""
    if getattr(user, "role", None) == Role.SUPPORTER:
        return supporter.user_id == user.pk and supporter.ended_at is None
    if getattr(user, "role", None) == Role.SERVICE_USER:
        return False
    return people_access.can_view_person(user, supporter.person)


def person_sees_carer_profile(user: Any, profile: CarerProfile | None) -> bool:
    """The person sees a carer's own needs only when the carer has chosen to share them."""
    if profile is None or not profile.shared_with_person:
        return False
    return getattr(user, "role", None) == Role.SERVICE_USER


def organisation_for_contribution_policy(user: Any) -> Any | None:
    """The organisation whose contribution policy this user may set: administrators only."""
    if not people_access.can_view_organisation_settings(user):
        return None
    me = people_access.staff_member_of(user)
    return me.organisation if me is not None else None
