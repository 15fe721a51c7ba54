import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ourplan.accounts.models import Role, User
from ourplan.people.models import Country, Organisation, Profession, StaffMember


class Command(BaseCommand):
    help = "Create an administrator for an organisation (creating the organisation if it is new)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username")
        parser.add_argument("--organisation-code")
        parser.add_argument("--organisation-name")
        parser.add_argument("--country", choices=[c.value for c in Country])
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def _ask(self, value: str | None, prompt: str) -> str:
        if value:
            return value
        answer = input(prompt).strip()
        if not answer:
            raise CommandError(f"{prompt.strip(': ')} is needed.")
        return answer

    def handle(self, *args: Any, **options: Any) -> None:
        username = self._ask(options["username"], "Username: ")
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"The username {username} is taken.")
        code = self._ask(options["organisation_code"], "Organisation ODS code: ").upper()
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            name = self._ask(options["organisation_name"], "Organisation name: ")
            country = self._ask(options["country"], "Country (england or wales): ").lower()
            if country not in {c.value for c in Country}:
                raise CommandError("Country must be england or wales.")
        # OURPLAN_ADMIN_PASSWORD lets deployment scripts run this without a terminal.
        password = os.environ.get("OURPLAN_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        user = User(
            username=username,
            role=Role.ADMINISTRATOR,
            first_name=options["first_name"],
            last_name=options["last_name"],
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            if organisation is None:
                organisation = Organisation.objects.create(code=code, name=name, country=country)
            user.set_password(password)
            user.save()
            StaffMember.objects.create(
                user=user, organisation=organisation, profession=Profession.ADMINISTRATION
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator {username} created for {organisation.name}. They set up a security code at first login."
            )
        )
