"""Stored and reflected XSS: the payload corpus in every free-text field, rendered in Chromium.

Every form the standing users can reach (found by crawling the permission matrix) gets the
corpus in each of its free-text fields, the other fields filled validly so it saves. Then
every page that shows a payload, for every role that may see it, and every GET form's
result page with the payloads in its query, is opened in real Chromium. Each must open no
dialog, hold no element a payload made (an id starting ``xss``, an inline event handler, a
``javascript:`` URL, a script holding a marker), report no console error or script error,
show no evaluated template (``=49=``), and fetch nothing from elsewhere (the canary server
counts requests). The server's HTML is checked for unescaped payloads too.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.security.planting import (
    Planted,
    fields_in,
    one_of_each,
    pages_showing_payloads,
    plant_round,
    raw_injections_in,
)
from tests.security.xss_payloads import PAYLOADS, TEMPLATE_RESULT, marker

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

# A long box takes the whole corpus in the first round; shorter ones take more in later rounds.
ROUNDS = 2

# What a payload would leave in the page if it were let through.
INJECTED = """
(result) => {
  const found = [];
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"];
  for (const element of document.querySelectorAll("*")) {
    const tag = element.tagName.toLowerCase();
    if ((element.id || "").startsWith("xss")) found.push(`<${tag} id=${element.id}>`);
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith("on")) found.push(`<${tag} ${attribute.name}>`);
      if (urlAttributes.includes(attribute.name) && /^\\s*javascript:/i.test(attribute.value)) {
        found.push(`<${tag} ${attribute.name}=javascript:>`);
      }
    }
    if (tag === "script" && element.textContent.includes("xss")) found.push("<script> with a marker");
  }
  const text = document.body ? document.body.innerText : "";
  if (text.includes(result)) found.push("an evaluated template");
  return {found, showsMarker: /xss\\d+_\\d+/.test(text)};
}
"""


@pytest.fixture
def chromium(browser: Browser) -> Browser:
    """The session's one Chromium (tests/chromium.py)."""
    return browser


class Watcher:
    """One logged-in browser context per role, recording dialogs and console errors."""

    def __init__(self, browser: Browser, live_server: Any, clients: dict[str, Any]) -> None:
        self.browser, self.base, self.clients = browser, live_server.url, clients
        self.contexts: dict[str, BrowserContext] = {}
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.injected: list[str] = []
        self.opened = 0
        self.showing_text = 0

    def page_for(self, role: str) -> Any:
        if role not in self.contexts:
            context = self.browser.new_context(base_url=self.base, locale="en-GB")
            context.set_default_navigation_timeout(20_000)
            session = self.clients[role].cookies.get("sessionid")
            if session is not None:
                context.add_cookies(
                    [{"name": "sessionid", "value": session.value, "url": self.base}]
                )
            page = context.new_page()
            page.on(
                "dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss())
            )
            page.on(
                "console",
                lambda message: (
                    self.errors.append(f"{page.url}: {message.text}")
                    if message.type == "error"
                    else None
                ),
            )
            page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
            self.contexts[role] = context
        return self.contexts[role].pages[0]

    def open(self, role: str, url: str) -> None:
        page = self.page_for(role)
        response = page.goto(url, wait_until="domcontentloaded")
        assert response is not None and response.status < 500, f"{url} as {role}: {response}"
        page.wait_for_timeout(30)  # events that fire just after load (autofocus, animations)
        result = page.evaluate(INJECTED, TEMPLATE_RESULT)
        self.injected += [f"{url} as {role}: {found}" for found in result["found"]]
        self.opened += 1
        self.showing_text += bool(result["showsMarker"])

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


@pytest.mark.django_db(transaction=True)
def test_no_payload_runs_or_injects_anything_in_chromium(
    battery: Any, live_server: Any, canary: Any, chromium: Browser
) -> None:
    started = time.monotonic()
    forms = battery.discover()
    planted = Planted()
    watcher = Watcher(chromium, live_server, battery.clients)
    try:
        plant_round(forms, battery.clients, 0, canary.url, planted, battery.hints)
        first = pages_showing_payloads(battery.pages, battery.clients, planted)
        shown_pages = len(first)
        showing = first
        for round_number in range(1, ROUNDS + 1):
            for shown in one_of_each(showing, by_name=round_number > 1):
                watcher.open(shown.page.role, shown.page.url)
            for role, url in planted.reflected:
                watcher.open(role, url)
            planted.reflected.clear()
            if round_number == ROUNDS:
                break
            # The next batch for the boxes too short for the whole corpus, on the pages showing them.
            renewed = plant_round(
                forms, battery.clients, round_number, canary.url, planted, battery.hints
            )
            again = [shown.page for shown in first if fields_in(shown.markers) & renewed]
            showing = pages_showing_payloads(again, battery.clients, planted)
    finally:
        watcher.close()
    elapsed = time.monotonic() - started

    print(
        f"\nXSS battery: {len(PAYLOADS)} payloads, {planted.fields_tried} fields in "
        f"{len(planted.saved_forms)} forms, {len(planted.tried)} payload×field pairs tried; "
        f"{watcher.opened} pages opened in Chromium ({shown_pages} role×page showing payloads, "
        f"{watcher.showing_text} with a payload visible as text); "
        f"{len(watcher.dialogs)} dialogs, {len(watcher.injected)} injected, "
        f"{len(watcher.errors)} console errors, {len(canary.requests)} fetches; {elapsed:.0f} s"
    )
    assert planted.server_errors == [], "\n".join(planted.server_errors)
    assert watcher.dialogs == [], watcher.dialogs
    assert watcher.injected == [], "\n".join(watcher.injected[:20])
    assert planted.raw_injections == [], "\n".join(planted.raw_injections[:20])
    assert watcher.errors == [], "\n".join(watcher.errors[:20])
    assert canary.requests == [], canary.requests
    # The battery tried something real: most forms saved, and pages showed the payloads as text.
    assert len(planted.saved_forms) >= 40, planted.unsaved_forms
    assert watcher.showing_text >= 30


def test_the_checks_see_payloads_that_are_let_through(chromium: Browser) -> None:
    """The corpus written into a page unescaped: both the browser's and the server-side check
    find what it made (so a clean result above means the pages escaped it)."""
    html = " ".join(
        payload.text(marker(0, number), "http://127.0.0.1:9")
        for number, payload in enumerate(PAYLOADS)
        if payload.name != "meta refresh"  # let through, it would navigate away mid-check
    )
    page = chromium.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    try:
        page.set_content(f"<!doctype html><title>t</title><body><p>{html}</p></body>")
        result = page.evaluate(INJECTED, TEMPLATE_RESULT)
    finally:
        page.close()
    assert len(result["found"]) >= 30, result["found"]
    assert len(raw_injections_in(html, "unescaped")) >= 30
