from typing import Any

from django.core.management.base import BaseCommand

from ourplan.core.database_role import app_role_sql


class Command(BaseCommand):
    help = "Print the SQL that creates the PostgreSQL role the app should run as (no UPDATE/DELETE on audit rows)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("role", nargs="?", default="ourplan_app")

    def handle(self, *args: Any, **options: Any) -> None:
        for statement in app_role_sql(options["role"]):
            self.stdout.write(f"{statement};")
