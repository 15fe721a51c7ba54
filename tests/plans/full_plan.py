"""A plan with something recorded in every part, each with a marker its documents must show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from ourplan.plans import services
from ourplan.plans.models import Plan, PlanVersion

# Each marker is text written into one part; a document that carries that part shows it.
MARKERS = {
    "about_me": "Feeling at home in my own street",
    "treatment_preference": "Lower dose before anything new",
    "strength": "I can mend almost anything",
    "goal": "Cycle to the coast in June",
    "step": "Pump up the tyres",
    "staying_well": "A swim before breakfast keeps me steady",
    "early_signs": "I stop opening the post",
    "signs_others_notice": "I pace the kitchen at night",
    "preferred_treatments": "Home treatment team, not the ward",
    "what_helps": "A quiet room and a cup of tea",
    "contingency": "If Sam is away my neighbour feeds the cat",
    "advance_statement": "I refuse electroconvulsive therapy",
    "advance_kept": "In the blue folder by the phone",
    "contact": "Auntie Jo",
    "contact_phone": "07700 900777",
    "reasons_for_living": "My nephew's football matches",
    "safety_item": "Walking home alone after dark",
    "safety_person_view": "I feel safer with my phone charged",
    "safety_professional_view": "Agree a text on arrival for now",
    "risk": "Skips meals when low",
    "risk_person_view": "It happens when I stop caring",
    "positive_risk": "Taking the train to college alone",
    "shared_responsibility": "Me: text on arrival; Sam: on call",
    "need": "Help with the rent arrears letters",
    "review_what_changed": "Back on the bike twice a week",
    "review_notes": "Agreed to look again at the dose in six weeks",
    "review_person_view": "I felt listened to",
    "review_carer_view": "Relieved to know who to ring",
    "advocate": "Rhian from the advocacy service",
    "professionals": "Psychiatrist and care coordinator",
    "signing_comment": "The dates of my admissions are wrong",
}
# The crisis printout carries the whole crisis plan, and the person's contacts.
CRISIS = {
    "signs_others_notice",
    "preferred_treatments",
    "what_helps",
    "contingency",
    "advance_statement",
    "advance_kept",
    "contact",
    "contact_phone",
}
# What the supporter's shared copy shows for each part shared (and nothing else of the plan:
# the assessment, the needs and risks, and the answer at signing are never a shared part).
SHARED = {
    frozenset({"crisis"}): CRISIS,
    frozenset({"reviews"}): {
        "review_what_changed",
        "review_notes",
        "review_person_view",
        "review_carer_view",
        "advocate",
        "professionals",
    },
    frozenset({"safety"}): {
        "safety_item",
        "safety_person_view",
        "safety_professional_view",
        "reasons_for_living",
    },
    frozenset({"goals"}): {"goal", "strength", "step"},
    frozenset({"about_me"}): {"about_me", "treatment_preference"},
    frozenset({"staying_well"}): {"staying_well", "early_signs"},
}
# Recorded but not in use: no document shows them.
SET_ASIDE = {"strength": "An old strength set aside", "contact": "A contact taken off the plan"}


@dataclass
class FullPlan:
    plan: Plan
    version: PlanVersion
    goal: Any
    risk: Any


def build_full_plan(standing: Any) -> FullPlan:
    coordinator, person_user, person = standing.coordinator, standing.person_user, standing.person
    today = timezone.localdate()
    plan = services.plan_start(actor=coordinator, person=person)
    about = plan.about_me
    services.save_part(
        actor=person_user,
        part=about,
        revision=about.revision,
        person=person,
        fields={
            "recovery_meaning": MARKERS["about_me"],
            "medication_preferences": MARKERS["treatment_preference"],
        },
    )
    strength = services.strength_add(
        actor=person_user, plan=plan, kind="skill", text=MARKERS["strength"]
    )
    old = services.strength_add(
        actor=person_user, plan=plan, kind="skill", text=SET_ASIDE["strength"]
    )
    services.strength_update(
        actor=person_user,
        strength=old,
        revision=old.revision,
        text=old.text,
        kind=old.kind,
        set_aside=True,
        goals=[],
    )
    area = services.life_areas_for(standing.organisation).get(code="leisure")
    goal = services.goal_add(
        actor=person_user, plan=plan, text=MARKERS["goal"], life_area=area, strengths=[strength]
    )
    services.step_add(actor=person_user, goal=goal, text=MARKERS["step"], owner="me")
    staying = plan.staying_well
    services.save_part(
        actor=person_user,
        part=staying,
        revision=staying.revision,
        person=person,
        fields={"keep_me_well": MARKERS["staying_well"], "early_signs": MARKERS["early_signs"]},
    )
    crisis = plan.crisis
    services.save_part(
        actor=person_user,
        part=crisis,
        revision=crisis.revision,
        person=person,
        fields={
            "signs_others_notice": MARKERS["signs_others_notice"],
            "preferred_treatments": MARKERS["preferred_treatments"],
            "what_helps": MARKERS["what_helps"],
            "contingency": MARKERS["contingency"],
            "advance_statement": MARKERS["advance_statement"],
            "advance_signed": True,
            "advance_witnessed": True,
            "advance_original_kept": MARKERS["advance_kept"],
        },
    )
    personal = plan.personal_safety
    services.save_part(
        actor=person_user,
        part=personal,
        revision=personal.revision,
        person=person,
        fields={"reasons_for_living": MARKERS["reasons_for_living"]},
    )
    services.contact_add(
        actor=person_user, plan=plan, name=MARKERS["contact"], phone=MARKERS["contact_phone"]
    )
    gone = services.contact_add(
        actor=person_user, plan=plan, name=SET_ASIDE["contact"], phone="07700 900000"
    )
    services.contact_update(
        actor=person_user,
        contact=gone,
        revision=gone.revision,
        name=gone.name,
        phone=gone.phone,
        remove=True,
    )
    item = services.safety_item_add(
        actor=person_user,
        plan=plan,
        kind="concern",
        description=MARKERS["safety_item"],
        person_view=MARKERS["safety_person_view"],
        review_on=today + timedelta(days=30),
    )
    services.safety_item_update(
        actor=coordinator,
        item=item,
        revision=item.revision,
        fields={"professional_view": MARKERS["safety_professional_view"]},
    )
    risk = services.risk_add(
        actor=person_user,
        plan=plan,
        kind="risk",
        description=MARKERS["risk"],
        person_view=MARKERS["risk_person_view"],
        review_on=today + timedelta(days=30),
    )
    services.risk_add(
        actor=coordinator,
        plan=plan,
        kind="positive",
        description=MARKERS["positive_risk"],
        person_view="I know the way",
        shared_responsibility=MARKERS["shared_responsibility"],
        review_on=today + timedelta(days=30),
    )
    services.need_add(
        actor=coordinator,
        plan=plan,
        life_area=services.life_areas_for(standing.organisation).get(code="money"),
        description=MARKERS["need"],
        personal_budget=True,
    )
    version = services.review_record(
        actor=coordinator,
        plan=plan,
        held_on=today,
        next_review_on=today + timedelta(days=90),
        person_attended=True,
        supporters=[standing.supporter_record],
        advocate=MARKERS["advocate"],
        professionals=MARKERS["professionals"],
        what_changed=MARKERS["review_what_changed"],
        notes=MARKERS["review_notes"],
        person_view=MARKERS["review_person_view"],
        carer_view=MARKERS["review_carer_view"],
        contact_frequency="fortnightly",
        coordinator_signs=True,
    )
    version = services.version_respond(
        actor=person_user, version=version, response="disagree", comment=MARKERS["signing_comment"]
    )
    return FullPlan(plan=plan, version=version, goal=goal, risk=risk)
