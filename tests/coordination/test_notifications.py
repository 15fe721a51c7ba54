"""Notifications: what reaches whom, never twice, and emails that say nothing of what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.consent import services as consent
from ourplan.coordination import notifications, services, tasks
from ourplan.coordination.models import Notification, NotificationKind
from ourplan.people.models import CareTeamMembership
from ourplan.plans import services as plans
from tests.coordination.coordination_builders import a_past_review, a_plan

pytestmark = pytest.mark.django_db


def _concern(standing: Any, text: str = "Not been sleeping for three nights. I am worried.") -> Any:
    return consent.contribution_send(
        actor=standing.supporter, supporter=standing.supporter_record, kind="concern", text=text
    )


def test_a_carers_concern_reaches_the_coordinators_inbox(standing: Any, client_for: Any) -> None:
    contribution = _concern(standing)
    notice = Notification.objects.get(recipient=standing.coordinator)
    assert (notice.kind, notice.key, notice.person) == (
        NotificationKind.CARER_MESSAGE,
        f"contribution:{contribution.pk}",
        standing.person,
    )
    inbox = client_for(standing.coordinator).get(reverse("coordination:inbox")).content.decode()
    assert "Mo Example sent the team something about Ada Example" in inbox
    assert "1 new" in inbox
    # The words never carry what was sent.
    assert "sleeping" not in inbox


def test_with_no_coordinator_the_teams_managers_hear(standing: Any) -> None:
    CareTeamMembership.objects.filter(person=standing.person).update(ended_on=timezone.localdate())
    _concern(standing)
    assert list(Notification.objects.values_list("recipient__role", flat=True)) == [
        Role.TEAM_MANAGER
    ]


def test_the_person_is_always_told_when_crisis_sharing_is_switched_on(standing: Any) -> None:
    consent.crisis_sharing_start(
        actor=standing.clinician, person=standing.person, reason="In hospital", hours=12
    )
    told = dict(Notification.objects.values_list("recipient__username", "for_the_person"))
    assert told == {"person": True, "coordinator": False}
    words = notifications.words_for(Notification.objects.get(recipient=standing.person_user))
    assert words.startswith("Crisis sharing was switched on for your record")


def test_a_new_version_tells_the_person_once_the_review_is_done(
    standing: Any, django_capture_on_commit_callbacks: Any
) -> None:
    plan = a_plan(standing)
    with django_capture_on_commit_callbacks(execute=True):
        plans.version_create(actor=standing.coordinator, plan=plan)
    assert Notification.objects.filter(
        recipient=standing.person_user, kind=NotificationKind.VERSION_TO_SIGN
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        plans.review_record(
            actor=standing.coordinator,
            plan=plan,
            held_on=timezone.localdate(),
            next_review_on=timezone.localdate() + timedelta(days=90),
            person_attended=True,
            coordinator_signs=True,
            person_signs=True,
        )
    # Signed by both in the same step: nobody is asked to sign that version.
    assert Notification.objects.filter(kind=NotificationKind.VERSION_TO_SIGN).count() == 1


def test_the_daily_job_is_idempotent(standing: Any) -> None:
    today = timezone.localdate()
    plan = a_plan(standing, started_days_ago=400)
    a_past_review(
        standing,
        plan,
        held_on=today - timedelta(days=200),
        next_review_on=today + timedelta(days=10),
    )
    plans.version_create(actor=standing.manager, plan=plan)
    Notification.objects.all().delete()  # as if the signals had been missed
    _concern(standing)
    Notification.objects.filter(kind=NotificationKind.CARER_MESSAGE).delete()
    first = tasks.daily_due_items.call()
    snapshot = sorted(Notification.objects.values_list("recipient__username", "kind", "key"))
    second = tasks.daily_due_items.call()
    assert first == 4 and second == 0
    assert (
        sorted(Notification.objects.values_list("recipient__username", "kind", "key")) == snapshot
    )
    assert {kind for _user, kind, _key in snapshot} == {
        NotificationKind.REVIEW_DUE,
        NotificationKind.VERSION_TO_SIGN,
        NotificationKind.CARER_MESSAGE,
    }


def test_a_review_due_later_than_28_days_is_not_yet_notified(standing: Any) -> None:
    today = timezone.localdate()
    plan = a_plan(standing)
    a_past_review(standing, plan, held_on=today, next_review_on=today + timedelta(days=29))
    assert notifications.for_reviews_due(today) == []
    assert len(notifications.for_reviews_due(today + timedelta(days=1))) == 1


def test_emails_go_only_to_those_who_asked_and_say_nothing_of_what(
    standing: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    standing.coordinator.email = "priya@example.org"
    standing.coordinator.save(update_fields=["email"])
    standing.manager.email = "helen@example.org"
    standing.manager.save(update_fields=["email"])
    services.notification_settings_save(user=standing.coordinator, email=True)
    CareTeamMembership.objects.filter(person=standing.person).update(ended_on=None)
    _concern(standing, "Not been sleeping for three nights")
    Notification.objects.create(
        recipient=standing.manager, kind=NotificationKind.REVIEW_DUE, key="test:manager"
    )
    assert tasks.send_notification_emails.call() == 1
    assert [m.to for m in mail.outbox] == [["priya@example.org"]]
    email = mail.outbox[0]
    assert email.subject == "You have something new in ourplan"
    assert (
        "sleeping" not in email.body and "Ada" not in email.body and "Mo Example" not in email.body
    )
    assert reverse("coordination:inbox") in email.body
    assert tasks.send_notification_emails.call() == 0
    assert len(mail.outbox) == 1


def test_opening_a_notification_marks_it_read_and_goes_to_it(
    standing: Any, client_for: Any
) -> None:
    _concern(standing)
    notice = Notification.objects.get(recipient=standing.coordinator)
    url = reverse("coordination:notification_open", args=[notice.pk])
    assert client_for(standing.manager).get(url).status_code == 403
    response = client_for(standing.coordinator).get(url)
    assert response["Location"] == reverse("consent:contributions", args=[standing.person.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_notification_that_points_away_from_ourplan_goes_to_the_inbox_instead(
    standing: Any, client_for: Any
) -> None:
    notice = Notification.objects.create(
        recipient=standing.coordinator,
        kind=NotificationKind.REVIEW_DUE,
        key="test:away",
        url="https://elsewhere.example/",
    )
    response = client_for(standing.coordinator).get(
        reverse("coordination:notification_open", args=[notice.pk])
    )
    assert response["Location"] == reverse("coordination:inbox")
