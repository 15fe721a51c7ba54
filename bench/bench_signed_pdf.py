"""Signed version PDF benchmark: served from storage against rendered live, in one run.

Usage::

    .venv/bin/python bench/bench_signed_pdf.py [--database sqlite|postgres] [--goals 20]
        [--steps 10] [--requests 30]

A plan of ``goals`` goals of ``steps`` steps is built through the plan services (as in
bench_plans.py), frozen as version 1, signed by the care coordinator, and frozen again as
version 2, left unsigned. The care coordinator then asks, in turn, for:

- version 1's PDF, served from storage (plans.pdf keeps a signed version's PDF);
- version 1's PDF with its stored copy deleted just before the request, so it is laid out
  and stored again (the first request after a signature);
- version 2's PDF, which, unsigned, is laid out live on every request.

Requests go through Django's test client in-process with DEBUG off, so the access check and
the read and export audit entries are in every timing. The table is printed and written to
``bench/results/signed-pdf-<database>.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench_plans import build_plan
from bench_web import (
    RESULTS_DIR,
    ROOT,
    Page,
    configure_environment,
    database_server,
    machine,
    recreate_postgres_database,
    time_pages,
)

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/ourplan_bench_signed_pdf"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--goals", type=int, default=20)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per row")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("OURPLAN_BENCH_SIGNED_PDF_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    args = parser.parse_args(argv)
    # build_plan signs every version it makes: one signed version, then an unsigned one here.
    args.versions = 1
    return args


def measure(args: argparse.Namespace, workdir: Path) -> int:
    description = configure_environment(args, workdir)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
    from ourplan.accounts.models import User
    from ourplan.plans import services
    from ourplan.plans.models import PlanVersion
    from ourplan.plans.pdf import STORED_DOCUMENTS

    call_command("migrate", verbosity=0, interactive=False)
    username, person_id, seconds = build_plan(args)
    coordinator = User.objects.get(username=username)
    signed = PlanVersion.objects.get(plan__person_id=person_id, number=1)
    unsigned = services.version_create(actor=coordinator, plan=signed.plan)
    assert signed.is_signed and not unsigned.is_signed
    connection.close()
    server = database_server()
    client = Client()
    client.force_login(coordinator)
    base = f"/people/{person_id}/plan/versions/"
    stored_folder = Path(default_storage.path(f"{STORED_DOCUMENTS}/version-{signed.pk}"))

    def first_request(index: int) -> str:
        # Outside the timed window (time_pages asks for the URL before it starts the clock).
        shutil.rmtree(stored_folder, ignore_errors=True)
        return f"{base}1.pdf"

    load_before = os.getloadavg()
    timings = time_pages(
        client,
        [
            Page("Signed version, served from storage", lambda i: f"{base}1.pdf", "%PDF"),
            Page("Signed version, first request (laid out and stored)", first_request, "%PDF"),
            Page("Unsigned version, rendered live", lambda i: f"{base}2.pdf", "%PDF"),
        ],
        args.requests,
        warmup=2,
    )
    load_after = os.getloadavg()
    assert any(stored_folder.glob("*.pdf")), "the signed version's PDF was not stored"
    cached, _first, live = timings
    lines = [
        f"### Signed version PDF on {args.database}: from storage against live",
        "",
        f"- When: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {machine()}",
        f"- Load average (1, 5, 15 min): {load_before[0]:.2f}, {load_before[1]:.2f}, "
        f"{load_before[2]:.2f} before the timed requests; {load_after[0]:.2f}, "
        f"{load_after[1]:.2f}, {load_after[2]:.2f} after",
        f"- Database: {server}; {description}",
        f"- Plan: {args.goals} goals × {args.steps} steps, built through the services in "
        f"{seconds:.1f} s; version 1 signed by the care coordinator, version 2 unsigned",
        f"- {args.requests} timed requests per row, taken in turn, in-process Django test "
        "client, DEBUG off, as the care coordinator (access check, read and export entries "
        "in every request)",
        "",
        "| Request | Median (ms) | p95 (ms) | Queries per request |",
        "|---|---:|---:|---:|",
    ]
    for timing in timings:
        lines.append(
            f"| {timing.page} | {timing.median:.1f} | {timing.p95:.1f} | {timing.queries_text} |"
        )
    lines += [
        "",
        f"Live ÷ from storage: {live.median / cached.median:.1f}× at the median, "
        f"{live.p95 / cached.p95:.1f}× at p95. Target: < 50 ms median from storage "
        f"({'met' if cached.median < 50 else 'not met'}).",
    ]
    report = "\n".join(lines) + "\n"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"signed-pdf-{args.database}.md").write_text(report)
    print(report)
    connection.close()
    if args.database == "postgres":
        recreate_postgres_database(args.postgres_url, create=False)
    return 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix=f"ourplan-bench-signed-pdf-{args.database}-"))
    try:
        return measure(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
