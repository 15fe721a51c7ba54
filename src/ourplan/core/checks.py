"""System checks for a deployment (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

SQLITE_IN_PRODUCTION = "ourplan.W001"


@register(Tags.security, deploy=True)
def production_database_is_not_sqlite(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """A live service runs on PostgreSQL: SQLite has one writer and no role that can be
    refused UPDATE and DELETE on the audit log (docs/operations.md)."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if not engine.endswith("sqlite3"):
        return []
    return [
        Warning(
            "The database is SQLite.",
            hint=(
                "Set DATABASE_URL to a PostgreSQL database for a live service. SQLite "
                "in production needs OURPLAN_ALLOW_SQLITE_IN_PRODUCTION=1 and is for "
                "trials on one machine only."
            ),
            id=SQLITE_IN_PRODUCTION,
        )
    ]
