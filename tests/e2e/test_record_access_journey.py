"""Who has seen my record, on a phone: six weeks of the demo person's log, readable page by page.

The demo person has about 200 entries (record_access/demo.py). Each page must pass axe, fit
in under three phone screens, and read in words: no internal codes. Then the person asks
about an entry and the information governance lead answers it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
# Words shaped like the log's own codes: "shared_view", "shared_copy:reviews", "goal_step".
CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+(?::[a-z_]+)?\b")


def _load_the_rest_of_the_demo() -> None:
    from ourplan.core.demo_loaders import load_all_demo_data

    load_all_demo_data()


def _main_text(page: Any) -> str:
    return str(page.locator("main").inner_text())


def test_the_demo_persons_log_is_readable_on_a_phone(
    demo: Any,
    new_page: Any,
    login: Any,
    assert_accessible: Any,
    horizontal_overflow: Any,
    screenshot: Any,
) -> None:
    from ourplan.people.models import Person
    from ourplan.record_access.queries import record_access_for

    _load_the_rest_of_the_demo()
    person = Person.objects.get(user__username="person")
    assert 180 <= record_access_for(person).count() <= 240

    phone = new_page(viewport=PHONE)
    login(phone, "person")
    # On a phone the menu folds into "More"; the home page links here too.
    phone.get_by_role("link", name="See who has looked at my record").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Who has seen my record")
    assert_accessible(phone)
    assert horizontal_overflow(phone) == 0

    pages = 0
    heights = []
    while True:
        pages += 1
        if pages <= 2:
            screenshot(phone, f"record-access-phone-page-{pages}")
        height = phone.evaluate("document.documentElement.scrollHeight")
        heights.append(height)
        assert height < 3 * PHONE["height"], f"page {pages} is {height}px tall"
        text = _main_text(phone)
        assert not CODE.search(text), CODE.findall(text)
        assert phone.get_by_test_id("access-group").count() > 0
        following = phone.locator("a.nhsuk-pagination__next")
        if following.count() == 0:
            break
        following.click()
        phone.wait_for_url(re.compile(rf"page={pages + 1}"))
    assert pages >= 5
    print(f"\nrecord access on a phone: {pages} pages, heights {heights}")

    # The filter works without scripts and keeps to the same readable page.
    phone.goto("/me/record-access/")
    phone.get_by_text("Filter the list").click()
    phone.get_by_label("Part of your record").select_option(label="Crisis plan")
    phone.get_by_role("button", name="Show").click()
    expect(phone.get_by_test_id("access-line").first).to_contain_text("Crisis plan")
    for line in phone.get_by_test_id("access-line").all():
        expect(line).to_contain_text("Crisis plan")
    assert_accessible(phone)


def test_a_question_reaches_the_ig_lead_and_the_answer_comes_back(
    demo: Any, new_page: Any, login: Any, assert_accessible: Any
) -> None:
    _load_the_rest_of_the_demo()

    phone = new_page(viewport=PHONE)
    login(phone, "person")
    phone.goto("/me/record-access/")
    group = phone.get_by_test_id("access-group").first
    who = group.get_by_role("heading", level=3).inner_text()
    group.get_by_role("link", name=re.compile("I do not recognise this")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ask about this")
    assert_accessible(phone)
    phone.get_by_label("Tell us more").fill(f"I do not know {who}.")
    phone.get_by_role("button", name="Send your question").click()
    expect(
        phone.get_by_text("Your question has gone to the information governance lead")
    ).to_be_visible()

    lead = new_page()
    login(lead, "westmanager")  # the demo organisation's information governance lead
    lead.goto("/record-access/questions/")
    assert_accessible(lead)
    # Waiting questions are oldest first: the one just asked is the last about this entry.
    lead.get_by_test_id("question-row").filter(has_text=who).last.get_by_role("link").click()
    expect(lead.get_by_text(f"I do not know {who}.")).to_be_visible()
    assert_accessible(lead)
    lead.get_by_label("Your answer").fill(f"{who} is in your care team and read your plan.")
    lead.get_by_role("button", name="Save the answer and close the question").click()
    expect(lead.get_by_text("Your answer is saved")).to_be_visible()

    phone.goto("/me/record-access/")
    expect(phone.get_by_test_id("my-questions")).to_contain_text(
        f"{who} is in your care team and read your plan."
    )


def test_the_administrator_sees_and_names_the_ig_leads(
    demo: Any, new_page: Any, login: Any, assert_accessible: Any
) -> None:
    _load_the_rest_of_the_demo()
    admin = new_page()
    login(admin, "admin")
    admin.goto("/record-access/governance-leads/")
    expect(admin.get_by_test_id("current-leads")).to_contain_text("David Ashworth")
    assert_accessible(admin)
    admin.get_by_label("Member of staff").select_option(
        label="Martin Hale (Clinician, Northmoor East Community Mental Health Team)"
    )
    admin.get_by_role("button", name="Make them a lead").click()
    expect(admin.get_by_test_id("current-leads")).to_contain_text("Martin Hale")
    assert_accessible(admin)
