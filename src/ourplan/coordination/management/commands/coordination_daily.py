from typing import Any

from django.core.management.base import BaseCommand

from ourplan.coordination.tasks import daily_due_items, send_notification_emails


class Command(BaseCommand):
    help = (
        "The daily care coordination job: notifications for reviews due, versions waiting, "
        "supporters' messages and crisis sharing, then the emails. Safe to run twice. "
        "With --enqueue it hands the work to the task worker (manage.py db_worker) instead."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the job for the worker and return"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = daily_due_items.enqueue()
            send_notification_emails.enqueue()
            self.stdout.write(f"Queued the daily job ({result.id}).")
            return
        written = daily_due_items.call()
        sent = send_notification_emails.call()
        self.stdout.write(f"{written} new notifications; {sent} emails sent.")
