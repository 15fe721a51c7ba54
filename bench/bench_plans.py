"""Plan benchmark: the plan page, version comparison and the PDFs for a large plan.

Usage::

    .venv/bin/python bench/bench_plans.py [--database sqlite|postgres|both] [--goals 20]
        [--steps 10] [--versions 50] [--requests 100] [--pdf-requests 15]

A plan with ``goals`` goals of ``steps`` steps each (with progress ratings) and ``versions``
signed versions is built through the plan services, then pages are requested in-process as
the care coordinator. Database handling, timing and the report format are shared with
bench_web.py. The table is printed and written to ``bench/results/plans-<database>.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench_web import (
    RESULTS_DIR,
    ROOT,
    Page,
    Timing,
    configure_environment,
    database_server,
    machine,
    postgres_answers,
    recreate_postgres_database,
    time_pages,
)

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/ourplan_bench_plans"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--goals", type=int, default=20)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--versions", type=int, default=50)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per HTML page")
    parser.add_argument("--pdf-requests", type=int, default=15, help="timed requests per PDF")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("OURPLAN_BENCH_PLANS_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    return parser.parse_args(argv)


def build_plan(args: argparse.Namespace) -> tuple[str, str, float]:
    """A large plan for one person; returns (username, person id, seconds)."""
    from ourplan.accounts.models import Role, User
    from ourplan.people.models import CareTeamMembership, Organisation, Person, StaffMember, Team
    from ourplan.plans import services
    from ourplan.plans.models import ProgressRating

    begin = time.perf_counter()
    organisation = Organisation.objects.create(name="Bench Trust", code="BNCH1", country="england")
    team = Team.objects.create(organisation=organisation, name="Bench team")
    coordinator = User.objects.create_user(
        "benchcoordinator", password="bench-password-1234", role=Role.CARE_COORDINATOR
    )
    staff = StaffMember.objects.create(
        user=coordinator, organisation=organisation, team=team, profession="nurse"
    )
    person = Person.objects.create(
        organisation=organisation,
        team=team,
        given_name="Bench",
        family_name="Person",
        date_of_birth=date(1980, 1, 1),
        nhs_number="9434765919",
    )
    CareTeamMembership.objects.create(
        person=person, staff=staff, is_coordinator=True, started_on=date(2024, 1, 1)
    )
    plan = services.plan_start(actor=coordinator, person=person)
    areas = list(services.life_areas_for(organisation))
    today = date.today()
    goals = []
    for number in range(args.goals):
        goal = services.goal_add(
            actor=coordinator,
            plan=plan,
            text=f"Goal {number + 1}: something I want, in my own words",
            life_area=areas[number % len(areas)],
        )
        for step in range(args.steps):
            services.step_add(
                actor=coordinator,
                goal=goal,
                text=f"Step {step + 1} towards goal {number + 1}",
                owner="me",
                due_on=today + timedelta(days=7 * step),
            )
        ProgressRating.objects.bulk_create(
            ProgressRating(
                goal=goal,
                score=score,
                rated_on=today - timedelta(days=30 * (5 - score)),
                rated_by=coordinator,
            )
            for score in range(1, 6)
        )
        goals.append(goal)
    for number in range(args.versions):
        goal = goals[number % len(goals)]
        goal.refresh_from_db()
        services.save_part(
            actor=coordinator,
            part=goal,
            fields={"text": f"{goal.text} (v{number + 1})"[:500]},
            revision=goal.revision,
            person=person,
        )
        version = services.version_create(actor=coordinator, plan=plan)
        services.version_sign(actor=coordinator, version=version, as_person=False)
    return coordinator.username, str(person.pk), time.perf_counter() - begin


def render(
    label: str,
    description: str,
    args: argparse.Namespace,
    timings: list[Timing],
    server: str,
    seconds: float,
    load: str,
) -> str:
    lines = [
        f"### Plan pages on {label}",
        "",
        f"- When: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {machine()}; {load}",
        f"- Database: {server}; {description}",
        f"- Plan: {args.goals} goals × {args.steps} steps, 5 progress ratings per goal, {args.versions} signed versions; built through the services in {seconds:.1f} s",
        f"- {args.requests} timed requests per HTML page and {args.pdf_requests} per PDF, in-process Django test client, DEBUG off",
        "",
        "| Page | Median (ms) | p95 (ms) | Queries per request | Python CPU, median (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    import statistics

    for timing in timings:
        lines.append(
            f"| {timing.page} | {timing.median:.1f} | {timing.p95:.1f} | {timing.queries_text} | {statistics.median(timing.cpu_ms):.1f} |"
        )
    return "\n".join(lines) + "\n"


def measure(args: argparse.Namespace, workdir: Path) -> int:
    description = configure_environment(args, workdir)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
    from ourplan.accounts.models import User

    call_command("migrate", verbosity=0, interactive=False)
    username, person_id, seconds = build_plan(args)
    connection.close()
    os.sync()
    server = database_server()
    client = Client()
    client.force_login(User.objects.get(username=username))
    base = f"/people/{person_id}/plan/"
    load_before = os.getloadavg()[0]
    html = time_pages(
        client,
        [
            Page("Plan page", lambda i: base, "Goal 1"),
            Page(
                f"Compare version 1 with version {args.versions}",
                lambda i: f"{base}versions/compare/?older=1&newer={args.versions}",
                "changes",
            ),
        ],
        args.requests,
    )
    pdfs = time_pages(
        client,
        [
            Page("Statutory document PDF (CPA)", lambda i: f"{base}statutory.pdf", "%PDF"),
            Page(
                "Person-held copy PDF, large print", lambda i: f"{base}my-copy.pdf?large=1", "%PDF"
            ),
        ],
        args.pdf_requests,
        warmup=2,
    )
    load = (
        f"load average {load_before:.1f} before the timed requests, {os.getloadavg()[0]:.1f} after"
    )
    report = render(args.database, description, args, html + pdfs, server, seconds, load)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"plans-{args.database}.md").write_text(report)
    print(report)
    connection.close()
    if args.database == "postgres":
        recreate_postgres_database(args.postgres_url, create=False)
    return 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.database == "both":
        databases = ["sqlite"] + (["postgres"] if postgres_answers(args.postgres_url) else [])
        status = 0
        for database in databases:
            command = [sys.executable, str(Path(__file__).resolve()), *argv, "--database", database]
            status = max(status, subprocess.run(command, check=False).returncode)
        return status
    workdir = Path(tempfile.mkdtemp(prefix=f"ourplan-bench-plans-{args.database}-"))
    try:
        return measure(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
