"""Ask for the scheduled questionnaires when a plan starts and when a review is held.

The plans app knows nothing of questionnaires; this app listens for its records instead.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from ourplan.measures.models import Occasion
from ourplan.plans.models import Plan, Review


def _plan_started(
    sender: Any, instance: Plan, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created or raw:
        return
    from ourplan.measures import services

    services.ask_for_occasion(
        person=instance.person,
        occasion=Occasion.PLAN_START,
        occasion_ref=f"plan:{instance.pk}",
        asked_on=instance.started_at.date(),
    )


def _review_held(
    sender: Any, instance: Review, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created or raw:
        return
    from ourplan.measures import services

    services.ask_for_occasion(
        person=instance.plan.person,
        occasion=Occasion.REVIEW,
        occasion_ref=f"review:{instance.pk}",
        asked_on=instance.held_on,
    )


def connect() -> None:
    post_save.connect(_plan_started, sender=Plan, dispatch_uid="measures_plan_started")
    post_save.connect(_review_held, sender=Review, dispatch_uid="measures_review_held")
