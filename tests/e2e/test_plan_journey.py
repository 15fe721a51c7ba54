"""The living plan in real Chromium: started together, added to on a phone, reviewed, signed both ways, printed.

It also counts the interactions of the standard review, recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
GOAL = "Join the walking group on Thursdays"
STEP = "Ask the library for the group's start time"


class Counter:
    """Counts what a person does: clicks (including ticking boxes) and page submits."""

    def __init__(self) -> None:
        self.clicks = 0
        self.fields = 0
        self.submits = 0

    def click(self, locator: Any, *, submits: bool = False) -> None:
        locator.click()
        self.clicks += 1
        self.submits += int(submits)

    def fill(self, locator: Any, value: str) -> None:
        locator.fill(value)
        self.fields += 1


def _person_id() -> str:
    from ourplan.people.models import Person

    return str(Person.objects.get(user__username="person").pk)


def test_a_plan_is_written_together_reviewed_signed_and_printed(
    demo: Any, new_page: Any, login: Any, assert_accessible: Any, horizontal_overflow: Any
) -> None:
    from django.utils import timezone
    from pypdf import PdfReader

    person_id = _person_id()

    # 1. The care coordinator starts the plan with the person.
    coordinator = new_page()
    login(coordinator, "coordinator")
    coordinator.goto(f"/people/{person_id}/")
    coordinator.get_by_role("link", name=re.compile(r"^Open .+'s plan$")).click()
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Start the plan").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("About me")
    assert_accessible(coordinator)
    coordinator.get_by_label("What recovery means to me").fill(
        "Getting out of the house and seeing people again"
    )
    coordinator.get_by_role("button", name="Save").click()
    expect(
        coordinator.get_by_text("Getting out of the house and seeing people again")
    ).to_be_visible()

    # 2. The person, on a phone, adds a goal in their own words with a step, and rates progress.
    phone = new_page(viewport=PHONE)
    login(phone, "person")
    phone.get_by_role("link", name="My plan").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("My plan")
    assert horizontal_overflow(phone) == 0
    assert_accessible(phone)
    phone.get_by_role("link", name="Add a goal").click()
    assert_accessible(phone)
    phone.get_by_label("My goal").fill(GOAL)
    phone.get_by_label("Life area").select_option(label="Friends and relationships")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Add a step")
    assert_accessible(phone)
    phone.get_by_label("Step", exact=True).fill(STEP)
    phone.get_by_label("Me", exact=True).check()
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(GOAL)
    phone.get_by_label("How far along are you").fill("3")
    phone.get_by_role("button", name="Record progress").click()
    expect(phone.get_by_test_id("progress-table")).to_contain_text("3")
    assert horizontal_overflow(phone) == 0
    assert_accessible(phone)

    # 3. The coordinator records the review, counted as a person would do it.
    count = Counter()
    coordinator.goto(f"/people/{person_id}/plan/")
    count.click(coordinator.get_by_role("link", name="Record a review"), submits=False)
    assert_accessible(coordinator)
    count.fill(coordinator.get_by_label(GOAL), "5")
    count.fill(
        coordinator.get_by_label("Next review"),
        (timezone.localdate() + timedelta(days=90)).isoformat(),
    )
    count.click(coordinator.get_by_label("Add a step to this goal"))  # opening the list
    coordinator.get_by_label("Add a step to this goal").select_option(label=GOAL)
    count.fill(coordinator.get_by_label("New step"), "Walk the first route together")
    coordinator.get_by_label("Who does it").select_option(label="My care coordinator")
    count.click(coordinator.get_by_label("I sign this version as care coordinator"))
    count.click(coordinator.get_by_label("PDF"))
    count.click(coordinator.get_by_role("button", name="Save the review"), submits=True)
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Plan version 1")
    assert_accessible(coordinator)
    # Recorded in docs/benchmarks.md: one page submit for the whole review.
    print(
        f"\nreview journey: {count.submits} submit, {count.clicks} clicks, {count.fields} fields typed"
    )
    assert count.submits == 1
    assert count.clicks <= 5

    # ...and the person signs it on their phone.
    phone.goto(f"/people/{person_id}/plan/versions/1/")
    phone.get_by_label("Yes, I agree: sign it").check()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_test_id("signatures")).to_contain_text("online")
    expect(phone.get_by_test_id("signatures")).not_to_contain_text("Not yet")
    assert_accessible(phone)

    # 4. The statutory document and the person's copy, as pages and as PDFs.
    for path in ("statutory/", "my-copy/", "crisis/", "versions/"):
        coordinator.goto(f"/people/{person_id}/plan/{path}")
        assert_accessible(coordinator)
    pdf = coordinator.request.get(f"/people/{person_id}/plan/statutory.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages
    )
    assert GOAL in text
    assert "Personalised care and support plan" in text
