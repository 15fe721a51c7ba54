from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from ourplan.people.demo import demo_second_factor_usernames, demo_totp_key


class Command(BaseCommand):
    help = "Print the current security code of a demo account (demo accounts only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            # Demo codes come from a published formula: never in a live service.
            raise CommandError("Demo security codes are not available when OURPLAN_ENV=production.")
        if options["username"] not in demo_second_factor_usernames():
            raise CommandError(f"{options['username']} is not a demo account with a security code.")
        self.stdout.write(f"{totp(bytes.fromhex(demo_totp_key(options['username']))):06d}")
