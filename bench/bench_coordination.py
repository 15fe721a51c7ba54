"""Care coordination benchmark: the worklist and the team dashboard at scale, and the daily job.

Usage::

    .venv/bin/python bench/bench_coordination.py [--database sqlite|postgres|both]
        [--people 20000] [--staff 500] [--contacts 1000000] [--requests 100]

One organisation of ``people`` people in teams of 500, with ``staff`` staff (ten care
coordinators, a manager and a clinician per team, the rest without a team), a plan for every
person (goals, ratings, a review, a version, strengths, a crisis plan), supporters and their
messages, and ``contacts`` contacts over 18 months, is bulk-loaded. Then, in-process as a care
coordinator and as a team manager of one team, the worklist and the team dashboard are timed
(median and p95 server time, queries per request), and the daily job is run over everyone,
twice (the second run writes nothing). The table is printed and written to
``bench/results/coordination-<database>.md``; docs/benchmarks.md records the results.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_web import (
    RESULTS_DIR,
    ROOT,
    Page,
    Timing,
    configure_environment,
    database_server,
    machine,
    nhs_numbers,
    postgres_answers,
    recreate_postgres_database,
    time_pages,
)

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/ourplan_bench_coordination"
TEAM_SIZE = 500
COORDINATORS_PER_TEAM = 10
SEED = 20261201
BATCH = 5000


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--staff", type=int, default=500)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after timing, print each page's slowest queries and busiest Python functions",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("OURPLAN_BENCH_COORDINATION_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    return parser.parse_args(argv)


def _aware(day: date, hour: int = 10) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def generate(args: argparse.Namespace) -> dict[str, Any]:
    """Bulk-load the organisation; return what the timed requests need."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from ourplan.accounts.models import Role, User
    from ourplan.consent.models import Contribution
    from ourplan.coordination.models import Contact, ContactMode, ContactOutcome
    from ourplan.people.models import (
        CareTeamMembership,
        Organisation,
        Person,
        StaffMember,
        Supporter,
    )
    from ourplan.plans import services as plans
    from ourplan.plans.models import (
        CrisisPlan,
        Goal,
        Plan,
        PlanVersion,
        ProgressRating,
        Review,
        Strength,
    )

    rng = random.Random(SEED)
    today = date.today()
    begin = time.perf_counter()
    teams_count = max(1, args.people // TEAM_SIZE)
    password = make_password("bench-password-1234")
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name="Bench Trust", code="BNCH2", country="england"
        )
        areas = list(plans.life_areas_for(organisation))
        teams = [
            organisation.teams.create(name=f"Community team {n + 1:02d}")
            for n in range(teams_count)
        ]
        users, members = [], []
        for index in range(args.staff):
            team_index = index // (COORDINATORS_PER_TEAM + 2)
            position = index % (COORDINATORS_PER_TEAM + 2)
            has_team = team_index < teams_count
            role = (
                Role.CARE_COORDINATOR
                if has_team and position < COORDINATORS_PER_TEAM
                else Role.TEAM_MANAGER
                if has_team and position == COORDINATORS_PER_TEAM
                else Role.CLINICIAN
            )
            users.append(
                User(
                    username=f"bench{index:03d}",
                    first_name=f"Staff{index}",
                    last_name="Bench",
                    role=role,
                    password=password,
                )
            )
            members.append((team_index if has_team else None, role))
        User.objects.bulk_create(users, batch_size=BATCH)
        saved_users = {u.username: u for u in User.objects.filter(username__startswith="bench")}
        staff = StaffMember.objects.bulk_create(
            [
                StaffMember(
                    user=saved_users[f"bench{index:03d}"],
                    organisation=organisation,
                    team=teams[team] if team is not None else None,
                    profession=rng.choice(("nurse", "social_worker", "occupational_therapist")),
                )
                for index, (team, _role) in enumerate(members)
            ],
            batch_size=BATCH,
        )
        coordinators_of = {
            t: [
                s
                for s, (team, role) in zip(staff, members, strict=True)
                if team == t and role == Role.CARE_COORDINATOR
            ]
            for t in range(teams_count)
        }
        numbers = nhs_numbers(args.people)
        people = Person.objects.bulk_create(
            [
                Person(
                    organisation=organisation,
                    team=teams[index % teams_count],
                    given_name=f"Given{index}",
                    family_name=f"Family{index % 997}",
                    date_of_birth=date(1950 + index % 50, 1 + index % 12, 1 + index % 28),
                    nhs_number=numbers[index],
                )
                for index in range(args.people)
            ],
            batch_size=BATCH,
        )
        spells = []
        coordinator_of_person = {}
        for index, person in enumerate(people):
            team = index % teams_count
            coordinator = coordinators_of[team][index // teams_count % COORDINATORS_PER_TEAM]
            coordinator_of_person[person.pk] = coordinator
            started = today - timedelta(days=rng.randrange(200, 2000))
            spells.append(
                CareTeamMembership(
                    person=person, staff=coordinator, is_coordinator=True, started_on=started
                )
            )
        CareTeamMembership.objects.bulk_create(spells, batch_size=BATCH)
        actor = saved_users["bench000"]
        plan_rows = Plan.objects.bulk_create(
            [
                Plan(
                    person=p,
                    started_by=actor,
                    started_at=_aware(today - timedelta(days=rng.randrange(60, 900))),
                )
                for p in people
            ],
            batch_size=BATCH,
        )
        CrisisPlan.objects.bulk_create(
            [
                CrisisPlan(plan=plan, created_by=actor, what_helps="Quiet" if n % 5 else "")
                for n, plan in enumerate(plan_rows)
            ],
            batch_size=BATCH,
        )
        goals = Goal.objects.bulk_create(
            [
                Goal(
                    plan=plan,
                    text=f"Goal {g + 1}",
                    life_area=areas[(n + g) % len(areas)],
                    created_by=actor,
                    created_at=_aware(today - timedelta(days=rng.randrange(30, 500))),
                )
                for n, plan in enumerate(plan_rows)
                for g in range(n % 3)
            ],
            batch_size=BATCH,
        )
        ProgressRating.objects.bulk_create(
            [
                ProgressRating(
                    goal=goal,
                    score=rng.randrange(0, 11),
                    rated_on=today - timedelta(days=rng.randrange(1, 400)),
                    rated_by=actor,
                )
                for goal in goals
                for _ in range(3)
            ],
            batch_size=BATCH,
        )
        Strength.objects.bulk_create(
            [
                Strength(plan=plan, kind="skill", text="Good with maps", created_by=actor)
                for n, plan in enumerate(plan_rows)
                if n % 4
            ],
            batch_size=BATCH,
        )
        Review.objects.bulk_create(
            [
                Review(
                    plan=plan,
                    held_on=today - timedelta(days=rng.randrange(30, 400)),
                    next_review_on=today + timedelta(days=rng.randrange(-120, 240)),
                    recorded_by=actor,
                )
                for plan in plan_rows
            ],
            batch_size=BATCH,
        )
        PlanVersion.objects.bulk_create(
            [
                PlanVersion(
                    plan=plan,
                    number=1,
                    snapshot={},
                    created_by=actor,
                    created_at=_aware(today - timedelta(days=rng.randrange(10, 300))),
                    coordinator_signed_at=_aware(today - timedelta(days=5)) if n % 3 else None,
                    coordinator_signed_by=actor if n % 3 else None,
                    person_signed_at=_aware(today - timedelta(days=5)) if n % 2 else None,
                )
                for n, plan in enumerate(plan_rows)
            ],
            batch_size=BATCH,
        )
        supporters = Supporter.objects.bulk_create(
            [
                Supporter(
                    person=p,
                    given_name="Carer",
                    family_name=f"{n}",
                    kind="carer",
                    relationship="my mum",
                    is_identified_carer=True,
                )
                for n, p in enumerate(people)
                if n % 2
            ],
            batch_size=BATCH,
        )
        Contribution.objects.bulk_create(
            [
                Contribution(
                    person_id=s.person_id,
                    supporter=s,
                    kind="concern",
                    text="Not sleeping again this week; I am worried.",
                    created_by=actor,
                )
                for n, s in enumerate(supporters)
                if n % 8 == 0
            ],
            batch_size=BATCH,
        )
    modes = list(ContactMode.values)
    per_person = max(1, args.contacts // args.people)
    start = today - timedelta(days=548)
    written = 0
    batch: list[Contact] = []
    for person in people:
        coordinator = coordinator_of_person[person.pk]
        for number in range(per_person):
            day = start + timedelta(days=(548 * number) // per_person + rng.randrange(0, 7))
            if day > today:
                day = today - timedelta(days=1)
            batch.append(
                Contact(
                    person=person,
                    staff=coordinator,
                    mode=modes[number % len(modes)],
                    outcome=ContactOutcome.HAPPENED
                    if number % 11
                    else ContactOutcome.DID_NOT_ATTEND,
                    starts_at=_aware(day, 9 + number % 8),
                    duration_minutes=15 + 5 * (number % 12),
                    recorded_by=coordinator.user,
                    recorded_at=_aware(day, 18),
                )
            )
            if len(batch) >= BATCH:
                with transaction.atomic():
                    Contact.objects.bulk_create(batch)
                written += len(batch)
                batch = []
    if batch:
        Contact.objects.bulk_create(batch)
        written += len(batch)
    coordinator = coordinators_of[0][0]
    manager = next(
        s
        for s, (team, role) in zip(staff, members, strict=True)
        if team == 0 and role == Role.TEAM_MANAGER
    )
    return {
        "coordinator": coordinator.user.username,
        "manager": manager.user.username,
        "contacts": written,
        "seconds": time.perf_counter() - begin,
        "teams": teams_count,
    }


def render(
    label: str,
    description: str,
    args: argparse.Namespace,
    facts: dict[str, Any],
    timings: list[Timing],
    daily: list[float],
    written: list[int],
    server: str,
    load: str,
) -> str:
    import statistics

    lines = [
        f"### Care coordination on {label}",
        "",
        f"- When: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {machine()}; {load}",
        f"- Database: {server}; {description}",
        f"- Data: {args.people:,} people in {facts['teams']} teams of {TEAM_SIZE}, {args.staff} staff "
        f"({COORDINATORS_PER_TEAM} care coordinators per team), {facts['contacts']:,} contacts over "
        f"18 months, a plan each; bulk-loaded in {facts['seconds']:.0f} s",
        f"- {args.requests} timed requests per page, in-process Django test client, DEBUG off; "
        "the worklist as one care coordinator, the dashboard as their team's manager",
        "",
        "| Page | Median (ms) | p95 (ms) | Queries per request | Python CPU, median (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for timing in timings:
        lines.append(
            f"| {timing.page} | {timing.median:.1f} | {timing.p95:.1f} | {timing.queries_text} | "
            f"{statistics.median(timing.cpu_ms):.1f} |"
        )
    lines += [
        "",
        f"Daily job over all {args.people:,} people: {daily[0]:.1f} s (wrote {written[0]:,} "
        f"notifications), run again {daily[1]:.1f} s (wrote {written[1]:,}).",
    ]
    return "\n".join(lines) + "\n"


def measure(args: argparse.Namespace, workdir: Path) -> int:
    description = configure_environment(args, workdir)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
    from ourplan.accounts.models import User
    from ourplan.coordination import notifications

    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
    print(f"[{args.database}] generating", flush=True)
    facts = generate(args)
    connection.close()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
    os.sync()
    server = database_server()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sys.path.insert(0, str(ROOT))
    from tests.conftest import logged_in_client  # logs in past the second factor, as the tests do

    manager_user = User.objects.get(username=facts["manager"])
    TOTPDevice.objects.create(user=manager_user, name="bench", confirmed=True)
    coordinator = logged_in_client(User.objects.get(username=facts["coordinator"]))
    manager = logged_in_client(manager_user)
    load_before = os.getloadavg()[0]
    timings = time_pages(
        coordinator,
        [
            Page(
                "Worklist (`/worklist/`), a team of 500", lambda i: "/worklist/", "What needs doing"
            )
        ],
        args.requests,
        warmup=5,
    )
    timings += time_pages(
        manager,
        [
            Page(
                "Team dashboard (`/team/dashboard/`), a team of 500",
                lambda i: "/team/dashboard/",
                "By care coordinator",
            )
        ],
        args.requests,
        warmup=5,
    )
    if args.profile:
        profile_pages({"/worklist/": coordinator, "/team/dashboard/": manager})
    daily, written = [], []
    for _ in range(2):
        begin = time.perf_counter()
        written.append(notifications.daily())
        daily.append(time.perf_counter() - begin)
    load = (
        f"load average {load_before:.1f} before the timed requests, {os.getloadavg()[0]:.1f} after"
    )
    report = render(args.database, description, args, facts, timings, daily, written, server, load)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"coordination-{args.database}.md").write_text(report)
    print(report)
    connection.close()
    if args.database == "postgres":
        recreate_postgres_database(args.postgres_url, create=False)
    return 0


def profile_pages(clients: dict[str, Any]) -> None:
    """One request per page: its ten slowest queries, then its twenty busiest functions."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url, client in clients.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:10]
        print(f"\n{url}: {len(captured.captured_queries)} queries, slowest first")
        for query in slowest:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.database == "both":
        databases = ["sqlite"] + (["postgres"] if postgres_answers(args.postgres_url) else [])
        status = 0
        for database in databases:
            command = [sys.executable, str(Path(__file__).resolve()), *argv, "--database", database]
            status = max(status, subprocess.run(command, check=False).returncode)
        return status
    workdir = Path(tempfile.mkdtemp(prefix=f"ourplan-bench-coordination-{args.database}-"))
    try:
        return measure(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
