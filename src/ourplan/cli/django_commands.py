"""`ourplan serve|migrate|demo|createsuperuser`: the web app's own commands."""

from __future__ import annotations

import argparse
import os
from typing import Any


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplan.config.settings")
    import django

    django.setup()


def _call(name: str, *args: str, **options: Any) -> int:
    _setup_django()
    from django.core.management import call_command

    call_command(name, *args, **options)
    return 0


def _serve(args: argparse.Namespace) -> int:
    return _call("runserver", f"{args.host}:{args.port}", use_reloader=args.reload)


def _migrate(args: argparse.Namespace) -> int:
    return _call("migrate", interactive=False, verbosity=args.verbosity)


def _demo(args: argparse.Namespace) -> int:
    return _call("load_demo")


def _createsuperuser(args: argparse.Namespace) -> int:
    return _call("create_administrator")


def _democode(args: argparse.Namespace) -> int:
    return _call("demo_code", args.username)


def _dbrole(args: argparse.Namespace) -> int:
    return _call("app_role_sql", args.role)


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
