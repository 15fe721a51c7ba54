"""Who may see which parts of a person's record, and who may change sharing. Deny by default.

``sharing_for`` is the one policy for supporters: every supporter page, partial and
PDF asks it on every request, so a change or a stop takes effect on the next request.
Its pure core, ``parts_in_effect``, is what the property-based tests exercise.

The ``can_*`` rules answer one question about a user and a record. The ``access_*``
functions at the end are the thin adapters views call: fetch, ask the rule, refuse
(``Refused``, logged once by the 403 handler) or write the page's one ``read`` entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.consent.models import Contribution, CrisisSharing, SharingAgreement
from ourplan.consent.parts import ALL_PARTS, shown_id
from ourplan.core import audit
from ourplan.core.refusal import Refused, fetch_or_refuse
from ourplan.people import access as people_access
from ourplan.people.models import Organisation, Person, Supporter

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


def can_contribute(user: Any, supporter: Supporter) -> bool:
    """A supporter may always send information or a concern, whatever is shared with them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "role", None) != Role.SUPPORTER:
        return False
    if supporter.user_id != user.pk:
        return False
    if supporter.ended_at is not None:
        return False
    return supporter.person.restricted_at is None


def can_view_carer_profile(user: Any, supporter: Supporter) -> bool:
    """The carer themselves, and clinical staff on the person's team. Never the person here."""
    if getattr(user, "role", None) == Role.SUPPORTER:
        return supporter.user_id == user.pk and supporter.ended_at is None
    if getattr(user, "role", None) == Role.SERVICE_USER:
        return False
    return people_access.can_view_person(user, supporter.person)


def can_set_contribution_policy(user: Any) -> bool:
    """Administrators document their organisation's policy on what supporters send."""
    return people_access.can_view_organisation_settings(user)


# Thin adapters: what views call. Each fetches, asks a rule above and writes one read.

SHARED_VIEW = "shared_view"
SHARED_COPY = "shared_copy"


def access_sharing(user: Any, person_id: object) -> Person:
    """The person whose network and sharing choices this user may see (read as ``sharing``)."""
    return people_access.access_person_record(
        user, person_id, object_type="sharing", rule=can_view_sharing
    )


def access_supporter_to_share_with(
    user: Any, person_id: object, supporter_id: object, *, audit_read: bool = True
) -> Supporter:
    """A current supporter of a person whose sharing this user may change (read as the supporter)."""
    return people_access.access_supporter(
        user, person_id, supporter_id, rule=can_change_sharing, audit_read=audit_read
    )


def access_agreement(user: Any, person_id: object, agreement_id: object) -> SharingAgreement:
    """One of the person's agreements, to stop or confirm. Only changes use it: no read."""
    return fetch_or_refuse(
        SharingAgreement.objects.select_related("supporter", "person"),
        "sharing_agreement",
        agreement_id,
        lambda found: (
            str(found.person_id) == str(person_id) and can_change_sharing(user, found.person)
        ),
    )


def access_crisis_agreements(user: Any, person_id: object, *, audit_read: bool = True) -> Person:
    """The person whose crisis sharing this user may switch on or off.

    Read as ``crisis_agreements``: the page shows what each supporter may see in a crisis.
    """
    return people_access.access_person_record(
        user,
        person_id,
        object_type="crisis_agreements",
        rule=can_switch_crisis_sharing,
        audit_read=audit_read,
    )


def access_contributions(user: Any, person_id: object, *, audit_read: bool = True) -> Person:
    """The person whose supporters' contributions this user may read and answer."""
    return people_access.access_person_record(
        user,
        person_id,
        object_type="contributions",
        rule=can_respond_to_contributions,
        audit_read=audit_read,
    )


def access_contribution(user: Any, person_id: object, contribution_id: object) -> Contribution:
    """One contribution about this person, to acknowledge. Only changes use it: no read."""
    return fetch_or_refuse(
        Contribution.objects.select_related("person", "supporter"),
        "contribution",
        contribution_id,
        lambda found: (
            str(found.person_id) == str(person_id)
            and can_respond_to_contributions(user, found.person)
        ),
    )


def access_carer_support(
    user: Any, person_id: object, supporter_id: object, *, audit_read: bool = True
) -> Supporter:
    """A carer of this person whose own needs and support this member of staff may see.

    Read as ``carer_support`` with the supporter's id and the person: the page is part of
    the person's record. The person's log names the carer, never what the carer wrote.
    """
    supporter = people_access.access_supporter(
        user, person_id, supporter_id, rule=can_respond_to_contributions, audit_read=False
    )
    if not can_view_carer_profile(user, supporter):
        raise Refused("carer_support", supporter.pk)
    if audit_read:
        audit.record_read(
            user, object_type="carer_support", object_id=supporter.pk, person=supporter.person
        )
    return supporter


def access_contributing_supporter(user: Any, *, page: str) -> Supporter:
    """This login's own supporter record, to send something or look after their own needs.

    No read: these pages show nothing of the person's record.
    """
    return people_access.access_own_supporter_record(user, page=page, rule=can_contribute)


@dataclass(frozen=True)
class SharedView:
    """What one supporter is shown now: the policy's answer for their own record."""

    supporter: Supporter
    sharing: Sharing


def access_shared_view(user: Any, *, page: str, printed: bool = False) -> SharedView:
    """What this supporter may see of the person now, with the ONE read entry for it.

    The entry is ``shared_view`` (their home page) or ``shared_copy`` (the PDF); its id
    names the parts shown (``parts.shown_id``), so the person's log says in words what was
    seen. A copy with nothing in it is refused.
    """
    rule = can_contribute if printed else people_access.can_view_supporter_account
    supporter = people_access.access_own_supporter_record(user, page=page, rule=rule)
    sharing = sharing_for(user, supporter.person)
    if printed and not sharing.parts:
        raise Refused(SHARED_COPY, supporter.pk)
    audit.record_read(
        user,
        object_type=SHARED_COPY if printed else SHARED_VIEW,
        object_id=shown_id(sharing.parts),
        person=supporter.person,
    )
    return SharedView(supporter=supporter, sharing=sharing)


def access_organisation_for_contribution_policy(user: Any) -> Organisation:
    """The organisation whose contribution policy this administrator sets."""
    staff = people_access.staff_member_of(user) if can_set_contribution_policy(user) else None
    if staff is None:
        raise Refused("page", "consent:contribution_policy")
    return staff.organisation
