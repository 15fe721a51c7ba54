"""Demo networks and sharing: every kind of supporter, and agreements in every state. All invented."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ourplan.accounts.models import Role, User
from ourplan.consent import services
from ourplan.consent.models import (
    CarerProfile,
    Contribution,
    ContributionKind,
    ContributionVisibility,
    OrganisationConsentPolicy,
    RecordedHow,
    SharingAgreement,
)
from ourplan.people.models import ContactMethod, Person, StaffMember, Supporter, SupporterKind

# given name, kind, relationship, identified carer, nearest relative, contact
_NETWORK = (
    ("Lowri", SupporterKind.CARER, "my partner", True, False, ContactMethod.PHONE),
    ("Pat", SupporterKind.FAMILY, "my brother", False, True, ContactMethod.PHONE),
    (
        "Ifan",
        SupporterKind.FRIEND,
        "my friend from the allotment",
        False,
        False,
        ContactMethod.TEXT,
    ),
    ("Rhiannon", SupporterKind.ADVOCATE, "my advocate", False, False, ContactMethod.EMAIL),
    ("Carys", SupporterKind.FAMILY, "my aunt", False, False, ContactMethod.LETTER),
    ("Jo", SupporterKind.FRIEND, "my old flatmate", False, False, ContactMethod.TEXT),
)


def _network(person: Person) -> dict[str, Supporter]:
    found = {s.given_name: s for s in person.supporters.all()}
    for given, kind, relationship, carer, nearest, contact in _NETWORK:
        if given not in found:
            found[given] = Supporter.objects.create(
                person=person,
                given_name=given,
                family_name=person.family_name if kind == SupporterKind.FAMILY else "Demo",
                kind=kind,
                relationship=relationship,
                is_identified_carer=carer,
                is_nearest_relative=nearest,
                preferred_contact=contact,
            )
    return found


def _documented_policies() -> None:
    """Each demo organisation has documented what people see of their supporters' messages."""
    for admin in StaffMember.objects.filter(user__role=Role.ADMINISTRATOR).select_related(
        "user", "organisation"
    ):
        if OrganisationConsentPolicy.objects.filter(organisation=admin.organisation).exists():
            continue
        services.contribution_policy_set(
            actor=admin.user,
            organisation=admin.organisation,
            person_sees_contributions=ContributionVisibility.UNLESS_ASKED,
            reason=(
                "Agreed with the carers' reference group: people are shown what supporters "
                "send, unless a supporter asks us not to, for example because of a risk."
            ),
        )


@transaction.atomic
def load_demo_consent() -> list[Any]:
    """Sharing for the demo people who have logins. Idempotent."""
    _documented_policies()
    for username in ("supporter", "supporter.cy"):
        login = User.objects.filter(username=username).first()
        supporter = Supporter.objects.filter(user=login).select_related("person").first()
        if supporter is None:
            continue
        person = supporter.person
        if SharingAgreement.objects.filter(person=person).exists():
            continue
        staff = (
            person.care_team.filter(is_coordinator=True, ended_on__isnull=True)
            .select_related("staff__user")
            .first()
        )
        if staff is None:
            continue
        coordinator = staff.staff.user
        if not supporter.is_identified_carer:
            supporter.is_identified_carer = True
            supporter.save(update_fields=["is_identified_carer"])
        network = _network(person)
        today = timezone.localdate()
        # The login: several parts shared, more in a crisis.
        services.agreement_set(
            actor=coordinator,
            person=person,
            supporter=supporter,
            parts=["about_me", "goals", "staying_well", "crisis"],
            crisis_parts=["safety"],
            recorded_how=RecordedHow.IN_PERSON,
        )
        # Nearest relative: the crisis plan only, until a date.
        services.agreement_set(
            actor=coordinator,
            person=person,
            supporter=network["Pat"],
            parts=["crisis"],
            crisis_parts=["staying_well"],
            ends_on=today + timedelta(days=90),
            recorded_how=RecordedHow.ON_INSTRUCTION,
            capacity_note="Discussed when well; the person understood and decided.",
        )
        # Advocate: reviews, to support the person at them.
        services.agreement_set(
            actor=coordinator,
            person=person,
            supporter=network["Rhiannon"],
            parts=["reviews", "goals"],
            recorded_how=RecordedHow.IN_PERSON,
        )
        # Friend: shared once, then stopped.
        stopped = services.agreement_set(
            actor=coordinator,
            person=person,
            supporter=network["Ifan"],
            parts=["goals"],
            recorded_how=RecordedHow.IN_PERSON,
        )
        services.agreement_revoke(actor=coordinator, agreement=stopped)
        # Aunt: an agreement that has ended (written directly: the service refuses past dates).
        SharingAgreement.objects.create(
            person=person,
            supporter=network["Carys"],
            parts=["about_me"],
            starts_on=today - timedelta(days=200),
            ends_on=today - timedelta(days=20),
            revisit_on=today - timedelta(days=20),
            recorded_how=RecordedHow.IN_PERSON,
            set_by=coordinator,
        )
        # Jo: nothing shared.
        if (
            supporter.user is not None
            and not Contribution.objects.filter(supporter=supporter).exists()
        ):
            services.contribution_send(
                actor=supporter.user,
                supporter=supporter,
                kind=ContributionKind.INFORMATION,
                text="Sleep has been poor this week; early mornings are the hardest.",
            )
            CarerProfile.objects.get_or_create(
                supporter=supporter,
                defaults={
                    "own_needs": "A break now and then, and to know who to ring at night.",
                    "assessment_offered_on": today - timedelta(days=30),
                    "assessment_outcome": "Accepted; booked with the carers' centre.",
                    "information_given": "Carers' information pack; psychosis education evening.",
                    "signposting": "Local carers' centre peer group, Tuesdays.",
                },
            )
    return []
