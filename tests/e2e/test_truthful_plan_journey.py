"""The plan tells the truth, in real Chromium on a phone: the person's home says a version waits
for them, they put back their own words after a staff change, disagree with a version and say
why, and the coordinator sees it.

Every page is checked with axe at 390×844, with no sideways scrolling.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
OWN_WORDS = "Get back to the allotment on Saturdays"
STAFF_WORDS = "Attend allotment twice weekly (activity scheduling)"
COMMENT = "I never said I would go twice a week. Please put my goal back as I wrote it."


def _plan_with_a_changed_goal() -> tuple[str, str, str]:
    """The person's own goal, reworded by their coordinator, then frozen in version 1."""
    from django.utils import timezone

    from ourplan.people.models import Person
    from ourplan.plans import services

    person = Person.objects.get(user__username="person")
    coordinator = person.care_team.get(is_coordinator=True, ended_on__isnull=True).staff.user
    plan = services.plan_start(actor=coordinator, person=person)
    area = services.life_areas_for(person.organisation).get(code="community")
    goal = services.goal_add(actor=person.user, plan=plan, text=OWN_WORDS, life_area=area)
    services.save_part(
        actor=coordinator,
        part=goal,
        fields={"text": STAFF_WORDS},
        revision=goal.revision,
        person=person,
    )
    today = timezone.localdate()
    services.review_record(
        actor=coordinator,
        plan=plan,
        held_on=today,
        next_review_on=today + timedelta(days=90),
        person_attended=True,
        what_changed="New goal agreed",
        coordinator_signs=True,
    )
    return str(person.pk), coordinator.username, person.called


def test_the_person_restores_their_words_disagrees_and_the_coordinator_sees_why(
    demo: Any, new_page: Any, login: Any, assert_accessible: Any, horizontal_overflow: Any
) -> None:
    person_id, coordinator_username, called = _plan_with_a_changed_goal()

    # 1. On their phone, their home page and then their plan say a version waits for them
    # and something changed.
    phone = new_page(viewport=PHONE)
    login(phone, "person")
    phone.goto("/me/")
    expect(phone.get_by_test_id("awaiting-signature")).to_contain_text("Version 1 of your plan")
    expect(phone.get_by_test_id("plan-notices")).to_contain_text("1 change to your plan")
    assert horizontal_overflow(phone) == 0
    assert_accessible(phone)
    phone.locator("#maincontent").get_by_role("link", name="My plan", exact=True).click()
    expect(phone).to_have_url(re.compile(f"/people/{person_id}/plan/$"))
    expect(phone.get_by_test_id("version-waits")).to_contain_text("Version 1")
    expect(phone.get_by_test_id("plan-notices")).to_contain_text("1 change to your plan")
    expect(phone.get_by_test_id("goal-card")).to_contain_text("from your words")
    assert horizontal_overflow(phone) == 0
    assert_accessible(phone)

    # 2. They see their earlier words beside the new ones, and put theirs back in one action.
    phone.get_by_role("link", name="See the changes").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Changes to my plan")
    expect(phone.get_by_test_id("your-earlier-words")).to_contain_text(OWN_WORDS)
    expect(phone.get_by_test_id("words-now-say")).to_contain_text(STAFF_WORDS)
    assert horizontal_overflow(phone) == 0
    assert_accessible(phone)
    phone.get_by_role("button", name=re.compile("^Put my words back")).click()
    expect(phone.get_by_text("Your own words are back.")).to_be_visible()
    expect(phone.get_by_text("Nobody has changed your words.")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("link", name="Back to my plan").click()
    card = phone.get_by_test_id("goal-card")
    expect(card).to_contain_text(OWN_WORDS)
    expect(card).to_contain_text("In your own words")

    # 3. They read version 1, do not agree with it, and say why in their own way.
    phone.get_by_role("link", name="Read it and answer").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Plan version 1")
    assert horizontal_overflow(phone) == 0
    assert_accessible(phone)
    phone.get_by_role("button", name="Send my answer").click()  # nothing chosen yet
    expect(phone.get_by_role("alert")).to_contain_text("Say whether you agree")
    assert_accessible(phone)
    phone.get_by_label("No, I do not agree with it").check()
    phone.get_by_label("Anything you want to say about it").fill(COMMENT)
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("Thank you. Your answer is kept with this version.")).to_be_visible()
    answer = phone.get_by_test_id("person-answer")
    expect(answer).to_contain_text("Does not agree")
    expect(answer).to_contain_text(COMMENT)
    assert horizontal_overflow(phone) == 0
    assert_accessible(phone)

    # 4. The coordinator sees the disagreement and the comment, on the plan and the version.
    coordinator = new_page(viewport=PHONE)
    login(coordinator, coordinator_username)
    coordinator.goto(f"/people/{person_id}/plan/")
    warning = coordinator.get_by_test_id("person-disagrees")
    expect(warning).to_contain_text(f"{called} does not agree with version 1")
    expect(warning).to_contain_text(COMMENT)
    assert horizontal_overflow(coordinator) == 0
    assert_accessible(coordinator)
    warning.get_by_role("link", name="See version 1").click()
    expect(coordinator.get_by_test_id("person-comment")).to_contain_text(COMMENT)
    assert_accessible(coordinator)
