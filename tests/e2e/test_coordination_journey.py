"""The care coordinator's and the manager's working day in real Chromium, with axe on every page:
a carer's concern reaches the coordinator's inbox; the worklist shows an overdue review that
clears when the review is recorded; a contact is recorded in three interactions; a stuck
indicator appears and clears when the goal moves; the manager allocates by fit, with reasons,
the choice and the handover recorded; and the person sees their new care coordinator.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

CONCERN = "She has not slept for three nights and I am worried about her"
GOAL = "Go back to the allotment on Saturdays"


class Interactions:
    """Counts what a person does on the page: each click, tick or typed answer is one."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, locator: Locator) -> None:
        self.count += 1
        locator.click()

    def check(self, locator: Locator) -> None:
        self.count += 1
        locator.check()


def _setup() -> dict[str, Any]:
    """The demo person with a plan that began 400 days ago: a goal with no progress for 200
    days, a review due 55 days ago, and no contact recorded yet."""
    from django.utils import timezone

    from ourplan.people.models import Person
    from ourplan.plans import services as plans
    from ourplan.plans.models import Goal, Plan, Review

    person = Person.objects.get(user__username="person")
    current = person.care_team.get(is_coordinator=True, ended_on__isnull=True).staff
    actor = current.user
    plan = plans.plan_start(actor=actor, person=person)
    long_ago = timezone.now() - timedelta(days=400)
    Plan.objects.filter(pk=plan.pk).update(started_at=long_ago)
    area = plans.life_areas_for(person.organisation).first()
    goal = plans.goal_add(actor=actor, plan=plan, text=GOAL, life_area=area)
    stale = timezone.now() - timedelta(days=200)
    Goal.objects.filter(pk=goal.pk).update(created_at=stale, updated_at=stale)
    today = timezone.localdate()
    Review.objects.create(
        plan=plan,
        held_on=today - timedelta(days=300),
        next_review_on=today - timedelta(days=55),
        recorded_by=actor,
    )
    return {"person": person, "coordinator": actor.username, "goal": goal}


def _section(page: Page, code: str) -> Locator:
    return page.get_by_test_id(f"section-{code}")


def test_the_working_day(
    demo: Any, new_page: Any, login: Any, assert_accessible: Any, horizontal_overflow: Any
) -> None:
    from ourplan.coordination.models import Allocation, Contact, Handover

    facts = _setup()
    person = facts["person"]
    name = person.full_name

    # 1. The carer sends a concern.
    carer = new_page()
    login(carer, "supporter")
    carer.get_by_role("navigation", name="Menu").get_by_role("link", name="Tell the team").click()
    assert_accessible(carer)
    carer.get_by_label("A concern").check()
    carer.get_by_label("What you want to tell the team").fill(CONCERN)
    carer.get_by_role("button", name="Send to the team").click()
    expect(carer.get_by_test_id("my-contributions")).to_contain_text("Not read yet")
    assert_accessible(carer)

    # 2. It reaches the coordinator's inbox (saying who, never what).
    coordinator = new_page()
    login(coordinator, facts["coordinator"])
    coordinator.goto("/inbox/")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Inbox")
    notice = coordinator.get_by_test_id("notifications").get_by_role(
        "link", name=re.compile(rf"sent the team something about {re.escape(name)}")
    )
    expect(notice).to_be_visible()
    expect(coordinator.get_by_test_id("notifications")).not_to_contain_text("three nights")
    assert_accessible(coordinator)

    # 3. The worklist opens on what needs doing: the concern, the overdue review, no contact.
    coordinator.goto("/worklist/")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("What needs doing")
    expect(_section(coordinator, "carer_messages")).to_contain_text(CONCERN.split(" and")[0])
    expect(_section(coordinator, "reviews_overdue")).to_contain_text(name)
    expect(_section(coordinator, "reviews_overdue")).to_contain_text("Review 55 days overdue")
    expect(_section(coordinator, "no_contact")).to_be_visible()
    assert_accessible(coordinator)
    coordinator.set_viewport_size({"width": 390, "height": 844})
    assert horizontal_overflow(coordinator) == 0, "the worklist scrolls sideways on a phone"
    assert_accessible(coordinator)
    coordinator.set_viewport_size({"width": 1280, "height": 900})

    # 4. A contact in three interactions from the worklist (here the whole "no contact" list),
    #    and back to it; and in two from the person's page.
    coordinator.goto("/worklist/no_contact/")
    assert_accessible(coordinator)
    steps = Interactions()
    steps.click(coordinator.get_by_role("link", name=f"Record a contact with {name}"))
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Record a contact")
    assert_accessible(coordinator)
    steps.check(coordinator.get_by_label("Phone call"))
    steps.click(coordinator.get_by_role("button", name="Save"))
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(re.compile("^No contact in"))
    expect(coordinator.get_by_text(f"Contact with {person.called} recorded.")).to_be_visible()
    assert steps.count <= 3
    assert Contact.objects.filter(person=person, mode="phone", outcome="happened").count() == 1
    expect(coordinator.get_by_role("main")).not_to_contain_text(name)

    coordinator.goto(f"/people/{person.pk}/")
    steps = Interactions()
    quick = coordinator.get_by_test_id("quick-contact")
    steps.check(quick.get_by_label("Face to face, at home"))
    steps.click(quick.get_by_role("button", name="Record the contact, now"))
    expect(coordinator.get_by_text(f"Contact with {person.called} recorded.")).to_be_visible()
    assert steps.count <= 3
    assert Contact.objects.filter(person=person, mode="home").count() == 1
    assert_accessible(coordinator)

    # 5. A stuck indicator shows on the person's page, with prompts, and clears when the goal moves;
    #    the person sees the same words on their home page.
    coordinator.goto(f"/people/{person.pk}/")
    stuck = coordinator.get_by_test_id("stuck-indicators")
    expect(stuck).to_contain_text("No progress has been recorded on any goal for 28 weeks")
    expect(stuck).to_contain_text("An honest conversation")
    assert_accessible(coordinator)
    me = new_page()
    login(me, "person")
    expect(me.get_by_text("Things we might talk about together")).to_be_visible()
    expect(me.get_by_test_id("stuck-indicators")).to_contain_text(
        "No progress has been recorded on any goal for 28 weeks"
    )
    assert_accessible(me)
    coordinator.goto(f"/people/{person.pk}/plan/goals/{facts['goal'].pk}/")
    assert_accessible(coordinator)
    coordinator.get_by_label(re.compile("How far along are you")).fill("5")
    coordinator.get_by_role("button", name="Record progress").click()
    assert_accessible(coordinator)
    coordinator.goto(f"/people/{person.pk}/")
    expect(coordinator.get_by_role("main")).not_to_contain_text("No progress has been recorded")
    home = me.url
    me.reload()
    assert me.url == home
    expect(me.get_by_role("main")).not_to_contain_text("No progress has been recorded")

    # 6. The overdue review clears when the review is recorded.
    coordinator.goto("/worklist/")
    _section(coordinator, "reviews_overdue").get_by_role(
        "link", name=f"Record the review for {name}"
    ).click()
    assert_accessible(coordinator)
    from django.utils import timezone

    next_review = (timezone.localdate() + timedelta(days=180)).isoformat()
    coordinator.get_by_label("Next review").fill(next_review)
    coordinator.get_by_role("button", name="Save the review").click()
    assert_accessible(coordinator)
    coordinator.goto("/worklist/")
    expect(_section(coordinator, "reviews_overdue")).to_have_count(0)
    assert_accessible(coordinator)

    # 7. The manager allocates by fit: ranked suggestions with reasons, the choice and handover.
    manager = new_page()
    login(manager, "manager")
    manager.goto(f"/people/{person.pk}/")
    assert_accessible(manager)
    manager.get_by_role("link", name="Change care coordinator").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Change the care coordinator")
    suggestions = manager.get_by_test_id("suggestion")
    expect(suggestions.first).to_contain_text(re.compile(r"\d+ of \d+"))
    assert_accessible(manager)
    first_choice = manager.get_by_role("radio").first
    chosen_label = first_choice.locator("xpath=following-sibling::label").inner_text()
    chosen_name = chosen_label.split(":")[0]
    first_choice.check()
    manager.get_by_label("Why this care coordinator").fill("Best fit, and has space")
    manager.get_by_label("They did not ask for anything").check()
    manager.get_by_role("button", name="Save the choice").click()
    expect(manager.get_by_text("Write a handover note").first).to_be_visible()
    assert not Allocation.objects.filter(person=person).exists()
    assert_accessible(manager)
    manager.get_by_role("radio", name=re.compile(re.escape(chosen_name))).check()
    manager.get_by_label("They did not ask for anything").check()
    manager.get_by_label("Handover note for the new care coordinator").fill(
        "Rang her today about her mum's worry; the allotment goal moved to 5."
    )
    manager.get_by_role("button", name="Save the choice").click()
    expect(manager.get_by_text(f"{chosen_name} is now the care coordinator")).to_be_visible()
    allocation = Allocation.objects.get(person=person)
    assert allocation.reason == "Best fit, and has space"
    assert allocation.suggestions and allocation.suggestions[0]["reasons"]
    assert Handover.objects.get(allocation=allocation).note.startswith("Rang her today")
    assert_accessible(manager)

    # 8. The person sees their new care coordinator, and is told.
    me.goto(home)
    expect(me.get_by_test_id("reach-coordinator")).to_contain_text(chosen_name)
    expect(me.get_by_text(re.compile(rf"{re.escape(chosen_name)} \("))).to_be_visible()
    assert_accessible(me)
    me.goto("/inbox/")
    expect(me.get_by_test_id("notifications")).to_contain_text(
        f"Your care coordinator is now {chosen_name}"
    )
    assert_accessible(me)


def test_dashboard_and_its_drill_down_are_accessible_and_fit_a_phone(
    demo: Any, new_page: Any, login: Any, assert_accessible: Any, horizontal_overflow: Any
) -> None:
    person = _setup()["person"]
    manager = new_page()
    login(manager, "manager")
    manager.goto("/team/dashboard/")
    expect(manager.get_by_test_id("dashboard-table")).to_contain_text("Priya Natarajan")
    assert_accessible(manager)
    manager.get_by_test_id("dashboard-summary").locator(
        ".nhsuk-summary-list__row", has_text="Reviews overdue"
    ).get_by_role("link").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Reviews overdue")
    expect(manager.get_by_test_id("behind-figure")).to_contain_text(person.full_name)
    assert_accessible(manager)
    manager.set_viewport_size({"width": 390, "height": 844})
    manager.goto("/team/dashboard/")
    assert horizontal_overflow(manager) == 0, "the dashboard scrolls sideways on a phone"
    assert_accessible(manager)
