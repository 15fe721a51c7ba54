"""Builders for coordination tests: a plan with goals, a review, a contact."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from ourplan.coordination import services
from ourplan.people.models import Person
from ourplan.plans import services as plans
from ourplan.plans.models import Goal, Plan, Review


def a_plan(standing: Any, person: Person | None = None, *, started_days_ago: int = 0) -> Plan:
    person = person or standing.person
    plan = plans.plan_start(actor=standing.coordinator, person=person)
    if started_days_ago:
        Plan.objects.filter(pk=plan.pk).update(
            started_at=timezone.now() - timedelta(days=started_days_ago)
        )
        plan.refresh_from_db()
    return plan


def a_goal(standing: Any, plan: Plan, text: str = "Walk to the park", *, days_ago: int = 0) -> Goal:
    area = plans.life_areas_for(plan.person.organisation).first()
    goal = plans.goal_add(actor=standing.coordinator, plan=plan, text=text, life_area=area)
    if days_ago:
        when = timezone.now() - timedelta(days=days_ago)
        Goal.objects.filter(pk=goal.pk).update(created_at=when, updated_at=when)
        goal.refresh_from_db()
    return goal


def a_past_review(standing: Any, plan: Plan, *, held_on: date, next_review_on: date) -> Review:
    """A review from the past (the review service rightly refuses a next date in the past)."""
    return Review.objects.create(
        plan=plan, held_on=held_on, next_review_on=next_review_on, recorded_by=standing.coordinator
    )


def a_contact(
    standing: Any,
    person: Person | None = None,
    *,
    when: datetime | None = None,
    mode: str = "home",
    minutes: int = 45,
    outcome: str = "happened",
    staff: Any = None,
) -> Any:
    return services.contact_record(
        actor=standing.coordinator,
        person=person or standing.person,
        staff=staff or standing.coordinator.staff_member,
        mode=mode,
        outcome=outcome,
        starts_at=when or timezone.now() - timedelta(hours=1),
        duration_minutes=minutes,
    )
