"""Care plan quality benchmark: the automatic audit of 20,000 plans, and the dashboard.

Usage::

    .venv/bin/python bench/bench_quality.py [--plans 20000] [--requests 30]

A fresh SQLite file gets one organisation with teams of 500 people, each with a plan and
one signed version whose snapshot varies at random (goals in different life areas and
voices, steps, strengths, risks, a crisis plan and a review), spread over two years.
Then: (1) the automatic audit of every version, timed as the batched facts (a fixed
number of queries) plus the pure rules; (2) the manager's dashboard for one team of 500,
through Django's test client, median and p95. The table is printed and written to
``bench/results/quality-sqlite.md``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_web import RESULTS_DIR, ROOT, configure_environment, machine, nhs_numbers

TEAM_SIZE = 500
SEED = 20261201
AREAS = (
    "accommodation",
    "education_training",
    "finance_money",
    "medical_treatment",
    "parenting_caring",
    "personal_care_wellbeing",
    "social_cultural_spiritual",
    "work_occupation",
)
VOICES = ("own", "staff", "as_said", "together")


def _words(rng: random.Random) -> dict[str, Any]:
    voice = rng.choice(VOICES)
    confirmed = "2026-01-01T10:00:00+00:00" if rng.random() < 0.6 else ""
    return {
        "voice": voice,
        "by_name": "X",
        "by_role": "care_coordinator",
        "confirmed_at": confirmed,
    }


def snapshot(rng: random.Random, index: int) -> dict[str, Any]:
    goals = []
    for g in range(rng.randint(0, 5)):
        goals.append(
            {
                "id": index * 10 + g,
                "text": f"Goal {g}",
                "words": _words(rng),
                "ctp_area": rng.choice(AREAS),
                "strengths": ["kind"] if rng.random() < 0.4 else [],
                "steps": [
                    {"owner": rng.choice(("me", "coordinator", "supporter")), "status": "to_do"}
                    for _ in range(rng.randint(0, 3))
                ],
            }
        )
    crisis_words = {"what_helps": _words(rng)} if rng.random() < 0.7 else {}
    return {
        "about_me": {"what_matters": "x"} if rng.random() < 0.8 else {},
        "about_me_words": {"what_matters": _words(rng)},
        "goals": goals,
        "staying_well": {"early_signs": "x"},
        "staying_well_words": {"early_signs": _words(rng)},
        "crisis": {"what_helps": "x" if crisis_words else "", "advance_statement": "x"},
        "crisis_words": crisis_words,
        "advance": {"signed": rng.random() < 0.3},
        "personal_safety": {"coping_steps": "x" if rng.random() < 0.5 else ""},
        "contacts": [],
        "safety": [{"person_view": "x" if rng.random() < 0.5 else ""}],
        "needs": [{"ctp_area": rng.choice(AREAS), "personal_budget": rng.random() < 0.2}],
        "risks": [{"kind": "risk", "person_view": "x" if rng.random() < 0.6 else ""}],
        "review": None
        if rng.random() < 0.1
        else {
            "id": None,
            "person_attended": rng.random() < 0.7,
            "advocate": "",
            "next_review_on": "2027-01-01",
            "contact_frequency": rng.choice(("weekly", "fortnightly", "monthly")),
        },
    }


def generate(plans: int) -> dict[str, Any]:
    from django.utils import timezone
    from tests.factories import make_staff

    from ourplan.accounts.models import Role
    from ourplan.people.models import Country, Organisation, Person, Team
    from ourplan.plans.models import Plan, PlanVersion

    rng = random.Random(SEED)
    organisation = Organisation.objects.create(
        name="Bench Trust", code="BQ1", country=Country.ENGLAND
    )
    teams = [
        Team.objects.create(organisation=organisation, name=f"Team {i + 1}")
        for i in range((plans + TEAM_SIZE - 1) // TEAM_SIZE)
    ]
    manager = make_staff("benchmanager", Role.TEAM_MANAGER, organisation, teams[0])
    numbers = nhs_numbers(plans)
    people = Person.objects.bulk_create(
        Person(
            organisation=organisation,
            team=teams[i // TEAM_SIZE],
            given_name=f"P{i}",
            family_name="Bench",
            date_of_birth=date(1970 + i % 40, 1 + i % 12, 1 + i % 28),
            nhs_number=numbers[i],
            care_programme_from=date(2020, 1, 1) if i % 3 else None,
        )
        for i in range(plans)
    )
    plan_rows = Plan.objects.bulk_create(Plan(person=p, started_by=manager) for p in people)
    now = timezone.now()
    versions = []
    for i, plan in enumerate(plan_rows):
        made = now - timedelta(days=rng.randint(0, 730))
        versions.append(
            PlanVersion(
                plan=plan,
                number=1,
                snapshot=snapshot(rng, i),
                created_by=manager,
                created_at=made,
                person_signed_at=made if rng.random() < 0.6 else None,
                coordinator_signed_at=made if rng.random() < 0.8 else None,
                copy_given="pdf" if rng.random() < 0.5 else "",
            )
        )
    PlanVersion.objects.bulk_create(versions, batch_size=2000)
    return {"manager": manager, "teams": teams}


def measure(args: argparse.Namespace, workdir: Path) -> int:
    args.database = "sqlite"
    description = configure_environment(args, workdir)
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous = OFF")
    started = time.perf_counter()
    made = generate(args.plans)
    generated = time.perf_counter() - started

    from tests.conftest import logged_in_client

    from ourplan.plans.models import PlanVersion
    from ourplan.quality import queries, rules

    started = time.perf_counter()
    versions = list(PlanVersion.objects.select_related("plan__person"))
    facts = queries.facts_for_many(versions)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    findings = [rules.audit(f) for f in facts.values()]
    ruled = time.perf_counter() - started
    assert len(findings) == args.plans

    client = logged_in_client(made["manager"])
    timings = []
    for _ in range(args.requests):
        started = time.perf_counter()
        response = client.get("/quality/dashboard/")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    table = "\n".join(
        [
            f"# Care plan quality benchmark ({datetime.now():%Y-%m-%d})",
            "",
            f"{machine()}; {description}; {args.plans} plans in teams of {TEAM_SIZE} "
            f"(generated in {generated:.1f} s).",
            "",
            "| What | Result |",
            "|---|---|",
            f"| Automatic audit of {args.plans} versions: facts loaded (batched) | {loaded:.2f} s |",
            f"| Automatic audit of {args.plans} versions: the 25 rules | {ruled:.2f} s |",
            f"| Automatic audit of {args.plans} versions: total | {loaded + ruled:.2f} s (target < 60 s) |",
            f"| Dashboard, one team of {TEAM_SIZE}, {args.requests} requests: median | "
            f"{1000 * statistics.median(timings):.0f} ms |",
            f"| Dashboard, one team of {TEAM_SIZE}: p95 | {1000 * p95:.0f} ms (target < 150 ms) |",
            "",
        ]
    )
    print(table)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "quality-sqlite.md").write_text(table, encoding="utf-8")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--plans", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="ourplan-bench-quality-"))
    try:
        return measure(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
