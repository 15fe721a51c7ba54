"""Coordination's dates and counts read in the reader's language: months come from Django's
localised formats (Welsh gets Welsh month names), and counted words have plural forms."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from ourplan.coordination import charts, notifications, queries
from ourplan.coordination.audit_words import _describe_contacts
from ourplan.coordination.models import Notification, NotificationKind
from tests.coordination.coordination_builders import a_contact, a_past_review, a_plan

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2] / "src" / "ourplan" / "coordination"


def _review_due(standing: Any) -> Notification:
    return Notification(
        recipient=standing.coordinator,
        kind=NotificationKind.REVIEW_DUE,
        person=standing.person,
        due_on=date(2026, 10, 7),
        key="review:test",
    )


def test_a_review_due_notification_names_the_month_in_welsh(standing: Any) -> None:
    notice = _review_due(standing)
    with translation.override("en"):
        assert "7 October 2026" in notifications.words_for(notice)
    with translation.override("cy"):
        words = notifications.words_for(notice)
    assert "7 Hydref 2026" in words
    assert "October" not in words


def test_worklist_dates_and_contact_words_use_welsh_month_names(standing: Any) -> None:
    contact = a_contact(standing, when=timezone.make_aware(datetime(2026, 3, 3, 10, 0)))
    with translation.override("cy"):
        assert queries._short(date(2026, 12, 1)) == "1 Rhag 2026"
        described = _describe_contacts([str(contact.pk)])[str(contact.pk)]
    assert "3 Mawrth 2026" in described
    assert "March" not in described


def test_no_coordination_code_formats_dates_with_strftime() -> None:
    """strftime writes English month names whatever the reader's language."""
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if ".strftime(" in line
    ]
    assert offenders == []


def test_the_dashboard_says_one_in_the_singular(standing: Any, client_for: Any) -> None:
    a_contact(standing, mode="home", minutes=1)
    page = client_for(standing.manager).get(reverse("coordination:dashboard")).content.decode()
    page = re.sub(r"\s+", " ", page)
    assert re.search(r"\b1 minute\b", page)
    assert not re.search(r"\b1 minutes\b", page)


def test_the_minutes_chart_text_equivalent_has_a_singular() -> None:
    rows = [
        type(
            "Row",
            (),
            {
                "staff": object(),
                "name": "Sam Coordinator",
                "recorded_minutes": 10,
                "face_to_face_minutes": 1,
                "share_in_contact": 10,
            },
        )()
    ]
    svg = str(charts.minutes_chart(rows))  # type: ignore[arg-type]
    assert "Sam Coordinator: 1 face-to-face minute of 10 recorded (10%)" in svg


def test_an_old_contact_in_the_worklist_says_weeks_in_the_singular_and_plural(
    standing: Any,
) -> None:
    with translation.override("en"):
        one, _ = queries._quiet_words(7, timezone.now() - timedelta(days=7))
        many, _ = queries._quiet_words(21, timezone.now() - timedelta(days=21))
    assert one == "No contact for 1 week"
    assert many == "No contact for 3 weeks"


def test_the_worklist_in_welsh_gives_the_overdue_review_a_welsh_month(
    standing: Any, client_for: Any
) -> None:
    today = timezone.localdate()
    due = today - timedelta(days=40)
    plan = a_plan(standing, started_days_ago=400)
    a_past_review(standing, plan, held_on=today - timedelta(days=300), next_review_on=due)
    client = client_for(standing.coordinator)
    welsh = client.get(reverse("coordination:worklist"), HTTP_ACCEPT_LANGUAGE="cy")
    assert welsh.status_code == 200
    with translation.override("cy"):
        month = date_format(due, "M")
    with translation.override("en"):
        english_month = date_format(due, "M")
    page = welsh.content.decode()
    assert f"{due.day} {month} {due.year}" in page
    if month != english_month:  # Mai is the same word in both
        assert f"{due.day} {english_month} {due.year}" not in page
