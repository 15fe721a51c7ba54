"""Correcting what is written, in real Chromium: a strength and a step reworded in the room,
and an administrator documenting the contribution policy. axe checks every page, errors included."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def _person_with_strengths_and_steps() -> tuple[str, str, str]:
    """A person on the demo coordinator's team whose plan has a strength and a step."""
    from ourplan.people.models import StaffMember
    from ourplan.plans.demo import load_demo_plans
    from ourplan.plans.models import GoalStep

    load_demo_plans()  # the browser fixture loads people only
    team = StaffMember.objects.get(user__username="coordinator").team
    step = (
        GoalStep.objects.filter(
            goal__plan__person__team=team,
            goal__plan__strengths__archived_at__isnull=True,
        )
        .select_related("goal__plan")
        .order_by("pk")
        .first()
    )
    assert step is not None, "the demo team has a plan with a strength and a goal with a step"
    return str(step.goal.plan.person_id), str(step.goal_id), step.text


def test_a_strength_and_a_step_are_reworded(
    demo: Any, page: Any, login: Any, assert_accessible: Any
) -> None:
    person_id, goal_id, step_text = _person_with_strengths_and_steps()
    login(page, "coordinator")
    page.goto(f"/people/{person_id}/plan/")
    page.get_by_test_id("strengths").get_by_role("link", name=re.compile("^Change")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change this strength")
    assert_accessible(page)

    text = page.locator("[name=text]")
    text.fill("")
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_role("alert")).to_contain_text("Write the strength.")
    assert_accessible(page)

    text.fill("Good at keeping my allotment going, even in winter")
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_test_id("strengths")).to_contain_text("even in winter")

    page.goto(f"/people/{person_id}/plan/goals/{goal_id}/")
    page.get_by_role("link", name=f"Change {step_text}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change this step")
    assert_accessible(page)
    page.locator("[name=text]").fill("Ring the library on Monday")
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator("main")).to_contain_text("Ring the library on Monday")
    assert_accessible(page)


def test_an_administrator_documents_the_contribution_policy(
    demo: Any, page: Any, login: Any, assert_accessible: Any
) -> None:
    login(page, "admin")
    page.goto("/organisation/")
    page.get_by_role("link", name=re.compile("^Change the policy")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What supporters send: who sees it")
    assert_accessible(page)

    page.get_by_label(
        "The person is shown what supporters send, unless the supporter asks us not to"
    ).check()
    page.get_by_role("button", name="Save the policy").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why")
    assert_accessible(page)

    page.get_by_label("Why is the policy set this way?").fill("Agreed with the carers' forum")
    page.get_by_role("button", name="Save the policy").click()
    expect(page.locator("main")).to_contain_text("unless the supporter asks us not to")
    page.goto("/organisation/contribution-policy/")
    expect(page.locator("main")).to_contain_text("Agreed with the carers' forum")
    assert_accessible(page)
