"""One Chromium for every browser test in a process (the journeys and the security battery).

Playwright's sync API runs an asyncio loop in the test thread and refuses to start a second
one there, so the browser is one session fixture (tests/conftest.py) that both share.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = os.environ.get("OURPLAN_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
]


def launched_chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless (no browser is downloaded); skips where it is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    # Django refuses ORM calls from a thread with a running loop unless told this is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
