"""Demo plans at different stages: new, active, stuck, and nearly ready to move on. All invented.

Each plan has its own staying-well and crisis text. Some have risks and positive risk
decisions, advance statements, and words staff recorded as the person said them. The two
people with demo logins have fuller plans: the English one ("person") has every item of a
care plan review evidenced (plans/care_plan_audit.py), and a goal the care coordinator
reworded from the person's words; the Welsh one ("person.cy") disagreed with the latest
version and said why.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ourplan.people.models import CareTeamMembership, Person
from ourplan.plans import services
from ourplan.plans.models import (
    GoalStatus,
    Plan,
    PlanVersion,
    ProgressRating,
    Review,
    StepOwner,
    StrengthKind,
    Voice,
)

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

# Pools of different lengths (7, 5, 8, 6...), so no two of the forty demo plans read alike.
_WELL_DOING = (
    "Walking the dog along the canal",
    "An hour in the garden after lunch",
    "Swimming on Tuesday mornings",
    "Cooking a proper meal in the evening",
    "Playing the guitar before bed",
    "Feeding the birds and doing the crossword",
    "Going to the library on Saturdays",
)
_WELL_PEOPLE = (
    "ringing my sister on Sundays",
    "a cup of tea with my neighbour",
    "the walking group at the church hall",
    "texting my best friend most days",
    "seeing my nan on Thursdays",
)
_WELL_HABITS = (
    "and going to bed before eleven.",
    "and keeping my phone out of the bedroom.",
    "and eating breakfast, even a small one.",
    "and opening the curtains first thing.",
    "and taking my tablets with my morning tea.",
    "and getting outside before midday.",
    "and writing three good things in my notebook.",
    "and not drinking coffee after four.",
)
_TRIGGERS = (
    "Brown envelopes about money",
    "Sleeping badly for more than two nights",
    "Crowded buses and queues",
    "The anniversary of my dad's death in March",
    "Shouting and arguments at home",
    "Spending the whole weekend on my own",
)
_EARLY_SIGNS = (
    "I stop answering the phone and stay in bed late.",
    "I stop eating properly and lose track of the days.",
    "I start cleaning at night and cannot settle.",
    "I get snappy with people and stop going out.",
    "I hear a voice putting me down more often.",
)
_SIGNS_OTHERS = (
    "I go very quiet and stop eating.",
    "I talk fast and do not finish my sentences.",
    "I stop washing and the flat gets messy.",
    "I stay up all night and sleep all day.",
    "I say sorry for everything and cry a lot.",
    "I keep checking the doors and windows.",
)
_WHAT_HELPS = (
    "Someone staying calm, a quiet room, and being told what is happening.",
    "Being asked before anyone touches me, and having my music.",
    "A short walk outside with someone I know.",
    "Sitting with me without talking, and a hot drink.",
    "Being reminded of my plan in plain words.",
    "Keeping the lights low and the telly off.",
    "Having my cat with me if at all possible.",
)
_NOT_HELP = (
    "Lots of people talking at once.",
    "Being told to calm down.",
    "Being left on my own in a waiting room.",
    "People talking about me as if I am not there.",
    "Being rushed into decisions.",
)
_PRACTICAL = (
    "The dog needs feeding twice a day; rent is paid by standing order.",
    "My son needs picking up from school at 3.15.",
    "The cat's food is under the sink; my neighbour has a key.",
    "Please ring work and say I am off sick.",
    "My mum's shopping is done on Fridays: ask my brother to do it.",
    "The meter key is on the hook by the door.",
)
_PREFERRED = (
    "Home treatment if I can; the crisis house rather than a ward.",
    "Talking first, then medication if I need it.",
    "The ward I know, if I have to go in.",
    "A female nurse if possible.",
)
_UNWANTED = (
    "I do not want haloperidol: it made me very stiff.",
    "Please do not take me to the hospital in the police car.",
    "No more than one new medication at a time.",
    "I do not want my dad called.",
)
_CONTINGENCY = (
    "If my care coordinator is away, ring the duty worker at the team base.",
    "If my sister cannot come, my neighbour will look after the dog.",
    "If I miss two appointments, please come round rather than write.",
    "If the crisis team cannot come, ring my GP surgery for an urgent appointment.",
)


def _area(organisation: Any, english_code: str, ctp_code: str) -> Any:
    areas = services.life_areas_for(organisation)
    return (
        areas.filter(code=english_code).first()
        or areas.filter(code=ctp_code).first()
        or areas.first()
    )


def _supporter_name(person: Person) -> str:
    supporter = person.supporters.order_by("created_at").first()
    return supporter.given_name if supporter is not None else "my sister"


def staying_well_text(person: Person, index: int) -> dict[str, str]:
    """This person's own staying-well plan: the pieces differ from plan to plan."""
    return {
        "keep_me_well": f"{_WELL_DOING[index % 7]}, {_WELL_PEOPLE[index % 5]}, "
        f"{_WELL_HABITS[index % 8]}",
        "triggers": f"{_TRIGGERS[index % 6]}; {_TRIGGERS[(index + 2) % 6].lower()}.",
        "triggers_response": "Open letters with someone, one at a time; "
        f"tell {_supporter_name(person)} early.",
        "early_signs": _EARLY_SIGNS[index % 5],
        "early_signs_response": f"Text my care coordinator; {_supporter_name(person)} comes round.",
    }


def crisis_text(person: Person, index: int) -> dict[str, str]:
    """This person's own crisis plan."""
    supporter = _supporter_name(person)
    return {
        "signs_others_notice": _SIGNS_OTHERS[index % 6],
        "who_to_involve": f"{supporter}: they know me best and will ring the crisis team.",
        "preferred_treatments": _PREFERRED[index % 4],
        "unacceptable_treatments": _UNWANTED[(index + 1) % 4],
        "what_helps": _WHAT_HELPS[index % 7],
        "what_does_not_help": _NOT_HELP[index % 5],
        "practical_matters": _PRACTICAL[index % 6],
        "contingency": _CONTINGENCY[index % 4],
    }


def _coordinator_of(person: Person) -> Any:
    membership = (
        CareTeamMembership.objects.filter(person=person, is_coordinator=True, ended_on__isnull=True)
        .select_related("staff__user")
        .first()
    )
    return membership.staff.user if membership is not None else None


@transaction.atomic
def load_demo_plans() -> list[Any]:
    """Give every demo person a plan at one of four stages. Idempotent."""
    today = timezone.localdate()
    people = (
        Person.objects.filter(organisation__code__in=("ZZE01", "ZZW01"), plan__isnull=True)
        .select_related("organisation", "user")
        .order_by("organisation__code", "nhs_number")
    )
    for index, person in enumerate(people):
        actor = _coordinator_of(person)
        if actor is None:
            continue
        if person.user is not None:
            _plan_with_its_person(person, actor, index, today)
            continue
        stage = STAGES[index % len(STAGES)]
        plan = services.plan_start(actor=actor, person=person)
        about = plan.about_me
        services.save_part(
            actor=actor,
            part=about,
            revision=about.revision,
            person=person,
            # The person has no login here: the coordinator wrote it down as they said it.
            voice=Voice.AS_SAID,
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
        services.strength_add(actor=actor, plan=plan, kind=kind, text=text, voice=Voice.AS_SAID)
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
            voice=Voice.AS_SAID,
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
    _write_staying_well_and_crisis(plan, actor, person, index, Voice.AS_SAID)
    _assess(plan, actor, person, index, today)
    services.safety_item_add(
        actor=actor,
        plan=plan,
        voice=Voice.TOGETHER,
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
        review = Review.objects.create(
            plan=plan,
            held_on=today - timedelta(days=420),
            next_review_on=today - timedelta(days=55),
            person_attended=True,
            what_changed="Goals agreed; little has moved since.",
            recorded_by=actor,
        )
        version = services.version_create(actor=actor, plan=plan, review=review)
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
        person_attended=True,
        what_changed="Progress on goals; new steps agreed.",
        coordinator_signs=True,
        person_signs=True,
        copy_given="pdf",
    )


def _write_staying_well_and_crisis(
    plan: Plan, actor: Any, person: Person, index: int, voice: str
) -> None:
    staying = plan.staying_well
    services.save_part(
        actor=actor,
        part=staying,
        revision=staying.revision,
        person=person,
        voice=voice,
        fields=staying_well_text(person, index),
    )
    crisis = plan.crisis
    fields: dict[str, Any] = crisis_text(person, index)
    if index % 3 == 0:
        fields |= {
            "advance_statement": "If I cannot decide for myself, I want home treatment first "
            "and my sister told straight away. I do not consent to depot injections.",
            "advance_signed": True,
            "advance_witnessed": index % 2 == 0,
            "advance_original_kept": "With my GP; a copy in the kitchen drawer",
        }
    services.save_part(
        actor=actor,
        part=crisis,
        revision=crisis.revision,
        person=person,
        voice=voice,
        fields=fields,
    )


def _assess(plan: Plan, actor: Any, person: Person, index: int, today: date) -> None:
    """Needs in two life areas, and for some plans a risk and a positive risk decision."""
    organisation = person.organisation
    services.need_add(
        actor=actor,
        plan=plan,
        life_area=_area(organisation, "money", "finance_money"),
        description="Help to claim the right benefits and sort out rent arrears.",
        person_view="The letters frighten me; I want someone to go through them with me.",
        status="partly_met",
        personal_budget=index % 4 == 1,
    )
    services.need_add(
        actor=actor,
        plan=plan,
        life_area=_area(organisation, "treatment", "medical_treatment"),
        description="A medication review: side effects are making mornings hard.",
        person_view="I want to try a lower dose before anything new.",
        status="not_met",
    )
    if index % 2 == 0:
        risk = services.risk_add(
            actor=actor,
            plan=plan,
            kind="risk",
            description="Stops eating and drinking when very low.",
            person_view="It happens when I stop caring. A text from someone helps.",
            professional_view="Risk to physical health within days; early contact matters.",
            review_on=today + timedelta(days=45),
        )
        if index % 4 == 0:
            services.risk_to_safety_plan(actor=actor, risk=risk)
    if index % 3 == 1:
        services.risk_add(
            actor=actor,
            plan=plan,
            kind="positive",
            description="Travelling to the college on the bus alone.",
            person_view="I want to do this by myself. I know the route.",
            professional_view="Worth taking: anxiety is lower than it was, and it builds confidence.",
            shared_responsibility="Me: text when I arrive. My sister: be on call the first week. "
            "Care coordinator: talk it through at the next visit.",
            review_on=today + timedelta(days=30),
        )


def _plan_with_its_person(person: Person, coordinator: Any, index: int, today: date) -> None:
    """A plan written with the person themselves, who has a demo login."""
    me = person.user
    assert me is not None
    plan = services.plan_start(actor=coordinator, person=person)
    about = plan.about_me
    services.save_part(
        actor=me,
        part=about,
        revision=about.revision,
        person=person,
        fields={
            "recovery_meaning": "Getting back to the allotment and feeling part of things again.",
            "what_matters": "My grandson, my allotment friends, and being taken seriously.",
            "medication_preferences": "I would rather a lower dose that lets me get up in the "
            "morning than a higher one that flattens me.",
            "therapy_preferences": "Talking one to one, not in a group, at least to start.",
            "meeting_preferences": "At the allotment café or at home, after ten.",
        },
    )
    about.refresh_from_db()
    # Written together in the room, then confirmed by the person: co-produced.
    services.save_part(
        actor=coordinator,
        part=about,
        revision=about.revision,
        person=person,
        voice=Voice.TOGETHER,
        fields={"hopes_and_dreams": "To win a prize for my onions at the village show."},
    )
    for wording in plan.wordings.filter(voice=Voice.TOGETHER, is_current=True):
        services.wording_confirm(actor=me, plan=plan, wording=wording)
    bike = services.strength_add(
        actor=me, plan=plan, kind=StrengthKind.SKILL, text="I can grow almost anything"
    )
    friend = services.strength_add(
        actor=me, plan=plan, kind=StrengthKind.PERSON, text="My friend Dot from the next plot"
    )
    organisation = person.organisation
    allotment = services.goal_add(
        actor=me,
        plan=plan,
        text="I want to get back to the allotment on Saturdays",
        life_area=_area(organisation, "community", "social_cultural_spiritual"),
        strengths=[bike, friend],
    )
    grandson = services.goal_add(
        actor=me,
        plan=plan,
        text="I want to pick my grandson up from school on Fridays",
        life_area=_area(organisation, "family", "parenting_caring"),
        strengths=[friend],
    )
    mornings = services.goal_add(
        actor=me,
        plan=plan,
        text="I want mornings that do not feel like wading through mud",
        life_area=_area(organisation, "treatment", "medical_treatment"),
    )
    for goal, step, owner in (
        (allotment, "Ring Dot and go down together the first time", StepOwner.ME),
        (allotment, "Find out about the allotment society's Saturday work party", StepOwner.ME),
        (grandson, "Talk to my daughter about which Fridays suit", StepOwner.ME),
        (mornings, "Book the medication review with the psychiatrist", StepOwner.COORDINATOR),
    ):
        services.step_add(
            actor=me if owner == StepOwner.ME else coordinator,
            goal=goal,
            text=step,
            owner=owner,
            due_on=today + timedelta(days=28),
        )
    for goal in (allotment, grandson, mornings):
        for days_ago, score in ((120, 2), (60, 4), (10, 6)):
            ProgressRating.objects.create(
                goal=goal, score=score, rated_on=today - timedelta(days=days_ago), rated_by=me
            )
    _write_staying_well_and_crisis(plan, me, person, index, Voice.OWN)
    crisis = plan.crisis
    crisis.refresh_from_db()
    services.save_part(
        actor=me,
        part=crisis,
        revision=crisis.revision,
        person=person,
        fields={
            "advance_statement": "If I lose capacity I want to be treated at home if it is "
            "safe, and my daughter told. I refuse electroconvulsive therapy.",
            "advance_signed": True,
            "advance_witnessed": True,
            "advance_original_kept": "With my GP, and a copy in the blue folder by the phone",
        },
    )
    personal = plan.personal_safety
    services.save_part(
        actor=me,
        part=personal,
        revision=personal.revision,
        person=person,
        fields={
            "reasons_for_living": "My grandson. The onions. Dot's terrible jokes.",
            "coping_steps": "1. Make a cup of tea and sit in the garden. 2. Ring Dot. "
            "3. Ring the crisis line.",
            "safer_surroundings": "My daughter keeps my spare tablets at hers.",
        },
    )
    services.contact_add(
        actor=me,
        plan=plan,
        name="Dot",
        relationship="friend from the allotment",
        phone="07700 900461",
    )
    services.contact_add(
        actor=me, plan=plan, name="My daughter", relationship="daughter", phone="07700 900462"
    )
    services.need_add(
        actor=coordinator,
        plan=plan,
        life_area=_area(organisation, "money", "finance_money"),
        description="Paying for a weekly gardening helper while my back recovers.",
        person_view="I would like to choose the helper myself.",
        status="partly_met",
        personal_budget=True,
    )
    risk = services.risk_add(
        actor=me,
        plan=plan,
        kind="risk",
        description="When I am low I stop taking my tablets and do not tell anyone.",
        person_view="It is because of how they make me feel in the mornings.",
        review_on=today + timedelta(days=42),
    )
    services.risk_update(
        actor=coordinator,
        risk=risk,
        revision=risk.revision,
        fields={"professional_view": "Relapse has followed stopping suddenly twice before."},
    )
    risk.refresh_from_db()
    services.risk_to_safety_plan(actor=coordinator, risk=risk)
    services.risk_add(
        actor=me,
        plan=plan,
        kind="positive",
        description="Going to the allotment on my own on quiet weekday mornings.",
        person_view="I am ready. Being there on my own is when I feel most like me.",
        shared_responsibility="Me: take my phone and text Dot when I leave. "
        "Dot: check in if no text by one. Care coordinator: ask how it went at each visit.",
        review_on=today + timedelta(days=42),
    )
    supporter = person.supporters.order_by("created_at").first()
    services.review_record(
        actor=coordinator,
        plan=plan,
        held_on=today - timedelta(days=14),
        next_review_on=today + timedelta(days=170),
        person_attended=True,
        supporters=[supporter] if supporter is not None else [],
        advocate="Ayesha, from the local advocacy service",
        professionals="Care coordinator; psychiatrist",
        what_changed="Back at the allotment twice; medication review booked.",
        notes="We agreed to try the lower dose first and look again in six weeks.",
        person_view="I felt listened to this time.",
        carer_view="Relieved to know who to ring if things go wrong.",
        contact_frequency="fortnightly",
        coordinator_signs=True,
        copy_given="print",
    )
    version = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    assert version is not None
    if person.organisation.country == "wales":
        services.version_respond(
            actor=me,
            version=version,
            response="disagree",
            comment="The plan says I missed appointments. I was in hospital with my chest.",
        )
    else:
        services.version_respond(
            actor=me, version=version, response="agree", comment="Much better than the last one."
        )
    # After the review the coordinator reworded a goal in clinical terms: the label says so,
    # the person is told, and can put their own words back.
    allotment.refresh_from_db()
    services.save_part(
        actor=coordinator,
        part=allotment,
        revision=allotment.revision,
        person=person,
        fields={"text": "Attend allotment twice weekly (activity scheduling)"},
    )
