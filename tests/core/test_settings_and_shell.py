"""Production settings, security headers, the page shell, Welsh, and the crisis link."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "OURPLAN_ENV": "production",
        "OURPLAN_SECRET_KEY": "x" * 30 + "-production-secret-for-the-check-0123456789",
        "OURPLAN_ALLOWED_HOSTS": "ourplan.example.nhs.uk",
        "OURPLAN_DATA_DIR": str(tmp_path),
        # Production runs on PostgreSQL (the check does not connect to it).
        "DATABASE_URL": "postgres://ourplan_app@db.internal:5432/ourplan",
        "DJANGO_SETTINGS_MODULE": "ourplan.config.settings",
    }
    env.pop("OURPLAN_DEBUG", None)
    env.pop("OURPLAN_ALLOW_SQLITE_IN_PRODUCTION", None)
    # The browser tests allow async-unsafe ORM calls in this process; a server must not.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {**os.environ, "OURPLAN_ENV": "production", "OURPLAN_DATA_DIR": str(tmp_path)}
    env.pop("OURPLAN_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "OURPLAN_SECRET_KEY must be set" in result.stderr


def test_record_pages_carry_csp_and_are_never_cached(standing: Any, client_for: Any) -> None:
    response = client_for(standing.coordinator).get(
        reverse("people:person", args=[standing.person.pk])
    )
    csp = response["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ):
        assert directive in csp
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_header_shows_who_is_logged_in_and_their_role(standing: Any, client_for: Any) -> None:
    page = client_for(standing.coordinator).get(reverse("people:caseload")).content.decode()
    assert standing.coordinator.display_name in page
    assert "(Care coordinator)" in page
    assert 'href="#maincontent"' in page


def test_the_crisis_link_is_on_every_service_user_and_supporter_page(
    standing: Any, client_for: Any
) -> None:
    from ourplan.people.models import CrisisLine

    CrisisLine.objects.create(
        organisation=standing.organisation, label="Crisis team", phone="0300 555 0101"
    )
    for user, url in (
        (standing.person_user, reverse("people:my_home")),
        (standing.person_user, reverse("record_access:mine")),
        (standing.person_user, reverse("people:my_details")),
        (standing.supporter, reverse("consent:supporter_home")),
    ):
        page = client_for(user).get(url).content.decode()
        assert 'data-testid="crisis-bar"' in page, url
        assert "0300 555 0101" in page
    staff_page = client_for(standing.coordinator).get(reverse("people:caseload")).content.decode()
    assert 'data-testid="crisis-bar"' not in staff_page


def test_the_help_now_page_works_without_logging_in(db: Any, client: Any) -> None:
    page = client.get(reverse("site:help_now"))
    assert page.status_code == 200
    assert "999" in page.content.decode() and "116 123" in page.content.decode()


def test_switching_to_welsh_translates_the_shell_and_falls_back_to_english(
    standing: Any, client_for: Any
) -> None:
    client = client_for(standing.person_user)
    response = client.post(
        reverse("set_language"), {"language": "cy", "next": reverse("people:my_home")}
    )
    assert response.status_code == 302
    page = client.get(reverse("people:my_home")).content.decode()
    assert '<html lang="cy">' in page
    assert "Angen help nawr?" in page  # "Need help now?"
    assert "Allgofnodi" in page  # "Log out"
    client.post(reverse("set_language"), {"language": "en-gb", "next": "/"})
    assert "Need help now?" in client.get(reverse("people:my_home")).content.decode()


def test_error_pages_use_the_service_layout(standing: Any, client_for: Any) -> None:
    response = client_for(standing.coordinator).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "nhsuk-header" in page
    denied = client_for(standing.researcher).get(reverse("people:caseload"))
    assert denied.status_code == 403 and "You cannot see this page" in denied.content.decode()


def test_the_stylesheet_asks_for_nothing_the_csp_refuses_and_its_icons_exist() -> None:
    """NHS.UK frontend is compiled without web fonts from assets.nhs.uk, with our icon path."""
    import posixpath
    import re as regex

    from django.contrib.staticfiles import finders

    found = finders.find("nhsuk-compiled/nhsuk.css")
    assert found, "make install compiles build/nhsuk/nhsuk.css"
    css = Path(str(found)).read_text(encoding="utf-8")
    assert "@font-face" not in css
    assert "assets.nhs.uk" not in css
    urls = set(regex.findall(r"url\(\"?([^\")]+)\"?\)", css))
    icons = [url for url in urls if not url.startswith("data:")]
    assert icons, "the stylesheet has icon URLs to check"
    for url in icons:
        target = posixpath.normpath(posixpath.join("nhsuk-compiled", url))
        assert finders.find(target), f"{url} does not resolve to a static file"
