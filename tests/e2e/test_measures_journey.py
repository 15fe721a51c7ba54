"""Questionnaires in real Chromium on a phone (390 × 844), axe on every page: a person
completes a questionnaire, leaves halfway, resumes and sees their result over time; a carer
completes the carer wellbeing check; a researcher runs the evaluation report from collected
demo data and watches its progress while a task worker runs beside the server."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_measures(demo: Any) -> None:
    from ourplan.measures.demo import load_demo_measures

    load_demo_measures()


@pytest.fixture
def worker(live_server: Any) -> Iterator[None]:
    """A database task worker in a thread of this process: the real backend, polled every 0.2 s."""
    from django.db import OperationalError, connections
    from django_tasks.backends.database.management.commands.db_worker import Worker

    runner = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="e2e",
    )

    failures: list[BaseException] = []

    def run() -> None:
        try:
            while runner.running:
                try:
                    runner.run()
                except OperationalError as error:
                    # The SQLite test database is in memory with a shared cache, where a
                    # connection that meets another's write gets "table is locked" at once
                    # instead of waiting (the busy timeout does not apply). The worker takes
                    # its next turn, as it does for "database is locked" itself.
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.05)
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)
            raise
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield
    runner.running = False
    thread.join(timeout=60)
    assert not failures, f"the task worker stopped: {failures[0]!r}"


def _answer(page: Any, label: str) -> None:
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Save and continue").click()


def test_a_person_answers_leaves_halfway_resumes_and_sees_results_over_time(
    demo_measures: Any, new_page: Any, login: Any, assert_accessible: Any, horizontal_overflow: Any
) -> None:
    phone = new_page(viewport=PHONE)
    login(phone, "person")
    # From the person's own home, where what is waiting for them is shown.
    phone.goto("/me/")
    expect(phone.get_by_test_id("my-questionnaires")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_test_id("my-questionnaires").get_by_role(
        "link", name="My questionnaires", exact=True
    ).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("My questionnaires")
    assert_accessible(phone)
    assert horizontal_overflow(phone) == 0
    phone.get_by_role("group", name="Questionnaire").get_by_label(
        "Scale To Assess the Therapeutic Relationship, patient version"
    ).check()
    phone.locator("form[action$='/me/questionnaires/start/']").last.get_by_role(
        "button", name="Start"
    ).click()
    expect(phone.get_by_test_id("position")).to_have_text("Question 1 of 12")
    assert_accessible(phone)
    assert horizontal_overflow(phone) == 0
    for number, label in enumerate(
        ["3 – Often", "4 – Always", "3 – Often", "1 – Rarely", "3 – Often", "4 – Always"], start=1
    ):
        expect(phone.get_by_test_id("position")).to_have_text(f"Question {number} of 12")
        _answer(phone, label)
    # Halfway: leave, and come back later.
    phone.get_by_role("button", name="Save and finish later").click()
    expect(phone.get_by_text("Your answers are saved.")).to_be_visible()
    resume = phone.get_by_role(
        "link", name=re.compile(r"Carry on where you left off \(6 of 12 answered\)")
    )
    expect(resume).to_be_visible()
    assert_accessible(phone)
    phone.goto("/accounts/login/")  # a fresh start of the journey, as on another day
    phone.goto("/me/questionnaires/")
    phone.get_by_role("link", name=re.compile(r"Carry on where you left off")).click()
    expect(phone.get_by_test_id("position")).to_have_text("Question 7 of 12")
    for label in [
        "0 – Never",
        "3 – Often",
        "0 – Never",
        "4 – Always",
        "3 – Often",
        "I would prefer not to answer",
    ]:
        _answer(phone, label)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(phone.get_by_test_id("answers")).to_contain_text("Preferred not to answer")
    assert_accessible(phone)
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_text("Thank you. Your answers have been sent.")).to_be_visible()
    expect(phone.get_by_test_id("result-scores")).to_contain_text("Total score")
    assert_accessible(phone)
    phone.get_by_role("link", name="My results over time").click()
    section = phone.get_by_test_id("results-star_p")
    expect(section.get_by_role("img").first).to_be_visible()
    # Two earlier STAR-P results from the demo, and today's.
    assert section.locator("table").first.locator("tbody tr").count() == 3
    assert_accessible(phone)
    assert horizontal_overflow(phone) == 0


def test_a_carer_completes_the_carer_wellbeing_check(
    demo_measures: Any, new_page: Any, login: Any, assert_accessible: Any, horizontal_overflow: Any
) -> None:
    phone = new_page(viewport=PHONE)
    login(phone, "supporter")
    phone.goto("/supporter/questionnaires/")
    expect(phone.get_by_test_id("due-questionnaires")).to_contain_text("Carer wellbeing check")
    assert_accessible(phone)
    phone.get_by_test_id("due-questionnaires").get_by_role(
        "button", name=re.compile("Start")
    ).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("I have had some time for myself.")
    assert_accessible(phone)
    for label in [
        "1 – Rarely",
        "2 – Some of the time",
        "3 – Often",
        "4 – All of the time",
        "1 – Rarely",
        "2 – Some of the time",
    ]:
        _answer(phone, label)
    assert_accessible(phone)
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_test_id("band")).to_contain_text(
        "Some things are going well and some are hard."
    )
    assert_accessible(phone)
    phone.get_by_role("link", name="Back to questionnaires").click()
    expect(phone.get_by_role("heading", level=2, name="What you have sent")).to_be_visible()
    assert horizontal_overflow(phone) == 0


def test_a_researcher_runs_the_evaluation_report_and_watches_its_progress(
    demo_measures: Any,
    worker: Any,
    new_page: Any,
    login: Any,
    assert_accessible: Any,
    horizontal_overflow: Any,
) -> None:
    phone = new_page(viewport=PHONE)
    login(phone, "researcher")
    phone.goto("/research/measures/")
    assert_accessible(phone)
    phone.get_by_role("link", name="Run an evaluation report").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Run an evaluation report")
    assert_accessible(phone)
    phone.get_by_label("Title").fill("Six teams, demo data")
    covariates = phone.get_by_role("group", name="Allow for (adjusted analyses)")
    covariates.get_by_label("Age").check()
    covariates.get_by_label("Gender").check()
    phone.get_by_role("button", name="Build the report").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Six teams, demo data")
    bar = phone.locator("progress#report-progress-bar")
    expect(bar).to_be_visible()
    assert_accessible(phone)
    seen: set[int] = set()
    for _ in range(240):
        if phone.get_by_test_id("report-body").count():
            break
        if bar.count():
            # The page may swap the bar for the report between count() and reading it.
            try:
                value = bar.get_attribute("value", timeout=500)
            except PlaywrightTimeoutError:
                continue
            if value is not None:
                seen.add(int(value))
        phone.wait_for_timeout(250)
    expect(phone.get_by_test_id("report-body")).to_be_visible(timeout=60_000)
    # The bar moved through the stages, not just from nothing to done.
    assert any(0 < value < 100 for value in seen), seen
    expect(phone.get_by_test_id("report-body")).to_contain_text(
        "Summary score statistics: STAR-P, service users"
    )
    expect(phone.get_by_test_id("respondent-count")).to_contain_text("service users")
    assert_accessible(phone)
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename == "evaluation.pdf"
