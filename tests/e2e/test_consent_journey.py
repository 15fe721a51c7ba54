"""Sharing in real Chromium: the person shares only the crisis plan with their mother, she sees it
and sends a concern, the coordinator acknowledges it, the person stops sharing, and sees what she viewed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

CRISIS_TEXT = "Ring my mum first; sit with me somewhere quiet"
GOAL_TEXT = "Go back to the allotment on Saturdays"


def _setup() -> tuple[str, str]:
    """A plan with a crisis plan and a goal; the supporter login is the person's mum."""
    from ourplan.people.models import Person, Supporter
    from ourplan.plans import services

    person = Person.objects.get(user__username="person")
    coordinator = person.care_team.get(is_coordinator=True, ended_on__isnull=True).staff.user
    plan = services.plan_start(actor=coordinator, person=person)
    services.save_part(
        actor=coordinator,
        part=plan.crisis,
        fields={"what_helps": CRISIS_TEXT},
        revision=plan.crisis.revision,
        person=person,
    )
    area = services.life_areas_for(person.organisation).first()
    services.goal_add(actor=coordinator, plan=plan, text=GOAL_TEXT, life_area=area)
    mum = Supporter.objects.get(user__username="supporter")
    Supporter.objects.filter(pk=mum.pk).update(relationship="my mum")
    return str(person.pk), mum.full_name


def test_the_person_shares_only_the_crisis_plan_and_then_stops(
    demo: Any, new_page: Any, login: Any, assert_accessible: Any
) -> None:
    person_id, mum = _setup()

    # 1. The person shares only the crisis plan with their mother.
    person = new_page()
    login(person, "person")
    person.get_by_role("link", name="Who sees my plan").first.click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Who sees my plan")
    assert_accessible(person)
    person.get_by_role("link", name=f"Change what {mum} can see").click()
    assert_accessible(person)
    person.get_by_role("group", name="What they can see now").get_by_label("Crisis plan").check()
    person.get_by_role("button", name="Save what is shared").click()
    expect(person.get_by_text(f"Saved. {mum} sees only what you chose.")).to_be_visible()

    # 2. The mother sees the crisis plan and nothing else, and sends a concern.
    carer = new_page()
    login(carer, "supporter")
    expect(carer.get_by_test_id("shared-parts")).to_contain_text(CRISIS_TEXT)
    expect(carer.get_by_text(GOAL_TEXT)).to_have_count(0)
    expect(carer.get_by_test_id("not-shared")).to_contain_text("Goals and progress")
    expect(carer.get_by_test_id("crisis-help")).to_be_visible()
    assert_accessible(carer)
    carer.get_by_role("link", name="Send information or a concern").click()
    assert_accessible(carer)
    carer.get_by_label("A concern").check()
    carer.get_by_label("What you want to tell the team").fill("She has stopped sleeping again")
    carer.get_by_role("button", name="Send to the team").click()
    expect(carer.get_by_test_id("my-contributions")).to_contain_text("Not read yet")
    carer.get_by_role("link", name="Your own needs, wellbeing and support").click()
    assert_accessible(carer)

    # 3. The coordinator sees and acknowledges the concern.
    coordinator = new_page()
    login(coordinator, "coordinator")
    coordinator.goto(f"/people/{person_id}/")
    coordinator.get_by_role(
        "link", name=re.compile(r"message from supporters to acknowledge")
    ).click()
    expect(coordinator.get_by_test_id("contribution")).to_contain_text(
        "She has stopped sleeping again"
    )
    assert_accessible(coordinator)
    coordinator.get_by_label("Reply (optional)").fill("Thank you. I will ring her today.")
    coordinator.get_by_role("button", name=re.compile("^Acknowledge")).click()
    expect(coordinator.get_by_test_id("contribution")).to_contain_text("Acknowledged by")
    coordinator.goto(f"/people/{person_id}/sharing/")
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name="Switch on crisis sharing").click()
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Switch on crisis sharing").click()
    expect(
        coordinator.get_by_text("Give the reason for switching on crisis sharing.").first
    ).to_be_visible()
    carer.goto("/supporting/")
    expect(carer.get_by_test_id("my-contributions")).to_contain_text("Read by the team")

    # 4. The person stops sharing; the mother's next request shows nothing.
    person.get_by_role("button", name=f"Stop sharing with {mum}").click()
    expect(person.get_by_text("They now see nothing of your record.")).to_be_visible()
    carer.reload()
    expect(carer.get_by_test_id("nothing-shared")).to_be_visible()
    expect(carer.get_by_text(CRISIS_TEXT)).to_have_count(0)
    assert carer.request.get("/supporting/shared.pdf").status == 403

    # 5. The person sees what the mother viewed.
    person.reload()
    expect(person.get_by_test_id("supporter-reads")).to_contain_text("saw your crisis plan")
    expect(person.get_by_test_id("supporter-reads")).not_to_contain_text("shared_view")
    expect(person.get_by_test_id("supporter-reads")).to_contain_text(mum.split()[0])
    assert_accessible(person)


def test_what_supporters_viewed_reads_in_words_on_a_phone(
    demo: Any, new_page: Any, login: Any, assert_accessible: Any, horizontal_overflow: Any
) -> None:
    """Sixty days of a carer's views: in words, by day, a page of days at a time, on a phone."""
    from datetime import timedelta

    from django.utils import timezone

    from ourplan.core.models import AuditAction, AuditEntry
    from ourplan.people.models import Person, Supporter

    person_record = Person.objects.get(user__username="person")
    mum = Supporter.objects.get(user__username="supporter")
    now = timezone.now()
    for back in range(60):
        for _view in range(6):
            AuditEntry.objects.create(
                at=now - timedelta(days=back),
                actor=mum.user,
                actor_role="supporter",
                action=AuditAction.READ,
                object_type="shared_view",
                object_id="goals,crisis",
                person=person_record,
            )

    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(phone, "person")
    phone.goto(f"/people/{person_record.pk}/sharing/")
    log = phone.get_by_test_id("supporter-reads")
    expect(log).to_contain_text(f"{mum.full_name} ({mum.get_kind_display().lower()}) saw your")
    expect(log).not_to_contain_text("shared_view")
    expect(log.locator("h3")).to_have_count(20)
    assert horizontal_overflow(phone) == 0, "the sharing page scrolls sideways on a phone"
    height = phone.evaluate("document.scrollingElement.scrollHeight")
    assert height < 8_000, f"the sharing page is {height}px tall on a phone"
    assert_accessible(phone)
    phone.get_by_role("link", name="Earlier days").click()
    expect(log.locator("h3")).to_have_count(20)
    expect(phone.get_by_role("link", name="Later days")).to_be_visible()
