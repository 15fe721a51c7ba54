"""Smoke test in a real browser: every demo role logs in, lands home, and the pages pass axe.

Run with ``pytest -n 2 --dist loadgroup``: these tests are in one xdist group, so one worker
and one Chromium should run them all. (pytest 9.2 with pytest-xdist 3.8 ignores the group,
pytest-xdist issue #1386; the tests do not depend on it, each worker then starts its own.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from ourplan.accounts.models import User
from ourplan.people.models import Person
from ourplan.site.navigation import navigation_for

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


@dataclass(frozen=True)
class RoleCase:
    username: str
    home_path: str
    role_label: str
    heading: str | None  # the h1, or None when it is built from the person's name
    sees_crisis_bar: bool
    needs_security_code: bool


ROLES = [
    RoleCase(
        "person", "/me/", "Service user", None, sees_crisis_bar=True, needs_security_code=False
    ),
    RoleCase(
        "supporter",
        "/supporting/",
        "Supporter",
        None,
        sees_crisis_bar=True,
        needs_security_code=False,
    ),
    RoleCase(
        "coordinator",
        "/people/",
        "Care coordinator",
        "Caseload: Northmoor East Community Mental Health Team",
        sees_crisis_bar=False,
        needs_security_code=False,
    ),
    RoleCase(
        "clinician",
        "/people/",
        "Clinician",
        "Caseload: Northmoor East Community Mental Health Team",
        sees_crisis_bar=False,
        needs_security_code=False,
    ),
    RoleCase(
        "peer",
        "/people/",
        "Peer support worker",
        "Caseload: Northmoor East Community Mental Health Team",
        sees_crisis_bar=False,
        needs_security_code=False,
    ),
    RoleCase(
        "manager",
        "/people/",
        "Team manager",
        "Caseload: Northmoor East Community Mental Health Team",
        sees_crisis_bar=False,
        needs_security_code=True,
    ),
    RoleCase(
        "admin",
        "/organisation/",
        "Administrator",
        "Northmoor Community Mental Health NHS Trust",
        sees_crisis_bar=False,
        needs_security_code=True,
    ),
    RoleCase(
        "researcher",
        "/research/",
        "Researcher",
        "Research and evaluation",
        sees_crisis_bar=False,
        needs_security_code=False,
    ),
]


def _coordinator_person() -> Person:
    """A person on the demo coordinator's team: the last in the caseload's name order, so a
    search for them changes which row comes first."""
    coordinator = User.objects.get(username="coordinator")
    return (
        Person.objects.filter(team=coordinator.staff_member.team, restricted_at__isnull=True)
        .order_by("family_name", "given_name")
        .last()
    )


@pytest.mark.parametrize("case", ROLES, ids=[case.username for case in ROLES])
def test_role_logs_in_and_lands_on_an_accessible_home(
    case, demo, page, login, assert_accessible, horizontal_overflow, screenshot
):
    asked_for_code = login(page, case.username)

    assert asked_for_code is case.needs_security_code
    expect(page).to_have_url(re.compile(re.escape(case.home_path) + r"$"))
    user = User.objects.get(username=case.username)
    who = page.get_by_test_id("who")
    expect(who).to_contain_text(user.get_full_name())
    expect(who).to_contain_text(f"({case.role_label})")
    if case.heading is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text(case.heading)
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, \w+"))

    crisis_bar = page.get_by_test_id("crisis-bar")
    if case.sees_crisis_bar:
        expect(crisis_bar.get_by_role("link", name="Need help now?")).to_be_visible()
        expect(crisis_bar.get_by_role("link", name="0300 555 0101")).to_be_visible()
    else:
        expect(crisis_bar).to_have_count(0)

    assert_accessible(page)
    screenshot(page, f"{case.username}-desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    assert horizontal_overflow(page) == 0, "the page scrolls sideways on a phone"
    assert_accessible(page)
    screenshot(page, f"{case.username}-phone")


def test_every_stylesheet_and_script_loads_and_runs(demo, page, login):
    static_responses = []
    page.on(
        "response",
        lambda response: static_responses.append(response) if "/static/" in response.url else None,
    )
    login(page, "person")
    expect(page).to_have_url(re.compile(r"/me/$"))

    failed = [
        f"{response.status} {response.url}" for response in static_responses if not response.ok
    ]
    assert not failed, "static files did not load:\n" + "\n".join(failed)
    loaded = {response.url.split("/static/", 1)[1] for response in static_responses}
    for wanted in (
        "nhsuk-compiled/nhsuk.css",
        "ourplan/ourplan.css",
        "ourplan/app.mjs",
        "nhsuk/nhsuk-frontend.min.js",
        "htmx/htmx.min.js",
    ):
        assert wanted in loaded, f"{wanted} was not requested"
    # app.mjs starts NHS.UK frontend and marks the body; ourplan.css colours the crisis bar.
    expect(page.locator("body")).to_have_class(re.compile(r"\bnhsuk-frontend-supported\b"))
    expect(page.get_by_test_id("crisis-bar")).to_have_css("background-color", "rgb(255, 235, 59)")
    # Without the Frutiger web font, text uses NHS.UK frontend's fallback, not the browser's serif.
    expect(page.locator("body")).to_have_css("font-family", re.compile(r"^arial, sans-serif$"))


def test_the_axe_check_catches_a_real_violation(demo, page, assert_accessible):
    page.goto("/help-now/")
    page.evaluate("""() => {
        const image = document.createElement("img");
        image.src = "/static/nhsuk/assets/images/favicon.svg";
        document.querySelector("main").append(image);
    }""")
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        assert_accessible(page)


def test_login_page_and_its_error_state_are_accessible(demo, page, assert_accessible):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to ourplan")
    expect(page.get_by_test_id("crisis-bar")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("The username or password is not right.")
    expect(page).to_have_title(re.compile("Log in"))
    assert_accessible(page)


def test_help_now_page_is_public_and_accessible(demo, page, assert_accessible):
    page.goto("/help-now/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Need help now?")
    expect(page.get_by_text("Call 999 or go to A&E now")).to_be_visible()
    expect(page.get_by_text("Samaritans: call 116 123")).to_be_visible()
    assert_accessible(page)

    # The first Tab shows the skip link, and following it puts focus on the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#maincontent")).to_be_focused()


def test_help_now_shows_the_persons_own_crisis_lines(demo, page, login, assert_accessible):
    login(page, "person")
    page.get_by_test_id("crisis-bar").get_by_role("link", name="Need help now?").click()
    expect(page).to_have_url(re.compile(r"/help-now/$"))
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="0300 555 0101")).to_have_attribute(
        "href", "tel:03005550101"
    )
    expect(main.get_by_text("Northmoor evening helpline")).to_be_visible()
    assert_accessible(page)


def test_page_not_found_is_accessible(demo, page, assert_accessible):
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Go to your home page")).to_be_visible()
    assert_accessible(page)


def test_coordinator_opens_a_person_page(demo, page, login, assert_accessible):
    login(page, "coordinator")
    person = _coordinator_person()
    page.get_by_role("link", name=f"{person.family_name}, {person.given_name}").click()
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.full_name)
    expect(page.get_by_role("heading", level=2, name="Care coordination")).to_be_visible()
    expect(page.get_by_text(person.nhs_number_display)).to_be_visible()
    assert_accessible(page)


def _result_rows(page: Page):
    return page.locator("#caseload-results tbody tr")


def test_caseload_search_works_without_javascript(demo, new_page, login, assert_accessible):
    page = new_page(java_script_enabled=False)
    login(page, "coordinator")
    person = _coordinator_person()
    everyone = _result_rows(page).count()
    assert everyone > 1

    page.get_by_label("Find a person by name or NHS number").fill(person.family_name)
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(rf"[?&]q={re.escape(person.family_name)}"))
    expect(page.get_by_label("Find a person by name or NHS number")).to_have_value(
        person.family_name
    )
    rows = _result_rows(page)
    expect(rows.first).to_contain_text(person.family_name)
    assert 0 < rows.count() < everyone
    for row in rows.all():
        expect(row).to_contain_text(person.family_name)

    # axe is itself a script, and never finishes in a page with scripts off. Check the
    # same search results, with the same session, in a page where scripts run.
    checker = new_page()
    checker.context.add_cookies(page.context.cookies())
    checker.goto(page.url)
    expect(_result_rows(checker)).to_have_count(rows.count())
    assert_accessible(checker)


def test_caseload_search_filters_as_you_type_with_htmx(demo, page, login, assert_accessible):
    login(page, "coordinator")
    person = _coordinator_person()
    rows = _result_rows(page)
    everyone = rows.count()
    assert everyone > 1
    # A full page load would wipe this; an htmx swap keeps it.
    page.evaluate("window.ourplanNoReload = true")

    with page.expect_request(lambda request: request.headers.get("hx-request") == "true"):
        page.get_by_label("Find a person by name or NHS number").press_sequentially(
            person.family_name
        )

    expect(rows.first).to_contain_text(person.family_name)
    expect(rows).not_to_have_count(everyone)
    for row in rows.all():
        expect(row).to_contain_text(person.family_name)
    assert page.evaluate("window.ourplanNoReload") is True
    expect(page).to_have_url(re.compile(rf"[?&]q={re.escape(person.family_name)}"))
    assert_accessible(page)


def test_language_switcher_changes_the_page_language(demo, page, assert_accessible):
    page.goto("/accounts/login/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en-GB")

    page.get_by_role("button", name="Cymraeg").click()
    expect(html).to_have_attribute("lang", "cy")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mewngofnodi i ourplan")
    english = page.get_by_role("button", name="English")
    expect(english).to_have_attribute("lang", "en-GB")
    assert_accessible(page)

    english.click()
    expect(html).to_have_attribute("lang", "en-GB")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to ourplan")
    expect(page.get_by_role("button", name="Cymraeg")).to_have_attribute("lang", "cy")


def test_person_home_fits_a_phone(demo, new_page, login, assert_accessible, horizontal_overflow):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(page, "person")
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(
        page.get_by_test_id("crisis-bar").get_by_role("link", name="Need help now?")
    ).to_be_visible()
    assert horizontal_overflow(page) == 0
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert_accessible(page)

    # Every menu item is reachable on a phone, directly or through NHS.UK frontend's "More" menu.
    menu = page.get_by_role("navigation", name="Menu")
    more = menu.get_by_role("button", name="More")
    if more.is_visible():
        more.click()
        expect(more).to_have_attribute("aria-expanded", "true")
        assert_accessible(page)
    for href, label in navigation_for(User.objects.get(username="person")):
        expect(menu.locator(f'a[href="{href}"]:visible')).to_have_text(label)
    assert horizontal_overflow(page) == 0


def test_manager_team_overview_is_accessible_and_fits_a_phone(
    demo, page, login, assert_accessible, horizontal_overflow
):
    login(page, "manager")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Team").click()
    expect(page).to_have_url(re.compile(r"/team/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Northmoor East Community Mental Health Team"
    )
    table = page.get_by_role("table", name="Care coordinators and how many people each coordinates")
    # A header row, then one row for each of the team's three care coordinators.
    expect(table.get_by_role("row")).to_have_count(4)
    expect(table).to_contain_text("Priya Natarajan")
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    assert horizontal_overflow(page) == 0, "the page scrolls sideways on a phone"
    assert_accessible(page)
