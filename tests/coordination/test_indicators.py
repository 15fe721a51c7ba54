"""Each stuck indicator at its boundaries, from plain facts (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from ourplan.coordination import indicators
from ourplan.coordination.indicators import PlanFacts, Thresholds, months_before, stuck_indicators

TODAY = date(2026, 12, 1)
T = Thresholds(no_progress_weeks=12, unsigned_weeks=4, new_plan_weeks=4, goals_unchanged_months=12)

# A plan that is doing fine: nothing should show.
HEALTHY = PlanFacts(
    has_plan=True,
    plan_started_on=TODAY - timedelta(days=400),
    active_goals=2,
    goals=3,
    newest_active_goal_on=TODAY - timedelta(days=200),
    last_active_rating_on=TODAY - timedelta(days=10),
    last_goal_change_on=TODAY - timedelta(days=30),
    strengths=3,
    next_review_on=TODAY + timedelta(days=60),
    version_created_on=TODAY - timedelta(days=100),
    version_person_answered=True,
    version_coordinator_signed=True,
    in_services_since=TODAY - timedelta(days=900),
)


def codes(facts: PlanFacts, today: date = TODAY, thresholds: Thresholds = T) -> list[str]:
    return [i.code for i in stuck_indicators(facts, today, thresholds)]


def test_a_healthy_plan_shows_nothing() -> None:
    assert codes(HEALTHY) == []


def test_no_plan_shows_no_indicator() -> None:
    # "No plan" is a worklist item of its own, not a stuck indicator.
    assert codes(PlanFacts(has_plan=False)) == []


# --- no goals ---


def test_no_goals_waits_out_the_new_plan_weeks() -> None:
    facts = replace(HEALTHY, active_goals=0, goals=0, last_goal_change_on=None)
    started = lambda days: replace(facts, plan_started_on=TODAY - timedelta(days=days))  # noqa: E731
    assert indicators.NO_GOALS not in codes(started(27))
    assert indicators.NO_GOALS in codes(started(28))


def test_no_goals_clears_when_a_goal_is_added() -> None:
    facts = replace(HEALTHY, active_goals=0)
    assert indicators.NO_GOALS in codes(facts)
    assert indicators.NO_GOALS not in codes(replace(facts, active_goals=1))


def test_only_achieved_goals_count_as_no_goal_being_worked_on() -> None:
    assert indicators.NO_GOALS in codes(replace(HEALTHY, active_goals=0, goals=4))


# --- no progress ---


def test_no_progress_boundary_is_more_than_n_weeks() -> None:
    def rated(days: int) -> PlanFacts:
        return replace(
            HEALTHY,
            last_active_rating_on=TODAY - timedelta(days=days),
            newest_active_goal_on=TODAY - timedelta(days=300),
        )

    assert indicators.NO_PROGRESS not in codes(rated(84))  # exactly 12 weeks: not yet
    assert indicators.NO_PROGRESS in codes(rated(85))


def test_a_goal_added_today_is_never_stuck() -> None:
    """The old "stuck" flag marked a plan stuck the day a goal was added: this must not."""
    facts = replace(
        HEALTHY, newest_active_goal_on=TODAY, last_active_rating_on=None, active_goals=1
    )
    assert indicators.NO_PROGRESS not in codes(facts)


def test_an_unrated_goal_becomes_stuck_only_after_n_weeks() -> None:
    def added(days: int) -> PlanFacts:
        return replace(
            HEALTHY, newest_active_goal_on=TODAY - timedelta(days=days), last_active_rating_on=None
        )

    assert indicators.NO_PROGRESS not in codes(added(84))
    assert indicators.NO_PROGRESS in codes(added(85))


def test_no_progress_clears_when_the_goal_moves() -> None:
    stuck = replace(
        HEALTHY,
        last_active_rating_on=TODAY - timedelta(days=200),
        newest_active_goal_on=TODAY - timedelta(days=300),
    )
    assert indicators.NO_PROGRESS in codes(stuck)
    assert indicators.NO_PROGRESS not in codes(replace(stuck, last_active_rating_on=TODAY))


def test_no_progress_threshold_is_the_organisations() -> None:
    facts = replace(
        HEALTHY,
        last_active_rating_on=TODAY - timedelta(days=50),
        newest_active_goal_on=TODAY - timedelta(days=300),
    )
    assert indicators.NO_PROGRESS not in codes(facts)
    assert indicators.NO_PROGRESS in codes(facts, thresholds=replace(T, no_progress_weeks=6))


# --- review overdue ---


def test_review_is_overdue_the_day_after_it_was_due() -> None:
    assert indicators.REVIEW_OVERDUE not in codes(replace(HEALTHY, next_review_on=TODAY))
    assert indicators.REVIEW_OVERDUE in codes(
        replace(HEALTHY, next_review_on=TODAY - timedelta(days=1))
    )


def test_the_issue_example_review_due_7_october_is_overdue_on_1_december() -> None:
    found = stuck_indicators(replace(HEALTHY, next_review_on=date(2026, 10, 7)), TODAY, T)
    overdue = next(i for i in found if i.code == indicators.REVIEW_OVERDUE)
    assert overdue.title == "The review was due 55 days ago"


def test_without_a_review_the_first_is_due_a_year_after_the_plan_began() -> None:
    facts = replace(HEALTHY, next_review_on=None)
    assert indicators.REVIEW_OVERDUE not in codes(
        replace(facts, plan_started_on=TODAY - timedelta(days=365))
    )
    assert indicators.REVIEW_OVERDUE in codes(
        replace(facts, plan_started_on=TODAY - timedelta(days=366))
    )


# --- unsigned ---


def test_unsigned_boundary_is_more_than_n_weeks_after_the_version() -> None:
    def waiting(days: int) -> PlanFacts:
        return replace(
            HEALTHY,
            version_created_on=TODAY - timedelta(days=days),
            version_person_answered=False,
            version_coordinator_signed=False,
        )

    assert indicators.UNSIGNED not in codes(waiting(28))
    assert indicators.UNSIGNED in codes(waiting(29))


def test_signed_by_one_side_only_says_so_and_clears_when_both_sign() -> None:
    one_side = replace(HEALTHY, version_person_answered=False, version_coordinator_signed=True)
    found = stuck_indicators(one_side, TODAY, T)
    assert [i.title for i in found] == ["The plan has been signed by one side only"]
    assert codes(replace(one_side, version_person_answered=True)) == []


def test_a_plan_never_versioned_is_unsigned_after_n_weeks() -> None:
    facts = replace(HEALTHY, version_created_on=None)
    assert indicators.UNSIGNED not in codes(
        replace(facts, plan_started_on=TODAY - timedelta(days=28))
    )
    assert indicators.UNSIGNED in codes(replace(facts, plan_started_on=TODAY - timedelta(days=29)))


# --- no strengths ---


def test_no_strengths_after_the_new_plan_weeks_and_clears_with_one() -> None:
    facts = replace(HEALTHY, strengths=0)
    assert indicators.NO_STRENGTHS in codes(facts)
    assert indicators.NO_STRENGTHS not in codes(
        replace(facts, plan_started_on=TODAY - timedelta(days=27))
    )
    assert indicators.NO_STRENGTHS not in codes(replace(facts, strengths=1))


# --- goals unchanged ---


def test_goals_unchanged_for_twelve_months_or_more_while_in_services() -> None:
    def changed(on: date, since: date | None = None) -> PlanFacts:
        return replace(
            HEALTHY, last_goal_change_on=on, in_services_since=since or HEALTHY.in_services_since
        )

    year_ago = date(2025, 12, 1)
    assert indicators.GOALS_UNCHANGED in codes(changed(year_ago))  # exactly 12 months: shown
    assert indicators.GOALS_UNCHANGED not in codes(changed(year_ago + timedelta(days=1)))
    # Not in services for 12 months yet: not shown, however old the goals.
    assert indicators.GOALS_UNCHANGED not in codes(
        changed(year_ago - timedelta(days=30), since=year_ago + timedelta(days=1))
    )


def test_months_before_keeps_the_day_or_the_end_of_a_shorter_month() -> None:
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


@pytest.mark.parametrize("code", indicators.CODES)
def test_every_indicator_offers_reflective_prompts(code: str) -> None:
    worst = PlanFacts(
        has_plan=True,
        plan_started_on=TODAY - timedelta(days=900),
        active_goals=0 if code in (indicators.NO_GOALS,) else 1,
        goals=1,
        newest_active_goal_on=TODAY - timedelta(days=800),
        last_active_rating_on=TODAY - timedelta(days=800),
        last_goal_change_on=TODAY - timedelta(days=800),
        strengths=0,
        next_review_on=TODAY - timedelta(days=30),
        version_created_on=TODAY - timedelta(days=300),
        in_services_since=TODAY - timedelta(days=900),
    )
    found = {i.code: i for i in stuck_indicators(worst, TODAY, T)}
    assert code in found
    indicator = found[code]
    assert indicator.title and indicator.detail
    assert len(indicator.prompts) >= 2
    kinds = {kind for kind, _prompt in indicator.prompts}
    assert kinds <= {
        "An honest conversation",
        "A probing question",
        "Refocusing the goals",
        "Peer support and learning",
    }
