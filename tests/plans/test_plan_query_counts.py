"""The plan page costs the same number of queries however many goals and steps there are."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ourplan.plans import services


def _queries_for_plan_page(client: Any, person: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("plans:plan", args=[person.pk]))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_plan_page_has_no_n_plus_one_queries(standing: Any, client_for: Any) -> None:
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    area = services.life_areas_for(standing.organisation).first()
    client = client_for(standing.coordinator)

    def add_goals(count: int) -> None:
        for number in range(count):
            goal = services.goal_add(
                actor=standing.coordinator, plan=plan, text=f"Goal {number}", life_area=area
            )
            services.step_add(actor=standing.coordinator, goal=goal, text="A step", owner="me")
            services.progress_rate(actor=standing.coordinator, goal=goal, score=3)
            services.save_part(
                actor=standing.person_user,
                part=goal,
                fields={"text": f"Goal {number}!"},
                revision=goal.revision,
                person=standing.person,
            )

    add_goals(2)
    client.get(
        reverse("plans:plan", args=[standing.person.pk])
    )  # warm caches (content types, life areas)
    with_two = _queries_for_plan_page(client, standing.person)
    add_goals(10)
    with_twelve = _queries_for_plan_page(client, standing.person)
    assert with_twelve == with_two
