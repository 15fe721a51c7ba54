"""Every change to sharing, crisis sharing, contributions and carers' profiles. Atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ourplan.accounts.models import Role
from ourplan.consent import queries
from ourplan.consent.models import (
    CarerProfile,
    Contribution,
    ContributionKind,
    ContributionVisibility,
    CrisisDisclosure,
    CrisisSharing,
    OrganisationConsentPolicy,
    RecordedHow,
    SharingAgreement,
    WellbeingCheckIn,
)
from ourplan.consent.parts import ALL_PARTS, PART_ORDER
from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.people.models import Person, Supporter

REVISIT_AT_MOST_DAYS = 182


def default_revisit_on(person: Person, today: date) -> date:
    """At the next review if one is booked, and at least every six months."""
    from ourplan.plans.models import Review

    longest = today + timedelta(days=REVISIT_AT_MOST_DAYS)
    next_review = (
        Review.objects.filter(plan__person=person, next_review_on__gt=today)
        .order_by("-held_on", "-created_at")
        .values_list("next_review_on", flat=True)
        .first()
    )
    if next_review is not None and next_review < longest:
        return next_review
    return longest


def _clean_parts(parts: Iterable[str], field: str) -> list[str]:
    chosen = {str(p) for p in parts}
    unknown = chosen - ALL_PARTS
    if unknown:
        raise ValidationError({field: _("Choose parts from the list.")})
    return [code for code in PART_ORDER if code in chosen]


@transaction.atomic
def agreement_set(
    *,
    actor: Any,
    person: Person,
    supporter: Supporter,
    parts: Iterable[str],
    crisis_parts: Iterable[str] = (),
    starts_on: date | None = None,
    ends_on: date | None = None,
    recorded_how: str = RecordedHow.ONLINE,
    capacity_note: str = "",
) -> SharingAgreement:
    """Record what the person shares with one supporter, replacing what was agreed before."""
    # Lock the supporter row so two saves for one supporter cannot both create an agreement.
    locked = Supporter.objects.select_for_update().filter(pk=supporter.pk).first()
    if locked is None or locked.person_id != person.pk or locked.ended_at is not None:
        raise ValidationError(
            {"supporter": _("This person is not one of their current supporters.")}
        )
    today = timezone.localdate()
    starts_on = starts_on or today
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date must be on or after the start date.")})
    if ends_on is not None and ends_on < today:
        raise ValidationError({"ends_on": _("The end date must be today or later.")})
    shared = _clean_parts(parts, "parts")
    in_crisis = [p for p in _clean_parts(crisis_parts, "crisis_parts") if p not in shared]
    is_person = getattr(actor, "role", None) == Role.SERVICE_USER
    if is_person:
        recorded_how = RecordedHow.ONLINE
    elif recorded_how not in {RecordedHow.IN_PERSON, RecordedHow.ON_INSTRUCTION}:
        raise ValidationError(
            {"recorded_how": _("Say how the person told you what they want to share.")}
        )
    agreement = SharingAgreement.objects.filter(
        supporter=locked, revoked_at__isnull=True
    ).first() or SharingAgreement(person=person, supporter=locked)
    created = agreement._state.adding
    agreement.parts = shared
    agreement.crisis_parts = in_crisis
    agreement.starts_on = starts_on
    agreement.ends_on = ends_on
    agreement.recorded_how = recorded_how
    agreement.capacity_note = capacity_note.strip()
    agreement.set_by = actor
    agreement.set_at = timezone.now()
    agreement.revisit_on = default_revisit_on(person, today)
    audit.save_recorded(
        agreement,
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="sharing_agreement",
        person=person,
    )
    return agreement


@transaction.atomic
def agreement_revoke(*, actor: Any, agreement: SharingAgreement) -> bool:
    """Stop sharing with a supporter from now. Returns False if it was already stopped."""
    locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.revoked_at is not None:
        return False
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    audit.save_recorded(
        locked,
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="sharing_agreement_stopped",
        person=locked.person,
        update_fields=["revoked_at", "revoked_by"],
    )
    return True


@transaction.atomic
def agreement_confirm(*, actor: Any, agreement: SharingAgreement) -> SharingAgreement:
    """The person looked at the agreement again and it stays as it is: set the next revisit."""
    locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("This agreement has been stopped."))
    locked.revisit_on = default_revisit_on(locked.person, timezone.localdate())
    audit.save_recorded(
        locked,
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="sharing_agreement_revisited",
        person=locked.person,
        update_fields=["revisit_on"],
    )
    return locked


@transaction.atomic
def crisis_sharing_start(*, actor: Any, person: Person, reason: str, hours: int) -> CrisisSharing:
    """Switch on the person's advance crisis agreement, for a recorded reason and at most 72 hours."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for switching on crisis sharing.")})
    if not 1 <= hours <= CrisisSharing.MAX_HOURS:
        raise ValidationError(
            {"hours": _("Crisis sharing lasts from 1 to %(max)d hours.") % {"max": 72}}
        )
    Person.objects.select_for_update().filter(pk=person.pk).first()
    now = timezone.now()
    if CrisisSharing.objects.filter(person=person, ended_at__isnull=True, ends_at__gt=now).exists():
        raise ValidationError(_("Crisis sharing is already on for this person."))
    crisis = CrisisSharing(
        person=person,
        reason=reason,
        started_at=now,
        ends_at=now + timedelta(hours=hours),
        switched_on_by=actor,
    )
    audit.save_recorded(
        crisis,
        actor=actor,
        action=AuditAction.CREATE,
        object_type="crisis_sharing",
        person=person,
    )
    return crisis


@transaction.atomic
def crisis_sharing_end(*, actor: Any, crisis: CrisisSharing) -> bool:
    locked = CrisisSharing.objects.select_for_update().get(pk=crisis.pk)
    if locked.ended_at is not None or locked.ends_at <= timezone.now():
        return False
    locked.ended_at = timezone.now()
    locked.ended_by = actor
    audit.save_recorded(
        locked,
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="crisis_sharing_ended",
        person=locked.person,
        update_fields=["ended_at", "ended_by"],
    )
    return True


def disclosures_record(
    *, crisis: CrisisSharing, supporter: Supporter, parts: Iterable[str]
) -> None:
    """Note each part shown only because crisis sharing was on, so the person is told later."""
    CrisisDisclosure.objects.bulk_create(
        CrisisDisclosure(crisis_sharing=crisis, supporter=supporter, part=part)
        for part in sorted(parts)
    )


@transaction.atomic
def contribution_send(
    *,
    actor: Any,
    supporter: Supporter,
    kind: str,
    text: str,
    ask_not_shown: bool = False,
    policy_shown: str | None = None,
) -> Contribution:
    """A supporter tells the team something. Always allowed, whatever is shared with them.

    ``policy_shown`` is what the form told the supporter; if the organisation's policy
    changed while they wrote, the stricter of the two is kept with the contribution.
    """
    if supporter.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the supporter can send this."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what you want to tell the team.")})
    if kind not in ContributionKind.values:
        raise ValidationError({"kind": _("Choose information or a concern.")})
    contribution = Contribution(
        person=supporter.person,
        supporter=supporter,
        kind=kind,
        text=text,
        ask_not_shown=ask_not_shown,
        visibility_when_sent=_visibility_promised(supporter, policy_shown),
        created_by=actor,
    )
    audit.save_recorded(
        contribution,
        actor=actor,
        action=AuditAction.CREATE,
        object_type="contribution",
        person=supporter.person,
    )
    return contribution


def _visibility_promised(supporter: Supporter, policy_shown: str | None) -> str:
    current = queries.contribution_policy(supporter.person)
    if policy_shown not in ContributionVisibility.values:
        return current
    return ContributionVisibility.stricter(current, str(policy_shown))


@transaction.atomic
def contribution_policy_set(
    *, actor: Any, organisation: Any, person_sees_contributions: str, reason: str
) -> OrganisationConsentPolicy:
    """Document whether people see what their supporters send, and why.

    Contributions already sent keep the promise made when they were sent, so a more
    open policy only applies to what supporters send from now on.
    """
    if person_sees_contributions not in ContributionVisibility.values:
        raise ValidationError(
            {"person_sees_contributions": _("Choose one of the policies listed.")}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why, so the policy is documented for staff and supporters.")}
        )
    policy = OrganisationConsentPolicy.objects.select_for_update().filter(
        organisation=organisation
    ).first() or OrganisationConsentPolicy(organisation=organisation)
    policy.person_sees_contributions = person_sees_contributions
    policy.reason = reason
    policy.changed_by = actor
    policy.changed_at = timezone.now()
    return audit.save_recorded(
        policy,
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="contribution_policy",
        person=None,
    )


@transaction.atomic
def contribution_respond(
    *, actor: Any, contribution: Contribution, reply: str = ""
) -> Contribution:
    """Staff acknowledge what a supporter sent, with a reply if they have one."""
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if locked.acknowledged_at is None:
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor
    if reply.strip():
        locked.reply = reply.strip()
    audit.save_recorded(
        locked,
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="contribution",
        person=locked.person,
    )
    return locked


def _profile(supporter: Supporter) -> CarerProfile:
    profile, _created = CarerProfile.objects.select_for_update().get_or_create(supporter=supporter)
    return profile


def _save_profile(profile: CarerProfile, *, actor: Any) -> CarerProfile:
    """Check, save and audit a carer profile. It is the carer's record, not the person's."""
    profile.updated_at = timezone.now()
    audit.save_recorded(
        profile,
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="carer_profile",
        person=None,
    )
    return profile


@transaction.atomic
def carer_needs_update(
    *, actor: Any, supporter: Supporter, own_needs: str, shared_with_person: bool
) -> CarerProfile:
    """The carer writes their own needs and decides whether the person may see them."""
    if supporter.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the carer can change this."))
    profile = _profile(supporter)
    profile.own_needs = own_needs.strip()
    profile.shared_with_person = shared_with_person
    return _save_profile(profile, actor=actor)


@transaction.atomic
def carer_support_update(*, actor: Any, supporter: Supporter, **fields: Any) -> CarerProfile:
    """Staff record the carer's assessment, information given and signposting."""
    allowed = {"assessment_offered_on", "assessment_outcome", "information_given", "signposting"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown carer profile fields: {sorted(unknown)}")
    profile = _profile(supporter)
    for name, value in fields.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    return _save_profile(profile, actor=actor)


@transaction.atomic
def wellbeing_check_in(
    *, actor: Any, supporter: Supporter, score: int, note: str = ""
) -> WellbeingCheckIn:
    if supporter.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the carer can check in."))
    check_in = WellbeingCheckIn(supporter=supporter, score=score, note=note.strip())
    check_in.full_clean()
    check_in.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="carer_check_in",
        object_id=check_in.pk,
        person=None,
    )
    return check_in
