"""A Delphi study in a real browser: design, two rounds with feedback, results; axe on every step.

Run with ``pytest -n 2 --dist loadgroup`` (one Chromium, one xdist group), or alone.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

STATEMENTS = [
    ("care coordination", "Service users should be active participants in care coordination."),
    ("care coordination", "Repeating assessments is a negative experience for everybody."),
    ("recovery", "Recovery is a return to functioning at a level experienced before."),
]
LABELS = {1: "1 – Strongly disagree", 2: "2 – Disagree", 3: "3 – Neither agree nor disagree",
          4: "4 – Agree", 5: "5 – Strongly agree"}  # fmt: skip


def _rate(page: Page, ratings: list[int]) -> None:
    for (_topic, text), value in zip(STATEMENTS, ratings, strict=True):
        # NHS.UK radios draw the circle on the label, so click the label as a person would.
        page.get_by_role("group", name=text).get_by_text(LABELS[value], exact=True).click()


def _create_study(page: Page, assert_accessible: Callable[[Page], None]) -> None:
    page.goto("/studies/")
    assert_accessible(page)
    page.get_by_role("link", name="Create a study").click()
    assert_accessible(page)
    page.get_by_label("Title", exact=True).fill("Recovery and care coordination")
    page.get_by_label("Purpose", exact=True).fill("To find where service users and carers agree.")
    page.get_by_label("Stakeholder groups").fill("service users\ncarers")
    page.get_by_label("Number of rounds").fill("2")
    page.get_by_role("button", name="Create the study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statements and questions")
    for topic, text in STATEMENTS:
        page.get_by_label("Topic").fill(topic)
        page.get_by_label("Statement", exact=True).fill(text)
        page.get_by_role("button", name="Add the statement").click()
        expect(page.get_by_text(text)).to_be_visible()
    assert_accessible(page)


def _invite(page: Page, group: str) -> str:
    page.get_by_role("link", name="Participants", exact=True).click()
    page.get_by_label("Stakeholder group").first.select_option(label=group)
    page.get_by_role("button", name="Create invitation links").click()
    return page.get_by_test_id("invitation-link").inner_text().strip()


def test_delphi_study_from_design_to_results(
    demo, page, new_page, login, assert_accessible, screenshot
):
    login(page, "researcher")
    _create_study(page, assert_accessible)

    invitations = {
        "su": _invite(page, "service users"),
        "carer": _invite(page, "carers"),
        "carer2": _invite(page, "carers"),
    }
    assert_accessible(page)
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Open round 1").click()
    expect(page.get_by_text("Round 1 is open.")).to_be_visible()
    assert_accessible(page)

    round1 = {"su": [5, 5, 1], "carer": [2, 1, 5], "carer2": [4, 5, 2]}
    participants: dict[str, Page] = {}
    for who, link in invitations.items():
        participant = new_page()
        participants[who] = participant
        participant.goto(link)
        assert_accessible(participant)
        participant.get_by_label(
            "I have read what taking part means and I agree to take part"
        ).check()
        participant.get_by_role("button", name="Agree and continue").click()
        participant.get_by_role("link", name="Round 1").click()
        expect(participant.get_by_role("button", name="Submit my answers")).to_be_visible()
        assert_accessible(participant)
        _rate(participant, round1[who])
        participant.get_by_role("button", name="Submit my answers").click()
        expect(participant.get_by_test_id("participant-rounds")).to_contain_text("Submitted")

    # A rating outside the scale (a tampered form) is refused with a clear message.
    tampered = participants["su"]
    tampered.get_by_role("link", name="Round 1").click()
    expect(tampered.get_by_role("button", name="Submit my answers")).to_be_visible()
    tampered.locator("input[type=radio][value='5']").first.evaluate(
        "el => { el.value = '8'; el.checked = true; }"
    )
    tampered.get_by_role("button", name="Submit my answers").click()
    expect(tampered.get_by_role("alert")).to_contain_text("Choose a rating from 1 to 5.")
    assert_accessible(tampered)

    page.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Close round 1").click()
    expect(page.get_by_text("Round 1 is closed.")).to_be_visible()
    page.get_by_role("button", name="Open round 2").click()
    expect(page.get_by_text("Round 2 is open.")).to_be_visible()

    for who, ratings in round1.items():
        participant = participants[who]
        participant.goto(invitations[who])
        participant.get_by_role("link", name="Round 2").click()
        first = participant.get_by_test_id("statement-S01")
        expect(first.get_by_test_id("your-rating-S01")).to_contain_text(
            f"Your rating in round 1: {ratings[0]}"
        )
        mine = first.get_by_test_id("my-rating-row")
        expect(mine).to_have_count(1)
        expect(mine).to_contain_text(LABELS[ratings[0]].split(" – ")[1])
        expect(mine).to_contain_text("Your rating")
        # The distribution is shown overall and by group.
        feedback = first.get_by_test_id("feedback-S01")
        expect(feedback.get_by_role("columnheader", name="Everyone")).to_be_visible()
        expect(feedback.get_by_role("columnheader", name="carers")).to_be_visible()
        expect(feedback.get_by_role("columnheader", name="service users")).to_be_visible()
        if who == "su":
            screenshot(participant, "delphi-round2-feedback")
        assert_accessible(participant)
        # The form starts from the earlier rating; change one and submit.
        expect(first.get_by_label(LABELS[ratings[0]], exact=True)).to_be_checked()
        participant.get_by_role("group", name=STATEMENTS[1][1]).get_by_text(
            LABELS[4], exact=True
        ).click()
        participant.get_by_role("button", name="Submit my answers").click()
        expect(participant.get_by_test_id("participant-rounds")).to_contain_text("Submitted")

    page.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Close round 2").click()
    expect(page.get_by_text("Round 2 is closed.")).to_be_visible()
    page.get_by_role("link", name="Results", exact=True).click()
    expect(page.get_by_test_id("consensus-summary")).to_contain_text(
        "reached consensus in agreement: 1"
    )
    expect(page.get_by_test_id("consensus-S02")).to_contain_text("Consensus: agree")
    expect(page.get_by_test_id("cluster-summary")).to_contain_text("fall into 2 clusters")
    expect(page.get_by_test_id("dendrogram")).to_be_visible()
    expect(page.get_by_test_id("cluster-composition")).to_be_visible()
    screenshot(page, "delphi-results")
    assert_accessible(page)
    page.get_by_role("link", name="Study report (web page)").click()
    assert_accessible(page)
