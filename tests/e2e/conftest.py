"""Fixtures for the real-browser journeys: one Chromium, the live server, demo data, log in, axe.

Every test here runs in Chromium (Debian's /usr/bin/chromium; no browser is downloaded)
against pytest-django's live server. The tests belong to one xdist group so a single
worker owns the browser: run them with ``pytest -n 2 --dist loadgroup``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread, and Django
# refuses ORM calls from a thread with a running loop unless told this is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 (other modules import them here)

SCREENSHOT_DIR = Path(os.environ.get("OURPLAN_E2E_SHOTS", "/tmp/ourplan-shots"))
DESKTOP = {"width": 1280, "height": 900}

# WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

_axe = Axe()
expect.set_options(timeout=10_000)
# Pages opened with scripts off: axe is a script and would wait for ever in them.
_pages_without_scripts: set[int] = set()


@pytest.fixture
def demo(live_server: Any) -> list[Any]:
    """The fictional demo organisations, staff and people, in the live server's database.

    The live server needs transactional_db, which empties the database after each
    test, so the demo is loaded again for every test (about 0.15 s).
    """
    from ourplan.people.demo import load_demo

    return load_demo()


def _is_csp_report(message: ConsoleMessage) -> bool:
    """Any Content Security Policy report fails: the pages ask for nothing the CSP refuses
    (NHS.UK frontend is compiled without its web-font rules, see assets/nhsuk-ourplan.scss)."""
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (its own cookies) pointed at the live server.

    Each page records uncaught script errors and Content Security Policy reports;
    the test fails if any appear, since both mean something on the page is broken.
    """
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def open_page(**context_options: Any) -> Page:
        options = {
            "base_url": live_server.url,
            "viewport": DESKTOP,
            "locale": "en-GB",
            **context_options,
        }
        context = browser.new_context(**options)
        # Generous, for a busy 2-core machine; expect() and wait_for() return as soon as they can.
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        if context_options.get("java_script_enabled") is False:
            _pages_without_scripts.add(id(page))
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"console: {message.text}") if _is_csp_report(message) else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        for page in context.pages:
            _pages_without_scripts.discard(id(page))
        context.close()
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


def totp_code(username: str) -> str:
    """The current 6-digit code from a demo user's authenticator."""
    from django_otp.oath import totp

    from ourplan.people.demo import demo_totp_key

    return f"{totp(bytes.fromhex(demo_totp_key(username))):06d}"


def login(page: Page, username: str, password: str | None = None) -> bool:
    """Log in through the real login form, and the security code step if it is asked for.

    Returns whether the security code step was shown.
    """
    from ourplan.people.demo import DEMO_PASSWORD

    response = page.goto("/accounts/login/")
    assert response is not None and response.ok, (
        f"the login page answered {response and response.status}"
    )
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password or DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    asked_for_code = "/accounts/two-step/" in page.url
    if asked_for_code:
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
        page.get_by_label("Security code").fill(totp_code(username))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(lambda url: "/accounts/" not in url)
    return asked_for_code


def _describe(violation: dict[str, Any]) -> str:
    lines = [
        f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): {violation['help']}",
        f"  {violation['helpUrl']}",
    ]
    for node in violation["nodes"]:
        target = " ".join(str(part) for part in node["target"])
        lines.append(f"    at {target}")
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        if summary:
            lines.append(f"      {summary}")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now, with the WCAG 2.2 A and AA rules."""
    if id(page) in _pages_without_scripts:
        raise RuntimeError(
            "axe cannot run in a page with scripts off: check the page in a new_page()"
        )
    # A click that follows a link returns before the next page has loaded, and axe
    # run in the gap meets a document that is being torn down. Wait for the page to
    # settle, and if a navigation still lands mid-run, check the new page once it loads.
    # "networkidle" (no requests for 0.5 s) also covers a navigation a click has started but
    # whose response has not arrived, when "load" still describes the old page.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_load_state("networkidle", timeout=5_000)
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = _axe.run(page, options=AXE_OPTIONS)
        except PlaywrightError as error:
            if attempt == 2 or not _is_navigation_race(error):
                raise
            page.wait_for_timeout(200)
            continue
        return list(results.response["violations"])
    raise AssertionError("unreachable: the loop returns or raises")


def _is_navigation_race(error: Exception) -> bool:
    """Whether axe failed only because the page navigated while it ran."""
    message = str(error)
    return any(
        sign in message
        for sign in (
            "reading 'documentElement'",
            "Execution context was destroyed",
            "navigation",
        )
    )


def assert_accessible(page: Page) -> None:
    """Fail, listing every violation, if axe finds any WCAG 2.2 A/AA problem on the page."""
    violations = axe_violations(page)
    assert not violations, (
        f"axe found {len(violations)} accessibility violation(s) on {page.url}:\n"
        + "\n".join(_describe(violation) for violation in violations)
    )


def horizontal_overflow(page: Page, settle_ms: int = 2_000) -> int:
    """How many CSS pixels the page is wider than the viewport (0 means no sideways scrolling).

    NHS.UK frontend's header script moves menu items into "More" a moment after the
    viewport changes, so wait up to ``settle_ms`` for the page to fit before measuring.
    """
    with contextlib.suppress(PlaywrightTimeoutError):  # a page that never fits is measured below
        page.wait_for_function(
            "() => document.scrollingElement.scrollWidth <= window.innerWidth", timeout=settle_ms
        )
    return int(page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def screenshot(shots_dir: Path) -> Generator[Callable[[Page, str], Path]]:
    def take(page: Page, name: str) -> Path:
        path = shots_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    yield take


# The helpers as fixtures, so test modules need not import conftest.
@pytest.fixture(name="login")
def login_fixture() -> Callable[..., bool]:
    return login


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture() -> Callable[[Page], None]:
    return assert_accessible


@pytest.fixture(name="horizontal_overflow")
def horizontal_overflow_fixture() -> Callable[[Page], int]:
    return horizontal_overflow
