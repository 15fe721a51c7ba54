"""Care plan quality in real Chromium, axe on every page: the manager draws a sample; the
auditor reads the plan version (blinded) and completes the template; the automatic
answers show with their evidence; the agreement between the two shows; and the manager
records a recovery self-assessment, an action and an improvement cycle.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from ourplan.quality.template import CONTENT_KEYS, FRONT_KEYS

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def _plan() -> Any:
    """The demo person's plan, written with them, reviewed, signed and given (plans demo)."""
    from django.utils import timezone

    from ourplan.people.models import Person
    from ourplan.plans import demo as plans_demo

    person = Person.objects.get(user__username="person")
    coordinator = person.care_team.get(is_coordinator=True, ended_on__isnull=True).staff.user
    plans_demo._plan_with_its_person(person, coordinator, 0, timezone.localdate())
    return person, coordinator


def test_draw_audit_compare_and_improve(
    demo: Any, new_page: Any, login: Any, assert_accessible: Any
) -> None:
    from django.utils import timezone

    from ourplan.quality.models import ManualAudit, SampledPlan

    person, coordinator = _plan()
    team = person.team

    # 1. The manager draws a sample of one plan from the team, from seed 5.
    manager = new_page()
    login(manager, "manager")
    manager.goto("/quality/")
    assert_accessible(manager)
    manager.get_by_test_id("draw-sample").click()
    manager.get_by_label("Name of the audit").fill("Spring audit")
    manager.get_by_label(team.name).check()
    manager.get_by_label("Plans from each team").fill("1")
    manager.get_by_label("Seed (optional)").fill("5")
    manager.get_by_label("Auditor", exact=True).select_option(label="Martin Hale (Clinician)")
    manager.get_by_label("Auditors can read the plans until").fill(
        (timezone.localdate() + timedelta(days=14)).isoformat()
    )
    assert_accessible(manager)
    manager.get_by_role("button", name="Draw the sample").click()
    expect(manager.get_by_test_id("seed")).to_have_text("5")
    assert_accessible(manager)
    entry = SampledPlan.objects.get()
    assert entry.person_id == person.pk

    # 2. The auditor reads the version, blinded, and completes the template beside it.
    auditor = new_page()
    login(auditor, "clinician")
    auditor.goto(f"/quality/samples/{entry.sample_id}/")
    auditor.get_by_role("link", name=f"Audit {entry.study_id}").click()
    expect(auditor.get_by_test_id("version-under-review")).to_be_visible()
    text = auditor.content()
    assert coordinator.display_name not in text
    assert person.full_name not in text
    assert_accessible(auditor)
    for key in (*FRONT_KEYS, *CONTENT_KEYS):
        value = "weekly" if key == "contact_frequency" else "yes"
        if key in ("system_based_goals", "medical_outcomes"):
            value = "no"
        auditor.locator(f'input[name="{key}"][value="{value}"]').check(force=True)
    # The auditor reads co-production differently from the automatic rule.
    auditor.locator('input[name="coproduction"][value="unclear"]').check(force=True)
    auditor.get_by_label("Overall note").fill("Mostly the person's own plan.")
    auditor.get_by_role("button", name="Save the audit").click()
    expect(auditor.get_by_text(f"Your audit of {entry.study_id} is saved.")).to_be_visible()
    assert ManualAudit.objects.get().answers.count() == 25

    # 3. The automatic answers, each with its evidence.
    auditor.get_by_role("link", name=f"Automatic answers for {entry.study_id}").click()
    expect(auditor.get_by_test_id("answer-strengths_based")).to_have_text("Yes")
    expect(auditor.get_by_test_id("answer-system_based_goals")).to_have_text("No")
    evidence = auditor.locator('tr[data-item="strengths_based"] a').first
    expect(evidence).to_have_attribute("href", re.compile("^#goal-"))
    assert coordinator.display_name not in auditor.content()
    assert_accessible(auditor)

    # 4. The agreement: the one disagreement is listed.
    manager.goto(f"/quality/samples/{entry.sample_id}/agreement/")
    row = manager.get_by_test_id("automatic-vs-first").locator('tr[data-item="coproduction"]')
    expect(row).to_contain_text(f"{entry.study_id}: Yes / Unclear")
    expect(
        manager.get_by_test_id("automatic-vs-first").locator('tr[data-item="strengths_based"]')
    ).to_contain_text("100%")
    assert_accessible(manager)

    # 5. A recovery self-assessment, an action with an owner, and a PDSA cycle.
    manager.goto("/quality/recovery/")
    manager.get_by_role("link", name="Start a self-assessment").click()
    manager.get_by_label("Title").fill("Spring self-assessment")
    manager.get_by_label("When it was held").fill(timezone.localdate().isoformat())
    manager.get_by_role("button", name="Save").click()
    manager.get_by_role("link", name="Record a group's ratings").click()
    manager.get_by_label("People using the service").check(force=True)
    for key in (
        "interactions",
        "lived_experience_training",
        "recovery_college",
        "commitment",
        "personalisation",
        "risk",
        "involvement",
        "workforce",
        "supporting_staff",
        "life_beyond_illness",
    ):
        manager.locator(f'input[name="{key}"][value="2"]').check(force=True)
    assert_accessible(manager)
    manager.get_by_role("button", name="Save").click()
    expect(
        manager.get_by_test_id("ratings-side-by-side").locator('tr[data-challenge="risk"]')
    ).to_contain_text("2")
    manager.get_by_role("link", name="Add an action").click()
    manager.get_by_label("Challenge").select_option("personalisation")
    manager.get_by_label("Action", exact=True).fill("Talk about personal budgets at every review")
    manager.get_by_label("Owner").select_option(label="Helen Crossley")
    manager.get_by_label("To be done by").fill(
        (timezone.localdate() + timedelta(days=90)).isoformat()
    )
    manager.get_by_label(re.compile("Care plan audit item")).select_option("personal_budget")
    manager.get_by_role("button", name="Save").click()
    expect(manager.get_by_test_id("action")).to_contain_text("Personal budget")
    manager.get_by_role("link", name="Record a Plan–Do–Study–Act cycle").click()
    manager.get_by_label("Started on").fill(timezone.localdate().isoformat())
    manager.get_by_label(re.compile("^Plan:")).fill("Ask at the next five reviews")
    manager.get_by_label(re.compile("^Study:")).fill("Two people wanted to know more")
    manager.get_by_role("button", name="Save").click()
    expect(manager.get_by_test_id("cycle")).to_contain_text("Two people wanted to know more")
    assert_accessible(manager)
