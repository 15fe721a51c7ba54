"""The demo working day: contacts over 18 months, appointments to come, coordinators' profiles,
people's preferences, a change of care coordinator with its handover, a carer's worried
message, and the inboxes that follow. Everything is invented. Idempotent.

Runs after the people, plans and consent demos (core/demo_loaders.py), so the plans'
stages (new, active, stuck, nearly moving on) give the worklists their overdue reviews,
unsigned versions and stuck indicators.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ourplan.accounts.models import User
from ourplan.consent import services as consent
from ourplan.consent.models import Contribution, ContributionKind
from ourplan.coordination import notifications, services
from ourplan.coordination.models import (
    Allocation,
    AllocationPreferences,
    Contact,
    ContactMode,
    ContactOutcome,
    CoordinatorProfile,
    Gender,
    NeedLevel,
)
from ourplan.people.models import CareTeamMembership, Person, StaffMember, Supporter
from ourplan.plans.models import Goal, GoalStatus, Plan

SEED = 20261201
DEMO_ORGANISATIONS = ("ZZE01", "ZZW01")
MONTHS = 18

# username: (gender, speaks Welsh, skills, caseload target, work phone, how to reach them)
_PROFILES: dict[str, tuple[str, bool, str, int, str, str]] = {
    "coordinator": (
        Gender.WOMAN,
        False,
        "psychosis, early intervention, family work",
        25,
        "01632 960101",
        "weekdays 9am to 5pm; text first if you prefer",
    ),
    "coordinator2": (
        Gender.MAN,
        False,
        "housing, benefits, personal budgets",
        25,
        "01632 960102",
        "Monday to Thursday, 9am to 5pm",
    ),
    "coordinator3": (
        Gender.WOMAN,
        False,
        "work and volunteering, daily routines",
        20,
        "01632 960103",
        "weekdays, mornings are best",
    ),
    "westcoordinator": (Gender.MAN, False, "substance use, young adults", 25, "01632 960104", ""),
    "westcoordinator2": (
        Gender.WOMAN,
        False,
        "trauma, eating difficulties",
        18,
        "01632 960105",
        "",
    ),
    "cydlynydd": (
        Gender.WOMAN,
        True,
        "psychosis, rural outreach",
        25,
        "01632 960201",
        "dydd Llun i ddydd Gwener / weekdays",
    ),
    "cydlynydd2": (Gender.MAN, True, "housing, debt advice", 25, "01632 960202", ""),
    "cydlynydd3": (Gender.WOMAN, False, "work and education", 22, "01632 960203", ""),
    "llanfaircydlynydd": (Gender.WOMAN, True, "older adults, carers", 25, "01632 960204", ""),
    "llanfaircydlynydd2": (Gender.MAN, False, "young adults", 25, "01632 960205", ""),
}

_MODES = (
    (ContactMode.HOME, 30),
    (ContactMode.CLINIC, 20),
    (ContactMode.COMMUNITY, 15),
    (ContactMode.PHONE, 20),
    (ContactMode.VIDEO, 5),
    (ContactMode.CARER, 5),
    (ContactMode.CASEWORK, 5),
)
_MINUTES = {
    ContactMode.HOME: (40, 90),
    ContactMode.CLINIC: (30, 60),
    ContactMode.COMMUNITY: (45, 120),
    ContactMode.PHONE: (10, 30),
    ContactMode.VIDEO: (20, 45),
    ContactMode.CARER: (20, 50),
    ContactMode.CASEWORK: (15, 45),
}
_NOTES = (
    "Walked to the park together; talked about the next step.",
    "Went through the letters from the council; one to answer by Friday.",
    "Talked about sleep and what helped last time.",
    "Met at the café by the station; planned the cookery course visit.",
    "Rang to check in after the hospital appointment.",
    "Helped fill in the bus pass form.",
    "Talked with their sister about the crisis plan.",
    "",
    "",
    "",
)
_TIMES = ("Mornings, at home or the café by the station", "Afternoons after 2pm", "Not Mondays")


def _profiles() -> None:
    for username, (gender, welsh, skills, target, phone, reach) in _PROFILES.items():
        staff = StaffMember.objects.filter(user__username=username).select_related("user").first()
        if staff is None or CoordinatorProfile.objects.filter(staff=staff).exists():
            continue
        CoordinatorProfile.objects.create(
            staff=staff,
            gender=gender,
            speaks_welsh=welsh,
            skills=skills,
            caseload_target=target,
            work_phone=phone,
            how_to_reach=reach,
            updated_by=staff.user,
        )


def _preferences(people: list[Person], rng: random.Random) -> None:
    for index, person in enumerate(people):
        if AllocationPreferences.objects.filter(person=person).exists():
            continue
        welsh = person.preferred_language == "cy"
        if not welsh and index % 3:
            continue
        AllocationPreferences.objects.create(
            person=person,
            welsh=welsh,
            gender=rng.choice((Gender.WOMAN, "", "", Gender.MAN)),
            times_and_places=rng.choice(_TIMES),
            need_level=rng.choice((NeedLevel.USUAL, NeedLevel.USUAL, NeedLevel.MORE)),
        )


def _spell_at(spells: list[CareTeamMembership], day: Any) -> CareTeamMembership | None:
    for spell in spells:
        if spell.started_on <= day and (spell.ended_on is None or day < spell.ended_on):
            return spell
    return None


def _at(day: Any, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.choice((9, 10, 11, 13, 14, 15)), 0)))


def _contacts(people: list[Person], today: Any) -> None:
    """About two contacts a month per person over 18 months, with the coordinator of the day.

    Every seventh person has not been seen for six to ten weeks, so worklists show them.
    Written in bulk with history: a demo of 18 months, not 18 months of audited requests.
    """
    start = today - timedelta(days=MONTHS * 30)
    modes = [mode for mode, weight in _MODES for _ in range(weight)]
    for index, person in enumerate(people):
        if Contact.objects.filter(person=person).exists():
            continue
        rng = random.Random(f"{SEED}-{person.nhs_number}")
        spells = list(
            CareTeamMembership.objects.filter(person=person, is_coordinator=True)
            .select_related("staff__user")
            .order_by("started_on")
        )
        if not spells:
            continue
        goals = list(Goal.objects.filter(plan__person=person, status=GoalStatus.ACTIVE))
        quiet_since = today - timedelta(days=rng.randrange(42, 70)) if index % 7 == 3 else today
        day = max(start, spells[0].started_on)
        made: list[Contact] = []
        links: list[tuple[int, list[Goal]]] = []
        while day < quiet_since:
            spell = _spell_at(spells, day)
            if spell is not None:
                mode = rng.choice(modes)
                low, high = _MINUTES[mode]
                roll = rng.random()
                outcome = (
                    ContactOutcome.DID_NOT_ATTEND
                    if roll < 0.08 and mode != ContactMode.CASEWORK
                    else ContactOutcome.CANCELLED
                    if roll < 0.12 and mode != ContactMode.CASEWORK
                    else ContactOutcome.HAPPENED
                )
                minutes = rng.randrange(low, high + 1, 5)
                if outcome == ContactOutcome.CANCELLED:
                    minutes = 0
                elif outcome == ContactOutcome.DID_NOT_ATTEND:
                    minutes = rng.choice((0, 15, 30))
                made.append(
                    Contact(
                        person=person,
                        staff=spell.staff,
                        mode=mode,
                        outcome=outcome,
                        starts_at=_at(day, rng),
                        duration_minutes=minutes,
                        note=rng.choice(_NOTES) if outcome == ContactOutcome.HAPPENED else "",
                        recorded_by=spell.staff.user,
                        recorded_at=_at(day, rng) + timedelta(hours=2),
                    )
                )
                moved = [g for g in goals if rng.random() < 0.2] if goals else []
                links.append((len(made) - 1, moved))
            day += timedelta(days=rng.randrange(8, 22))
        saved = bulk_create_with_history(made, Contact, batch_size=500)
        through = Contact.goals.through
        through.objects.bulk_create(
            [
                through(contact_id=saved[position].pk, goal_id=goal.pk)
                for position, moved in links
                for goal in moved
            ]
        )


def _appointments(people: list[Person], today: Any) -> None:
    """Appointments to come for most people; two past ones waiting to be said what happened."""
    for index, person in enumerate(people):
        if Contact.objects.filter(person=person, outcome=ContactOutcome.PLANNED).exists():
            continue
        current = (
            CareTeamMembership.objects.filter(
                person=person, is_coordinator=True, ended_on__isnull=True
            )
            .select_related("staff__user")
            .first()
        )
        if current is None or index % 5 == 4:
            continue
        rng = random.Random(f"{SEED}-appointment-{person.nhs_number}")
        is_login = person.user_id is not None
        day = today + timedelta(days=3 if is_login else rng.randrange(1, 22))
        Contact.objects.create(
            person=person,
            staff=current.staff,
            mode=ContactMode.HOME
            if is_login
            else rng.choice((ContactMode.HOME, ContactMode.CLINIC)),
            outcome=ContactOutcome.PLANNED,
            starts_at=_at(day, rng),
            duration_minutes=60,
            note="At home; I will bring the review papers." if is_login else "",
            recorded_by=current.staff.user,
        )
        if index in (2, 9):
            Contact.objects.create(
                person=person,
                staff=current.staff,
                mode=ContactMode.CLINIC,
                outcome=ContactOutcome.PLANNED,
                starts_at=_at(today - timedelta(days=2), rng),
                duration_minutes=45,
                recorded_by=current.staff.user,
            )


def _a_change_of_coordinator(today: Any) -> None:
    """One person in each demo organisation changed care coordinator three weeks ago, with a
    handover the new coordinator has not read yet."""
    for code, manager_name, new_name in (
        ("ZZE01", "manager", "coordinator3"),
        ("ZZW01", "rheolwr", "cydlynydd2"),
    ):
        manager = User.objects.filter(username=manager_name).first()
        new = StaffMember.objects.filter(user__username=new_name).select_related("user").first()
        if manager is None or new is None:
            continue
        if Allocation.objects.filter(person__organisation__code=code).exists():
            continue
        moving = (
            Person.objects.filter(
                organisation__code=code,
                team=new.team,
                user__isnull=True,
                care_team__is_coordinator=True,
                care_team__ended_on__isnull=True,
                care_team__started_on__lt=today - timedelta(days=30),
            )
            .exclude(care_team__staff=new)
            .order_by("nhs_number")
            .first()
        )
        if moving is None:
            continue
        if code == "ZZW01":
            AllocationPreferences.objects.update_or_create(
                person=moving, defaults={"welsh": True, "gender": ""}
            )
        services.allocate(
            actor=manager,
            person=moving,
            staff=new,
            on=today - timedelta(days=21),
            reason=(
                "Speaks Welsh, as they asked; has space on her caseload."
                if code == "ZZW01"
                else "Their previous coordinator moved team; Grace knows the allotment project."
            ),
            preference_met="yes" if code == "ZZW01" else "none_given",
            handover_note=(
                "Mornings are best, at home. They are working towards the allotment on "
                "Saturdays; the next step is meeting the volunteer coordinator. Their sister is "
                "the person to call in a crisis (see the crisis plan). Benefits review letter due "
                "this month: they would like help reading it."
            ),
        )


_WORRIED = (
    "She has not slept for three nights and has stopped answering her phone. "
    "Last time this happened it got bad quickly. I am worried."
)


def _a_worried_carer() -> None:
    """The demo carer sends a concern that matches the person's own early warning signs."""
    for username in ("supporter", "supporter.cy"):
        supporter = Supporter.objects.filter(user__username=username).select_related("user").first()
        if supporter is None or supporter.user is None:
            continue
        if Contribution.objects.filter(supporter=supporter, kind=ContributionKind.CONCERN).exists():
            continue
        consent.contribution_send(
            actor=supporter.user, supporter=supporter, kind=ContributionKind.CONCERN, text=_WORRIED
        )


def _aware(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _history_that_adds_up(people: list[Person], today: Any) -> None:
    """The plans demo writes its plans today, with ratings and reviews from long ago. A plan
    cannot start after its first review, nor a goal after its first rating: move the starts
    back, so the stuck indicators read the demo as they would read a real record. Half the
    plans still at "new" were started some weeks ago and have not got going yet."""
    plans = Plan.objects.filter(person__in=people).annotate(
        first_rating=Min("goals__ratings__rated_on"), first_review=Min("reviews__held_on")
    )
    for index, plan in enumerate(plans.order_by("person__nhs_number")):
        known = [d for d in (plan.first_rating, plan.first_review) if d is not None]
        if known and timezone.localdate(plan.started_at) > min(known):
            Plan.objects.filter(pk=plan.pk).update(
                started_at=_aware(min(known) - timedelta(days=30))
            )
        elif not known and index % 2 and timezone.localdate(plan.started_at) == today:
            weeks = 6 + index % 5
            Plan.objects.filter(pk=plan.pk).update(
                started_at=_aware(today - timedelta(weeks=weeks))
            )
    goals = Goal.objects.filter(plan__person__in=people).annotate(first=Min("ratings__rated_on"))
    for goal in goals:
        if goal.first is not None and timezone.localdate(goal.created_at) > goal.first:
            when = _aware(goal.first - timedelta(days=14))
            changed = goal.status != GoalStatus.ACTIVE
            Goal.objects.filter(pk=goal.pk).update(
                created_at=when, **({} if changed else {"updated_at": when})
            )


@transaction.atomic
def load_demo_coordination() -> list[Any]:
    today = timezone.localdate()
    rng = random.Random(SEED)
    people = list(
        Person.objects.filter(organisation__code__in=DEMO_ORGANISATIONS)
        .select_related("organisation")
        .order_by("organisation__code", "nhs_number")
    )
    _history_that_adds_up(people, today)
    _profiles()
    _preferences(people, rng)
    _contacts(people, today)
    _appointments(people, today)
    _a_change_of_coordinator(today)
    _a_worried_carer()
    notifications.daily(today)
    return []


def demo_coordinators() -> dict[str, str]:
    """Each demo login person's current care coordinator, by username (for the README table)."""
    found = {}
    for person in Person.objects.filter(
        user__isnull=False, organisation__code__in=DEMO_ORGANISATIONS
    ):
        current = person.care_team.filter(is_coordinator=True, ended_on__isnull=True).first()
        if current is not None and person.user is not None:
            found[person.user.username] = current.staff.user.display_name
    for username in ("supporter", "supporter.cy"):
        supporter = Supporter.objects.filter(user__username=username).first()
        if supporter is not None:
            current = supporter.person.care_team.filter(
                is_coordinator=True, ended_on__isnull=True
            ).first()
            if current is not None:
                found[username] = current.staff.user.display_name
    return found
