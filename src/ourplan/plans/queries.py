"""Reads of plans shared by views, the statutory document and the person-held copy.

These read what a page shows once its access function has let the user at the plan;
they never decide who may see what (that is access.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ourplan.core import record_words
from ourplan.people.models import CareTeamMembership, CrisisLine, Organisation, Person
from ourplan.people.queries import crisis_lines_for
from ourplan.plans.authorship import WordingIndex
from ourplan.plans.life_areas import CTP_AREAS
from ourplan.plans.models import (
    PERSON_VOICES,
    AboutMe,
    CrisisPlan,
    Goal,
    GoalStatus,
    GoalStep,
    LifeArea,
    Need,
    PersonalContact,
    PersonalSafetyPlan,
    Plan,
    PlanNotice,
    PlanVersion,
    ProgressRating,
    Review,
    Risk,
    RiskKind,
    SafetyItem,
    StaffContributionRules,
    StayingWellPlan,
    Strength,
    Wording,
    worded_models,
)
from ourplan.plans.snapshot import field_label


def plan_for(person: Person) -> Plan | None:
    return (
        Plan.objects.select_related(
            "about_me",
            "staying_well",
            "crisis",
            "personal_safety",
            "person__organisation",
            "person__team",
        )
        .filter(person=person)
        .first()
    )


def contribution_rules_of(organisation: Organisation) -> StaffContributionRules:
    """The organisation's rules for clinicians and peer support workers, or the defaults."""
    return StaffContributionRules.objects.filter(
        organisation=organisation
    ).first() or StaffContributionRules(organisation=organisation)


def personal_safety_plan_of(plan: Plan) -> PersonalSafetyPlan:
    return PersonalSafetyPlan.objects.get(plan=plan)


def wordings_of(plan: Plan, part_types: Iterable[str] | None = None) -> WordingIndex:
    """Who wrote the current words of every part of the plan (or of these types), in one query."""
    current = Wording.objects.filter(plan=plan, is_current=True)
    if part_types is not None:
        current = current.filter(part_type__in=list(part_types))
    return WordingIndex(current.select_related("written_by"))


def goals_of(plan: Plan) -> list[Goal]:
    """Goals with their steps, ratings, strengths and area in a fixed number of queries."""
    return list(
        plan.goals.select_related("life_area", "created_by", "updated_by", "plan__person")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=GoalStep.objects.select_related(
                    "supporter", "owner_user", "created_by", "updated_by"
                ),
            ),
            Prefetch("ratings", queryset=ProgressRating.objects.order_by("rated_on", "created_at")),
            Prefetch("strengths", queryset=Strength.objects.filter(archived_at__isnull=True)),
        )
        .order_by("status", "created_at")
    )


def strengths_of(plan: Plan) -> list[Strength]:
    """All the plan's strengths, those set aside too, with who wrote them and the goals they help."""
    return list(plan.strengths.select_related("created_by", "updated_by").prefetch_related("goals"))


def strengths_in_use(plan: Plan) -> QuerySet[Strength]:
    return plan.strengths.filter(archived_at__isnull=True).select_related(
        "created_by", "updated_by"
    )


def safety_items_in_use(plan: Plan) -> QuerySet[SafetyItem]:
    return plan.safety_items.filter(archived_at__isnull=True).select_related(
        "created_by", "updated_by", "from_risk"
    )


def needs_of(plan: Plan) -> list[Need]:
    return list(
        plan.needs.filter(archived_at__isnull=True).select_related(
            "life_area", "created_by", "updated_by"
        )
    )


def needs_by_life_area(plan: Plan, areas: QuerySet[LifeArea]) -> list[tuple[LifeArea, list[Need]]]:
    """Every life area of the organisation (in Wales, the eight of the Measure) with its needs."""
    needs = needs_of(plan)
    return [(area, [n for n in needs if n.life_area_id == area.pk]) for area in areas]


def risks_of(plan: Plan) -> list[Risk]:
    return list(
        plan.risks.filter(archived_at__isnull=True).select_related(
            "created_by", "updated_by", "safety_item"
        )
    )


def risks_and_positive_risks(plan: Plan) -> tuple[list[Risk], list[Risk]]:
    risks = risks_of(plan)
    return (
        [r for r in risks if r.kind == RiskKind.RISK],
        [r for r in risks if r.kind == RiskKind.POSITIVE],
    )


def contacts_of(plan: Plan) -> list[PersonalContact]:
    return list(
        plan.contacts.filter(archived_at__isnull=True).select_related("created_by", "updated_by")
    )


def reviews_of(plan: Plan) -> list[Review]:
    """Every review, newest first, with who came and who recorded it."""
    return list(
        plan.reviews.select_related("recorded_by")
        .prefetch_related("supporters_attended", "version")
        .order_by("-held_on", "-created_at")
    )


def notices_of(plan: Plan) -> list[PlanNotice]:
    return list(plan.notices.select_related("by")[:50])


def unseen_notice_count(plan: Plan) -> int:
    return plan.notices.filter(seen_at__isnull=True).count()


@dataclass(frozen=True)
class WordingShown:
    """A wording on the person's page of changes: what it is part of, and its words."""

    wording: Wording
    part: str
    field: str
    earlier: Wording | None = None


def _shown(
    wordings: list[Wording], earlier: dict[int, Wording] | None = None
) -> list[WordingShown]:
    models = worded_models()
    parts = record_words.describe_objects((w.part_type, str(w.part_id)) for w in wordings)
    return [
        WordingShown(
            wording=w,
            part=parts[(w.part_type, str(w.part_id))],
            # A part with one worded field (a goal, a step) needs no field name beside it.
            field=field_label(models[w.part_type], w.field)
            if len(models[w.part_type].WORDED_FIELDS) > 1
            else "",
            earlier=(earlier or {}).get(w.pk),
        )
        for w in wordings
    ]


def wordings_awaiting_confirmation(plan: Plan) -> list[WordingShown]:
    """Words staff recorded as the person's, or wrote with them, that the person has not confirmed."""
    return _shown(
        list(
            Wording.objects.filter(
                plan=plan,
                is_current=True,
                voice__in=PERSON_VOICES,
                person_confirmed_at__isnull=True,
            )
            .exclude(text="")
            .select_related("written_by")
        )
    )


def persons_words_replaced(plan: Plan) -> list[WordingShown]:
    """Words of the person's that someone else has changed, each with the person's earlier words."""
    current = [
        w
        for w in Wording.objects.filter(
            plan=plan, is_current=True, replaced_person_wording__isnull=False
        ).select_related("written_by", "replaced_person_wording")
        if not w.is_persons_words
    ]
    return _shown(
        current, {w.pk: w.replaced_person_wording for w in current if w.replaced_person_wording}
    )


def confirmable_wordings(plan: Plan) -> QuerySet[Wording]:
    """The wordings the person may confirm: only this plan's, only those waiting."""
    return Wording.objects.filter(
        plan=plan, is_current=True, voice__in=PERSON_VOICES, person_confirmed_at__isnull=True
    )


def restorable_wordings(plan: Plan) -> QuerySet[Wording]:
    """The person's earlier words in this plan that someone else's words now stand over."""
    replaced = Wording.objects.filter(
        plan=plan, is_current=True, replaced_person_wording__isnull=False
    ).values("replaced_person_wording")
    return Wording.objects.filter(plan=plan, pk__in=replaced)


def version_awaiting_person(person: Person) -> PlanVersion | None:
    """The newest version of the person's plan, if it waits for them to say whether they agree."""
    newest = PlanVersion.objects.filter(plan__person=person).order_by("-number").first()
    return newest if newest is not None and newest.waits_for_person else None


def goal_ids_of(plan: Plan) -> list[int]:
    return list(plan.goals.values_list("pk", flat=True))


def steps_of(goal: Goal) -> QuerySet[GoalStep]:
    return goal.steps.select_related("supporter", "owner_user", "created_by", "updated_by")


def strengths_of_goal(goal: Goal) -> QuerySet[Strength]:
    """The strengths a goal builds on (those in use)."""
    return goal.strengths.filter(archived_at__isnull=True)


def ratings_of(goal: Goal) -> list[ProgressRating]:
    """A goal's progress ratings, oldest first, with who rated."""
    return list(goal.ratings.order_by("rated_on", "created_at").select_related("rated_by"))


def latest_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.first()


def versions_of(plan: Plan) -> QuerySet[PlanVersion]:
    """Every version of the plan, newest first, with who signed and the review it came from."""
    return plan.versions.select_related("coordinator_signed_by", "review__recorded_by")


def version_numbered(plan: Plan, number: int) -> PlanVersion | None:
    return versions_of(plan).filter(number=number).first()


def crisis_lines_shown_with(person: Person, user: Any) -> list[CrisisLine]:
    """The person's organisation's crisis numbers, or the user's own when it lists none."""
    return list(person.organisation.crisis_lines.all()) or crisis_lines_for(user)


def document_contents(plan: Plan) -> dict[str, Any]:
    """Everything the statutory documents, the person-held copy and the crisis printouts show.

    The whole crisis plan, the advance statement, the safety plan with both views, the
    assessment, the person's contacts, the latest review with who came, and who wrote what.
    """
    person = plan.person
    goals = goals_of(plan)
    risks, positive_risks = risks_and_positive_risks(plan)
    return {
        "person": person,
        "plan": plan,
        "goals": goals,
        "review": latest_review(plan),
        "coordinator": current_coordinator(person),
        "latest_version": latest_version(plan),
        "strengths": strengths_in_use(plan),
        "safety_items": safety_items_in_use(plan),
        "personal_safety": plan.personal_safety,
        "contacts": contacts_of(plan),
        "needs": needs_of(plan),
        "risks": risks,
        "positive_risks": positive_risks,
        "wordings": wordings_of(plan),
        "lines": list(person.organisation.crisis_lines.all()),
        "generated_on": timezone.localdate(),
        "ctp_areas": goals_by_ctp_area(goals),
        "time_in_care": care_programme_since(person),
    }


# The parts a supporter can be shared, by the consent app's part codes (plans cannot import it).
SHARED_PART_CODES = ("about_me", "goals", "staying_well", "crisis", "safety", "reviews")
# The worded parts each shared part shows, so the supporter's copy loads who wrote those
# alone: a wording holds its words, and words of a part not shared are never loaded.
SHARED_PART_TYPES: dict[str, tuple[str, ...]] = {
    "about_me": (AboutMe.AUDIT_TYPE,),
    "goals": (Goal.AUDIT_TYPE, GoalStep.AUDIT_TYPE, Strength.AUDIT_TYPE),
    "staying_well": (StayingWellPlan.AUDIT_TYPE,),
    "crisis": (CrisisPlan.AUDIT_TYPE, PersonalContact.AUDIT_TYPE),
    "safety": (SafetyItem.AUDIT_TYPE, PersonalSafetyPlan.AUDIT_TYPE),
    "reviews": (),
}


def shared_plan_content(person: Person, parts: frozenset[str]) -> dict[str, Any]:
    """What the supporter's shared copy shows of the plan, for exactly these parts.

    Parts not given are never loaded. Each part carries everything the person shares in it:
    the crisis plan whole, with the advance statement and the person's contacts; the safety
    plan with the person's view beside the professional view and the person's own safety
    steps; goals with the strengths they build on; the latest review with who came.
    """
    content: dict[str, Any] = {}
    plan = plan_for(person)
    if plan is None:
        return content
    content["wordings"] = wordings_of(
        plan, [kind for code in parts for kind in SHARED_PART_TYPES.get(code, ())]
    )
    if "about_me" in parts:
        content["about_me"] = plan.about_me
    if "goals" in parts:
        content["goals"] = goals_of(plan)
    if "staying_well" in parts:
        content["staying_well"] = plan.staying_well
    if "crisis" in parts:
        content["crisis"] = plan.crisis
        # The person's own people to ring (not the care team's appointments and contacts).
        content["personal_contacts"] = contacts_of(plan)
    if "safety" in parts:
        content["safety"] = list(safety_items_in_use(plan))
        content["personal_safety"] = plan.personal_safety
    if "reviews" in parts:
        content["reviews"] = latest_review(plan)
    return content


def care_programme_since(person: Person) -> date | None:
    """When the person's care coordination began: their first care coordinator's start."""
    first = (
        CareTeamMembership.objects.filter(person=person, is_coordinator=True)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    return first


def goals_by_ctp_area(goals: list[Goal]) -> list[tuple[str, list[Goal]]]:
    """The goals under each of the eight areas of the Mental Health (Wales) Measure."""
    return [
        (str(label), [g for g in goals if g.life_area.ctp_area == code])
        for code, label in CTP_AREAS
    ]


def latest_review(plan: Plan) -> Review | None:
    return (
        plan.reviews.select_related("recorded_by")
        .prefetch_related("supporters_attended")
        .order_by("-held_on", "-created_at")
        .first()
    )


def current_coordinator(person: Person) -> CareTeamMembership | None:
    return (
        CareTeamMembership.objects.filter(person=person, is_coordinator=True, ended_on__isnull=True)
        .select_related("staff__user")
        .first()
    )


@dataclass(frozen=True)
class PlanStage:
    """Where a plan is, for the person and for the team: never a judgement, a prompt."""

    code: str
    label: str


def _improved(ratings: list[Any]) -> bool:
    return len(ratings) >= 2 and ratings[-1].score > ratings[0].score


def plan_stage(plan: Plan, goals: list[Goal], today: date) -> PlanStage:
    from django.utils.translation import gettext as _

    active = [g for g in goals if g.status == GoalStatus.ACTIVE]
    achieved = [g for g in goals if g.status == GoalStatus.ACHIEVED]
    if not goals:
        return PlanStage("new", _("New: getting to know what matters"))
    if achieved and len(achieved) >= 2 * max(len(active), 1):
        return PlanStage("moving_on", _("Nearly ready to move on from services"))
    recent = [r for g in active for r in g.ratings.all() if (today - r.rated_on).days <= 180]
    improving = any(_improved(list(g.ratings.all())) for g in active)
    if active and not recent and not improving:
        return PlanStage(
            "stuck", _("Stuck: no progress recorded for six months. Time to talk about the goals?")
        )
    return PlanStage("active", _("Active"))
