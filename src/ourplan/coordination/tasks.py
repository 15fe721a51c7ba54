"""Background jobs on Django's tasks framework (django-tasks, database backend).

``daily_due_items`` is the daily sweep (notifications for reviews due, versions waiting,
supporters' messages and crisis sharing); ``send_notification_emails`` sends the emails
that say only "You have something new in ourplan". Both are safe to run twice.
A worker runs them (``manage.py db_worker``); ``manage.py coordination_daily --enqueue``
is what a scheduler (cron, a systemd timer) runs each morning (docs/coordination.md).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from ourplan.coordination import notifications
from ourplan.coordination.models import Notification

logger = logging.getLogger(__name__)


@task()
def daily_due_items() -> int:
    """Write the day's notifications; return how many were new."""
    written = notifications.daily(timezone.localdate())
    logger.info("Daily due items: %d new notifications", written)
    return written


def _inbox_link() -> str:
    base = getattr(settings, "OURPLAN_BASE_URL", "").rstrip("/")
    return f"{base}{reverse('coordination:inbox')}" if base else reverse("coordination:inbox")


@task()
def send_notification_emails() -> int:
    """One email per user with something new, saying nothing of what. Return emails sent."""
    sent = 0
    for user in notifications.users_to_email():
        waiting = Notification.objects.filter(recipient=user, emailed_at__isnull=True)
        # Claim them first, so a second worker running at once sends nothing more.
        claimed = waiting.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
        if not claimed:
            continue
        # An account records no language of its own, so the email is in the site's default one.
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                subject=_("You have something new in ourplan"),
                message=_(
                    "You have something new in ourplan. Log in to see it: %(link)s\n\n"
                    "This email never says what it is, to keep it private. You can stop these "
                    "emails in ourplan, under Inbox, then Email settings."
                )
                % {"link": _inbox_link()},
                from_email=None,
                recipient_list=[user.email],
            )
        sent += 1
    return sent
