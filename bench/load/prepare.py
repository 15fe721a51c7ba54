"""Prepare a database that has the demo data for the load test, and list the logins to use.

Run with the app's environment (DATABASE_URL, OURPLAN_DATA_DIR) after `ourplan demo`:

    .venv/bin/python bench/load/prepare.py --logins bench/results/load-logins.json

It gives every demo person without a login one (``loadperson01``, ``loadperson02``, ...,
with the demo password), so that simulated people edit their own plans rather than all
sharing two logins; uploads one de-identified data set for the researchers; and writes the
logins per journey as JSON for bench/load/locustfile.py. Safe to repeat. Only for scratch
databases: it adds logins with a published password.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

DATASET_NAME = "Load test: wellbeing survey (synthetic)"


def _synthetic_survey(rows: int = 600) -> bytes:
    """Invented, de-identified answers from six sites: no person in it exists."""
    rng = random.Random(20261201)
    lines = ["site,wellbeing,hope,age"]
    for index in range(rows):
        site = f"Site {index % 6 + 1}"
        wellbeing = 40 + (index % 6) * 2 + rng.gauss(0, 8)
        hope = 0.5 * wellbeing + rng.gauss(0, 5)
        lines.append(f"{site},{wellbeing:.1f},{hope:.1f},{rng.randrange(18, 80)}")
    return ("\n".join(lines) + "\n").encode()


def prepare() -> dict[str, list[str]]:
    from django.db import transaction

    from ourplan.accounts.models import Role, User
    from ourplan.people.models import Person
    from ourplan.research.models import Dataset
    from ourplan.research.services import dataset_upload

    template = User.objects.filter(username="person").first()
    if template is None:
        raise SystemExit("No demo data here: run `ourplan demo` first.")
    with transaction.atomic():
        people = Person.objects.filter(user__isnull=True).order_by(
            "organisation__code", "nhs_number"
        )
        for number, person in enumerate(people, start=1):
            username = f"loadperson{number:02d}"
            while User.objects.filter(username=username).exists():
                number += 100
                username = f"loadperson{number:02d}"
            # The demo password's hash, copied: hashing it 40 times would take half a minute.
            user = User.objects.create(
                username=username,
                first_name=person.given_name,
                last_name=person.family_name,
                role=Role.SERVICE_USER,
                password=template.password,
            )
            person.user = user
            person.save(update_fields=["user"])
    researcher = User.objects.get(username="researcher")
    if not Dataset.objects.filter(name=DATASET_NAME).exists():
        dataset_upload(
            actor=researcher,
            organisation=researcher.staff_member.organisation,
            name=DATASET_NAME,
            filename="wellbeing.csv",
            raw=_synthetic_survey(),
        )
    people_logins = list(
        Person.objects.filter(user__isnull=False)
        .order_by("organisation__code", "nhs_number")
        .values_list("user__username", flat=True)
    )
    coordinators = list(
        User.objects.filter(role=Role.CARE_COORDINATOR, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)
    )
    return {
        "coordinators": coordinators,
        "people": people_logins,
        "supporters": ["supporter", "supporter.cy"],
        "researchers": ["researcher"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logins", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplan.config.settings")
    import django

    django.setup()
    logins = prepare()
    args.logins.parent.mkdir(parents=True, exist_ok=True)
    args.logins.write_text(json.dumps(logins, indent=2))
    print(
        f"Logins: {len(logins['coordinators'])} care coordinators, {len(logins['people'])} "
        f"people, {len(logins['supporters'])} supporters, {len(logins['researchers'])} researcher."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
