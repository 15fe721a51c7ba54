"""Continuity of care coordination, derived from care team history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class CoordinatorSpell:
    """One period with one named care coordinator."""

    staff_id: int
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class Continuity:
    """Figures a care coordinator or manager reads at a glance."""

    coordinators_ever: int
    coordinators_last_year: int
    changes_last_year: int
    days_with_current: int | None
    share_of_last_year_with_current: float | None
    days_without_coordinator_last_year: int


def _overlap_days(start: date, end: date, window_start: date, window_end: date) -> int:
    lo = max(start, window_start)
    hi = min(end, window_end)
    return max((hi - lo).days, 0)


def continuity_of(spells: Iterable[CoordinatorSpell], today: date) -> Continuity:
    """Summarise coordinator spells as of ``today``, looking back one year."""
    ordered = sorted(spells, key=lambda spell: spell.started_on)
    year_ago = today - timedelta(days=365)
    in_last_year = [s for s in ordered if (s.ended_on or today) > year_ago]
    current = next((s for s in reversed(ordered) if s.ended_on is None), None)
    # A change is a new spell starting within the year that follows an earlier spell.
    changes = sum(1 for i, s in enumerate(ordered) if i > 0 and s.started_on > year_ago)
    # Only count gaps while the person was in services, not before they arrived.
    window_start = max(year_ago, ordered[0].started_on) if ordered else today
    covered = sum(
        _overlap_days(s.started_on, s.ended_on or today, window_start, today) for s in ordered
    )
    days_with_current = (today - current.started_on).days if current else None
    share = None
    if current is not None:
        share = _overlap_days(current.started_on, today, year_ago, today) / 365
    return Continuity(
        coordinators_ever=len({s.staff_id for s in ordered}),
        coordinators_last_year=len({s.staff_id for s in in_last_year}),
        changes_last_year=changes,
        days_with_current=days_with_current,
        share_of_last_year_with_current=share,
        days_without_coordinator_last_year=max((today - window_start).days - covered, 0),
    )
