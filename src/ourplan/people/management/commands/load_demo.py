from typing import Any

from django.core.management.base import BaseCommand

from ourplan.core.demo_loaders import load_all_demo_data
from ourplan.people.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load the fictional demo organisations. Safe to run more than once."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_all_demo_data()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Everything in it is fictional."))
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        self.stdout.write(f"{'Role':<22} {'Username':<20} {'Organisation':<8} Note")
        for login in logins:
            self.stdout.write(
                f"{login.role!s:<22} {login.username:<20} {login.organisation:<8} {login.note}"
            )
        self.stdout.write("For a security code, run: ourplan democode USERNAME")
