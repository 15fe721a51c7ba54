"""Reads of plans shared by views, the statutory document and the person-held copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch

from ourplan.people.models import CareTeamMembership, Person
from ourplan.plans.models import Goal, GoalStatus, Plan, ProgressRating, Review


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
