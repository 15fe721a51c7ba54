"""Reads of plans shared by views, the statutory document and the person-held copy.

These read what a page shows once its access function has let the user at the plan;
they never decide who may see what (that is access.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ourplan.people.models import CareTeamMembership, CrisisLine, Person
from ourplan.people.queries import crisis_lines_for
from ourplan.plans.life_areas import CTP_AREAS
from ourplan.plans.models import (
    Goal,
    GoalStatus,
    GoalStep,
    Plan,
    PlanVersion,
    ProgressRating,
    Review,
    SafetyItem,
    Strength,
)


def plan_for(person: Person) -> Plan | None:
    return (
        Plan.objects.select_related(
            "about_me", "staying_well", "crisis", "person__organisation", "person__team"
        )
        .filter(person=person)
        .first()
    )


def goals_of(plan: Plan) -> list[Goal]:
    """Goals with their steps, ratings, strengths and area in a fixed number of queries."""
    return list(
        plan.goals.select_related("life_area", "created_by", "updated_by", "plan__person")
        .prefetch_related(
            "steps__supporter",
            Prefetch("ratings", queryset=ProgressRating.objects.order_by("rated_on", "created_at")),
            "strengths",
        )
        .order_by("status", "created_at")
    )


def strengths_of(plan: Plan) -> list[Strength]:
    """All the plan's strengths, those set aside too, with who wrote them."""
    return list(plan.strengths.select_related("created_by"))


def strengths_in_use(plan: Plan) -> QuerySet[Strength]:
    return plan.strengths.filter(archived_at__isnull=True)


def safety_items_in_use(plan: Plan) -> QuerySet[SafetyItem]:
    return plan.safety_items.filter(archived_at__isnull=True)


def goal_ids_of(plan: Plan) -> list[int]:
    return list(plan.goals.values_list("pk", flat=True))


def steps_of(goal: Goal) -> QuerySet[GoalStep]:
    return goal.steps.select_related("supporter")


def ratings_of(goal: Goal) -> list[ProgressRating]:
    """A goal's progress ratings, oldest first, with who rated."""
    return list(goal.ratings.order_by("rated_on", "created_at").select_related("rated_by"))


def latest_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.first()


def versions_of(plan: Plan) -> QuerySet[PlanVersion]:
    """Every version of the plan, newest first, with who signed and the review it came from."""
    return plan.versions.select_related("coordinator_signed_by", "review")


def version_numbered(plan: Plan, number: int) -> PlanVersion | None:
    return versions_of(plan).filter(number=number).first()


def crisis_lines_shown_with(person: Person, user: Any) -> list[CrisisLine]:
    """The person's organisation's crisis numbers, or the user's own when it lists none."""
    return list(person.organisation.crisis_lines.all()) or crisis_lines_for(user)


def document_contents(plan: Plan) -> dict[str, Any]:
    """Everything the statutory document and the person-held copy are generated from."""
    person = plan.person
    goals = goals_of(plan)
    return {
        "person": person,
        "plan": plan,
        "goals": goals,
        "review": latest_review(plan),
        "coordinator": current_coordinator(person),
        "latest_version": latest_version(plan),
        "strengths": strengths_in_use(plan),
        "safety_items": safety_items_in_use(plan),
        "lines": list(person.organisation.crisis_lines.all()),
        "generated_on": timezone.localdate(),
        "ctp_areas": goals_by_ctp_area(goals),
    }


def goals_by_ctp_area(goals: list[Goal]) -> list[tuple[str, list[Goal]]]:
    """The goals under each of the eight areas of the Mental Health (Wales) Measure."""
    return [
        (str(label), [g for g in goals if g.life_area.ctp_area == code])
        for code, label in CTP_AREAS
    ]


def latest_review(plan: Plan) -> Review | None:
    return (
        plan.reviews.prefetch_related("supporters_attended")
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
