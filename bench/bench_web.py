"""Web benchmark: server time of the caseload and person pages on a synthetic organisation.

Usage::

    .venv/bin/python bench/bench_web.py [--database sqlite|postgres|both] [--people 20000]
        [--staff 500] [--history 200000] [--requests 200]
        [--sqlite-journal default|wal] [--keep-database] [--postgres-url URL]

For each database a fresh database is created and migrated (SQLite: a file in a temporary
directory; PostgreSQL: ``ourplan_bench`` dropped and recreated), a synthetic organisation is
bulk-loaded, and pages are requested in-process through Django's test ``Client`` as a care
coordinator, so the figures are server time without the network. ``both`` (the default) runs
each database in its own child process, because Django reads the database settings once;
PostgreSQL is skipped when nothing answers on its host and port. The database is removed
afterwards unless ``--keep-database`` is given.

The results table is printed and written to ``bench/results/web-<database>.md``."""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/ourplan_bench"
TEAMS = 20
SEED = 20261123
WARMUP = 20
TARGET_P95_MS = 100.0

GIVEN_NAMES = (
    "Alex",
    "Jordan",
    "Morgan",
    "Casey",
    "Robin",
    "Taylor",
    "Jamie",
    "Kit",
    "Eli",
    "Noor",
    "Idris",
    "Mared",
    "Tegan",
    "Lowri",
    "Callum",
    "Aled",
    "Bronwen",
    "Yusuf",
    "Hana",
    "Osian",
    "Dara",
    "Femi",
    "Ines",
    "Ceri",
    "Amara",
    "Bea",
    "Cai",
    "Dewi",
    "Efa",
    "Finn",
    "Gwen",
    "Harri",
    "Ifan",
    "Jac",
    "Kezia",
    "Lior",
    "Mali",
    "Nye",
    "Orla",
    "Pip",
    "Rhian",
    "Seren",
    "Tomos",
    "Una",
    "Wil",
    "Zara",
)
FAMILY_STEMS = (
    "Whitlow",
    "Brennan",
    "Achebe",
    "Delaney",
    "Thorne",
    "Varga",
    "Quayle",
    "Penrose",
    "Ledger",
    "Madoc",
    "Treharne",
    "Vaughan",
    "Okonjo",
    "Castell",
    "Lindqvist",
    "Pryce",
    "Ferris",
    "Galloway",
    "Iqbal",
    "Jenkins",
    "Kowalski",
    "Llewellyn",
    "Mensah",
    "Nakamura",
    "Oduya",
    "Pelham",
    "Quinlan",
    "Rowntree",
    "Sandoval",
    "Tremlett",
    "Upton",
    "Vasquez",
    "Winslow",
    "Yardley",
    "Zeller",
    "Ashby",
    "Bramwell",
    "Corrigan",
    "Dunmore",
    "Elphick",
)
FAMILY_SUFFIXES = ("", "-Hart", "-Moss", "-Reid", "-Vale")
# 200 surnames: about five people with each surname in a team of a thousand.
FAMILY_NAMES = tuple(stem + suffix for stem in FAMILY_STEMS for suffix in FAMILY_SUFFIXES)


# --------------------------------------------------------------------------------------------
# The parent process: choose databases, run one child per database.
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--staff", type=int, default=500)
    parser.add_argument(
        "--history", type=int, default=200_000, help="history rows to create at least"
    )
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument(
        "--sqlite-journal",
        choices=("default", "wal"),
        default="default",
        help="default: the settings as shipped (journal_mode=WAL, synchronous=NORMAL since "
        "2026-11-23); wal: set the same pragmas again on every connection",
    )
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="keep the benchmark database afterwards (default: remove it)",
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("OURPLAN_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    args = parser.parse_args(argv)
    if args.staff < TEAMS * 2:
        parser.error(f"--staff must be at least {TEAMS * 2}")
    if args.people < TEAMS * 50:
        parser.error(f"--people must be at least {TEAMS * 50}")
    return args


def postgres_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 5432), timeout=2
        ):
            return True
    except OSError:
        return False


def run_children(args: argparse.Namespace) -> int:
    databases = ["sqlite"]
    if postgres_answers(args.postgres_url):
        databases.append("postgres")
    else:
        print(f"PostgreSQL does not answer at {urlsplit(args.postgres_url).netloc}: skipping it.")
    status = 0
    for database in databases:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--database",
            database,
            "--people",
            str(args.people),
            "--staff",
            str(args.staff),
            "--history",
            str(args.history),
            "--requests",
            str(args.requests),
            "--postgres-url",
            args.postgres_url,
            "--sqlite-journal",
            args.sqlite_journal,
            *(["--keep-database"] if args.keep_database else []),
        ]
        status = max(status, subprocess.run(command, check=False).returncode)
    return status


# --------------------------------------------------------------------------------------------
# The child process: one database.
# --------------------------------------------------------------------------------------------


def recreate_postgres_database(url: str, *, create: bool = True) -> None:
    """Drop (and create) the benchmark database named in ``url``, via the maintenance database."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"} or name.startswith("test"):
        raise SystemExit(f"Refusing to drop the database {name!r}: give the benchmark its own.")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def configure_environment(args: argparse.Namespace, workdir: Path) -> str:
    """Point the settings at a fresh database; return a description of it."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "ourplan.config.settings"
    os.environ["OURPLAN_DATA_DIR"] = str(workdir)
    (workdir / "static").mkdir(exist_ok=True)  # STATIC_ROOT, which WhiteNoise expects to exist
    # Measure the production configuration of Django, not the debug one.
    os.environ["OURPLAN_DEBUG"] = "0"
    if args.database == "sqlite":
        path = workdir / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return f"SQLite file {path}"
    recreate_postgres_database(args.postgres_url)
    os.environ["DATABASE_URL"] = args.postgres_url
    parts = urlsplit(args.postgres_url)
    return f"PostgreSQL database {parts.path.lstrip('/')} at {parts.hostname}:{parts.port or 5432}"


@dataclass
class Organisation:
    """What the timed requests need from the generated data."""

    coordinator_username: str
    team_person_ids: list[str]
    team_family_names: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    history_rows: int = 0
    seconds: float = 0.0


def nhs_numbers(count: int) -> list[str]:
    """``count`` distinct valid NHS numbers in the 999 range reserved for testing."""
    from ourplan.people.nhs_number import nhs_number_check_digit

    numbers: list[str] = []
    serial = 0
    while len(numbers) < count:
        first_nine = f"999{serial:06d}"
        serial += 1
        check = nhs_number_check_digit(first_nine)
        if check is not None:
            numbers.append(f"{first_nine}{check}")
    return numbers


def generate(args: argparse.Namespace) -> Organisation:
    """Bulk-load one organisation: teams, staff, people, coordinator spells, supporters, audit."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from ourplan.accounts.models import Role, User
    from ourplan.core.models import AuditAction, AuditEntry
    from ourplan.people import models as people

    started = time.perf_counter()
    rng = random.Random(SEED)
    today = date.today()
    now = timezone.now()
    batch = 2000

    with transaction.atomic():
        org = people.Organisation.objects.create(
            name="Benchmark Community Mental Health NHS Trust", code="ZZB01", country="england"
        )
        people.CrisisLine.objects.bulk_create(
            [
                people.CrisisLine(
                    organisation=org,
                    label="Crisis team",
                    phone="0300 555 0101",
                    hours="24 hours",
                    position=0,
                ),
                people.CrisisLine(
                    organisation=org,
                    label="Evening helpline",
                    phone="0300 555 0102",
                    hours="5pm to midnight",
                    position=1,
                ),
            ]
        )
        teams = bulk_create_with_history(
            [
                people.Team(organisation=org, name=f"Community Mental Health Team {index + 1:02d}")
                for index in range(TEAMS)
            ],
            people.Team,
            default_date=now,
        )

        # Staff: per team one manager, then coordinators, clinicians and peer support workers in
        # the proportions of a community team; a few administrators and researchers without a team.
        per_team_roles = (
            [Role.TEAM_MANAGER]
            + [Role.CARE_COORDINATOR] * 15
            + [Role.CLINICIAN] * 5
            + [Role.PEER_SUPPORT_WORKER] * 2
        )
        users: list[Any] = []
        staff_team: list[Any] = []
        for index in range(args.staff):
            team_index = index % TEAMS
            slot = index // TEAMS
            if slot < len(per_team_roles):
                role, team = per_team_roles[slot], teams[team_index]
            else:
                role, team = (Role.ADMINISTRATOR if index % 2 else Role.RESEARCHER), None
            users.append(
                User(
                    username=f"staff{index:04d}",
                    first_name=rng.choice(GIVEN_NAMES),
                    last_name=rng.choice(FAMILY_STEMS),
                    role=role,
                    password=make_password(f"bench-password-{index}"),
                )
            )
            staff_team.append(team)
        users = User.objects.bulk_create(users, batch_size=batch)
        profession = {
            Role.TEAM_MANAGER: people.Profession.NURSE,
            Role.CARE_COORDINATOR: people.Profession.SOCIAL_WORKER,
            Role.CLINICIAN: people.Profession.PSYCHIATRIST,
            Role.PEER_SUPPORT_WORKER: people.Profession.PEER_SUPPORT,
            Role.ADMINISTRATOR: people.Profession.ADMINISTRATION,
            Role.RESEARCHER: people.Profession.RESEARCH,
        }
        staff = bulk_create_with_history(
            [
                people.StaffMember(
                    user=user, organisation=org, team=team, profession=profession[Role(user.role)]
                )
                for user, team in zip(users, staff_team, strict=True)
            ],
            people.StaffMember,
            batch_size=batch,
            default_date=now,
        )
        coordinators: dict[int, list[Any]] = {team.pk: [] for team in teams}
        clinicians: dict[int, list[Any]] = {team.pk: [] for team in teams}
        for member, user in zip(staff, users, strict=True):
            if member.team_id is None:
                continue
            if user.role == Role.CARE_COORDINATOR:
                coordinators[member.team_id].append(member)
            elif user.role in {Role.CLINICIAN, Role.PEER_SUPPORT_WORKER, Role.TEAM_MANAGER}:
                clinicians[member.team_id].append(member)

        # People: spread evenly over the teams; a few restricted records.
        numbers = nhs_numbers(args.people)
        persons = []
        for index in range(args.people):
            given = rng.choice(GIVEN_NAMES)
            restricted = rng.random() < 0.005
            persons.append(
                people.Person(
                    organisation=org,
                    team=teams[index % TEAMS],
                    given_name=given,
                    family_name=rng.choice(FAMILY_NAMES),
                    preferred_name=given[:3] if rng.random() < 0.1 else "",
                    pronouns=rng.choice(("she/her", "he/him", "they/them", "")),
                    date_of_birth=date(
                        1940 + rng.randrange(65), rng.randrange(1, 13), rng.randrange(1, 29)
                    ),
                    nhs_number=numbers[index],
                    phone=f"07700 900{rng.randrange(100, 999)}",
                    communication_needs=rng.choice(
                        ("", "", "", "Prefers written information after appointments.")
                    ),
                    created_at=now - timedelta(days=rng.randrange(30, 3000)),
                    restricted_at=now if restricted else None,
                    restricted_reason="Benchmark restriction" if restricted else "",
                )
            )
        persons = bulk_create_with_history(
            persons, people.Person, batch_size=batch, default_date=now
        )

        # Care team memberships: a chain of coordinator spells per person (the last one current
        # for most people) and, for about half of them, a clinician in the care team.
        memberships = []
        for person in persons:
            team_coordinators = coordinators[person.team_id]
            spells = rng.randint(1, 5)
            start = today - timedelta(days=rng.randrange(60 + 200 * spells, 400 + 400 * spells))
            for spell in range(spells):
                last = spell == spells - 1
                if last:
                    ended = (
                        None
                        if rng.random() < 0.95
                        else start + timedelta(days=rng.randrange(10, 40))
                    )
                else:
                    ended = start + timedelta(days=rng.randrange(60, 400))
                memberships.append(
                    people.CareTeamMembership(
                        person=person,
                        staff=rng.choice(team_coordinators),
                        is_coordinator=True,
                        started_on=start,
                        ended_on=ended,
                        end_reason=""
                        if ended is None
                        else rng.choice(
                            (
                                "Moved team",
                                "Left the trust",
                                "Person's choice",
                                "Caseload balancing",
                            )
                        ),
                    )
                )
                if ended is not None:
                    start = ended + timedelta(days=rng.choice((0, 0, 1, 14)))
            if rng.random() < 0.5:
                memberships.append(
                    people.CareTeamMembership(
                        person=person,
                        staff=rng.choice(clinicians[person.team_id]),
                        is_coordinator=False,
                        started_on=today - timedelta(days=rng.randrange(30, 900)),
                    )
                )
        memberships = bulk_create_with_history(
            memberships, people.CareTeamMembership, batch_size=batch, default_date=now
        )

        supporters = []
        for person in persons:
            for _ in range(rng.choice((0, 1, 1, 2))):
                supporters.append(
                    people.Supporter(
                        person=person,
                        given_name=rng.choice(GIVEN_NAMES),
                        family_name=person.family_name,
                        kind=rng.choice(people.SupporterKind.values),
                        relationship=rng.choice(
                            ("my mum", "my partner", "my friend", "my brother")
                        ),
                        is_identified_carer=rng.random() < 0.3,
                    )
                )
        supporters = bulk_create_with_history(
            supporters, people.Supporter, batch_size=batch, default_date=now
        )

        history_models = [
            people.CareTeamMembership,
            people.Person.history.model,
            people.CareTeamMembership.history.model,
            people.Supporter.history.model,
            people.StaffMember.history.model,
            people.Team.history.model,
        ]
        so_far = sum(model.objects.count() for model in history_models)  # type: ignore[attr-defined]
        # Audit rows make up the rest of the history, at least one per person.
        audit_rows = max(args.history - so_far, args.people)
        clinical = [
            (user, member)
            for user, member in zip(users, staff, strict=True)
            if member.team_id is not None
        ]
        by_team: dict[int, list[Any]] = {}
        for person in persons:
            by_team.setdefault(person.team_id, []).append(person)
        entries = []
        for _ in range(audit_rows):
            user, member = rng.choice(clinical)
            person = rng.choice(by_team[member.team_id])
            entries.append(
                AuditEntry(
                    at=now - timedelta(minutes=rng.randrange(1, 60 * 24 * 365)),
                    actor=user,
                    actor_role=user.role,
                    action=rng.choice((AuditAction.READ, AuditAction.SEARCH)),
                    object_type="person",
                    object_id=str(person.pk),
                    person=person,
                    request_id=f"{rng.getrandbits(128):032x}",
                )
            )
        AuditEntry.objects.bulk_create(entries, batch_size=batch)
        del entries

    coordinator_user = next(
        user
        for user, member in zip(users, staff, strict=True)
        if user.role == Role.CARE_COORDINATOR and member.team_id == teams[0].pk
    )
    team_people = [
        person
        for person in persons
        if person.team_id == teams[0].pk and person.restricted_at is None
    ]
    organisation = Organisation(
        coordinator_username=coordinator_user.username,
        team_person_ids=[str(person.pk) for person in team_people],
        team_family_names=sorted({person.family_name for person in team_people}),
    )
    organisation.history_rows = so_far + audit_rows
    organisation.seconds = time.perf_counter() - started
    return organisation


def count_rows() -> dict[str, int]:
    """Rows in every non-empty table of the database."""
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = cursor.fetchone()[0]
            if rows:
                counts[table] = rows
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


@dataclass
class Timing:
    page: str
    times_ms: list[float]
    queries: list[int]
    sql_ms: list[float]
    commit_ms: list[float]
    cpu_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.times_ms, n=100, method="inclusive")[94]

    @property
    def queries_text(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}–{high}"


@dataclass
class Page:
    name: str
    url_for: Callable[[int], str]
    marker: str


def sql_ms(captured: list[dict[str, Any]], *, only_commits: bool = False) -> float:
    return 1000 * sum(
        float(query["time"]) for query in captured if not only_commits or query["sql"] == "COMMIT"
    )


def time_pages(client: Any, pages: list[Page], requests: int, warmup: int = WARMUP) -> list[Timing]:
    """Warm up, count queries on 10 requests per page, then time ``requests`` per page.

    The timed requests take the pages in turn, so a burst of load from elsewhere on a shared
    machine falls on every page alike rather than on whichever page was being timed.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = [Timing(page.name, [], [], [], [], []) for page in pages]
    for index in range(warmup):
        for page in pages:
            client.get(page.url_for(index))
    for index in range(warmup, warmup + 10):
        for page, timing in zip(pages, timings, strict=True):
            url = page.url_for(index)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200 or page.marker not in response.content.decode(
                errors="replace"
            ):
                raise SystemExit(f"{page.name}: unexpected {response.status_code} for {url}")
            timing.queries.append(len(captured.captured_queries))
            timing.sql_ms.append(sql_ms(captured.captured_queries))
            timing.commit_ms.append(sql_ms(captured.captured_queries, only_commits=True))
    # Timed without the query log, which would add its own overhead.
    gc.collect()
    for index in range(warmup + 10, warmup + 10 + requests):
        for page, timing in zip(pages, timings, strict=True):
            url = page.url_for(index)
            begin, begin_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timing.times_ms.append(1000 * (time.perf_counter() - begin))
            timing.cpu_ms.append(1000 * (time.process_time() - begin_cpu))
            if response.status_code != 200:
                raise SystemExit(f"{page.name}: status {response.status_code} for {url}")
    return timings


def machine() -> str:
    cpu = "unknown CPU"
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}){memory}"


def database_server() -> str:
    """The engine, its version and the settings that decide what a commit costs."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[cursor.fetchone()[0]]
            version = cursor.connection.execute("SELECT sqlite_version()").fetchone()[0]
            return f"SQLite {version}, journal_mode={journal}, synchronous={synchronous}"
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        synchronous = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
        return (
            f"PostgreSQL {version}, synchronous_commit={synchronous}, shared_buffers={buffers}, "
            "one connection per process"
        )


def render(
    args: argparse.Namespace,
    label: str,
    description: str,
    organisation: Organisation,
    timings: list[Timing],
    server: str,
    load: str,
) -> str:
    lines = [
        f"### Web pages on {label}",
        "",
        f"- When: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {machine()}; "
        f"{load}",
        f"- Database: {server}; {description}",
        f"- Data: {args.people:,} people, {args.staff:,} staff in {TEAMS} teams, "
        f"{organisation.history_rows:,} history rows (coordinator spells, care team memberships, "
        f"historical rows, audit entries); loaded in {organisation.seconds:.1f} s",
        f"- Logged in as a care coordinator whose team has {len(organisation.team_person_ids):,} "
        f"people; {args.requests} timed requests per page, taking the pages in turn, after "
        f"{WARMUP} warm-up requests; in-process Django test client, DEBUG off",
        "- Queries and SQL time are from 10 further requests per page with the query log on "
        "(Django logs BEGIN and COMMIT as queries; its timer has 1 ms resolution); Python CPU "
        "is this process's CPU time per timed request, not the database server's",
        "",
        "| Page | Median (ms) | p95 (ms) | Queries per request "
        "| SQL incl. commits, median (ms) | of which commits (ms) | Python CPU, median (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for timing in timings:
        lines.append(
            f"| {timing.page} | {timing.median:.1f} | {timing.p95:.1f} | {timing.queries_text} "
            f"| {statistics.median(timing.sql_ms):.1f} | {statistics.median(timing.commit_ms):.1f} "
            f"| {statistics.median(timing.cpu_ms):.1f} |"
        )
    over = [timing.page for timing in timings if timing.p95 > TARGET_P95_MS]
    lines += [
        "",
        f"Target p95 under {TARGET_P95_MS:.0f} ms: "
        + ("met." if not over else "NOT met for " + "; ".join(over) + "."),
        "",
        "Rows in the database (after the run):",
        "",
        "| Table | Rows |",
        "|---|---:|",
    ]
    lines += [f"| {table} | {rows:,} |" for table, rows in organisation.counts.items()]
    return "\n".join(lines) + "\n"


def use_wal(sender: Any, connection: Any, **kwargs: Any) -> None:
    """The ``--sqlite-journal wal`` variant: set on every new SQLite connection."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")


def run_one(args: argparse.Namespace) -> int:
    label = args.database
    if args.database == "sqlite" and args.sqlite_journal == "wal":
        label = "sqlite-wal"
    workdir = Path(tempfile.mkdtemp(prefix=f"ourplan-bench-{label}-"))
    try:
        return measure(args, label, workdir)
    finally:
        if not args.keep_database:
            shutil.rmtree(workdir, ignore_errors=True)


def measure(args: argparse.Namespace, label: str, workdir: Path) -> int:
    """Create, load and time one database; write its report."""
    description = configure_environment(args, workdir)
    sys.path.insert(0, str(ROOT / "src"))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.backends.signals import connection_created
    from django.test import Client
    from django.test.utils import override_settings

    # Cheap password hashes for 500 staff, in this process only.
    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
    if label == "sqlite-wal":
        connection_created.connect(use_wal)
    from ourplan.accounts.models import User

    print(f"[{label}] migrating {description}", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    print(
        f"[{label}] generating {args.people:,} people, {args.staff:,} staff, "
        f"at least {args.history:,} history rows",
        flush=True,
    )
    if connection.vendor == "sqlite":
        # Loading only: no fsync per spilled page. The timed requests use a new connection
        # with the settings' defaults.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")
    organisation = generate(args)
    connection.close()
    print(f"[{label}] generated in {organisation.seconds:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        # What autovacuum would do after a bulk load: fresh planner statistics. Then a
        # checkpoint, so the timed requests do not pay for writing out the load.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
    # Flush the load's dirty pages: otherwise the first commits' fsyncs write them out.
    os.sync()
    server = database_server()

    client = Client()
    client.force_login(User.objects.get(username=organisation.coordinator_username))
    rng = random.Random(SEED + 1)
    needed = args.requests + WARMUP + 10
    person_ids = [rng.choice(organisation.team_person_ids) for _ in range(needed)]
    surnames = [rng.choice(organisation.team_family_names) for _ in range(needed)]
    pages = [
        Page("Caseload, page 1 (`/people/`)", lambda index: "/people/", "nhsuk-table"),
        Page(
            "Caseload search by surname (`/people/?q=…`)",
            lambda index: "/people/?" + urlencode({"q": surnames[index]}),
            "nhsuk-table",
        ),
        Page(
            "Person page (`/people/<uuid>/`)",
            lambda index: f"/people/{person_ids[index]}/",
            "Care coordination",
        ),
    ]
    print(f"[{label}] timing {len(pages)} pages, {args.requests} requests each", flush=True)
    load_before = os.getloadavg()[0]
    timings = time_pages(client, pages, args.requests)
    load = (
        f"load average {load_before:.1f} before the timed requests, {os.getloadavg()[0]:.1f} after"
    )
    organisation.counts = count_rows()
    report = render(args, label, description, organisation, timings, server, load)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"web-{label}.md").write_text(report)
    print()
    print(report)
    connection.close()
    if args.keep_database:
        print(f"[{label}] kept {description}")
    elif args.database == "postgres":
        recreate_postgres_database(args.postgres_url, create=False)
    return 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.database == "both":
        return run_children(args)
    return run_one(args)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
