"""The dashboard: the share of Yes per item per team and organisation, and by quarter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from ourplan.plans.models import PlanVersion
from ourplan.quality import dashboard
from tests.factories import make_person
from tests.quality.quality_builders import reviewed_plan


def test_share_of_yes_per_item_by_team_and_quarter(standing: Any, client_for: Any) -> None:
    first = reviewed_plan(standing.person, standing.coordinator, person_attended=True)
    other = make_person(standing.team, "8100000001", given="Cy")
    reviewed_plan(other, standing.coordinator, person_attended=False)
    west = reviewed_plan(
        standing.other_person, standing.other_team_coordinator, person_attended=True
    )
    # The first person's version is from two quarters ago: it counts in that quarter's trend.
    PlanVersion.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=200))
    found = dashboard.board([standing.team, standing.other_team])
    east_row, west_row = found["teams"]
    assert east_row["plans"] == 2
    assert east_row["shares"]["person_at_review"].yes == 1
    assert east_row["shares"]["person_at_review"].percent == 50
    assert west_row["shares"]["person_at_review"].percent == 100
    assert found["all"]["shares"]["person_at_review"].decided == 3
    assert found["all"]["shares"]["system_based_goals"].percent == 100  # all treatment goals
    assert len(found["trend"]) == 2
    assert [q["plans"] for q in found["trend"]] == [1, 2]
    assert west.pk
    # Front-page figures: no contacts and no agreed frequency, so every plan is unclear; no
    # CPA/CTP dates recorded.
    assert {v: n for v, _label, n in found["frequencies"]}["unclear"] == 3
    assert found["median_months_on_cpa"] is None and found["months_unclear"] == 3
    page = client_for(standing.manager).get(reverse("quality:dashboard"))
    assert page.status_code == 200
    assert "50%" in page.content.decode()


def test_the_board_counts_the_same_in_every_language_and_leaves_the_language_as_it_was(
    standing: Any,
) -> None:
    from django.utils import translation

    reviewed_plan(standing.person, standing.coordinator, person_attended=True)
    reviewed_plan(standing.other_person, standing.other_team_coordinator, person_attended=False)

    def figures() -> Any:
        found = dashboard.board([standing.team, standing.other_team])
        return {k: (s.yes, s.decided) for k, s in found["all"]["shares"].items()}, found[
            "frequencies"
        ][0][2]

    with translation.override("en-gb"):
        english = figures()
    with translation.override("cy"):
        welsh = figures()
        assert translation.get_language() == "cy"
    assert welsh == english
    assert english[0]["person_at_review"] == (1, 2)
