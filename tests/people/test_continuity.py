"""Continuity figures derived from coordinator history."""

from __future__ import annotations

from datetime import date

from ourplan.people.continuity import CoordinatorSpell, continuity_of

TODAY = date(2026, 6, 30)


def test_one_long_spell_is_full_continuity() -> None:
    result = continuity_of([CoordinatorSpell(1, date(2020, 1, 1), None)], TODAY)
    assert result.coordinators_ever == 1
    assert result.coordinators_last_year == 1
    assert result.changes_last_year == 0
    assert result.share_of_last_year_with_current == 1.0
    assert result.days_without_coordinator_last_year == 0
    assert result.days_with_current == (TODAY - date(2020, 1, 1)).days


def test_a_change_within_the_year_is_counted_with_the_time_since() -> None:
    spells = [
        CoordinatorSpell(1, date(2024, 1, 1), date(2026, 3, 31)),
        CoordinatorSpell(2, date(2026, 3, 31), None),
    ]
    result = continuity_of(spells, TODAY)
    assert result.coordinators_ever == 2
    assert result.coordinators_last_year == 2
    assert result.changes_last_year == 1
    assert result.days_with_current == 91  # 31 March to 30 June
    assert abs(result.share_of_last_year_with_current - 91 / 365) < 1e-12
    assert result.days_without_coordinator_last_year == 0


def test_gaps_without_a_coordinator_are_counted_only_while_in_services() -> None:
    spells = [
        CoordinatorSpell(1, date(2026, 1, 1), date(2026, 3, 1)),
        CoordinatorSpell(2, date(2026, 4, 1), None),
    ]
    result = continuity_of(spells, TODAY)
    assert result.days_without_coordinator_last_year == 31  # March
    assert result.changes_last_year == 1


def test_someone_with_no_current_coordinator_has_no_current_figures() -> None:
    result = continuity_of([CoordinatorSpell(1, date(2025, 1, 1), date(2026, 1, 1))], TODAY)
    assert result.days_with_current is None
    assert result.share_of_last_year_with_current is None
    assert result.days_without_coordinator_last_year == (TODAY - date(2026, 1, 1)).days
