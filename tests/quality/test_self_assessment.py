"""The organisational recovery self-assessment: ratings side by side, priorities, actions
with owners, Plan–Do–Study–Act cycles, and progress over time."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ourplan.quality import self_assessment as service
from ourplan.quality.challenges import CHALLENGE_KEYS, CHALLENGES, Progress
from ourplan.quality.models import ChallengeRating, ImprovementAction


def _start(standing: Any, held_on: date = date(2026, 3, 1)) -> Any:
    return service.assessment_start(
        actor=standing.manager, organisation=standing.organisation, title="Spring", held_on=held_on
    )


def test_ten_challenges_and_a_five_point_scale_in_our_own_words() -> None:
    assert len(CHALLENGES) == 10
    assert CHALLENGE_KEYS[0] == "interactions" and CHALLENGE_KEYS[-1] == "life_beyond_illness"
    assert Progress.values == [1, 2, 3, 4, 5]
    personalisation = next(c for c in CHALLENGES if c.key == "personalisation")
    assert "personal_budget" in personalisation.audit_items


def test_each_groups_ratings_are_shown_side_by_side(standing: Any, client_for: Any) -> None:
    found = _start(standing)
    service.ratings_record(
        actor=standing.manager,
        assessment=found,
        group="staff",
        ratings=dict.fromkeys(CHALLENGE_KEYS, 4),
    )
    service.ratings_record(
        actor=standing.manager,
        assessment=found,
        group="people",
        ratings=dict.fromkeys(CHALLENGE_KEYS, 2),
    )
    rows = service.side_by_side(found)
    first = rows[0]["ratings"]
    assert [r.rating if r else None for r in first] == [4, 2, None]
    page = client_for(standing.manager).get(reverse("quality:assessment", args=[found.pk]))
    assert page.status_code == 200
    assert "People using the service" in page.content.decode()


def test_a_rating_off_the_scale_is_refused_and_nothing_is_written(standing: Any) -> None:
    found = _start(standing)
    with pytest.raises(ValidationError):
        service.ratings_record(
            actor=standing.manager,
            assessment=found,
            group="carers",
            ratings=dict.fromkeys(CHALLENGE_KEYS, 4) | {"risk": 9},
        )
    assert not ChallengeRating.objects.exists()


def test_an_action_without_an_owner_is_refused_with_a_clear_message(
    standing: Any, client_for: Any
) -> None:
    found = _start(standing)
    with pytest.raises(ValidationError) as refused:
        service.action_add(
            actor=standing.manager,
            assessment=found,
            challenge="personalisation",
            text="Offer budgets",
            owner=None,
            due_on=date(2026, 9, 1),
        )
    assert "every action needs an owner" in str(refused.value)
    page = client_for(standing.manager).post(
        reverse("quality:action_new", args=[found.pk]),
        {
            "challenge": "personalisation",
            "text": "Offer budgets",
            "owner": "",
            "due_on": "2026-09-01",
            "submission_key": "00000000-0000-4000-8000-000000000003",
        },
    )
    assert page.status_code == 200
    assert "every action needs an owner" in page.content.decode()
    assert not ImprovementAction.objects.exists()


def test_an_action_linked_to_an_audit_item_then_a_pdsa_cycle(standing: Any) -> None:
    found = _start(standing)
    service.priorities_set(actor=standing.manager, assessment=found, challenges=["personalisation"])
    action = service.action_add(
        actor=standing.manager,
        assessment=found,
        challenge="personalisation",
        text="Offer budgets at every review",
        owner=standing.coordinator.staff_member,
        due_on=date(2026, 9, 1),
        audit_item="personal_budget",
    )
    cycle = service.cycle_add(
        actor=standing.manager,
        action=action,
        plan="Ask at five reviews",
        started_on=date(2026, 4, 1),
        study="Two people took one up",
    )
    assert cycle.action.audit_item == "personal_budget"
    assert [r["priority"] for r in service.side_by_side(found)].count(True) == 1
    with pytest.raises(ValidationError):
        service.action_add(
            actor=standing.manager,
            assessment=found,
            challenge="personalisation",
            text="x",
            owner=standing.coordinator.staff_member,
            due_on=date(2026, 9, 1),
            audit_item="not_an_item",
        )


def test_progress_over_time_shows_each_assessments_mean(standing: Any, client_for: Any) -> None:
    first = _start(standing, date(2026, 1, 1))
    second = _start(standing, date(2026, 7, 1))
    for assessment, staff, people in ((first, 2, 1), (second, 4, 3)):
        service.ratings_record(
            actor=standing.manager,
            assessment=assessment,
            group="staff",
            ratings=dict.fromkeys(CHALLENGE_KEYS, staff),
        )
        service.ratings_record(
            actor=standing.manager,
            assessment=assessment,
            group="people",
            ratings=dict.fromkeys(CHALLENGE_KEYS, people),
        )
    rows = service.progress_over_time(standing.organisation.pk)
    assert [row["means"][0] for row in rows] == [1.5, 3.5]
    page = client_for(standing.manager).get(reverse("quality:assessments"))
    assert "3.5" in page.content.decode()
