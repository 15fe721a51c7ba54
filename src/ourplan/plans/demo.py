"""Demo plans at different stages: new, active, stuck, and nearly ready to move on. All invented."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ourplan.people.models import CareTeamMembership, Person
from ourplan.plans import services
from ourplan.plans.models import GoalStatus, Plan, ProgressRating, Review, StepOwner, StrengthKind

_RECOVERY = (
    "Having a routine again and feeling like myself, not a patient.",
    "Being able to go back to the allotment and see my friends without panicking.",
    "Getting my confidence back so I can look after my daughter on my own.",
    "Sleeping properly and not dreading the mornings.",
)
_GOALS = (
    (
        "I want to walk to the park and back three times a week",
        "physical_health",
        "personal_care_wellbeing",
    ),
    ("I want to start a cookery course at the community college", "learning", "education_training"),
    ("I want to sort out my benefits so the bills stop piling up", "money", "finance_money"),
    ("I want to volunteer at the charity shop on Saturdays", "work", "work_occupation"),
    ("I want to see my brother once a month", "relationships", "social_cultural_spiritual"),
)
_STRENGTHS = (
    (StrengthKind.QUALITY, "I am stubborn in a good way: I do not give up"),
    (StrengthKind.SKILL, "I am good with my hands and can fix bikes"),
    (StrengthKind.PERSON, "My sister, who always answers the phone"),
    (StrengthKind.ACTIVITY, "Swimming early in the morning"),
)
STAGES = ("new", "active", "stuck", "moving_on")


def _area(organisation: Any, english_code: str, ctp_code: str) -> Any:
    areas = services.life_areas_for(organisation)
    return (
        areas.filter(code=english_code).first()
        or areas.filter(code=ctp_code).first()
        or areas.first()
    )


@transaction.atomic
def load_demo_plans() -> list[Any]:
    """Give every demo person a plan at one of four stages. Idempotent."""
    today = timezone.localdate()
    people = (
        Person.objects.filter(organisation__code__in=("ZZE01", "ZZW01"), plan__isnull=True)
        .select_related("organisation")
        .order_by("organisation__code", "nhs_number")
    )
    for index, person in enumerate(people):
        membership = (
            CareTeamMembership.objects.filter(
                person=person, is_coordinator=True, ended_on__isnull=True
            )
            .select_related("staff__user")
            .first()
        )
        if membership is None:
            continue
        actor = membership.staff.user
        stage = STAGES[index % len(STAGES)]
        plan = services.plan_start(actor=actor, person=person)
        about = plan.about_me
        services.save_part(
            actor=actor,
            part=about,
            revision=about.revision,
            person=person,
            fields={
                "recovery_meaning": _RECOVERY[index % len(_RECOVERY)],
                "what_matters": "My family, my dog, and being listened to.",
                "meeting_preferences": "At home or at the café near the station, mornings are best.",
            },
        )
        if stage == "new":
            continue
        _fill_plan(plan, actor, person, index, stage, today)
    return []


def _fill_plan(plan: Plan, actor: Any, person: Person, index: int, stage: str, today: Any) -> None:
    strengths = [
        services.strength_add(actor=actor, plan=plan, kind=kind, text=text)
        for kind, text in _STRENGTHS[: 2 + index % 3]
    ]
    goal_count = 4 if stage == "moving_on" else 2 + index % 2
    for number in range(goal_count):
        text, english, ctp = _GOALS[(index + number) % len(_GOALS)]
        goal = services.goal_add(
            actor=actor,
            plan=plan,
            text=text,
            life_area=_area(person.organisation, english, ctp),
            written_by="person",
            strengths=strengths[:1],
        )
        services.step_add(
            actor=actor,
            goal=goal,
            text="Find out what is on offer and when",
            owner=StepOwner.ME,
            due_on=today + timedelta(days=21),
        )
        services.step_add(
            actor=actor,
            goal=goal,
            text="Go along to the first session together",
            owner=StepOwner.COORDINATOR,
            due_on=today + timedelta(days=35),
        )
        scores: tuple[int, ...]
        if stage == "stuck":
            start = today - timedelta(days=400)
            scores = (3, 3, 2)
        else:
            start = today - timedelta(days=150)
            scores = (2, 4, 6) if stage == "active" else (3, 6, 9, 10)
        for step_number, score in enumerate(scores):
            ProgressRating.objects.create(
                goal=goal,
                score=score,
                rated_on=start + timedelta(days=45 * step_number),
                rated_by=actor,
            )
        if stage == "moving_on" and number < 3:
            services.save_part(
                actor=actor,
                part=goal,
                revision=goal.revision,
                person=person,
                fields={
                    "status": GoalStatus.ACHIEVED,
                    "achieved_on": today - timedelta(days=10 * (number + 1)),
                    "celebration": "Cake at the team base",
                },
            )
    sw = plan.staying_well
    services.save_part(
        actor=actor,
        part=sw,
        revision=sw.revision,
        person=person,
        fields={
            "keep_me_well": "Walking the dog, regular meals, talking to my sister on Sundays.",
            "triggers": "Letters about money; sleeping badly for more than two nights.",
            "early_signs": "I stop answering the phone and stay in bed late.",
            "early_signs_response": "Text my care coordinator; my sister comes round.",
        },
    )
    crisis = plan.crisis
    services.save_part(
        actor=actor,
        part=crisis,
        revision=crisis.revision,
        person=person,
        fields={
            "signs_others_notice": "I go very quiet and stop eating.",
            "who_to_involve": "My sister: she looks after the dog and rings the crisis team.",
            "what_helps": "Someone staying calm, a quiet room, being told what is happening.",
            "what_does_not_help": "Lots of people talking at once.",
            "practical_matters": "The dog needs feeding twice a day; rent is paid by standing order.",
        },
    )
    services.safety_item_add(
        actor=actor,
        plan=plan,
        kind="opportunity",
        description="Going to the swimming pool alone in the mornings.",
        person_view="I feel ready and it helps my mood.",
        professional_view="A positive step; agree a check-in text afterwards.",
        agreed_steps="Text a thumbs-up after each swim for the first month.",
        responsibilities="Me: send the text. Care coordinator: follow up if no text by noon.",
        review_on=today + timedelta(days=60),
    )
    if stage == "stuck":
        # An overdue review: historic data, so written directly rather than through the
        # service that (rightly) refuses a next-review date in the past.
        Review.objects.create(
            plan=plan,
            held_on=today - timedelta(days=420),
            next_review_on=today - timedelta(days=55),
            what_changed="Goals agreed; little has moved since.",
            recorded_by=actor,
        )
        version = services.version_create(actor=actor, plan=plan)
        services.version_sign(actor=actor, version=version, as_person=False)
        services.version_not_signed(
            actor=actor, version=version, reason="Wanted more time to read it"
        )
        return
    services.review_record(
        actor=actor,
        plan=plan,
        held_on=today - timedelta(days=30),
        next_review_on=today + timedelta(days=150),
        what_changed="Progress on goals; new steps agreed.",
        coordinator_signs=True,
        person_signs=True,
        copy_given="pdf",
    )
