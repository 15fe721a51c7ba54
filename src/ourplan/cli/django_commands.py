"""`ourplan serve|migrate|demo|createsuperuser`: the web app's own commands."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

EXIT_ERROR = 2


class CommandRefused(Exception):
    """A command that cannot run here, with the one-line reason a person reads."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplan.config.settings")
    import django

    try:
        django.setup()
    except RuntimeError as error:
        # The settings refuse to load (e.g. production without a secret key): say why.
        raise CommandRefused(str(error)) from error


def _refuse_in_production(command: str) -> None:
    from django.conf import settings

    if settings.PRODUCTION:
        raise CommandRefused(
            f"ourplan {command} is for trying ourplan out, never for a live service: its "
            "accounts use a published password and security codes anyone can work out. "
            "It does not run when OURPLAN_ENV=production."
        )


def _require_migrated_database() -> None:
    """Refuse, in words, to run against a database that `ourplan migrate` has not set up."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise CommandRefused(f"The database cannot be read ({error}).") from error
    if unapplied:
        raise CommandRefused(
            "The database is not set up yet, or is out of date: run `ourplan migrate` first."
        )


def _call(name: str, *args: str, **options: Any) -> int:
    from django.core.management import CommandError, call_command
    from django.db import DatabaseError

    try:
        call_command(name, *args, **options)
    except CommandError as error:
        print(f"ourplan: {error}", file=sys.stderr)
        return error.returncode or 1
    except DatabaseError as error:
        print(
            f"ourplan: the database refused the command ({error}). "
            "If it is new, run `ourplan migrate` first.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    return 0


def _run(
    name: str,
    *args: str,
    demo_only: str | None = None,
    needs_tables: bool = False,
    **options: Any,
) -> int:
    """Set up Django, check the command may run here, run it; errors in words, no traceback."""
    try:
        _setup_django()
        if demo_only is not None:
            _refuse_in_production(demo_only)
        if needs_tables:
            _require_migrated_database()
    except CommandRefused as refusal:
        print(f"ourplan: {refusal}", file=sys.stderr)
        return EXIT_ERROR
    return _call(name, *args, **options)


def _serve(args: argparse.Namespace) -> int:
    return _run("runserver", f"{args.host}:{args.port}", use_reloader=args.reload)


def _migrate(args: argparse.Namespace) -> int:
    return _run("migrate", interactive=False, verbosity=args.verbosity)


def _demo(args: argparse.Namespace) -> int:
    return _run("load_demo", demo_only="demo", needs_tables=True)


def _createsuperuser(args: argparse.Namespace) -> int:
    return _run("create_administrator", needs_tables=True)


def _democode(args: argparse.Namespace) -> int:
    return _run("demo_code", args.username, demo_only="democode", needs_tables=True)


def _dbrole(args: argparse.Namespace) -> int:
    return _run("app_role_sql", args.role)


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="serve the web app (development server)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--reload", action="store_true", help="restart when code changes")
    serve.set_defaults(handler=_serve)

    migrate = subparsers.add_parser("migrate", help="create or upgrade the database tables")
    migrate.add_argument("--verbosity", type=int, default=1, choices=[0, 1, 2, 3])
    migrate.set_defaults(handler=_migrate)

    demo = subparsers.add_parser(
        "demo", help="load the fictional demo organisations (safe to repeat)"
    )
    demo.set_defaults(handler=_demo)

    superuser = subparsers.add_parser(
        "createsuperuser", help="create an administrator account for an organisation, interactively"
    )
    superuser.set_defaults(handler=_createsuperuser)

    democode = subparsers.add_parser(
        "democode", help="print the current security code of a demo account"
    )
    democode.add_argument("username", help="a demo manager or administrator, e.g. manager")
    democode.set_defaults(handler=_democode)

    dbrole = subparsers.add_parser(
        "dbrole", help="print SQL for the PostgreSQL role the app runs as (audit rows append-only)"
    )
    dbrole.add_argument(
        "role", nargs="?", default="ourplan_app", help="role name (default ourplan_app)"
    )
    dbrole.set_defaults(handler=_dbrole)
