"""The automatic audit across a team or the organisation: the share of Yes per item, and
its trend by quarter. De-identified counts only.

For each person, the latest version in each quarter is audited; the current figures use
each person's latest version overall.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone, translation

from ourplan.people.models import Team
from ourplan.plans.models import PlanVersion
from ourplan.quality import queries, rules
from ourplan.quality.template import CONTENT, FRONT_PAGE, Answer, Frequency, Item

QUARTERS_SHOWN = 8


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


@dataclass(frozen=True)
class Share:
    yes: int
    decided: int  # answered Yes or No

    @property
    def percent(self) -> int | None:
        return round(100 * self.yes / self.decided) if self.decided else None


def _shares(answer_sets: list[dict[str, str]], items: tuple[Item, ...]) -> dict[str, Share]:
    found = {}
    for item in items:
        answers = [a[item.key] for a in answer_sets]
        yes = sum(1 for a in answers if a == Answer.YES)
        no = sum(1 for a in answers if a == Answer.NO)
        found[item.key] = Share(yes, yes + no)
    return found


def board(teams: list[Team], today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    items = tuple(i for i in (*FRONT_PAGE, *CONTENT) if i.key != "contact_frequency")
    versions = (
        PlanVersion.objects.filter(
            plan__person__team__in=teams, plan__person__restricted_at__isnull=True
        )
        .select_related("plan__person")
        .order_by("created_at", "pk")
    )
    latest: dict[Any, PlanVersion] = {}
    by_quarter: dict[tuple[int, int], dict[Any, PlanVersion]] = {}
    for version in versions:
        person_id = version.plan.person_id
        latest[person_id] = version
        by_quarter.setdefault(quarter_of(timezone.localdate(version.created_at)), {})[person_id] = (
            version
        )
    wanted = {v.pk: v for v in latest.values()}
    for quarter in by_quarter.values():
        wanted.update((v.pk, v) for v in quarter.values())
    # One batch of queries for every version shown, then pure rules.
    facts = queries.facts_for_many(list(wanted.values()), today)
    # The board shows answers only, never reasons, and an answer does not depend on the
    # language; with translation off the rules skip the time spent looking reasons up
    # (median 232 ms to about 170 ms for a team of 500 in bench/bench_quality.py).
    with translation.override(None):
        answers = {
            pk: {k: str(f.answer) for k, f in rules.audit(found).items()}
            for pk, found in facts.items()
        }

    def answers_of(version: PlanVersion) -> dict[str, str]:
        return answers[version.pk]

    team_rows = []
    for team in teams:
        current = [answers_of(v) for v in latest.values() if v.plan.person.team_id == team.pk]
        team_rows.append({"team": team, "plans": len(current), "shares": _shares(current, items)})
    everyone = [answers_of(v) for v in latest.values()]
    months = [rules.months_on_cpa(facts[v.pk])[0] for v in latest.values()]
    known = sorted(m for m in months if m is not None)
    frequencies = [
        (value, label, sum(1 for a in everyone if a["contact_frequency"] == value))
        for value, label in Frequency.choices
    ]
    quarters = sorted(by_quarter)[-QUARTERS_SHOWN:]
    trend = [
        {
            "label": f"{year} Q{quarter}",
            "plans": len(by_quarter[(year, quarter)]),
            "shares": _shares([answers_of(v) for v in by_quarter[(year, quarter)].values()], items),
        }
        for year, quarter in quarters
    ]
    return {
        "items": items,
        "teams": team_rows,
        "all": {"plans": len(everyone), "shares": _shares(everyone, items)},
        "trend": trend,
        "frequencies": frequencies,
        "median_months_on_cpa": statistics.median(known) if known else None,
        "months_unclear": len(months) - len(known),
    }
