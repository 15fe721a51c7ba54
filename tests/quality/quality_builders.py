"""Builders for care plan audit tests: a reviewed plan and a sample drawn over it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from ourplan.people.models import Person, Team
from ourplan.plans import services as plan_services
from ourplan.plans.models import PlanVersion
from ourplan.quality import services
from ourplan.quality.models import AuditSample


def reviewed_plan(person: Person, coordinator: Any, **review: Any) -> PlanVersion:
    """A plan with one staff-written goal, reviewed once: its version is returned."""
    plan = plan_services.plan_start(actor=coordinator, person=person)
    area = plan_services.life_areas_for(person.organisation).get(code="treatment")
    plan_services.goal_add(actor=coordinator, plan=plan, text="Take medication", life_area=area)
    today = timezone.localdate()
    return plan_services.review_record(
        actor=coordinator,
        plan=plan,
        held_on=today,
        next_review_on=today + timedelta(days=180),
        **review,
    )


def draw(
    manager: Any, teams: list[Team], first: Any, *, size: int = 1, seed: int = 7, **extra: Any
) -> AuditSample:
    return services.sample_draw(
        actor=manager,
        organisation=teams[0].organisation,
        name="Spring audit",
        teams=teams,
        size_per_team=size,
        first_auditor=first,
        closes_on=extra.pop("closes_on", date.today() + timedelta(days=30)),
        seed=seed,
        **extra,
    )
