"""Reads for sharing pages. ``shared_content`` loads only the parts it is given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from ourplan.consent import part_content
from ourplan.consent.access import Sharing, sharing_for_supporter
from ourplan.consent.models import (
    CarerProfile,
    Contribution,
    ContributionVisibility,
    CrisisDisclosure,
    CrisisSharing,
    OrganisationConsentPolicy,
    SharingAgreement,
)
from ourplan.consent.parts import ALL_PARTS, PLAN_PARTS, Part, ordered
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.people.models import Person, Supporter

REVISIT_WARNING_DAYS = 14


def current_agreement(supporter: Supporter) -> SharingAgreement | None:
    return SharingAgreement.objects.filter(supporter=supporter, revoked_at__isnull=True).first()


def agreements_in_effect(person: Person) -> list[SharingAgreement]:
    """Every agreement not stopped, soonest to revisit first: each is looked at at a review."""
    return list(
        SharingAgreement.objects.filter(person=person, revoked_at__isnull=True)
        .select_related("supporter")
        .order_by("revisit_on")
    )


@dataclass
class NetworkRow:
    supporter: Supporter
    agreement: SharingAgreement | None
    sharing: Sharing

    @property
    def shared(self) -> list[Part]:
        return ordered(self.sharing.parts)

    @property
    def in_crisis(self) -> list[Part]:
        if self.agreement is None or self.agreement.revoked_at is not None:
            return []
        return ordered(frozenset(self.agreement.crisis_parts) - self.sharing.parts)

    @property
    def not_shared(self) -> list[Part]:
        return ordered(ALL_PARTS - self.sharing.parts)


def network_for(person: Person) -> list[NetworkRow]:
    """Everyone in the person's life, with what each can see now."""
    now = timezone.now()
    rows = []
    for supporter in person.supporters.filter(ended_at__isnull=True).select_related("person"):
        sharing = sharing_for_supporter(supporter, now=now)
        rows.append(NetworkRow(supporter, sharing.agreement, sharing))
    return rows


SUPPORTER_VIEW_DAYS_PER_PAGE = 20


def supporters_with_logins(person: Person) -> list[Supporter]:
    """Everyone in the person's life who has (or had) a login, ended supporters included:
    what they looked at before they left the network is still the person's to see."""
    return list(person.supporters.exclude(user__isnull=True).order_by("given_name", "family_name"))


@dataclass(frozen=True)
class SupporterViewsDay:
    day: date
    entries: list[AuditEntry]  # newest first


def supporter_views(
    person: Person, *, supporters: list[Supporter], page_number: Any
) -> tuple[Page[Any], list[SupporterViewsDay]]:
    """What these supporters have viewed of the person's record, a page of days at a time,
    newest day first."""
    entries = AuditEntry.objects.filter(
        person=person,
        actor_id__in=[supporter.user_id for supporter in supporters],
        action__in=[AuditAction.READ, AuditAction.EXPORT],
    ).annotate(day=TruncDate("at"))
    days = entries.values_list("day", flat=True).distinct().order_by("-day")
    page = Paginator(days, SUPPORTER_VIEW_DAYS_PER_PAGE).get_page(page_number)
    on_page = list(page.object_list)
    by_day: dict[date, list[AuditEntry]] = {day: [] for day in on_page}
    for entry in entries.filter(day__in=on_page).order_by("-at", "-id"):
        by_day[entry.day].append(entry)  # type: ignore[attr-defined]
    return page, [SupporterViewsDay(day, by_day[day]) for day in on_page]


def shared_carer_needs(person: Person) -> dict[Any, CarerProfile]:
    """Carers' own needs that each carer has chosen to show the person, by supporter id."""
    return {
        profile.supporter_id: profile
        for profile in CarerProfile.objects.filter(
            supporter__person=person, shared_with_person=True
        )
    }


def carer_profile_of(supporter: Supporter) -> CarerProfile | None:
    return CarerProfile.objects.filter(supporter=supporter).first()


def recent_check_ins(supporter: Supporter) -> QuerySet[Any]:
    return supporter.wellbeing_check_ins.all()[:20]


def open_contributions_count(person: Person) -> int:
    """How many things supporters have sent about the person that no one has acknowledged."""
    return Contribution.objects.filter(person=person, acknowledged_at__isnull=True).count()


def crisis_history(person: Person) -> QuerySet[CrisisSharing]:
    return CrisisSharing.objects.filter(person=person).select_related("switched_on_by", "ended_by")


def crisis_disclosures(person: Person) -> QuerySet[CrisisDisclosure]:
    return CrisisDisclosure.objects.filter(crisis_sharing__person=person).select_related(
        "supporter", "crisis_sharing"
    )


def contribution_policy_record(organisation_id: int) -> OrganisationConsentPolicy | None:
    return OrganisationConsentPolicy.objects.filter(organisation_id=organisation_id).first()


def contribution_policy_of(organisation_id: int) -> str:
    """The organisation's policy; with none documented, the person is not shown anything."""
    policy = contribution_policy_record(organisation_id)
    return policy.person_sees_contributions if policy else ContributionVisibility.NEVER


def contribution_policy(person: Person) -> str:
    return contribution_policy_of(person.organisation_id)


def contributions_for_staff(person: Person) -> QuerySet[Contribution]:
    return Contribution.objects.filter(person=person).select_related("supporter", "acknowledged_by")


def contributions_for_person(person: Person) -> QuerySet[Contribution]:
    """What the organisation's documented policy lets the person see of what supporters send."""
    policy = contribution_policy(person)
    contributions = Contribution.objects.filter(person=person).select_related("supporter")
    # Each contribution also keeps the promise its supporter was given when sending it.
    shown_unless_asked = Q(ask_not_shown=False) & Q(
        visibility_when_sent__in=[
            ContributionVisibility.UNLESS_ASKED,
            ContributionVisibility.ALWAYS,
        ]
    )
    if policy == ContributionVisibility.ALWAYS:
        return contributions.filter(
            Q(visibility_when_sent=ContributionVisibility.ALWAYS) | shown_unless_asked
        )
    if policy == ContributionVisibility.UNLESS_ASKED:
        return contributions.filter(shown_unless_asked)
    return contributions.none()


def contribution_policy_history(organisation_id: int) -> list[Any]:
    """Every documented version of the organisation's policy, newest first."""
    policy = contribution_policy_record(organisation_id)
    if policy is None:
        return []
    return list(policy.history.select_related("changed_by").order_by("-history_date"))


def revisits_due(team_id: int | None, today: date) -> QuerySet[SharingAgreement]:
    """Agreements in effect for the team's people that are due, or due within two weeks."""
    if team_id is None:
        return SharingAgreement.objects.none()
    return (
        SharingAgreement.objects.filter(
            person__team_id=team_id,
            person__restricted_at__isnull=True,
            revoked_at__isnull=True,
            revisit_on__lte=today + timedelta(days=REVISIT_WARNING_DAYS),
        )
        .select_related("person", "supporter")
        .order_by("revisit_on")
    )


def revisits_due_for_person(person: Person, today: date) -> QuerySet[SharingAgreement]:
    return revisits_due(person.team_id, today).filter(person=person)


def shared_content(person: Person, parts: frozenset[str]) -> dict[str, Any]:
    """The record's content for exactly these parts. Parts not given are never loaded.

    The plan's parts come from plans (``shared_plan_content``), the same reads and the same
    sections as the plan's documents, so the supporter's copy carries each shared part whole.
    """
    from ourplan.plans import queries as plan_queries

    # Parts other apps hold (appointments and contacts), loaded only when shared.
    held_elsewhere = part_content.load(parts, person)
    plan_parts = frozenset(parts) & PLAN_PARTS
    return plan_queries.shared_plan_content(person, plan_parts) | {
        "plan_parts": plan_parts,
        "held_elsewhere": held_elsewhere,
    }


def contributions_for_supporter(supporter: Supporter) -> QuerySet[Contribution]:
    """What this supporter sent, with the team's acknowledgement and reply."""
    return Contribution.objects.filter(supporter=supporter).select_related("acknowledged_by")
