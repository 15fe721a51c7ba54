"""Demo: six weeks of people looking at the demo people's records, and an IG lead. All invented.

For each demo person with a login, the log is filled with what a care team does in six
weeks: the care coordinator most weekdays, the psychiatrist weekly, the peer support worker
now and then, the team manager in supervision, a colleague covering leave, a review with
its documents, the sister who supports them looking at what is shared, and a night when
crisis sharing was switched on. Caseload listings and the person's own visits are logged
too, as the apps would, and left off the page. The other team's manager is the
organisation's information governance lead; the person has asked two questions, one
answered. Loading is idempotent: a person whose demo log exists is left alone.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ourplan.accounts.models import Role, User
from ourplan.consent.models import CrisisDisclosure, CrisisSharing, SharingAgreement
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.people.models import Person, StaffMember, Supporter
from ourplan.record_access.models import (
    LEAD_TYPE,
    QUESTION_TYPE,
    GovernanceLead,
    QuestionStatus,
    RecordAccessQuestion,
)

DEMO_REQUEST_ID = "demo-record-access"
DAYS = 42
PERSON_LOGINS = ("person", "person.cy")


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Log:
    """Collects the entries for one person, to write in one insert."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.entries: list[AuditEntry] = []

    def add(
        self,
        actor: User,
        at: datetime,
        object_type: str,
        object_id: object,
        action: str = AuditAction.READ,
    ) -> AuditEntry:
        entry = AuditEntry(
            at=at,
            actor=actor,
            actor_role=actor.role,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            person=self.person,
            request_id=DEMO_REQUEST_ID,
        )
        self.entries.append(entry)
        return entry


def _team_staff(person: Person, role: str) -> list[User]:
    return [
        member.user
        for member in StaffMember.objects.filter(team=person.team, user__role=role)
        .select_related("user")
        .order_by("user__username")
    ]


def _governance_lead(person: Person) -> User | None:
    """The manager of the organisation's other team, named IG lead by its administrator."""
    existing = GovernanceLead.objects.filter(
        organisation=person.organisation, ended_at__isnull=True
    ).first()
    if existing is not None:
        return existing.user
    admin = (
        StaffMember.objects.filter(organisation=person.organisation, user__role=Role.ADMINISTRATOR)
        .select_related("user")
        .first()
    )
    colleague = (
        StaffMember.objects.filter(organisation=person.organisation, user__role=Role.TEAM_MANAGER)
        .exclude(team=person.team)
        .select_related("user")
        .first()
    )
    if admin is None or colleague is None:
        return None
    granted_at = timezone.now() - timedelta(days=90)
    lead = GovernanceLead.objects.create(
        organisation=person.organisation,
        user=colleague.user,
        granted_by=admin.user,
        granted_at=granted_at,
    )
    AuditEntry.objects.create(
        at=granted_at,
        actor=admin.user,
        actor_role=admin.user.role,
        action=AuditAction.CREATE,
        object_type=LEAD_TYPE,
        object_id=str(lead.pk),
        request_id=DEMO_REQUEST_ID,
    )
    return colleague.user


def _shown_id(parts: list[str]) -> str:
    return ",".join(sorted(parts))


def _fill(person: Person, lead: User | None) -> None:
    rng = random.Random(f"record-access-demo-{person.nhs_number}")
    plan = getattr(person, "plan", None)
    coordinator_membership = (
        person.care_team.filter(is_coordinator=True, ended_on__isnull=True)
        .select_related("staff__user")
        .first()
    )
    if plan is None or coordinator_membership is None:
        return
    coordinator = coordinator_membership.staff.user
    colleagues = [u for u in _team_staff(person, Role.CARE_COORDINATOR) if u != coordinator]
    clinicians = _team_staff(person, Role.CLINICIAN)
    peers = _team_staff(person, Role.PEER_SUPPORT_WORKER)
    managers = _team_staff(person, Role.TEAM_MANAGER)
    supporter = Supporter.objects.filter(person=person, user__isnull=False).first()
    agreement = (
        SharingAgreement.objects.filter(supporter=supporter, revoked_at__isnull=True).first()
        if supporter is not None
        else None
    )
    log = _Log(person)
    everyday = [
        ("person", person.pk),
        ("plan", plan.pk),
        ("about_me", plan.about_me.pk),
        ("staying_well_plan", plan.staying_well.pk),
        ("crisis_plan", plan.crisis.pk),
        ("sharing", person.pk),
        ("care_team", person.pk),
        ("contributions", person.pk),
    ]
    today = timezone.localdate()
    review_day = today - timedelta(days=6)
    crisis_day = today - timedelta(days=16)
    covering_day = today - timedelta(days=23)
    duty_day = today - timedelta(days=9)
    questions: list[tuple[AuditEntry, str, str]] = []
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        weekday = day.weekday() < 5
        if weekday:
            # The caseload list, seen by the team's coordinators: logged, never shown.
            for listing in [coordinator, *colleagues]:
                log.add(
                    listing,
                    _at(day, 8, 40 + rng.randrange(15)),
                    "caseload",
                    person.pk,
                    action=AuditAction.SEARCH,
                )
        if weekday and rng.random() < 0.9:
            hour = rng.randrange(9, 16)
            for index, (object_type, object_id) in enumerate(
                rng.sample(everyday, rng.randrange(3, 7))
            ):
                log.add(coordinator, _at(day, hour, 5 + index * 7), object_type, object_id)
            if rng.random() < 0.2:
                part = rng.choice(
                    [("about_me", plan.about_me.pk), ("staying_well_plan", plan.staying_well.pk)]
                )
                log.add(coordinator, _at(day, hour, 40), *part, action=AuditAction.UPDATE)
        if clinicians and day.weekday() == 1:
            for index, object_type in enumerate(("person", "plan", "crisis_plan")):
                object_id = dict(everyday)[object_type]
                log.add(clinicians[0], _at(day, 14, 10 + index * 4), object_type, object_id)
        if peers and weekday and rng.random() < 0.12:
            log.add(peers[0], _at(day, 11, 20), "about_me", plan.about_me.pk)
            log.add(peers[0], _at(day, 11, 26), "staying_well_plan", plan.staying_well.pk)
        if managers and day.weekday() == 3 and back % 14 < 7:
            log.add(managers[0], _at(day, 15, 30), "plan", plan.pk)
            log.add(managers[0], _at(day, 15, 34), "care_team", person.pk)
        if supporter is not None and supporter.user and agreement and rng.random() < 0.5:
            log.add(
                supporter.user,
                _at(day, 19, rng.randrange(60)),
                "shared_view",
                _shown_id(agreement.parts),
            )
        if person.user is not None and rng.random() < 0.25:
            log.add(person.user, _at(day, 20, 15), "plan", plan.pk)  # their own: not shown
        if day == covering_day and colleagues:
            log.add(colleagues[0], _at(day, 10, 2), "person", person.pk)
            entry = log.add(colleagues[0], _at(day, 10, 6), "plan", plan.pk)
            questions.append((entry, "I have never met this person. Who are they?", "answered"))
        if day == duty_day and len(colleagues) > 1:
            entry = log.add(colleagues[1], _at(day, 17, 48), "crisis_plan", plan.crisis.pk)
            questions.append((entry, "", "open"))
        if day == review_day:
            for index, (object_type, object_id) in enumerate(everyday[:5]):
                log.add(coordinator, _at(day, 10, index * 3), object_type, object_id)
                if managers:
                    log.add(managers[0], _at(day, 10, 1 + index * 3), object_type, object_id)
            log.add(
                coordinator,
                _at(day, 10, 50),
                "staying_well_plan",
                plan.staying_well.pk,
                action=AuditAction.UPDATE,
            )
            log.add(
                coordinator,
                _at(day, 11, 5),
                "statutory_document",
                plan.pk,
                action=AuditAction.EXPORT,
            )
            log.add(coordinator, _at(day, 11, 7), "person_copy", plan.pk, action=AuditAction.EXPORT)
        if day == crisis_day and supporter is not None and supporter.user and agreement:
            started = _at(day, 19, 40)
            crisis = CrisisSharing.objects.create(
                person=person,
                reason=f"{person.called} had not answered calls for two days and "
                f"{supporter.given_name} was worried.",
                started_at=started,
                ends_at=started + timedelta(hours=24),
                switched_on_by=coordinator,
                ended_at=started + timedelta(hours=15),
                ended_by=coordinator,
            )
            log.add(coordinator, started, "crisis_sharing", crisis.pk, action=AuditAction.CREATE)
            shown = _shown_id(agreement.parts + agreement.crisis_parts)
            for minutes in (12, 55, 150):
                log.add(supporter.user, started + timedelta(minutes=minutes), "shared_view", shown)
            for part in agreement.crisis_parts:
                CrisisDisclosure.objects.create(
                    crisis_sharing=crisis,
                    supporter=supporter,
                    part=part,
                    at=started + timedelta(minutes=12),
                )
            log.add(
                coordinator,
                started + timedelta(hours=15),
                "crisis_sharing_ended",
                crisis.pk,
                action=AuditAction.UPDATE,
            )
    AuditEntry.objects.bulk_create(log.entries)
    _ask(person, lead, questions)


def _ask(person: Person, lead: User | None, questions: list[tuple[AuditEntry, str, str]]) -> None:
    """The person's questions, one answered by the IG lead, with the entries they leave."""
    if person.user is None or lead is None:
        return
    for entry, note, status in questions:
        asked_at = entry.at + timedelta(days=2, hours=3)
        question = RecordAccessQuestion.objects.create(
            person=person, entry=entry, asked_by=person.user, asked_at=asked_at, note=note
        )
        trail = [(person.user, asked_at, AuditAction.CREATE)]
        if status == QuestionStatus.ANSWERED:
            covering = entry.actor.display_name if entry.actor else ""
            answered_at = asked_at + timedelta(days=1, hours=2)
            RecordAccessQuestion.objects.filter(pk=question.pk).update(
                status=QuestionStatus.ANSWERED,
                answer=(
                    f"{covering} is a care coordinator in your team. They covered for your "
                    "care coordinator during their leave, and opened your details and your "
                    "plan before a phone call with you. That was part of their work. Nothing "
                    "else was opened. Thank you for asking."
                ),
                answered_by=lead,
                answered_at=answered_at,
            )
            trail += [
                (lead, answered_at - timedelta(minutes=20), AuditAction.READ),
                (lead, answered_at, AuditAction.UPDATE),
            ]
        AuditEntry.objects.bulk_create(
            AuditEntry(
                at=at,
                actor=actor,
                actor_role=actor.role,
                action=action,
                object_type=QUESTION_TYPE,
                object_id=str(question.pk),
                person=person,
                request_id=DEMO_REQUEST_ID,
            )
            for actor, at, action in trail
        )


@transaction.atomic
def load_demo_record_access() -> list[Any]:
    """Six weeks of who looked at each demo person with a login, and an IG lead. Idempotent."""
    for username in PERSON_LOGINS:
        person = (
            Person.objects.filter(user__username=username)
            .select_related("organisation", "team", "user")
            .first()
        )
        if person is None:
            continue
        lead = _governance_lead(person)
        if AuditEntry.objects.filter(person=person, request_id=DEMO_REQUEST_ID).exists():
            continue
        _fill(person, lead)
    return []
