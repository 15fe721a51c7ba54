"""Drawing a sample: stratified by team, reproducible from its seed, bad input refused."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ourplan.accounts.models import Role
from ourplan.people.models import CareTeamMembership
from ourplan.quality import services
from ourplan.quality.models import AuditSample, SampledPlan
from tests.factories import make_person, make_staff
from tests.quality.quality_builders import draw, reviewed_plan

# Records made with objects.create skip the NHS number check; these only need to be unique.
NHS = [f"80000000{i:02d}" for i in range(20)]


def _caseload(standing: Any, count: int, team: Any = None) -> list[Any]:
    team = team or standing.team
    coordinator = standing.coordinator if team == standing.team else standing.other_team_coordinator
    people = []
    for i in range(count):
        person = make_person(team, NHS[i + (0 if team == standing.team else 4)], given=f"P{i}")
        reviewed_plan(person, coordinator)
        people.append(person)
    return people


def test_the_same_seed_draws_the_same_plans_and_another_seed_may_not(standing: Any) -> None:
    _caseload(standing, 4)
    first = draw(standing.manager, [standing.team], standing.clinician, size=2, seed=11)
    again = draw(standing.manager, [standing.team], standing.clinician, size=2, seed=11)
    picked = [e.person_id for e in first.entries.all()]
    assert picked == [e.person_id for e in again.entries.all()]
    others = {
        tuple(
            e.person_id
            for e in draw(
                standing.manager, [standing.team], standing.clinician, size=2, seed=s
            ).entries.all()
        )
        for s in range(12, 20)
    }
    assert len(others) > 1  # the seed matters
    assert first.seed == 11


def test_each_team_gives_its_share_and_the_version_under_review_is_the_latest(
    standing: Any,
) -> None:
    _caseload(standing, 3)
    _caseload(standing, 3, standing.other_team)
    standing.organisation.managers_see_whole_organisation = True
    standing.organisation.save()
    sample = draw(
        standing.manager, [standing.team, standing.other_team], standing.clinician, size=2
    )
    entries = list(sample.entries.all())
    assert sorted(e.team_id for e in entries) == sorted(
        [standing.team.pk] * 2 + [standing.other_team.pk] * 2
    )
    for entry in entries:
        assert entry.person.team_id == entry.team_id
        assert entry.version.plan.person_id == entry.person_id
    assert len({e.study_id for e in entries}) == 4


def test_a_sample_larger_than_the_team_is_refused_and_nothing_is_written(standing: Any) -> None:
    _caseload(standing, 2)
    with pytest.raises(ValidationError) as refused:
        draw(standing.manager, [standing.team], standing.clinician, size=3)
    assert "East team has 2 plans" in str(refused.value)
    assert AuditSample.objects.count() == 0
    assert SampledPlan.objects.count() == 0


def test_a_second_auditor_who_is_the_first_is_refused(standing: Any) -> None:
    _caseload(standing, 1)
    with pytest.raises(ValidationError) as refused:
        draw(
            standing.manager,
            [standing.team],
            standing.clinician,
            second_auditor=standing.clinician,
            double_review_percent=50,
        )
    assert "someone other than the first" in str(refused.value)
    assert AuditSample.objects.count() == 0


def test_the_double_reviewed_share_is_drawn_from_the_seed(standing: Any) -> None:
    _caseload(standing, 4)
    sample = draw(
        standing.manager,
        [standing.team],
        standing.clinician,
        size=4,
        second_auditor=standing.other_team_coordinator,
        double_review_percent=50,
    )
    assert sample.entries.filter(double_review=True).count() == 2
    again = draw(
        standing.manager,
        [standing.team],
        standing.clinician,
        size=4,
        second_auditor=standing.other_team_coordinator,
        double_review_percent=50,
    )
    assert [e.double_review for e in sample.entries.all()] == [
        e.double_review for e in again.entries.all()
    ]


def test_people_without_a_signed_off_version_or_with_a_restricted_record_are_not_drawn(
    standing: Any,
) -> None:
    with_plan = _caseload(standing, 1)[0]
    make_person(standing.team, NHS[5], given="NoVersion")
    restricted = _caseload(standing, 1, standing.other_team)[0]
    restricted.team = standing.team
    restricted.restricted_at = restricted.created_at
    restricted.save()
    sample = draw(standing.manager, [standing.team], standing.clinician, size=1)
    assert [e.person_id for e in sample.entries.all()] == [with_plan.pk]
    with pytest.raises(ValidationError):
        draw(standing.manager, [standing.team], standing.clinician, size=2)


def test_draw_entries_is_pure_and_a_teams_draw_ignores_other_teams(standing: Any) -> None:
    east = [(f"e{i}", i) for i in range(10)]
    west = [(f"w{i}", 100 + i) for i in range(10)]
    alone = services.draw_entries({standing.team: east}, 3, 99, 0)
    both = services.draw_entries({standing.team: east, standing.other_team: west}, 3, 99, 0)
    assert [r[1] for r in alone] == [r[1] for r in both if r[0] == standing.team]


def test_the_closing_date_cannot_be_past(standing: Any) -> None:
    _caseload(standing, 1)
    with pytest.raises(ValidationError):
        draw(
            standing.manager,
            [standing.team],
            standing.clinician,
            closes_on=date.today() - timedelta(days=1),
        )
    assert not AuditSample.objects.exists()
    assert CareTeamMembership.objects.exists()
    assert make_staff("peer", Role.PEER_SUPPORT_WORKER, standing.organisation, standing.team)
